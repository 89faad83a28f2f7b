#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
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
  kCapacityType,  ///< "on-demand" or "spot": the node's
  kInstanceType,  ///< the node's, e.g. "m5.xlarge"
  kPlatform,      ///< the platform that launched the pod (NameWorkload), e.g. "spark"
  kWorkload,      ///< the workload as its people know it (NameWorkload), e.g. "notebook:alice"
  kLabel,         ///< a pod label, named by `label`
  // OpenCost's names that costledger derives from the properties above or does not collect;
  // the store is never grouped by them (GroupingFor asks for what they derive from).
  kAnnotation,      ///< a pod annotation, named by `label`: not collected, always ""
  kNotCollected,    ///< an OpenCost field costledger has no data for (`label` names it): ""
  kKindController,  ///< OpenCost's `controller`: "<kind in lower case>:<name>", "" without one
  kDeployment,      ///< the controller's name when its kind is Deployment, else ""
  kStatefulSet,     ///< likewise for StatefulSet
  kDaemonSet,       ///< likewise for DaemonSet
  kJob,             ///< likewise for Job
};

struct PropertyRef {
  CostProperty property = CostProperty::kNamespace;
  std::string label;  ///< for kLabel only
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the defaulted <=>
  friend auto operator<=>(const PropertyRef&, const PropertyRef&) = default;
};

/// One persistent volume's part of an allocation row (OpenCost's `pvs` entry).
struct PvShare {
  std::string cluster;
  std::string volume;
  double byte_seconds = 0;  ///< the volume's size x seconds, as split to the row
  Money cost;
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
  /// Persistent volume shares of the rows' pods (rule 9), and per volume.
  double pv_byte_seconds = 0;
  Money pv_cost;
  std::vector<PvShare> pvs;
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

/// One node over a window (GET /v1/assets).
struct NodeAssetRow {
  std::string cluster;
  std::string node;
  std::string instance_type;
  std::string zone;
  std::string capacity_type;
  std::string node_group;  ///< EKS node group, Karpenter NodePool, ...; "" when it has none
  std::chrono::sys_seconds first_start;
  std::chrono::sys_seconds last_end;
  double seconds = 0;  ///< time the node was seen
  std::int64_t cpu_millicores = 0;
  std::int64_t memory_bytes = 0;
  std::int64_t gpu_devices = 0;
  Money max_price_per_hour;
  Money cost;
  Money cpu_cost, ram_cost, gpu_cost;  ///< the node cost by resource pool
  Money idle_cpu, idle_ram, idle_gpu;
};

/// One persistent volume over a window (GET /v1/assets, type Disk).
struct VolumeAssetRow {
  std::string cluster;
  std::string volume;
  std::string provider_id;
  std::string storage_class;
  std::string price_key;  ///< EBS type, e.g. "gp3"; the storage class when not EBS
  std::string claim_namespace;
  std::string claim;
  std::string zone;
  std::chrono::sys_seconds first_start;
  std::chrono::sys_seconds last_end;
  double seconds = 0;       ///< time the volume was seen
  double byte_seconds = 0;  ///< size x seconds
  std::int64_t size_bytes = 0;
  Money per_gib_month;  ///< the size price in force (the largest seen)
  Money cost;
};

/// One priced Athena query execution (GET /v1/queries).
struct QueryCostRow {
  std::string cluster;
  std::string query_execution_id;
  std::string work_group;
  std::string team;
  std::string state;
  std::string statement_type;
  std::chrono::sys_seconds submitted;
  std::int64_t data_scanned_bytes = 0;
  std::int64_t engine_execution_millis = 0;
  Money cost;
  std::string query;
  friend bool operator==(const QueryCostRow&, const QueryCostRow&) = default;
};

}  // namespace costledger::model
