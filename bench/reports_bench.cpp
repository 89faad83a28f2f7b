// All teams' weekly reports of one ISO week over 10,000 pods, the way `costledger report` makes
// them: reports::GatherWeek reads the week (per local day) and the week before through the
// PostgreSQL reader ports (PostgresCostReader; PostgresUsageReader for right-sizing, from the
// daily usage digest), as many reader calls at a time as GatherSettings says (2), then
// reports::BuildReports: per team model::BuildWeeklyReport and the four renderings (HTML, CSV,
// JSON, text), as many teams at a time. Against a
// baseline measured in the same run: the same content computed by SQL over the raw rows, as a
// competent engineer would write it without rollups (per team: totals by local day, namespace
// and platform and their stacks per day, every workload with its costs, efficiencies and spot
// share, spot cost per instance type, the previous week's figures, idle and spot nodes per
// cluster, queries per workgroup with the top ones, p95 usage per container for right-sizing).
// The baseline's figures must equal the reports' (amounts to the nano-dollar, counts exactly,
// efficiencies within 1e-9), else the bench fails; missing the targets does not fail it.
//
// The cluster is allocation_cluster.hpp's (10,000 pods, 20 per node on 500 nodes, 20 namespaces,
// 5 teams, one node in 4 spot, one in 25 a g5 with a GPU, the same requests, usage and unit
// prices; the GPU pod of each g5 node is in another namespace) plus what reports group by:
// platform and workload (Ray clusters, Deployments, JupyterHub notebooks, Airflow tasks, Spark
// applications; 3,600 workloads), and Athena queries (10,000 a day in 15 workgroups, 3 per team).
// Its hours run from 2025-10-12T22:00Z (W42 in Europe/Berlin) to 2025-10-27T00:00Z. It is
// generated server-side (INSERT .. SELECT FROM generate_series) straight into the tables the
// collector maintains: hourly rollups, node rollups, the daily rollups (by UTC day and by local
// day of Europe/Berlin, the zone a collector configured so keeps) by the store's own
// PostgresStore::RollUp, and raw rows for the baseline at ONE row per pod per hour. A real
// collector stores one raw row per pod per 60 s interval, 60x more: the baseline is generous.
// At this resolution the raw rows are as many as the hourly rollups: whatever the reports read
// from the hourly tier (local days not aligned to UTC days, the usage series), the baseline
// reads as many rows for.
//
// Two weeks are measured, both ISO week 2025-W43 (the week before it is in the data too):
//  - in Europe/Berlin: the week DST ends (2025-10-26), 169 hours, whose local days are not UTC
//    days: the reader answers them from the rollups by local day (costs) and from the hourly
//    ones (usage series);
//  - in UTC: 168 hours, whose days are answered from the daily rollups.
// The server gets shared_buffers = 1GB as in allocation_bench, and jit = off (see Load). Each
// path is warmed up once (its answer is the one checked), then timed `--iterations` (ours) and
// `--baseline-iterations` times; medians are reported, with where our time went (each reader
// call, the content, the renderings) and the baseline's per statement. `--out=DIR` writes the
// reports of the last run there; `--hold` waits, once loaded, so that plans can be examined.
#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "allocation_cluster.hpp"
#include "bench_figures.hpp"
#include "container_columns.hpp"
#include "costledger/common/time_zone.hpp"
#include "costledger/model/iso_week.hpp"
#include "costledger/model/money.hpp"
#include "costledger/model/report_week.hpp"
#include "costledger/model/weekly_report.hpp"
#include "costledger/model/zone_rules.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "costledger/postgres/postgres_usage_reader.hpp"
#include "costledger/reports/report_gatherer.hpp"
#include "costledger/reports/weekly_reports.hpp"
#include "private_postgres.hpp"

namespace {

using costledger::model::Money;
using costledger::model::WeeklyReport;
using Clock = std::chrono::steady_clock;
using std::chrono::sys_seconds;

using costledger::bench::cluster::kNamespaces;
using costledger::bench::cluster::kNodes;
using costledger::bench::cluster::kPods;
using costledger::bench::cluster::kTeams;

constexpr int kDays = 15;  // UTC days 2025-10-12 .. 2025-10-26: weeks W42 and W43 in any zone
constexpr int kHours = kDays * 24;
// Hours are generated from 2025-10-12T22:00Z (W42 starts then in Europe/Berlin, the earliest
// start of the two weeks before); hours counted from kFirstDay.
constexpr int kFirstHour = 22;
constexpr std::int64_t kFirstDay = 1'760'227'200;  // 2025-10-12T00:00:00Z
constexpr int kQueriesPerDay = 10'000;
constexpr std::string_view kWeek = "2025-W43";
constexpr std::string_view kBerlin = "Europe/Berlin";  // the collector's time_zone
const sys_seconds kStart{std::chrono::seconds{kFirstDay}};
constexpr std::string_view kBaselineName = "SQL over raw rows (1 h resolution)";
// On-demand list prices per node-hour, for spot savings: what the generator's on-demand unit
// prices add up to for a whole node (8 cores x 31,250 n$/m-h + 32 GiB x 4,000 n$/MiB-h, plus a
// GPU at 0.80 $/h on g5).
constexpr std::int64_t kM5OnDemandNanos = 8000 * 31'250 + 32'768 * 4'000;
constexpr std::int64_t kG5OnDemandNanos = kM5OnDemandNanos + 800'000'000;

// ---- Generation (SQL, server-side) ------------------------------------------------------------

// The pods: allocation_cluster.hpp's, plus platform and workload. Pod p is in namespace p % 20
// on node w = p / 20; in its namespace, pods w = 5j .. 5j+4 are workload j, whose platform is
// j % 5: a Ray cluster, a Deployment, JupyterHub notebooks (one user per pod), an Airflow task,
// a Spark application. The GPU pod of g5 node k (k % 25 = 0) is in namespace k / 25, a Ray
// worker, so every namespace has one GPU.
constexpr std::string_view kCreatePods = R"(
CREATE UNLOGGED TABLE bench_pods AS
SELECT p, 'ns-' || lpad(nsi::text, 2, '0') AS namespace, 'team-' || (nsi % {teams}) AS team,
  (ARRAY['ray', 'kubernetes', 'jupyterhub', 'airflow', 'spark'])[pidx + 1] AS platform,
  CASE pidx WHEN 0 THEN 'raycluster:rc-' || j WHEN 1 THEN 'Deployment:api-' || j
    WHEN 2 THEN 'notebook:user-' || w WHEN 3 THEN 'dag:etl_' || (j % 7) || '/task_' || j
    ELSE 'spark:job-' || j END AS workload,
  (ARRAY['RayCluster', 'Deployment', '', '', 'SparkApplication'])[pidx + 1] AS controller_kind,
  CASE pidx WHEN 0 THEN 'rc-' || j WHEN 1 THEN 'api-' || j WHEN 4 THEN 'job-' || j ELSE '' END
    AS controller,
  CASE pidx WHEN 0 THEN 'rc-' || j || '-worker-' || lpad(p::text, 5, '0')
    WHEN 1 THEN 'api-' || j || '-7d9f8b6c4-' || lpad(p::text, 5, '0')
    WHEN 2 THEN 'jupyter-user-' || w
    WHEN 3 THEN 'etl-' || (j % 7) || '-task-' || j || '-' || lpad(p::text, 5, '0')
    ELSE 'job-' || j || '-exec-' || lpad(p::text, 5, '0') END AS pod,
  (ARRAY['ray-worker', 'api', 'notebook', 'base', 'spark-kubernetes-executor'])[pidx + 1]
    AS container,
  'ip-10-0-' || (k / 250) || '-' || (k % 250) || '.ec2.internal' AS node,
  CASE WHEN spot THEN 'spot' ELSE 'on-demand' END AS capacity_type,
  CASE WHEN k % 25 = 0 THEN 'g5.2xlarge' ELSE 'm5.2xlarge' END AS instance_type,
  (50 + p * 37 % 300)::bigint AS cpu_req, ((128 + p * 13 % 1024)::bigint << 20) AS mem_req,
  CASE WHEN k % 25 = 0 AND nsi = k / 25 % {namespaces} THEN 1 ELSE 0 END::bigint AS gpu,
  CASE WHEN spot THEN 12500 ELSE 31250 END::bigint AS cpu_rate,
  CASE WHEN spot THEN 1600 ELSE 4000 END::bigint AS ram_rate,
  CASE WHEN spot THEN 320000000 ELSE 800000000 END::bigint AS gpu_rate
FROM generate_series(0, {pods} - 1) p,
  LATERAL (SELECT p % {namespaces} AS nsi, p / 20 AS w, p / 20 % {nodes} AS k, p / 20 / 5 AS j) a,
  LATERAL (SELECT a.k % 4 = 3 AS spot, a.j % 5 AS pidx) b
ORDER BY namespace, pod)";

// One row per pod and hour in [h0, h1), hours counted from kFirstDay, with the hour's usage
// (allocation_cluster.hpp's formulas). Deterministic, so raw and hourly rows generated apart
// agree exactly.
constexpr std::string_view kPodHoursFunction = R"(
CREATE FUNCTION bench_pod_hours(h0 integer, h1 integer) RETURNS TABLE (
  t timestamptz, namespace text, pod text, container text, node text, controller_kind text,
  controller text, team text, platform text, workload text, capacity_type text,
  instance_type text, container_key bigint, cpu_req bigint, cpu_use bigint, mem_req bigint,
  mem_use bigint, gpu bigint, gpu_busy double precision, cpu_cost bigint, ram_cost bigint,
  gpu_cost bigint)
LANGUAGE sql STABLE AS $f$
SELECT to_timestamp({first_day}::bigint + h * 3600), namespace, pod, container, node,
  controller_kind, controller, team, platform, workload, capacity_type, instance_type, p::bigint,
  cpu_req, cpu_use, mem_req, mem_use, gpu, CASE WHEN gpu > 0 THEN (h % 4) * 0.25 END,
  greatest(cpu_req, cpu_use) * cpu_rate, (greatest(mem_req, mem_use) >> 20) * ram_rate,
  gpu * gpu_rate
FROM (
  SELECT h, b.*, ((b.p * 53 + h * 7) % 400)::bigint AS cpu_use,
    (((b.p * 29 + h * 11) % 1536)::bigint << 20) AS mem_use
  FROM generate_series(h0, h1 - 1) h, bench_pods b
) s
$f$)";

// $1, $2: hours [h0, h1). Raw rows, one per pod and hour.
constexpr std::string_view kInsertRaw = R"(
INSERT INTO container_costs (cluster, interval_start, interval_seconds, node, namespace,
  controller_kind, controller, pod, container, team, capacity_type, instance_type,
  cpu_request_millicores, cpu_usage_millicores, memory_request_bytes, memory_usage_bytes,
  gpu_devices, gpu_busy_devices, usage_observed, cpu_cost_nanos, ram_cost_nanos, gpu_cost_nanos,
  container_key, platform, workload)
SELECT 'bench', t, 3600, node, namespace, controller_kind, controller, pod, container, team,
  capacity_type, instance_type, cpu_req, cpu_use, mem_req, mem_use, gpu, gpu_busy, true,
  cpu_cost, ram_cost, gpu_cost, container_key, platform, workload
FROM bench_pod_hours($1, $2)
ORDER BY t, container_key)";

// What the store's hourly rollup makes of one 3600 s interval per pod and hour; in primary key
// order.
constexpr std::string_view kInsertHourly = R"(
INSERT INTO container_costs_hourly (cluster, hour, namespace, pod, container, node,
  controller_kind, controller, team, capacity_type, instance_type, intervals, seconds,
  usage_observed_seconds, cpu_request_millicore_seconds, cpu_usage_millicore_seconds,
  memory_request_byte_seconds, memory_usage_byte_seconds, gpu_device_seconds,
  gpu_busy_device_seconds, gpu_busy_observed_seconds, cpu_cost_nanos, ram_cost_nanos,
  gpu_cost_nanos, cpu_allocated_millicore_seconds, memory_allocated_byte_seconds, first_start,
  last_end, platform, workload)
SELECT 'bench', t, namespace, pod, container, node, controller_kind, controller, team,
  capacity_type, instance_type, 1, 3600, 3600, cpu_req * 3600, cpu_use * 3600, mem_req * 3600,
  mem_use * 3600, gpu * 3600, coalesce(gpu_busy * 3600, 0),
  CASE WHEN gpu_busy IS NULL THEN 0 ELSE 3600 END, cpu_cost, ram_cost, gpu_cost,
  greatest(cpu_req, cpu_use) * 3600, greatest(mem_req, mem_use) * 3600, t,
  t + interval '1 hour', platform, workload
FROM bench_pod_hours($1, $2)
ORDER BY t, namespace, pod)";

// Nodes per hour from their containers: each pool is the capacity at the unit prices, idle the
// pool minus the containers' costs (rule 4). $1, $2: hours [h0, h1).
constexpr std::string_view kInsertNodeHourly = R"(
INSERT INTO node_costs_hourly (cluster, hour, node, instance_type, zone, capacity_type,
  intervals, seconds, price_per_hour_nanos, cpu_millicores, memory_bytes, gpu_devices,
  node_cost_nanos, pool_cpu_nanos, pool_ram_nanos, pool_gpu_nanos, idle_cpu_nanos,
  idle_ram_nanos, idle_gpu_nanos, first_start, last_end)
SELECT c.cluster, c.hour, c.node, c.instance_type, 'us-east-1a', c.capacity_type, 1, 3600,
  r.pc + r.pr + r.pg, 8000, 34359738368, r.g, r.pc + r.pr + r.pg, r.pc, r.pr, r.pg,
  r.pc - c.cpu, r.pr - c.ram, r.pg - c.gpu, c.hour, c.hour + interval '1 hour'
FROM (
  SELECT cluster, hour, node, min(instance_type) AS instance_type,
    min(capacity_type) AS capacity_type, sum(cpu_cost_nanos)::bigint AS cpu,
    sum(ram_cost_nanos)::bigint AS ram, sum(gpu_cost_nanos)::bigint AS gpu
  FROM container_costs_hourly
  WHERE cluster = 'bench' AND hour >= to_timestamp({first_day}::bigint + $1::bigint * 3600)
    AND hour < to_timestamp({first_day}::bigint + $2::bigint * 3600)
  GROUP BY cluster, hour, node
) c, LATERAL (
  SELECT s.g, 8000::bigint * s.cpu_rate AS pc, 32768::bigint * s.ram_rate AS pr,
    s.g * s.gpu_rate AS pg
  FROM (SELECT CASE WHEN c.instance_type = 'g5.2xlarge' THEN 1 ELSE 0 END::bigint AS g,
          CASE WHEN c.capacity_type = 'spot' THEN 12500 ELSE 31250 END::bigint AS cpu_rate,
          CASE WHEN c.capacity_type = 'spot' THEN 1600 ELSE 4000 END::bigint AS ram_rate,
          CASE WHEN c.capacity_type = 'spot' THEN 320000000 ELSE 800000000 END::bigint
            AS gpu_rate) s
) r)";

// The raw node rows of the same hours (one 3600 s interval each), from the hourly ones.
constexpr std::string_view kInsertNodeRaw = R"(
INSERT INTO node_costs (cluster, interval_start, interval_seconds, node, instance_type, zone,
  capacity_type, price_source, price_per_hour_nanos, cpu_millicores, memory_bytes, gpu_devices,
  cpu_per_core_hour, ram_per_gib_hour, gpu_per_device_hour, node_cost_nanos, pool_cpu_nanos,
  pool_ram_nanos, pool_gpu_nanos, idle_cpu_nanos, idle_ram_nanos, idle_gpu_nanos, containers,
  cpu_overcommitted, memory_overcommitted, gpu_overcommitted)
SELECT cluster, hour, 3600, node, instance_type, zone, capacity_type,
  CASE WHEN capacity_type = 'spot' THEN 'spot' ELSE 'on-demand' END, price_per_hour_nanos,
  cpu_millicores, memory_bytes, gpu_devices, pool_cpu_nanos / 8e9, pool_ram_nanos / 32e9,
  CASE WHEN gpu_devices > 0 THEN pool_gpu_nanos / 1e9 ELSE 0 END, node_cost_nanos,
  pool_cpu_nanos, pool_ram_nanos, pool_gpu_nanos, idle_cpu_nanos, idle_ram_nanos,
  idle_gpu_nanos, 20, false, false, false
FROM node_costs_hourly)";

// Athena executions, evenly spread: query i of workgroup i % 15 (3 per team), bytes skewed
// (cubed) up to 20 GB, 1 in 50 FAILED (not charged), 1 in 37 CANCELLED; priced by rule 7 at
// $5 per TB.
constexpr std::string_view kInsertQueries = R"(
INSERT INTO query_costs (cluster, query_execution_id, work_group, team, state, statement_type,
  submitted, completed, data_scanned_bytes, engine_execution_millis, cost_nanos, query)
SELECT 'bench', substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' ||
    substr(h, 17, 4) || '-' || substr(h, 21, 12),
  'team-' || (g % 5) || '-' || (ARRAY['adhoc', 'etl', 'dashboards'])[g / 5 + 1],
  'team-' || (g % 5), state, 'DML', submitted,
  submitted + (bytes / 2000000 + 500) * interval '1 millisecond', bytes, bytes / 2000000 + 500,
  CASE WHEN state = 'FAILED' THEN 0
    ELSE round(5e9 * greatest(ceil(bytes / 1048576.0), 10) / 1048576)::bigint END,
  'SELECT customer_id, sum(amount) AS spent FROM sales_' || g || '.orders_' || (i % 97) ||
    ' WHERE dt BETWEEN date ''2025-10-01'' AND date ''2025-10-' || lpad((i % 28 + 1)::text, 2,
    '0') || ''' GROUP BY customer_id ORDER BY spent DESC LIMIT ' || (i % 1000 + 10)
FROM generate_series(0, {queries} - 1) i,
  LATERAL (SELECT md5(i::text) AS h, i % 15 AS g,
    to_timestamp({first_day}::bigint + i::bigint * 86400 / {queries_per_day}) AS submitted,
    CASE WHEN i % 50 = 0 THEN 'FAILED' WHEN i % 37 = 0 THEN 'CANCELLED' ELSE 'SUCCEEDED' END
      AS state) a,
  LATERAL (SELECT (x * x * x * 20 + x * 12345)::bigint AS bytes
           FROM (SELECT ('x' || substr(a.h, 25, 8))::bit(32)::bigint % 1000 AS x) y) b)";

// ---- The baseline's SQL ---------------------------------------------------------------------
// $1, $2: the week [start, end) in epoch seconds; $3: the report's time zone (IANA name).

// Everything per team of the week in one scan of the raw rows, by grouping sets: per local
// day x namespace and day x platform (the days' stacks, and so the totals by day, namespace,
// platform and the team's), per workload (costs, spot cost, quantities for efficiencies), per
// instance type (spot cost) and per cluster (where the team ran).
constexpr std::string_view kBaselineWeek = R"(
SELECT grouping(x.day, x.namespace, x.platform, x.workload, x.instance_type, x.cluster)::int,
  x.team, coalesce(x.day::text, ''), coalesce(x.namespace, ''), coalesce(x.platform, ''),
  coalesce(x.workload, ''), coalesce(x.instance_type, ''), coalesce(x.cluster, ''),
  sum(x.cpu_cost_nanos)::bigint, sum(x.ram_cost_nanos)::bigint, sum(x.gpu_cost_nanos)::bigint,
  coalesce(sum(x.cpu_cost_nanos + x.ram_cost_nanos + x.gpu_cost_nanos)
           FILTER (WHERE x.capacity_type = 'spot'), 0)::bigint,
  sum(x.interval_seconds)::bigint,
  sum(x.cpu_request_millicores * x.interval_seconds)::float8,
  sum(x.cpu_usage_millicores * x.interval_seconds)::float8,
  sum(x.memory_request_bytes * x.interval_seconds)::float8,
  sum(x.memory_usage_bytes * x.interval_seconds)::float8,
  sum(x.gpu_devices * x.interval_seconds)::float8,
  sum(coalesce(x.gpu_busy_devices, 0) * x.interval_seconds)::float8
FROM (SELECT c.*, (c.interval_start AT TIME ZONE $3)::date AS day FROM container_costs c
      WHERE c.cluster = 'bench' AND c.interval_start >= to_timestamp($1::bigint)
        AND c.interval_start < to_timestamp($2::bigint)) x
GROUP BY x.team, GROUPING SETS ((x.day, x.namespace), (x.day, x.platform),
  (x.namespace, x.platform, x.workload), (x.instance_type), (x.cluster))
ORDER BY 1, 2, sum(x.cpu_cost_nanos + x.ram_cost_nanos + x.gpu_cost_nanos) DESC, 4, 5, 6)";

// The week before, for the changes: per workload, namespace and platform.
constexpr std::string_view kBaselinePrevious = R"(
SELECT grouping(x.namespace, x.platform, x.workload)::int, x.team, coalesce(x.namespace, ''),
  coalesce(x.platform, ''), coalesce(x.workload, ''),
  sum(x.cpu_cost_nanos + x.ram_cost_nanos + x.gpu_cost_nanos)::bigint
FROM container_costs x
WHERE x.cluster = 'bench' AND x.interval_start >= to_timestamp($1::bigint)
  AND x.interval_start < to_timestamp($2::bigint)
GROUP BY x.team, GROUPING SETS ((x.namespace, x.platform, x.workload), (x.namespace),
  (x.platform)))";

// Nodes of the week: idle and cost per cluster, spot cost and node-seconds per instance type.
constexpr std::string_view kBaselineNodes = R"(
SELECT cluster, instance_type, capacity_type,
  sum(idle_cpu_nanos + idle_ram_nanos + idle_gpu_nanos)::bigint, sum(node_cost_nanos)::bigint,
  sum(interval_seconds)::bigint
FROM node_costs
WHERE cluster = 'bench' AND interval_start >= to_timestamp($1::bigint)
  AND interval_start < to_timestamp($2::bigint)
GROUP BY cluster, instance_type, capacity_type)";

// Queries of the week: per workgroup its totals and its 5 most expensive queries.
constexpr std::string_view kBaselineQueries = R"(
SELECT team, work_group, query_execution_id, state, cost_nanos, data_scanned_bytes,
  engine_execution_millis, extract(epoch FROM submitted)::bigint, left(query, 300), wg_cost,
  wg_bytes, wg_count
FROM (
  SELECT q.*, row_number() OVER w AS rank,
    sum(cost_nanos) OVER (PARTITION BY team, work_group) AS wg_cost,
    sum(data_scanned_bytes) OVER (PARTITION BY team, work_group) AS wg_bytes,
    count(*) OVER (PARTITION BY team, work_group) AS wg_count
  FROM query_costs q
  WHERE q.submitted >= to_timestamp($1::bigint) AND q.submitted < to_timestamp($2::bigint)
  WINDOW w AS (PARTITION BY team, work_group ORDER BY cost_nanos DESC, submitted,
               query_execution_id, cluster)
) s
WHERE rank <= 5
ORDER BY team, wg_cost DESC, rank)";

constexpr std::string_view kBaselinePreviousQueries = R"(
SELECT team, sum(cost_nanos)::bigint FROM query_costs
WHERE submitted >= to_timestamp($1::bigint) AND submitted < to_timestamp($2::bigint)
GROUP BY team)";

// Right-sizing: per container of a workload, the p95 (nearest rank) of its hourly usage, the
// peak of the last 24 hours, the time-weighted request and its container-seconds. The raw rows
// here are hourly already: a real baseline would first average 60 samples per pod and hour.
constexpr std::string_view kBaselineUsage = R"(
SELECT team, namespace, workload, container,
  percentile_disc(0.95) WITHIN GROUP (ORDER BY cpu_usage_millicores),
  percentile_disc(0.95) WITHIN GROUP (ORDER BY memory_usage_bytes),
  max(cpu_usage_millicores) FILTER (WHERE interval_start >= to_timestamp($2::bigint) - interval '24 hours'),
  max(memory_usage_bytes) FILTER (WHERE interval_start >= to_timestamp($2::bigint) - interval '24 hours'),
  round(sum(cpu_request_millicores * interval_seconds)::numeric / sum(interval_seconds))::bigint,
  round(sum(memory_request_bytes * interval_seconds)::numeric / sum(interval_seconds))::bigint,
  sum(interval_seconds)::bigint
FROM container_costs
WHERE cluster = 'bench' AND interval_start >= to_timestamp($1::bigint)
  AND interval_start < to_timestamp($2::bigint) AND usage_observed
GROUP BY team, namespace, workload, container)";

// ---- Helpers -------------------------------------------------------------------------------

const Clock::time_point kLaunched = Clock::now();

template <typename... Args>
void Progress(fmt::format_string<Args...> format, Args&&... args) {
  const double t = std::chrono::duration<double>(Clock::now() - kLaunched).count();
  fmt::print("  [{:6.1f} s] {}\n", t, fmt::format(format, std::forward<Args>(args)...));
  static_cast<void>(std::fflush(stdout));
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string Sql(std::string_view templ) {
  return fmt::format(
      fmt::runtime(templ), fmt::arg("first_day", kFirstDay), fmt::arg("namespaces", kNamespaces),
      fmt::arg("teams", kTeams), fmt::arg("pods", kPods), fmt::arg("nodes", kNodes),
      fmt::arg("queries", kQueriesPerDay * kDays), fmt::arg("queries_per_day", kQueriesPerDay));
}

void Exec(pqxx::connection& c, const std::string& sql) {
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

std::int64_t Epoch(sys_seconds t) { return t.time_since_epoch().count(); }

std::string DateText(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd{day};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::vector<std::string> Teams() {
  std::vector<std::string> teams;
  for (int t = 0; t < kTeams; ++t) teams.push_back(fmt::format("team-{}", t));
  return teams;
}

// ---- Load ----------------------------------------------------------------------------------

// Fills the database: one connection loads the raw rows, the other the hourly rollups, the
// nodes, the queries and then the daily rollups (by PostgresStore::RollUp).
void Load(costledger::testing::PrivatePostgres& server, const std::string& url) {
  const auto started = Clock::now();
  {
    pqxx::connection c(url);
    // A server sized like a real one rather than a unit test's (64 MB shared buffers), and
    // without JIT compilation: on (PostgreSQL 15's default), compiling the baseline's plans
    // over 169 hour partitions took 10.7 of its 15 s, and the usage reader's plan 2.3 s; an
    // engineer who looks at the plans turns it off, so both paths run without it. The rest
    // only makes the load cheaper (less WAL, no checkpoint, no waiting on commits) and keeps
    // autovacuum from running during the measurement: the bench vacuums and analyzes every
    // table itself once loaded.
    for (const char* setting :
         {"shared_buffers = '1GB'", "max_wal_size = '32GB'", "checkpoint_timeout = '1h'",
          "maintenance_work_mem = '512MB'", "synchronous_commit = off", "full_page_writes = off",
          "wal_level = minimal", "max_wal_senders = 0", "autovacuum = off", "jit = off"}) {
      Exec(c, fmt::format("ALTER SYSTEM SET {}", setting));
    }
  }
  server.Stop();
  server.Start();
  {
    costledger::postgres::PostgresStore store(url, "");
    store.Migrate();
    store.EnsurePartitions(std::chrono::floor<std::chrono::days>(kStart), kDays + 1);
    pqxx::connection c(url);
    Exec(c, Sql(kCreatePods));
    Exec(c, Sql(kPodHoursFunction));
    Exec(c, "INSERT INTO clusters (cluster) VALUES ('bench')");
  }
  // One UTC day per statement (the first is the 2 hours of 2025-10-12).
  std::vector<std::pair<int, int>> chunks;
  for (int h = kFirstHour; h < kHours; h = (h / 24 + 1) * 24)
    chunks.emplace_back(h, (h / 24 + 1) * 24);
  const auto rows_to = [](int h) { return (h - kFirstHour) * kPods / 1e6; };
  std::exception_ptr raw_error;
  std::thread raw([&] {
    try {
      pqxx::connection c(url);
      for (const auto& [h0, h1] : chunks) {
        pqxx::work tx(c);
        tx.exec_params(std::string(kInsertRaw), h0, h1);
        tx.commit();
        if (h1 / 24 % 5 == 0) {
          Progress("raw container_costs: {:2d}/{} days ({:.1f}M rows)", h1 / 24, kDays,
                   rows_to(h1));
        }
      }
      Exec(c, "VACUUM ANALYZE container_costs");
      Progress("raw container_costs: VACUUM ANALYZE done");
    } catch (...) {
      raw_error = std::current_exception();
    }
  });
  try {
    pqxx::connection c(url);
    for (const auto& [h0, h1] : chunks) {
      pqxx::work tx(c);
      tx.exec_params(std::string(kInsertHourly), h0, h1);
      tx.exec_params(Sql(kInsertNodeHourly), h0, h1);
      // The per-workload and per-node hours as the store's hourly rollup adds them, from the
      // container hours.
      for (const costledger::postgres::RollupGrain g : costledger::postgres::kCoarseGrains) {
        tx.exec_params(costledger::postgres::GrainHourRollUpSql(g), "bench",
                       kFirstDay + std::int64_t{h0} * 3600, kFirstDay + std::int64_t{h1} * 3600);
      }
      tx.commit();
      if (h1 / 24 % 5 == 0) {
        Progress(
            "container_costs_hourly + its per-workload and per-node rollups + node_costs_hourly: "
            "{:2d}/{} "
            "days ({:.1f}M rows)",
            h1 / 24, kDays, rows_to(h1));
      }
    }
    Exec(c, std::string(kInsertNodeRaw));
    Exec(c, Sql(kInsertQueries));
    Progress("node_costs (raw, 1 h) {} rows, query_costs {} rows", (kHours - kFirstHour) * kNodes,
             kQueriesPerDay * kDays);
    // Mark the whole days pending (not 2025-10-12, of which 2 hours are generated); RollUp
    // computes their daily rollups from the hourly ones and clears the marks, so the reader
    // uses the daily tier for every whole UTC day.
    Exec(c, fmt::format("INSERT INTO rollup_pending_daily (cluster, day) SELECT 'bench', "
                        "to_timestamp({}::bigint + d * 86400) FROM generate_series(1, {}) d",
                        kFirstDay, kDays - 1));
    // The collector keeps the rollups by local day of the configured time_zone as well: the
    // hours loaded above are marked by SetLocalDayZone, as at a zone's first start.
    costledger::postgres::PostgresStore store(url, "");
    store.Migrate();
    if (!store.SetLocalDayZone(std::string(kBerlin))) {
      throw std::runtime_error("PostgreSQL does not know Europe/Berlin");
    }
    // RollUp computes local days a few seconds' worth per call (as at a collector's ticks).
    const auto local_days_pending = [&c] {
      pqxx::nontransaction tx(c);
      return tx
          .exec_params1(
              "SELECT count(*) FROM local_days WHERE pending AND day_end <= "
              "to_timestamp($1::bigint)",
              kFirstDay + std::int64_t{kDays} * 86400)[0]
          .as<int>();
    };
    do {
      store.RollUp(kStart + std::chrono::days(kDays));
    } while (local_days_pending() > 0);
    Progress("daily rollups (PostgresStore::RollUp): {} UTC days and the local days of {}",
             kDays - 1, kBerlin);
    for (const char* table :
         {"container_costs_hourly", "workload_costs_hourly", "container_costs_daily",
          "workload_costs_daily", "node_kind_costs_hourly", "node_kind_costs_daily", "node_costs",
          "node_costs_hourly", "node_costs_daily", "query_costs", "clusters", "rollup_pending",
          "rollup_pending_daily", "container_costs_local_daily", "local_days"}) {
      Exec(c, fmt::format("VACUUM ANALYZE {}", table));
    }
    Progress("rollups, nodes, queries: VACUUM ANALYZE done");
  } catch (...) {
    raw.join();
    throw;
  }
  raw.join();
  if (raw_error) std::rethrow_exception(raw_error);
  pqxx::connection c(url);
  Exec(c, "DROP FUNCTION bench_pod_hours");
  pqxx::row counts;
  {
    pqxx::nontransaction tx(c);
    counts = tx.exec1(
        "SELECT (SELECT count(*) FROM container_costs), (SELECT count(*) FROM "
        "container_costs_hourly), (SELECT count(*) FROM container_costs_daily), (SELECT count(*) "
        "FROM node_costs_hourly), (SELECT count(*) FROM query_costs), (SELECT count(DISTINCT "
        "(namespace, workload)) FROM bench_pods), "
        "pg_size_pretty(pg_database_size(current_database()))");
  }
  fmt::print(
      "loaded in {:.1f} s: container_costs {} (raw, ONE row per pod per hour), "
      "container_costs_hourly {}, container_costs_daily {}, node_costs_hourly {}, query_costs "
      "{}; {} workloads; database {}\n",
      Seconds(Clock::now() - started), counts[0].as<std::int64_t>(), counts[1].as<std::int64_t>(),
      counts[2].as<std::int64_t>(), counts[3].as<std::int64_t>(), counts[4].as<std::int64_t>(),
      counts[5].as<std::int64_t>(), counts[6].as<std::string>());
  Exec(c, "DROP TABLE bench_pods");
}

// ---- Our path ------------------------------------------------------------------------------

// Time spent in each reader call, summed over a GatherWeek's calls (which overlap when it runs
// several at a time).
struct ReadTimes {
  double allocations_ms = 0, idle_ms = 0, assets_ms = 0, queries_ms = 0, usage_ms = 0;
  int allocation_calls = 0;
  std::size_t allocation_rows = 0, usage_series = 0, usage_samples = 0, queries = 0;
};

// The reader ports GatherWeek reads through, around the PostgreSQL readers, timing each call.
// Thread-safe, as the ports must be (GatherWeek calls them from several threads).
class TimedSources final : public costledger::ports::AllocationReader,
                           public costledger::ports::AssetReader,
                           public costledger::ports::QueryReader,
                           public costledger::ports::UsageSeriesReader {
 public:
  TimedSources(costledger::postgres::PostgresCostReader& costs,
               costledger::postgres::PostgresUsageReader& usage)
      : costs_(costs), usage_(usage) {}

  std::vector<costledger::model::AllocationRow> ReadAllocations(
      sys_seconds start, sys_seconds end, std::chrono::seconds step,
      std::span<const costledger::model::PropertyRef> grouping) override {
    return Timed(
        &ReadTimes::allocations_ms,
        [&] { return costs_.ReadAllocations(start, end, step, grouping); },
        [this](const auto& rows) { CountAllocations(rows); });
  }
  std::vector<costledger::model::AllocationRow> ReadAllocationSums(
      sys_seconds start, sys_seconds end, std::chrono::seconds step,
      std::span<const costledger::model::PropertyRef> grouping) override {
    return Timed(
        &ReadTimes::allocations_ms,
        [&] { return costs_.ReadAllocationSums(start, end, step, grouping); },
        [this](const auto& rows) { CountAllocations(rows); });
  }
  std::vector<costledger::model::IdleRow> ReadIdle(sys_seconds start, sys_seconds end,
                                                   std::chrono::seconds step) override {
    return Timed(&ReadTimes::idle_ms, [&] { return costs_.ReadIdle(start, end, step); });
  }
  std::vector<costledger::model::IdleRow> ReadIdleSums(sys_seconds start, sys_seconds end,
                                                       std::chrono::seconds step) override {
    return Timed(&ReadTimes::idle_ms, [&] { return costs_.ReadIdleSums(start, end, step); });
  }
  std::vector<costledger::model::NodeAssetRow> ReadAssets(sys_seconds start,
                                                          sys_seconds end) override {
    return Timed(&ReadTimes::assets_ms, [&] { return costs_.ReadAssets(start, end); });
  }
  std::vector<costledger::model::VolumeAssetRow> ReadVolumeAssets(sys_seconds start,
                                                                  sys_seconds end) override {
    return Timed(&ReadTimes::assets_ms, [&] { return costs_.ReadVolumeAssets(start, end); });
  }
  std::vector<costledger::model::QueryCostRow> ReadQueries(sys_seconds start,
                                                           sys_seconds end) override {
    return Timed(
        &ReadTimes::queries_ms, [&] { return costs_.ReadQueries(start, end); },
        [this](const auto& rows) { times_.queries += rows.size(); });
  }
  std::vector<costledger::model::QueryGroupSummary> ReadQuerySummaries(
      sys_seconds start, sys_seconds end, std::size_t top_per_group) override {
    return Timed(
        &ReadTimes::queries_ms,
        [&] { return costs_.ReadQuerySummaries(start, end, top_per_group); },
        [this](const auto& groups) {
          for (const auto& g : groups) times_.queries += g.query_count;
        });
  }
  std::vector<costledger::model::ContainerUsageSeries> ReadUsageSeries(
      costledger::model::TimeWindow window, const std::optional<std::string>& team) override {
    return Timed(
        &ReadTimes::usage_ms, [&] { return usage_.ReadUsageSeries(window, team); },
        [this](const auto& series) {
          times_.usage_series += series.size();
          for (const auto& s : series) times_.usage_samples += s.cpu_millicores.size();
        });
  }

  ReadTimes Take() {
    const std::lock_guard lock(mutex_);
    return std::exchange(times_, {});
  }

 private:
  // Runs `read`, adds its time to `ms` and, under the same lock, lets `count` add what it read.
  template <typename Read, typename Count = void (*)(const std::invoke_result_t<Read>&)>
  std::invoke_result_t<Read> Timed(
      double ReadTimes::*ms, Read&& read,
      Count&& count = [](const std::invoke_result_t<Read>&) {}) {
    const auto t0 = Clock::now();
    auto result = read();
    const std::lock_guard lock(mutex_);
    times_.*ms += Ms(Clock::now() - t0);
    count(result);
    return result;
  }
  void CountAllocations(const std::vector<costledger::model::AllocationRow>& rows) {
    ++times_.allocation_calls;
    times_.allocation_rows += rows.size();
  }

  costledger::postgres::PostgresCostReader& costs_;
  costledger::postgres::PostgresUsageReader& usage_;
  std::mutex mutex_;
  ReadTimes times_;
};

// One week in one zone.
struct WeekCase {
  std::string name;       // "Europe/Berlin"
  std::string bench;      // the BENCH figure's name
  std::string zone_name;  // IANA
  std::shared_ptr<const costledger::model::ZoneRules> zone;
  costledger::model::ReportWeek week;
  costledger::model::ReportWeek previous;
};

struct OursRun {
  double total_ms = 0, gather_ms = 0, build_ms = 0;  // build_ms: BuildReports
  ReadTimes reads;
  std::vector<WeeklyReport> reports;
  std::size_t documents = 0, bytes = 0, html_bytes = 0;
};

std::optional<costledger::model::Money> OnDemandPerHour(std::string_view instance_type) {
  if (instance_type == "m5.2xlarge") return Money::FromNanos(kM5OnDemandNanos);
  if (instance_type == "g5.2xlarge") return Money::FromNanos(kG5OnDemandNanos);
  return std::nullopt;
}

// GatherWeek, then BuildReports (per team BuildWeeklyReport and the four renderings, as many
// teams at a time as reader calls, as BuildWeek does); writes them under `out` when given.
OursRun RunOurs(TimedSources& sources, const WeekCase& c,
                const std::optional<std::filesystem::path>& out, std::size_t concurrent_reads) {
  costledger::reports::ReportSources ports{sources, sources, sources, &sources, OnDemandPerHour};
  costledger::reports::GatherSettings settings;
  settings.teams = Teams();
  settings.concurrent_reads = concurrent_reads;
  OursRun run;
  const auto t0 = Clock::now();
  const std::vector<costledger::model::WeeklyReportInput> inputs =
      costledger::reports::GatherWeek(ports, c.week.week, *c.zone, c.zone_name, settings);
  const auto t1 = Clock::now();
  run.gather_ms = Ms(t1 - t0);
  run.reads = sources.Take();
  const auto built_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::vector<costledger::reports::BuiltReport> built =
      costledger::reports::BuildReports(inputs, c.zone_name, built_at, "", concurrent_reads);
  run.build_ms = Ms(Clock::now() - t1);
  for (costledger::reports::BuiltReport& b : built) {
    for (const costledger::model::ReportDocument& d : b.archived.documents) {
      run.documents += 1;
      run.bytes += d.body.size();
      if (d.format == "html") run.html_bytes += d.body.size();
      if (out) {
        std::ofstream(*out / fmt::format("{}-{}.{}", b.content.team, kWeek, d.format),
                      std::ios::binary)
            << d.body;
      }
    }
    run.reports.push_back(std::move(b.content));
  }
  run.total_ms = Ms(Clock::now() - t0);
  return run;
}

// ---- The baseline --------------------------------------------------------------------------

using WorkloadKey = std::tuple<std::string, std::string, std::string>;   // ns, platform, workload
using ContainerKey = std::tuple<std::string, std::string, std::string>;  // ns, workload, container

struct WorkloadFigures {
  Money cpu, ram, gpu, spot;
  std::int64_t seconds = 0;
  double cpu_request = 0, cpu_usage = 0, memory_request = 0, memory_usage = 0, gpu_seconds = 0,
         gpu_busy_seconds = 0;
  Money Cost() const { return cpu + ram + gpu; }
};

struct QueryFigures {
  std::string id, state, text;
  Money cost;
  std::int64_t bytes = 0, millis = 0, submitted = 0;
};

struct WorkgroupFigures {
  Money cost;
  std::int64_t bytes = 0, count = 0;
  std::vector<QueryFigures> top;
};

struct UsageFigures {
  std::int64_t cpu_p95 = 0, memory_p95 = 0, cpu_peak = 0, memory_peak = 0, cpu_request = 0,
               memory_request = 0, seconds = 0;
};

// One team's content as the baseline computes it.
struct TeamContent {
  Money total;
  std::map<std::string, Money> by_day, by_namespace, by_platform;
  std::map<std::pair<std::string, std::string>, Money> day_namespace, day_platform;
  std::map<WorkloadKey, WorkloadFigures> workloads;
  std::vector<WorkloadKey> top_workloads;  // the 10 most expensive
  std::map<std::string, Money> spot_by_instance_type;
  Money spot;
  std::set<std::string> clusters;
  Money previous_total;
  std::map<WorkloadKey, Money> previous_workloads;
  std::map<std::string, Money> previous_namespaces, previous_platforms;
  Money query_total, previous_query_total;
  std::map<std::string, WorkgroupFigures> workgroups;
  std::map<ContainerKey, UsageFigures> usage;
};

struct ClusterFigures {
  Money idle, cost;
};

struct SpotNodeFigures {
  Money cost;
  std::int64_t seconds = 0;
};

struct BaselineRun {
  double total_ms = 0;
  std::vector<std::pair<std::string, double>> statement_ms;
  std::map<std::string, TeamContent> teams;
  std::map<std::string, ClusterFigures> clusters;
  std::map<std::string, SpotNodeFigures> spot_nodes;  // by instance type
};

Money MoneyOf(const pqxx::field& f) { return Money::FromNanos(f.as<std::int64_t>(0)); }

// The baseline: its statements in one read transaction, each timed, and the content of every
// team assembled from their rows (the client's part is small: the SQL does the work).
BaselineRun RunBaseline(pqxx::connection& c, const WeekCase& wc) {
  BaselineRun run;
  const std::int64_t start = Epoch(wc.week.window.start);
  const std::int64_t end = Epoch(wc.week.window.end);
  const std::int64_t previous_start = Epoch(wc.previous.window.start);
  const auto t0 = Clock::now();
  pqxx::read_transaction tx(c);
  // The reader's own setting, for a fair comparison.
  tx.exec("SET LOCAL work_mem = '256MB'");
  const auto timed = [&](const char* name, std::string_view sql, std::int64_t a, std::int64_t b,
                         const std::optional<std::string>& zone = std::nullopt) {
    const auto s0 = Clock::now();
    pqxx::result r = zone ? tx.exec_params(std::string(sql), a, b, *zone)
                          : tx.exec_params(std::string(sql), a, b);
    run.statement_ms.emplace_back(name, Ms(Clock::now() - s0));
    return r;
  };

  for (const pqxx::row& r : timed("week", kBaselineWeek, start, end, wc.zone_name)) {
    TeamContent& t = run.teams[r[1].as<std::string>()];
    const int set = r[0].as<int>();
    const std::string day = r[2].as<std::string>();
    const std::string ns = r[3].as<std::string>();
    const std::string platform = r[4].as<std::string>();
    WorkloadFigures f;
    f.cpu = MoneyOf(r[8]);
    f.ram = MoneyOf(r[9]);
    f.gpu = MoneyOf(r[10]);
    f.spot = MoneyOf(r[11]);
    f.seconds = r[12].as<std::int64_t>();
    f.cpu_request = r[13].as<double>();
    f.cpu_usage = r[14].as<double>();
    f.memory_request = r[15].as<double>();
    f.memory_usage = r[16].as<double>();
    f.gpu_seconds = r[17].as<double>();
    f.gpu_busy_seconds = r[18].as<double>();
    // grouping() bits, high to low: day, namespace, platform, workload, instance_type, cluster.
    if (set == 0b001111) {  // day x namespace
      t.total += f.Cost();
      t.by_day[day] += f.Cost();
      t.by_namespace[ns] += f.Cost();
      t.day_namespace[{day, ns}] += f.Cost();
    } else if (set == 0b010111) {  // day x platform
      t.by_platform[platform] += f.Cost();
      t.day_platform[{day, platform}] += f.Cost();
    } else if (set == 0b100011) {  // workload, most expensive first (ORDER BY)
      const WorkloadKey key{ns, platform, r[5].as<std::string>()};
      if (t.top_workloads.size() < 10) t.top_workloads.push_back(key);
      t.workloads[key] = f;
    } else if (set == 0b111101) {  // instance type
      if (f.spot != Money{}) t.spot_by_instance_type[r[6].as<std::string>()] = f.spot;
      t.spot += f.spot;
    } else if (set == 0b111110) {  // cluster
      t.clusters.insert(r[7].as<std::string>());
    }
  }
  for (const pqxx::row& r : timed("previous week", kBaselinePrevious, previous_start, start)) {
    TeamContent& t = run.teams[r[1].as<std::string>()];
    const int set = r[0].as<int>();
    const Money cost = MoneyOf(r[5]);
    if (set == 0) {
      t.previous_workloads[{r[2].as<std::string>(), r[3].as<std::string>(),
                            r[4].as<std::string>()}] = cost;
    } else if (set == 0b011) {
      t.previous_namespaces[r[2].as<std::string>()] = cost;
      t.previous_total += cost;
    } else {
      t.previous_platforms[r[3].as<std::string>()] = cost;
    }
  }
  for (const pqxx::row& r : timed("nodes", kBaselineNodes, start, end)) {
    ClusterFigures& cl = run.clusters[r[0].as<std::string>()];
    cl.idle += MoneyOf(r[3]);
    cl.cost += MoneyOf(r[4]);
    if (r[2].as<std::string>() == "spot") {
      SpotNodeFigures& s = run.spot_nodes[r[1].as<std::string>()];
      s.cost += MoneyOf(r[4]);
      s.seconds += r[5].as<std::int64_t>();
    }
  }
  for (const pqxx::row& r : timed("queries", kBaselineQueries, start, end)) {
    WorkgroupFigures& w = run.teams[r[0].as<std::string>()].workgroups[r[1].as<std::string>()];
    w.cost = MoneyOf(r[9]);
    w.bytes = r[10].as<std::int64_t>();
    w.count = r[11].as<std::int64_t>();
    w.top.push_back({r[2].as<std::string>(), r[3].as<std::string>(), r[8].as<std::string>(),
                     MoneyOf(r[4]), r[5].as<std::int64_t>(), r[6].as<std::int64_t>(),
                     r[7].as<std::int64_t>()});
  }
  for (auto& [name, t] : run.teams) {
    for (const auto& [group, w] : t.workgroups) t.query_total += w.cost;
  }
  for (const pqxx::row& r :
       timed("previous queries", kBaselinePreviousQueries, previous_start, start)) {
    run.teams[r[0].as<std::string>()].previous_query_total = MoneyOf(r[1]);
  }
  for (const pqxx::row& r : timed("usage p95", kBaselineUsage, start, end)) {
    UsageFigures u;
    u.cpu_p95 = r[4].as<std::int64_t>();
    u.memory_p95 = r[5].as<std::int64_t>();
    u.cpu_peak = r[6].as<std::int64_t>(0);
    u.memory_peak = r[7].as<std::int64_t>(0);
    u.cpu_request = r[8].as<std::int64_t>();
    u.memory_request = r[9].as<std::int64_t>();
    u.seconds = r[10].as<std::int64_t>();
    run.teams[r[0].as<std::string>()]
        .usage[{r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>()}] = u;
  }
  tx.commit();
  run.total_ms = Ms(Clock::now() - t0);
  return run;
}

// ---- The check -----------------------------------------------------------------------------

// The amount of `key` in `map`; zero when it has none.
template <typename Map, typename Key>
Money Get(const Map& map, const Key& key) {
  const auto it = map.find(key);
  return it == map.end() ? Money{} : it->second;
}

// Counts the figures compared and prints the first few that differ.
class Checker {
 public:
  void Amount(const std::string& what, Money ours, Money baseline) {
    ++checks_;
    if (ours == baseline) return;
    if (mismatches_++ < 10) {
      fmt::print("  MISMATCH {}: reports {} vs baseline {}\n", what, ours.ToDecimalString(),
                 baseline.ToDecimalString());
    }
  }
  void Int(const std::string& what, std::int64_t ours, std::int64_t baseline) {
    ++checks_;
    if (ours == baseline) return;
    if (mismatches_++ < 10)
      fmt::print("  MISMATCH {}: reports {} vs baseline {}\n", what, ours, baseline);
  }
  void Ratio(const std::string& what, std::optional<double> ours, double num, double den) {
    ++checks_;
    const std::optional<double> baseline =
        den > 0 ? std::optional<double>(num / den) : std::nullopt;
    const bool same = ours.has_value() == baseline.has_value() &&
                      (!ours || std::abs(*ours - *baseline) <= 1e-9 * std::max(1.0, *baseline));
    if (same) return;
    if (mismatches_++ < 10) {
      fmt::print("  MISMATCH {}: reports {} vs baseline {}\n", what,
                 ours ? fmt::format("{}", *ours) : "null",
                 baseline ? fmt::format("{}", *baseline) : "null");
    }
  }
  int checks() const { return checks_; }
  int mismatches() const { return mismatches_; }

 private:
  int checks_ = 0;
  int mismatches_ = 0;
};

// The reports against the baseline's content: every amount to the nano-dollar, counts exactly,
// efficiencies within 1e-9. True when all agree.
bool Agree(const WeekCase& wc, const OursRun& ours, const BaselineRun& baseline) {
  Checker check;
  check.Int("number of team reports", static_cast<std::int64_t>(ours.reports.size()),
            static_cast<std::int64_t>(baseline.teams.size()));
  Money ours_all;
  Money baseline_all;
  for (const auto& [team, t] : baseline.teams) baseline_all += t.total;
  for (const WeeklyReport& r : ours.reports) {
    ours_all += r.total;
    const auto it = baseline.teams.find(r.team);
    if (it == baseline.teams.end()) {
      check.Int(r.team + " is in the baseline", 0, 1);
      continue;
    }
    const TeamContent& t = it->second;
    const std::string& n = r.team;
    check.Amount(n + " total", r.total, t.total);
    check.Amount(n + " previous total", r.previous_total.value_or(Money{}), t.previous_total);
    for (const costledger::model::DayCost& d : r.days) {
      const std::string day = DateText(d.day.date);
      check.Amount(n + " day " + day, d.total, Get(t.by_day, day));
      for (std::size_t i = 0; i < r.namespaces.size(); ++i) {
        const auto key = std::pair{day, r.namespaces[i].name};
        check.Amount(n + " day x namespace " + day, d.by_namespace[i], Get(t.day_namespace, key));
      }
      for (std::size_t i = 0; i < r.platforms.size(); ++i) {
        const auto key = std::pair{day, r.platforms[i].name};
        check.Amount(n + " day x platform " + day, d.by_platform[i], Get(t.day_platform, key));
      }
    }
    check.Int(n + " namespaces", static_cast<std::int64_t>(r.namespaces.size()),
              static_cast<std::int64_t>(t.by_namespace.size()));
    for (const auto& g : r.namespaces) {
      check.Amount(n + " namespace " + g.name, g.cost, Get(t.by_namespace, g.name));
      check.Amount(n + " namespace before " + g.name, g.previous_cost.value_or(Money{}),
                   Get(t.previous_namespaces, g.name));
    }
    check.Int(n + " platforms", static_cast<std::int64_t>(r.platforms.size()),
              static_cast<std::int64_t>(t.by_platform.size()));
    for (const auto& g : r.platforms) {
      check.Amount(n + " platform " + g.name, g.cost, Get(t.by_platform, g.name));
      check.Amount(n + " platform before " + g.name, g.previous_cost.value_or(Money{}),
                   Get(t.previous_platforms, g.name));
    }
    check.Int(n + " workloads", static_cast<std::int64_t>(r.workloads.size()),
              static_cast<std::int64_t>(t.workloads.size()));
    for (const auto& w : r.workloads) {
      const WorkloadKey key{w.namespace_name, w.platform, w.workload};
      const auto b = t.workloads.find(key);
      if (b == t.workloads.end()) {
        check.Int(n + " workload " + w.workload + " is in the baseline", 0, 1);
        continue;
      }
      const WorkloadFigures& f = b->second;
      const std::string what = fmt::format("{} workload {}/{}", n, w.namespace_name, w.workload);
      check.Amount(what + " cpu", w.breakdown.cpu, f.cpu);
      check.Amount(what + " ram", w.breakdown.ram, f.ram);
      check.Amount(what + " gpu", w.breakdown.gpu, f.gpu);
      check.Amount(what + " spot", w.spot_cost, f.spot);
      check.Amount(what + " before", w.previous_cost.value_or(Money{}),
                   Get(t.previous_workloads, key));
      check.Ratio(what + " cpu efficiency", w.cpu_efficiency, f.cpu_usage, f.cpu_request);
      check.Ratio(what + " ram efficiency", w.ram_efficiency, f.memory_usage, f.memory_request);
      check.Ratio(what + " gpu efficiency", w.gpu_efficiency, f.gpu_busy_seconds, f.gpu_seconds);
    }
    for (std::size_t i = 0; i < r.TopWorkloads().size() && i < t.top_workloads.size(); ++i) {
      const auto& w = r.TopWorkloads()[i];
      check.Amount(fmt::format("{} top workload #{}", n, i + 1), w.cost,
                   t.workloads.at(t.top_workloads[i]).Cost());
    }
    check.Amount(n + " spot cost", r.spot.team_spot_cost, t.spot);
    for (const auto& line : r.spot.by_instance_type) {
      check.Amount(n + " spot cost on " + line.instance_type, line.team_spot_cost,
                   Get(t.spot_by_instance_type, line.instance_type));
    }
    Money idle;
    Money cluster_total;
    for (const std::string& cluster : t.clusters) {
      const auto figures = baseline.clusters.find(cluster);
      if (figures == baseline.clusters.end()) continue;  // then the amounts differ
      idle += figures->second.idle;
      cluster_total += figures->second.cost;
    }
    check.Amount(n + " cluster idle", r.idle.cluster_idle, idle);
    check.Amount(n + " cluster cost", r.idle.cluster_total, cluster_total);
    check.Amount(n + " queries", r.queries.total, t.query_total);
    check.Amount(n + " queries before", r.queries.previous_total.value_or(Money{}),
                 t.previous_query_total);
    check.Int(n + " workgroups", static_cast<std::int64_t>(r.queries.workgroups.size()),
              static_cast<std::int64_t>(t.workgroups.size()));
    for (const auto& w : r.queries.workgroups) {
      const auto b = t.workgroups.find(w.work_group);
      if (b == t.workgroups.end()) {
        check.Int(n + " workgroup " + w.work_group + " is in the baseline", 0, 1);
        continue;
      }
      check.Amount(n + " workgroup " + w.work_group, w.cost, b->second.cost);
      check.Int(n + " workgroup bytes " + w.work_group, w.data_scanned_bytes, b->second.bytes);
      check.Int(n + " workgroup queries " + w.work_group, static_cast<std::int64_t>(w.query_count),
                b->second.count);
      for (std::size_t i = 0; i < w.top.size() && i < b->second.top.size(); ++i) {
        check.Amount(fmt::format("{} workgroup {} top query #{} ({} vs {})", n, w.work_group, i + 1,
                                 w.top[i].query_execution_id, b->second.top[i].id),
                     w.top[i].cost, b->second.top[i].cost);
      }
    }
    for (const auto& line : r.rightsizing.top) {
      const ContainerKey key{line.namespace_name, line.workload, line.container};
      const auto u = t.usage.find(key);
      if (u == t.usage.end()) {
        check.Int(n + " recommendation " + line.workload + " is in the baseline", 0, 1);
        continue;
      }
      const std::string what =
          fmt::format("{} recommendation {}/{}", n, line.namespace_name, line.workload);
      if (line.cpu) check.Int(what + " cpu p95", line.cpu->percentile_usage, u->second.cpu_p95);
      if (line.memory) {
        check.Int(what + " memory p95", line.memory->percentile_usage, u->second.memory_p95);
      }
    }
  }
  check.Amount("all teams", ours_all, baseline_all);
  fmt::print("  {}: all teams ${} (reports) vs ${} (baseline); {} figures compared: {}\n", wc.name,
             ours_all.ToDecimalString(), baseline_all.ToDecimalString(), check.checks(),
             check.mismatches() == 0 ? "all equal" : fmt::format("{} DIFFER", check.mismatches()));
  return check.mismatches() == 0;
}

// ---- Measurement ---------------------------------------------------------------------------

struct Options {
  int iterations = 2;
  int baseline_iterations = 2;
  std::optional<std::filesystem::path> out;
  bool hold = false;
  std::string database_url;  // a database loaded before; empty: load one
  std::size_t concurrent_reads = costledger::reports::GatherSettings{}.concurrent_reads;
};

struct CaseResult {
  double ours_ms = 0, baseline_ms = 0;
  // The same without right-sizing's part: ours minus ReadUsageSeries, the baseline minus its
  // p95 statement (medians of each).
  double ours_without_usage_ms = 0, baseline_without_usage_ms = 0;
  bool agree = false;
};

CaseResult Measure(const WeekCase& wc, TimedSources& sources, pqxx::connection& sql,
                   const Options& options) {
  fmt::print("{} {}: {} .. {} UTC ({} h), previous week from {} UTC\n", kWeek, wc.name,
             DateText(std::chrono::floor<std::chrono::days>(wc.week.window.start)),
             DateText(std::chrono::floor<std::chrono::days>(wc.week.window.end)),
             std::chrono::duration_cast<std::chrono::hours>(wc.week.window.length()).count(),
             DateText(std::chrono::floor<std::chrono::days>(wc.previous.window.start)));
  static_cast<void>(std::fflush(stdout));
  CaseResult result;
  // Warm-ups: their answers are the ones checked.
  OursRun first = RunOurs(sources, wc, std::nullopt, options.concurrent_reads);
  Progress("reports warm-up: {:.0f} ms, {} reports", first.total_ms, first.reports.size());
  BaselineRun first_baseline = RunBaseline(sql, wc);
  Progress("baseline warm-up: {:.0f} ms", first_baseline.total_ms);
  result.agree = Agree(wc, first, first_baseline);

  std::vector<double> total, gather, build, allocations, idle, assets, queries, usage;
  OursRun last;
  for (int i = 0; i < options.iterations; ++i) {
    const bool final_run = i + 1 == options.iterations;
    last = RunOurs(sources, wc, final_run ? options.out : std::nullopt, options.concurrent_reads);
    total.push_back(last.total_ms);
    gather.push_back(last.gather_ms);
    build.push_back(last.build_ms);
    allocations.push_back(last.reads.allocations_ms);
    idle.push_back(last.reads.idle_ms);
    assets.push_back(last.reads.assets_ms);
    queries.push_back(last.reads.queries_ms);
    usage.push_back(last.reads.usage_ms);
    Progress("reports {}/{}: {:.0f} ms (gather {:.0f}, build and render {:.0f})", i + 1,
             options.iterations, last.total_ms, last.gather_ms, last.build_ms);
  }
  std::vector<double> baseline_ms;
  std::map<std::string, std::vector<double>> statements;
  std::vector<std::string> statement_order;
  for (int i = 0; i < options.baseline_iterations; ++i) {
    const BaselineRun b = RunBaseline(sql, wc);
    baseline_ms.push_back(b.total_ms);
    std::string parts;
    for (const auto& [name, ms] : b.statement_ms) {
      if (!statements.contains(name)) statement_order.push_back(name);
      statements[name].push_back(ms);
      parts += fmt::format("{}{} {:.0f}", parts.empty() ? "" : ", ", name, ms);
    }
    Progress("baseline {}/{}: {:.0f} ms ({})", i + 1, options.baseline_iterations, b.total_ms,
             parts);
  }
  result.ours_ms = Median(total);
  result.baseline_ms = Median(baseline_ms);
  result.ours_without_usage_ms = result.ours_ms - Median(usage);
  result.baseline_without_usage_ms = result.baseline_ms - Median(statements["usage p95"]);
  const ReadTimes& r = last.reads;
  fmt::print(
      "  reports, median of {}: {:.0f} ms for {} team reports ({} documents, {:.1f} MiB, HTML "
      "{:.0f} KiB per team)\n"
      "    GatherWeek {:.0f} ms, {} reader calls at a time{}: ReadAllocations {:.0f} ms ({} calls, "
      "{} rows), ReadIdle {:.0f} ms, ReadAssets {:.0f} ms, ReadQuerySummaries {:.0f} ms (of {} "
      "queries), "
      "ReadUsageSeries {:.0f} ms ({} series, {} samples){}\n"
      "    BuildReports (BuildWeeklyReport and the HTML, CSV, JSON and text renderings, {} teams "
      "at a time) {:.0f} ms\n",
      options.iterations, result.ours_ms, last.reports.size(), last.documents,
      static_cast<double>(last.bytes) / (1 << 20),
      static_cast<double>(last.html_bytes) / 1024 /
          static_cast<double>(std::max<std::size_t>(1, last.reports.size())),
      Median(gather), options.concurrent_reads,
      options.concurrent_reads > 1 ? " (so the calls' times, summed per reader, overlap)" : "",
      Median(allocations), r.allocation_calls, r.allocation_rows, Median(idle), Median(assets),
      Median(queries), r.queries, Median(usage), r.usage_series, r.usage_samples,
      options.concurrent_reads > 1
          ? std::string()
          : fmt::format(", the rest {:.0f} ms", Median(gather) - Median(allocations) -
                                                    Median(idle) - Median(assets) -
                                                    Median(queries) - Median(usage)),
      options.concurrent_reads, Median(build));
  std::string parts;
  for (const std::string& name : statement_order) {
    parts +=
        fmt::format("{}{} {:.0f} ms", parts.empty() ? "" : ", ", name, Median(statements[name]));
  }
  fmt::print("  baseline, median of {}: {:.0f} ms ({})\n", options.baseline_iterations,
             result.baseline_ms, parts);
  static_cast<void>(std::fflush(stdout));
  return result;
}

WeekCase MakeCase(std::string name, std::string bench, const std::string& zone_name) {
  WeekCase c;
  c.name = std::move(name);
  c.bench = std::move(bench);
  c.zone_name = zone_name;
  c.zone = costledger::common::LoadTimeZone(zone_name);
  const costledger::model::IsoWeek week = costledger::model::ParseIsoWeek(std::string(kWeek));
  c.week = costledger::model::WeekWindows(week, *c.zone);
  c.previous = costledger::model::WeekWindows(costledger::model::PreviousWeek(week), *c.zone);
  return c;
}

int Run(const Options& options) {
  fmt::print(
      "reports: all teams' weekly reports of {} ({} teams) over {} pods on {} nodes ({} "
      "namespaces), {} days of data\n"
      "  ours: reports::GatherWeek through PostgresCostReader and PostgresUsageReader ({} reader "
      "calls at a time), then BuildReports: per team BuildWeeklyReport and RenderHtml, RenderCsv, "
      "RenderJson, "
      "RenderText\n"
      "  baseline: {}: the raw rows are generated at ONE row per pod per HOUR; a real collector "
      "at 60 s intervals stores 60x more, so the baseline is generous\n"
      "  server: a private PostgreSQL 15 with shared_buffers 1GB and jit off, other settings "
      "default (but for the load: less WAL, autovacuum off); {} "
      "hardware threads\n",
      kWeek, kTeams, kPods, kNodes, kNamespaces, kDays, options.concurrent_reads, kBaselineName,
      std::thread::hardware_concurrency());
  const std::vector<WeekCase> cases{
      MakeCase("Europe/Berlin", "reports_week_berlin_dst", "Europe/Berlin"),
      MakeCase("UTC", "reports_week_utc", "UTC")};
  std::optional<costledger::testing::PrivatePostgres> server;
  std::string url = options.database_url;
  if (url.empty()) {
    server.emplace();
    url = server->CreateDatabase("reports_bench");
    fmt::print("loading (server-side INSERT .. SELECT FROM generate_series) ...\n");
    static_cast<void>(std::fflush(stdout));
    Load(*server, url);
  }
  if (options.hold) {
    fmt::print("--hold: the database is {} (psql works); press Enter to measure\n", url);
    static_cast<void>(std::fflush(stdout));
    std::string line;
    std::getline(std::cin, line);
  }
  if (options.out) std::filesystem::create_directories(*options.out);

  costledger::postgres::PostgresCostReader costs(url, "");
  costledger::postgres::PostgresUsageReader usage(url, "");
  TimedSources sources(costs, usage);
  pqxx::connection sql(url);
  std::vector<CaseResult> results;
  for (const WeekCase& c : cases) {
    // The reports are written once, for the zone a team would be configured with.
    Options o = options;
    if (&c != &cases.front()) o.out.reset();
    results.push_back(Measure(c, sources, sql, o));
  }

  fmt::print("\n{:<28} {:>12} {:>12} {:>9}\n", "all teams' reports, s", "costledger", "SQL",
             "SQL/ours");
  bool agree = true;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const CaseResult& r = results[i];
    agree = agree && r.agree;
    fmt::print("{:<28} {:>12.2f} {:>12.2f} {:>8.1f}x\n", fmt::format("{} {}", kWeek, cases[i].name),
               r.ours_ms / 1000, r.baseline_ms / 1000, r.baseline_ms / r.ours_ms);
  }
  for (std::size_t i = 0; i < cases.size() && options.concurrent_reads == 1; ++i) {
    const CaseResult& r = results[i];
    fmt::print("{:<28} {:>12.2f} {:>12.2f} {:>8.1f}x  (derived: without right-sizing's reads)\n",
               fmt::format("{} {}", kWeek, cases[i].name), r.ours_without_usage_ms / 1000,
               r.baseline_without_usage_ms / 1000,
               r.baseline_without_usage_ms / r.ours_without_usage_ms);
  }
  fmt::print("\n");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    costledger::bench::PrintFigure(cases[i].bench, kTeams / (results[i].ours_ms / 1000),
                                   "team reports/s", kTeams / (results[i].baseline_ms / 1000),
                                   std::string(kBaselineName));
  }
  const CaseResult& berlin = results.front();
  fmt::print("target all teams' reports <= 2 s ({}): {} ({:.2f} s)\n", cases.front().name,
             berlin.ours_ms <= 2000 ? "MET" : "NOT MET", berlin.ours_ms / 1000);
  fmt::print("target >= 10x faster than the baseline ({}): {} ({:.1f}x)\n", cases.front().name,
             berlin.baseline_ms >= 10 * berlin.ours_ms ? "MET" : "NOT MET",
             berlin.baseline_ms / berlin.ours_ms);
  if (options.out)
    fmt::print("reports of {} written to {}\n", cases.front().name, options.out->string());
  fmt::print("total: {:.1f} s\n", Seconds(Clock::now() - kLaunched));
  if (!agree) {
    fmt::print(stderr, "reports_bench: the reports and the SQL baseline disagree\n");
    return 1;
  }
  return 0;
}

constexpr std::string_view kHelp =
    R"(usage: reports_bench [--iterations=N] [--baseline-iterations=N] [--out=DIR] [--hold]

All teams' weekly reports of 2025-W43 over 10,000 pods (GatherWeek through the PostgreSQL
readers, BuildWeeklyReport, HTML/CSV/JSON/text) in Europe/Berlin (the 169-hour week DST ends)
and in UTC, against the same content by SQL over the raw rows, on a private PostgreSQL.

  --iterations=N           timed runs of the reports after a warm-up (default 2)
  --baseline-iterations=N  timed runs of the SQL baseline after a warm-up (default 2)
  --out=DIR                write the last run's Europe/Berlin reports to DIR
  --hold                   once loaded, print the database's URL and wait for Enter (to look
                           at plans with psql) before measuring
  --concurrent-reads=N     GatherWeek's reader calls at a time (default {}, as configured);
                           with 1, also the times without right-sizing's reads
  --database-url=URL       measure a database loaded before (kept with --hold by an earlier
                           run) instead of loading one
)";

int ParseCount(std::string_view arg) {
  const std::string_view value = arg.substr(arg.find('=') + 1);
  int parsed = 0;  // a malformed count reads as 0, so 1 run
  std::from_chars(value.data(), value.data() + value.size(), parsed);
  return std::max(1, parsed);
}

}  // namespace

int main(int argc, char** argv) {
  // bench/run passes Google Benchmark flags (--benchmark_min_time=..); they do not apply here.
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      fmt::print(kHelp, costledger::reports::GatherSettings{}.concurrent_reads);
      return 0;
    }
    if (arg.starts_with("--iterations=")) options.iterations = ParseCount(arg);
    if (arg.starts_with("--baseline-iterations=")) options.baseline_iterations = ParseCount(arg);
    if (arg.starts_with("--out=")) options.out = std::filesystem::path(arg.substr(6));
    if (arg.starts_with("--concurrent-reads=")) {
      options.concurrent_reads = static_cast<std::size_t>(ParseCount(arg));
    }
    options.hold |= arg == "--hold";
    if (arg.starts_with("--database-url=")) options.database_url = arg.substr(arg.find('=') + 1);
  }
  try {
    return Run(options);  // the private server and its data are removed on the way out
  } catch (const std::exception& e) {
    fmt::print(stderr, "reports_bench: {}\n", e.what());
    return 1;
  }
}
