#include "costledger/model/report_week.hpp"

namespace costledger::model {
namespace {

std::chrono::sys_seconds StartOfLocalDay(std::chrono::sys_days local_day, const ZoneRules& zone) {
  return FirstInstantAtOrAfter(std::chrono::local_seconds{local_day.time_since_epoch()}, zone);
}

}  // namespace

ReportWeek WeekWindows(IsoWeek week, const ZoneRules& zone) {
  ReportWeek out;
  out.week = week;
  const std::chrono::sys_days monday = MondayOf(week);
  std::chrono::sys_seconds start = StartOfLocalDay(monday, zone);
  for (std::size_t d = 0; d < kDaysPerWeek; ++d) {
    const std::chrono::sys_days date = monday + std::chrono::days{d};
    const std::chrono::sys_seconds end = StartOfLocalDay(date + std::chrono::days{1}, zone);
    out.days[d] = ReportDay{date, TimeWindow{start, end}};
    start = end;
  }
  out.window = TimeWindow{out.days.front().window.start, out.days.back().window.end};
  out.start_abbreviation = zone.OffsetAt(out.window.start).abbreviation;
  out.end_abbreviation = zone.OffsetAt(out.window.end - std::chrono::seconds{1}).abbreviation;
  return out;
}

std::optional<std::size_t> DayIndexOf(const ReportWeek& week, std::chrono::sys_seconds at) {
  for (std::size_t d = 0; d < kDaysPerWeek; ++d) {
    const TimeWindow& w = week.days[d].window;
    if (at >= w.start && at < w.end) return d;
  }
  return std::nullopt;
}

IsoWeek PreviousWeek(IsoWeek week) { return IsoWeekOf(MondayOf(week) - std::chrono::weeks{1}); }

IsoWeek LastCompleteWeek(std::chrono::sys_seconds at, const ZoneRules& zone) {
  const std::chrono::sys_days local_day{
      std::chrono::floor<std::chrono::days>(ToLocal(at, zone)).time_since_epoch()};
  IsoWeek current = IsoWeekOf(local_day);
  // Where the clocks go back over Monday midnight, the hour after the first midnight reads as
  // Sunday again but already belongs to the new week.
  if (at >= WeekWindows(current, zone).window.end) {
    current = IsoWeekOf(MondayOf(current) + std::chrono::weeks{1});
  }
  return PreviousWeek(current);
}

}  // namespace costledger::model
