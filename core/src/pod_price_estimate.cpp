#include "costledger/model/pod_price_estimate.hpp"

#include <fmt/core.h>

#include <vector>

#include "costledger/model/attribution.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {
namespace {

bool CanHost(const OfferingPrice& o, const ResourceQuantities& r) {
  if (r.gpu_devices > 0 && o.capacity.gpu_devices <= 0) return false;
  if (r.cpu_millicores > 0 && o.capacity.cpu_millicores <= 0) return false;
  if (r.memory_bytes > 0 && o.capacity.memory_bytes <= 0) return false;
  return o.node_price.per_hour >= Money{};
}

// pool x request / capacity, rounded half-even; 0 without a request.
std::int64_t Share(std::int64_t pool, std::int64_t request, std::int64_t capacity) {
  if (request <= 0) return 0;
  return DivideRoundHalfEven(static_cast<Int128>(pool) * request, capacity);
}

// The requests' cost per hour, in nano-dollars, on one node of `o`.
std::int64_t CostOn(const OfferingPrice& o, const ResourceQuantities& r,
                    const SplitWeights& weights) {
  const NodeAttribution split = AttributeNode(o.node_price.per_hour, o.capacity, weights, {}, {});
  return (Money::FromNanos(
              Share(split.pools.cpu_nanos, r.cpu_millicores, o.capacity.cpu_millicores)) +
          Money::FromNanos(Share(split.pools.ram_nanos, r.memory_bytes, o.capacity.memory_bytes)) +
          Money::FromNanos(Share(split.pools.gpu_nanos, r.gpu_devices, o.capacity.gpu_devices)))
      .nanos();
}

std::string Describe(std::string_view what, std::size_t offerings, std::int64_t nodes) {
  return fmt::format("{} ({} offering{}, {} node{})", what, offerings, offerings == 1 ? "" : "s",
                     nodes, nodes == 1 ? "" : "s");
}

}  // namespace

std::optional<HourlyEstimate> EstimateHourlyPrice(const ResourceQuantities& requests,
                                                  const PodPlacement& placement,
                                                  std::span<const OfferingPrice> offerings,
                                                  const SplitWeights& weights) {
  if (requests.cpu_millicores < 0 || requests.memory_bytes < 0 || requests.gpu_devices < 0) {
    throw InvalidInput("requests must not be negative");
  }
  const auto pick = [&](bool by_instance_type, bool by_capacity_type) {
    std::vector<const OfferingPrice*> chosen;
    for (const OfferingPrice& o : offerings) {
      if (by_instance_type && placement.instance_type &&
          o.instance_type != *placement.instance_type) {
        continue;
      }
      if (by_capacity_type && placement.capacity_type &&
          o.capacity_type != *placement.capacity_type) {
        continue;
      }
      if (CanHost(o, requests)) chosen.push_back(&o);
    }
    return chosen;
  };
  std::vector<const OfferingPrice*> chosen = pick(true, true);
  bool by_instance_type = placement.instance_type.has_value();
  bool by_capacity_type = placement.capacity_type.has_value();
  if (chosen.empty() && by_instance_type) {
    chosen = pick(false, true);
    by_instance_type = false;
  }
  if (chosen.empty() && by_capacity_type) {
    chosen = pick(false, false);
    by_capacity_type = false;
  }
  if (chosen.empty()) return std::nullopt;

  Int128 weighted = 0;
  std::int64_t total_weight = 0;
  std::int64_t nodes = 0;
  for (const OfferingPrice* o : chosen) {
    const std::int64_t weight = o->nodes > 0 ? o->nodes : 1;
    weighted += static_cast<Int128>(CostOn(*o, requests, weights)) * weight;
    total_weight += weight;
    nodes += o->nodes > 0 ? o->nodes : 0;
  }
  HourlyEstimate e;
  e.price.per_hour = Money::FromNanos(DivideRoundHalfEven(weighted, total_weight));

  std::string what;
  if (by_instance_type) {
    what = *placement.instance_type;
    if (by_capacity_type) what += fmt::format(" {}", ToString(*placement.capacity_type));
  } else if (by_capacity_type) {
    what = std::string(ToString(*placement.capacity_type));
  } else {
    what = "cluster average";
  }
  if (placement.instance_type && !by_instance_type) {
    what += fmt::format(", no {} running", *placement.instance_type);
  } else if (placement.capacity_type && !by_capacity_type) {
    what += fmt::format(", no {} nodes running", ToString(*placement.capacity_type));
  }
  e.basis = (by_instance_type && chosen.size() == 1) ? what : Describe(what, chosen.size(), nodes);
  return e;
}

}  // namespace costledger::model
