#pragma once

#include <string>
#include <vector>

#include "costledger/model/kubernetes_records.hpp"

namespace costledger::model {

/// What the cluster held at one scrape, for exposition with kube-state-metrics' and OpenCost's
/// names (labels of nodes and pods, node capacities, identities): taken from a fresh scrape only.
struct ClusterInventory {
  struct NodeInfo {
    std::string name;
    std::string uid;
    std::string provider_id;
    Labels labels;
    model::Capacity capacity;
    model::Capacity allocatable;
  };
  struct PodInfo {
    std::string namespace_name;
    std::string name;
    std::string uid;
    Labels labels;
    /// As Pod's: a Deployment's pods name the Deployment (its ReplicaSet is the Deployment's
    /// name and the pod-template-hash label); empty for a bare pod.
    std::string controller_kind;
    std::string controller_name;
    std::vector<PodClaim> claims;
    bool running = false;  ///< phase Running
  };
  std::vector<NodeInfo> nodes;
  std::vector<PodInfo> pods;
};

}  // namespace costledger::model
