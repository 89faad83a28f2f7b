#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "costledger/model/money.hpp"
#include "costledger/model/window.hpp"

namespace costledger::model {

/// One usage reading of one container: CPU in millicores (average over the scrape interval)
/// or memory in bytes (working set). Pass the readings of every replica of the container.
struct UsageSample {
  std::chrono::sys_seconds at;
  std::int64_t value = 0;
};

/// How requests are recommended.
struct RightsizingPolicy {
  /// Nearest-rank percentile, 1..100: the value at rank ceil(P/100 x n) of the n samples sorted
  /// ascending (1-based), so it is always one of the samples.
  int percentile = 95;
  /// Added on top of the percentile, in percent (integer, so 1000 m x 115 % is exactly 1150 m).
  int headroom_percent = 15;
  /// The recommendation is never below the peak of this much time before the window's end.
  std::chrono::seconds peak_lookback = std::chrono::hours(24);
};

/// The nearest-rank percentile of `values` (any order). Throws InvalidInput when `values` is
/// empty or the percentile is outside 1..100.
std::int64_t NearestRankPercentile(std::span<const std::int64_t> values, int percentile);

/// A recommended request for one resource of one container.
struct ResourceRecommendation {
  std::int64_t current_request = 0;  ///< millicores or bytes
  std::int64_t recommended = 0;      ///< millicores (multiple of 10) or bytes (multiple of MiB)
  std::int64_t percentile_usage = 0;
  std::optional<std::int64_t> recent_peak;  ///< peak over the lookback; nullopt without samples
  std::int64_t samples = 0;                 ///< samples inside the window
  /// (current - recommended) x unit price x 168 h for one replica running all week, when the
  /// recommendation is lower; else 0. Never negative.
  Money weekly_saving;
  /// (recommended - current) x unit price x 168 h when the recommendation is higher (the
  /// container uses more than it asks for; requesting it costs more but stops it being
  /// throttled or evicted); else 0. Never negative.
  Money weekly_extra_cost;
  friend bool operator==(const ResourceRecommendation&, const ResourceRecommendation&) = default;
};

/// CPU: max(ceil(pP x (100 + headroom) / 100), recent peak), rounded up to 10 millicores and at
/// least 10 m. Samples outside `window` are ignored; nullopt when none is inside.
/// `price_per_core_hour` prices the difference to the current request.
/// Throws InvalidInput for a negative sample, request or price, or a bad policy.
std::optional<ResourceRecommendation> RecommendCpu(std::span<const UsageSample> millicores,
                                                   std::int64_t current_request_millicores,
                                                   TimeWindow window, Money price_per_core_hour,
                                                   const RightsizingPolicy& policy = {});

/// Memory: as RecommendCpu in bytes, rounded up to a whole MiB and at least 1 MiB;
/// `price_per_gib_hour` prices the difference.
std::optional<ResourceRecommendation> RecommendMemory(std::span<const UsageSample> bytes,
                                                      std::int64_t current_request_bytes,
                                                      TimeWindow window, Money price_per_gib_hour,
                                                      const RightsizingPolicy& policy = {});

/// Both recommendations of one container.
struct RightsizingRecommendation {
  std::optional<ResourceRecommendation> cpu;
  std::optional<ResourceRecommendation> memory;
  Money WeeklySaving() const;
  Money WeeklyExtraCost() const;
  friend bool operator==(const RightsizingRecommendation&,
                         const RightsizingRecommendation&) = default;
};

}  // namespace costledger::model
