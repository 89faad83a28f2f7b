#pragma once

#include <chrono>
#include <cstdint>
#include <span>

#include "costledger/model/money.hpp"
#include "costledger/model/resources.hpp"
#include "costledger/model/split_weights.hpp"

namespace costledger::model {

/// Cost per resource in nano-dollars.
struct ResourceCosts {
  std::int64_t cpu_nanos = 0;
  std::int64_t ram_nanos = 0;
  std::int64_t gpu_nanos = 0;

  /// CPU + RAM + GPU, summed as Money: throws std::overflow_error beyond int64 nano-dollars.
  Money Total() const {
    return Money::FromNanos(cpu_nanos) + Money::FromNanos(ram_nanos) + Money::FromNanos(gpu_nanos);
  }
  friend constexpr bool operator==(const ResourceCosts&, const ResourceCosts&) = default;
};

/// A node's cost for one interval, split into resource pools, and what is left idle.
struct NodeAttribution {
  Money node_cost;
  ResourceCosts pools;             ///< node_cost split by capacity x weights; sums to node_cost.
  ResourceCosts idle;              ///< pools minus container costs; never negative.
  bool cpu_overcommitted = false;  ///< allocations exceeded capacity and were scaled down.
  bool memory_overcommitted = false;
  bool gpu_overcommitted = false;
};

/// Rule 1: hourly price x interval / 3600 s, rounded half-even to the nano-dollar.
/// Throws InvalidInput for a negative price or interval.
Money IntervalCost(HourlyPrice price, std::chrono::seconds interval);

/// Rules 2-5 for one node and one interval. Writes one ResourceCosts per demand into
/// `costs_out` (same order, costs_out.size() must equal demands.size()).
/// Guarantees: every cost >= 0; sum(costs_out) + idle == node_cost to the nano-dollar;
/// each container's cost depends only on its own demand and the node's totals, so results
/// do not depend on container order. Rounding: once per container and resource, toward zero,
/// so the residual (< 1 n$ per container-resource) lands in idle and idle can never go negative.
/// Throws InvalidInput on negative node cost, capacity, demand or weight.
/// Thread-compatible, allocation-free.
NodeAttribution AttributeNode(Money node_cost, const Capacity& capacity,
                              const SplitWeights& weights, std::span<const ContainerDemand> demands,
                              std::span<ResourceCosts> costs_out);

}  // namespace costledger::model
