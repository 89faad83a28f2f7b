-- costledger schema, version 14: hourly costs per workload.
-- What workload_costs_daily is to whole days, for hours: the hourly rollup of
-- container_costs_hourly summed per (namespace, controller, team, platform, workload), kept by
-- the hourly rollup in the same transaction. Reads grouped by nothing finer (the console's
-- overview, team and namespace pages, the efficiency feed, reports) then read one row per
-- workload and hour for today and for steps shorter than a day instead of one per container:
-- measured at 30 days x 10,000 pods (bench/run console), ~13x fewer rows.

CREATE TABLE workload_costs_hourly (LIKE workload_costs_daily INCLUDING ALL);
ALTER TABLE workload_costs_hourly RENAME COLUMN day TO hour;

-- The hours rolled up before this migration.
INSERT INTO workload_costs_hourly (
  cluster, hour, namespace, controller_kind, controller, team, platform, workload, intervals,
  seconds, usage_observed_seconds, cpu_request_millicore_seconds, cpu_usage_millicore_seconds,
  memory_request_byte_seconds, memory_usage_byte_seconds, gpu_device_seconds,
  gpu_busy_device_seconds, gpu_busy_observed_seconds, cpu_cost_nanos, ram_cost_nanos,
  gpu_cost_nanos, cpu_allocated_millicore_seconds, memory_allocated_byte_seconds, first_start,
  last_end)
SELECT cluster, hour, namespace, controller_kind, controller, team, platform, workload,
  sum(intervals), sum(seconds), sum(usage_observed_seconds), sum(cpu_request_millicore_seconds),
  sum(cpu_usage_millicore_seconds), sum(memory_request_byte_seconds),
  sum(memory_usage_byte_seconds), sum(gpu_device_seconds), sum(gpu_busy_device_seconds),
  sum(gpu_busy_observed_seconds), sum(cpu_cost_nanos), sum(ram_cost_nanos), sum(gpu_cost_nanos),
  sum(cpu_allocated_millicore_seconds), sum(memory_allocated_byte_seconds), min(first_start),
  max(last_end)
FROM container_costs_hourly
GROUP BY cluster, hour, namespace, controller_kind, controller, team, platform, workload;
