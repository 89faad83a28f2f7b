#pragma once

#include <compare>
#include <string>

#include "costledger/model/price_book.hpp"

namespace costledger::model {

/// What the scaling engine can buy: an instance type in one zone at one capacity type, optionally
/// narrowed to a node group (Karpenter NodePool, EKS managed node group, ...).
/// Ordered (instance type, capacity type, zone, node group), so results come out sorted.
struct OfferingKey {
  std::string instance_type;
  CapacityType capacity_type = CapacityType::kOnDemand;
  std::string zone;
  std::string node_group;  ///< empty when the node has none or grouping ignores it

  friend auto operator<=>(const OfferingKey&, const OfferingKey&) = default;
  friend bool operator==(const OfferingKey&, const OfferingKey&) = default;
};

/// Whether results are per offering or per offering and node group.
enum class OfferingGrouping { kOffering, kOfferingAndNodeGroup };

/// `key` as `grouping` sees it: its node group is cleared unless grouping by node group.
inline OfferingKey GroupedKey(OfferingKey key, OfferingGrouping grouping) {
  if (grouping == OfferingGrouping::kOffering) key.node_group.clear();
  return key;
}

}  // namespace costledger::model
