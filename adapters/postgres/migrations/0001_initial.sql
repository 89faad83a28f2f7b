-- costledger schema, version 1.
-- Money is integer nano-dollars (bigint); quantities are integer base units (millicores, bytes,
-- devices) and their products with seconds. `cluster` leads every key so that tables can be
-- distributed by cluster (Citus) when one server is not enough.
-- schema_migrations is created by the migration runner itself, before this file runs.

-- One row per container and interval (raw). Partitioned by UTC day of interval_start: the
-- partitions, container_costs_YYYYMMDD, are created by the store ahead of time and on write,
-- and dropped whole by retention.
-- Text columns use COLLATE "C": byte order is all the keys need, and it keeps index
-- inserts and GROUP BYs several times cheaper than locale-aware comparison.
CREATE TABLE container_costs (
  cluster text COLLATE "C" NOT NULL,
  interval_start timestamptz NOT NULL,
  interval_seconds integer NOT NULL CHECK (interval_seconds > 0),
  node text COLLATE "C" NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  controller_kind text COLLATE "C" NOT NULL,
  controller text COLLATE "C" NOT NULL,
  pod text COLLATE "C" NOT NULL,
  container text COLLATE "C" NOT NULL,
  team text COLLATE "C" NOT NULL,
  capacity_type text COLLATE "C" NOT NULL,
  instance_type text COLLATE "C" NOT NULL,
  cpu_request_millicores bigint NOT NULL,
  cpu_usage_millicores bigint NOT NULL,
  memory_request_bytes bigint NOT NULL,
  memory_usage_bytes bigint NOT NULL,
  gpu_devices bigint NOT NULL,
  gpu_busy_devices double precision,  -- average devices busy (DCGM); NULL when not observed
  usage_observed boolean NOT NULL,     -- false: CPU and memory usage were not scraped
  cpu_cost_nanos bigint NOT NULL,
  ram_cost_nanos bigint NOT NULL,
  gpu_cost_nanos bigint NOT NULL,
  -- The natural key (cluster, interval_start, namespace, pod, container) as a compact
  -- surrogate: a stable 64-bit hash of namespace/pod/container, made unique within the
  -- interval by the writer (ContainerKeys). A 5-text-column key index doubled write cost.
  container_key bigint NOT NULL,
  PRIMARY KEY (cluster, interval_start, container_key)
) PARTITION BY RANGE (interval_start);

-- One row per node and interval (raw), partitioned like container_costs (node_costs_YYYYMMDD).
-- node_cost_nanos = pool_cpu + pool_ram + pool_gpu, and per resource
-- pool = sum(container_costs of the node) + idle, to the nano-dollar.
CREATE TABLE node_costs (
  cluster text COLLATE "C" NOT NULL,
  interval_start timestamptz NOT NULL,
  interval_seconds integer NOT NULL CHECK (interval_seconds > 0),
  node text COLLATE "C" NOT NULL,
  instance_type text COLLATE "C" NOT NULL,
  zone text COLLATE "C" NOT NULL,
  capacity_type text COLLATE "C" NOT NULL,
  price_source text COLLATE "C" NOT NULL,
  price_per_hour_nanos bigint NOT NULL,
  cpu_millicores bigint NOT NULL,
  memory_bytes bigint NOT NULL,
  gpu_devices bigint NOT NULL,
  cpu_per_core_hour double precision NOT NULL,  -- unit prices in dollars, for exposition only
  ram_per_gib_hour double precision NOT NULL,
  gpu_per_device_hour double precision NOT NULL,
  node_cost_nanos bigint NOT NULL,
  pool_cpu_nanos bigint NOT NULL,
  pool_ram_nanos bigint NOT NULL,
  pool_gpu_nanos bigint NOT NULL,
  idle_cpu_nanos bigint NOT NULL,
  idle_ram_nanos bigint NOT NULL,
  idle_gpu_nanos bigint NOT NULL,
  containers integer NOT NULL,
  cpu_overcommitted boolean NOT NULL,
  memory_overcommitted boolean NOT NULL,
  gpu_overcommitted boolean NOT NULL,
  PRIMARY KEY (cluster, interval_start, node)
) PARTITION BY RANGE (interval_start);

-- Hourly rollups: one row per container (node) and hour, recomputed from the raw rows of a
-- complete hour (see rollup_pending). Sums over the hour; quantity x seconds in bigint
-- (1 TiB for an hour is 4e15 byte-seconds, far below 9.2e18). Labels are the smallest seen in
-- the hour. The primary key also serves lookups by (cluster, hour).
CREATE TABLE container_costs_hourly (
  cluster text COLLATE "C" NOT NULL,
  hour timestamptz NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  pod text COLLATE "C" NOT NULL,
  container text COLLATE "C" NOT NULL,
  node text COLLATE "C" NOT NULL,
  controller_kind text COLLATE "C" NOT NULL,
  controller text COLLATE "C" NOT NULL,
  team text COLLATE "C" NOT NULL,
  capacity_type text COLLATE "C" NOT NULL,
  instance_type text COLLATE "C" NOT NULL,
  intervals integer NOT NULL,
  seconds bigint NOT NULL,
  usage_observed_seconds bigint NOT NULL,  -- seconds whose CPU and memory usage was scraped
  cpu_request_millicore_seconds bigint NOT NULL,
  cpu_usage_millicore_seconds bigint NOT NULL,
  memory_request_byte_seconds bigint NOT NULL,
  memory_usage_byte_seconds bigint NOT NULL,
  gpu_device_seconds bigint NOT NULL,
  gpu_busy_device_seconds double precision NOT NULL,
  gpu_busy_observed_seconds bigint NOT NULL,  -- seconds whose GPU utilisation was scraped
  cpu_cost_nanos bigint NOT NULL,
  ram_cost_nanos bigint NOT NULL,
  gpu_cost_nanos bigint NOT NULL,
  PRIMARY KEY (cluster, hour, namespace, pod, container, node)
);

-- Hourly rollup of node_costs, maintained like container_costs_hourly. Capacities and the
-- price are the hour's maximum.
CREATE TABLE node_costs_hourly (
  cluster text COLLATE "C" NOT NULL,
  hour timestamptz NOT NULL,
  node text COLLATE "C" NOT NULL,
  instance_type text COLLATE "C" NOT NULL,
  zone text COLLATE "C" NOT NULL,
  capacity_type text COLLATE "C" NOT NULL,
  intervals integer NOT NULL,
  seconds bigint NOT NULL,
  price_per_hour_nanos bigint NOT NULL,
  cpu_millicores bigint NOT NULL,
  memory_bytes bigint NOT NULL,
  gpu_devices bigint NOT NULL,
  node_cost_nanos bigint NOT NULL,
  pool_cpu_nanos bigint NOT NULL,
  pool_ram_nanos bigint NOT NULL,
  pool_gpu_nanos bigint NOT NULL,
  idle_cpu_nanos bigint NOT NULL,
  idle_ram_nanos bigint NOT NULL,
  idle_gpu_nanos bigint NOT NULL,
  PRIMARY KEY (cluster, hour, node)
);

-- Athena query executions in a final state, priced by rule 7; one row per execution.
CREATE TABLE query_costs (
  cluster text COLLATE "C" NOT NULL,
  query_execution_id text COLLATE "C" NOT NULL,
  work_group text COLLATE "C" NOT NULL,
  team text COLLATE "C" NOT NULL,
  state text COLLATE "C" NOT NULL,
  statement_type text COLLATE "C" NOT NULL,
  submitted timestamptz NOT NULL,
  completed timestamptz,
  data_scanned_bytes bigint NOT NULL,
  engine_execution_millis bigint NOT NULL,
  cost_nanos bigint NOT NULL,
  query text COLLATE "C" NOT NULL,
  PRIMARY KEY (cluster, query_execution_id)
);
CREATE INDEX query_costs_cluster_submitted ON query_costs (cluster, submitted);

-- Hours whose raw rows changed since their rollup was computed. Writers mark the hour; the
-- rollup recomputes a complete hour from its raw rows (exact and idempotent by construction:
-- replays and late batches simply mark the hour again).
CREATE TABLE rollup_pending (
  cluster text COLLATE "C" NOT NULL,
  hour timestamptz NOT NULL,
  PRIMARY KEY (cluster, hour)
);
