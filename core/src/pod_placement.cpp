#include "costledger/model/pod_placement.hpp"

#include <array>
#include <string_view>

#include "costledger/model/kubernetes_rules.hpp"

namespace costledger::model {
namespace {

constexpr std::string_view kInstanceType = "node.kubernetes.io/instance-type";
constexpr std::string_view kBetaInstanceType = "beta.kubernetes.io/instance-type";

// A label that tells the capacity type, with its spot and on-demand spellings.
struct CapacityLabel {
  std::string_view key;
  std::string_view spot;
  std::string_view on_demand;
};

constexpr std::array<CapacityLabel, 5> kCapacityLabels{{
    {"karpenter.sh/capacity-type", "spot", "on-demand"},
    {"eks.amazonaws.com/capacityType", "SPOT", "ON_DEMAND"},
    {"cloud.google.com/gke-spot", "true", "false"},
    {"cloud.google.com/gke-preemptible", "true", "false"},
    {"kubernetes.azure.com/scalesetpriority", "spot", "regular"},
}};

std::optional<CapacityType> CapacityOfValue(const CapacityLabel& label, std::string_view value) {
  if (value == label.spot) return CapacityType::kSpot;
  if (value == label.on_demand) return CapacityType::kOnDemand;
  return std::nullopt;
}

CapacityType Other(CapacityType type) {
  return type == CapacityType::kSpot ? CapacityType::kOnDemand : CapacityType::kSpot;
}

// What one requirement pins the instance type to, if anything.
std::optional<std::string> PinnedInstanceType(const NodeSelectorRequirement& r) {
  if ((r.key == kInstanceType || r.key == kBetaInstanceType) && r.op == "In" &&
      r.values.size() == 1) {
    return r.values.front();
  }
  return std::nullopt;
}

// What one requirement pins the capacity type to, if anything.
std::optional<CapacityType> PinnedCapacityType(const NodeSelectorRequirement& r) {
  for (const CapacityLabel& label : kCapacityLabels) {
    if (r.key != label.key || r.values.size() != 1) continue;
    const std::optional<CapacityType> named = CapacityOfValue(label, r.values.front());
    if (!named) return std::nullopt;
    if (r.op == "In") return named;
    if (r.op == "NotIn") return Other(*named);
  }
  return std::nullopt;
}

// The value every term pins with `of` (terms are alternatives: all must agree), or nullopt.
template <class T, class Of>
std::optional<T> AgreedByEveryTerm(std::span<const NodeSelectorTerm> terms, Of of) {
  std::optional<T> agreed;
  for (const NodeSelectorTerm& term : terms) {
    std::optional<T> pinned;
    for (const NodeSelectorRequirement& r : term) {
      if (std::optional<T> v = of(r)) {
        if (pinned && *pinned != *v) return std::nullopt;  // a term no node satisfies
        pinned = std::move(v);
      }
    }
    if (!pinned) return std::nullopt;
    if (agreed && *agreed != *pinned) return std::nullopt;
    agreed = std::move(pinned);
  }
  return agreed;
}

}  // namespace

PodPlacement PlacementOf(const Labels& node_selector,
                         std::span<const NodeSelectorTerm> required_terms) {
  PodPlacement p;
  if (std::string t = StableOrBetaLabel(node_selector, kInstanceType, kBetaInstanceType);
      !t.empty()) {
    p.instance_type = std::move(t);
  } else {
    p.instance_type = AgreedByEveryTerm<std::string>(required_terms, PinnedInstanceType);
  }
  for (const CapacityLabel& label : kCapacityLabels) {
    const auto it = node_selector.find(label.key);
    if (it == node_selector.end()) continue;
    p.capacity_type = CapacityOfValue(label, it->second);
    if (p.capacity_type) break;
  }
  if (!p.capacity_type) {
    p.capacity_type = AgreedByEveryTerm<CapacityType>(required_terms, PinnedCapacityType);
  }
  return p;
}

}  // namespace costledger::model
