#include "costledger/postgres/read_plan.hpp"

#include <gtest/gtest.h>

namespace costledger::postgres {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

const sys_seconds kDay{seconds{1'763'251'200}};  // 2025-11-16T00:00:00Z

ReadSegment S(ReadTier tier, sys_seconds a, sys_seconds b) { return {tier, a, b}; }

TEST(ReadPlanTest, WholeDaysFromDailyHoursFromHourlyRestFromRaw) {
  const sys_seconds start = kDay - hours(2) - minutes(30);
  const sys_seconds end = kDay + days(2) + hours(1) + minutes(10);
  EXPECT_EQ(
      PlanReads(start, end, end - start, {}, {}),
      (std::vector<ReadSegment>{S(ReadTier::kRaw, start, kDay - hours(2)),
                                S(ReadTier::kHourly, kDay - hours(2), kDay),
                                S(ReadTier::kDaily, kDay, kDay + days(2)),
                                S(ReadTier::kHourly, kDay + days(2), kDay + days(2) + hours(1)),
                                S(ReadTier::kRaw, kDay + days(2) + hours(1), end)}));
}

TEST(ReadPlanTest, PendingHoursAndDaysFallBackToFinerTiers) {
  const sys_seconds end = kDay + days(1);
  // A pending hour: its day comes from hourly rollups, the hour itself from raw intervals.
  EXPECT_EQ(PlanReads(kDay, end, days(1), {kDay + hours(5)}, {}),
            (std::vector<ReadSegment>{S(ReadTier::kHourly, kDay, kDay + hours(5)),
                                      S(ReadTier::kRaw, kDay + hours(5), kDay + hours(6)),
                                      S(ReadTier::kHourly, kDay + hours(6), end)}));
  // A pending day: hourly rollups.
  EXPECT_EQ(PlanReads(kDay, end, days(1), {}, {kDay}),
            (std::vector<ReadSegment>{S(ReadTier::kHourly, kDay, end)}));
}

TEST(ReadPlanTest, StepsThatCutRollupsForceFinerTiers) {
  const sys_seconds end = kDay + days(2);
  // Hourly steps: no daily rows (a day spans 24 steps).
  EXPECT_EQ(PlanReads(kDay, end, hours(1), {}, {}),
            (std::vector<ReadSegment>{S(ReadTier::kHourly, kDay, end)}));
  // Steps of 90 minutes cut hours: raw intervals only.
  EXPECT_EQ(PlanReads(kDay, end, minutes(90), {}, {}),
            (std::vector<ReadSegment>{S(ReadTier::kRaw, kDay, end)}));
  // A window starting mid-hour with hourly steps: step boundaries are not hour boundaries.
  EXPECT_EQ(PlanReads(kDay + minutes(15), end, hours(1), {}, {}),
            (std::vector<ReadSegment>{S(ReadTier::kRaw, kDay + minutes(15), end)}));
  // Daily steps from midnight: daily rows.
  EXPECT_EQ(PlanReads(kDay, end, days(1), {}, {}),
            (std::vector<ReadSegment>{S(ReadTier::kDaily, kDay, end)}));
}

TEST(ReadPlanTest, ShortWindowsAreRaw) {
  EXPECT_EQ(PlanReads(kDay + minutes(5), kDay + minutes(20), minutes(15), {}, {}),
            (std::vector<ReadSegment>{S(ReadTier::kRaw, kDay + minutes(5), kDay + minutes(20))}));
  EXPECT_TRUE(PlanReads(kDay, kDay, hours(1), {}, {}).empty());
}

}  // namespace
}  // namespace costledger::postgres
