#pragma once

#include <optional>
#include <span>
#include <string>

#include "costledger/model/kubernetes_records.hpp"
#include "costledger/model/money.hpp"
#include "costledger/model/offering_price.hpp"
#include "costledger/model/pod_placement.hpp"
#include "costledger/model/split_weights.hpp"

namespace costledger::model {

/// What a pod or job would add per hour at current prices, and on what that rests.
struct HourlyEstimate {
  HourlyPrice price;
  /// Which offerings priced it, for messages: "g5.xlarge spot", "spot (2 offerings, 7 nodes)",
  /// "cluster average (3 offerings, 12 nodes)".
  std::string basis;
  friend bool operator==(const HourlyEstimate&, const HourlyEstimate&) = default;
};

/// Estimates what `requests` cost per hour on the offerings running now (rule 2 applied to a
/// pod that is not scheduled yet): on one offering, each resource's pool of the node price
/// (AttributeNode's exact split of the hourly node price by capacity x `weights`) times
/// request / capacity, rounded half-even to the nano-dollar once per resource; no request, no
/// cost (a BestEffort pod adds about nothing). Requests above one node's capacity scale linearly
/// (a job may span nodes).
///
/// Offerings considered: those matching `placement`'s instance type and capacity type; when
/// none matches, the instance type is dropped, then the capacity type too (the basis says so).
/// An offering that cannot host the request is never used: one without GPUs for a request of
/// GPUs, one with no CPU or memory capacity for a request of it. Several offerings give their
/// average weighted by running nodes (an offering with none weighs as one), rounded half-even.
/// nullopt when no offering can host the request (none at all, or no GPU offering for a GPU
/// request). Throws InvalidInput for negative requests; std::overflow_error beyond int64
/// nano-dollars. Pure, thread-compatible.
std::optional<HourlyEstimate> EstimateHourlyPrice(const ResourceQuantities& requests,
                                                  const PodPlacement& placement,
                                                  std::span<const OfferingPrice> offerings,
                                                  const SplitWeights& weights = {});

}  // namespace costledger::model
