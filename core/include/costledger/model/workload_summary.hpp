#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "costledger/model/money.hpp"
#include "costledger/model/resource_seconds.hpp"
#include "costledger/model/rightsizing.hpp"
#include "costledger/model/window.hpp"
#include "costledger/model/work_counter.hpp"

namespace costledger::model {

/// What one workload (or one of its containers) cost and did over one interval. Several records
/// of one workload for the same interval (its containers) add up.
struct WorkloadIntervalRecord {
  std::string workload;  ///< the aggregation key, e.g. "namespace/controller" or a Spark app
  TimeWindow interval;
  Money cpu_cost;
  Money ram_cost;
  Money gpu_cost;
  Money other_cost;  ///< volumes, shared idle, ...: in the cost, not in the efficiencies
  std::int64_t cpu_request_millicore_seconds = 0;
  std::int64_t cpu_used_millicore_seconds = 0;
  std::int64_t memory_request_byte_seconds = 0;
  std::int64_t memory_used_byte_seconds = 0;
  std::int64_t gpu_requested_device_seconds = 0;
  /// DCGM: sum over its devices of DCGM_FI_DEV_GPU_UTIL x 10 x seconds.
  std::int64_t gpu_busy_millidevice_seconds = 0;
  /// The time it ran in `interval`, when not all of it (a day it ran for some hours; parts in
  /// several clusters, which add up); nullopt: the whole interval.
  std::optional<std::chrono::seconds> active;
};

/// A workload's cost and efficiencies over a window.
struct WorkloadEfficiency {
  std::string workload;
  Money cost;  ///< cpu + ram + gpu + other
  Money cpu_cost;
  Money ram_cost;
  Money gpu_cost;
  Money other_cost;
  /// Time the workload ran: per distinct interval it has records in, the interval's length or
  /// the record's `active` time.
  std::int64_t active_seconds = 0;
  /// cost / active hours, half-even to the nano-dollar; nullopt without active time.
  std::optional<HourlyPrice> cost_per_hour;
  ResourceSeconds requested;  ///< GPU: requested devices x 1000 x s
  ResourceSeconds used;       ///< GPU: busy time
  /// Rule 6 (efficiency.hpp): usage / request over the window (no request: 1 if used, else 0).
  double cpu_efficiency = 0;
  double ram_efficiency = 0;
  /// Busy device-time / requested device-time; 0 without requested devices.
  double gpu_efficiency = 0;
  /// CPU and RAM efficiencies weighted by their costs.
  double total_efficiency = 0;
  friend bool operator==(const WorkloadEfficiency&, const WorkloadEfficiency&) = default;
};

/// Folds workload records per workload. Sums are exact, so the order of Add calls does not
/// matter. Not thread-safe.
class WorkloadEfficiencyAccumulator {
 public:
  /// Throws InvalidInput for an empty or inverted interval, a negative cost, quantity or active
  /// time, an interval of the workload that starts with an earlier one but has another length
  /// or active time, or one
  /// that overlaps another of its intervals; std::overflow_error should a cost sum exceed int64
  /// nano-dollars. A record that throws changes nothing.
  void Add(const WorkloadIntervalRecord& record);
  /// Sorted by workload.
  std::vector<WorkloadEfficiency> Results() const;

 private:
  struct Sums {
    Money cpu_cost;
    Money ram_cost;
    Money gpu_cost;
    Money other_cost;
    ResourceSeconds requested;
    ResourceSeconds used;
    struct Interval {
      std::chrono::seconds length;
      std::chrono::seconds active;
    };
    std::map<std::chrono::sys_seconds, Interval> intervals;  ///< by start
  };
  std::map<std::string, Sums, std::less<>> sums_;
};

/// Everything the scaling engine reads about one workload (DESIGN "Scaling engine feed").
struct WorkloadSummary {
  WorkloadEfficiency efficiency;
  /// Per container name, for the containers that have usage samples.
  std::map<std::string, RightsizingRecommendation, std::less<>> rightsizing;
  /// From the workload's configured work counter; nullopt when it has none.
  std::optional<WindowWorkCost> work;
};

/// Joins the parts by workload name; one summary per workload in `efficiencies`, same order.
/// `rightsizing` is keyed by workload, then container; parts of unknown workloads are ignored.
std::vector<WorkloadSummary> SummarizeWorkloads(
    const std::vector<WorkloadEfficiency>& efficiencies,
    const std::map<std::string, std::map<std::string, RightsizingRecommendation, std::less<>>,
                   std::less<>>& rightsizing,
    const std::map<std::string, WindowWorkCost, std::less<>>& work);

}  // namespace costledger::model
