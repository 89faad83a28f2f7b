#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "costledger/model/kubernetes_records.hpp"
#include "costledger/model/price_book.hpp"

namespace costledger::model {

/// One requirement of a node selector term (spec.affinity.nodeAffinity.
/// requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[].matchExpressions[]).
struct NodeSelectorRequirement {
  std::string key;
  std::string
      op;  ///< "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt" as Kubernetes spells them
  std::vector<std::string> values;
};

/// A node selector term: all its requirements must hold (terms are alternatives).
using NodeSelectorTerm = std::vector<NodeSelectorRequirement>;

/// What a pod (or a job) not yet scheduled says about the nodes it will run on, as far as prices
/// care: an instance type and a capacity type, each nullopt when the pod leaves it open.
struct PodPlacement {
  std::optional<std::string> instance_type;
  std::optional<CapacityType> capacity_type;
  friend bool operator==(const PodPlacement&, const PodPlacement&) = default;
};

/// Reads the placement from a pod's spec.nodeSelector and its required node affinity terms.
/// Instance type: node.kubernetes.io/instance-type (or beta.kubernetes.io/instance-type).
/// Capacity type: karpenter.sh/capacity-type ("spot"/"on-demand"), eks.amazonaws.com/capacityType
/// ("SPOT"/"ON_DEMAND"), cloud.google.com/gke-spot ("true"), kubernetes.azure.com/scalesetpriority
/// ("spot"). A node selector value decides; otherwise a key is decided only when every term
/// pins it to the same single value (operator In with one value; for a capacity type also NotIn
/// of the other one), since terms are alternatives. Anything else leaves it open. Pure.
PodPlacement PlacementOf(const Labels& node_selector,
                         std::span<const NodeSelectorTerm> required_terms);

}  // namespace costledger::model
