#include "costledger/model/workload_summary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "costledger/model/efficiency.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr sys_seconds kT0{seconds(1'700'000'040)};
constexpr std::int64_t kGiB = std::int64_t{1} << 30;
constexpr std::int64_t kMinute = 60;  // seconds, as int64 so products never overflow int

Money Nanos(std::int64_t nanos) { return Money::FromNanos(nanos); }

/// One container of "ml/trainer" for one minute: 1 core requested, 500 m used; 4 GiB requested,
/// 1 GiB used; 1 GPU requested, busy 40 %.
WorkloadIntervalRecord Trainer(std::int64_t minute) {
  const sys_seconds start = kT0 + seconds(60 * minute);
  return {.workload = "ml/trainer",
          .interval = {start, start + seconds(60)},
          .cpu_cost = Nanos(3'000'000),
          .ram_cost = Nanos(1'000'000),
          .gpu_cost = Nanos(15'000'000),
          .other_cost = Nanos(1'000'000),
          .cpu_request_millicore_seconds = 1000 * kMinute,
          .cpu_used_millicore_seconds = 500 * kMinute,
          .memory_request_byte_seconds = 4 * kGiB * 60,
          .memory_used_byte_seconds = kGiB * 60,
          .gpu_requested_device_seconds = 60,
          .gpu_busy_millidevice_seconds = 400 * kMinute,
          .active = std::nullopt};
}

std::vector<WorkloadEfficiency> Fold(const std::vector<WorkloadIntervalRecord>& records) {
  WorkloadEfficiencyAccumulator acc;
  for (const auto& r : records) acc.Add(r);
  return acc.Results();
}

TEST(WorkloadSummaryTest, HandComputedEfficienciesAndCostPerHour) {
  // Two containers in minute 0 and one in minute 1: three records, two minutes of running.
  const auto results = Fold({Trainer(0), Trainer(0), Trainer(1)});
  ASSERT_EQ(results.size(), 1U);
  const WorkloadEfficiency& e = results[0];
  EXPECT_EQ(e.workload, "ml/trainer");
  EXPECT_EQ(e.cost, Nanos(60'000'000));
  EXPECT_EQ(e.cpu_cost, Nanos(9'000'000));
  EXPECT_EQ(e.ram_cost, Nanos(3'000'000));
  EXPECT_EQ(e.gpu_cost, Nanos(45'000'000));
  EXPECT_EQ(e.other_cost, Nanos(3'000'000));
  EXPECT_EQ(e.active_seconds, 120);
  // $0.06 over 2 minutes: $1.80 per hour.
  EXPECT_EQ(e.cost_per_hour, HourlyPrice{Nanos(1'800'000'000)});
  EXPECT_DOUBLE_EQ(e.cpu_efficiency, 0.5);
  EXPECT_DOUBLE_EQ(e.ram_efficiency, 0.25);
  EXPECT_DOUBLE_EQ(e.gpu_efficiency, 0.4);
  // (0.5 x $0.009 + 0.25 x $0.003) / $0.012.
  EXPECT_DOUBLE_EQ(e.total_efficiency, 0.4375);
  EXPECT_TRUE(e.requested.gpu_millidevice_seconds == Int128{3} * 60'000);
  EXPECT_TRUE(e.used.cpu_millicore_seconds == Int128{3} * 30'000);
}

TEST(WorkloadSummaryTest, EfficienciesFollowRuleSix) {
  WorkloadIntervalRecord r = Trainer(0);
  r.cpu_request_millicore_seconds = 0;  // no request, but used: 1
  r.memory_request_byte_seconds = 0;
  r.memory_used_byte_seconds = 0;                 // no request, not used: 0
  r.gpu_requested_device_seconds = 0;             // no devices requested: 0
  r.cpu_used_millicore_seconds = 2000 * kMinute;  // may exceed 1 against a request
  const auto a = Fold({r});
  EXPECT_EQ(a[0].cpu_efficiency, ResourceEfficiency(120'000, 0));
  EXPECT_EQ(a[0].cpu_efficiency, 1.0);
  EXPECT_EQ(a[0].ram_efficiency, 0.0);
  EXPECT_EQ(a[0].gpu_efficiency, 0.0);
  r.cpu_request_millicore_seconds = 1000 * kMinute;
  EXPECT_EQ(Fold({r})[0].cpu_efficiency, 2.0);
}

TEST(WorkloadSummaryTest, WorkloadsAreSeparatedAndSorted) {
  WorkloadIntervalRecord api = Trainer(0);
  api.workload = "web/api";
  WorkloadIntervalRecord batch = Trainer(5);
  batch.workload = "batch/etl";
  const auto results = Fold({api, Trainer(0), batch});
  ASSERT_EQ(results.size(), 3U);
  EXPECT_EQ(results[0].workload, "batch/etl");
  EXPECT_EQ(results[1].workload, "ml/trainer");
  EXPECT_EQ(results[2].workload, "web/api");
}

TEST(WorkloadSummaryTest, OrderDoesNotMatter) {
  std::mt19937_64 rng(23);
  std::vector<WorkloadIntervalRecord> records;
  for (int i = 0; i < 300; ++i) {
    WorkloadIntervalRecord r = Trainer(static_cast<std::int64_t>(rng() % 50));
    r.workload = "w" + std::to_string(rng() % 5);
    r.cpu_cost = Nanos(static_cast<std::int64_t>(rng() % 10'000'000));
    r.cpu_used_millicore_seconds = static_cast<std::int64_t>(rng() % 120'000);
    records.push_back(r);
  }
  const auto reference = Fold(records);
  for (int i = 0; i < 10; ++i) {
    std::shuffle(records.begin(), records.end(), rng);
    ASSERT_EQ(Fold(records), reference);
  }
}

TEST(WorkloadSummaryTest, InvalidRecordsAreRejected) {
  const auto rejects = [](auto mutate) {
    WorkloadIntervalRecord r = Trainer(0);
    mutate(r);
    WorkloadEfficiencyAccumulator acc;
    EXPECT_THROW(acc.Add(r), InvalidInput);
    EXPECT_TRUE(acc.Results().empty());
  };
  rejects([](WorkloadIntervalRecord& r) { r.interval.end = r.interval.start; });
  rejects([](WorkloadIntervalRecord& r) { r.cpu_cost = Nanos(-1); });
  rejects([](WorkloadIntervalRecord& r) { r.other_cost = Nanos(-1); });
  rejects([](WorkloadIntervalRecord& r) { r.memory_used_byte_seconds = -1; });
  rejects([](WorkloadIntervalRecord& r) { r.gpu_busy_millidevice_seconds = -1; });

  WorkloadEfficiencyAccumulator acc;
  acc.Add(Trainer(0));
  WorkloadIntervalRecord longer = Trainer(0);
  longer.interval.end += seconds(60);
  EXPECT_THROW(acc.Add(longer), InvalidInput);
  WorkloadIntervalRecord shifted = Trainer(0);
  shifted.interval.start += seconds(30);
  shifted.interval.end += seconds(30);
  EXPECT_THROW(acc.Add(shifted), InvalidInput);  // overlaps minute 0 from after
  WorkloadIntervalRecord early = Trainer(0);
  early.interval.start -= seconds(30);
  early.interval.end -= seconds(30);
  EXPECT_THROW(acc.Add(early), InvalidInput);  // overlaps minute 0 from before
  EXPECT_NO_THROW(acc.Add(Trainer(1)));        // adjacent is fine
  EXPECT_EQ(acc.Results()[0].active_seconds, 120);
  WorkloadIntervalRecord other_active = Trainer(1);
  other_active.active = seconds(30);
  EXPECT_THROW(acc.Add(other_active), InvalidInput);  // minute 1 was all active
  rejects([](WorkloadIntervalRecord& r) { r.active = seconds(-1); });
}

TEST(WorkloadSummaryTest, ActiveTimeOfARecordCountsInsteadOfItsInterval) {
  // A day it ran for 3 hours (kept per day by the rollup), then a minute it ran all of.
  WorkloadIntervalRecord day = Trainer(0);
  day.interval = {kT0, kT0 + std::chrono::days(1)};
  day.active = seconds(3 * 3600);
  WorkloadIntervalRecord minute = Trainer(24 * 60);
  WorkloadEfficiencyAccumulator acc;
  acc.Add(day);
  acc.Add(minute);
  acc.Add(day);  // another container of the same day: counted once
  const auto results = acc.Results();
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].active_seconds, 3 * 3600 + 60);
  // $0.06 over 10,860 s: $0.0198895027... per hour.
  EXPECT_EQ(results[0].cost_per_hour, HourlyPrice{Nanos(19'889'503)});
}

TEST(WorkloadSummaryTest, OverflowChangesNothing) {
  WorkloadIntervalRecord huge = Trainer(0);
  huge.cpu_cost = Nanos(std::numeric_limits<std::int64_t>::max() - 10);
  huge.ram_cost = Money{};
  huge.gpu_cost = Money{};
  huge.other_cost = Money{};
  WorkloadEfficiencyAccumulator acc;
  acc.Add(huge);
  WorkloadIntervalRecord next = huge;
  next.interval = Trainer(1).interval;
  EXPECT_THROW(acc.Add(next), std::overflow_error);
  const auto results = acc.Results();
  EXPECT_EQ(results[0].active_seconds, 60);
  EXPECT_EQ(results[0].cpu_cost, huge.cpu_cost);
}

TEST(WorkloadSummaryTest, SummariesJoinRecommendationsAndWork) {
  WorkloadIntervalRecord api = Trainer(0);
  api.workload = "web/api";
  const auto efficiencies = Fold({Trainer(0), api});
  const TimeWindow week{kT0 - hours(24 * 7), kT0};
  const std::vector<UsageSample> usage = {{kT0 - hours(48), 1000}};
  RightsizingRecommendation trainer_rec{.cpu = RecommendCpu(usage, 2000, week, Nanos(40'000'000)),
                                        .memory = std::nullopt};
  const std::map<std::string, std::map<std::string, RightsizingRecommendation, std::less<>>,
                 std::less<>>
      rightsizing = {{"ml/trainer", {{"main", trainer_rec}}},
                     {"gone/workload", {{"main", RightsizingRecommendation{}}}}};
  const WindowWorkCost work{.total_cost = Nanos(20'000'000),
                            .covered_cost = Nanos(20'000'000),
                            .increase = 40,
                            .cost_per_item_dollars = 0.0005};
  const std::map<std::string, WindowWorkCost, std::less<>> work_by_workload = {{"web/api", work}};

  const auto summaries = SummarizeWorkloads(efficiencies, rightsizing, work_by_workload);
  ASSERT_EQ(summaries.size(), 2U);
  EXPECT_EQ(summaries[0].efficiency, efficiencies[0]);
  EXPECT_EQ(summaries[0].efficiency.workload, "ml/trainer");
  ASSERT_EQ(summaries[0].rightsizing.size(), 1U);
  EXPECT_EQ(summaries[0].rightsizing.at("main"), trainer_rec);
  EXPECT_EQ(summaries[0].work, std::nullopt);
  EXPECT_EQ(summaries[1].efficiency.workload, "web/api");
  EXPECT_TRUE(summaries[1].rightsizing.empty());
  EXPECT_EQ(summaries[1].work, work);
}

}  // namespace
}  // namespace costledger::model
