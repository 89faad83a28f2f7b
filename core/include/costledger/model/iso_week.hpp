#pragma once

#include <chrono>
#include <string>

namespace costledger::model {

/// An ISO 8601 week, e.g. 2026-W48.
struct IsoWeek {
  int year = 0;
  unsigned week = 0;
  friend constexpr auto operator<=>(const IsoWeek&, const IsoWeek&) = default;
};

/// The ISO week that contains `local_day` (a calendar day in the report's time zone).
IsoWeek IsoWeekOf(std::chrono::sys_days local_day);

/// The Monday that starts `week`, as a calendar day.
std::chrono::sys_days MondayOf(IsoWeek week);

/// "2026-W48". ParseIsoWeek accepts the same form and throws InvalidInput otherwise.
std::string ToString(IsoWeek week);
IsoWeek ParseIsoWeek(const std::string& text);

}  // namespace costledger::model
