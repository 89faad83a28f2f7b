#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "costledger/model/money.hpp"
#include "costledger/model/report_week.hpp"

namespace costledger::model {

// How weekly report figures read for people; the summary and every rendering use these so that
// the same figure reads the same everywhere. Dollars read as FormatDollars (quota_text.hpp).

/// "+$12.30", "-$4.00", "$0.00": FormatDollars with an explicit sign.
std::string FormatSignedDollars(Money amount);

/// A ratio as a percentage with `decimals` decimals, rounded half away from zero: 0.853 -> "85%",
/// 1.5 -> "150%". A non-zero ratio that would read as zero reads "<1%" ("<0.1%" with one
/// decimal). nullopt reads "n/a".
std::string FormatRatio(std::optional<double> ratio, int decimals = 0);

/// A change ratio with its sign: 0.111 -> "+11.1%", -0.5 -> "-50.0%"; nullopt reads "n/a".
std::string FormatSignedRatio(std::optional<double> ratio);

/// Hours with one decimal and thousands separators: 1234.56 -> "1,234.6"; under 0.05 but not
/// zero -> "<0.1".
std::string FormatHours(double hours);

/// Bytes with binary prefixes: "1.5 TiB", "312 MiB", "0 bytes" (FormatQuotaAmount's style).
std::string FormatBytes(std::int64_t bytes);

/// Millicores as cores: 1500 -> "1.5 cores", 250 -> "250m", 1000 -> "1 core".
std::string FormatMillicores(std::int64_t millicores);

/// A week's local dates: "23–29 Nov 2026", "30 Nov – 6 Dec 2026", "29 Dec 2025 – 4 Jan 2026".
std::string FormatWeekDates(const ReportWeek& week);

/// A local date as a chart label: "Mon 23".
std::string FormatDayLabel(std::chrono::sys_days date);

/// A local date: "2026-11-23".
std::string FormatDate(std::chrono::sys_days date);

/// When a report's quota statuses hold: "the end of the week" when `at` is the week's end or
/// later, else the local day of the last second counted, "Thu 3, the newest data" (a report of
/// a week not over yet).
std::string FormatStatusTime(const ReportWeek& week, std::chrono::sys_seconds at);

}  // namespace costledger::model
