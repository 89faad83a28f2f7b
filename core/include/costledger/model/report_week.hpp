#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "costledger/model/iso_week.hpp"
#include "costledger/model/window.hpp"
#include "costledger/model/zone_rules.hpp"

namespace costledger::model {

/// One local calendar day of a report week.
struct ReportDay {
  std::chrono::sys_days date;  ///< the calendar day in the report's zone (a date, not an instant)
  TimeWindow window;           ///< its UTC instants [local 00:00, next local 00:00): 23, 24 or 25 h
  friend bool operator==(const ReportDay&, const ReportDay&) = default;
};

inline constexpr std::size_t kDaysPerWeek = 7;

/// An ISO week in a time zone, as UTC instants: what a weekly report covers and reads.
struct ReportWeek {
  IsoWeek week;
  TimeWindow window;  ///< Monday 00:00 local to the next Monday 00:00 local (167, 168 or 169 h)
  std::array<ReportDay, kDaysPerWeek> days;  ///< Monday first; contiguous, they tile `window`
  std::string start_abbreviation;            ///< the zone's abbreviation at window.start ("CET")
  std::string end_abbreviation;              ///< ... just before window.end ("CEST" after March)
  friend bool operator==(const ReportWeek&, const ReportWeek&) = default;
};

/// The UTC window of `week` in `zone` and its seven local days. A local midnight that the clocks
/// skip starts its day at the transition; one that occurs twice starts it at its first occurrence
/// (FirstInstantAtOrAfter), so a DST week is 167 or 169 hours long. Pure; throws nothing but
/// std::bad_alloc (zone rules are assumed to be real ones, see FirstInstantAtOrAfter).
ReportWeek WeekWindows(IsoWeek week, const ZoneRules& zone);

/// Index (0 = Monday) of the day of `week` that contains `at`; nullopt outside the week.
std::optional<std::size_t> DayIndexOf(const ReportWeek& week, std::chrono::sys_seconds at);

/// The ISO week before `week` (2026-W01 -> 2025-W52, 2027-W01 -> 2026-W53).
IsoWeek PreviousWeek(IsoWeek week);

/// The latest ISO week that has ended in `zone` at instant `at`: the week before the one that
/// contains `at` (what a Monday-morning run reports on).
IsoWeek LastCompleteWeek(std::chrono::sys_seconds at, const ZoneRules& zone);

}  // namespace costledger::model
