#include "costledger/model/pod_price_estimate.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "costledger/model/attribution.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {
namespace {

constexpr std::int64_t kGiB = std::int64_t{1} << 30;

OfferingPrice Offering(std::string type, CapacityType capacity_type, std::int64_t price_nanos,
                       std::int64_t cores, std::int64_t gib, std::int64_t gpus, int nodes) {
  OfferingPrice o;
  o.instance_type = std::move(type);
  o.capacity_type = capacity_type;
  o.node_price.per_hour = Money::FromNanos(price_nanos);
  o.capacity = {cores * 1000, gib * kGiB, gpus};
  o.nodes = nodes;
  return o;
}

// m5.xlarge at $0.192/h: 4 cores, 16 GiB; g5.xlarge at $1.006/h: 4 cores, 16 GiB, 1 GPU.
const std::vector<OfferingPrice> kOfferings{
    Offering("m5.xlarge", CapacityType::kOnDemand, 192'000'000, 4, 16, 0, 3),
    Offering("m5.xlarge", CapacityType::kSpot, 70'000'000, 4, 16, 0, 1),
    Offering("g5.xlarge", CapacityType::kOnDemand, 1'006'000'000, 4, 16, 1, 2),
};

ResourceQuantities Requests(std::int64_t millicores, std::int64_t bytes, std::int64_t gpus = 0) {
  return {millicores, bytes, gpus};
}

TEST(PodPriceEstimateTest, WholeNodeOfOneOfferingCostsTheNodePrice) {
  const auto e = EstimateHourlyPrice(Requests(4000, 16 * kGiB), {"m5.xlarge", CapacityType::kSpot},
                                     kOfferings);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->price.per_hour, Money::FromNanos(70'000'000));
  EXPECT_EQ(e->basis, "m5.xlarge spot");
}

TEST(PodPriceEstimateTest, PartOfANodeIsItsShareOfEachPoolRoundedOncePerResource) {
  const OfferingPrice& o = kOfferings[0];
  const NodeAttribution split = AttributeNode(o.node_price.per_hour, o.capacity, {}, {}, {});
  // 1 core of 4 and 2 GiB of 16: a quarter of the CPU pool and an eighth of the RAM pool.
  const std::int64_t cpu = split.pools.cpu_nanos / 4 + (split.pools.cpu_nanos % 4 * 2 > 4 ? 1 : 0);
  const auto e = EstimateHourlyPrice(Requests(1000, 2 * kGiB),
                                     {"m5.xlarge", CapacityType::kOnDemand}, kOfferings);
  ASSERT_TRUE(e);
  const std::int64_t ram_exact_times_8 = split.pools.ram_nanos;
  const std::int64_t ram = ram_exact_times_8 / 8 + (ram_exact_times_8 % 8 * 2 > 8 ? 1 : 0);
  EXPECT_EQ(e->price.per_hour.nanos(), cpu + ram);
  EXPECT_GT(e->price.per_hour, Money{});
  EXPECT_LT(e->price.per_hour, o.node_price.per_hour);
}

TEST(PodPriceEstimateTest, ShareOfEveryResourceSumsToTheNodePriceWithinRounding) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 2000; ++i) {
    const auto cores = static_cast<std::int64_t>(1 + rng() % 96);
    const auto gib = static_cast<std::int64_t>(1 + rng() % 768);
    const auto gpus = static_cast<std::int64_t>(rng() % 9);
    const auto price = static_cast<std::int64_t>(rng() % 40'000'000'000);
    const std::vector<OfferingPrice> one{
        Offering("x", CapacityType::kOnDemand, price, cores, gib, gpus, 1)};
    // The whole node, in two halves (when divisible): halves add up to the whole within 1 n$ per
    // resource, and the whole is the node price within 1 n$ per resource.
    const auto whole = EstimateHourlyPrice(Requests(cores * 1000, gib * kGiB, gpus), {}, one);
    ASSERT_TRUE(whole);
    EXPECT_LE(std::abs(whole->price.per_hour.nanos() - price), 3) << i;
    const auto half = EstimateHourlyPrice(Requests(cores * 500, gib * kGiB / 2), {}, one);
    const auto rest = EstimateHourlyPrice(Requests(cores * 500, gib * kGiB / 2, gpus), {}, one);
    ASSERT_TRUE(half && rest);
    EXPECT_LE(std::abs((half->price.per_hour + rest->price.per_hour).nanos() -
                       whole->price.per_hour.nanos()),
              3)
        << i;
  }
}

TEST(PodPriceEstimateTest, NoRequestsCostNothing) {
  const auto e = EstimateHourlyPrice(Requests(0, 0), {}, kOfferings);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->price.per_hour, Money{});
}

TEST(PodPriceEstimateTest, WithoutPlacementTheAverageIsWeightedByRunningNodes) {
  const ResourceQuantities r = Requests(4000, 16 * kGiB);
  const auto e = EstimateHourlyPrice(r, {}, kOfferings);
  ASSERT_TRUE(e);
  // Non-GPU pod on any node: (3 x 0.192 + 1 x 0.070 + 2 x cpu+ram share of g5) / 6.
  const auto g5 = EstimateHourlyPrice(r, {"g5.xlarge", std::nullopt}, kOfferings);
  ASSERT_TRUE(g5);
  const std::int64_t sum = 3 * 192'000'000 + 70'000'000 + 2 * g5->price.per_hour.nanos();
  EXPECT_EQ(e->price.per_hour.nanos(), DivideRoundHalfEven(sum, 6));
  EXPECT_EQ(e->basis, "cluster average (3 offerings, 6 nodes)");
}

TEST(PodPriceEstimateTest, CapacityTypeAloneAveragesItsOfferings) {
  const auto e = EstimateHourlyPrice(Requests(4000, 16 * kGiB), {std::nullopt, CapacityType::kSpot},
                                     kOfferings);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->price.per_hour, Money::FromNanos(70'000'000));
  EXPECT_EQ(e->basis, "spot (1 offering, 1 node)");
}

TEST(PodPriceEstimateTest, GpuRequestsUseOnlyGpuOfferings) {
  const auto e = EstimateHourlyPrice(Requests(4000, 16 * kGiB, 1), {}, kOfferings);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->price.per_hour, Money::FromNanos(1'006'000'000));
  // A GPU pod pinned to spot, where no GPU node is spot: the capacity type is dropped.
  const auto spot =
      EstimateHourlyPrice(Requests(0, 0, 1), {std::nullopt, CapacityType::kSpot}, kOfferings);
  ASSERT_TRUE(spot);
  EXPECT_EQ(spot->basis, "cluster average, no spot nodes running (1 offering, 2 nodes)");
}

TEST(PodPriceEstimateTest, NoOfferingThatCanHostGivesNothing) {
  EXPECT_FALSE(EstimateHourlyPrice(Requests(1000, kGiB), {}, {}));
  const std::vector<OfferingPrice> cpu_only{kOfferings[0], kOfferings[1]};
  EXPECT_FALSE(EstimateHourlyPrice(Requests(1000, kGiB, 1), {}, cpu_only));
}

TEST(PodPriceEstimateTest, UnknownInstanceTypeFallsBackToItsCapacityType) {
  const auto e = EstimateHourlyPrice(Requests(4000, 16 * kGiB), {"c7i.large", CapacityType::kSpot},
                                     kOfferings);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->price.per_hour, Money::FromNanos(70'000'000));
  EXPECT_EQ(e->basis, "spot, no c7i.large running (1 offering, 1 node)");
}

TEST(PodPriceEstimateTest, InstanceTypeWithSeveralCapacityTypesAveragesThem) {
  const auto e =
      EstimateHourlyPrice(Requests(4000, 16 * kGiB), {"m5.xlarge", std::nullopt}, kOfferings);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->price.per_hour, Money::FromNanos(161'500'000));
  EXPECT_EQ(e->basis, "m5.xlarge (2 offerings, 4 nodes)");
}

TEST(PodPriceEstimateTest, RequestsBeyondOneNodeScaleLinearly) {
  const auto one = EstimateHourlyPrice(Requests(4000, 16 * kGiB),
                                       {"m5.xlarge", CapacityType::kOnDemand}, kOfferings);
  const auto ten = EstimateHourlyPrice(Requests(40000, 160 * kGiB),
                                       {"m5.xlarge", CapacityType::kOnDemand}, kOfferings);
  ASSERT_TRUE(one && ten);
  EXPECT_EQ(ten->price.per_hour.nanos(), 10 * one->price.per_hour.nanos());
}

TEST(PodPriceEstimateTest, OfferingWithoutNodesWeighsAsOne) {
  std::vector<OfferingPrice> offerings{kOfferings[0], kOfferings[1]};
  offerings[0].nodes = 0;
  offerings[1].nodes = 0;
  const auto e = EstimateHourlyPrice(Requests(4000, 16 * kGiB), {}, offerings);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->price.per_hour, Money::FromNanos(131'000'000));
}

TEST(PodPriceEstimateTest, NegativeRequestsAreRejected) {
  EXPECT_THROW((void)EstimateHourlyPrice(Requests(-1, 0), {}, kOfferings), InvalidInput);
}

TEST(PodPriceEstimateTest, ResultIsIndependentOfOfferingOrder) {
  std::vector<OfferingPrice> reversed(kOfferings.rbegin(), kOfferings.rend());
  const ResourceQuantities r = Requests(1500, 5 * kGiB);
  EXPECT_EQ(EstimateHourlyPrice(r, {}, kOfferings)->price,
            EstimateHourlyPrice(r, {}, reversed)->price);
}

}  // namespace
}  // namespace costledger::model
