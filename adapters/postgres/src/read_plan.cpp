#include "costledger/postgres/read_plan.hpp"

#include <algorithm>

namespace costledger::postgres {

std::vector<ReadSegment> PlanReads(std::chrono::sys_seconds start, std::chrono::sys_seconds end,
                                   std::chrono::seconds step,
                                   const std::set<std::chrono::sys_seconds>& pending_hours,
                                   const std::set<std::chrono::sys_seconds>& pending_days) {
  using std::chrono::days;
  using std::chrono::hours;
  const bool single_step = step >= end - start;
  const auto aligned = [](std::chrono::sys_seconds t, std::chrono::seconds unit) {
    return t.time_since_epoch() % unit == std::chrono::seconds(0);
  };
  const bool days_usable = single_step || (aligned(start, days(1)) && step % days(1) == hours(0));
  const bool hours_usable =
      single_step || (aligned(start, hours(1)) && step % hours(1) == hours(0));
  std::vector<ReadSegment> out;
  const auto push = [&](ReadTier tier, std::chrono::sys_seconds a, std::chrono::sys_seconds b) {
    if (!out.empty() && out.back().tier == tier && out.back().end == a) {
      out.back().end = b;
    } else {
      out.push_back({tier, a, b});
    }
  };
  std::chrono::sys_seconds t = start;
  while (t < end) {
    if (days_usable && aligned(t, days(1)) && t + days(1) <= end && !pending_days.contains(t)) {
      const auto hour = pending_hours.lower_bound(t);
      if (hour == pending_hours.end() || *hour >= t + days(1)) {
        push(ReadTier::kDaily, t, t + days(1));
        t += days(1);
        continue;
      }
    }
    if (hours_usable && aligned(t, hours(1)) && t + hours(1) <= end && !pending_hours.contains(t)) {
      push(ReadTier::kHourly, t, t + hours(1));
      t += hours(1);
      continue;
    }
    const std::chrono::sys_seconds next =
        std::min<std::chrono::sys_seconds>(std::chrono::floor<hours>(t) + hours(1), end);
    push(ReadTier::kRaw, t, next);
    t = next;
  }
  return out;
}

}  // namespace costledger::postgres
