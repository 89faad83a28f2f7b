#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "costledger/model/quota.hpp"
#include "costledger/model/quota_usage.hpp"
#include "costledger/model/window.hpp"

namespace costledger::model {

/// No forecast before this much of a period has passed: an hour is enough to average over a
/// few dozen intervals and short enough to warn early in a day.
inline constexpr std::chrono::seconds kMinForecastElapsed{3600};

/// Where a quota stands at an instant (GET /v1/quotas/{name}/status). Amounts are in base units
/// of `unit` (see QuotaUnit); ToContractUnits gives the JSON numbers.
struct QuotaStatus {
  QuotaUnit unit = QuotaUnit::kDollars;
  TimeWindow period;  ///< the current period; `since` is period.start
  std::chrono::sys_seconds at;
  std::int64_t spent = 0;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;  ///< limit - spent, never negative
  double ratio = 0;            ///< spent / limit, for display; decisions use the integers
  /// Linear projection to the end of the period: spent / elapsed x period length, rounded
  /// half-even; the spend itself once the period is over; none before kMinForecastElapsed.
  std::optional<std::int64_t> forecast;
  /// The quota's thresholds (ppm) that spend has reached, spent >= threshold x limit, ascending.
  std::vector<std::int64_t> crossed_ppm;

  /// Spend reached the limit: a deny quota now rejects new pods in its scope.
  bool LimitReached() const { return spent >= limit; }
  /// The forecast reaches the limit.
  bool ForecastReachesLimit() const { return forecast && *forecast >= limit; }
  friend bool operator==(const QuotaStatus&, const QuotaStatus&) = default;
};

/// The status of `quota` whose period `period` has seen `spent` (base units) by `at`. `at` is
/// the end of the latest interval counted (not the wall clock, so that a lagging collector does
/// not bend the forecast down); it is clamped to the period for the forecast. Pure.
QuotaStatus StatusAt(const Quota& quota, const TimeWindow& period, std::int64_t spent,
                     std::chrono::sys_seconds at,
                     std::chrono::seconds min_forecast_elapsed = kMinForecastElapsed);

/// The same for the period and spend a QuotaUsage holds.
QuotaStatus StatusAt(const QuotaUsage& usage, std::chrono::sys_seconds at);

}  // namespace costledger::model
