#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/kubernetes_records.hpp"

namespace costledger::model {

/// Kubernetes' own rules applied to parsed records, apart from how a document is read.

/// The stable label, else its deprecated beta spelling (older clusters and kops set only those);
/// empty when neither is set.
std::string StableOrBetaLabel(const Labels& labels, std::string_view stable, std::string_view beta);

/// Spot when any provisioner's label says so (Karpenter, EKS managed node groups, GKE spot and
/// preemptible, AKS scale-set priority); on-demand otherwise.
CapacityType CapacityTypeOf(const Labels& labels);

/// The node group a node belongs to, as its provisioner labels it: an EKS managed node group
/// (`eks.amazonaws.com/nodegroup`), a Karpenter NodePool (`karpenter.sh/nodepool`, or the
/// older Provisioner's `karpenter.sh/provisioner-name`), an eksctl node group
/// (`alpha.eksctl.io/nodegroup-name`), a GKE node pool (`cloud.google.com/gke-nodepool`) or an
/// AKS agent pool (`kubernetes.azure.com/agentpool`), the first of those present and non-empty.
/// "" when the node carries none.
std::string NodeGroupOf(const Labels& labels);

/// "Running", "Pending", "Succeeded", "Failed"; anything else (or nothing) is kUnknown.
PodPhase PodPhaseOf(const std::optional<std::string>& phase);

/// The controller that manages a pod, from its controlling owner reference: a ReplicaSet named
/// <deployment>-<pod-template-hash> (the pod's label) is reported as its Deployment; any other
/// owner as it is.
struct ControllerRef {
  std::string kind;
  std::string name;
};
ControllerRef ControllerOf(std::string owner_kind, std::string owner_name, const Labels& labels);

/// The inverse of ControllerOf: the controlling owner reference the pod carries. A Deployment's
/// pod is owned by its ReplicaSet <deployment>-<pod-template-hash>; any other controller (or
/// none) is the owner itself.
ControllerRef OwnerReferenceOf(const ControllerRef& controller, const Labels& labels);

/// What the scheduler reserves for a pod (resourcehelper.PodRequests): init containers run one
/// at a time, each alongside the sidecars (`init_sidecar[i]`: restartPolicy Always) started
/// before it; sidecars then keep running next to the app containers. The result is
/// max(app containers + sidecars, peak of the init phase) per resource. Nothing when a sum
/// leaves int64 (a hostile document, not a big pod). `init_sidecar` has one entry per init
/// container.
std::optional<ResourceQuantities> EffectiveRequests(std::span<const Container> containers,
                                                    std::span<const Container> init_containers,
                                                    const std::vector<bool>& init_sidecar);

}  // namespace costledger::model
