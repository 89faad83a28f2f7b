// Attribution throughput: container-intervals priced per second on one core, against a naive
// implementation (doubles, a map lookup per sample) measured in the same run.
#include <benchmark/benchmark.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench_figures.hpp"
#include "costledger/model/attribution.hpp"

namespace {

using costledger::model::AttributeNode;
using costledger::model::Capacity;
using costledger::model::ContainerDemand;
using costledger::model::HourlyPrice;
using costledger::model::IntervalCost;
using costledger::model::Money;
using costledger::model::ResourceCosts;
using costledger::model::SplitWeights;

constexpr std::int64_t kGiB = std::int64_t{1} << 30;
constexpr int kNodes = 500;
constexpr int kContainersPerNode = 40;  // 20,000 containers per interval

struct SyntheticNode {
  std::string name;
  Capacity capacity;
  HourlyPrice price;
  std::vector<ContainerDemand> demands;
};

const std::vector<SyntheticNode>& Cluster() {
  static const std::vector<SyntheticNode> kCluster = [] {
    std::mt19937_64 rng(42);
    std::vector<SyntheticNode> nodes;
    for (int n = 0; n < kNodes; ++n) {
      SyntheticNode node;
      node.name =
          "ip-10-0-" + std::to_string(n / 250) + "-" + std::to_string(n % 250) + ".ec2.internal";
      node.capacity = {16'000, 64 * kGiB, n % 10 == 0 ? 4 : 0};
      node.price.per_hour =
          Money::FromNanos(static_cast<std::int64_t>(300'000'000 + rng() % 4'000'000'000));
      for (int c = 0; c < kContainersPerNode; ++c) {
        ContainerDemand d;
        d.cpu_request_millicores = static_cast<std::int64_t>(100 + rng() % 500);
        d.cpu_usage_millicores = static_cast<std::int64_t>(rng() % 900);
        d.memory_request_bytes = static_cast<std::int64_t>(256 + rng() % 1024) << 20;
        d.memory_usage_bytes = static_cast<std::int64_t>(rng() % 2048) << 20;
        d.gpu_devices = (node.capacity.gpu_devices > 0 && c < 4) ? 1 : 0;
        node.demands.push_back(d);
      }
      nodes.push_back(std::move(node));
    }
    return nodes;
  }();
  return kCluster;
}

void BM_Attribution_Exact(benchmark::State& state) {
  const std::vector<SyntheticNode>& nodes = Cluster();
  const SplitWeights weights;
  std::vector<ResourceCosts> costs(kContainersPerNode);
  std::int64_t items = 0;
  for (auto _ : state) {
    std::int64_t idle = 0;
    for (const SyntheticNode& node : nodes) {
      const Money cost = IntervalCost(node.price, std::chrono::seconds(60));
      idle += AttributeNode(cost, node.capacity, weights, node.demands, costs).idle.Total().nanos();
      benchmark::DoNotOptimize(costs.data());
    }
    benchmark::DoNotOptimize(idle);
    items += std::int64_t{kNodes} * kContainersPerNode;
  }
  state.SetItemsProcessed(items);
}
BENCHMARK(BM_Attribution_Exact)->Unit(benchmark::kMillisecond);

// What a straightforward implementation does: samples arrive flat, each looks up its node by
// name, unit prices in doubles, costs and idle accumulated in maps keyed by name.
struct NaiveSample {
  std::string node;
  std::string container;
  double cpu_request_cores, cpu_usage_cores, memory_request_gib, memory_usage_gib, gpus;
};

// The naive shape (OpenCost's): samples arrive flat, each looks up its node by name, unit prices
// in doubles, and costs are accumulated in maps keyed by container and node name.
void BM_Attribution_NaiveBaseline(benchmark::State& state) {
  const std::vector<SyntheticNode>& nodes = Cluster();
  std::map<std::string, const SyntheticNode*> by_name;
  std::vector<NaiveSample> samples;
  for (const SyntheticNode& node : nodes) {
    by_name[node.name] = &node;
    int c = 0;
    for (const ContainerDemand& d : node.demands) {
      samples.push_back({node.name, node.name + "/c" + std::to_string(c++),
                         static_cast<double>(d.cpu_request_millicores) / 1000.0,
                         static_cast<double>(d.cpu_usage_millicores) / 1000.0,
                         static_cast<double>(d.memory_request_bytes) / kGiB,
                         static_cast<double>(d.memory_usage_bytes) / kGiB,
                         static_cast<double>(d.gpu_devices)});
    }
  }
  std::int64_t items = 0;
  for (auto _ : state) {
    std::map<std::string, double> container_cost;
    std::map<std::string, double> node_allocated;
    for (const NaiveSample& s : samples) {
      const SyntheticNode& node = *by_name.at(s.node);
      const double cores = static_cast<double>(node.capacity.cpu_millicores) / 1000.0;
      const double gib = static_cast<double>(node.capacity.memory_bytes) / kGiB;
      const auto gpus = static_cast<double>(node.capacity.gpu_devices);
      const double base = cores * 0.031611 + gib * 0.004237 + gpus * 0.95;
      const double scale = node.price.per_hour.Dollars() / base;
      const double hours = 60.0 / 3600.0;
      const double cost = (std::max(s.cpu_request_cores, s.cpu_usage_cores) * 0.031611 * scale +
                           std::max(s.memory_request_gib, s.memory_usage_gib) * 0.004237 * scale +
                           s.gpus * 0.95 * scale) *
                          hours;
      container_cost[s.container] += cost;
      node_allocated[s.node] += cost;
    }
    double idle = 0;
    for (const auto& [name, allocated] : node_allocated) {
      idle += by_name.at(name)->price.per_hour.Dollars() / 60.0 - allocated;
    }
    benchmark::DoNotOptimize(idle);
    items += static_cast<std::int64_t>(samples.size());
  }
  state.SetItemsProcessed(items);
}
BENCHMARK(BM_Attribution_NaiveBaseline)->Unit(benchmark::kMillisecond);

// A lean double-precision version (one map lookup per sample, results in a vector): shows that
// exact integer money costs no speed against the fastest inexact approach.
void BM_Attribution_LeanDoublesBaseline(benchmark::State& state) {
  struct NaiveNode {
    const SyntheticNode* node;
    double allocated_dollars;
  };
  const std::vector<SyntheticNode>& nodes = Cluster();
  std::map<std::string, NaiveNode> by_name;
  std::vector<NaiveSample> samples;
  for (const SyntheticNode& node : nodes) {
    by_name[node.name] = {&node, 0.0};
    int c = 0;
    for (const ContainerDemand& d : node.demands) {
      samples.push_back({node.name, node.name + "/c" + std::to_string(c++),
                         static_cast<double>(d.cpu_request_millicores) / 1000.0,
                         static_cast<double>(d.cpu_usage_millicores) / 1000.0,
                         static_cast<double>(d.memory_request_bytes) / kGiB,
                         static_cast<double>(d.memory_usage_bytes) / kGiB,
                         static_cast<double>(d.gpu_devices)});
    }
  }
  std::vector<double> container_cost(samples.size());
  std::int64_t items = 0;
  for (auto _ : state) {
    for (auto& [name, n] : by_name) n.allocated_dollars = 0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const NaiveSample& s = samples[i];
      NaiveNode& n = by_name.at(s.node);  // the one map lookup per sample
      const double cores = static_cast<double>(n.node->capacity.cpu_millicores) / 1000.0;
      const double gib = static_cast<double>(n.node->capacity.memory_bytes) / kGiB;
      const auto gpus = static_cast<double>(n.node->capacity.gpu_devices);
      const double base = cores * 0.031611 + gib * 0.004237 + gpus * 0.95;
      const double scale = n.node->price.per_hour.Dollars() / base;
      const double hours = 60.0 / 3600.0;
      const double cost = (std::max(s.cpu_request_cores, s.cpu_usage_cores) * 0.031611 * scale +
                           std::max(s.memory_request_gib, s.memory_usage_gib) * 0.004237 * scale +
                           s.gpus * 0.95 * scale) *
                          hours;
      container_cost[i] = cost;
      n.allocated_dollars += cost;
    }
    double idle = 0;
    for (const auto& [name, n] : by_name) {
      idle += n.node->price.per_hour.Dollars() / 60.0 - n.allocated_dollars;
    }
    benchmark::DoNotOptimize(idle);
    benchmark::DoNotOptimize(container_cost.data());
    items += static_cast<std::int64_t>(samples.size());
  }
  state.SetItemsProcessed(items);
}
BENCHMARK(BM_Attribution_LeanDoublesBaseline)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  costledger::bench::FigureReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  costledger::bench::PrintFigure(
      "attribution", reporter.ItemsPerSecond("BM_Attribution_Exact"), "container-intervals/s",
      reporter.ItemsPerSecond("BM_Attribution_NaiveBaseline"), "naive doubles + maps");
  costledger::bench::PrintFigure(
      "attribution_vs_lean_doubles", reporter.ItemsPerSecond("BM_Attribution_Exact"),
      "container-intervals/s", reporter.ItemsPerSecond("BM_Attribution_LeanDoublesBaseline"),
      "lean doubles, one map lookup per sample, no exactness");
  benchmark::Shutdown();
  return 0;
}
