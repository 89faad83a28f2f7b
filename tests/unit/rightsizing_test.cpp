#include "costledger/model/rightsizing.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::int64_t kMiB = std::int64_t{1} << 20;
constexpr std::int64_t kGiB = std::int64_t{1} << 30;
constexpr sys_seconds kEnd{seconds(1'700'006'400)};
const TimeWindow kWeek{kEnd - hours(24 * 7), kEnd};
const Money kCorePrice = Money::FromNanos(40'000'000);  // $0.04 per core-hour
const Money kGibPrice = Money::FromNanos(5'000'000);    // $0.005 per GiB-hour

/// `values` spread hourly over the window, all older than the last day.
std::vector<UsageSample> OldSamples(const std::vector<std::int64_t>& values) {
  std::vector<UsageSample> samples;
  for (std::size_t i = 0; i < values.size(); ++i) {
    samples.push_back({kWeek.start + hours(static_cast<int>(i)), values[i]});
  }
  return samples;
}

TEST(RightsizingTest, NearestRankPercentile) {
  std::vector<std::int64_t> one_to_twenty;
  for (int i = 20; i >= 1; --i) one_to_twenty.push_back(i);
  EXPECT_EQ(NearestRankPercentile(one_to_twenty, 95), 19);  // rank ceil(19) = 19
  EXPECT_EQ(NearestRankPercentile(one_to_twenty, 100), 20);
  EXPECT_EQ(NearestRankPercentile(one_to_twenty, 50), 10);
  EXPECT_EQ(NearestRankPercentile(one_to_twenty, 1), 1);  // rank ceil(0.2) = 1
  const std::vector<std::int64_t> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(NearestRankPercentile(ten, 95), 10);  // rank ceil(9.5) = 10
  EXPECT_EQ(NearestRankPercentile(ten, 90), 9);   // rank 9 exactly, no float rounding
  const std::vector<std::int64_t> single = {42};
  EXPECT_EQ(NearestRankPercentile(single, 95), 42);
  EXPECT_THROW((void)NearestRankPercentile({}, 95), InvalidInput);
  EXPECT_THROW((void)NearestRankPercentile(single, 0), InvalidInput);
  EXPECT_THROW((void)NearestRankPercentile(single, 101), InvalidInput);
}

TEST(RightsizingTest, CpuIsP95PlusHeadroomAndTheSavingIsPriced) {
  // 19 readings of 1000 m and one spike of 2000 m, a week ago: p95 (rank 19) is 1000 m.
  std::vector<std::int64_t> values(19, 1000);
  values.push_back(2000);
  const auto r = RecommendCpu(OldSamples(values), 2000, kWeek, kCorePrice);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->samples, 20);
  EXPECT_EQ(r->percentile_usage, 1000);
  EXPECT_EQ(r->recent_peak, std::nullopt);
  EXPECT_EQ(r->recommended, 1150);  // exactly 1000 x 1.15
  EXPECT_EQ(r->current_request, 2000);
  // 0.85 core x $0.04 x 168 h = $5.712.
  EXPECT_EQ(r->weekly_saving, Money::FromNanos(5'712'000'000));
  EXPECT_EQ(r->weekly_extra_cost, Money{});
}

TEST(RightsizingTest, NeverBelowTheLastDaysPeak) {
  std::vector<UsageSample> samples = OldSamples(std::vector<std::int64_t>(19, 1000));
  samples.push_back({kEnd - hours(3), 2000});  // within the last 24 h
  const auto r = RecommendCpu(samples, 4000, kWeek, kCorePrice);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->percentile_usage, 1000);
  EXPECT_EQ(r->recent_peak, 2000);
  EXPECT_EQ(r->recommended, 2000);
  // 2 cores x $0.04 x 168 h = $13.44.
  EXPECT_EQ(r->weekly_saving, Money::FromNanos(13'440'000'000));
}

TEST(RightsizingTest, LastDayIsTheTwentyFourHoursBeforeTheWindowEnd) {
  std::vector<UsageSample> samples = OldSamples(std::vector<std::int64_t>(19, 1000));
  samples.push_back({kEnd - hours(24) - seconds(1), 2000});  // just before the last day
  EXPECT_EQ(RecommendCpu(samples, 4000, kWeek, kCorePrice)->recent_peak, std::nullopt);
  samples.back().at = kEnd - hours(24);  // its first second
  EXPECT_EQ(RecommendCpu(samples, 4000, kWeek, kCorePrice)->recent_peak, 2000);
  // A shorter lookback as policy.
  const RightsizingPolicy one_hour{
      .percentile = 95, .headroom_percent = 15, .peak_lookback = hours(1)};
  EXPECT_EQ(RecommendCpu(samples, 4000, kWeek, kCorePrice, one_hour)->recent_peak, std::nullopt);
}

TEST(RightsizingTest, RoundsUpToTenMillicores) {
  // 1001 m x 1.15 = 1151.15 -> 1152 -> 1160.
  const auto r = RecommendCpu(OldSamples({1001}), 1160, kWeek, kCorePrice);
  EXPECT_EQ(r->recommended, 1160);
  EXPECT_EQ(r->weekly_saving, Money{});
  EXPECT_EQ(r->weekly_extra_cost, Money{});
}

TEST(RightsizingTest, MemoryRoundsUpToAMebibyte) {
  // 1 GiB x 1.15 = 1177.6 MiB -> 1178 MiB.
  const auto r = RecommendMemory(OldSamples({kGiB}), 2 * kGiB, kWeek, kGibPrice);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->recommended, 1178 * kMiB);
  // 870 MiB x $0.005 per GiB-hour x 168 h = $0.713671875 exactly.
  EXPECT_EQ(r->weekly_saving, Money::FromNanos(713'671'875));
}

TEST(RightsizingTest, AboveTheRequestIsAnExtraCostNotANegativeSaving) {
  const auto r = RecommendCpu(OldSamples({1000}), 500, kWeek, kCorePrice);
  EXPECT_EQ(r->recommended, 1150);
  EXPECT_EQ(r->weekly_saving, Money{});
  // 0.65 core x $0.04 x 168 h = $4.368.
  EXPECT_EQ(r->weekly_extra_cost, Money::FromNanos(4'368'000'000));
  // No request at all: the whole recommendation is extra.
  const auto none = RecommendCpu(OldSamples({1000}), 0, kWeek, kCorePrice);
  EXPECT_EQ(none->weekly_extra_cost, Money::FromNanos(7'728'000'000));
}

TEST(RightsizingTest, IdleContainerGetsTheSmallestUnit) {
  EXPECT_EQ(RecommendCpu(OldSamples({0, 0, 0}), 100, kWeek, kCorePrice)->recommended, 10);
  EXPECT_EQ(RecommendMemory(OldSamples({0}), kGiB, kWeek, kGibPrice)->recommended, kMiB);
}

TEST(RightsizingTest, OnlySamplesInsideTheWindowCount) {
  const std::vector<UsageSample> outside = {{kWeek.start - seconds(1), 5000}, {kEnd, 5000}};
  EXPECT_EQ(RecommendCpu(outside, 1000, kWeek, kCorePrice), std::nullopt);
  std::vector<UsageSample> mixed = outside;
  mixed.push_back({kWeek.start, 100});  // the window's first second is inside
  const auto r = RecommendCpu(mixed, 1000, kWeek, kCorePrice);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->samples, 1);
  EXPECT_EQ(r->recommended, 120);  // 115 -> 120
}

TEST(RightsizingTest, PolicyChangesPercentileAndHeadroom) {
  const RightsizingPolicy max_no_headroom{
      .percentile = 100, .headroom_percent = 0, .peak_lookback = hours(24)};
  std::vector<std::int64_t> values(19, 1000);
  values.push_back(2005);
  EXPECT_EQ(RecommendCpu(OldSamples(values), 0, kWeek, kCorePrice, max_no_headroom)->recommended,
            2010);
  const RightsizingPolicy p50{
      .percentile = 50, .headroom_percent = 100, .peak_lookback = hours(24)};
  EXPECT_EQ(RecommendCpu(OldSamples({100, 200, 300, 400}), 0, kWeek, kCorePrice, p50)->recommended,
            400);  // rank 2 = 200, doubled
}

TEST(RightsizingTest, InvalidInputsAreRejected) {
  const auto samples = OldSamples({100});
  EXPECT_THROW((void)RecommendCpu(OldSamples({-1}), 100, kWeek, kCorePrice), InvalidInput);
  EXPECT_THROW((void)RecommendCpu(samples, -1, kWeek, kCorePrice), InvalidInput);
  EXPECT_THROW((void)RecommendCpu(samples, 100, kWeek, Money::FromNanos(-1)), InvalidInput);
  EXPECT_THROW(
      (void)RecommendMemory(samples, 100, kWeek, kGibPrice,
                            {.percentile = 0, .headroom_percent = 15, .peak_lookback = hours(24)}),
      InvalidInput);
  EXPECT_THROW(
      (void)RecommendMemory(samples, 100, kWeek, kGibPrice,
                            {.percentile = 95, .headroom_percent = -1, .peak_lookback = hours(24)}),
      InvalidInput);
  EXPECT_THROW((void)RecommendMemory(
                   samples, 100, kWeek, kGibPrice,
                   {.percentile = 95, .headroom_percent = 15, .peak_lookback = seconds(-1)}),
               InvalidInput);
}

TEST(RightsizingTest, NeverBelowRecentUsageNorThePercentileOnRandomSeries) {
  std::mt19937_64 rng(17);
  for (int round = 0; round < 500; ++round) {
    std::vector<UsageSample> samples;
    const int n = 1 + static_cast<int>(rng() % 200);
    for (int i = 0; i < n; ++i) {
      samples.push_back({kWeek.start + seconds(static_cast<std::int64_t>(rng() % (7ULL * 86400))),
                         static_cast<std::int64_t>(rng() % 8000)});
    }
    const auto request = static_cast<std::int64_t>(rng() % 8000);
    const auto r = RecommendCpu(samples, request, kWeek, kCorePrice);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->recommended % 10, 0);
    EXPECT_GE(r->recommended, 10);
    EXPECT_GE(r->recommended, r->percentile_usage);
    EXPECT_GE(r->recommended * 100, r->percentile_usage * 115);
    for (const auto& s : samples) {
      if (s.at >= kEnd - hours(24)) {
        EXPECT_GE(r->recommended, s.value);
      }
    }
    EXPECT_GE(r->weekly_saving, Money{});
    EXPECT_GE(r->weekly_extra_cost, Money{});
    EXPECT_TRUE(r->weekly_saving == Money{} || r->weekly_extra_cost == Money{});
    // Sample order does not matter.
    std::shuffle(samples.begin(), samples.end(), rng);
    EXPECT_EQ(RecommendCpu(samples, request, kWeek, kCorePrice), r);
  }
}

TEST(RightsizingTest, RecommendationTotals) {
  RightsizingRecommendation both{
      .cpu = RecommendCpu(OldSamples({1000}), 2000, kWeek, kCorePrice),
      .memory = RecommendMemory(OldSamples({kGiB}), 512 * kMiB, kWeek, kGibPrice)};
  // CPU saves 0.85 core x $0.04 x 168; memory needs 666 MiB more x $0.005 x 168.
  EXPECT_EQ(both.WeeklySaving(), Money::FromNanos(5'712'000'000));
  EXPECT_EQ(both.WeeklyExtraCost(), Money::FromNanos(546'328'125));
  EXPECT_EQ(RightsizingRecommendation{}.WeeklySaving(), Money{});
}

}  // namespace
}  // namespace costledger::model
