-- costledger schema, version 16: the time each workload ran per day.
-- The efficiency feed's cost per hour divides a workload's cost by the time it ran: per hour,
-- cluster and team, from its first container's start to its last container's end in the hour
-- (a whole hour when those give none), summed. A week read hour by hour is 168 rows per
-- workload (84k at 10,000 pods: 0.27 s of the console's efficiency page); this table keeps
-- those sums per UTC day, so whole days are read from workload_costs_daily and here: 7 rows.
-- `name` is the feed's workload name within the namespace (feed_workload_name below).
-- Written by the daily rollup in the same transaction as workload_costs_daily (the day's rows
-- deleted first), deleted by retention with the daily tier. The reader takes a day from here
-- only when its daily rollup is current, else from the same function over the day's hours.

-- The efficiency feed's name of a workload within its namespace, as FeedWorkloadName in
-- core/src/efficiency_feed.cpp says it: the workload where a platform named it, else the
-- controller (the activity rows, and the usage series of the workloads a page shows).
CREATE FUNCTION feed_workload_name(platform text, workload text, controller text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN platform <> '' AND platform <> 'kubernetes' AND workload <> ''
            THEN workload ELSE controller END;

CREATE TABLE workload_activity_daily (
  cluster text COLLATE "C" NOT NULL,
  day timestamptz NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  team text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  active_seconds bigint NOT NULL,
  PRIMARY KEY (cluster, day, namespace, team, name)
);

-- The activity rows of cluster $1's UTC day starting at $2, from workload_costs_hourly (the
-- one definition: the daily rollup inserts its rows, the reader reads it for days whose rollup
-- is not current, this migration fills the days stored before).
CREATE FUNCTION workload_activity_of_day(text, timestamptz)
RETURNS TABLE (namespace text, team text, name text, active_seconds bigint)
LANGUAGE sql STABLE
SET jit = off
AS $$
SELECT namespace, team, name, sum(CASE WHEN ran > 0 THEN ran ELSE 3600 END)::bigint
FROM (
  SELECT h.namespace, h.team, feed_workload_name(h.platform, h.workload, h.controller) AS name,
    date_part('epoch', least(max(h.last_end), h.hour + interval '1 hour'))::bigint
      - date_part('epoch', greatest(min(h.first_start), h.hour))::bigint AS ran
  FROM workload_costs_hourly h
  WHERE h.cluster = $1 AND h.hour >= $2 AND h.hour < $2 + interval '1 day'
  GROUP BY h.hour, h.namespace, h.team, 3
) hours
GROUP BY namespace, team, name
$$;

-- The days rolled up before this migration (their hours are kept as long as they are).
INSERT INTO workload_activity_daily
SELECT d.cluster, d.day, a.*
FROM (SELECT DISTINCT cluster, day FROM workload_costs_daily) d,
LATERAL workload_activity_of_day(d.cluster, d.day) a;
