// Property tests over thousands of random clusters: the invariants of rules 3-5.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "costledger/model/attribution.hpp"

namespace costledger::model {
namespace {

constexpr std::int64_t kGiB = std::int64_t{1} << 30;

struct RandomContainer {
  ContainerDemand demand;
  std::string namespace_name;
};

struct RandomNode {
  Capacity capacity;
  Money cost;
  std::vector<RandomContainer> containers;
};

std::int64_t Uniform(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

RandomNode MakeNode(std::mt19937_64& rng) {
  RandomNode node;
  node.capacity.cpu_millicores = Uniform(rng, 0, 20) == 0 ? 0 : Uniform(rng, 1, 192) * 1000;
  node.capacity.memory_bytes = Uniform(rng, 1, 1536) * kGiB / 2;
  node.capacity.gpu_devices = Uniform(rng, 0, 3) == 0 ? Uniform(rng, 1, 8) : 0;
  const Money price = Money::FromNanos(Uniform(rng, 0, 40'000'000'000));  // up to $40/h
  node.cost = IntervalCost({price}, std::chrono::seconds(Uniform(rng, 1, 3600)));
  // Over-commit: demand up to 2x capacity, usage bursting above requests.
  const auto n = static_cast<std::size_t>(Uniform(rng, 0, 60));
  for (std::size_t i = 0; i < n; ++i) {
    RandomContainer c;
    const std::int64_t cpu_scale = std::max<std::int64_t>(node.capacity.cpu_millicores / 8, 1);
    c.demand.cpu_request_millicores = Uniform(rng, 0, 3) == 0 ? 0 : Uniform(rng, 1, cpu_scale);
    c.demand.cpu_usage_millicores = Uniform(rng, 0, 2 * cpu_scale);
    const std::int64_t mem_scale = std::max<std::int64_t>(node.capacity.memory_bytes / 8, 1);
    c.demand.memory_request_bytes = Uniform(rng, 0, mem_scale);
    c.demand.memory_usage_bytes = Uniform(rng, 0, 2 * mem_scale);
    c.demand.gpu_devices = Uniform(rng, 0, 4) == 0 ? Uniform(rng, 1, 2) : 0;
    c.namespace_name = "ns" + std::to_string(Uniform(rng, 0, 6));
    node.containers.push_back(c);
  }
  return node;
}

std::vector<ContainerDemand> Demands(const RandomNode& node) {
  std::vector<ContainerDemand> out;
  for (const RandomContainer& c : node.containers) out.push_back(c.demand);
  return out;
}

class AttributionPropertyTest : public ::testing::TestWithParam<int> {};

TEST_P(AttributionPropertyTest, EveryNanoDollarIsAttributedOnceAndNothingIsNegative) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(GetParam()));
  for (int cluster = 0; cluster < 500; ++cluster) {
    const int node_count = static_cast<int>(Uniform(rng, 1, 12));
    Money cluster_cost;
    Money attributed;
    std::map<std::string, Money> by_namespace;
    for (int n = 0; n < node_count; ++n) {
      const RandomNode node = MakeNode(rng);
      const std::vector<ContainerDemand> demands = Demands(node);
      std::vector<ResourceCosts> costs(demands.size());
      const NodeAttribution result =
          AttributeNode(node.cost, node.capacity, SplitWeights{}, demands, costs);

      // Invariant 4: containers + idle == node cost, to the nano-dollar.
      Money sum = result.idle.Total();
      for (const ResourceCosts& c : costs) sum += c.Total();
      ASSERT_EQ(sum, node.cost);
      ASSERT_EQ(result.pools.Total(), node.cost);

      // No negative cost anywhere.
      for (const ResourceCosts& c : costs) {
        ASSERT_GE(c.cpu_nanos, 0);
        ASSERT_GE(c.ram_nanos, 0);
        ASSERT_GE(c.gpu_nanos, 0);
      }
      ASSERT_GE(result.idle.cpu_nanos, 0);
      ASSERT_GE(result.idle.ram_nanos, 0);
      ASSERT_GE(result.idle.gpu_nanos, 0);

      // A full (over-committed) resource leaves less than one nano-dollar per tenant idle.
      if (result.cpu_overcommitted && node.capacity.cpu_millicores > 0) {
        ASSERT_LT(result.idle.cpu_nanos, static_cast<std::int64_t>(costs.size()));
      }

      // Independent of container order.
      std::vector<std::size_t> perm(demands.size());
      std::iota(perm.begin(), perm.end(), std::size_t{0});
      std::shuffle(perm.begin(), perm.end(), rng);
      std::vector<ContainerDemand> shuffled;
      for (const std::size_t i : perm) shuffled.push_back(demands[i]);
      std::vector<ResourceCosts> shuffled_costs(shuffled.size());
      const NodeAttribution again =
          AttributeNode(node.cost, node.capacity, SplitWeights{}, shuffled, shuffled_costs);
      ASSERT_EQ(again.idle, result.idle);
      for (std::size_t k = 0; k < perm.size(); ++k) {
        ASSERT_EQ(shuffled_costs[k], costs[perm[k]]);
      }

      cluster_cost += node.cost;
      attributed += result.idle.Total();
      by_namespace["__idle__"] += result.idle.Total();
      for (std::size_t i = 0; i < costs.size(); ++i) {
        attributed += costs[i].Total();
        by_namespace[node.containers[i].namespace_name] += costs[i].Total();
      }
    }
    // Any aggregation sums exactly to the total.
    ASSERT_EQ(attributed, cluster_cost);
    Money aggregated;
    for (const auto& [name, cost] : by_namespace) aggregated += cost;
    ASSERT_EQ(aggregated, cluster_cost);
  }
}

TEST_P(AttributionPropertyTest, CostsMatchExactProportionWithinOneNanoDollar) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(GetParam()) + 1000);
  for (int round = 0; round < 300; ++round) {
    const RandomNode node = MakeNode(rng);
    const std::vector<ContainerDemand> demands = Demands(node);
    std::vector<ResourceCosts> costs(demands.size());
    const NodeAttribution result =
        AttributeNode(node.cost, node.capacity, SplitWeights{}, demands, costs);
    long double cpu_sum = 0;
    for (const ContainerDemand& d : demands) cpu_sum += d.CpuAllocationMillicores();
    const long double cpu_whole =
        std::max(cpu_sum, static_cast<long double>(node.capacity.cpu_millicores));
    for (std::size_t i = 0; i < demands.size(); ++i) {
      if (cpu_whole == 0) continue;
      const long double exact = static_cast<long double>(result.pools.cpu_nanos) *
                                demands[i].CpuAllocationMillicores() / cpu_whole;
      ASSERT_LE(std::abs(static_cast<long double>(costs[i].cpu_nanos) - exact), 1.0L);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, AttributionPropertyTest, ::testing::Range(1, 9));

}  // namespace
}  // namespace costledger::model
