#include "costledger/model/interruptions.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr sys_seconds kT0{seconds(1'700'006'400)};
constexpr std::int64_t kGiB = kBytesPerGiB;
constexpr std::int64_t kMinute = 60;  // seconds, as int64 so products never overflow int

const OfferingKey kSpot{.instance_type = "c5.xlarge",
                        .capacity_type = CapacityType::kSpot,
                        .zone = "eu-west-1a",
                        .node_group = ""};
const OfferingKey kOnDemand{.instance_type = "c5.xlarge",
                            .capacity_type = CapacityType::kOnDemand,
                            .zone = "eu-west-1a",
                            .node_group = ""};

Money Nanos(std::int64_t nanos) { return Money::FromNanos(nanos); }

TimeWindow Window(std::int64_t from_s, std::int64_t to_s) {
  return {kT0 + seconds(from_s), kT0 + seconds(to_s)};
}

/// A node present for [0, 2 h), using 2 cores and 4 GiB on average throughout.
NodeLifetime TwoHourNode(std::string node, const OfferingKey& offering, bool disappeared,
                         bool unfinished) {
  return {.node = std::move(node),
          .offering = offering,
          .present = {Window(0, 7200)},
          .disappeared = disappeared,
          .unfinished_pods_at_disappearance = unfinished,
          .used = {.cpu_millicore_seconds = Int128{2000} * 7200,
                   .memory_byte_seconds = Int128{4} * kGiB * 7200,
                   .gpu_millidevice_seconds = 0}};
}

TEST(InterruptionsTest, OnlyASpotNodeGoneBeforeItsPodsFinishedIsInterrupted) {
  EXPECT_TRUE(TwoHourNode("a", kSpot, true, true).Interrupted());
  EXPECT_FALSE(TwoHourNode("b", kSpot, true, false).Interrupted());     // scaled down, empty
  EXPECT_FALSE(TwoHourNode("c", kSpot, false, true).Interrupted());     // still there
  EXPECT_FALSE(TwoHourNode("d", kOnDemand, true, true).Interrupted());  // not spot
}

TEST(InterruptionsTest, CountsAndRatePerNodeHour) {
  const std::vector<NodeLifetime> lifetimes = {
      TwoHourNode("a", kSpot, true, true), TwoHourNode("b", kSpot, false, false),
      TwoHourNode("c", kSpot, true, false), TwoHourNode("d", kOnDemand, true, true)};
  const auto counts = CountInterruptions(lifetimes, InterruptionAssumption{});
  ASSERT_EQ(counts.size(), 2U);
  // On-demand sorts first.
  EXPECT_EQ(counts[0].offering, kOnDemand);
  EXPECT_EQ(counts[0].interruptions, 0);
  EXPECT_EQ(counts[0].interruptions_per_node_hour, 0.0);
  EXPECT_TRUE(counts[0].lost == ResourceSeconds{});
  EXPECT_EQ(counts[1].offering, kSpot);
  EXPECT_EQ(counts[1].nodes, 3);
  EXPECT_EQ(counts[1].node_seconds, 3 * 7200);
  EXPECT_EQ(counts[1].interruptions, 1);
  EXPECT_EQ(counts[1].interruptions_per_node_hour, 1.0 / 6);
  // Half an hour of 2 cores and 4 GiB.
  EXPECT_TRUE(counts[1].lost.cpu_millicore_seconds == Int128{2000} * 1800);
  EXPECT_TRUE(counts[1].lost.memory_byte_seconds == Int128{4} * kGiB * 1800);
  EXPECT_TRUE(counts[1].lost.gpu_millidevice_seconds == 0);
}

TEST(InterruptionsTest, NodeInterruptedMidInterval) {
  // Seen in two whole minutes and half of the third, then gone with pods still running.
  NodeLifetime node{.node = "spot-1",
                    .offering = kSpot,
                    .present = {Window(120, 150), Window(0, 60), Window(60, 120)},
                    .disappeared = true,
                    .unfinished_pods_at_disappearance = true,
                    .used = {.cpu_millicore_seconds = Int128{150} * 1000,
                             .memory_byte_seconds = Int128{150} * kGiB,
                             .gpu_millidevice_seconds = Int128{150} * 500}};
  const InterruptionAssumption one_minute{.lost_work = seconds(60)};
  const auto counts = CountInterruptions(std::span(&node, 1), one_minute);
  ASSERT_EQ(counts.size(), 1U);
  EXPECT_EQ(counts[0].node_seconds, 150);
  EXPECT_EQ(counts[0].interruptions, 1);
  EXPECT_DOUBLE_EQ(*counts[0].interruptions_per_node_hour, 3600.0 / 150);
  // 60 s of its 150 s average: 1000 m, 1 GiB, 0.5 device.
  const ResourceSeconds lost = LostWork(node, one_minute);
  EXPECT_TRUE(lost.cpu_millicore_seconds == 60'000);
  EXPECT_TRUE(lost.memory_byte_seconds == Int128{60} * kGiB);
  EXPECT_TRUE(lost.gpu_millidevice_seconds == 30'000);
  // The default half hour exceeds its 150 s: all its work is lost, never more.
  const ResourceSeconds all = LostWork(node, InterruptionAssumption{});
  EXPECT_TRUE(all == node.used);
}

TEST(InterruptionsTest, GapsCountOnlyPresentTime) {
  NodeLifetime node = TwoHourNode("a", kSpot, true, true);
  node.present = {Window(0, 60), Window(180, 240)};  // missed scrapes in between
  node.used = {.cpu_millicore_seconds = Int128{1000} * 120,
               .memory_byte_seconds = 0,
               .gpu_millidevice_seconds = 0};
  const auto counts = CountInterruptions(std::span(&node, 1), InterruptionAssumption{});
  ASSERT_EQ(counts.size(), 1U);
  EXPECT_EQ(counts[0].node_seconds, 120);
  EXPECT_DOUBLE_EQ(*counts[0].interruptions_per_node_hour, 30.0);
}

TEST(InterruptionsTest, LostWorkRoundsDown) {
  NodeLifetime node = TwoHourNode("a", kSpot, true, true);
  node.present = {Window(0, 7)};
  node.used = {.cpu_millicore_seconds = 10, .memory_byte_seconds = 0, .gpu_millidevice_seconds = 0};
  // 10 x 3 / 7 = 4.28... -> 4.
  EXPECT_TRUE(LostWork(node, {.lost_work = seconds(3)}).cpu_millicore_seconds == 4);
  EXPECT_TRUE(LostWork(node, {.lost_work = seconds(0)}) == ResourceSeconds{});
}

TEST(InterruptionsTest, NodeGroupKeptWhenAskedFor) {
  NodeLifetime a = TwoHourNode("a", kSpot, true, true);
  a.offering.node_group = "batch";
  NodeLifetime b = TwoHourNode("b", kSpot, false, false);
  b.offering.node_group = "web";
  const std::vector<NodeLifetime> both = {a, b};
  const auto merged = CountInterruptions(both, {});
  ASSERT_EQ(merged.size(), 1U);
  EXPECT_EQ(merged[0].offering.node_group, "");
  EXPECT_EQ(merged[0].interruptions_per_node_hour, 0.25);
  const auto split = CountInterruptions(both, {}, OfferingGrouping::kOfferingAndNodeGroup);
  ASSERT_EQ(split.size(), 2U);
  EXPECT_EQ(split[0].interruptions_per_node_hour, 0.5);
  EXPECT_EQ(split[1].interruptions_per_node_hour, 0.0);
}

TEST(InterruptionsTest, InvalidLifetimesAreRejected) {
  const auto rejects = [](auto mutate) {
    NodeLifetime node = TwoHourNode("a", kSpot, true, true);
    mutate(node);
    EXPECT_THROW((void)CountInterruptions(std::span(&node, 1), {}), InvalidInput);
  };
  rejects([](NodeLifetime& n) { n.present.clear(); });
  rejects([](NodeLifetime& n) { n.present = {Window(60, 60)}; });
  rejects([](NodeLifetime& n) { n.present = {Window(120, 60)}; });
  rejects([](NodeLifetime& n) { n.present = {Window(0, 120), Window(60, 180)}; });
  rejects([](NodeLifetime& n) { n.used.cpu_millicore_seconds = -1; });
  rejects([](NodeLifetime& n) { n.used.memory_byte_seconds = -1; });
  rejects([](NodeLifetime& n) { n.used.gpu_millidevice_seconds = -1; });
  const NodeLifetime node = TwoHourNode("a", kSpot, true, true);
  EXPECT_THROW((void)CountInterruptions(std::span(&node, 1), {.lost_work = seconds(-1)}),
               InvalidInput);
  // Adjacent windows are fine.
  NodeLifetime adjacent = node;
  adjacent.present = {Window(0, 60), Window(60, 120)};
  EXPECT_NO_THROW((void)CountInterruptions(std::span(&adjacent, 1), {}));
}

TEST(InterruptionsTest, CountsAreIndependentOfOrder) {
  std::mt19937_64 rng(11);
  std::vector<NodeLifetime> lifetimes;
  for (int i = 0; i < 60; ++i) {
    NodeLifetime n = TwoHourNode("n" + std::to_string(i), i % 4 == 0 ? kOnDemand : kSpot,
                                 rng() % 2 == 0, rng() % 2 == 0);
    n.present = {Window(0, 60 + static_cast<std::int64_t>(rng() % 7200))};
    n.used.cpu_millicore_seconds = static_cast<std::int64_t>(rng() % 10'000'000);
    lifetimes.push_back(n);
  }
  const auto reference = CountInterruptions(lifetimes, {});
  for (int i = 0; i < 10; ++i) {
    std::shuffle(lifetimes.begin(), lifetimes.end(), rng);
    ASSERT_EQ(CountInterruptions(lifetimes, {}), reference);
  }
}

/// A spot offering that used 8 core-hours and 16 GiB-hours for a $0.40 CPU pool and a $0.08
/// RAM pool: $0.05 per core-hour and $0.005 per GiB-hour before interruptions.
OfferingEfficiency SpotEfficiency() {
  OfferingEfficiency e;
  e.offering = kSpot;
  e.node_seconds = 4 * kSecondsPerHour;
  e.cpu_pool_cost = Nanos(400'000'000);
  e.ram_pool_cost = Nanos(80'000'000);
  e.cost = e.cpu_pool_cost + e.ram_pool_cost;
  e.used = {.cpu_millicore_seconds = Int128{8} * 1000 * 3600,
            .memory_byte_seconds = Int128{16} * kGiB * 3600,
            .gpu_millidevice_seconds = 0};
  e.effective_cost_per_used_vcpu_hour = Nanos(50'000'000);
  e.effective_cost_per_used_gib_hour = Nanos(5'000'000);
  return e;
}

TEST(InterruptionsTest, AdjustedCostPricesLostWorkIntoUsefulUnits) {
  OfferingInterruptions interruptions{
      .offering = kSpot,
      .nodes = 2,
      .node_seconds = 4 * kSecondsPerHour,
      .interruptions = 1,
      .lost = {.cpu_millicore_seconds = Int128{1} * 1000 * 3600,  // 1 core-hour
               .memory_byte_seconds = Int128{2} * kGiB * 3600,    // 2 GiB-hours
               .gpu_millidevice_seconds = 0},
      .interruptions_per_node_hour = 0.25};
  const InterruptionAssumption assumption;
  const InterruptionAdjustedCost a =
      AdjustForInterruptions(SpotEfficiency(), &interruptions, assumption);
  EXPECT_EQ(a.offering, kSpot);
  EXPECT_EQ(a.interruptions, 1);
  EXPECT_EQ(a.interruptions_per_node_hour, 0.25);
  // $0.40 / 7 useful core-hours = $0.0571428571... ; $0.08 / 14 GiB-hours = $0.0057142857...
  EXPECT_EQ(a.adjusted_cost_per_used_vcpu_hour, Nanos(57'142'857));
  EXPECT_EQ(a.adjusted_cost_per_used_gib_hour, Nanos(5'714'286));
  EXPECT_EQ(a.adjusted_cost_per_used_gpu_hour, std::nullopt);  // no GPU usage
  // 1/8 of the CPU pool ($0.05) and 2/16 of the RAM pool ($0.01) paid for lost work.
  EXPECT_EQ(a.lost_work_cost, Nanos(60'000'000));
  EXPECT_EQ(a.assumption, assumption.Describe());
  EXPECT_NE(a.assumption.find("0.5 h"), std::string::npos);
  EXPECT_NE(a.assumption.find("pool cost / (used units - lost units)"), std::string::npos);
}

TEST(InterruptionsTest, NoInterruptionsLeavesEffectiveCostsAsTheyAre) {
  const OfferingEfficiency e = SpotEfficiency();
  const InterruptionAdjustedCost a = AdjustForInterruptions(e, nullptr, {});
  EXPECT_EQ(a.interruptions, 0);
  EXPECT_EQ(a.interruptions_per_node_hour, 0.0);
  EXPECT_EQ(a.lost_work_cost, Money{});
  EXPECT_EQ(a.adjusted_cost_per_used_vcpu_hour, e.effective_cost_per_used_vcpu_hour);
  EXPECT_EQ(a.adjusted_cost_per_used_gib_hour, e.effective_cost_per_used_gib_hour);

  OfferingEfficiency no_time = e;
  no_time.node_seconds = 0;
  EXPECT_EQ(AdjustForInterruptions(no_time, nullptr, {}).interruptions_per_node_hour, std::nullopt);
}

TEST(InterruptionsTest, AllWorkLostLeavesNoUsefulUnits) {
  OfferingInterruptions interruptions{.offering = kSpot,
                                      .nodes = 1,
                                      .node_seconds = 3600,
                                      .interruptions = 1,
                                      .lost = SpotEfficiency().used,
                                      .interruptions_per_node_hour = 1.0};
  interruptions.lost.cpu_millicore_seconds += 1;  // inconsistent inputs: more lost than used
  const InterruptionAdjustedCost a = AdjustForInterruptions(SpotEfficiency(), &interruptions, {});
  EXPECT_EQ(a.adjusted_cost_per_used_vcpu_hour, std::nullopt);
  EXPECT_EQ(a.adjusted_cost_per_used_gib_hour, std::nullopt);
  EXPECT_EQ(a.lost_work_cost, Nanos(480'000'000));  // both whole pools, never more
}

TEST(InterruptionsTest, AdjustingAnotherOfferingIsRejected) {
  OfferingInterruptions other;
  other.offering = kOnDemand;
  EXPECT_THROW((void)AdjustForInterruptions(SpotEfficiency(), &other, {}), InvalidInput);
}

TEST(InterruptionsTest, FromNodeIntervalsEndToEnd) {
  // Two spot nodes for an hour each in 60 s intervals; one is reclaimed with work running.
  OfferingEfficiencyAccumulator acc;
  std::vector<NodeLifetime> lifetimes;
  for (const std::string node : {"s1", "s2"}) {
    NodeLifetime lifetime{.node = node,
                          .offering = kSpot,
                          .present = {},
                          .disappeared = node == "s1",
                          .unfinished_pods_at_disappearance = true,
                          .used = {}};
    for (int minute = 0; minute < 60; ++minute) {
      const NodeIntervalRecord r{
          .node = node,
          .offering = kSpot,
          .start = kT0 + seconds(60 * minute),
          .length = seconds(60),
          .hourly_price = {Nanos(72'000'000)},
          .cpu_pool_cost = Nanos(1'000'000),
          .ram_pool_cost = Nanos(200'000),
          .gpu_pool_cost = Money{},
          .capacity = {.cpu_millicores = 4000, .memory_bytes = 8 * kGiB, .gpu_devices = 0},
          .cpu_used_millicore_seconds = 2000 * kMinute,
          .memory_used_byte_seconds = 4 * kGiB * 60,
          .gpu_busy_millidevice_seconds = 0,
          .cpu_allocated_millicore_seconds = 0,
          .memory_allocated_byte_seconds = 0,
          .gpu_allocated_device_seconds = 0};
      acc.Add(r);
      lifetime.present.push_back({r.start, r.start + r.length});
      lifetime.used += {.cpu_millicore_seconds = r.cpu_used_millicore_seconds,
                        .memory_byte_seconds = r.memory_used_byte_seconds,
                        .gpu_millidevice_seconds = 0};
    }
    lifetimes.push_back(lifetime);
  }
  const auto efficiency = acc.Results();
  const auto counts = CountInterruptions(lifetimes, {});
  ASSERT_EQ(efficiency.size(), 1U);
  ASSERT_EQ(counts.size(), 1U);
  EXPECT_EQ(counts[0].interruptions_per_node_hour, 0.5);
  // CPU pool $0.12 for 4 used core-hours: $0.03; 0.5 h x 2 cores lost: $0.12 / 3 = $0.04.
  EXPECT_EQ(efficiency[0].effective_cost_per_used_vcpu_hour, Nanos(30'000'000));
  const auto adjusted = AdjustForInterruptions(efficiency[0], counts.data(), {});
  EXPECT_EQ(adjusted.adjusted_cost_per_used_vcpu_hour, Nanos(40'000'000));
  // RAM pool $0.024 for 8 GiB-hours, 2 lost: $0.004 per useful GiB-hour; lost work cost
  // $0.03 + $0.006.
  EXPECT_EQ(adjusted.adjusted_cost_per_used_gib_hour, Nanos(4'000'000));
  EXPECT_EQ(adjusted.lost_work_cost, Nanos(36'000'000));
}

}  // namespace
}  // namespace costledger::model
