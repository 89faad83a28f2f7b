// The generated cluster's rows in PostgreSQL (allocation_data.hpp).
#include "allocation_data.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <string_view>
#include <thread>

#include "allocation_cluster.hpp"
#include "container_columns.hpp"
#include "costledger/postgres/postgres_store.hpp"

namespace costledger::bench {
namespace {

using costledger::postgres::PostgresStore;
using Clock = std::chrono::steady_clock;
using cluster::kDays;
using cluster::kFirstDay;
using cluster::kHours;
using cluster::kNamespaces;
using cluster::kNodes;
using cluster::kPods;
using cluster::kTeams;
using std::chrono::sys_seconds;
const sys_seconds kStart{std::chrono::seconds{kFirstDay}};
const sys_seconds kEnd = kStart + std::chrono::days(kDays);

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The pods, once: labels, node, requests and unit prices (per millicore-hour, MiB-hour and
// device-hour; spot is 40% of on-demand), as allocation_cluster.hpp defines them. 20 pods per node,
// one of each namespace; a node has 8000 m, 32 GiB and, on g5 nodes, one GPU, and is never
// overcommitted, so its idle (capacity cost minus its containers' costs) is never negative.
constexpr std::string_view kCreatePods = R"(
CREATE UNLOGGED TABLE bench_pods AS
SELECT p, 'ns-' || lpad((p % {namespaces})::text, 2, '0') AS namespace,
  'app-' || (p / 20 % 25) || '-7d9f8b6c4-' || lpad(p::text, 5, '0') AS pod,
  'ip-10-0-' || (k / 250) || '-' || (k % 250) || '.ec2.internal' AS node,
  'app-' || (p / 20 % 25) AS controller, 'team-' || (p % {namespaces} % {teams}) AS team,
  CASE WHEN spot THEN 'spot' ELSE 'on-demand' END AS capacity_type,
  CASE WHEN k % 25 = 0 THEN 'g5.2xlarge' ELSE 'm5.2xlarge' END AS instance_type,
  (50 + p * 37 % 300)::bigint AS cpu_req, ((128 + p * 13 % 1024)::bigint << 20) AS mem_req,
  CASE WHEN k % 25 = 0 AND p % 20 = 0 THEN 1 ELSE 0 END::bigint AS gpu,
  CASE WHEN spot THEN 12500 ELSE 31250 END::bigint AS cpu_rate,
  CASE WHEN spot THEN 1600 ELSE 4000 END::bigint AS ram_rate,
  CASE WHEN spot THEN 320000000 ELSE 800000000 END::bigint AS gpu_rate
FROM generate_series(0, {pods} - 1) p,
  LATERAL (SELECT p / 20 % {nodes} AS k, p / 20 % {nodes} % 4 = 3 AS spot) n
ORDER BY namespace, pod)";

// One row per pod and hour in [h0, h1), hours counted from kFirstDay, with the usage of the
// hour. Deterministic, so raw and hourly rows generated apart agree exactly.
constexpr std::string_view kPodHoursFunction = R"(
CREATE FUNCTION bench_pod_hours(h0 integer, h1 integer) RETURNS TABLE (
  t timestamptz, namespace text, pod text, node text, controller text, team text,
  capacity_type text, instance_type text, container_key bigint,
  cpu_req bigint, cpu_use bigint, mem_req bigint, mem_use bigint, gpu bigint,
  gpu_busy double precision, cpu_cost bigint, ram_cost bigint, gpu_cost bigint)
LANGUAGE sql STABLE AS $f$
SELECT to_timestamp({first_day}::bigint + h * 3600), namespace, pod, node, controller, team,
  capacity_type, instance_type, p::bigint, cpu_req, cpu_use, mem_req, mem_use, gpu,
  CASE WHEN gpu > 0 THEN (h % 4) * 0.25 END,
  greatest(cpu_req, cpu_use) * cpu_rate, (greatest(mem_req, mem_use) >> 20) * ram_rate,
  gpu * gpu_rate
FROM (
  SELECT h, b.*, ((b.p * 53 + h * 7) % 400)::bigint AS cpu_use,
    (((b.p * 29 + h * 11) % 1536)::bigint << 20) AS mem_use
  FROM generate_series(h0, h1 - 1) h, bench_pods b
) s
$f$)";

// $1, $2: hours [h0, h1). Rows in primary key order, so that the index grows at its end.
constexpr std::string_view kInsertRaw = R"(
INSERT INTO container_costs (cluster, interval_start, interval_seconds, node, namespace,
  controller_kind, controller, pod, container, team, capacity_type, instance_type,
  cpu_request_millicores, cpu_usage_millicores, memory_request_bytes, memory_usage_bytes,
  gpu_devices, gpu_busy_devices, usage_observed, cpu_cost_nanos, ram_cost_nanos, gpu_cost_nanos,
  container_key)
SELECT 'bench', t, 3600, node, namespace, 'Deployment', controller, pod, 'main', team,
  capacity_type, instance_type, cpu_req, cpu_use, mem_req, mem_use, gpu, gpu_busy, true,
  cpu_cost, ram_cost, gpu_cost, container_key
FROM bench_pod_hours($1, $2)
ORDER BY t, container_key)";

// What the store's hourly rollup makes of one interval of 3600 s per pod and hour; in primary
// key order, as above.
constexpr std::string_view kInsertHourly = R"(
INSERT INTO container_costs_hourly (cluster, hour, namespace, pod, container, node,
  controller_kind, controller, team, capacity_type, instance_type, intervals, seconds,
  usage_observed_seconds, cpu_request_millicore_seconds, cpu_usage_millicore_seconds,
  memory_request_byte_seconds, memory_usage_byte_seconds, gpu_device_seconds,
  gpu_busy_device_seconds, gpu_busy_observed_seconds, cpu_cost_nanos, ram_cost_nanos,
  gpu_cost_nanos, cpu_allocated_millicore_seconds, memory_allocated_byte_seconds, first_start,
  last_end)
SELECT 'bench', t, namespace, pod, 'main', node, 'Deployment', controller, team, capacity_type,
  instance_type, 1, 3600, 3600, cpu_req * 3600, cpu_use * 3600, mem_req * 3600,
  mem_use * 3600, gpu * 3600, coalesce(gpu_busy * 3600, 0),
  CASE WHEN gpu_busy IS NULL THEN 0 ELSE 3600 END, cpu_cost, ram_cost, gpu_cost,
  greatest(cpu_req, cpu_use) * 3600, greatest(mem_req, mem_use) * 3600, t,
  t + interval '1 hour'
FROM bench_pod_hours($1, $2)
ORDER BY t, namespace, pod)";

// Nodes per hour from their containers: pools are the capacity at the unit prices, idle is the
// pool minus the containers' costs (rule 4), so pool = containers + idle to the nano-dollar.
// $1, $2: hours [h0, h1).
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

std::string Sql(std::string_view templ) {
  return fmt::format(fmt::runtime(templ), fmt::arg("first_day", kFirstDay),
                     fmt::arg("namespaces", kNamespaces), fmt::arg("teams", kTeams),
                     fmt::arg("pods", kPods), fmt::arg("nodes", kNodes));
}

}  // namespace

void Exec(pqxx::connection& c, const std::string& sql) {
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

// Fills the database. Two connections (the machine has two cores): one loads the raw
// intervals, the other the hourly rollups, the nodes and then the daily rollups.
void LoadAllocationCluster(testing::PrivatePostgres& server, const std::string& url,
                           const std::function<void(const std::string&)>& progress) {
  auto report = [&progress](std::string_view format, const auto&... args) {
    progress(fmt::format(fmt::runtime(format), args...));
  };
  const auto started = Clock::now();
  {
    // A server sized like a real one rather than a unit test's (64 MB shared buffers), and
    // no checkpoint in the middle of the load.
    pqxx::connection c(url);
    for (const char* setting : {"shared_buffers = '1GB'", "max_wal_size = '32GB'",
                                "checkpoint_timeout = '1h'", "maintenance_work_mem = '512MB'"}) {
      Exec(c, fmt::format("ALTER SYSTEM SET {}", setting));
    }
  }
  server.Stop();
  server.Start();
  {
    PostgresStore store(url, "");
    store.Migrate();
    store.EnsurePartitions(std::chrono::floor<std::chrono::days>(kStart), kDays + 1);
    pqxx::connection c(url);
    Exec(c, Sql(kCreatePods));
    Exec(c, Sql(kPodHoursFunction));
    Exec(c, "INSERT INTO clusters (cluster) VALUES ('bench')");
  }
  // Each table is vacuumed (hint bits, visibility map: the steady state of a served table,
  // and no autovacuum during the measurement) and analyzed once it is complete.
  constexpr int kChunkHours = 24;  // one day per statement
  std::exception_ptr raw_error;
  std::thread raw([&] {
    try {
      pqxx::connection c(url);
      for (int h = 0; h < kHours; h += kChunkHours) {
        pqxx::work tx(c);
        tx.exec_params(std::string(kInsertRaw), h, h + kChunkHours);
        tx.commit();
        if ((h / kChunkHours + 1) % 5 == 0) {
          report("raw container_costs: {:2d}/{} days ({:.1f}M rows)", h / 24 + 1, kDays,
                 (h + kChunkHours) * kPods / 1e6);
        }
      }
      Exec(c, "VACUUM ANALYZE container_costs");
      report("raw container_costs: VACUUM ANALYZE done");
    } catch (...) {
      raw_error = std::current_exception();
    }
  });
  try {
    pqxx::connection c(url);
    for (int h = 0; h < kHours; h += kChunkHours) {
      pqxx::work tx(c);
      tx.exec_params(std::string(kInsertHourly), h, h + kChunkHours);
      tx.exec_params(Sql(kInsertNodeHourly), h, h + kChunkHours);
      // The per-workload and per-node hours as the store's hourly rollup adds them, from the
      // container hours.
      for (const postgres::RollupGrain g : postgres::kCoarseGrains) {
        tx.exec_params(postgres::GrainHourRollUpSql(g), "bench", kFirstDay + std::int64_t{h} * 3600,
                       kFirstDay + std::int64_t{h + kChunkHours} * 3600);
      }
      tx.commit();
      if ((h / kChunkHours + 1) % 5 == 0) {
        report(
            "container_costs_hourly + its per-workload and per-node rollups + node_costs_hourly: "
            "{:2d}/{} days "
            "({:.1f}M rows)",
            h / 24 + 1, kDays, (h + kChunkHours) * kPods / 1e6);
      }
    }
    Exec(c, std::string(kInsertNodeRaw));
    report("node_costs (raw, 1 h): {} rows", kHours * kNodes);
    // The daily rollups by the store's own daily rollup (from the hourly rollups): mark the
    // days pending, then RollUp computes them and clears the marks, so that the reader uses
    // the daily tier for every whole day. No hour is pending, so no hour is recomputed.
    Exec(c, fmt::format("INSERT INTO rollup_pending_daily (cluster, day) SELECT 'bench', "
                        "to_timestamp({}::bigint + d * 86400) FROM generate_series(0, {}) d",
                        kFirstDay, kDays - 1));
    PostgresStore store(url, "");
    store.RollUp(kEnd);
    report(
        "container_costs_daily + workload_costs_daily + node_costs_daily (PostgresStore::RollUp): "
        "{} days",
        kDays);
    for (const char* table :
         {"container_costs_hourly", "workload_costs_hourly", "container_costs_daily",
          "workload_costs_daily", "node_kind_costs_hourly", "node_kind_costs_daily", "node_costs",
          "node_costs_hourly", "node_costs_daily", "clusters", "rollup_pending",
          "rollup_pending_daily"}) {
      Exec(c, fmt::format("VACUUM ANALYZE {}", table));
    }
    report("rollups and nodes: VACUUM ANALYZE done");
  } catch (...) {
    raw.join();
    throw;
  }
  raw.join();
  if (raw_error) std::rethrow_exception(raw_error);
  {
    pqxx::connection c(url);
    Exec(c, "DROP FUNCTION bench_pod_hours; DROP TABLE bench_pods");
  }
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  const pqxx::row counts = tx.exec1(
      "SELECT (SELECT count(*) FROM container_costs), (SELECT count(*) FROM "
      "container_costs_hourly), (SELECT count(*) FROM container_costs_daily), (SELECT count(*) "
      "FROM node_costs_hourly), (SELECT count(*) FROM node_costs_daily), (SELECT count(*) FROM "
      "rollup_pending) + (SELECT count(*) FROM rollup_pending_daily), "
      "pg_size_pretty(pg_database_size(current_database())), (SELECT count(*) FROM "
      "workload_costs_daily), (SELECT count(*) FROM workload_costs_hourly)");
  fmt::print(
      "loaded in {:.1f} s: container_costs {} (raw, ONE row per pod per hour), "
      "container_costs_hourly {}, workload_costs_hourly {}, container_costs_daily {}, "
      "workload_costs_daily {}, "
      "node_costs_hourly {}, node_costs_daily {}, pending rollups {}; database {}\n",
      Seconds(Clock::now() - started), counts[0].as<std::int64_t>(), counts[1].as<std::int64_t>(),
      counts[8].as<std::int64_t>(), counts[2].as<std::int64_t>(), counts[7].as<std::int64_t>(),
      counts[3].as<std::int64_t>(), counts[4].as<std::int64_t>(), counts[5].as<std::int64_t>(),
      counts[6].as<std::string>());
}
}  // namespace costledger::bench
