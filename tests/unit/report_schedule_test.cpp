#include "costledger/model/report_schedule.hpp"

#include <gtest/gtest.h>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr sys_seconds At(int y, unsigned m, unsigned d, int h, int min = 0) {
  return sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}} + hours(h) +
         minutes(min);
}

// Central European rules around the spring change of 2026: +1 until 2026-03-29T01:00Z, then +2.
class BerlinSpring2026 final : public ZoneRules {
 public:
  ZoneOffset OffsetAt(sys_seconds utc) const override {
    return utc < At(2026, 3, 29, 1) ? ZoneOffset{hours(1), "CET"} : ZoneOffset{hours(2), "CEST"};
  }
};

TEST(ReportScheduleTest, MondayMorningAfterTheWeekInUtc) {
  const FixedOffsetZone utc = FixedOffsetZone::Utc();
  const IsoWeek w48{2026, 48};  // Monday 23 to Sunday 29 November 2026
  EXPECT_EQ(ReportDueAt(w48, {1, 6}, utc), At(2026, 11, 30, 6));
  EXPECT_EQ(DueReportWeek(At(2026, 11, 30, 5, 59), {1, 6}, utc), std::nullopt);
  EXPECT_EQ(DueReportWeek(At(2026, 11, 30, 6), {1, 6}, utc), w48);
  EXPECT_EQ(DueReportWeek(At(2026, 12, 3, 12), {1, 6}, utc), w48);  // down on Monday: still due
  EXPECT_EQ(DueReportWeek(At(2026, 12, 7, 6), {1, 6}, utc), (IsoWeek{2026, 49}));
  // Sunday night, before the week has ended: nothing new is due.
  EXPECT_EQ(DueReportWeek(At(2026, 12, 6, 23), {1, 6}, utc), w48);
}

TEST(ReportScheduleTest, OtherWeekdaysAndHours) {
  const FixedOffsetZone utc = FixedOffsetZone::Utc();
  EXPECT_EQ(ReportDueAt({2026, 48}, {2, 7}, utc), At(2026, 12, 1, 7));    // Tuesday 07:00
  EXPECT_EQ(ReportDueAt({2026, 48}, {7, 23}, utc), At(2026, 12, 6, 23));  // Sunday 23:00
  EXPECT_EQ(ReportDueAt({2026, 53}, {1, 0}, utc), At(2027, 1, 4, 0));     // across the year
  EXPECT_EQ(DueReportWeek(At(2026, 12, 1, 6, 59), {2, 7}, utc), std::nullopt);
}

TEST(ReportScheduleTest, LocalTimeAcrossTheSpringChange) {
  const BerlinSpring2026 berlin;
  // 2026-W13 ends on Sunday 29 March, when clocks go forward; its reports are due on Monday
  // 30 March at 06:00 CEST, 04:00 UTC.
  EXPECT_EQ(ReportDueAt({2026, 13}, {1, 6}, berlin), At(2026, 3, 30, 4));
  EXPECT_EQ(DueReportWeek(At(2026, 3, 30, 3, 59), {1, 6}, berlin), std::nullopt);
  EXPECT_EQ(DueReportWeek(At(2026, 3, 30, 4), {1, 6}, berlin), (IsoWeek{2026, 13}));
  // Sunday 02:00 does not occur on 29 March: due at the change, 01:00 UTC.
  EXPECT_EQ(ReportDueAt({2026, 12}, {7, 2}, berlin), At(2026, 3, 29, 1));
}

TEST(ReportScheduleTest, BadSchedulesAreRefused) {
  const FixedOffsetZone utc = FixedOffsetZone::Utc();
  EXPECT_THROW(ReportDueAt({2026, 48}, {0, 6}, utc), InvalidInput);
  EXPECT_THROW(ReportDueAt({2026, 48}, {8, 6}, utc), InvalidInput);
  EXPECT_THROW(ReportDueAt({2026, 48}, {1, 24}, utc), InvalidInput);
  EXPECT_THROW(DueReportWeek(At(2026, 12, 3, 0), {1, -1}, utc), InvalidInput);
}

}  // namespace
}  // namespace costledger::model
