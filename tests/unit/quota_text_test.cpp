#include "costledger/model/quota_text.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "quota_test_zones.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using testing::Utc;

Money Nanos(std::int64_t n) { return Money::FromNanos(n); }

TEST(QuotaTextTest, DollarsToTheCentWithThousands) {
  EXPECT_EQ(FormatDollars(Money::ParseDollars("1034.2")), "$1,034.20");
  EXPECT_EQ(FormatDollars(Money::ParseDollars("1000")), "$1,000.00");
  EXPECT_EQ(FormatDollars(Money::ParseDollars("0")), "$0.00");
  EXPECT_EQ(FormatDollars(Money::ParseDollars("0.42")), "$0.42");
  EXPECT_EQ(FormatDollars(Money::ParseDollars("999.999")), "$1,000.00");
  EXPECT_EQ(FormatDollars(Money::ParseDollars("1234567.891")), "$1,234,567.89");
  EXPECT_EQ(FormatDollars(Money::ParseDollars("123456.78")), "$123,456.78");
  EXPECT_EQ(FormatDollars(Money::ParseDollars("-12.5")), "-$12.50");
  // Half-even at the cent.
  EXPECT_EQ(FormatDollars(Money::ParseDollars("0.125")), "$0.12");
  EXPECT_EQ(FormatDollars(Money::ParseDollars("0.135")), "$0.14");
  EXPECT_EQ(FormatDollars(Money::ParseDollars("0.125000001")), "$0.13");
  EXPECT_EQ(FormatDollars(Nanos(std::numeric_limits<std::int64_t>::max())), "$9,223,372,036.85");
}

TEST(QuotaTextTest, AmountsUnderACentKeepTwoSignificantDigits) {
  EXPECT_EQ(FormatDollars(Money::ParseDollars("0.0042")), "$0.0042");
  EXPECT_EQ(FormatDollars(Money::ParseDollars("0.00425")), "$0.0042");
  EXPECT_EQ(FormatDollars(Money::ParseDollars("0.000042")), "$0.000042");
  EXPECT_EQ(FormatDollars(Nanos(1)), "$0.000000001");
  EXPECT_EQ(FormatDollars(Nanos(9'000'000)), "$0.0090");
  EXPECT_EQ(FormatDollars(Nanos(10'000'000)), "$0.01");
  EXPECT_EQ(FormatDollars(Nanos(-4'200'000)), "-$0.0042");
}

TEST(QuotaTextTest, AmountsInEachUnit) {
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kDollars, 1'034'200'000'000), "$1,034.20");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kCpuHours, 45'000'000), "12.5 CPU core-hours");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kCpuHours, 3'600'000), "1 CPU core-hour");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kCpuHours, 0), "0 CPU core-hours");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kCpuHours, 3'600'000'000'000), "1,000,000 CPU core-hours");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kCpuHours, 36'000), "0.01 CPU core-hours");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kCpuHours, 35'999), "under 0.01 CPU core-hours");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kGpuHours, 3600), "1 GPU-hour");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kGpuHours, 11'700), "3.25 GPU-hours");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kGpuHours, 1200), "0.33 GPU-hours");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kGpuHours, 86'400'000), "24,000 GPU-hours");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kGpuHours, 30), "under 0.01 GPU-hours");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kBytesScanned, 0), "0 bytes");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kBytesScanned, 1), "1 byte");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kBytesScanned, 1023), "1,023 bytes");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kBytesScanned, 1024), "1 KiB");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kBytesScanned, std::int64_t{10} * 1024 * 1024), "10 MiB");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kBytesScanned, 1'649'267'441'664), "1.5 TiB");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kBytesScanned, 1'000'000'000'000), "931.32 GiB");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kBytesScanned, 1'000'000'000'000'000'000), "888.18 PiB");
  EXPECT_EQ(FormatQuotaAmount(QuotaUnit::kBytesScanned, std::numeric_limits<std::int64_t>::max()),
            "8 EiB");
}

TEST(QuotaTextTest, Percentages) {
  EXPECT_EQ(FormatPercent(800'000), "80%");
  EXPECT_EQ(FormatPercent(1'000'000), "100%");
  EXPECT_EQ(FormatPercent(10'000'000), "1,000%");
  EXPECT_EQ(FormatPercent(333'333), "33.3333%");
  EXPECT_EQ(FormatPercent(125'000), "12.5%");
  EXPECT_EQ(FormatPercent(1), "0.0001%");
  EXPECT_EQ(FormatPercent(0), "0%");
}

TEST(QuotaTextTest, LocalMinutesWithWeekdayAndZone) {
  const FixedOffsetZone utc = FixedOffsetZone::Utc();
  EXPECT_EQ(FormatLocalMinute(Utc(2026, 11, 30), utc), "Mon 2026-11-30 00:00 UTC");
  EXPECT_EQ(FormatLocalMinute(Utc(2026, 12, 6, 23, 59, 59), utc), "Sun 2026-12-06 23:59 UTC");
  const testing::EuRulesZone berlin = testing::EuRulesZone::Berlin();
  EXPECT_EQ(FormatLocalMinute(Utc(2026, 11, 29, 23), berlin), "Mon 2026-11-30 00:00 CET");
  EXPECT_EQ(FormatLocalMinute(Utc(2026, 3, 29, 1), berlin), "Sun 2026-03-29 03:00 CEST");
  EXPECT_EQ(FormatLocalMinute(Utc(2026, 10, 25, 0, 30), berlin), "Sun 2026-10-25 02:30 CEST");
  EXPECT_EQ(FormatLocalMinute(Utc(2026, 10, 25, 1, 30), berlin), "Sun 2026-10-25 02:30 CET");
  EXPECT_EQ(FormatLocalMinute(Utc(2026, 11, 30, 20),
                              FixedOffsetZone(hours{5} + std::chrono::minutes{30})),
            "Tue 2026-12-01 01:30 UTC+05:30");
  EXPECT_EQ(FormatLocalMinute(Utc(2027, 1, 1, 3), FixedOffsetZone(-hours{8})),
            "Thu 2026-12-31 19:00 UTC-08:00");
  // A zone that gives no abbreviation is named by its offset.
  const testing::TableZone nameless({hours{3}, ""}, {});
  EXPECT_EQ(FormatLocalMinute(Utc(2026, 1, 1), nameless), "Thu 2026-01-01 03:00 UTC+03:00");
}

TEST(QuotaTextTest, PeriodWords) {
  EXPECT_EQ(PeriodNoun(QuotaPeriod::kDay), "day");
  EXPECT_EQ(PeriodNoun(QuotaPeriod::kWeek), "week");
  EXPECT_EQ(PeriodNoun(QuotaPeriod::kMonth), "month");
  EXPECT_EQ(PeriodAdjective(QuotaPeriod::kDay), "daily");
  EXPECT_EQ(PeriodAdjective(QuotaPeriod::kWeek), "weekly");
  EXPECT_EQ(PeriodAdjective(QuotaPeriod::kMonth), "monthly");
}

TEST(QuotaTextTest, ScopesInWords) {
  EXPECT_EQ(DescribeScope(QuotaScope{}), "all spend");
  QuotaScope scope;
  scope.team = "alpha";
  EXPECT_EQ(DescribeScope(scope), "team alpha");
  scope.cluster = "prod-eu";
  scope.namespace_name = "ml";
  scope.labels = Labels{{"gpu", "a100"}, {"app", "train"}};
  EXPECT_EQ(DescribeScope(scope),
            "cluster prod-eu, namespace ml, team alpha, labels app=train, gpu=a100");
  QuotaScope queries;
  queries.workgroup = "analytics";
  EXPECT_EQ(DescribeScope(queries), "workgroup analytics");
  QuotaScope labels_only;
  labels_only.labels = Labels{{"app", "train"}};
  EXPECT_EQ(DescribeScope(labels_only), "labels app=train");
}

TEST(QuotaTextTest, Durations) {
  EXPECT_EQ(FormatDuration(hours{3}), "3 hours");
  EXPECT_EQ(FormatDuration(hours{1}), "1 hour");
  EXPECT_EQ(FormatDuration(seconds{5400}), "1.5 hours");
  EXPECT_EQ(FormatDuration(seconds{4000}), "1.11 hours");
  EXPECT_EQ(FormatDuration(hours{48}), "48 hours");
  EXPECT_EQ(FormatDuration(hours{10'000}), "10,000 hours");
  EXPECT_EQ(FormatDuration(std::chrono::minutes{45}), "45 minutes");
  EXPECT_EQ(FormatDuration(std::chrono::minutes{1}), "1 minute");
  EXPECT_EQ(FormatDuration(seconds{30}), "30 seconds");
  EXPECT_EQ(FormatDuration(seconds{1}), "1 second");
}

}  // namespace
}  // namespace costledger::model
