-- costledger schema, version 13: stable views for dashboards (Grafana, grafana/), in a schema of
-- their own, so that panels never depend on the internal tables, which migrations may change.
-- Money is in dollars (numeric: exact), time is `time` (timestamptz) so Grafana's
-- $__timeFilter(time) and $__timeGroup(time, ...) apply, and a filter on `time` of the raw
-- views prunes their partitions. A view runs with its owner's rights: the read-only role below
-- reads the views and nothing else.
-- Numbered 11 after 0010 (node groups); another branch may take 11 first: renumber at merge.

CREATE SCHEMA IF NOT EXISTS dashboards;

-- One row per container and collector interval (exact and up to date; kept retention.raw_days).
CREATE VIEW dashboards.container_costs AS
SELECT interval_start AS time, interval_seconds, cluster, node, namespace, controller_kind,
  controller, pod, container, team, platform, workload, capacity_type, instance_type,
  (cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos) / 1e9 AS cost,
  cpu_cost_nanos / 1e9 AS cpu_cost, ram_cost_nanos / 1e9 AS ram_cost,
  gpu_cost_nanos / 1e9 AS gpu_cost,
  cpu_request_millicores / 1000.0 AS cpu_request_cores,
  cpu_usage_millicores / 1000.0 AS cpu_usage_cores,
  memory_request_bytes, memory_usage_bytes, gpu_devices, gpu_busy_devices,
  gpu_devices * interval_seconds / 3600.0 AS gpu_hours,
  cpu_request_millicores * interval_seconds / 3.6e6 AS cpu_request_core_hours,
  cpu_usage_millicores * interval_seconds / 3.6e6 AS cpu_usage_core_hours
FROM container_costs;

-- One row per container and hour (hourly rollups: complete hours, kept retention.hourly_days).
CREATE VIEW dashboards.container_costs_hourly AS
SELECT hour AS time, seconds, cluster, node, namespace, controller_kind, controller, pod,
  container, team, platform, workload, capacity_type, instance_type,
  (cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos) / 1e9 AS cost,
  cpu_cost_nanos / 1e9 AS cpu_cost, ram_cost_nanos / 1e9 AS ram_cost,
  gpu_cost_nanos / 1e9 AS gpu_cost, gpu_device_seconds / 3600.0 AS gpu_hours,
  cpu_request_millicore_seconds / 3.6e6 AS cpu_request_core_hours,
  cpu_usage_millicore_seconds / 3.6e6 AS cpu_usage_core_hours
FROM container_costs_hourly;

-- One row per node and collector interval: price, capacity, cost, idle.
CREATE VIEW dashboards.node_costs AS
SELECT interval_start AS time, interval_seconds, cluster, node, instance_type, zone,
  capacity_type, node_group, price_per_hour_nanos / 1e9 AS hourly_price,
  cpu_millicores / 1000.0 AS cpu_cores, memory_bytes, gpu_devices,
  interval_seconds / 3600.0 AS node_hours,
  gpu_devices * interval_seconds / 3600.0 AS gpu_hours,
  node_cost_nanos / 1e9 AS cost,
  (idle_cpu_nanos + idle_ram_nanos + idle_gpu_nanos) / 1e9 AS idle_cost,
  idle_gpu_nanos / 1e9 AS idle_gpu_cost, containers
FROM node_costs;

-- One row per priced Athena query execution, at its submission time.
CREATE VIEW dashboards.query_costs AS
SELECT submitted AS time, cluster, query_execution_id, work_group AS workgroup, team, state,
  statement_type, data_scanned_bytes, engine_execution_millis, cost_nanos / 1e9 AS cost,
  left(query, 300) AS query
FROM query_costs;

-- The quotas as specified (their spend is on /metrics: costledger_quota_spent).
CREATE VIEW dashboards.quotas AS
SELECT name, spec->'scope'->>'team' AS team, spec->'scope'->>'namespace' AS namespace,
  spec->'scope'->>'cluster' AS cluster, spec->'scope'->>'workgroup' AS workgroup,
  spec->>'period' AS period, coalesce(spec->>'action', 'alert') AS action,
  (SELECT key FROM jsonb_each(spec->'limit') LIMIT 1) AS limit_unit,
  (SELECT value::text::numeric FROM jsonb_each(spec->'limit') LIMIT 1) AS limit_amount,
  updated_at AS time, updated_by
FROM quotas;

-- The read-only role Grafana logs in as (grafana/README.md gives it LOGIN and a password). Made
-- only where the migrating user may create roles; elsewhere an administrator runs these lines.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'costledger_dashboards') THEN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user
               AND (rolsuper OR rolcreaterole)) THEN
      CREATE ROLE costledger_dashboards NOLOGIN;
    ELSE
      RAISE NOTICE 'role costledger_dashboards not created: % may not create roles', current_user;
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'costledger_dashboards') THEN
    GRANT USAGE ON SCHEMA dashboards TO costledger_dashboards;
    GRANT SELECT ON ALL TABLES IN SCHEMA dashboards TO costledger_dashboards;
  END IF;
END
$$;
