-- costledger schema, version 18: container costs per local day of the reports' time zone.
-- A weekly report reads each local day of its zone (Europe/Berlin: 22:00 or 23:00 to 22:00 or
-- 23:00 UTC, 23 or 25 hours around DST). From the UTC tiers that is a UTC day plus the hours
-- it takes from the day before less the hours it leaves, and the hours taken away must be
-- matched to the day's rows: 5x the rows of a UTC day (10k pods: 64-74 ms against ~30 ms).
-- These tables keep the same container rollup per local day of one zone, so a local day is
-- one rollup read as a UTC day is.
--
-- * local_day_zone: the zone (one row; none: no local days): per deployment, not per cluster
--   (with Citus a table on the coordinator, as quotas). Set by PostgresStore::
--   SetLocalDayZone (the collector, from the configuration's time_zone); a new zone clears
--   both tables below and marks every stored local day of the new zone pending.
-- * local_days: every local day of that zone with hourly rollups, per cluster: its start and
--   end (UTC), and whether it waits for its rollup. The hourly rollup marks its local day
--   pending (same transaction); the daily rollup computes it from its hours once it has ended
--   and none of its hours is pending. Only days that start and end on whole UTC hours (zones
--   with whole-hour offsets); others are read from the UTC tiers.
-- * container_costs_local_daily: the rows, as container_costs_daily (`day` is the local day's
--   start). A reader uses a local day only when it is not pending, none of its hours is, and
--   the window covers it whole.
-- Retention deletes a local day with the daily tier, once it has ended before the cutoff.
CREATE TABLE local_day_zone (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  zone text NOT NULL
);

CREATE TABLE local_days (
  cluster text COLLATE "C" NOT NULL,
  day timestamptz NOT NULL,
  day_end timestamptz NOT NULL,
  pending boolean NOT NULL,
  PRIMARY KEY (cluster, day)
);
CREATE INDEX local_days_pending ON local_days (day) WHERE pending;

CREATE TABLE container_costs_local_daily (LIKE container_costs_daily INCLUDING ALL);

-- The local day of zone `zone` holding the instant `at`: its start and end, when both are
-- whole UTC hours (else no row). A day is at least 23 hours long, so 26 hours after its start
-- lies in the next one.
CREATE FUNCTION local_day_of(zone text, at timestamptz)
RETURNS TABLE (day timestamptz, day_end timestamptz) LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT s.day, s.day_end
  FROM (SELECT date_trunc('day', at, zone) AS day,
               date_trunc('day', date_trunc('day', at, zone) + interval '26 hours', zone)
                 AS day_end) s
  WHERE extract(epoch FROM s.day)::bigint % 3600 = 0
    AND extract(epoch FROM s.day_end)::bigint % 3600 = 0;
END;
