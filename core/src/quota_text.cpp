#include "costledger/model/quota_text.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "costledger/model/rounding.hpp"

namespace costledger::model {
namespace {

Int128 PowerOfTen(int exponent) {
  Int128 p = 1;
  for (int i = 0; i < exponent; ++i) p *= 10;
  return p;
}

/// "1,234" from 1234.
std::string Grouped(std::string digits) {
  for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), 1, ',');
  }
  return digits;
}

/// magnitude / per_unit with `decimals` decimals, rounded half-even, thousands grouped; trailing
/// zeros (and the point) dropped when `trim`.
std::string FormatFixed(Int128 magnitude, Int128 per_unit, int decimals, bool trim) {
  const std::int64_t scaled = DivideRoundHalfEven(magnitude * PowerOfTen(decimals), per_unit);
  const auto scale = static_cast<std::int64_t>(PowerOfTen(decimals));
  std::string text = Grouped(std::to_string(scaled / scale));
  if (decimals == 0) return text;
  std::string fraction = fmt::format("{:0{}}", scaled % scale, decimals);
  if (trim) {
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  }
  return fraction.empty() ? text : text + "." + fraction;
}

int DigitCount(std::int64_t value) {
  int digits = 1;
  for (; value >= 10; value /= 10) ++digits;
  return digits;
}

std::string Hours(std::int64_t base_units, std::int64_t per_hour, std::string_view noun) {
  if (base_units > 0 && base_units < per_hour / 100) {
    return fmt::format("under 0.01 {}s", noun);  // would read "0"
  }
  const bool negative = base_units < 0;
  const std::string number =
      FormatFixed(negative ? -Int128{base_units} : Int128{base_units}, per_hour, 2, true);
  return fmt::format("{}{} {}{}", negative ? "-" : "", number, noun, number == "1" ? "" : "s");
}

std::string Bytes(std::int64_t bytes) {
  constexpr std::array<std::string_view, 7> kNames = {"bytes", "KiB", "MiB", "GiB",
                                                      "TiB",   "PiB", "EiB"};
  const bool negative = bytes < 0;
  const Int128 magnitude = negative ? -Int128{bytes} : Int128{bytes};
  std::size_t prefix = 0;
  Int128 per_unit = 1;
  while (prefix + 1 < kNames.size() && magnitude >= per_unit * 1024) {
    per_unit *= 1024;
    ++prefix;
  }
  if (prefix == 0 && magnitude == 1) return negative ? "-1 byte" : "1 byte";
  return fmt::format("{}{} {}", negative ? "-" : "",
                     FormatFixed(magnitude, per_unit, prefix == 0 ? 0 : 2, true), kNames[prefix]);
}

}  // namespace

std::string FormatDollars(Money amount) {
  const std::int64_t nanos = amount.nanos();
  const Int128 magnitude = nanos < 0 ? -Int128{nanos} : Int128{nanos};
  constexpr Int128 kCent = Money::kNanosPerDollar / 100;
  int decimals = 2;
  if (magnitude != 0 && magnitude < kCent) {
    // Two significant digits: 4,200,000 n$ has 7 digits -> 4 decimals -> "0.0042".
    decimals = std::min(9, 9 - DigitCount(static_cast<std::int64_t>(magnitude)) + 2);
  }
  return fmt::format("{}${}", nanos < 0 ? "-" : "",
                     FormatFixed(magnitude, Money::kNanosPerDollar, decimals, false));
}

std::string FormatQuotaAmount(QuotaUnit unit, std::int64_t base_units) {
  switch (unit) {
    case QuotaUnit::kDollars:
      return FormatDollars(Money::FromNanos(base_units));
    case QuotaUnit::kCpuHours:
      return Hours(base_units, BaseUnitsPerUnit(unit), "CPU core-hour");
    case QuotaUnit::kGpuHours:
      return Hours(base_units, BaseUnitsPerUnit(unit), "GPU-hour");
    case QuotaUnit::kBytesScanned:
      return Bytes(base_units);
  }
  return std::to_string(base_units);
}

std::string FormatPercent(std::int64_t ppm) {
  const bool negative = ppm < 0;
  return fmt::format("{}{}%", negative ? "-" : "",
                     FormatFixed(negative ? -Int128{ppm} : Int128{ppm}, 10'000, 4, true));
}

std::string FormatLocalMinute(std::chrono::sys_seconds at, const ZoneRules& zone) {
  constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};
  const ZoneOffset offset = zone.OffsetAt(at);
  const std::chrono::sys_seconds local = at + offset.utc_offset;  // wall clock read as UTC
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<std::chrono::seconds> time{local - day};
  return fmt::format(
      "{} {:04}-{:02}-{:02} {:02}:{:02} {}", kWeekdays[std::chrono::weekday{day}.c_encoding()],
      static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
      static_cast<unsigned>(ymd.day()), time.hours().count(), time.minutes().count(),
      offset.abbreviation.empty() ? UtcOffsetName(offset.utc_offset) : offset.abbreviation);
}

std::string_view PeriodNoun(QuotaPeriod period) { return ToString(period); }

std::string_view PeriodAdjective(QuotaPeriod period) {
  switch (period) {
    case QuotaPeriod::kDay:
      return "daily";
    case QuotaPeriod::kWeek:
      return "weekly";
    case QuotaPeriod::kMonth:
      return "monthly";
  }
  return "monthly";
}

std::string DescribeScope(const QuotaScope& scope) {
  std::string text;
  const auto add = [&](std::string_view what, const std::optional<std::string>& value) {
    if (!value) return;
    text += text.empty() ? "" : ", ";
    text += fmt::format("{} {}", what, *value);
  };
  add("cluster", scope.cluster);
  add("namespace", scope.namespace_name);
  add("team", scope.team);
  add("workgroup", scope.workgroup);
  if (!scope.labels.empty()) {
    text += text.empty() ? "labels " : ", labels ";
    bool first = true;
    for (const auto& [key, value] : scope.labels) {
      text += fmt::format("{}{}={}", first ? "" : ", ", key, value);
      first = false;
    }
  }
  return text.empty() ? "all spend" : text;
}

std::string FormatDuration(std::chrono::seconds duration) {
  const std::int64_t s = duration.count();
  if (s >= 3600) {
    const std::string hours = FormatFixed(s, 3600, 2, true);
    return fmt::format("{} hour{}", hours, hours == "1" ? "" : "s");
  }
  if (s >= 60) {
    const std::int64_t minutes = DivideRoundHalfEven(s, 60);
    return fmt::format("{} minute{}", minutes, minutes == 1 ? "" : "s");
  }
  return fmt::format("{} second{}", s, s == 1 ? "" : "s");
}

}  // namespace costledger::model
