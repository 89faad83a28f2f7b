#pragma once

#include <chrono>
#include <optional>

#include "costledger/model/iso_week.hpp"
#include "costledger/model/zone_rules.hpp"

namespace costledger::model {

/// When the weekly reports go out: `weekday` (ISO, 1 = Monday .. 7 = Sunday) at `hour`:00 local
/// time of the week after the one reported on.
struct ReportSchedule {
  int weekday = 1;
  int hour = 6;
};

/// The first instant at or after `schedule`'s local time in the week after `week` (a local time
/// skipped by a DST change means the transition). Throws InvalidInput for a weekday outside
/// 1..7 or an hour outside 0..23. Pure.
std::chrono::sys_seconds ReportDueAt(IsoWeek week, const ReportSchedule& schedule,
                                     const ZoneRules& zone);

/// The week whose reports are due at `now`: the last complete week in `zone` once its due time
/// has passed, else nothing (that week's time has not come; the week before was due a week
/// ago). Throws as ReportDueAt. Pure.
std::optional<IsoWeek> DueReportWeek(std::chrono::sys_seconds now, const ReportSchedule& schedule,
                                     const ZoneRules& zone);

}  // namespace costledger::model
