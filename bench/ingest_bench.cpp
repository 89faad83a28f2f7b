// Ingest throughput: container-intervals written end to end by PostgresStore::Write (COPY into
// the day's raw partitions, idempotent) plus the hourly rollup the collector runs each tick
// (amortised: one hour of intervals and its rollup), against the fastest honest load of the
// same rows on the same server, measured in the same run: the adapter's own binary COPY (the
// same encoders, the same reused buffer sent through libpq's PQputCopyData) of the interval's
// container rows (with their container keys) and node rows, one transaction per interval, into
// plain tables with the raw tables' columns (LIKE: same types and NOT NULL) and nothing else:
// no partitions, indexes, interval marks, in-memory sums or rollups. Logged, as the store's
// tables are: an unlogged table would skip the WAL, which no durable store can.
#include <benchmark/benchmark.h>
#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "batch_copy.hpp"
#include "bench_figures.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"

namespace {

using costledger::model::ContainerCostRow;
using costledger::model::IntervalBatch;
using costledger::model::NodeCostRow;
using costledger::postgres::PostgresStore;

constexpr int kNodes = 500;
constexpr int kContainers = 10'000;
// An hour of one-minute intervals and the first of the next hour, whose tick rolls the hour up.
constexpr int kIntervals = 61;
// Hours written by each side.
constexpr int kRounds = 4;
const std::chrono::sys_seconds kStart{std::chrono::seconds{1'763'280'000}};  // an hour start

IntervalBatch MakeBatch(std::chrono::sys_seconds start) {
  std::mt19937_64 rng(11);
  IntervalBatch b;
  b.cluster = "bench";
  b.costs.start = start;
  b.costs.length = std::chrono::seconds(60);
  const char* namespaces[] = {"jupyterhub", "airflow", "spark", "ray", "ml-training", "serving"};
  const char* teams[] = {"alpha", "beta", "gamma", "platform"};
  for (int n = 0; n < kNodes; ++n) {
    NodeCostRow node;
    node.node =
        "ip-10-0-" + std::to_string(n / 250) + "-" + std::to_string(n % 250) + ".ec2.internal";
    node.instance_type = n % 10 == 0 ? "g5.2xlarge" : "m5.2xlarge";
    node.zone = "us-east-1a";
    node.capacity = {8000, std::int64_t{32} << 30, n % 10 == 0 ? 1 : 0};
    node.price.price.per_hour = costledger::model::Money::FromNanos(384'000'000);
    node.price.source = costledger::model::PriceSource::kOnDemand;
    node.attribution.node_cost = costledger::model::Money::FromNanos(6'400'000);
    node.attribution.pools = {4'000'000, 2'400'000, 0};
    node.attribution.idle = {1'000'000, 400'000, 0};
    node.containers = kContainers / kNodes;
    b.costs.nodes.push_back(node);
  }
  for (int c = 0; c < kContainers; ++c) {
    ContainerCostRow row;
    const int ns = static_cast<int>(rng() % 6);
    row.labels = {"bench",
                  b.costs.nodes[static_cast<std::size_t>(c % kNodes)].node,
                  namespaces[ns],
                  "Deployment",
                  std::string("app-") + std::to_string(c % 300),
                  std::string("app-") + std::to_string(c % 300) + "-7d9f8b-" + std::to_string(c),
                  "main",
                  teams[ns % 4],
                  "on-demand",
                  "m5.2xlarge",
                  "kubernetes",
                  std::string("Deployment:app-") + std::to_string(c % 300)};
    row.demand = {static_cast<std::int64_t>(100 + rng() % 900),
                  static_cast<std::int64_t>(rng() % 1200),
                  static_cast<std::int64_t>(256 + rng() % 2048) << 20,
                  static_cast<std::int64_t>(rng() % 2048) << 20, 0};
    row.cost = {static_cast<std::int64_t>(rng() % 300'000),
                static_cast<std::int64_t>(rng() % 100'000), 0};
    row.usage_observed = true;
    b.costs.containers.push_back(std::move(row));
  }
  return b;
}

// CPU time, in milliseconds, the process `pid` has used so far (Linux /proc; 0 elsewhere): the
// server's own work per interval, which a noisy machine distorts less than the wall time.
double ProcessCpuMillis(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line) || line.rfind(')') == std::string::npos) return 0;
  std::istringstream fields(line.substr(line.rfind(')') + 2));  // from field 3, the state
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

constexpr const char* kStoreApplication = "ingest_bench_store";

struct Fixture {
  costledger::testing::PrivatePostgres server;
  std::string url = server.CreateDatabase("ingest_bench");
  PostgresStore store{url + "?application_name=" + kStoreApplication, ""};
  IntervalBatch batch = MakeBatch(kStart);
  Fixture() {
    store.Migrate();
    pqxx::connection c(url);
    pqxx::work tx(c);
    tx.exec0("CREATE TABLE baseline_container_costs (LIKE container_costs)");
    tx.exec0("CREATE TABLE baseline_node_costs (LIKE node_costs)");
    tx.commit();
  }
  // The server process of the store's connection.
  int StoreBackend() const {
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    return tx
        .exec_params1("SELECT pid FROM pg_stat_activity WHERE application_name = $1",
                      kStoreApplication)[0]
        .as<int>();
  }
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

// The round being run (see main): each writes its own hour.
int round_now = 0;

std::chrono::sys_seconds IntervalStart(int interval) {
  return kStart + std::chrono::hours(2 * round_now) + std::chrono::minutes(interval);
}

// Server CPU milliseconds and intervals of every run, per benchmark.
std::map<std::string, std::pair<double, double>> server_cpu;

void CountServerCpu(benchmark::State& state, const std::string& name, double millis) {
  auto& [total, intervals] = server_cpu[name];
  total += millis;
  intervals += static_cast<double>(state.iterations());
  state.counters["server_cpu_ms"] = millis / static_cast<double>(state.iterations());
}

void BM_Ingest_StoreWrite(benchmark::State& state) {
  Fixture& f = Shared();
  const int backend = f.StoreBackend();
  const double cpu_before = ProcessCpuMillis(backend);
  int interval = 0;
  for (auto _ : state) {
    f.batch.costs.start = IntervalStart(interval++);
    f.store.Write(f.batch);
    // As the collector's tick does: rolls up the hour once it is complete.
    f.store.RollUp(f.batch.costs.start);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kContainers);
  CountServerCpu(state, "BM_Ingest_StoreWrite", ProcessCpuMillis(backend) - cpu_before);
}
BENCHMARK(BM_Ingest_StoreWrite)
    ->Iterations(kIntervals)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_Ingest_RawCopyBaseline(benchmark::State& state) {
  Fixture& f = Shared();
  pqxx::connection conn(f.url);
  const double cpu_before = ProcessCpuMillis(conn.backendpid());
  int interval = 0;
  for (auto _ : state) {
    f.batch.costs.start = IntervalStart(interval++);
    pqxx::work tx(conn);
    costledger::postgres::CopyContainerRows(tx, "baseline_container_costs", f.batch, 60);
    costledger::postgres::CopyNodeRows(tx, "baseline_node_costs", f.batch, 60);
    tx.commit();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kContainers);
  CountServerCpu(state, "BM_Ingest_RawCopyBaseline",
                 ProcessCpuMillis(conn.backendpid()) - cpu_before);
}
BENCHMARK(BM_Ingest_RawCopyBaseline)
    ->Iterations(kIntervals)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Besides the console, the items and real time of every run of each benchmark, summed.
class RoundsReporter : public costledger::bench::FigureReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    FigureReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      Total& t = totals_[run.run_name.function_name];
      t.items += static_cast<double>(run.iterations) * kContainers;
      t.seconds += run.real_accumulated_time;
    }
  }
  double ItemsPerSecondOverAll(const std::string& name) const {
    const auto it = totals_.find(name);
    return it == totals_.end() || it->second.seconds <= 0 ? 0.0
                                                          : it->second.items / it->second.seconds;
  }

 private:
  struct Total {
    double items = 0;
    double seconds = 0;
  };
  std::map<std::string, Total> totals_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RoundsReporter reporter;
  // Rounds of one hour each, the store and the baseline taking turns at going first, so that
  // a noisy neighbour or the server's warm-up (WAL segments, caches) weighs on both alike.
  for (round_now = 0; round_now < kRounds; ++round_now) {
    const bool store_first = round_now % 2 == 0;
    benchmark::RunSpecifiedBenchmarks(
        &reporter, store_first ? "BM_Ingest_StoreWrite" : "BM_Ingest_RawCopyBaseline");
    benchmark::RunSpecifiedBenchmarks(
        &reporter, store_first ? "BM_Ingest_RawCopyBaseline" : "BM_Ingest_StoreWrite");
  }
  for (const auto& [name, cpu] : server_cpu) {
    fmt::print("{}: server CPU {:.1f} ms per interval over {} intervals\n", name,
               cpu.first / cpu.second, cpu.second);
  }
  costledger::bench::PrintFigure(
      "ingest", reporter.ItemsPerSecondOverAll("BM_Ingest_StoreWrite"), "container-intervals/s",
      reporter.ItemsPerSecondOverAll("BM_Ingest_RawCopyBaseline"),
      "binary COPY of the same rows into plain logged tables, same server");
  benchmark::Shutdown();
  return 0;
}
