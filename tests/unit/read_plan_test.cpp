#include "costledger/postgres/read_plan.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <set>
#include <vector>

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

// The planner as it was before it took runs (hour by hour, day by day): the oracle that the
// faster one must equal on every input.
std::vector<ReadSegment> HourByHourPlan(sys_seconds start, sys_seconds end, seconds step,
                                        const std::set<sys_seconds>& pending_hours,
                                        const std::set<sys_seconds>& pending_days,
                                        bool complements) {
  const bool single_step = step >= end - start;
  const auto aligned = [](sys_seconds t, seconds unit) {
    return t.time_since_epoch() % unit == seconds(0);
  };
  const bool days_usable = single_step || (aligned(start, days(1)) && step % days(1) == hours(0));
  const bool hours_usable =
      single_step || (aligned(start, hours(1)) && step % hours(1) == hours(0));
  std::vector<ReadSegment> out;
  const auto push = [&](ReadTier tier, sys_seconds a, sys_seconds b, bool subtract = false) {
    if (!out.empty() && out.back().tier == tier && out.back().end == a &&
        out.back().subtract == subtract) {
      out.back().end = b;
    } else {
      out.push_back({tier, a, b, subtract});
    }
  };
  const auto hours_current = [&](sys_seconds a, sys_seconds b) {
    const auto hour = pending_hours.lower_bound(a);
    return hour == pending_hours.end() || *hour >= b;
  };
  const auto by_complement = [&](sys_seconds day, sys_seconds t, sys_seconds covered_end) {
    if (!complements || !single_step || !aligned(t, hours(1)) || !aligned(covered_end, hours(1)) ||
        covered_end - t <= hours(12) || pending_days.contains(day) ||
        !hours_current(day, day + days(1))) {
      return false;
    }
    push(ReadTier::kDaily, day, day + days(1));
    if (day < t) push(ReadTier::kHourly, day, t, true);
    if (covered_end < day + days(1)) push(ReadTier::kHourly, covered_end, day + days(1), true);
    return true;
  };
  sys_seconds t = start;
  while (t < end) {
    const sys_seconds day = std::chrono::floor<days>(t);
    const sys_seconds covered_end = std::min(end, day + days(1));
    if ((t != day || covered_end != day + days(1)) && by_complement(day, t, covered_end)) {
      t = covered_end;
      continue;
    }
    if (days_usable && aligned(t, days(1)) && t + days(1) <= end && !pending_days.contains(t) &&
        hours_current(t, t + days(1))) {
      push(ReadTier::kDaily, t, t + days(1));
      t += days(1);
      continue;
    }
    if (hours_usable && aligned(t, hours(1)) && t + hours(1) <= end && !pending_hours.contains(t)) {
      push(ReadTier::kHourly, t, t + hours(1));
      t += hours(1);
      continue;
    }
    const sys_seconds next = std::min<sys_seconds>(std::chrono::floor<hours>(t) + hours(1), end);
    push(ReadTier::kRaw, t, next);
    t = next;
  }
  return out;
}

TEST(ReadPlanTest, RunsEqualTheHourByHourPlanOnRandomWindows) {
  std::mt19937_64 random(20261204);
  const auto pick = [&](std::int64_t n) {
    return std::uniform_int_distribution<std::int64_t>(0, n - 1)(random);
  };
  for (int i = 0; i < 3000; ++i) {
    // Windows of up to 20 days around kDay, at minute, hour or day granularity.
    const seconds grain = std::array<seconds, 3>{minutes(1), hours(1), days(1)}[pick(3)];
    const sys_seconds start = kDay - days(5) + grain * pick(10 * days(1) / grain);
    const sys_seconds end = start + grain * (1 + pick(10 * days(1) / grain));
    const seconds step =
        pick(3) == 0   ? end - start
        : pick(2) == 0 ? std::array<seconds, 4>{hours(1), hours(6), days(1), minutes(90)}[pick(4)]
                       : end - start + hours(1);
    std::set<sys_seconds> pending_hours;
    std::set<sys_seconds> pending_days;
    for (std::int64_t k = pick(4); k > 0; --k) {
      pending_hours.insert(kDay - days(6) + hours(pick(24 * 22)));
    }
    for (std::int64_t k = pick(3); k > 0; --k) pending_days.insert(kDay - days(6) + days(pick(22)));
    const bool complements = pick(2) == 0;
    EXPECT_EQ(PlanReads(start, end, step, pending_hours, pending_days, complements),
              HourByHourPlan(start, end, step, pending_hours, pending_days, complements))
        << "start " << start.time_since_epoch().count() << " end " << end.time_since_epoch().count()
        << " step " << step.count();
    if (HasFailure()) break;
  }
}

TEST(ReadPlanTest, EightThousandYearsPlanAsFewSegmentsAsTenDays) {
  // window=0,253402300799 (1970 to 9999): walked hour by hour this took seconds of CPU per
  // request; in runs it is a handful of segments whatever the width.
  const sys_seconds epoch{seconds{0}};
  const sys_seconds last{seconds{253'402'300'799}};
  EXPECT_EQ(PlanReads(epoch, last, seconds(100'000'000), {}, {}),
            (std::vector<ReadSegment>{S(ReadTier::kRaw, epoch, last)}));
  const std::set<sys_seconds> pending{kDay + hours(3)};
  EXPECT_EQ(
      PlanReads(epoch, last, last - epoch, pending, {kDay + days(1)}),
      (std::vector<ReadSegment>{
          S(ReadTier::kDaily, epoch, kDay), S(ReadTier::kHourly, kDay, kDay + hours(3)),
          S(ReadTier::kRaw, kDay + hours(3), kDay + hours(4)),
          S(ReadTier::kHourly, kDay + hours(4), kDay + days(2)),
          S(ReadTier::kDaily, kDay + days(2), std::chrono::floor<days>(last)),
          S(ReadTier::kHourly, std::chrono::floor<days>(last), std::chrono::floor<hours>(last)),
          S(ReadTier::kRaw, std::chrono::floor<hours>(last), last)}));
}

// Local days of the store's zone (Europe/Berlin in November: 23:00 to 23:00 UTC).
LocalDay Local(sys_seconds start, sys_seconds end, bool pending = false) {
  return {start, end, pending};
}

TEST(ReadPlanLocalDayTest, ALocalDayWithACurrentRollupIsOneSegment) {
  const sys_seconds start = kDay - hours(1);
  const sys_seconds end = kDay + hours(23);
  EXPECT_EQ(PlanReadsWithLocalDays(start, end, {}, {}, {Local(start, end)}),
            (std::vector<ReadSegment>{S(ReadTier::kLocalDaily, start, end)}));
  // A week of them: one segment; a 25-hour day (DST ends) as any other.
  std::vector<LocalDay> week;
  for (int d = 0; d < 7; ++d) {
    week.push_back(Local(start + days(d), start + days(d + 1) + (d == 6 ? hours(1) : hours(0))));
  }
  const sys_seconds week_end = week.back().end;
  EXPECT_EQ(PlanReadsWithLocalDays(start, week_end, {}, {}, week),
            (std::vector<ReadSegment>{S(ReadTier::kLocalDaily, start, week_end)}));
}

TEST(ReadPlanLocalDayTest, DaysNotCurrentOrNotCoveredAreReadFromTheUtcTiers) {
  const sys_seconds start = kDay - hours(1);
  const sys_seconds end = kDay + hours(23);
  const std::vector<ReadSegment> utc = PlanReads(start, end, end - start, {}, {}, true);
  // Pending, or an hour of it pending, or none stored: as PlanReads with complements.
  EXPECT_EQ(PlanReadsWithLocalDays(start, end, {}, {}, {Local(start, end, true)}), utc);
  EXPECT_EQ(PlanReadsWithLocalDays(start, end, {kDay + hours(4)}, {}, {Local(start, end)}),
            PlanReads(start, end, end - start, {kDay + hours(4)}, {}, true));
  EXPECT_EQ(PlanReadsWithLocalDays(start, end, {}, {}, {}), utc);
  // A pending hour just outside it does not matter.
  EXPECT_EQ(PlanReadsWithLocalDays(start, end, {end}, {}, {Local(start, end)}),
            (std::vector<ReadSegment>{S(ReadTier::kLocalDaily, start, end)}));
  // A window that covers a local day only in part reads that part from the UTC tiers; the day
  // it covers whole from its rollup.
  const sys_seconds late = start + hours(5);
  std::vector<ReadSegment> expected = PlanReads(late, end, end - late, {}, {}, true);
  expected.push_back(S(ReadTier::kLocalDaily, end, end + days(1)));
  EXPECT_EQ(PlanReadsWithLocalDays(late, end + days(1), {}, {},
                                   {Local(start, end), Local(end, end + days(1))}),
            expected);
  // The day between two current ones pending: current, UTC tiers, current.
  expected = {S(ReadTier::kLocalDaily, start, end)};
  for (const ReadSegment& s : PlanReads(end, end + days(1), days(1), {}, {}, true)) {
    expected.push_back(s);
  }
  expected.push_back(S(ReadTier::kLocalDaily, end + days(1), end + days(2)));
  EXPECT_EQ(PlanReadsWithLocalDays(start, end + days(2), {}, {},
                                   {Local(start, end), Local(end, end + days(1), true),
                                    Local(end + days(1), end + days(2))}),
            expected);
}

}  // namespace
}  // namespace costledger::postgres
