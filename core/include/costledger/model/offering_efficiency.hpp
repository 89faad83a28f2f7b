#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "costledger/model/money.hpp"
#include "costledger/model/offering_key.hpp"
#include "costledger/model/resource_seconds.hpp"
#include "costledger/model/resources.hpp"

namespace costledger::model {

/// One node over one interval [start, start + length): what it cost, what it offered and what
/// ran on it. Quantities are integer resource-time in base units, summed over the interval.
struct NodeIntervalRecord {
  std::string node;
  OfferingKey offering;  ///< instance type, capacity type, zone and (optional) node group
  std::chrono::sys_seconds start;
  std::chrono::seconds length{0};
  /// The node's price in force during the interval (rule 1).
  HourlyPrice hourly_price;
  /// The node's interval cost split into pools (rule 2; NodeAttribution::pools). Sum = node cost.
  Money cpu_pool_cost;
  Money ram_pool_cost;
  Money gpu_pool_cost;
  Capacity capacity;
  /// Usage, not requests: sum over containers of average usage x seconds.
  std::int64_t cpu_used_millicore_seconds = 0;
  std::int64_t memory_used_byte_seconds = 0;
  /// Busy GPU time from DCGM: sum over devices of DCGM_FI_DEV_GPU_UTIL x 10 x seconds.
  std::int64_t gpu_busy_millidevice_seconds = 0;
  /// Rule 3 allocations (max(request, usage), scaled to fit) x seconds.
  std::int64_t cpu_allocated_millicore_seconds = 0;
  std::int64_t memory_allocated_byte_seconds = 0;
  std::int64_t gpu_allocated_device_seconds = 0;
};

/// One offering over a window, the figures the scaling engine reads (DESIGN "Efficiency").
/// A figure whose denominator is zero (no node time, no capacity, no usage) is nullopt (JSON
/// null), never a division by zero.
struct OfferingEfficiency {
  OfferingKey offering;
  std::int64_t node_intervals = 0;  ///< records folded in
  std::int64_t node_seconds = 0;
  Money cost;  ///< cpu + ram + gpu pool costs, exact
  Money cpu_pool_cost;
  Money ram_pool_cost;
  Money gpu_pool_cost;
  ResourceSeconds capacity;   ///< capacity-time
  ResourceSeconds used;       ///< usage-time (GPU: busy time)
  ResourceSeconds allocated;  ///< allocation-time (rule 3)

  /// cost / node-hours, rounded half-even to the nano-dollar; nullopt without node time.
  std::optional<HourlyPrice> average_hourly_price;
  /// Price of the latest record: greatest start, ties broken by greatest node name (then by
  /// greatest price, should one node be listed twice for one interval).
  HourlyPrice latest_hourly_price;
  std::chrono::sys_seconds latest_start;

  /// Usage-time / capacity-time per resource; nullopt when the capacity is zero.
  std::optional<double> cpu_utilization;
  std::optional<double> ram_utilization;
  std::optional<double> gpu_utilization;
  /// Allocation-time / capacity-time per resource; nullopt when the capacity is zero.
  std::optional<double> cpu_allocation;
  std::optional<double> ram_allocation;
  std::optional<double> gpu_allocation;

  /// cpu_pool_cost / used core-hours; ram_pool_cost / used GiB-hours; gpu_pool_cost / busy
  /// device-hours. Nano-dollar resolution, rounded half-even; nullopt without usage (see
  /// CostPerUnitHour).
  std::optional<Money> effective_cost_per_used_vcpu_hour;
  std::optional<Money> effective_cost_per_used_gib_hour;
  std::optional<Money> effective_cost_per_used_gpu_hour;

  double NodeHours() const { return static_cast<double>(node_seconds) / kSecondsPerHour; }
  friend bool operator==(const OfferingEfficiency&, const OfferingEfficiency&) = default;
};

/// Folds node-interval records into per-offering sums, one record at a time, and derives the
/// figures on demand. Sums are exact integers, so the result does not depend on the order of
/// Add and Merge calls. Not thread-safe; give each thread its own and Merge them.
class OfferingEfficiencyAccumulator {
 public:
  explicit OfferingEfficiencyAccumulator(OfferingGrouping grouping = OfferingGrouping::kOffering)
      : grouping_(grouping) {}

  /// Throws InvalidInput for a negative length, price, pool cost, capacity or quantity;
  /// std::overflow_error should a pool cost sum exceed int64 nano-dollars.
  void Add(const NodeIntervalRecord& record);
  /// Adds another accumulator's sums (same grouping, else InvalidInput).
  void Merge(const OfferingEfficiencyAccumulator& other);

  /// One entry per offering seen, sorted by OfferingKey.
  std::vector<OfferingEfficiency> Results() const;
  std::size_t size() const { return sums_.size(); }

 private:
  struct Sums {
    std::int64_t node_intervals = 0;
    std::int64_t node_seconds = 0;
    Money cpu_pool_cost;
    Money ram_pool_cost;
    Money gpu_pool_cost;
    ResourceSeconds capacity;
    ResourceSeconds used;
    ResourceSeconds allocated;
    std::chrono::sys_seconds latest_start;
    std::string latest_node;
    HourlyPrice latest_hourly_price;
  };
  static void MergeSums(Sums& into, const Sums& from);
  static OfferingEfficiency Derive(const OfferingKey& key, const Sums& sums);

  OfferingGrouping grouping_;
  std::map<OfferingKey, Sums> sums_;
};

}  // namespace costledger::model
