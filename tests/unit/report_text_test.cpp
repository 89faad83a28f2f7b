// How report figures read: signs, percentages, hours, bytes, cores and dates.
#include "costledger/model/report_text.hpp"

#include <gtest/gtest.h>

namespace costledger::model {
namespace {

std::chrono::sys_days Day(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

TEST(ReportTextTest, SignedDollars) {
  EXPECT_EQ(FormatSignedDollars(Money::ParseDollars("1234.5")), "+$1,234.50");
  EXPECT_EQ(FormatSignedDollars(Money::ParseDollars("-4")), "-$4.00");
  EXPECT_EQ(FormatSignedDollars(Money{}), "$0.00");
}

TEST(ReportTextTest, Ratios) {
  EXPECT_EQ(FormatRatio(0.853), "85%");
  EXPECT_EQ(FormatRatio(1.5), "150%");
  EXPECT_EQ(FormatRatio(12.345), "1,235%");
  EXPECT_EQ(FormatRatio(0.001), "<1%");
  EXPECT_EQ(FormatRatio(0.0), "0%");
  EXPECT_EQ(FormatRatio(std::nullopt), "n/a");
  EXPECT_EQ(FormatRatio(0.1115, 1), "11.2%");
  EXPECT_EQ(FormatRatio(0.0004, 1), "<0.1%");
  EXPECT_EQ(FormatSignedRatio(0.111), "+11.1%");
  EXPECT_EQ(FormatSignedRatio(-0.5), "-50.0%");
  EXPECT_EQ(FormatSignedRatio(std::nullopt), "n/a");
}

TEST(ReportTextTest, HoursBytesAndCores) {
  EXPECT_EQ(FormatHours(1234.56), "1,234.6");
  EXPECT_EQ(FormatHours(0.01), "<0.1");
  EXPECT_EQ(FormatHours(0), "0.0");
  EXPECT_EQ(FormatBytes(std::int64_t{3} << 39), "1.5 TiB");
  EXPECT_EQ(FormatBytes(0), "0 bytes");
  EXPECT_EQ(FormatMillicores(1500), "1.5 cores");
  EXPECT_EQ(FormatMillicores(250), "250m");
  EXPECT_EQ(FormatMillicores(1000), "1 core");
  EXPECT_EQ(FormatMillicores(24000), "24 cores");
}

TEST(ReportTextTest, WeekDatesAndDays) {
  EXPECT_EQ(FormatWeekDates(WeekWindows({2026, 48}, FixedOffsetZone::Utc())),
            "23\u201329 Nov 2026");
  EXPECT_EQ(FormatWeekDates(WeekWindows({2026, 49}, FixedOffsetZone::Utc())),
            "30 Nov \u2013 6 Dec 2026");
  EXPECT_EQ(FormatWeekDates(WeekWindows({2026, 1}, FixedOffsetZone::Utc())),
            "29 Dec 2025 \u2013 4 Jan 2026");
  EXPECT_EQ(FormatDayLabel(Day(2026, 11, 23)), "Mon 23");
  EXPECT_EQ(FormatDayLabel(Day(2026, 11, 29)), "Sun 29");
  EXPECT_EQ(FormatDate(Day(2026, 3, 9)), "2026-03-09");
}

TEST(ReportTextTest, WhenQuotaStatusesHold) {
  // 2026-W48 in UTC+1: Monday 23 November 00:00 local is 22 November 23:00 UTC.
  const FixedOffsetZone zone(std::chrono::hours(1));
  const ReportWeek week = WeekWindows({2026, 48}, zone);
  EXPECT_EQ(FormatStatusTime(week, week.window.end), "the end of the week");
  EXPECT_EQ(FormatStatusTime(week, week.window.end + std::chrono::hours(5)), "the end of the week");
  // Thursday 26 November, 10:00 local: data counted through that day.
  EXPECT_EQ(FormatStatusTime(week, week.days[3].window.start + std::chrono::hours(10)),
            "Thu 26, the newest data");
  // Through local midnight exactly: the day that ended.
  EXPECT_EQ(FormatStatusTime(week, week.days[4].window.start), "Thu 26, the newest data");
  EXPECT_EQ(FormatStatusTime(week, week.window.start), "the start of the week");
}

}  // namespace
}  // namespace costledger::model
