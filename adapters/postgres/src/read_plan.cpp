#include "costledger/postgres/read_plan.hpp"

#include <algorithm>

namespace costledger::postgres {

std::vector<ReadSegment> PlanReads(std::chrono::sys_seconds start, std::chrono::sys_seconds end,
                                   std::chrono::seconds step,
                                   const std::set<std::chrono::sys_seconds>& pending_hours,
                                   const std::set<std::chrono::sys_seconds>& pending_days,
                                   bool complements) {
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
  const auto push = [&](ReadTier tier, std::chrono::sys_seconds a, std::chrono::sys_seconds b,
                        bool subtract = false) {
    if (!out.empty() && out.back().tier == tier && out.back().end == a &&
        out.back().subtract == subtract) {
      out.back().end = b;
    } else {
      out.push_back({tier, a, b, subtract});
    }
  };
  // Whether every hour of [a, b) has a current hourly rollup.
  const auto hours_current = [&](std::chrono::sys_seconds a, std::chrono::sys_seconds b) {
    const auto hour = pending_hours.lower_bound(a);
    return hour == pending_hours.end() || *hour >= b;
  };
  // The part [t, covered_end) of the day `day` as the day less its other hours, when allowed.
  const auto by_complement = [&](std::chrono::sys_seconds day, std::chrono::sys_seconds t,
                                 std::chrono::sys_seconds covered_end) {
    if (!complements || !single_step || !aligned(t, hours(1)) || !aligned(covered_end, hours(1)) ||
        covered_end - t <= hours(12) || pending_days.contains(day) ||
        !hours_current(day, day + days(1))) {
      return false;
    }
    push(ReadTier::kDaily, day, day + days(1));
    if (day < t) push(ReadTier::kHourly, day, t, true);
    if (covered_end < day + days(1)) push(ReadTier::kHourly, covered_end, day + days(1), true);
    return true;
  };
  std::chrono::sys_seconds t = start;
  while (t < end) {
    const std::chrono::sys_seconds day = std::chrono::floor<days>(t);
    const std::chrono::sys_seconds covered_end = std::min(end, day + days(1));
    if ((t != day || covered_end != day + days(1)) && by_complement(day, t, covered_end)) {
      t = covered_end;
      continue;
    }
    // Each branch takes a run as long as nothing changes within it (whole days up to the next
    // pending hour or day, hours up to the next pending hour or day boundary, raw rows up to
    // the next hour), so that planning costs as much for 10 days as for 8,000 years.
    if (days_usable && aligned(t, days(1)) && t + days(1) <= end && !pending_days.contains(t)) {
      const auto hour = pending_hours.lower_bound(t);
      if (hour == pending_hours.end() || *hour >= t + days(1)) {
        std::chrono::sys_seconds stop = std::chrono::floor<days>(end);
        if (hour != pending_hours.end())
          stop = std::min<std::chrono::sys_seconds>(stop, std::chrono::floor<days>(*hour));
        if (const auto d = pending_days.upper_bound(t); d != pending_days.end()) {
          stop = std::min<std::chrono::sys_seconds>(stop, std::chrono::floor<days>(*d));
        }
        stop = std::max(stop, t + days(1));
        push(ReadTier::kDaily, t, stop);
        t = stop;
        continue;
      }
    }
    if (hours_usable && aligned(t, hours(1)) && t + hours(1) <= end && !pending_hours.contains(t)) {
      std::chrono::sys_seconds stop = std::chrono::floor<hours>(end);
      if (const auto h = pending_hours.upper_bound(t); h != pending_hours.end()) {
        stop = std::min<std::chrono::sys_seconds>(stop, std::chrono::floor<hours>(*h));
      }
      // A new day may be read whole, or as a complement.
      if (days_usable || complements) stop = std::min(stop, day + days(1));
      stop = std::max(stop, t + hours(1));
      push(ReadTier::kHourly, t, stop);
      t = stop;
      continue;
    }
    // Without usable hours (a step or start off the hour) no other tier can follow: raw to the
    // end, else to the next hour.
    const std::chrono::sys_seconds next =
        hours_usable
            ? std::min<std::chrono::sys_seconds>(std::chrono::floor<hours>(t) + hours(1), end)
            : end;
    push(ReadTier::kRaw, t, next);
    t = next;
  }
  return out;
}

std::vector<ReadSegment> PlanReadsWithLocalDays(
    std::chrono::sys_seconds start, std::chrono::sys_seconds end,
    const std::set<std::chrono::sys_seconds>& pending_hours,
    const std::set<std::chrono::sys_seconds>& pending_days,
    const std::vector<LocalDay>& local_days) {
  std::vector<ReadSegment> out;
  std::chrono::sys_seconds t = start;
  const auto plan_to = [&](std::chrono::sys_seconds until) {
    if (t >= until) return;
    const std::vector<ReadSegment> part =
        PlanReads(t, until, until - t, pending_hours, pending_days, true);
    out.insert(out.end(), part.begin(), part.end());
  };
  for (const LocalDay& day : local_days) {
    if (day.start < t || day.end > end || day.pending) continue;
    const auto hour = pending_hours.lower_bound(day.start);
    if (hour != pending_hours.end() && *hour < day.end) continue;
    plan_to(day.start);
    if (!out.empty() && out.back().tier == ReadTier::kLocalDaily && out.back().end == day.start) {
      out.back().end = day.end;
    } else {
      out.push_back({ReadTier::kLocalDaily, day.start, day.end});
    }
    t = day.end;
  }
  plan_to(end);
  return out;
}

}  // namespace costledger::postgres
