-- costledger schema, version 5: the platform and workload of every container row (rule 8).
-- The collector names them from the pod's labels (NameWorkload: "jupyterhub" and
-- "notebook:alice", "airflow" and "dag:etl/load", "spark", "ray", else "kubernetes" and the
-- controller), so that allocations group and filter by them like by any other label.
-- Rows stored before hold '' (their pods' labels are not kept with them; `aggregate=workload`
-- shows them as __unallocated__). ADD COLUMN with a constant default rewrites no table
-- (PostgreSQL 11+), and on container_costs it reaches every daily partition, present and
-- future (CREATE TABLE ... PARTITION OF takes the parent's columns).

ALTER TABLE container_costs
  ADD COLUMN platform text COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN workload text COLLATE "C" NOT NULL DEFAULT '';

ALTER TABLE container_costs_hourly
  ADD COLUMN platform text COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN workload text COLLATE "C" NOT NULL DEFAULT '';

ALTER TABLE container_costs_daily
  ADD COLUMN platform text COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN workload text COLLATE "C" NOT NULL DEFAULT '';

-- A day's rows per workload are now also per platform and workload: both join the key (the
-- rows kept are unique under it, their values being '').
ALTER TABLE workload_costs_daily
  ADD COLUMN platform text COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN workload text COLLATE "C" NOT NULL DEFAULT '',
  DROP CONSTRAINT workload_costs_daily_pkey,
  ADD PRIMARY KEY (cluster, day, namespace, controller_kind, controller, team, platform,
                   workload);
