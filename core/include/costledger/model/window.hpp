#pragma once

#include <chrono>
#include <string_view>

namespace costledger::model {

/// A half-open time window [start, end), UTC.
struct TimeWindow {
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
  std::chrono::seconds length() const { return end - start; }
  friend bool operator==(const TimeWindow&, const TimeWindow&) = default;
};

/// Parses an OpenCost `window` relative to `now` (UTC), with OpenCost's semantics:
/// - "today", "yesterday": whole UTC days; "week" (since Sunday 00:00 until now), "lastweek"
///   (the previous Sunday-to-Sunday week); "month" (since the 1st until now), "lastmonth";
/// - durations "45m", "24h", "7d": the last N units ending at the end of the current unit
///   (so "7d" is today plus the six days before it, midnight to midnight); "2w": N weeks ending
///   at the end of today; "<duration> offset <duration>" ends `offset` before now;
/// - unix seconds "1586822400,1586908800" (or with '-'); RFC 3339 "2020-04-01T00:00:00Z,
///   2020-04-03T00:00:00Z" (offsets allowed).
/// Throws InvalidInput naming the accepted forms, for empty or inverted windows, and for windows
/// reaching before 1970 or past 9999 (where no cost can be, and PostgreSQL or RFC 3339 fail).
TimeWindow ParseWindow(std::string_view text, std::chrono::sys_seconds now);

/// Parses a step or duration: "30m", "1h", "1d", "1w", or seconds as "3600s"/"3600".
/// Throws InvalidInput for anything else or a non-positive duration.
std::chrono::seconds ParseDuration(std::string_view text);

}  // namespace costledger::model
