#include "costledger/model/quota_period.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "costledger/model/iso_week.hpp"
#include "quota_test_zones.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using testing::EuRulesZone;
using testing::TableZone;
using testing::Utc;

const FixedOffsetZone kUtc = FixedOffsetZone::Utc();
const EuRulesZone kBerlin = EuRulesZone::Berlin();

TimeWindow Window(sys_seconds start, sys_seconds end) { return {start, end}; }

std::chrono::local_seconds Local(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return std::chrono::local_seconds{Utc(y, m, d, hh, mm).time_since_epoch()};
}

TEST(ZoneRulesTest, FixedOffsetsNameThemselves) {
  EXPECT_EQ(kUtc.OffsetAt(Utc(2026, 1, 1)).utc_offset, seconds{0});
  EXPECT_EQ(kUtc.OffsetAt(Utc(2026, 1, 1)).abbreviation, "UTC");
  const FixedOffsetZone india(hours{5} + std::chrono::minutes{30});
  EXPECT_EQ(india.OffsetAt(Utc(2026, 1, 1)).abbreviation, "UTC+05:30");
  EXPECT_EQ(FixedOffsetZone(-hours{3}).OffsetAt(Utc(2026, 1, 1)).abbreviation, "UTC-03:00");
  EXPECT_EQ(FixedOffsetZone(seconds{-3723}).OffsetAt(Utc(2026, 1, 1)).abbreviation, "UTC-01:02:03");
  EXPECT_EQ(FixedOffsetZone(hours{9}, "JST").OffsetAt(Utc(2026, 1, 1)).abbreviation, "JST");
  EXPECT_EQ(ToLocal(Utc(2026, 11, 30, 20), india), Local(2026, 12, 1, 1, 30));
}

TEST(ZoneRulesTest, TheFakeBerlinChangesAtTheEuInstants) {
  // 2026: last Sundays are 29 March and 25 October; 2027: 28 March and 31 October.
  EXPECT_EQ(EuRulesZone::Transition(std::chrono::year{2026}, std::chrono::March),
            Utc(2026, 3, 29, 1));
  EXPECT_EQ(EuRulesZone::Transition(std::chrono::year{2026}, std::chrono::October),
            Utc(2026, 10, 25, 1));
  EXPECT_EQ(EuRulesZone::Transition(std::chrono::year{2027}, std::chrono::March),
            Utc(2027, 3, 28, 1));
  EXPECT_EQ(EuRulesZone::Transition(std::chrono::year{2027}, std::chrono::October),
            Utc(2027, 10, 31, 1));
  EXPECT_EQ(kBerlin.OffsetAt(Utc(2026, 3, 29, 0, 59, 59)).abbreviation, "CET");
  EXPECT_EQ(kBerlin.OffsetAt(Utc(2026, 3, 29, 1)).abbreviation, "CEST");
  EXPECT_EQ(ToLocal(Utc(2026, 3, 29, 0, 59, 59), kBerlin), Local(2026, 3, 29, 1, 59) + seconds{59});
  EXPECT_EQ(ToLocal(Utc(2026, 3, 29, 1), kBerlin), Local(2026, 3, 29, 3));
  EXPECT_EQ(ToLocal(Utc(2026, 10, 25, 0, 30), kBerlin), Local(2026, 10, 25, 2, 30));
  EXPECT_EQ(ToLocal(Utc(2026, 10, 25, 1, 30), kBerlin), Local(2026, 10, 25, 2, 30));
}

TEST(ZoneRulesTest, FirstInstantOfALocalTime) {
  // An ordinary local time occurs once.
  EXPECT_EQ(FirstInstantAtOrAfter(Local(2026, 11, 30), kBerlin), Utc(2026, 11, 29, 23));
  EXPECT_EQ(FirstInstantAtOrAfter(Local(2026, 7, 1), kBerlin), Utc(2026, 6, 30, 22));
  EXPECT_EQ(FirstInstantAtOrAfter(Local(2026, 11, 30), kUtc), Utc(2026, 11, 30));
  // Skipped (02:00-03:00 on 29 March): the transition, whose local time is 03:00.
  EXPECT_EQ(FirstInstantAtOrAfter(Local(2026, 3, 29, 2), kBerlin), Utc(2026, 3, 29, 1));
  EXPECT_EQ(FirstInstantAtOrAfter(Local(2026, 3, 29, 2, 30), kBerlin), Utc(2026, 3, 29, 1));
  EXPECT_EQ(FirstInstantAtOrAfter(Local(2026, 3, 29, 3), kBerlin), Utc(2026, 3, 29, 1));
  EXPECT_EQ(FirstInstantAtOrAfter(Local(2026, 3, 29, 1, 59), kBerlin), Utc(2026, 3, 29, 0, 59));
  // Repeated (02:00-03:00 on 25 October): the first time, in summer time.
  EXPECT_EQ(FirstInstantAtOrAfter(Local(2026, 10, 25, 2), kBerlin), Utc(2026, 10, 25, 0));
  EXPECT_EQ(FirstInstantAtOrAfter(Local(2026, 10, 25, 2, 30), kBerlin), Utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(FirstInstantAtOrAfter(Local(2026, 10, 25, 3), kBerlin), Utc(2026, 10, 25, 2));
}

TEST(ZoneRulesTest, FirstInstantIsTheLeastWhoseLocalTimeIsNotEarlier) {
  // By definition, checked minute by minute around both Berlin transitions of 2026.
  for (const sys_seconds around : {Utc(2026, 3, 29, 1), Utc(2026, 10, 25, 1)}) {
    for (int minute = -180; minute <= 180; minute += 7) {
      const std::chrono::local_seconds wanted =
          ToLocal(around, kBerlin) + std::chrono::minutes{minute};
      const sys_seconds first = FirstInstantAtOrAfter(wanted, kBerlin);
      EXPECT_GE(ToLocal(first, kBerlin), wanted) << minute;
      EXPECT_LT(ToLocal(first - seconds{1}, kBerlin), wanted) << minute;
      for (sys_seconds t = first - hours{3}; t < first; t += std::chrono::minutes{1}) {
        ASSERT_LT(ToLocal(t, kBerlin), wanted) << minute;
      }
    }
  }
}

TEST(QuotaPeriodTest, UtcDays) {
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 11, 30, 13, 45), kUtc),
            Window(Utc(2026, 11, 30), Utc(2026, 12, 1)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 11, 30), kUtc),
            Window(Utc(2026, 11, 30), Utc(2026, 12, 1)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 11, 30, 23, 59, 59), kUtc),
            Window(Utc(2026, 11, 30), Utc(2026, 12, 1)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 12, 31, 23, 59, 59), kUtc),
            Window(Utc(2026, 12, 31), Utc(2027, 1, 1)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2028, 2, 29, 12), kUtc),
            Window(Utc(2028, 2, 29), Utc(2028, 3, 1)));
}

TEST(QuotaPeriodTest, UtcIsoWeeks) {
  // Mon 2026-11-30 .. Mon 2026-12-07 (2026-W49).
  for (const sys_seconds at :
       {Utc(2026, 11, 30), Utc(2026, 12, 2, 9), Utc(2026, 12, 6, 23, 59, 59)}) {
    EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, at, kUtc),
              Window(Utc(2026, 11, 30), Utc(2026, 12, 7)));
  }
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 12, 7), kUtc),
            Window(Utc(2026, 12, 7), Utc(2026, 12, 14)));
}

TEST(QuotaPeriodTest, IsoWeeksAcrossYearEnds) {
  // 2026 has 53 ISO weeks: W53 runs Mon 2026-12-28 .. Mon 2027-01-04, into the new year.
  const TimeWindow w53{Utc(2026, 12, 28), Utc(2027, 1, 4)};
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 12, 31, 12), kUtc), w53);
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2027, 1, 1), kUtc), w53);
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2027, 1, 3, 23, 59, 59), kUtc), w53);
  EXPECT_EQ(IsoWeekOf(std::chrono::floor<std::chrono::days>(Utc(2027, 1, 2))), (IsoWeek{2026, 53}));
  // 2026-W01 starts in December 2025.
  const TimeWindow w01{Utc(2025, 12, 29), Utc(2026, 1, 5)};
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2025, 12, 29), kUtc), w01);
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2025, 12, 31, 23), kUtc), w01);
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 1, 1), kUtc), w01);
  EXPECT_EQ(IsoWeekOf(std::chrono::floor<std::chrono::days>(Utc(2025, 12, 30))),
            (IsoWeek{2026, 1}));
  // And the week before it is 2025-W52.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2025, 12, 28, 23, 59, 59), kUtc),
            Window(Utc(2025, 12, 22), Utc(2025, 12, 29)));
}

TEST(QuotaPeriodTest, UtcMonths) {
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2026, 11, 30, 13), kUtc),
            Window(Utc(2026, 11, 1), Utc(2026, 12, 1)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2026, 12, 31, 23, 59, 59), kUtc),
            Window(Utc(2026, 12, 1), Utc(2027, 1, 1)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2027, 1, 1), kUtc),
            Window(Utc(2027, 1, 1), Utc(2027, 2, 1)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2028, 2, 10), kUtc),
            Window(Utc(2028, 2, 1), Utc(2028, 3, 1)));  // leap: 29 days
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2027, 2, 10), kUtc).length(),
            hours{28 * 24});
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2028, 2, 10), kUtc).length(),
            hours{29 * 24});
}

TEST(QuotaPeriodTest, FixedOffsetsMoveTheBoundaries) {
  const FixedOffsetZone india(hours{5} + std::chrono::minutes{30});
  // 20:00 UTC on 30 November is 01:30 on 1 December in India.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 11, 30, 20), india),
            Window(Utc(2026, 11, 30, 18, 30), Utc(2026, 12, 1, 18, 30)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2026, 11, 30, 20), india),
            Window(Utc(2026, 11, 30, 18, 30), Utc(2026, 12, 31, 18, 30)));
  const FixedOffsetZone pacific(-hours{8});
  // 03:00 UTC on 1 December is 19:00 on 30 November at UTC-8.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2026, 12, 1, 3), pacific),
            Window(Utc(2026, 11, 1, 8), Utc(2026, 12, 1, 8)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 11, 30, 7, 59, 59), pacific),
            Window(Utc(2026, 11, 23, 8), Utc(2026, 11, 30, 8)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 11, 30, 8), pacific),
            Window(Utc(2026, 11, 30, 8), Utc(2026, 12, 7, 8)));
  // A week 53 that ends in a later UTC year: 2027-01-03 20:00 local is 2027-01-04 04:00 UTC.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2027, 1, 4, 4), pacific),
            Window(Utc(2026, 12, 28, 8), Utc(2027, 1, 4, 8)));
}

TEST(QuotaPeriodTest, BerlinDaysOf23And25Hours) {
  const TimeWindow spring = QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 3, 29, 12), kBerlin);
  EXPECT_EQ(spring, Window(Utc(2026, 3, 28, 23), Utc(2026, 3, 29, 22)));
  EXPECT_EQ(spring.length(), hours{23});
  const TimeWindow autumn = QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 10, 25, 12), kBerlin);
  EXPECT_EQ(autumn, Window(Utc(2026, 10, 24, 22), Utc(2026, 10, 25, 23)));
  EXPECT_EQ(autumn.length(), hours{25});
  // Either side of each change, the same day.
  for (const sys_seconds at : {Utc(2026, 3, 29, 0, 59, 59), Utc(2026, 3, 29, 1)}) {
    EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, at, kBerlin), spring);
  }
  for (const sys_seconds at : {Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 25, 1, 30)}) {
    EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, at, kBerlin), autumn);  // both read 02:30
  }
  // Ordinary days either side.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 3, 28, 12), kBerlin),
            Window(Utc(2026, 3, 27, 23), Utc(2026, 3, 28, 23)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 3, 30, 12), kBerlin),
            Window(Utc(2026, 3, 29, 22), Utc(2026, 3, 30, 22)));
}

TEST(QuotaPeriodTest, BerlinWeeksOf167And169Hours) {
  const TimeWindow spring = QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 3, 25), kBerlin);
  EXPECT_EQ(spring, Window(Utc(2026, 3, 22, 23), Utc(2026, 3, 29, 22)));
  EXPECT_EQ(spring.length(), hours{167});
  const TimeWindow autumn = QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 10, 21), kBerlin);
  EXPECT_EQ(autumn, Window(Utc(2026, 10, 18, 22), Utc(2026, 10, 25, 23)));
  EXPECT_EQ(autumn.length(), hours{169});
  // Sunday 23:30 local is still the old week; Monday 00:00 local starts the new one.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 3, 29, 21, 30), kBerlin), spring);
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 3, 29, 22), kBerlin).start,
            Utc(2026, 3, 29, 22));
  // A winter week is 168 hours, starting at 23:00 UTC on the Sunday.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 12, 2), kBerlin),
            Window(Utc(2026, 11, 29, 23), Utc(2026, 12, 6, 23)));
  // Week 53 in Berlin: Mon 2026-12-28 00:00 CET .. Mon 2027-01-04 00:00 CET.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2026, 12, 31, 23, 30), kBerlin),
            Window(Utc(2026, 12, 27, 23), Utc(2027, 1, 3, 23)));
}

TEST(QuotaPeriodTest, BerlinMonthsAcrossChangesAndYearEnd) {
  const TimeWindow march = QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2026, 3, 15), kBerlin);
  EXPECT_EQ(march, Window(Utc(2026, 2, 28, 23), Utc(2026, 3, 31, 22)));
  EXPECT_EQ(march.length(), hours{31 * 24 - 1});
  const TimeWindow october = QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2026, 10, 15), kBerlin);
  EXPECT_EQ(october, Window(Utc(2026, 9, 30, 22), Utc(2026, 10, 31, 23)));
  EXPECT_EQ(october.length(), hours{31 * 24 + 1});
  // 23:30 UTC on 31 December is already January in Berlin.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2026, 12, 31, 23, 30), kBerlin),
            Window(Utc(2026, 12, 31, 23), Utc(2027, 1, 31, 23)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2026, 12, 31, 22, 59, 59), kBerlin),
            Window(Utc(2026, 11, 30, 23), Utc(2026, 12, 31, 23)));
}

/// A zone that changes at midnight: clocks jump from 00:00 to 01:00 (UTC-3 -> UTC-2) at 03:00 UTC
/// on 2026-10-04 and 2027-10-03; they fall back from 24:00 to 23:00 (UTC-2 -> UTC-3) at 02:00 UTC
/// on 2027-02-21, and from 00:30 to 23:30 the day before at 02:30 UTC on 2028-02-20.
TableZone MidnightChanges() {
  return TableZone({-hours{3}, "-03"}, {{Utc(2026, 10, 4, 3), {-hours{2}, "-02"}},
                                        {Utc(2027, 2, 21, 2), {-hours{3}, "-03"}},
                                        {Utc(2027, 10, 3, 3), {-hours{2}, "-02"}},
                                        {Utc(2028, 2, 20, 2, 30), {-hours{3}, "-03"}}});
}

TEST(QuotaPeriodTest, ASkippedMidnightStartsTheDayAtTheChange) {
  const TableZone zone = MidnightChanges();
  const TimeWindow day = QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 10, 4, 12), zone);
  EXPECT_EQ(day, Window(Utc(2026, 10, 4, 3), Utc(2026, 10, 5, 2)));
  EXPECT_EQ(day.length(), hours{23});
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 10, 4, 2, 59, 59), zone),
            Window(Utc(2026, 10, 3, 3), Utc(2026, 10, 4, 3)));
  // 2026-10-04 is a Sunday, so the skipped midnight is not a week's start; 1 October's is not
  // skipped either; the month of October starts at an ordinary midnight.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2026, 10, 4, 12), zone),
            Window(Utc(2026, 10, 1, 3), Utc(2026, 11, 1, 2)));
}

TEST(QuotaPeriodTest, ARepeatedLastHourBelongsToTheDayItRepeats) {
  const TableZone zone = MidnightChanges();
  // At 24:00 -02 on 20 February 2027 the clocks read 23:00 again: the 20th lasts 25 hours and
  // the 21st starts at its only midnight, 00:00 -03.
  const TimeWindow twentieth{Utc(2027, 2, 20, 2), Utc(2027, 2, 21, 3)};
  EXPECT_EQ(ToLocal(Utc(2027, 2, 21, 2, 30), zone), Local(2027, 2, 20, 23, 30));
  for (const sys_seconds at : {Utc(2027, 2, 20, 2), Utc(2027, 2, 21, 1, 59, 59),
                               Utc(2027, 2, 21, 2), Utc(2027, 2, 21, 2, 59, 59)}) {
    EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, at, zone), twentieth);
  }
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2027, 2, 21, 3), zone),
            Window(Utc(2027, 2, 21, 3), Utc(2027, 2, 22, 3)));
  // 2027-02-21 is a Sunday: its week started on Monday the 15th and ends at the next Monday.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2027, 2, 21, 2, 30), zone),
            Window(Utc(2027, 2, 15, 2), Utc(2027, 2, 22, 3)));
}

TEST(QuotaPeriodTest, ARepeatedMidnightStartsTheDayAtItsFirstOccurrence) {
  const TableZone zone = MidnightChanges();
  // 2028-02-20 00:00 -02 (02:00 UTC) starts the day; at 00:30 the clocks go back to 19 February
  // 23:30, and that half hour still belongs to the 20th, which lasts 25 hours.
  const TimeWindow day{Utc(2028, 2, 20, 2), Utc(2028, 2, 21, 3)};
  EXPECT_EQ(ToLocal(Utc(2028, 2, 20, 2, 30), zone), Local(2028, 2, 19, 23, 30));
  EXPECT_EQ(ToLocal(Utc(2028, 2, 20, 3), zone), Local(2028, 2, 20, 0, 0));
  for (const sys_seconds at :
       {Utc(2028, 2, 20, 2), Utc(2028, 2, 20, 2, 29, 59), Utc(2028, 2, 20, 2, 30),
        Utc(2028, 2, 20, 2, 59, 59), Utc(2028, 2, 20, 3), Utc(2028, 2, 21, 2, 59, 59)}) {
    EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, at, zone), day);
  }
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2028, 2, 20, 1, 59, 59), zone),
            Window(Utc(2028, 2, 19, 2), Utc(2028, 2, 20, 2)));
  // 2028-02-20 is a Sunday, its week Mon 14 00:00 -02 .. Mon 21 00:00 -03.
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kWeek, Utc(2028, 2, 20, 2, 30), zone),
            Window(Utc(2028, 2, 14, 2), Utc(2028, 2, 21, 3)));
}

TEST(QuotaPeriodTest, ADayThatNeverHappensIsSkipped) {
  // As Samoa did: UTC-10 -> UTC+14 at 10:00 UTC on 2011-12-30, so 30 December never happened.
  const TableZone samoa({-hours{10}, "-10"}, {{Utc(2011, 12, 30, 10), {hours{14}, "+14"}}});
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2011, 12, 30, 9, 59, 59), samoa),
            Window(Utc(2011, 12, 29, 10), Utc(2011, 12, 30, 10)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2011, 12, 30, 10), samoa),
            Window(Utc(2011, 12, 30, 10), Utc(2011, 12, 31, 10)));
  EXPECT_EQ(QuotaPeriodWindow(QuotaPeriod::kMonth, Utc(2011, 12, 30, 10), samoa),
            Window(Utc(2011, 12, 1, 10), Utc(2011, 12, 31, 10)));
}

TEST(QuotaPeriodTest, PeriodStartDays) {
  using std::chrono::sys_days;
  const sys_days wednesday{std::chrono::year{2026} / 12 / 2};
  EXPECT_EQ(PeriodStartDay(QuotaPeriod::kDay, wednesday), wednesday);
  EXPECT_EQ(PeriodStartDay(QuotaPeriod::kWeek, wednesday),
            sys_days{std::chrono::year{2026} / 11 / 30});
  EXPECT_EQ(PeriodStartDay(QuotaPeriod::kMonth, wednesday),
            sys_days{std::chrono::year{2026} / 12 / 1});
  const sys_days new_year{std::chrono::year{2027} / 1 / 1};
  EXPECT_EQ(PeriodStartDay(QuotaPeriod::kWeek, new_year),
            sys_days{std::chrono::year{2026} / 12 / 28});
}

/// The properties of every period, for random instants over 2024-2031 in several zones.
TEST(QuotaPeriodTest, PeriodsTileTimeAndStartAtLocalBoundaries) {
  const FixedOffsetZone india(hours{5} + std::chrono::minutes{30});
  const FixedOffsetZone pacific(-hours{8});
  const EuRulesZone helsinki(hours{2}, "EET", "EEST");
  const TableZone midnight = MidnightChanges();
  const std::vector<const ZoneRules*> zones = {&kUtc,    &kBerlin,  &india,
                                               &pacific, &helsinki, &midnight};
  std::mt19937_64 random(20261130);
  const std::int64_t from = Utc(2024, 1, 1).time_since_epoch().count();
  const std::int64_t to = Utc(2031, 12, 31).time_since_epoch().count();
  std::uniform_int_distribution<std::int64_t> instant(from, to);
  for (int i = 0; i < 3000; ++i) {
    const sys_seconds at{seconds{instant(random)}};
    for (const ZoneRules* zone : zones) {
      for (const QuotaPeriod period :
           {QuotaPeriod::kDay, QuotaPeriod::kWeek, QuotaPeriod::kMonth}) {
        const TimeWindow w = QuotaPeriodWindow(period, at, *zone);
        ASSERT_LE(w.start, at);
        ASSERT_LT(at, w.end);
        // Its own instants give the same period; its end starts the next one.
        ASSERT_EQ(QuotaPeriodWindow(period, w.start, *zone), w);
        ASSERT_EQ(QuotaPeriodWindow(period, w.end - seconds{1}, *zone), w);
        ASSERT_EQ(QuotaPeriodWindow(period, w.end, *zone).start, w.end);
        ASSERT_EQ(QuotaPeriodWindow(period, w.start - seconds{1}, *zone).end, w.start);
        // It starts at local midnight (or the change that skips it) of the right day.
        const std::chrono::local_seconds local_start = ToLocal(w.start, *zone);
        const auto start_day = std::chrono::floor<std::chrono::days>(local_start);
        ASSERT_LE(local_start - start_day, hours{1});
        const std::chrono::year_month_day ymd{std::chrono::sys_days{start_day.time_since_epoch()}};
        const std::chrono::weekday weekday{std::chrono::sys_days{start_day.time_since_epoch()}};
        const auto hours_long = std::chrono::duration_cast<hours>(w.length()).count();
        switch (period) {
          case QuotaPeriod::kDay:
            ASSERT_TRUE(hours_long >= 23 && hours_long <= 25) << hours_long;
            break;
          case QuotaPeriod::kWeek:
            ASSERT_EQ(weekday, std::chrono::Monday);
            ASSERT_TRUE(hours_long >= 167 && hours_long <= 169) << hours_long;
            break;
          case QuotaPeriod::kMonth:
            ASSERT_EQ(ymd.day(), std::chrono::day{1});
            ASSERT_TRUE(hours_long >= 28 * 24 - 1 && hours_long <= 31 * 24 + 1) << hours_long;
            break;
        }
        ASSERT_EQ(w.length() % hours{1}, seconds{0});
      }
    }
  }
}

}  // namespace
}  // namespace costledger::model
