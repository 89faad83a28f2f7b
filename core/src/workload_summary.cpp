#include "costledger/model/workload_summary.hpp"

#include <fmt/core.h>

#include <iterator>

#include "costledger/model/efficiency.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

void Validate(const WorkloadIntervalRecord& r) {
  const auto fail = [&](const char* what) {
    return InvalidInput(fmt::format("workload interval of '{}': {}", r.workload, what));
  };
  if (r.interval.end <= r.interval.start) throw fail("empty or inverted interval");
  if (r.cpu_cost < Money{} || r.ram_cost < Money{} || r.gpu_cost < Money{} ||
      r.other_cost < Money{}) {
    throw fail("negative cost");
  }
  if (r.cpu_request_millicore_seconds < 0 || r.cpu_used_millicore_seconds < 0 ||
      r.memory_request_byte_seconds < 0 || r.memory_used_byte_seconds < 0 ||
      r.gpu_requested_device_seconds < 0 || r.gpu_busy_millidevice_seconds < 0) {
    throw fail("negative quantity");
  }
  if (r.active && *r.active < std::chrono::seconds(0)) throw fail("negative active time");
}

}  // namespace

void WorkloadEfficiencyAccumulator::Add(const WorkloadIntervalRecord& record) {
  Validate(record);
  auto it = sums_.find(record.workload);
  if (it == sums_.end()) it = sums_.emplace(record.workload, Sums{}).first;
  Sums& s = it->second;
  const auto start = record.interval.start;
  const auto length = record.interval.length();
  const auto active = record.active.value_or(length);
  // Another container of an interval already seen, or a new interval that must not overlap its
  // neighbours (active time would count twice).
  const auto next = s.intervals.lower_bound(start);
  const bool seen = next != s.intervals.end() && next->first == start;
  if (seen && next->second.length != length) {
    throw InvalidInput(
        fmt::format("workload '{}': two intervals start together with lengths {} s and {} s",
                    record.workload, next->second.length.count(), length.count()));
  }
  if (seen && next->second.active != active) {
    throw InvalidInput(
        fmt::format("workload '{}': two intervals start together with active times {} s and {} s",
                    record.workload, next->second.active.count(), active.count()));
  }
  if (!seen) {
    const bool overlaps_next = next != s.intervals.end() && next->first < record.interval.end;
    const bool overlaps_previous = next != s.intervals.begin() &&
                                   std::prev(next)->first + std::prev(next)->second.length > start;
    if (overlaps_next || overlaps_previous) {
      throw InvalidInput(fmt::format("workload '{}': overlapping intervals", record.workload));
    }
  }
  // Money first: should a sum overflow, nothing has moved.
  const Money cpu = s.cpu_cost + record.cpu_cost;
  const Money ram = s.ram_cost + record.ram_cost;
  const Money gpu = s.gpu_cost + record.gpu_cost;
  const Money other = s.other_cost + record.other_cost;
  if (!seen) s.intervals.emplace_hint(next, start, Sums::Interval{length, active});
  s.cpu_cost = cpu;
  s.ram_cost = ram;
  s.gpu_cost = gpu;
  s.other_cost = other;
  s.requested += {.cpu_millicore_seconds = record.cpu_request_millicore_seconds,
                  .memory_byte_seconds = record.memory_request_byte_seconds,
                  .gpu_millidevice_seconds =
                      Int128{record.gpu_requested_device_seconds} * kMillidevicesPerDevice};
  s.used += {.cpu_millicore_seconds = record.cpu_used_millicore_seconds,
             .memory_byte_seconds = record.memory_used_byte_seconds,
             .gpu_millidevice_seconds = record.gpu_busy_millidevice_seconds};
}

std::vector<WorkloadEfficiency> WorkloadEfficiencyAccumulator::Results() const {
  std::vector<WorkloadEfficiency> results;
  results.reserve(sums_.size());
  for (const auto& [workload, s] : sums_) {
    WorkloadEfficiency e;
    e.workload = workload;
    e.cpu_cost = s.cpu_cost;
    e.ram_cost = s.ram_cost;
    e.gpu_cost = s.gpu_cost;
    e.other_cost = s.other_cost;
    e.cost = s.cpu_cost + s.ram_cost + s.gpu_cost + s.other_cost;
    for (const auto& [start, interval] : s.intervals) e.active_seconds += interval.active.count();
    if (const auto per_hour = CostPerUnitHour(e.cost, e.active_seconds, 1)) {
      e.cost_per_hour = HourlyPrice{*per_hour};
    }
    e.requested = s.requested;
    e.used = s.used;
    // Averages over the same window: their ratio is the ratio of the sums.
    e.cpu_efficiency = ResourceEfficiency(static_cast<double>(s.used.cpu_millicore_seconds),
                                          static_cast<double>(s.requested.cpu_millicore_seconds));
    e.ram_efficiency = ResourceEfficiency(static_cast<double>(s.used.memory_byte_seconds),
                                          static_cast<double>(s.requested.memory_byte_seconds));
    e.gpu_efficiency = GpuEfficiency(static_cast<double>(s.used.gpu_millidevice_seconds),
                                     static_cast<double>(s.requested.gpu_millidevice_seconds));
    e.total_efficiency =
        TotalEfficiency(e.cpu_efficiency, e.cpu_cost, e.ram_efficiency, e.ram_cost);
    results.push_back(std::move(e));
  }
  return results;
}

std::vector<WorkloadSummary> SummarizeWorkloads(
    const std::vector<WorkloadEfficiency>& efficiencies,
    const std::map<std::string, std::map<std::string, RightsizingRecommendation, std::less<>>,
                   std::less<>>& rightsizing,
    const std::map<std::string, WindowWorkCost, std::less<>>& work) {
  std::vector<WorkloadSummary> summaries;
  summaries.reserve(efficiencies.size());
  for (const WorkloadEfficiency& e : efficiencies) {
    WorkloadSummary s;
    s.efficiency = e;
    if (const auto it = rightsizing.find(e.workload); it != rightsizing.end()) {
      s.rightsizing = it->second;
    }
    if (const auto it = work.find(e.workload); it != work.end()) s.work = it->second;
    summaries.push_back(std::move(s));
  }
  return summaries;
}

}  // namespace costledger::model
