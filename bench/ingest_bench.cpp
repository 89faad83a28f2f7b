// Ingest throughput: container-intervals written end to end by PostgresStore::Write (COPY into
// the day's raw partitions, idempotent) plus the hourly rollup the collector runs each tick
// (amortised: one hour of intervals and its rollup), against a raw COPY of the same rows (the
// interval's container rows and node rows, in one transaction) into plain tables of the same
// server with libpqxx's stream_to, measured in the same run.
#include <benchmark/benchmark.h>

#include <chrono>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <tuple>
#include <vector>

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
                  "m5.2xlarge"};
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

struct Fixture {
  costledger::testing::PrivatePostgres server;
  std::string url = server.CreateDatabase("ingest_bench");
  PostgresStore store{url, ""};
  IntervalBatch batch = MakeBatch(kStart);
  Fixture() {
    store.Migrate();
    pqxx::connection c(url);
    pqxx::work tx(c);
    tx.exec0(
        "CREATE TABLE baseline_container_costs (cluster text, interval_start timestamptz, "
        "interval_seconds int, node text, namespace text, controller_kind text, controller text, "
        "pod text, container text, team text, capacity_type text, instance_type text, "
        "cpu_request_millicores bigint, cpu_usage_millicores bigint, memory_request_bytes "
        "bigint, memory_usage_bytes bigint, gpu_devices bigint, gpu_busy_devices double "
        "precision, usage_observed bool, cpu_cost_nanos bigint, ram_cost_nanos bigint, "
        "gpu_cost_nanos bigint)");
    tx.exec0(
        "CREATE TABLE baseline_node_costs (cluster text, interval_start timestamptz, "
        "interval_seconds int, node text, instance_type text, zone text, capacity_type text, "
        "price_source text, price_per_hour_nanos bigint, cpu_millicores bigint, memory_bytes "
        "bigint, gpu_devices bigint, cpu_per_core_hour double precision, ram_per_gib_hour double "
        "precision, gpu_per_device_hour double precision, node_cost_nanos bigint, pool_cpu_nanos "
        "bigint, pool_ram_nanos bigint, pool_gpu_nanos bigint, idle_cpu_nanos bigint, "
        "idle_ram_nanos bigint, idle_gpu_nanos bigint, containers int, cpu_overcommitted bool, "
        "memory_overcommitted bool, gpu_overcommitted bool)");
    tx.commit();
  }
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

void BM_Ingest_StoreWrite(benchmark::State& state) {
  Fixture& f = Shared();
  int interval = 0;
  for (auto _ : state) {
    f.batch.costs.start = kStart + std::chrono::minutes(interval++);
    f.store.Write(f.batch);
    // As the collector's tick does: rolls up the hour once it is complete.
    f.store.RollUp(f.batch.costs.start);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kContainers);
}
BENCHMARK(BM_Ingest_StoreWrite)
    ->Iterations(kIntervals)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_Ingest_RawCopyBaseline(benchmark::State& state) {
  Fixture& f = Shared();
  pqxx::connection conn(f.url);
  int interval = 0;
  for (auto _ : state) {
    const std::string start =
        std::to_string((kStart + std::chrono::minutes(interval++)).time_since_epoch().count());
    pqxx::work tx(conn);
    const std::string start_text = tx.exec1("SELECT to_timestamp(" + start + ")")[0].c_str();
    {
      pqxx::stream_to copy(tx, "baseline_container_costs");
      for (const ContainerCostRow& r : f.batch.costs.containers) {
        const auto& l = r.labels;
        copy << std::make_tuple(l.cluster, start_text, 60, l.node, l.namespace_name,
                                l.controller_kind, l.controller, l.pod, l.container, l.team,
                                l.capacity_type, l.instance_type, r.demand.cpu_request_millicores,
                                r.demand.cpu_usage_millicores, r.demand.memory_request_bytes,
                                r.demand.memory_usage_bytes, r.demand.gpu_devices,
                                r.gpu_busy_devices, r.usage_observed, r.cost.cpu_nanos,
                                r.cost.ram_nanos, r.cost.gpu_nanos);
      }
      copy.complete();
    }
    pqxx::stream_to copy(tx, "baseline_node_costs");
    for (const NodeCostRow& n : f.batch.costs.nodes) {
      const auto& a = n.attribution;
      copy << std::make_tuple(
          f.batch.cluster, start_text, 60, n.node, n.instance_type, n.zone,
          std::string(costledger::model::ToString(n.capacity_type)),
          std::string(costledger::model::ToString(n.price.source)), n.price.price.per_hour.nanos(),
          n.capacity.cpu_millicores, n.capacity.memory_bytes, n.capacity.gpu_devices,
          n.unit_prices.cpu_per_core_hour, n.unit_prices.ram_per_gib_hour,
          n.unit_prices.gpu_per_device_hour, a.node_cost.nanos(), a.pools.cpu_nanos,
          a.pools.ram_nanos, a.pools.gpu_nanos, a.idle.cpu_nanos, a.idle.ram_nanos,
          a.idle.gpu_nanos, static_cast<int>(n.containers), a.cpu_overcommitted,
          a.memory_overcommitted, a.gpu_overcommitted);
    }
    copy.complete();
    tx.commit();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kContainers);
}
BENCHMARK(BM_Ingest_RawCopyBaseline)
    ->Iterations(kIntervals)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  costledger::bench::FigureReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  costledger::bench::PrintFigure("ingest", reporter.ItemsPerSecond("BM_Ingest_StoreWrite"),
                                 "container-intervals/s",
                                 reporter.ItemsPerSecond("BM_Ingest_RawCopyBaseline"),
                                 "raw COPY of the same container and node rows, same server");
  benchmark::Shutdown();
  return 0;
}
