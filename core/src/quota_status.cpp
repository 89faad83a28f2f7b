#include "costledger/model/quota_status.hpp"

#include <algorithm>
#include <limits>

#include "costledger/model/rounding.hpp"

namespace costledger::model {

QuotaStatus StatusAt(const Quota& quota, const TimeWindow& period, std::int64_t spent,
                     std::chrono::sys_seconds at, std::chrono::seconds min_forecast_elapsed) {
  QuotaStatus s;
  s.unit = quota.limit.unit;
  s.period = period;
  s.at = at;
  s.spent = spent;
  s.limit = quota.limit.amount;
  s.remaining = spent < s.limit ? s.limit - spent : 0;
  s.ratio = s.limit > 0 ? static_cast<double>(spent) / static_cast<double>(s.limit) : 0;
  const std::chrono::seconds length = period.length();
  const std::chrono::seconds elapsed = std::clamp(at, period.start, period.end) - period.start;
  if (elapsed >= length) {
    s.forecast = spent;
  } else if (elapsed >= min_forecast_elapsed && elapsed.count() > 0) {
    const Int128 projected = Int128{spent} * length.count();
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    s.forecast = projected / elapsed.count() >= kMax  // saturate rather than throw
                     ? kMax
                     : DivideRoundHalfEven(projected, elapsed.count());
  }
  for (const std::int64_t ppm : quota.thresholds_ppm) {
    if (Int128{spent} * kPpm >= Int128{ppm} * s.limit) s.crossed_ppm.push_back(ppm);
  }
  return s;
}

QuotaStatus StatusAt(const QuotaUsage& usage, std::chrono::sys_seconds at) {
  return StatusAt(usage.quota(), usage.period(), usage.spent(), at);
}

}  // namespace costledger::model
