#include "costledger/model/kubernetes_rules.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <utility>

namespace costledger::model {
namespace {

ResourceQuantities Max(const ResourceQuantities& a, const ResourceQuantities& b) {
  return {std::max(a.cpu_millicores, b.cpu_millicores), std::max(a.memory_bytes, b.memory_bytes),
          std::max(a.gpu_devices, b.gpu_devices)};
}

// Quantities are non-negative; a sum past int64 means a hostile document, not a big pod.
std::optional<ResourceQuantities> CheckedAdd(const ResourceQuantities& a,
                                             const ResourceQuantities& b) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (a.cpu_millicores > kMax - b.cpu_millicores || a.memory_bytes > kMax - b.memory_bytes ||
      a.gpu_devices > kMax - b.gpu_devices) {
    return std::nullopt;
  }
  return ResourceQuantities{a.cpu_millicores + b.cpu_millicores, a.memory_bytes + b.memory_bytes,
                            a.gpu_devices + b.gpu_devices};
}

}  // namespace

std::string StableOrBetaLabel(const Labels& labels, std::string_view stable,
                              std::string_view beta) {
  if (const auto it = labels.find(stable); it != labels.end()) return it->second;
  if (const auto it = labels.find(beta); it != labels.end()) return it->second;
  return {};
}

CapacityType CapacityTypeOf(const Labels& labels) {
  // Each provisioner spells "spot" its own way; any one of them is enough.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kSpotLabels{{
      {"karpenter.sh/capacity-type", "spot"},
      {"eks.amazonaws.com/capacityType", "SPOT"},
      {"cloud.google.com/gke-spot", "true"},
      {"cloud.google.com/gke-preemptible", "true"},
      {"kubernetes.azure.com/scalesetpriority", "spot"},
  }};
  for (const auto& [key, spot] : kSpotLabels) {
    const auto it = labels.find(key);
    if (it != labels.end() && it->second == spot) return CapacityType::kSpot;
  }
  return CapacityType::kOnDemand;
}

std::string NodeGroupOf(const Labels& labels) {
  // Most specific first: an EKS managed node group's nodes may also carry eksctl's label.
  static constexpr std::array<std::string_view, 6> kGroupLabels{
      "eks.amazonaws.com/nodegroup",   "karpenter.sh/nodepool",
      "karpenter.sh/provisioner-name", "alpha.eksctl.io/nodegroup-name",
      "cloud.google.com/gke-nodepool", "kubernetes.azure.com/agentpool",
  };
  for (const std::string_view key : kGroupLabels) {
    const auto it = labels.find(key);
    if (it != labels.end() && !it->second.empty()) return it->second;
  }
  return "";
}

PodPhase PodPhaseOf(const std::optional<std::string>& phase) {
  if (!phase) return PodPhase::kUnknown;
  if (*phase == "Running") return PodPhase::kRunning;
  if (*phase == "Pending") return PodPhase::kPending;
  if (*phase == "Succeeded") return PodPhase::kSucceeded;
  if (*phase == "Failed") return PodPhase::kFailed;
  return PodPhase::kUnknown;  // "Unknown", or a phase newer than this rule
}

ControllerRef ControllerOf(std::string owner_kind, std::string owner_name, const Labels& labels) {
  ControllerRef ref{std::move(owner_kind), std::move(owner_name)};
  // A Deployment names its ReplicaSets <deployment>-<pod-template-hash>. Without the label,
  // or when the name does not fit, the ReplicaSet was made some other way: keep it.
  if (ref.kind != "ReplicaSet") return ref;
  const auto hash = labels.find(std::string_view("pod-template-hash"));
  if (hash == labels.end() || hash->second.empty()) return ref;
  const std::string& name = ref.name;
  const std::size_t suffix = hash->second.size() + 1;
  if (name.size() <= suffix || name[name.size() - suffix] != '-' ||
      std::string_view{name}.substr(name.size() - hash->second.size()) != hash->second) {
    return ref;
  }
  ref.kind = "Deployment";
  ref.name.resize(name.size() - suffix);
  return ref;
}

ControllerRef OwnerReferenceOf(const ControllerRef& controller, const Labels& labels) {
  if (controller.kind != "Deployment") return controller;
  const auto hash = labels.find(std::string_view("pod-template-hash"));
  // Without the label ControllerOf would not have named a Deployment: keep what was given.
  if (hash == labels.end() || hash->second.empty()) return controller;
  return {"ReplicaSet", controller.name + "-" + hash->second};
}

std::optional<ResourceQuantities> EffectiveRequests(std::span<const Container> containers,
                                                    std::span<const Container> init_containers,
                                                    const std::vector<bool>& init_sidecar) {
  ResourceQuantities sidecars;
  ResourceQuantities init_peak;
  for (std::size_t i = 0; i < init_containers.size(); ++i) {
    const ResourceQuantities& requests = init_containers[i].requests;
    if (i < init_sidecar.size() && init_sidecar[i]) {
      const auto sum = CheckedAdd(sidecars, requests);
      if (!sum) return std::nullopt;
      sidecars = *sum;
      init_peak = Max(init_peak, sidecars);
    } else {
      const auto sum = CheckedAdd(requests, sidecars);
      if (!sum) return std::nullopt;
      init_peak = Max(init_peak, *sum);
    }
  }
  ResourceQuantities running = sidecars;
  for (const Container& c : containers) {
    const auto sum = CheckedAdd(running, c.requests);
    if (!sum) return std::nullopt;
    running = *sum;
  }
  return Max(running, init_peak);
}

}  // namespace costledger::model
