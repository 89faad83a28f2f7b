-- costledger schema, version 9: a daily digest of hourly usage per container, for right-sizing.
--
-- The weekly reports' right-sizing reads one usage sample per pod and hour for a week: read
-- from container_costs_hourly that is a sort of ~1.7M pod-hours at 10^4 pods (most of a
-- report run). The digest holds the same figures per (cluster, UTC day, namespace, controller,
-- platform, workload, container), in arrays and lists, so a week is ~8 rows per container and
-- no sort. It is written by the daily rollup, in the same transaction as container_costs_daily
-- (the day's rows deleted first: a replayed rollup rewrites the same rows), and deleted by
-- retention with the daily tier. A day is read from it only when its daily rollup is current
-- (not in rollup_pending_daily, no hour in rollup_pending), else from the same function over
-- container_costs_hourly, so both give what the hourly rollups hold (days before the digest
-- existed too: see usage_digest_start below).
--
-- Per row: the smallest team label of the day's rows and the sums of seconds and request-
-- seconds over them (numeric: a container of many large pods can pass 2^63); the same for each
-- hour with rows (`hours`, 0..23 ascending, and in that order), read only for a window that
-- takes part of the day. Per pod (`pods`, bytewise ascending): a mask of the hours it has rows
-- in and one of the hours its usage was observed in (bit h: hour h). Per pod and hour with
-- usage observed, ordered by hour then pod (so the masks say which pod and hour each is): the
-- usage averaged over the observed seconds of the pod's rows in the hour (every node), rounded
-- half up, in millicores and bytes, as comma-separated hexadecimal (to_hex): text goes out as
-- it is stored, where an array of 1.7M bigints a week spent ~1 s in array_out.

CREATE TABLE container_usage_daily (
  cluster text COLLATE "C" NOT NULL,
  day timestamptz NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  controller_kind text COLLATE "C" NOT NULL,
  controller text COLLATE "C" NOT NULL,
  platform text COLLATE "C" NOT NULL,
  workload text COLLATE "C" NOT NULL,
  container text COLLATE "C" NOT NULL,
  team text COLLATE "C" NOT NULL,
  seconds bigint NOT NULL,
  cpu_request_millicore_seconds numeric NOT NULL,
  memory_request_byte_seconds numeric NOT NULL,
  hours smallint[] NOT NULL,
  hour_teams text[] COLLATE "C" NOT NULL,
  hour_seconds bigint[] NOT NULL,
  hour_cpu_request_millicore_seconds numeric[] NOT NULL,
  hour_memory_request_byte_seconds numeric[] NOT NULL,
  pods text[] COLLATE "C" NOT NULL,
  pod_hours integer[] NOT NULL,
  pod_sample_hours integer[] NOT NULL,
  cpu_millicores text NOT NULL,
  memory_bytes text NOT NULL,
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
  container text, team text, seconds bigint, cpu_request_millicore_seconds numeric,
  memory_request_byte_seconds numeric, hours smallint[], hour_teams text[],
  hour_seconds bigint[], hour_cpu_request_millicore_seconds numeric[],
  hour_memory_request_byte_seconds numeric[], pods text[], pod_hours integer[],
  pod_sample_hours integer[], cpu_millicores text, memory_bytes text)
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
  SELECT ns, kind, ctl, pf, wl, ct, min(team) AS team, sum(secs)::bigint AS secs,
    sum(cpu_req) AS cpu_req, sum(mem_req) AS mem_req, array_agg(h ORDER BY h) AS hours,
    array_agg(team ORDER BY h) AS teams, array_agg(secs::bigint ORDER BY h) AS hour_secs,
    array_agg(cpu_req ORDER BY h) AS hour_cpu_req, array_agg(mem_req ORDER BY h) AS hour_mem_req
  FROM (SELECT ns, kind, ctl, pf, wl, ct, h, min(team) AS team, sum(secs) AS secs,
          sum(cpu_req) AS cpu_req, sum(mem_req) AS mem_req
        FROM ph GROUP BY ns, kind, ctl, pf, wl, ct, h) a
  GROUP BY ns, kind, ctl, pf, wl, ct),
by_pod AS (
  SELECT ns, kind, ctl, pf, wl, ct, array_agg(pod ORDER BY pod) AS pods,
    array_agg(mask ORDER BY pod) AS masks, array_agg(sample_mask ORDER BY pod) AS sample_masks
  FROM (SELECT ns, kind, ctl, pf, wl, ct, pod, bit_or(1 << h::integer) AS mask,
          coalesce(bit_or(1 << h::integer) FILTER (WHERE cpu IS NOT NULL), 0) AS sample_mask
        FROM ph GROUP BY ns, kind, ctl, pf, wl, ct, pod) b
  GROUP BY ns, kind, ctl, pf, wl, ct),
samples AS (
  SELECT ns, kind, ctl, pf, wl, ct,
    string_agg(to_hex(cpu), ',' ORDER BY h, pod) FILTER (WHERE cpu IS NOT NULL) AS cpus,
    string_agg(to_hex(mem), ',' ORDER BY h, pod) FILTER (WHERE cpu IS NOT NULL) AS mems
  FROM ph GROUP BY ns, kind, ctl, pf, wl, ct)
SELECT by_hour.ns, by_hour.kind, by_hour.ctl, by_hour.pf, by_hour.wl, by_hour.ct, by_hour.team,
  by_hour.secs, by_hour.cpu_req, by_hour.mem_req, by_hour.hours, by_hour.teams,
  by_hour.hour_secs, by_hour.hour_cpu_req, by_hour.hour_mem_req, by_pod.pods, by_pod.masks,
  by_pod.sample_masks, coalesce(samples.cpus, ''), coalesce(samples.mems, '')
FROM by_hour
JOIN by_pod USING (ns, kind, ctl, pf, wl, ct)
JOIN samples USING (ns, kind, ctl, pf, wl, ct)
$$;

-- Per cluster, the first UTC day the digest holds: days before it were rolled up before this
-- migration, and the reader computes them from the hourly rollups (a cluster without a row:
-- every day since is in the digest). Filling every stored day here could take most of an hour
-- at 10^4 pods and 800 days of hourly rollups, all of it before the service starts.
CREATE TABLE usage_digest_start (
  cluster text COLLATE "C" PRIMARY KEY,
  day timestamptz NOT NULL
);

-- The last 14 days with hourly rows of each cluster (two weekly reports' worth), filled now;
-- days still pending are rewritten by their daily rollup, and until then not read from here.
CREATE TEMP TABLE usage_digest_fill ON COMMIT DROP AS
SELECT cluster, day
FROM (SELECT cluster, day, max(day) OVER (PARTITION BY cluster) AS last_day
      FROM (SELECT DISTINCT cluster,
              to_timestamp(floor(extract(epoch FROM hour) / 86400) * 86400) AS day
            FROM container_costs_hourly) h) d
WHERE day > last_day - interval '14 days';

INSERT INTO usage_digest_start
SELECT cluster, min(day) FROM usage_digest_fill GROUP BY cluster;

INSERT INTO container_usage_daily
SELECT f.cluster, f.day, u.*
FROM usage_digest_fill f, LATERAL container_usage_of_day(f.cluster, f.day) u;
