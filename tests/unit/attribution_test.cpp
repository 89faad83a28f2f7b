#include "costledger/model/attribution.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <vector>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

constexpr std::int64_t kGiB = std::int64_t{1} << 30;

// Round weights make hand computation easy: a 4-core 8-GiB node is 4 + 2 = 6 weight units,
// so its cost splits 4/6 to CPU and 2/6 to RAM.
const SplitWeights kSimpleWeights{Money::ParseDollars("1"), Money::ParseDollars("0.25"),
                                  Money::ParseDollars("2")};

TEST(IntervalCostTest, PriceTimesIntervalOverAnHour) {
  EXPECT_EQ(IntervalCost({Money::ParseDollars("0.192")}, std::chrono::seconds(60)).nanos(),
            3'200'000);
  EXPECT_EQ(IntervalCost({Money::ParseDollars("3.06")}, std::chrono::seconds(3600)).nanos(),
            3'060'000'000);
}

TEST(IntervalCostTest, RoundsHalfEven) {
  EXPECT_EQ(IntervalCost({Money::FromNanos(1)}, std::chrono::seconds(1800)).nanos(), 0);
  EXPECT_EQ(IntervalCost({Money::FromNanos(3)}, std::chrono::seconds(1800)).nanos(), 2);
  EXPECT_EQ(IntervalCost({Money::FromNanos(5)}, std::chrono::seconds(1800)).nanos(), 2);
}

TEST(IntervalCostTest, RejectsNegatives) {
  EXPECT_THROW(IntervalCost({Money::FromNanos(-1)}, std::chrono::seconds(60)), InvalidInput);
  EXPECT_THROW(IntervalCost({Money::FromNanos(1)}, std::chrono::seconds(-60)), InvalidInput);
}

TEST(SplitNodePriceTest, UnitPricesRecomposeTheNodePrice) {
  const Capacity cap{8000, 32 * kGiB, 1};
  const UnitPrices p = SplitNodePrice({Money::ParseDollars("1.212")}, cap, SplitWeights{});
  EXPECT_NEAR(8 * p.cpu_per_core_hour + 32 * p.ram_per_gib_hour + 1 * p.gpu_per_device_hour, 1.212,
              1e-12);
  // Ratios follow OpenCost's default weights.
  EXPECT_NEAR(p.cpu_per_core_hour / p.ram_per_gib_hour, 0.031611 / 0.004237, 1e-9);
  EXPECT_NEAR(p.gpu_per_device_hour / p.cpu_per_core_hour, 0.95 / 0.031611, 1e-9);
}

TEST(SplitNodePriceTest, EmptyCapacityHasNoUnitPrices) {
  const UnitPrices p = SplitNodePrice({Money::ParseDollars("1")}, Capacity{}, SplitWeights{});
  EXPECT_EQ(p.cpu_per_core_hour, 0);
  EXPECT_EQ(p.ram_per_gib_hour, 0);
}

TEST(AttributionTest, HandComputedNode) {
  const Capacity cap{4000, 8 * kGiB, 0};
  const std::vector<ContainerDemand> demands{
      // request 1 core, used 0.5 -> 1 core; request 2 GiB, used 3 GiB -> 3 GiB.
      {1000, 500, 2 * kGiB, 3 * kGiB, 0},
      // no request, used 1.5 cores -> 1.5 cores; request 1 GiB, unused -> 1 GiB.
      {0, 1500, kGiB, 0, 0},
  };
  std::vector<ResourceCosts> costs(demands.size());
  const NodeAttribution node =
      AttributeNode(Money::FromNanos(6'000'000), cap, kSimpleWeights, demands, costs);
  EXPECT_EQ(node.pools, (ResourceCosts{4'000'000, 2'000'000, 0}));
  EXPECT_EQ(costs[0], (ResourceCosts{1'000'000, 750'000, 0}));
  EXPECT_EQ(costs[1], (ResourceCosts{1'500'000, 250'000, 0}));
  EXPECT_EQ(node.idle, (ResourceCosts{1'500'000, 1'000'000, 0}));
  EXPECT_FALSE(node.cpu_overcommitted);
  EXPECT_FALSE(node.memory_overcommitted);
}

TEST(AttributionTest, OvercommitScalesDownProRataAndLeavesNoIdle) {
  const Capacity cap{1000, 4 * kGiB, 0};
  const std::vector<ContainerDemand> demands{
      {500, 1500, kGiB, 0, 0},  // bursts to 1.5 cores
      {500, 0, kGiB, 0, 0},
  };
  std::vector<ResourceCosts> costs(demands.size());
  // 1 + 1 = 2 weight units: 3,000,000 each to CPU and RAM.
  const NodeAttribution node =
      AttributeNode(Money::FromNanos(6'000'000), cap, kSimpleWeights, demands, costs);
  EXPECT_TRUE(node.cpu_overcommitted);
  EXPECT_EQ(costs[0].cpu_nanos, 2'250'000);  // 1500 / 2000 of the CPU pool
  EXPECT_EQ(costs[1].cpu_nanos, 750'000);
  EXPECT_EQ(node.idle.cpu_nanos, 0);
  EXPECT_EQ(node.idle.ram_nanos, 1'500'000);  // half the memory is unallocated
}

TEST(AttributionTest, GpuGoesByRequestedDevices) {
  const Capacity cap{8000, 32 * kGiB, 4};
  const std::vector<ContainerDemand> demands{{1000, 0, kGiB, 0, 1}, {1000, 0, kGiB, 0, 2}};
  std::vector<ResourceCosts> costs(demands.size());
  const NodeAttribution node =
      AttributeNode(IntervalCost({Money::ParseDollars("3.06")}, std::chrono::seconds(60)), cap,
                    SplitWeights{}, demands, costs);
  EXPECT_GT(node.pools.gpu_nanos, 0);
  EXPECT_EQ(costs[0].gpu_nanos, node.pools.gpu_nanos / 4);
  EXPECT_EQ(costs[1].gpu_nanos, node.pools.gpu_nanos * 2 / 4);
  EXPECT_EQ(node.idle.gpu_nanos, node.pools.gpu_nanos - costs[0].gpu_nanos - costs[1].gpu_nanos);
}

TEST(AttributionTest, DefaultWeightsGpuNodeSplitIsOpenCostRatio) {
  // g5.2xlarge-like: 8 cores, 32 GiB, 1 GPU. With OpenCost's weights the GPU takes
  // 0.95 / (8 x 0.031611 + 32 x 0.004237 + 0.95) of the node price.
  const Capacity cap{8000, 32 * kGiB, 1};
  std::vector<ResourceCosts> none;
  const Money cost = Money::FromNanos(1'212'000'000);
  const NodeAttribution node = AttributeNode(cost, cap, SplitWeights{}, {}, none);
  const double expected_gpu_share = 0.95 / (8 * 0.031611 + 32 * 0.004237 + 0.95);
  EXPECT_NEAR(static_cast<double>(node.pools.gpu_nanos) / 1.212e9, expected_gpu_share, 1e-9);
  EXPECT_EQ(node.pools.Total(), cost);
  EXPECT_EQ(node.idle, node.pools);
}

TEST(AttributionTest, RoundingResidualGoesToIdleNeverNegative) {
  const Capacity cap{3, 0, 0};  // three millicores, three equal tenants
  const std::vector<ContainerDemand> demands{{1, 0, 0, 0, 0}, {1, 0, 0, 0, 0}, {1, 0, 0, 0, 0}};
  std::vector<ResourceCosts> costs(demands.size());
  const NodeAttribution node =
      AttributeNode(Money::FromNanos(10), cap, kSimpleWeights, demands, costs);
  for (const ResourceCosts& c : costs) EXPECT_EQ(c.cpu_nanos, 3);
  EXPECT_EQ(node.idle.cpu_nanos, 1);
}

TEST(AttributionTest, ZeroCapacityNodeIsAllIdle) {
  const std::vector<ContainerDemand> demands{{100, 0, 100, 0, 0}};
  std::vector<ResourceCosts> costs(1);
  const NodeAttribution node =
      AttributeNode(Money::FromNanos(500), Capacity{}, SplitWeights{}, demands, costs);
  EXPECT_EQ(costs[0], ResourceCosts{});
  EXPECT_EQ(node.idle.Total(), Money::FromNanos(500));
}

TEST(AttributionTest, GpuRequestedOnNodeWithoutGpusCostsNoGpu) {
  const std::vector<ContainerDemand> demands{{100, 0, kGiB, 0, 1}};
  std::vector<ResourceCosts> costs(1);
  const NodeAttribution node = AttributeNode(Money::FromNanos(1'000'000), {1000, 2 * kGiB, 0},
                                             SplitWeights{}, demands, costs);
  EXPECT_EQ(costs[0].gpu_nanos, 0);
  EXPECT_EQ(node.pools.gpu_nanos, 0);
  EXPECT_TRUE(node.gpu_overcommitted);
}

TEST(AttributionTest, RejectsInvalidInput) {
  std::vector<ResourceCosts> one(1);
  const std::vector<ContainerDemand> negative{{-1, 0, 0, 0, 0}};
  EXPECT_THROW(AttributeNode(Money::FromNanos(1), {1, 1, 0}, SplitWeights{}, negative, one),
               InvalidInput);
  const std::vector<ContainerDemand> ok{{1, 0, 0, 0, 0}};
  EXPECT_THROW(AttributeNode(Money::FromNanos(-1), {1, 1, 0}, SplitWeights{}, ok, one),
               InvalidInput);
  EXPECT_THROW(AttributeNode(Money::FromNanos(1), {-1, 1, 0}, SplitWeights{}, ok, one),
               InvalidInput);
  std::vector<ResourceCosts> two(2);
  EXPECT_THROW(AttributeNode(Money::FromNanos(1), {1, 1, 0}, SplitWeights{}, ok, two),
               InvalidInput);
  SplitWeights bad;
  bad.ram_per_gib_hour = Money::FromNanos(-1);
  EXPECT_THROW(AttributeNode(Money::FromNanos(1), {1, 1, 0}, bad, ok, one), InvalidInput);
}

TEST(AttributionTest, HugeNodeUsesExactWideArithmetic) {
  // A $100/h, 24 TiB node over one hour: pool x bytes exceeds int64, must still be exact.
  const Capacity cap{448'000, std::int64_t{24} * 1024 * kGiB, 0};
  const std::vector<ContainerDemand> demands{{224'000, 0, std::int64_t{12} * 1024 * kGiB, 0, 0}};
  std::vector<ResourceCosts> costs(1);
  const NodeAttribution node =
      AttributeNode(Money::ParseDollars("100"), cap, SplitWeights{}, demands, costs);
  EXPECT_EQ(costs[0].cpu_nanos, node.pools.cpu_nanos / 2);
  EXPECT_EQ(costs[0].ram_nanos, node.pools.ram_nanos / 2);
  EXPECT_EQ(costs[0].Total() + node.idle.Total(), Money::FromNanos(100'000'000'000));
}

TEST(ResourceCostsTest, TotalIsTheSumOfTheResources) {
  EXPECT_EQ((ResourceCosts{3, 5, 7}.Total()), Money::FromNanos(15));
  EXPECT_EQ((ResourceCosts{-3, 5, 0}.Total()), Money::FromNanos(2));
}

TEST(ResourceCostsTest, TotalThrowsInsteadOfWrappingOnOverflow) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_THROW((ResourceCosts{kMax, 1, 0}.Total()), std::overflow_error);
  EXPECT_THROW((ResourceCosts{0, kMax, kMax}.Total()), std::overflow_error);
  EXPECT_THROW((ResourceCosts{std::numeric_limits<std::int64_t>::min(), 0, -1}.Total()),
               std::overflow_error);
  EXPECT_EQ((ResourceCosts{kMax, 0, 0}.Total()), Money::FromNanos(kMax));
}

}  // namespace
}  // namespace costledger::model
