#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "costledger/model/money.hpp"
#include "costledger/model/quota.hpp"
#include "costledger/model/zone_rules.hpp"

namespace costledger::model {

// How quota figures read in messages meant for people (admission denials, alerts, checks).

/// "$1,034.20": dollars rounded half-even to the cent, with thousands separators. A non-zero
/// amount under a cent keeps two significant digits ("$0.0042") so it never reads "$0.00".
std::string FormatDollars(Money amount);

/// An amount in base units of `unit` (see QuotaUnit) in words: "$1,034.20", "12.5 CPU
/// core-hours", "1 GPU-hour", "1.5 TiB scanned" (binary prefixes: KiB, MiB, GiB, TiB, PiB, EiB).
/// Hours keep up to two decimals.
std::string FormatQuotaAmount(QuotaUnit unit, std::int64_t base_units);

/// A ratio in parts per million as a percentage: 800,000 -> "80%", 333,333 -> "33.3333%".
std::string FormatPercent(std::int64_t ppm);

/// A local time to the minute with weekday and zone: "Mon 2026-11-30 00:00 UTC",
/// "Sun 2026-03-29 03:00 CEST".
std::string FormatLocalMinute(std::chrono::sys_seconds at, const ZoneRules& zone);

/// "day", "week", "month" and "daily", "weekly", "monthly".
std::string_view PeriodNoun(QuotaPeriod period);
std::string_view PeriodAdjective(QuotaPeriod period);

/// The scope in words: "team alpha", "namespace ml, labels app=train, gpu=a100", "all spend".
std::string DescribeScope(const QuotaScope& scope);

/// "3 hours", "1 hour", "1.5 hours", "45 minutes" (under an hour).
std::string FormatDuration(std::chrono::seconds duration);

}  // namespace costledger::model
