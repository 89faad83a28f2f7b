#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "costledger/model/money.hpp"

namespace costledger::model {

/// A property of a cost row that allocations can be aggregated and filtered by (rule 8).
enum class CostProperty {
  kCluster,
  kNode,
  kNamespace,
  kControllerKind,
  kController,
  kPod,
  kContainer,
  kTeam,
  kLabel,  ///< a pod label, named by `label`
};

struct PropertyRef {
  CostProperty property = CostProperty::kNamespace;
  std::string label;  ///< for kLabel only
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the defaulted <=>
  friend auto operator<=>(const PropertyRef&, const PropertyRef&) = default;
};

/// Exact sums over the container-intervals of one step that share the same property values,
/// as the store returns them (rule 8: any aggregation is a GROUP BY). Quantity x seconds are
/// doubles: cluster-wide byte-seconds over a month exceed int64; money stays exact.
struct AllocationRow {
  std::size_t step = 0;                  ///< index of the set (see AllocationRequest::StepWindow)
  std::vector<std::string> values;       ///< one per property the rows were grouped by
  std::chrono::sys_seconds first_start;  ///< start of the earliest interval
  std::chrono::sys_seconds last_end;     ///< end of the latest interval
  double container_seconds = 0;
  double usage_observed_seconds = 0;  ///< container-seconds whose CPU/memory usage was scraped
  double cpu_request_millicore_seconds = 0;
  double cpu_usage_millicore_seconds = 0;
  double cpu_allocated_millicore_seconds = 0;  ///< max(request, usage) per interval (rule 3)
  double memory_request_byte_seconds = 0;
  double memory_usage_byte_seconds = 0;
  double memory_allocated_byte_seconds = 0;
  double gpu_device_seconds = 0;
  double gpu_busy_device_seconds = 0;
  Money cpu_cost;
  Money ram_cost;
  Money gpu_cost;
};

/// Idle cost (rule 4) of one node within one step.
struct IdleRow {
  std::size_t step = 0;
  std::string cluster;
  std::string node;
  std::chrono::sys_seconds first_start;
  std::chrono::sys_seconds last_end;
  Money cpu_cost;
  Money ram_cost;
  Money gpu_cost;
};

}  // namespace costledger::model
