// The weeks a report covers: ISO weeks in a time zone, with DST weeks of 167 and 169 hours.
#include "costledger/model/report_week.hpp"

#include <gtest/gtest.h>

#include "quota_test_zones.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using testing::EuRulesZone;
using testing::TableZone;
using testing::Utc;

const EuRulesZone kBerlin = EuRulesZone::Berlin();

std::chrono::sys_days Day(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

TEST(ReportWeekTest, AUtcWeekIsSevenWholeDaysFromMonday) {
  const ReportWeek w = WeekWindows({2026, 48}, FixedOffsetZone::Utc());
  EXPECT_EQ(w.window.start, Utc(2026, 11, 23));
  EXPECT_EQ(w.window.end, Utc(2026, 11, 30));
  EXPECT_EQ(w.window.length(), hours{168});
  for (std::size_t d = 0; d < kDaysPerWeek; ++d) {
    EXPECT_EQ(w.days[d].date, Day(2026, 11, 23) + std::chrono::days{d});
    EXPECT_EQ(w.days[d].window.length(), hours{24});
  }
  EXPECT_EQ(w.start_abbreviation, "UTC");
  EXPECT_EQ(w.end_abbreviation, "UTC");
}

TEST(ReportWeekTest, TheBerlinWeekWhenClocksGoForwardHas167Hours) {
  // 2026-W13: Mon 23 Mar 00:00 CET to Mon 30 Mar 00:00 CEST; Sunday 29 Mar loses 02:00-03:00.
  const ReportWeek w = WeekWindows({2026, 13}, kBerlin);
  EXPECT_EQ(w.window.start, Utc(2026, 3, 22, 23));
  EXPECT_EQ(w.window.end, Utc(2026, 3, 29, 22));
  EXPECT_EQ(w.window.length(), hours{167});
  for (std::size_t d = 0; d < 6; ++d) EXPECT_EQ(w.days[d].window.length(), hours{24}) << d;
  EXPECT_EQ(w.days[6].date, Day(2026, 3, 29));
  EXPECT_EQ(w.days[6].window, (TimeWindow{Utc(2026, 3, 28, 23), Utc(2026, 3, 29, 22)}));
  EXPECT_EQ(w.days[6].window.length(), hours{23});
  EXPECT_EQ(w.start_abbreviation, "CET");
  EXPECT_EQ(w.end_abbreviation, "CEST");
}

TEST(ReportWeekTest, TheBerlinWeekWhenClocksGoBackHas169Hours) {
  // 2026-W43: Mon 19 Oct 00:00 CEST to Mon 26 Oct 00:00 CET; Sunday 25 Oct has 02:00-03:00 twice.
  const ReportWeek w = WeekWindows({2026, 43}, kBerlin);
  EXPECT_EQ(w.window.start, Utc(2026, 10, 18, 22));
  EXPECT_EQ(w.window.end, Utc(2026, 10, 25, 23));
  EXPECT_EQ(w.window.length(), hours{169});
  EXPECT_EQ(w.days[6].window, (TimeWindow{Utc(2026, 10, 24, 22), Utc(2026, 10, 25, 23)}));
  EXPECT_EQ(w.days[6].window.length(), hours{25});
  EXPECT_EQ(w.start_abbreviation, "CEST");
  EXPECT_EQ(w.end_abbreviation, "CET");
}

TEST(ReportWeekTest, WeeksAndTheirDaysTileTimeAcrossTransitions) {
  IsoWeek week{2025, 50};
  for (int i = 0; i < 120; ++i) {
    const ReportWeek w = WeekWindows(week, kBerlin);
    for (std::size_t d = 1; d < kDaysPerWeek; ++d) {
      EXPECT_EQ(w.days[d - 1].window.end, w.days[d].window.start);
      EXPECT_EQ(w.days[d].date, w.days[d - 1].date + std::chrono::days{1});
    }
    EXPECT_EQ(w.days.front().window.start, w.window.start);
    EXPECT_EQ(w.days.back().window.end, w.window.end);
    const auto length = w.window.length();
    EXPECT_TRUE(length == hours{167} || length == hours{168} || length == hours{169});
    const IsoWeek next = IsoWeekOf(MondayOf(week) + std::chrono::weeks{1});
    EXPECT_EQ(w.window.end, WeekWindows(next, kBerlin).window.start) << ToString(week);
    EXPECT_EQ(PreviousWeek(next), week);
    week = next;
  }
}

TEST(ReportWeekTest, AMondayMidnightTheClocksSkipStartsTheWeekAtTheTransition) {
  // A zone at UTC-4 that jumps from Mon 7 Sep 2026 00:00 to 01:00 (UTC-3), as Chile once did.
  const TableZone zone({hours{-4}, "-04"}, {{Utc(2026, 9, 7, 4), {hours{-3}, "-03"}}});
  const ReportWeek w = WeekWindows({2026, 37}, zone);
  EXPECT_EQ(w.window.start, Utc(2026, 9, 7, 4));
  EXPECT_EQ(w.days[0].window.length(), hours{23});
  EXPECT_EQ(WeekWindows({2026, 36}, zone).window.end, w.window.start);
  EXPECT_EQ(WeekWindows({2026, 36}, zone).window.length(), hours{168});
}

TEST(ReportWeekTest, DayIndexOfFindsTheLocalDay) {
  const ReportWeek w = WeekWindows({2026, 43}, kBerlin);
  EXPECT_EQ(DayIndexOf(w, Utc(2026, 10, 18, 21, 59, 59)), std::nullopt);
  EXPECT_EQ(DayIndexOf(w, Utc(2026, 10, 18, 22)), 0U);
  EXPECT_EQ(DayIndexOf(w, Utc(2026, 10, 24, 21, 59, 59)), 5U);
  EXPECT_EQ(DayIndexOf(w, Utc(2026, 10, 24, 22)), 6U);
  EXPECT_EQ(DayIndexOf(w, Utc(2026, 10, 25, 22, 59, 59)), 6U);  // the 25th hour of Sunday
  EXPECT_EQ(DayIndexOf(w, Utc(2026, 10, 25, 23)), std::nullopt);
}

TEST(ReportWeekTest, PreviousWeekCrossesYears) {
  EXPECT_EQ(PreviousWeek({2026, 1}), (IsoWeek{2025, 52}));
  EXPECT_EQ(PreviousWeek({2027, 1}), (IsoWeek{2026, 53}));
  EXPECT_EQ(PreviousWeek({2026, 48}), (IsoWeek{2026, 47}));
}

TEST(ReportWeekTest, LastCompleteWeekIsTheOneBeforeNow) {
  // Mon 30 Nov 2026 06:00 UTC is 07:00 in Berlin: W48 has just ended.
  EXPECT_EQ(LastCompleteWeek(Utc(2026, 11, 30, 6), kBerlin), (IsoWeek{2026, 48}));
  // Sun 29 Nov 23:30 UTC is already Monday 00:30 in Berlin.
  EXPECT_EQ(LastCompleteWeek(Utc(2026, 11, 29, 23, 30), kBerlin), (IsoWeek{2026, 48}));
  EXPECT_EQ(LastCompleteWeek(Utc(2026, 11, 29, 22, 59), kBerlin), (IsoWeek{2026, 47}));
  // A Monday midnight that occurs twice (clocks back from 00:30 to 23:30): the second Sunday
  // 23:45 reads as Sunday again but is already the new week.
  const TableZone fold({hours{1}, "A"}, {{Utc(2026, 11, 29, 23, 30), {hours{0}, "B"}}});
  EXPECT_EQ(WeekWindows({2026, 49}, fold).window.start, Utc(2026, 11, 29, 23));
  EXPECT_EQ(LastCompleteWeek(Utc(2026, 11, 29, 23, 45), fold), (IsoWeek{2026, 48}));
  EXPECT_EQ(LastCompleteWeek(Utc(2026, 11, 29, 22, 59), fold), (IsoWeek{2026, 47}));
}

}  // namespace
}  // namespace costledger::model
