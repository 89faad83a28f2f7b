#include "costledger/model/spot_savings.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "costledger/model/errors.hpp"
#include "costledger/model/resource_seconds.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {
namespace {

Money Checked(Int128 numerator, Int128 denominator) {
  // DivideRoundHalfEven narrows to int64; check the quotient's magnitude first.
  const Int128 quotient = numerator / denominator;
  if (quotient > std::numeric_limits<std::int64_t>::max() - 1 ||
      quotient < std::numeric_limits<std::int64_t>::min() + 1) {
    throw std::overflow_error("spot savings: amount exceeds the Money range");
  }
  return Money::FromNanos(DivideRoundHalfEven(numerator, denominator));
}

}  // namespace

std::vector<SpotNodeCost> SummarizeSpotNodes(
    const std::vector<NodeAssetRow>& assets,
    const std::map<std::string, Money, std::less<>>& on_demand_per_hour) {
  std::map<std::string, SpotNodeCost, std::less<>> by_type;
  for (const NodeAssetRow& node : assets) {
    if (node.capacity_type != kCapacityTypeSpot) continue;
    const auto price = on_demand_per_hour.find(node.instance_type);
    if (price == on_demand_per_hour.end()) continue;
    SpotNodeCost& sum = by_type[node.instance_type];
    sum.instance_type = node.instance_type;
    sum.on_demand_per_hour = price->second;
    sum.spot_cost += node.cost;
    sum.node_seconds += std::llround(node.seconds);
  }
  std::vector<SpotNodeCost> out;
  out.reserve(by_type.size());
  for (auto& [type, sum] : by_type) out.push_back(std::move(sum));
  return out;
}

Money OnDemandEquivalent(const SpotNodeCost& nodes) {
  if (nodes.on_demand_per_hour < Money{} || nodes.node_seconds < 0) {
    throw InvalidInput("spot savings: negative on-demand price or node time");
  }
  return Checked(Int128{nodes.on_demand_per_hour.nanos()} * nodes.node_seconds, kSecondsPerHour);
}

Money SpotSaving(Money spot_cost, const SpotNodeCost& nodes) {
  if (spot_cost < Money{} || nodes.spot_cost < Money{} || nodes.on_demand_per_hour < Money{} ||
      nodes.node_seconds < 0) {
    throw InvalidInput("spot savings: negative cost, price or node time");
  }
  if (nodes.spot_cost == Money{} || spot_cost == Money{}) return Money{};
  // spot_cost x (od_per_hour x seconds / 3600 - nodes_cost) / nodes_cost, exact until the one
  // rounding: numerator and denominator scaled by 3600.
  const Int128 on_demand_scaled = Int128{nodes.on_demand_per_hour.nanos()} * nodes.node_seconds;
  const Int128 spot_scaled = Int128{nodes.spot_cost.nanos()} * kSecondsPerHour;
  if (on_demand_scaled <= spot_scaled) return Money{};
  return Checked(Int128{spot_cost.nanos()} * (on_demand_scaled - spot_scaled), spot_scaled);
}

}  // namespace costledger::model
