#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/cost_rows.hpp"
#include "costledger/model/money.hpp"

namespace costledger::model {

/// The capacity type of spot nodes, as cost rows and node assets spell it.
inline constexpr std::string_view kCapacityTypeSpot = "spot";

/// The spot nodes of one instance type over a window, and the on-demand list price of that type.
struct SpotNodeCost {
  std::string instance_type;
  Money on_demand_per_hour;       ///< the on-demand list price of one node
  Money spot_cost;                ///< what the spot nodes of this type cost (sum of their cost)
  std::int64_t node_seconds = 0;  ///< how long they ran, summed over nodes
  friend bool operator==(const SpotNodeCost&, const SpotNodeCost&) = default;
};

/// Sums the spot nodes among `assets` (capacity_type == "spot") per instance type, priced with
/// `on_demand_per_hour` by instance type; a type without a price is left out (its savings are
/// unknown). Node seconds are rounded to whole seconds. Sorted by instance type. Pure.
std::vector<SpotNodeCost> SummarizeSpotNodes(
    const std::vector<NodeAssetRow>& assets,
    const std::map<std::string, Money, std::less<>>& on_demand_per_hour);

/// What on-demand nodes of the same type would have cost for the same time:
/// on_demand_per_hour x node_seconds / 3600, rounded half-even to the nano-dollar.
/// Throws std::overflow_error beyond Money's range.
Money OnDemandEquivalent(const SpotNodeCost& nodes);

/// What running `spot_cost` of work on spot rather than on-demand nodes saved:
/// spot_cost x (on-demand equivalent / nodes' spot cost - 1), computed exactly and rounded once
/// (half-even); zero when spot was not cheaper or the nodes cost nothing. Never negative.
/// Throws InvalidInput for negative amounts, std::overflow_error beyond Money's range.
Money SpotSaving(Money spot_cost, const SpotNodeCost& nodes);

}  // namespace costledger::model
