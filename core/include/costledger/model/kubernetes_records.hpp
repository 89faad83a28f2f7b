#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "costledger/model/labels.hpp"
#include "costledger/model/price_book.hpp"
#include "costledger/model/resources.hpp"

namespace costledger::model {

/// CPU in millicores, memory in bytes, GPUs (nvidia.com/gpu) in devices.
struct ResourceQuantities {
  std::int64_t cpu_millicores = 0;
  std::int64_t memory_bytes = 0;
  std::int64_t gpu_devices = 0;
  friend bool operator==(const ResourceQuantities&, const ResourceQuantities&) = default;
};

/// One entry of a NodeList.
struct Node {
  std::string name;
  std::string uid;
  Labels labels;
  std::string instance_type;  ///< node.kubernetes.io/instance-type (or beta label); may be empty
  std::string zone;           ///< topology.kubernetes.io/zone (or beta label); may be empty
  std::string region;         ///< topology.kubernetes.io/region; may be empty
  model::CapacityType capacity_type = model::CapacityType::kOnDemand;
  std::string node_group;       ///< NodeGroupOf(labels): EKS node group, Karpenter NodePool, ...
  model::Capacity capacity;     ///< status.capacity
  model::Capacity allocatable;  ///< status.allocatable
  std::string provider_id;
  std::optional<std::chrono::sys_seconds> created;
};

enum class PodPhase { kPending, kRunning, kSucceeded, kFailed, kUnknown };

struct Container {
  std::string name;
  ResourceQuantities requests;
  ResourceQuantities limits;
};

/// A pod volume backed by a claim: spec.volumes[].name and its persistentVolumeClaim.claimName
/// (kube-state-metrics names the pair in kube_pod_spec_volumes_persistentvolumeclaims_info).
struct PodClaim {
  std::string volume;
  std::string claim;  ///< in the pod's namespace; never empty
  friend bool operator==(const PodClaim&, const PodClaim&) = default;
};

/// One entry of a PodList.
struct Pod {
  std::string namespace_name;
  std::string name;
  std::string uid;
  std::string node_name;  ///< empty while unscheduled
  PodPhase phase = PodPhase::kUnknown;
  Labels labels;
  /// The controller that owns the pod: a ReplicaSet owned by a Deployment names the Deployment
  /// (pod-template-hash suffix stripped). Empty kind and name for a bare pod.
  std::string controller_kind;
  std::string controller_name;
  std::vector<Container> containers;       ///< app containers (spec.containers)
  std::vector<Container> init_containers;  ///< spec.initContainers, sidecars included
  /// What the scheduler reserves for the pod, by Kubernetes' effective-request rule:
  /// max(sum of app containers + sidecars, max over init containers of the init container
  /// plus the sidecars started before it), per resource.
  ResourceQuantities effective_requests;
  /// The volumes that mount a claim (spec.volumes[].persistentVolumeClaim), in document order.
  std::vector<PodClaim> claims;
  std::optional<std::chrono::sys_seconds> created;
  std::optional<std::chrono::sys_seconds> started;  ///< status.startTime
  /// For Succeeded/Failed pods: the latest container termination time, after which the pod
  /// costs nothing. Empty when not known.
  std::optional<std::chrono::sys_seconds> finished;
};

}  // namespace costledger::model
