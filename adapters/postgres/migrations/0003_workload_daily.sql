-- costledger schema, version 3: daily costs per workload.
-- The daily rollup of container_costs_daily summed per (namespace, controller, team), so that
-- allocations grouped by nothing finer (namespace, controller, team, cluster: what dashboards
-- ask most) read one row per workload and day instead of one per container and day. Kept by
-- the daily rollup, from the day's container rows, in the same transaction.
-- Byte-seconds are numeric: a workload of many large pods can pass 2^63 in a day.

CREATE TABLE workload_costs_daily (
  cluster text COLLATE "C" NOT NULL,
  day timestamptz NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  controller_kind text COLLATE "C" NOT NULL,
  controller text COLLATE "C" NOT NULL,
  team text COLLATE "C" NOT NULL,
  intervals bigint NOT NULL,
  seconds bigint NOT NULL,
  usage_observed_seconds bigint NOT NULL,
  cpu_request_millicore_seconds bigint NOT NULL,
  cpu_usage_millicore_seconds bigint NOT NULL,
  memory_request_byte_seconds numeric NOT NULL,
  memory_usage_byte_seconds numeric NOT NULL,
  gpu_device_seconds bigint NOT NULL,
  gpu_busy_device_seconds double precision NOT NULL,
  gpu_busy_observed_seconds bigint NOT NULL,
  cpu_cost_nanos bigint NOT NULL,
  ram_cost_nanos bigint NOT NULL,
  gpu_cost_nanos bigint NOT NULL,
  cpu_allocated_millicore_seconds bigint NOT NULL,
  memory_allocated_byte_seconds numeric NOT NULL,
  first_start timestamptz NOT NULL,
  last_end timestamptz NOT NULL,
  PRIMARY KEY (cluster, day, namespace, controller_kind, controller, team)
);

INSERT INTO workload_costs_daily
SELECT cluster, day, namespace, controller_kind, controller, team, sum(intervals), sum(seconds),
  sum(usage_observed_seconds), sum(cpu_request_millicore_seconds),
  sum(cpu_usage_millicore_seconds), sum(memory_request_byte_seconds),
  sum(memory_usage_byte_seconds), sum(gpu_device_seconds), sum(gpu_busy_device_seconds),
  sum(gpu_busy_observed_seconds), sum(cpu_cost_nanos), sum(ram_cost_nanos), sum(gpu_cost_nanos),
  sum(cpu_allocated_millicore_seconds), sum(memory_allocated_byte_seconds), min(first_start),
  max(last_end)
FROM container_costs_daily
GROUP BY cluster, day, namespace, controller_kind, controller, team;
