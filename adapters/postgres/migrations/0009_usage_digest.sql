-- costledger schema, version 9: a daily digest of hourly usage per container, for right-sizing.
--
-- The weekly reports' right-sizing reads one usage sample per pod and hour for a week: read
-- from container_costs_hourly that is a sort of ~1.7M pod-hours at 10^4 pods (most of a
-- report run). The digest holds the same figures per (cluster, UTC day, namespace, controller,
-- platform, workload, container), in arrays, so a week is ~8 rows per container read in key
-- order. It is written by the daily rollup, in the same transaction as container_costs_daily
-- (the day's rows deleted first: a replayed rollup rewrites the same rows), and deleted by
-- retention with the daily tier. A day is read from it only when its daily rollup is current
-- (not in rollup_pending_daily, no hour in rollup_pending), else from the same function over
-- container_costs_hourly, so both give what the hourly rollups hold.
--
-- Per row, for the hours with rows of the container (`hours`, 0..23 ascending) and in the same
-- order: the smallest team label of the hour's rows, and the sums of seconds and of the
-- request-seconds over them (numeric: a container of many large pods can pass 2^63). Per pod
-- (`pods`, bytewise ascending): a mask of the hours it has rows in (bit h: hour h). Per pod and
-- hour with usage observed, ordered by hour then pod: the hour, and the usage averaged over the
-- observed seconds of the pod's rows in the hour (every node), rounded half up, in millicores
-- and bytes.

CREATE TABLE container_usage_daily (
  cluster text COLLATE "C" NOT NULL,
  day timestamptz NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  controller_kind text COLLATE "C" NOT NULL,
  controller text COLLATE "C" NOT NULL,
  platform text COLLATE "C" NOT NULL,
  workload text COLLATE "C" NOT NULL,
  container text COLLATE "C" NOT NULL,
  hours smallint[] NOT NULL,
  hour_teams text[] COLLATE "C" NOT NULL,
  hour_seconds bigint[] NOT NULL,
  hour_cpu_request_millicore_seconds numeric[] NOT NULL,
  hour_memory_request_byte_seconds numeric[] NOT NULL,
  pods text[] COLLATE "C" NOT NULL,
  pod_hours integer[] NOT NULL,
  sample_hours smallint[] NOT NULL,
  cpu_millicores bigint[] NOT NULL,
  memory_bytes bigint[] NOT NULL,
  PRIMARY KEY (cluster, day, namespace, controller_kind, controller, platform, workload,
               container)
);

-- The digest rows of cluster $1's UTC day starting at $2, computed from container_costs_hourly
-- (the one definition: the daily rollup inserts its rows, the reader reads it for days whose
-- rollup is not current, this migration fills the days stored before). Its settings make its
-- plan its own: the daily rollup runs with enable_sort = off, whose huge costs would otherwise
-- turn JIT compilation on (1.3 s per call, even for a day of 10 rows).
CREATE FUNCTION container_usage_of_day(text, timestamptz)
RETURNS TABLE (
  namespace text, controller_kind text, controller text, platform text, workload text,
  container text, hours smallint[], hour_teams text[], hour_seconds bigint[],
  hour_cpu_request_millicore_seconds numeric[], hour_memory_request_byte_seconds numeric[],
  pods text[], pod_hours integer[], sample_hours smallint[], cpu_millicores bigint[],
  memory_bytes bigint[])
LANGUAGE sql STABLE
SET enable_sort = on
SET jit = off
AS $$
WITH ph AS (
  SELECT x.namespace AS ns, x.controller_kind AS kind, x.controller AS ctl, x.platform AS pf,
    x.workload AS wl, x.container AS ct, x.pod AS pod,
    ((extract(epoch FROM x.hour)::bigint - extract(epoch FROM $2)::bigint) / 3600)::smallint AS h,
    min(x.team) AS team, sum(x.seconds) AS secs,
    sum(x.cpu_request_millicore_seconds) AS cpu_req,
    sum(x.memory_request_byte_seconds) AS mem_req,
    div(2 * sum(x.cpu_usage_millicore_seconds) + sum(x.usage_observed_seconds),
        2 * nullif(sum(x.usage_observed_seconds), 0))::bigint AS cpu,
    div(2 * sum(x.memory_usage_byte_seconds) + sum(x.usage_observed_seconds),
        2 * nullif(sum(x.usage_observed_seconds), 0))::bigint AS mem
  FROM container_costs_hourly x
  WHERE x.cluster = $1 AND x.hour >= $2 AND x.hour < $2 + interval '24 hours'
  GROUP BY x.namespace, x.controller_kind, x.controller, x.platform, x.workload, x.container,
    x.pod, x.hour),
by_hour AS (
  SELECT ns, kind, ctl, pf, wl, ct, array_agg(h ORDER BY h) AS hours,
    array_agg(team ORDER BY h) AS teams, array_agg(secs::bigint ORDER BY h) AS secs,
    array_agg(cpu_req ORDER BY h) AS cpu_req, array_agg(mem_req ORDER BY h) AS mem_req
  FROM (SELECT ns, kind, ctl, pf, wl, ct, h, min(team) AS team, sum(secs) AS secs,
          sum(cpu_req) AS cpu_req, sum(mem_req) AS mem_req
        FROM ph GROUP BY ns, kind, ctl, pf, wl, ct, h) a
  GROUP BY ns, kind, ctl, pf, wl, ct),
by_pod AS (
  SELECT ns, kind, ctl, pf, wl, ct, array_agg(pod ORDER BY pod) AS pods,
    array_agg(mask ORDER BY pod) AS masks
  FROM (SELECT ns, kind, ctl, pf, wl, ct, pod, bit_or(1 << h::integer) AS mask
        FROM ph GROUP BY ns, kind, ctl, pf, wl, ct, pod) b
  GROUP BY ns, kind, ctl, pf, wl, ct),
samples AS (
  SELECT ns, kind, ctl, pf, wl, ct,
    array_agg(h ORDER BY h, pod) FILTER (WHERE cpu IS NOT NULL) AS hs,
    array_agg(cpu ORDER BY h, pod) FILTER (WHERE cpu IS NOT NULL) AS cpus,
    array_agg(mem ORDER BY h, pod) FILTER (WHERE cpu IS NOT NULL) AS mems
  FROM ph GROUP BY ns, kind, ctl, pf, wl, ct)
SELECT by_hour.ns, by_hour.kind, by_hour.ctl, by_hour.pf, by_hour.wl, by_hour.ct,
  by_hour.hours, by_hour.teams, by_hour.secs, by_hour.cpu_req, by_hour.mem_req, by_pod.pods,
  by_pod.masks, coalesce(samples.hs, '{}'), coalesce(samples.cpus, '{}'),
  coalesce(samples.mems, '{}')
FROM by_hour
JOIN by_pod USING (ns, kind, ctl, pf, wl, ct)
JOIN samples USING (ns, kind, ctl, pf, wl, ct)
$$;

-- The days stored before: every UTC day with hourly rows (days still pending are rewritten by
-- their daily rollup; until then the reader does not use their rows).
INSERT INTO container_usage_daily
SELECT d.cluster, d.day, u.*
FROM (SELECT DISTINCT cluster,
        to_timestamp(floor(extract(epoch FROM hour) / 86400) * 86400) AS day
      FROM container_costs_hourly) d,
  LATERAL container_usage_of_day(d.cluster, d.day) u;
