-- costledger schema, version 2: what the allocation API reads.
-- * Rollups carry allocated quantities (rule 3: max(request, usage) per interval, which is not
--   derivable from summed requests and usages) and the exact first and last instant covered.
-- * Daily rollups, recomputed from the hourly ones once a day is complete, so a 30-day query
--   reads 24x fewer rows.
-- * Pod labels, for label:<name> aggregations; clusters, so reads can use the
--   cluster-leading keys.

ALTER TABLE container_costs_hourly
  ADD COLUMN cpu_allocated_millicore_seconds bigint NOT NULL DEFAULT 0,
  ADD COLUMN memory_allocated_byte_seconds bigint NOT NULL DEFAULT 0,
  ADD COLUMN first_start timestamptz,
  ADD COLUMN last_end timestamptz;
UPDATE container_costs_hourly SET
  cpu_allocated_millicore_seconds =
    greatest(cpu_request_millicore_seconds, cpu_usage_millicore_seconds),
  memory_allocated_byte_seconds =
    greatest(memory_request_byte_seconds, memory_usage_byte_seconds),
  first_start = hour, last_end = hour + interval '1 hour';
ALTER TABLE container_costs_hourly
  ALTER COLUMN first_start SET NOT NULL, ALTER COLUMN last_end SET NOT NULL,
  ALTER COLUMN cpu_allocated_millicore_seconds DROP DEFAULT,
  ALTER COLUMN memory_allocated_byte_seconds DROP DEFAULT;

ALTER TABLE node_costs_hourly ADD COLUMN first_start timestamptz, ADD COLUMN last_end timestamptz;
UPDATE node_costs_hourly SET first_start = hour, last_end = hour + interval '1 hour';
ALTER TABLE node_costs_hourly
  ALTER COLUMN first_start SET NOT NULL, ALTER COLUMN last_end SET NOT NULL;

-- Hours whose raw rows still exist are recomputed exactly by the next rollup.
INSERT INTO rollup_pending (cluster, hour)
SELECT DISTINCT cluster, to_timestamp(floor(extract(epoch FROM interval_start) / 3600) * 3600)
FROM node_costs
ON CONFLICT DO NOTHING;

CREATE TABLE container_costs_daily (LIKE container_costs_hourly INCLUDING ALL);
ALTER TABLE container_costs_daily RENAME COLUMN hour TO day;
CREATE TABLE node_costs_daily (LIKE node_costs_hourly INCLUDING ALL);
ALTER TABLE node_costs_daily RENAME COLUMN hour TO day;

-- Days whose hourly rollups changed since their daily rollup was computed (UTC days).
CREATE TABLE rollup_pending_daily (
  cluster text COLLATE "C" NOT NULL,
  day timestamptz NOT NULL,
  PRIMARY KEY (cluster, day)
);
INSERT INTO rollup_pending_daily (cluster, day)
SELECT DISTINCT cluster, to_timestamp(floor(extract(epoch FROM hour) / 86400) * 86400)
FROM node_costs_hourly
ON CONFLICT DO NOTHING;

CREATE TABLE pod_labels (
  cluster text COLLATE "C" NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  pod text COLLATE "C" NOT NULL,
  labels jsonb NOT NULL,
  PRIMARY KEY (cluster, namespace, pod)
);

CREATE TABLE clusters (
  cluster text COLLATE "C" PRIMARY KEY
);
INSERT INTO clusters SELECT DISTINCT cluster FROM node_costs_hourly ON CONFLICT DO NOTHING;
INSERT INTO clusters SELECT DISTINCT cluster FROM node_costs ON CONFLICT DO NOTHING;
