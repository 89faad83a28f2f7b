#include "costledger/model/offering_efficiency.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <random>
#include <vector>

#include "costledger/model/errors.hpp"

namespace costledger::model {

// Readable failures (gtest would print bytes).
void PrintTo(const OfferingEfficiency& e, std::ostream* os) {
  *os << e.offering.instance_type << '/' << ToString(e.offering.capacity_type) << '/'
      << e.offering.zone << '/' << e.offering.node_group << " cost=" << e.cost.nanos()
      << " node_seconds=" << e.node_seconds << " latest=" << e.latest_hourly_price.per_hour.nanos();
}

namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr sys_seconds kT0{seconds(1'700'000'040)};
constexpr std::int64_t kGiB = kBytesPerGiB;
constexpr std::int64_t kMinute = 60;  // seconds, as int64 so products never overflow int

const OfferingKey kM5{.instance_type = "m5.large",
                      .capacity_type = CapacityType::kOnDemand,
                      .zone = "us-east-1a",
                      .node_group = ""};
const OfferingKey kG5Spot{.instance_type = "g5.xlarge",
                          .capacity_type = CapacityType::kSpot,
                          .zone = "us-east-1b",
                          .node_group = ""};

Money Nanos(std::int64_t nanos) { return Money::FromNanos(nanos); }

/// An m5.large ($0.096/h) for one minute: $0.0016, split 1.2 m$ CPU and 0.4 m$ RAM; 2 cores and
/// 8 GiB, of which 500 m and 2 GiB used, 1000 m and 4 GiB allocated.
NodeIntervalRecord M5Minute(std::string node, sys_seconds start) {
  return {.node = std::move(node),
          .offering = kM5,
          .start = start,
          .length = seconds(60),
          .hourly_price = {Nanos(96'000'000)},
          .cpu_pool_cost = Nanos(1'200'000),
          .ram_pool_cost = Nanos(400'000),
          .gpu_pool_cost = Money{},
          .capacity = {.cpu_millicores = 2000, .memory_bytes = 8 * kGiB, .gpu_devices = 0},
          .cpu_used_millicore_seconds = 500 * kMinute,
          .memory_used_byte_seconds = 2 * kGiB * 60,
          .gpu_busy_millidevice_seconds = 0,
          .cpu_allocated_millicore_seconds = 1000 * kMinute,
          .memory_allocated_byte_seconds = 4 * kGiB * 60,
          .gpu_allocated_device_seconds = 0};
}

/// A g5.xlarge spot node for one minute: 1 GPU busy at 40 % (DCGM), fully allocated.
NodeIntervalRecord G5Minute(std::string node, sys_seconds start) {
  return {.node = std::move(node),
          .offering = kG5Spot,
          .start = start,
          .length = seconds(60),
          .hourly_price = {Nanos(1'006'000'000)},
          .cpu_pool_cost = Nanos(1'000'000),
          .ram_pool_cost = Nanos(766'667),
          .gpu_pool_cost = Nanos(15'000'000),
          .capacity = {.cpu_millicores = 4000, .memory_bytes = 16 * kGiB, .gpu_devices = 1},
          .cpu_used_millicore_seconds = 1000 * kMinute,
          .memory_used_byte_seconds = 4 * kGiB * 60,
          .gpu_busy_millidevice_seconds = 400 * kMinute,
          .cpu_allocated_millicore_seconds = 2000 * kMinute,
          .memory_allocated_byte_seconds = 8 * kGiB * 60,
          .gpu_allocated_device_seconds = 60};
}

std::vector<OfferingEfficiency> Fold(const std::vector<NodeIntervalRecord>& records,
                                     OfferingGrouping grouping = OfferingGrouping::kOffering) {
  OfferingEfficiencyAccumulator acc(grouping);
  for (const auto& r : records) acc.Add(r);
  return acc.Results();
}

TEST(OfferingEfficiencyTest, TwoNodesOfOneOfferingHandComputed) {
  const auto results = Fold({M5Minute("n1", kT0), M5Minute("n2", kT0)});
  ASSERT_EQ(results.size(), 1U);
  const OfferingEfficiency& e = results[0];
  EXPECT_EQ(e.offering, kM5);
  EXPECT_EQ(e.node_intervals, 2);
  EXPECT_EQ(e.node_seconds, 120);
  EXPECT_DOUBLE_EQ(e.NodeHours(), 1.0 / 30);
  EXPECT_EQ(e.cost, Nanos(3'200'000));
  EXPECT_EQ(e.cpu_pool_cost, Nanos(2'400'000));
  EXPECT_EQ(e.ram_pool_cost, Nanos(800'000));
  EXPECT_EQ(e.gpu_pool_cost, Money{});
  // $0.0032 over 1/30 node-hour.
  EXPECT_EQ(e.average_hourly_price, HourlyPrice{Nanos(96'000'000)});
  EXPECT_EQ(e.latest_hourly_price, HourlyPrice{Nanos(96'000'000)});
  // 2 x 500 m of 2 x 2000 m; 2 x 2 GiB of 2 x 8 GiB; no GPUs.
  EXPECT_EQ(e.cpu_utilization, 0.25);
  EXPECT_EQ(e.ram_utilization, 0.25);
  EXPECT_EQ(e.gpu_utilization, std::nullopt);
  EXPECT_EQ(e.cpu_allocation, 0.5);
  EXPECT_EQ(e.ram_allocation, 0.5);
  EXPECT_EQ(e.gpu_allocation, std::nullopt);
  // CPU pool $0.0024 / used 1/60 core-hour = $0.144; RAM pool $0.0008 / used 1/15 GiB-hour =
  // $0.012; no GPU usage: null.
  EXPECT_EQ(e.effective_cost_per_used_vcpu_hour, Nanos(144'000'000));
  EXPECT_EQ(e.effective_cost_per_used_gib_hour, Nanos(12'000'000));
  EXPECT_EQ(e.effective_cost_per_used_gpu_hour, std::nullopt);
}

TEST(OfferingEfficiencyTest, GpuUtilisationAndCostPerBusyGpuHour) {
  const auto results = Fold({G5Minute("g1", kT0)});
  ASSERT_EQ(results.size(), 1U);
  const OfferingEfficiency& e = results[0];
  EXPECT_EQ(e.offering, kG5Spot);
  EXPECT_EQ(e.cost, Nanos(16'766'667));
  EXPECT_EQ(e.gpu_utilization, 0.4);
  EXPECT_EQ(e.gpu_allocation, 1.0);
  // $0.015 / (0.4 x 1/60 device-hour) = $2.25 per busy GPU-hour.
  EXPECT_EQ(e.effective_cost_per_used_gpu_hour, Nanos(2'250'000'000));
  // $0.001 / (1 core x 1/60 h) = $0.06; $0.000766667 / (4 GiB x 1/60 h) = $0.01150000 (half-even).
  EXPECT_EQ(e.effective_cost_per_used_vcpu_hour, Nanos(60'000'000));
  EXPECT_EQ(e.effective_cost_per_used_gib_hour, Nanos(11'500'005));
  // 16.766667 m$ per minute: 1.00600002 $/h.
  EXPECT_EQ(e.average_hourly_price, HourlyPrice{Nanos(1'006'000'020)});
}

TEST(OfferingEfficiencyTest, OfferingsAreSeparatedAndSorted) {
  const auto results =
      Fold({G5Minute("g1", kT0), M5Minute("n1", kT0), G5Minute("g1", kT0 + seconds(60))});
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[0].offering, kG5Spot);  // "g5.xlarge" < "m5.large"
  EXPECT_EQ(results[0].node_intervals, 2);
  EXPECT_EQ(results[1].offering, kM5);
  EXPECT_EQ(results[1].node_intervals, 1);
}

TEST(OfferingEfficiencyTest, CapacityTypeAndZoneAreDistinctOfferings) {
  NodeIntervalRecord spot = M5Minute("s1", kT0);
  spot.offering.capacity_type = CapacityType::kSpot;
  NodeIntervalRecord other_zone = M5Minute("z1", kT0);
  other_zone.offering.zone = "us-east-1c";
  EXPECT_EQ(Fold({M5Minute("n1", kT0), spot, other_zone}).size(), 3U);
}

TEST(OfferingEfficiencyTest, NodeGroupIsKeptOnlyWhenAskedFor) {
  NodeIntervalRecord a = M5Minute("n1", kT0);
  a.offering.node_group = "batch";
  NodeIntervalRecord b = M5Minute("n2", kT0);
  b.offering.node_group = "web";
  const auto by_offering = Fold({a, b});
  ASSERT_EQ(by_offering.size(), 1U);
  EXPECT_EQ(by_offering[0].offering.node_group, "");
  EXPECT_EQ(by_offering[0].node_intervals, 2);

  const auto by_group = Fold({a, b}, OfferingGrouping::kOfferingAndNodeGroup);
  ASSERT_EQ(by_group.size(), 2U);
  EXPECT_EQ(by_group[0].offering.node_group, "batch");
  EXPECT_EQ(by_group[1].offering.node_group, "web");
}

TEST(OfferingEfficiencyTest, AverageAndLatestHourlyPrice) {
  // Spot price went from $0.10 to $0.20 to $0.30 per hour.
  NodeIntervalRecord a = M5Minute("n1", kT0);
  a.hourly_price = {Nanos(100'000'000)};
  a.cpu_pool_cost = Nanos(1'000'000);
  a.ram_pool_cost = Nanos(666'667);  // $0.10/h for 60 s
  NodeIntervalRecord b = M5Minute("n1", kT0 + seconds(60));
  b.hourly_price = {Nanos(200'000'000)};
  b.cpu_pool_cost = Nanos(2'000'000);
  b.ram_pool_cost = Nanos(1'333'333);
  NodeIntervalRecord c = M5Minute("n0", kT0 + seconds(60));
  c.hourly_price = {Nanos(300'000'000)};
  c.cpu_pool_cost = Nanos(3'000'000);
  c.ram_pool_cost = Nanos(2'000'000);
  const auto results = Fold({b, a, c});
  ASSERT_EQ(results.size(), 1U);
  // $0.01 over 3 node-minutes: $0.20 per node-hour.
  EXPECT_EQ(results[0].cost, Nanos(10'000'000));
  EXPECT_EQ(results[0].average_hourly_price, HourlyPrice{Nanos(200'000'000)});
  // Latest start is kT0 + 60 (b and c); the tie goes to the greater node name, "n1".
  EXPECT_EQ(results[0].latest_start, kT0 + seconds(60));
  EXPECT_EQ(results[0].latest_hourly_price, HourlyPrice{Nanos(200'000'000)});
}

TEST(OfferingEfficiencyTest, OfferingWithNoUsageHasNullEffectiveCosts) {
  NodeIntervalRecord idle = G5Minute("g1", kT0);
  idle.cpu_used_millicore_seconds = 0;
  idle.memory_used_byte_seconds = 0;
  idle.gpu_busy_millidevice_seconds = 0;
  const auto results = Fold({idle});
  ASSERT_EQ(results.size(), 1U);
  const OfferingEfficiency& e = results[0];
  EXPECT_EQ(e.effective_cost_per_used_vcpu_hour, std::nullopt);
  EXPECT_EQ(e.effective_cost_per_used_gib_hour, std::nullopt);
  EXPECT_EQ(e.effective_cost_per_used_gpu_hour, std::nullopt);
  // Capacity was there and nothing used it: 0, not null.
  EXPECT_EQ(e.cpu_utilization, 0.0);
  EXPECT_EQ(e.ram_utilization, 0.0);
  EXPECT_EQ(e.gpu_utilization, 0.0);
  EXPECT_EQ(e.average_hourly_price, HourlyPrice{Nanos(1'006'000'020)});
}

TEST(OfferingEfficiencyTest, ZeroCapacityAndZeroLengthAreNullNotDivisions) {
  NodeIntervalRecord no_capacity = M5Minute("n1", kT0);
  no_capacity.capacity = {};
  const auto a = Fold({no_capacity});
  ASSERT_EQ(a.size(), 1U);
  EXPECT_EQ(a[0].cpu_utilization, std::nullopt);
  EXPECT_EQ(a[0].ram_utilization, std::nullopt);
  EXPECT_EQ(a[0].gpu_utilization, std::nullopt);
  EXPECT_EQ(a[0].cpu_allocation, std::nullopt);

  NodeIntervalRecord no_time = M5Minute("n1", kT0);
  no_time.length = seconds(0);
  no_time.cpu_pool_cost = Money{};
  no_time.ram_pool_cost = Money{};
  no_time.cpu_used_millicore_seconds = 0;
  no_time.memory_used_byte_seconds = 0;
  const auto b = Fold({no_time});
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(b[0].node_seconds, 0);
  EXPECT_EQ(b[0].average_hourly_price, std::nullopt);
  EXPECT_EQ(b[0].latest_hourly_price, HourlyPrice{Nanos(96'000'000)});
  EXPECT_EQ(b[0].cpu_utilization, std::nullopt);
  EXPECT_EQ(b[0].effective_cost_per_used_vcpu_hour, std::nullopt);
}

TEST(OfferingEfficiencyTest, EmptyAccumulatorHasNoResults) {
  const OfferingEfficiencyAccumulator acc;
  EXPECT_TRUE(acc.Results().empty());
  EXPECT_EQ(acc.size(), 0U);
}

TEST(OfferingEfficiencyTest, NegativeInputsAreRejected) {
  const auto rejects = [](auto mutate) {
    NodeIntervalRecord r = M5Minute("n1", kT0);
    mutate(r);
    OfferingEfficiencyAccumulator acc;
    EXPECT_THROW(acc.Add(r), InvalidInput);
    EXPECT_EQ(acc.size(), 0U);
  };
  rejects([](NodeIntervalRecord& r) { r.length = seconds(-60); });
  rejects([](NodeIntervalRecord& r) { r.hourly_price = {Nanos(-1)}; });
  rejects([](NodeIntervalRecord& r) { r.cpu_pool_cost = Nanos(-1); });
  rejects([](NodeIntervalRecord& r) { r.ram_pool_cost = Nanos(-1); });
  rejects([](NodeIntervalRecord& r) { r.gpu_pool_cost = Nanos(-1); });
  rejects([](NodeIntervalRecord& r) { r.capacity.cpu_millicores = -1; });
  rejects([](NodeIntervalRecord& r) { r.capacity.memory_bytes = -1; });
  rejects([](NodeIntervalRecord& r) { r.capacity.gpu_devices = -1; });
  rejects([](NodeIntervalRecord& r) { r.cpu_used_millicore_seconds = -1; });
  rejects([](NodeIntervalRecord& r) { r.memory_used_byte_seconds = -1; });
  rejects([](NodeIntervalRecord& r) { r.gpu_busy_millidevice_seconds = -1; });
  rejects([](NodeIntervalRecord& r) { r.cpu_allocated_millicore_seconds = -1; });
  rejects([](NodeIntervalRecord& r) { r.memory_allocated_byte_seconds = -1; });
  rejects([](NodeIntervalRecord& r) { r.gpu_allocated_device_seconds = -1; });
}

TEST(OfferingEfficiencyTest, OverflowLeavesTheSumsUntouched) {
  NodeIntervalRecord huge = M5Minute("n1", kT0);
  huge.cpu_pool_cost = Nanos(std::numeric_limits<std::int64_t>::max() - 10);
  huge.ram_pool_cost = Money{};
  OfferingEfficiencyAccumulator acc;
  acc.Add(huge);
  const auto before = acc.Results();
  EXPECT_THROW(acc.Add(huge), std::overflow_error);
  EXPECT_EQ(acc.Results(), before);
}

/// Random records over a few offerings, with random costs and quantities.
std::vector<NodeIntervalRecord> RandomRecords(std::mt19937_64& rng, int count) {
  std::uniform_int_distribution<std::int64_t> nanos(0, 50'000'000);
  std::uniform_int_distribution<std::int64_t> minute(0, 500);
  std::uniform_int_distribution<int> pick(0, 3);
  std::vector<NodeIntervalRecord> records;
  for (int i = 0; i < count; ++i) {
    NodeIntervalRecord r = pick(rng) % 2 == 0 ? M5Minute("n", kT0) : G5Minute("g", kT0);
    r.node = "node-" + std::to_string(pick(rng));
    r.offering.node_group = pick(rng) == 0 ? "batch" : "";
    r.start = kT0 + seconds(60 * minute(rng));
    r.hourly_price = {Nanos(nanos(rng))};
    r.cpu_pool_cost = Nanos(nanos(rng));
    r.ram_pool_cost = Nanos(nanos(rng));
    r.gpu_pool_cost = Nanos(nanos(rng) / 2);
    r.cpu_used_millicore_seconds = nanos(rng) % 120'000;
    r.memory_used_byte_seconds = nanos(rng) * 1000;
    r.gpu_busy_millidevice_seconds = nanos(rng) % 60'000;
    records.push_back(r);
  }
  return records;
}

TEST(OfferingEfficiencyTest, ResultsAreIndependentOfOrderAndExact) {
  std::mt19937_64 rng(20240501);
  for (int round = 0; round < 50; ++round) {
    std::vector<NodeIntervalRecord> records = RandomRecords(rng, 200);
    const auto reference = Fold(records);
    for (int shuffle = 0; shuffle < 5; ++shuffle) {
      std::shuffle(records.begin(), records.end(), rng);
      ASSERT_EQ(Fold(records), reference);
    }
    // Money sums equal a plain sum of the records, to the nano-dollar.
    std::int64_t cpu_nanos = 0;
    std::int64_t total_nanos = 0;
    for (const auto& r : records) {
      cpu_nanos += r.cpu_pool_cost.nanos();
      total_nanos += r.cpu_pool_cost.nanos() + r.ram_pool_cost.nanos() + r.gpu_pool_cost.nanos();
    }
    std::int64_t folded_cpu = 0;
    std::int64_t folded_total = 0;
    for (const auto& e : reference) {
      folded_cpu += e.cpu_pool_cost.nanos();
      folded_total += e.cost.nanos();
      EXPECT_EQ(e.cost, e.cpu_pool_cost + e.ram_pool_cost + e.gpu_pool_cost);
    }
    EXPECT_EQ(folded_cpu, cpu_nanos);
    EXPECT_EQ(folded_total, total_nanos);
  }
}

TEST(OfferingEfficiencyTest, MergedAccumulatorsEqualOne) {
  std::mt19937_64 rng(7);
  for (const auto grouping :
       {OfferingGrouping::kOffering, OfferingGrouping::kOfferingAndNodeGroup}) {
    for (int round = 0; round < 20; ++round) {
      const std::vector<NodeIntervalRecord> records = RandomRecords(rng, 120);
      OfferingEfficiencyAccumulator whole(grouping);
      OfferingEfficiencyAccumulator left(grouping);
      OfferingEfficiencyAccumulator right(grouping);
      for (std::size_t i = 0; i < records.size(); ++i) {
        whole.Add(records[i]);
        (i % 3 == 0 ? left : right).Add(records[i]);
      }
      left.Merge(right);
      ASSERT_EQ(left.Results(), whole.Results());
    }
  }
  OfferingEfficiencyAccumulator a(OfferingGrouping::kOffering);
  const OfferingEfficiencyAccumulator b(OfferingGrouping::kOfferingAndNodeGroup);
  EXPECT_THROW(a.Merge(b), InvalidInput);
}

}  // namespace
}  // namespace costledger::model
