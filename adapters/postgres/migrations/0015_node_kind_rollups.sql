-- costledger schema, version 15: hourly and daily costs per node and controller kind.
-- The nodes' and offerings' usage (the efficiency feed by offering, the console's nodes page)
-- and `aggregate=node` group container rows by nothing finer than (cluster, node,
-- controller kind): these rollups of container_costs_hourly and _daily hold one row per node
-- and kind instead of one per container (at 10,000 pods on 500 nodes, ~7x fewer), kept by the
-- hourly and daily rollups in the same transactions as the container rows they sum.
-- Byte-seconds are numeric, as in the per-workload rollups: a node's day can pass 2^63.

CREATE TABLE node_kind_costs_hourly (
  cluster text COLLATE "C" NOT NULL,
  hour timestamptz NOT NULL,
  node text COLLATE "C" NOT NULL,
  controller_kind text COLLATE "C" NOT NULL,
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
  PRIMARY KEY (cluster, hour, node, controller_kind)
);
CREATE TABLE node_kind_costs_daily (LIKE node_kind_costs_hourly INCLUDING ALL);
ALTER TABLE node_kind_costs_daily RENAME COLUMN hour TO day;

-- The hours and days rolled up before this migration.
INSERT INTO node_kind_costs_hourly
SELECT cluster, hour, node, controller_kind, sum(intervals), sum(seconds),
  sum(usage_observed_seconds), sum(cpu_request_millicore_seconds),
  sum(cpu_usage_millicore_seconds), sum(memory_request_byte_seconds),
  sum(memory_usage_byte_seconds), sum(gpu_device_seconds), sum(gpu_busy_device_seconds),
  sum(gpu_busy_observed_seconds), sum(cpu_cost_nanos), sum(ram_cost_nanos), sum(gpu_cost_nanos),
  sum(cpu_allocated_millicore_seconds), sum(memory_allocated_byte_seconds), min(first_start),
  max(last_end)
FROM container_costs_hourly
GROUP BY cluster, hour, node, controller_kind;
INSERT INTO node_kind_costs_daily
SELECT cluster, day, node, controller_kind, sum(intervals), sum(seconds),
  sum(usage_observed_seconds), sum(cpu_request_millicore_seconds),
  sum(cpu_usage_millicore_seconds), sum(memory_request_byte_seconds),
  sum(memory_usage_byte_seconds), sum(gpu_device_seconds), sum(gpu_busy_device_seconds),
  sum(gpu_busy_observed_seconds), sum(cpu_cost_nanos), sum(ram_cost_nanos), sum(gpu_cost_nanos),
  sum(cpu_allocated_millicore_seconds), sum(memory_allocated_byte_seconds), min(first_start),
  max(last_end)
FROM container_costs_daily
GROUP BY cluster, day, node, controller_kind;
