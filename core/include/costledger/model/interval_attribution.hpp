#pragma once

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "costledger/model/attribution.hpp"
#include "costledger/model/kubernetes_records.hpp"
#include "costledger/model/price_book.hpp"
#include "costledger/model/shared_text.hpp"
#include "costledger/model/split_weights.hpp"
#include "costledger/model/usage.hpp"

namespace costledger::model {

/// Rule 8: every cost row carries these, so any aggregation is a GROUP BY. Shared texts: the
/// rows of an interval repeat them (AttributeInterval interns them), and an interval at 150k
/// pods holds as many rows.
struct CostLabels {
  SharedText cluster;
  SharedText node;
  SharedText namespace_name;
  SharedText controller_kind;
  SharedText controller;
  SharedText pod;
  SharedText container;
  SharedText team;
  SharedText capacity_type;
  SharedText instance_type;
  /// The platform that launched the pod and the workload people know it by (NameWorkload:
  /// "jupyterhub" and "notebook:alice", "spark" and "spark:etl", ...); "" in rows stored
  /// before they were collected.
  SharedText platform;
  SharedText workload;
};

/// One container's cost for one interval.
struct ContainerCostRow {
  CostLabels labels;
  model::ContainerDemand demand;
  model::ResourceCosts cost;
  std::optional<double> gpu_busy_devices;
  bool usage_observed = false;
};

/// One node's cost for one interval.
struct NodeCostRow {
  std::string node;
  std::string instance_type;
  std::string zone;
  model::CapacityType capacity_type = model::CapacityType::kOnDemand;
  std::string node_group;  ///< the node's (Node::node_group); "" when it has none
  model::Capacity capacity;
  model::PriceQuote price;
  model::UnitPrices unit_prices;
  model::NodeAttribution attribution;
  std::size_t containers = 0;
};

struct IntervalSettings {
  std::string cluster;
  std::string team_label = "team";
  model::SplitWeights weights;
};

/// The name OpenCost gives what no pod mounts (rule 9).
inline constexpr std::string_view kUnmountedName = "__unmounted__";

/// One persistent volume for one interval: what it is and what it cost (rule 9).
struct VolumeCostRow {
  std::string volume;       ///< the PV's name
  std::string provider_id;  ///< EBS volume id (CSI volumeHandle or in-tree volumeID)
  std::string storage_class;
  std::string price_key;        ///< EBS type ("gp3", ...) or, not EBS, the storage class
  std::string claim_namespace;  ///< of its bound claim; "" when none
  std::string claim;
  std::string zone;
  std::int64_t size_bytes = 0;
  std::int64_t billed_iops = 0;
  std::int64_t billed_throughput_mibps = 0;
  VolumeQuote price;
  Money cost;
  std::size_t mounts = 0;  ///< pods that mounted its claim in the interval
  friend bool operator==(const VolumeCostRow&, const VolumeCostRow&) = default;
};

/// A share of one volume's interval cost: a container of a pod that mounted its claim, or the
/// unmounted rest (node, controller, pod, container, platform and workload "__unmounted__",
/// namespace the claim's or
/// "__unmounted__"). byte_seconds is the volume's size x interval split like the cost.
struct VolumeShareRow {
  CostLabels labels;
  std::string volume;
  double byte_seconds = 0;
  Money cost;
};

struct IntervalCosts {
  std::chrono::sys_seconds start;
  std::chrono::seconds length{0};
  std::vector<NodeCostRow> nodes;
  std::vector<ContainerCostRow> containers;
  /// Persistent volumes (rule 9; AttributeVolumes) and their shares to pods or unmounted.
  std::vector<VolumeCostRow> volumes;
  std::vector<VolumeShareRow> volume_shares;
  /// Things a person should know (unpriced nodes, pods on unknown nodes, ...), never silent.
  std::vector<std::string> warnings;

  /// Nodes' cost (volumes not included: VolumeCost).
  model::Money TotalCost() const;
  model::Money IdleCost() const;
  model::Money VolumeCost() const;
};

/// Whether `pod` holds its node's resources during the interval starting at `start`: pending
/// (bound), running or unknown pods, and finished pods until they finished.
bool PodChargedDuring(const Pod& pod, std::chrono::sys_seconds start);

/// Attributes one interval [start, start + length) of a cluster snapshot. A pod is charged when
/// it is bound to a known node and was running during the interval: Pending-but-bound and
/// Running pods, and Succeeded/Failed pods only until they finished. Each app container gets
/// its requests and observed usage; when the pod's effective request (init-container rule)
/// exceeds its containers' sum, the excess is charged as a row for the largest init container.
/// Every row of a pod carries the platform and workload NameWorkload(pod) gives it.
/// Pure: no I/O, no clock.
IntervalCosts AttributeInterval(std::chrono::sys_seconds start, std::chrono::seconds length,
                                std::span<const Node> nodes, std::span<const Pod> pods,
                                const UsageIndex& usage, const model::PriceBook& prices,
                                const IntervalSettings& settings);

}  // namespace costledger::model
