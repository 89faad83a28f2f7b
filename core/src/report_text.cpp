#include "costledger/model/report_text.hpp"

#include <fmt/core.h>

#include <array>
#include <cmath>

#include "costledger/model/quota_text.hpp"

namespace costledger::model {
namespace {

constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string Grouped(std::string digits) {
  for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), 1, ',');
  }
  return digits;
}

/// |value| with `decimals` decimals (half away from zero) and grouped thousands.
std::string Fixed(double magnitude, int decimals) {
  const std::string text = fmt::format("{:.{}f}", magnitude, decimals);
  const std::size_t point = text.find('.');
  if (point == std::string::npos) return Grouped(text);
  return Grouped(text.substr(0, point)) + text.substr(point);
}

struct Ymd {
  int year;
  unsigned month;
  unsigned day;
};

Ymd Split(std::chrono::sys_days date) {
  const std::chrono::year_month_day ymd{date};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day())};
}

}  // namespace

std::string FormatSignedDollars(Money amount) {
  // fmt rather than "+" + string: GCC 12 at -O3 (Release) reports a false -Wrestrict on that.
  if (amount > Money{}) return fmt::format("+{}", FormatDollars(amount));
  return FormatDollars(amount);
}

std::string FormatRatio(std::optional<double> ratio, int decimals) {
  if (!ratio || !std::isfinite(*ratio)) return "n/a";
  const double percent = *ratio * 100;
  const double smallest = std::pow(10.0, -decimals);
  if (percent != 0 && std::abs(percent) < smallest / 2) {
    return fmt::format("{}<{}%", percent < 0 ? "-" : "",
                       decimals == 0 ? "1" : Fixed(smallest, decimals));
  }
  const double rounded = std::round(std::abs(percent) / smallest) * smallest;
  return fmt::format("{}{}%", percent < 0 ? "-" : "", Fixed(rounded, decimals));
}

std::string FormatSignedRatio(std::optional<double> ratio) {
  if (!ratio || !std::isfinite(*ratio)) return "n/a";
  const std::string text = FormatRatio(ratio, 1);
  return *ratio > 0 ? "+" + text : text;
}

std::string FormatHours(double hours) {
  if (hours != 0 && std::abs(hours) < 0.05) return "<0.1";
  return fmt::format("{}{}", hours < 0 ? "-" : "", Fixed(std::round(std::abs(hours) * 10) / 10, 1));
}

std::string FormatBytes(std::int64_t bytes) {
  return FormatQuotaAmount(QuotaUnit::kBytesScanned, bytes);
}

std::string FormatMillicores(std::int64_t millicores) {
  if (millicores % 1000 == 0) {
    const std::int64_t cores = millicores / 1000;
    return fmt::format("{} core{}", Grouped(std::to_string(cores)), cores == 1 ? "" : "s");
  }
  if (millicores < 1000) return fmt::format("{}m", millicores);
  std::string text = fmt::format("{:.3f}", static_cast<double>(millicores) / 1000);
  while (text.back() == '0') text.pop_back();
  return text + " cores";
}

std::string FormatWeekDates(const ReportWeek& week) {
  const Ymd first = Split(week.days.front().date);
  const Ymd last = Split(week.days.back().date);
  if (first.year != last.year) {
    return fmt::format("{} {} {} \u2013 {} {} {}", first.day, kMonths[first.month - 1], first.year,
                       last.day, kMonths[last.month - 1], last.year);
  }
  if (first.month != last.month) {
    return fmt::format("{} {} \u2013 {} {} {}", first.day, kMonths[first.month - 1], last.day,
                       kMonths[last.month - 1], last.year);
  }
  return fmt::format("{}\u2013{} {} {}", first.day, last.day, kMonths[last.month - 1], last.year);
}

std::string FormatDayLabel(std::chrono::sys_days date) {
  const std::chrono::weekday weekday{date};
  return fmt::format("{} {}", kWeekdays[weekday.c_encoding()], Split(date).day);
}

std::string FormatDate(std::chrono::sys_days date) {
  const Ymd ymd = Split(date);
  return fmt::format("{:04}-{:02}-{:02}", ymd.year, ymd.month, ymd.day);
}

std::string FormatStatusTime(const ReportWeek& week, std::chrono::sys_seconds at) {
  if (at >= week.window.end) return "the end of the week";
  for (const ReportDay& day : week.days) {
    if (at > day.window.start && at <= day.window.end) {
      return FormatDayLabel(day.date) + ", the newest data";
    }
  }
  return "the start of the week";
}

}  // namespace costledger::model
