#pragma once

#include <chrono>

#include "costledger/model/quota.hpp"
#include "costledger/model/window.hpp"
#include "costledger/model/zone_rules.hpp"

namespace costledger::model {

/// The period of kind `period` that contains instant `at`, as UTC instants [start, end), in the
/// local time of `zone`:
/// - day: local midnight to the next local midnight (23 or 25 hours across a DST change);
/// - week: the ISO week, Monday 00:00 local to the next Monday 00:00 (167 or 169 hours across a
///   DST change; the week of 2026-12-28 is 2026-W53, and 2025-12-29 starts 2026-W01);
/// - month: the 1st 00:00 local to the next month's 1st 00:00.
/// A local midnight that the clocks skip starts its period at the transition; one that occurs
/// twice starts it at the first occurrence (see FirstInstantAtOrAfter). Always start <= at < end.
TimeWindow QuotaPeriodWindow(QuotaPeriod period, std::chrono::sys_seconds at,
                             const ZoneRules& zone);

/// The local calendar day on which the period that contains `local_day` starts: `local_day`, the
/// Monday of its ISO week, or the 1st of its month.
std::chrono::sys_days PeriodStartDay(QuotaPeriod period, std::chrono::sys_days local_day);

}  // namespace costledger::model
