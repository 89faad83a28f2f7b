#include "costledger/model/rightsizing.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/model/resource_seconds.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {
namespace {

constexpr std::int64_t kHoursPerWeek = 168;
constexpr std::int64_t kCpuStepMillicores = 10;

struct Resource {
  const char* name;
  std::int64_t step;            ///< recommendations are multiples of this, and at least one
  std::int64_t units_per_unit;  ///< base units per priced unit (millicores per core, bytes/GiB)
};

constexpr Resource kCpu{"CPU", kCpuStepMillicores, kMillicoresPerCore};
constexpr Resource kMemory{"memory", kBytesPerMiB, kBytesPerGiB};

void ValidatePolicy(const RightsizingPolicy& policy) {
  if (policy.percentile < 1 || policy.percentile > 100) {
    throw InvalidInput(fmt::format("rightsizing: percentile {} not in 1..100", policy.percentile));
  }
  if (policy.headroom_percent < 0) {
    throw InvalidInput(fmt::format("rightsizing: negative headroom {}%", policy.headroom_percent));
  }
  if (policy.peak_lookback.count() < 0) throw InvalidInput("rightsizing: negative peak lookback");
}

Int128 CeilDiv(Int128 numerator, Int128 denominator) {
  return (numerator + denominator - 1) / denominator;  // both non-negative
}

std::int64_t Narrow(Int128 value, const Resource& resource) {
  if (value > std::numeric_limits<std::int64_t>::max()) {
    throw InvalidInput(fmt::format("rightsizing: {} recommendation overflows", resource.name));
  }
  return static_cast<std::int64_t>(value);
}

/// |delta| x price x 168 h, delta in base units; half-even to the nano-dollar.
Money WeeklyCost(std::int64_t delta, Money price_per_unit_hour, const Resource& resource) {
  return Money::FromNanos(DivideRoundHalfEven(
      Int128{delta} * price_per_unit_hour.nanos() * kHoursPerWeek, resource.units_per_unit));
}

std::optional<ResourceRecommendation> Recommend(std::span<const UsageSample> samples,
                                                std::int64_t current_request, TimeWindow window,
                                                Money price_per_unit_hour,
                                                const RightsizingPolicy& policy,
                                                const Resource& resource) {
  ValidatePolicy(policy);
  if (current_request < 0) {
    throw InvalidInput(fmt::format("rightsizing: negative {} request", resource.name));
  }
  if (price_per_unit_hour < Money{}) {
    throw InvalidInput(fmt::format("rightsizing: negative {} price", resource.name));
  }
  const auto recent_from = window.end - policy.peak_lookback;
  std::vector<std::int64_t> in_window;
  std::optional<std::int64_t> recent_peak;
  for (const UsageSample& s : samples) {
    if (s.value < 0) {
      throw InvalidInput(fmt::format("rightsizing: negative {} usage {}", resource.name, s.value));
    }
    if (s.at < window.start || s.at >= window.end) continue;
    in_window.push_back(s.value);
    if (s.at >= recent_from) recent_peak = std::max(recent_peak.value_or(0), s.value);
  }
  if (in_window.empty()) return std::nullopt;

  ResourceRecommendation r;
  r.current_request = current_request;
  r.samples = static_cast<std::int64_t>(in_window.size());
  r.recent_peak = recent_peak;
  r.percentile_usage = NearestRankPercentile(in_window, policy.percentile);
  Int128 wanted = CeilDiv(Int128{r.percentile_usage} * (100 + policy.headroom_percent), 100);
  wanted = std::max(wanted, Int128{recent_peak.value_or(0)});
  wanted = std::max(CeilDiv(wanted, resource.step), Int128{1}) * resource.step;
  r.recommended = Narrow(wanted, resource);

  if (r.recommended < current_request) {
    r.weekly_saving = WeeklyCost(current_request - r.recommended, price_per_unit_hour, resource);
  } else if (r.recommended > current_request) {
    r.weekly_extra_cost =
        WeeklyCost(r.recommended - current_request, price_per_unit_hour, resource);
  }
  return r;
}

}  // namespace

std::int64_t NearestRankPercentile(std::span<const std::int64_t> values, int percentile) {
  if (values.empty()) throw InvalidInput("percentile of no values");
  if (percentile < 1 || percentile > 100) {
    throw InvalidInput(fmt::format("percentile {} not in 1..100", percentile));
  }
  std::vector<std::int64_t> sorted(values.begin(), values.end());
  const auto n = static_cast<std::int64_t>(sorted.size());
  const std::int64_t rank = (percentile * n + 99) / 100;  // ceil(P/100 x n), in 1..n
  const auto nth = sorted.begin() + (rank - 1);
  std::nth_element(sorted.begin(), nth, sorted.end());
  return *nth;
}

std::optional<ResourceRecommendation> RecommendCpu(std::span<const UsageSample> millicores,
                                                   std::int64_t current_request_millicores,
                                                   TimeWindow window, Money price_per_core_hour,
                                                   const RightsizingPolicy& policy) {
  return Recommend(millicores, current_request_millicores, window, price_per_core_hour, policy,
                   kCpu);
}

std::optional<ResourceRecommendation> RecommendMemory(std::span<const UsageSample> bytes,
                                                      std::int64_t current_request_bytes,
                                                      TimeWindow window, Money price_per_gib_hour,
                                                      const RightsizingPolicy& policy) {
  return Recommend(bytes, current_request_bytes, window, price_per_gib_hour, policy, kMemory);
}

Money RightsizingRecommendation::WeeklySaving() const {
  return (cpu ? cpu->weekly_saving : Money{}) + (memory ? memory->weekly_saving : Money{});
}

Money RightsizingRecommendation::WeeklyExtraCost() const {
  return (cpu ? cpu->weekly_extra_cost : Money{}) + (memory ? memory->weekly_extra_cost : Money{});
}

}  // namespace costledger::model
