#include "costledger/model/report_schedule.hpp"

#include <fmt/core.h>

#include "costledger/model/errors.hpp"
#include "costledger/model/report_week.hpp"

namespace costledger::model {

std::chrono::sys_seconds ReportDueAt(IsoWeek week, const ReportSchedule& schedule,
                                     const ZoneRules& zone) {
  if (schedule.weekday < 1 || schedule.weekday > 7) {
    throw InvalidInput(
        fmt::format("report weekday {} is not 1 (Monday) .. 7 (Sunday)", schedule.weekday));
  }
  if (schedule.hour < 0 || schedule.hour > 23) {
    throw InvalidInput(fmt::format("report hour {} is not 0..23", schedule.hour));
  }
  const std::chrono::sys_days day = MondayOf(week) + std::chrono::days(7 + schedule.weekday - 1);
  const std::chrono::local_seconds local{day.time_since_epoch() +
                                         std::chrono::hours(schedule.hour)};
  return FirstInstantAtOrAfter(local, zone);
}

std::optional<IsoWeek> DueReportWeek(std::chrono::sys_seconds now, const ReportSchedule& schedule,
                                     const ZoneRules& zone) {
  const IsoWeek last = LastCompleteWeek(now, zone);
  if (now < ReportDueAt(last, schedule, zone)) return std::nullopt;
  return last;
}

}  // namespace costledger::model
