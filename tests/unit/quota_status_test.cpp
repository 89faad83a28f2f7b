#include "costledger/model/quota_status.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "costledger/model/quota_period.hpp"
#include "quota_test_zones.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::Utc;

constexpr std::int64_t kDollar = Money::kNanosPerDollar;
constexpr std::int64_t kGpuHour = 3600;  // device-seconds

Quota AlphaWeekly() {
  Quota q;
  q.name = "alpha-weekly";
  q.scope.team = "alpha";
  q.period = QuotaPeriod::kWeek;
  q.limit = {QuotaUnit::kDollars, 1000 * kDollar};
  q.action = QuotaAction::kDeny;
  q.thresholds_ppm = {500'000, 800'000, 1'000'000};
  return q;
}

const TimeWindow kWeek{Utc(2026, 11, 30), Utc(2026, 12, 7)};

TEST(QuotaStatusTest, SpentLimitRemainingRatioAndThresholds) {
  const QuotaStatus s = StatusAt(AlphaWeekly(), kWeek, 812'400'000'000, Utc(2026, 12, 3, 12));
  EXPECT_EQ(s.unit, QuotaUnit::kDollars);
  EXPECT_EQ(s.period, kWeek);
  EXPECT_EQ(s.at, Utc(2026, 12, 3, 12));
  EXPECT_EQ(s.spent, 812'400'000'000);
  EXPECT_EQ(s.limit, 1'000 * kDollar);
  EXPECT_EQ(s.remaining, 187'600'000'000);
  EXPECT_DOUBLE_EQ(s.ratio, 0.8124);
  EXPECT_EQ(s.crossed_ppm, (std::vector<std::int64_t>{500'000, 800'000}));
  EXPECT_FALSE(s.LimitReached());
  // 84 of 168 hours: twice the spend by the end of the week.
  EXPECT_EQ(s.forecast, 1'624'800'000'000);
  EXPECT_TRUE(s.ForecastReachesLimit());
}

TEST(QuotaStatusTest, OverTheLimitNothingRemains) {
  const QuotaStatus s = StatusAt(AlphaWeekly(), kWeek, 1'034'200'000'000, Utc(2026, 12, 6));
  EXPECT_EQ(s.remaining, 0);
  EXPECT_DOUBLE_EQ(s.ratio, 1.0342);
  EXPECT_TRUE(s.LimitReached());
  EXPECT_EQ(s.crossed_ppm, (std::vector<std::int64_t>{500'000, 800'000, 1'000'000}));
}

TEST(QuotaStatusTest, ThresholdsAndTheLimitAreReachedExactly) {
  const Quota q = AlphaWeekly();
  const auto at = Utc(2026, 12, 1);
  EXPECT_EQ(StatusAt(q, kWeek, 800 * kDollar - 1, at).crossed_ppm,
            (std::vector<std::int64_t>{500'000}));
  EXPECT_EQ(StatusAt(q, kWeek, 800 * kDollar, at).crossed_ppm,
            (std::vector<std::int64_t>{500'000, 800'000}));
  EXPECT_FALSE(StatusAt(q, kWeek, 1000 * kDollar - 1, at).LimitReached());
  EXPECT_EQ(StatusAt(q, kWeek, 1000 * kDollar - 1, at).remaining, 1);
  EXPECT_TRUE(StatusAt(q, kWeek, 1000 * kDollar, at).LimitReached());
  EXPECT_EQ(StatusAt(q, kWeek, 1000 * kDollar, at).remaining, 0);
  EXPECT_TRUE(StatusAt(q, kWeek, 0, at).crossed_ppm.empty());
  // Thresholds that do not divide the limit evenly: 33.3333% of 10 n$ is 3.33333 n$.
  Quota odd = q;
  odd.limit.amount = 10;
  odd.thresholds_ppm = {333'333, 2'500'000};
  EXPECT_TRUE(StatusAt(odd, kWeek, 3, at).crossed_ppm.empty());
  EXPECT_EQ(StatusAt(odd, kWeek, 4, at).crossed_ppm, (std::vector<std::int64_t>{333'333}));
  EXPECT_EQ(StatusAt(odd, kWeek, 25, at).crossed_ppm,
            (std::vector<std::int64_t>{333'333, 2'500'000}));
  // A quota without thresholds still knows when its limit is reached.
  Quota silent = q;
  silent.thresholds_ppm.clear();
  EXPECT_TRUE(StatusAt(silent, kWeek, 2000 * kDollar, at).crossed_ppm.empty());
  EXPECT_TRUE(StatusAt(silent, kWeek, 2000 * kDollar, at).LimitReached());
}

TEST(QuotaStatusTest, NoForecastInTheFirstHour) {
  const Quota q = AlphaWeekly();
  EXPECT_FALSE(StatusAt(q, kWeek, 5 * kDollar, kWeek.start).forecast);
  EXPECT_FALSE(StatusAt(q, kWeek, 5 * kDollar, kWeek.start + minutes{59}).forecast);
  EXPECT_EQ(StatusAt(q, kWeek, 5 * kDollar, kWeek.start + hours{1}).forecast, 840 * kDollar);
  EXPECT_FALSE(StatusAt(q, kWeek, 5 * kDollar, kWeek.start - hours{5}).forecast);
  // The minimum is a parameter.
  EXPECT_EQ(StatusAt(q, kWeek, 5 * kDollar, kWeek.start + minutes{30}, minutes{30}).forecast,
            1680 * kDollar);
  EXPECT_FALSE(StatusAt(q, kWeek, 5 * kDollar, kWeek.start, seconds{0}).forecast);
}

TEST(QuotaStatusTest, ForecastIsLinearOverThePeriodsRealLength) {
  Quota q = AlphaWeekly();
  EXPECT_EQ(StatusAt(q, kWeek, 100 * kDollar, Utc(2026, 12, 1)).forecast, 700 * kDollar);
  EXPECT_FALSE(StatusAt(q, kWeek, 100 * kDollar, Utc(2026, 12, 1)).ForecastReachesLimit());
  EXPECT_EQ(StatusAt(q, kWeek, 0, Utc(2026, 12, 1)).forecast, 0);
  // A Berlin week of 167 hours: 24 an hour -> 167 x 24.
  const testing::EuRulesZone berlin = testing::EuRulesZone::Berlin();
  const TimeWindow spring = QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 3, 25), berlin);
  ASSERT_EQ(spring.length(), hours{167});
  EXPECT_EQ(StatusAt(q, spring, 576, spring.start + hours{24}).forecast, 4008);  // 167 x 24
  const TimeWindow autumn = QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 10, 21), berlin);
  EXPECT_EQ(StatusAt(q, autumn, 576, autumn.start + hours{24}).forecast, 4056);  // 169 x 24
  // Half-even: 1 n$ in 16 of 24 hours is 1.5 n$ by the end of the day, 1 in 9.6 hours is 2.5.
  q.period = QuotaPeriod::kDay;
  const TimeWindow day{Utc(2026, 11, 30), Utc(2026, 12, 1)};
  EXPECT_EQ(StatusAt(q, day, 1, day.start + hours{16}).forecast, 2);
  EXPECT_EQ(StatusAt(q, day, 1, day.start + seconds{34'560}).forecast, 2);
  EXPECT_EQ(StatusAt(q, day, 3, day.start + hours{16}).forecast, 4);  // 4.5 -> 4
}

TEST(QuotaStatusTest, OnceThePeriodIsOverTheForecastIsTheSpend) {
  const Quota q = AlphaWeekly();
  EXPECT_EQ(StatusAt(q, kWeek, 123, kWeek.end).forecast, 123);
  EXPECT_EQ(StatusAt(q, kWeek, 123, kWeek.end + hours{30}).forecast, 123);
  EXPECT_EQ(StatusAt(q, kWeek, 123, kWeek.end - seconds{1}).forecast, 123);
}

TEST(QuotaStatusTest, AHugeForecastSaturates) {
  const QuotaStatus s = StatusAt(AlphaWeekly(), kWeek, std::numeric_limits<std::int64_t>::max() / 2,
                                 kWeek.start + hours{1});
  EXPECT_EQ(s.forecast, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(s.remaining, 0);
}

TEST(QuotaStatusTest, OtherUnits) {
  Quota gpu = AlphaWeekly();
  gpu.limit = {QuotaUnit::kGpuHours, 100 * kGpuHour};
  const QuotaStatus s = StatusAt(gpu, kWeek, 30 * kGpuHour, Utc(2026, 12, 1));
  EXPECT_EQ(s.unit, QuotaUnit::kGpuHours);
  EXPECT_EQ(s.remaining, 70 * kGpuHour);
  EXPECT_DOUBLE_EQ(s.ratio, 0.3);
  EXPECT_DOUBLE_EQ(ToContractUnits(s.unit, s.remaining), 70.0);
  EXPECT_EQ(s.forecast, 210 * kGpuHour);
}

TEST(QuotaStatusTest, FromAUsage) {
  QuotaUsage usage(AlphaWeekly(), kWeek);
  IntervalBatch batch;
  batch.cluster = "prod";
  batch.costs.start = Utc(2026, 12, 1);
  batch.costs.length = seconds{60};
  ContainerCostRow row;
  row.labels.team = "alpha";
  row.cost.cpu_nanos = 600 * kDollar;
  batch.costs.containers.push_back(row);
  usage.AddBatch(batch, nullptr);
  const QuotaStatus s = StatusAt(usage, Utc(2026, 12, 1, 0, 1));
  EXPECT_EQ(s, StatusAt(AlphaWeekly(), kWeek, 600 * kDollar, Utc(2026, 12, 1, 0, 1)));
  EXPECT_EQ(s.crossed_ppm, (std::vector<std::int64_t>{500'000}));
}

}  // namespace
}  // namespace costledger::model
