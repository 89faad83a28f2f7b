#pragma once

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "costledger/model/attribution.hpp"
#include "costledger/model/kubernetes_records.hpp"
#include "costledger/model/price_book.hpp"
#include "costledger/model/split_weights.hpp"
#include "costledger/model/usage.hpp"

namespace costledger::model {

/// Rule 8: every cost row carries these, so any aggregation is a GROUP BY.
struct CostLabels {
  std::string cluster;
  std::string node;
  std::string namespace_name;
  std::string controller_kind;
  std::string controller;
  std::string pod;
  std::string container;
  std::string team;
  std::string capacity_type;
  std::string instance_type;
  /// The platform that launched the pod and the workload people know it by (NameWorkload:
  /// "jupyterhub" and "notebook:alice", "spark" and "spark:etl", ...); "" in rows stored
  /// before they were collected.
  std::string platform;
  std::string workload;
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

struct IntervalCosts {
  std::chrono::sys_seconds start;
  std::chrono::seconds length{0};
  std::vector<NodeCostRow> nodes;
  std::vector<ContainerCostRow> containers;
  /// Things a person should know (unpriced nodes, pods on unknown nodes, ...), never silent.
  std::vector<std::string> warnings;

  model::Money TotalCost() const;
  model::Money IdleCost() const;
};

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
