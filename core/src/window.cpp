#include "costledger/model/window.hpp"

#include <fmt/core.h>

#include <charconv>
#include <optional>
#include <string>

#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"

namespace costledger::model {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr std::string_view kAcceptedForms =
    "today, yesterday, week, lastweek, month, lastmonth, a duration such as 15m, 24h, 7d or 2w "
    "(optionally '<duration> offset <duration>'), unix seconds 'start,end', or RFC 3339 "
    "'start,end'";

std::optional<std::int64_t> ParseCount(std::string_view digits) {
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

/// "45m" -> (45, 60 s). nullopt when not of that form.
std::optional<std::pair<std::int64_t, seconds>> ParseUnitCount(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  seconds unit{0};
  switch (text.back()) {
    case 'm':
      unit = minutes(1);
      break;
    case 'h':
      unit = hours(1);
      break;
    case 'd':
      unit = days(1);
      break;
    case 'w':
      unit = days(7);
      break;
    default:
      return std::nullopt;
  }
  const auto count = ParseCount(text.substr(0, text.size() - 1));
  if (!count) return std::nullopt;
  return std::pair{*count, unit};
}

sys_seconds Floor(sys_seconds t, seconds unit) {
  const auto epoch = t.time_since_epoch().count();
  const auto u = unit.count();
  return sys_seconds(seconds(epoch >= 0 ? epoch / u * u : -((-epoch + u - 1) / u) * u));
}

sys_days Midnight(sys_seconds t) { return std::chrono::floor<days>(t); }

sys_days LastSunday(sys_days day) {
  const std::chrono::weekday wd{day};
  return day - days(wd.c_encoding());
}

sys_days FirstOfMonth(sys_days day) {
  const std::chrono::year_month_day ymd{day};
  return sys_days{ymd.year() / ymd.month() / 1};
}

TimeWindow Checked(TimeWindow w, std::string_view text) {
  if (w.end <= w.start) {
    throw InvalidInput(fmt::format("window '{}' is empty: its end is not after its start", text));
  }
  return w;
}

std::optional<TimeWindow> ParsePair(std::string_view text) {
  std::size_t sep = text.find(',');
  if (sep == std::string_view::npos) {
    // Unix pairs may also use '-' (which RFC 3339 dates contain, so only for digits).
    sep = text.find('-');
    if (sep == std::string_view::npos || !ParseCount(text.substr(0, sep))) return std::nullopt;
  }
  const std::string_view a = text.substr(0, sep);
  const std::string_view b = text.substr(sep + 1);
  const auto sa = ParseCount(a);
  const auto sb = ParseCount(b);
  if (sa && sb) return TimeWindow{sys_seconds(seconds(*sa)), sys_seconds(seconds(*sb))};
  try {
    return TimeWindow{model::ParseTimestamp(a), model::ParseTimestamp(b)};
  } catch (const InvalidInput&) {
    return std::nullopt;
  }
}

// The times a store can hold and an RFC 3339 timestamp can say: 1970-01-01 (no cost is older
// than Unix time) to the end of year 9999.
constexpr sys_seconds kEarliest{seconds(0)};
constexpr sys_seconds kLatest{seconds(253'402'300'800)};  // 10000-01-01T00:00:00Z

TimeWindow Bounded(TimeWindow w, std::string_view text) {
  if (w.start < kEarliest || w.end > kLatest) {
    throw InvalidInput(fmt::format(
        "window '{}' reaches outside 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, the times "
        "costs can have; use a shorter window",
        text));
  }
  return w;
}

TimeWindow Parse(std::string_view text, sys_seconds now);

}  // namespace

TimeWindow ParseWindow(std::string_view text, sys_seconds now) {
  return Bounded(Parse(text, now), text);
}

namespace {

TimeWindow Parse(std::string_view text, sys_seconds now) {
  const sys_days today = Midnight(now);
  if (text == "today") return {today, today + days(1)};
  if (text == "yesterday") return {today - days(1), today};
  if (text == "week") return Checked({LastSunday(today), now}, text);
  if (text == "lastweek") return {LastSunday(today) - days(7), LastSunday(today)};
  if (text == "month") return Checked({FirstOfMonth(today), now}, text);
  if (text == "lastmonth") {
    const sys_days first = FirstOfMonth(today);
    return {FirstOfMonth(first - days(1)), first};
  }
  if (const auto d = ParseUnitCount(text)) {
    const auto [count, unit] = *d;
    if (count <= 0) throw InvalidInput(fmt::format("window '{}' is empty", text));
    if (unit == days(7)) {
      // A week window ends with today, as OpenCost defines it.
      const sys_seconds end = today + days(1);
      return {end - unit * count, end};
    }
    const sys_seconds end = Floor(now, unit) + unit;
    return {end - unit * count, end};
  }
  if (const std::size_t off = text.find(" offset "); off != std::string_view::npos) {
    const auto d = ParseUnitCount(text.substr(0, off));
    const auto o = ParseUnitCount(text.substr(off + 8));
    if (d && o) {
      const sys_seconds end = now - o->second * o->first;
      return Checked({end - d->second * d->first, end}, text);
    }
  }
  if (const auto pair = ParsePair(text)) return Checked(*pair, text);
  throw InvalidInput(fmt::format("window '{}' is not understood; use {}", text, kAcceptedForms));
}

}  // namespace

std::chrono::seconds ParseDuration(std::string_view text) {
  std::optional<seconds> out;
  if (const auto d = ParseUnitCount(text)) {
    out = d->second * d->first;
  } else if (!text.empty() && text.back() == 's') {
    if (const auto n = ParseCount(text.substr(0, text.size() - 1))) out = seconds(*n);
  } else if (const auto n = ParseCount(text)) {
    out = seconds(*n);
  }
  if (!out || out->count() <= 0) {
    throw InvalidInput(fmt::format(
        "duration '{}' is not understood; use a positive count with a unit: 30m, 1h, 1d, 1w or "
        "seconds as 3600s",
        text));
  }
  return *out;
}

}  // namespace costledger::model
