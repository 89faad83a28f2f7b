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

namespace costledger::postgres {
namespace {

ReadSegment Minus(sys_seconds a, sys_seconds b) { return {ReadTier::kHourly, a, b, true}; }

// A report's local day, 22:00 to 22:00 UTC (Europe/Berlin in summer): the UTC day less its last
// two hours, plus the two hours before it.
TEST(ReadPlanComplementTest, ALocalDayIsTheUtcDayLessTheHoursOutsideIt) {
  const sys_seconds start = kDay - hours(2);
  const sys_seconds end = kDay + hours(22);
  EXPECT_EQ(PlanReads(start, end, end - start, {}, {}, true),
            (std::vector<ReadSegment>{S(ReadTier::kHourly, start, kDay),
                                      S(ReadTier::kDaily, kDay, kDay + days(1)),
                                      Minus(kDay + hours(22), kDay + days(1))}));
  // Without complements, 24 hours.
  EXPECT_EQ(PlanReads(start, end, end - start, {}, {}),
            (std::vector<ReadSegment>{S(ReadTier::kHourly, start, end)}));
  // A window that starts late in a day takes the hours before it away.
  EXPECT_EQ(PlanReads(kDay + hours(3), kDay + days(1), days(1), {}, {}, true),
            (std::vector<ReadSegment>{S(ReadTier::kDaily, kDay, kDay + days(1)),
                                      Minus(kDay, kDay + hours(3))}));
}

// A week of local days (a 169-hour DST week): whole UTC days stay whole, the edges subtract.
TEST(ReadPlanComplementTest, AWeekOfLocalDaysReadsDaysAndFourHours) {
  const sys_seconds start = kDay - hours(2);
  const sys_seconds end = kDay + days(7) - hours(1);
  EXPECT_EQ(PlanReads(start, end, end - start, {}, {}, true),
            (std::vector<ReadSegment>{S(ReadTier::kHourly, start, kDay),
                                      S(ReadTier::kDaily, kDay, kDay + days(7)),
                                      Minus(kDay + days(7) - hours(1), kDay + days(7))}));
}

TEST(ReadPlanComplementTest, OnlyWhereExactAndCheaper) {
  const sys_seconds start = kDay - hours(2);
  const sys_seconds end = kDay + hours(22);
  const std::vector<ReadSegment> hourly{S(ReadTier::kHourly, start, end)};
  // The day's rollup pending, or an hour to take away pending: no complement.
  EXPECT_EQ(PlanReads(start, end, end - start, {}, {kDay}, true), hourly);
  const auto with_pending_hour = PlanReads(start, end, end - start, {kDay + hours(23)}, {}, true);
  EXPECT_EQ(with_pending_hour, hourly);
  // A pending hour inside the covered part: the day is not read whole either.
  EXPECT_EQ(PlanReads(start, end, end - start, {kDay + hours(5)}, {}, true),
            (std::vector<ReadSegment>{S(ReadTier::kHourly, start, kDay + hours(5)),
                                      S(ReadTier::kRaw, kDay + hours(5), kDay + hours(6)),
                                      S(ReadTier::kHourly, kDay + hours(6), end)}));
  // Half a day or less: its own hours are fewer.
  EXPECT_EQ(PlanReads(kDay, kDay + hours(12), hours(12), {}, {}, true),
            (std::vector<ReadSegment>{S(ReadTier::kHourly, kDay, kDay + hours(12))}));
  // Edges off whole hours: the part is read as before.
  EXPECT_EQ(PlanReads(kDay, kDay + hours(20) + minutes(30), hours(21), {}, {}, true),
            (std::vector<ReadSegment>{
                S(ReadTier::kHourly, kDay, kDay + hours(20)),
                S(ReadTier::kRaw, kDay + hours(20), kDay + hours(20) + minutes(30))}));
  // Several steps: rows must fall in one step each, so never.
  EXPECT_EQ(PlanReads(start, start + days(2), days(1), {}, {}, true),
            (std::vector<ReadSegment>{S(ReadTier::kHourly, start, start + days(2))}));
}

}  // namespace
}  // namespace costledger::postgres
