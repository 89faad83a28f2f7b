-- costledger schema, version 6: raw container rows carry no index and no CHECK; a day's rows
-- are partitioned again by hour.
-- Measured on 10,000 rows a minute (bench/run ingest), per interval of server CPU: the BRIN
-- index on interval_start cost about 4.3 ms (each row reads the index's meta and revmap
-- pages), the CHECK (interval_seconds > 0) 1.5 ms, of about 38 ms in all. The writer checks
-- the interval length itself (PostgresStore::Write). Without an index, a read of raw rows is
-- pruned to the hour partitions it asks for: the store creates each new day of
-- container_costs as container_costs_YYYYMMDD partitioned by hour (container_costs_YYYYMMDD_HH).
-- Days created before this migration stay whole and keep a BRIN index of their own; retention
-- drops days whole, as before.

ALTER TABLE container_costs DROP CONSTRAINT IF EXISTS container_costs_interval_seconds_check;
ALTER TABLE node_costs DROP CONSTRAINT IF EXISTS node_costs_interval_seconds_check;
DROP INDEX container_costs_interval_start;

DO $$
DECLARE
  day_partition regclass;
BEGIN
  FOR day_partition IN
    SELECT i.inhrelid::regclass FROM pg_inherits i WHERE i.inhparent = 'container_costs'::regclass
  LOOP
    EXECUTE format('CREATE INDEX ON %s USING brin (interval_start)', day_partition);
  END LOOP;
END
$$;
