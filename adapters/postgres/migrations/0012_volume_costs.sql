-- costledger schema, version 12: persistent volume costs (rule 9).
-- volume_costs: one row per volume and interval (the Disk asset: size, type, price, cost).
-- volume_share_costs: the interval cost of each volume split to the containers of the pods that
-- mounted its claim, or one `__unmounted__` row; per volume and interval the shares sum to the
-- volume's cost_nanos exactly. Shares carry the labels of container rows (rule 8), so
-- allocations group them like containers. byte_seconds: the volume's size x interval, split like
-- the cost. Volumes are few (one per claim, not per container): both raw tables are plain, keyed
-- by their natural key (a replayed batch inserts nothing twice) and cut by retention with
-- DELETE. Hourly and daily rollups are recomputed with the container rollups, from the same
-- rollup_pending marks.

CREATE TABLE volume_costs (
  cluster text COLLATE "C" NOT NULL,
  interval_start timestamptz NOT NULL,
  interval_seconds integer NOT NULL,
  volume text COLLATE "C" NOT NULL,
  provider_id text COLLATE "C" NOT NULL,
  storage_class text COLLATE "C" NOT NULL,
  price_key text COLLATE "C" NOT NULL,
  claim_namespace text COLLATE "C" NOT NULL,
  claim text COLLATE "C" NOT NULL,
  zone text COLLATE "C" NOT NULL,
  size_bytes bigint NOT NULL,
  billed_iops bigint NOT NULL,
  billed_throughput_mibps bigint NOT NULL,
  price_source text COLLATE "C" NOT NULL,
  per_gib_month_nanos bigint NOT NULL,
  per_iops_month_nanos bigint NOT NULL,
  per_gibps_month_nanos bigint NOT NULL,
  cost_nanos bigint NOT NULL,
  mounts integer NOT NULL,
  PRIMARY KEY (cluster, interval_start, volume)
);

CREATE TABLE volume_share_costs (
  cluster text COLLATE "C" NOT NULL,
  interval_start timestamptz NOT NULL,
  interval_seconds integer NOT NULL,
  volume text COLLATE "C" NOT NULL,
  node text COLLATE "C" NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  controller_kind text COLLATE "C" NOT NULL,
  controller text COLLATE "C" NOT NULL,
  pod text COLLATE "C" NOT NULL,
  container text COLLATE "C" NOT NULL,
  team text COLLATE "C" NOT NULL,
  capacity_type text COLLATE "C" NOT NULL,
  instance_type text COLLATE "C" NOT NULL,
  platform text COLLATE "C" NOT NULL,
  workload text COLLATE "C" NOT NULL,
  byte_seconds double precision NOT NULL,
  cost_nanos bigint NOT NULL,
  PRIMARY KEY (cluster, interval_start, volume, namespace, pod, container)
);

-- Rollups: sums over the hour (day); labels the smallest seen; size the largest.
CREATE TABLE volume_costs_hourly (
  cluster text COLLATE "C" NOT NULL,
  hour timestamptz NOT NULL,
  volume text COLLATE "C" NOT NULL,
  provider_id text COLLATE "C" NOT NULL,
  storage_class text COLLATE "C" NOT NULL,
  price_key text COLLATE "C" NOT NULL,
  claim_namespace text COLLATE "C" NOT NULL,
  claim text COLLATE "C" NOT NULL,
  zone text COLLATE "C" NOT NULL,
  size_bytes bigint NOT NULL,
  per_gib_month_nanos bigint NOT NULL,
  seconds bigint NOT NULL,
  byte_seconds numeric NOT NULL,
  cost_nanos bigint NOT NULL,
  first_start timestamptz NOT NULL,
  last_end timestamptz NOT NULL,
  PRIMARY KEY (cluster, hour, volume)
);
CREATE TABLE volume_costs_daily (LIKE volume_costs_hourly INCLUDING ALL);
ALTER TABLE volume_costs_daily RENAME COLUMN hour TO day;

CREATE TABLE volume_share_costs_hourly (
  cluster text COLLATE "C" NOT NULL,
  hour timestamptz NOT NULL,
  volume text COLLATE "C" NOT NULL,
  node text COLLATE "C" NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  controller_kind text COLLATE "C" NOT NULL,
  controller text COLLATE "C" NOT NULL,
  pod text COLLATE "C" NOT NULL,
  container text COLLATE "C" NOT NULL,
  team text COLLATE "C" NOT NULL,
  capacity_type text COLLATE "C" NOT NULL,
  instance_type text COLLATE "C" NOT NULL,
  platform text COLLATE "C" NOT NULL,
  workload text COLLATE "C" NOT NULL,
  byte_seconds double precision NOT NULL,
  cost_nanos bigint NOT NULL,
  first_start timestamptz NOT NULL,
  last_end timestamptz NOT NULL,
  PRIMARY KEY (cluster, hour, volume, namespace, pod, container)
);
CREATE TABLE volume_share_costs_daily (LIKE volume_share_costs_hourly INCLUDING ALL);
ALTER TABLE volume_share_costs_daily RENAME COLUMN hour TO day;
