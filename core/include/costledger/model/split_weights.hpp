#pragma once

#include "costledger/model/money.hpp"
#include "costledger/model/resources.hpp"

namespace costledger::model {

/// Relative prices used to split a node's price into CPU, RAM and GPU parts (rule 2).
/// Only their ratios matter. Defaults are OpenCost's: 0.031611 $/core-h, 0.004237 $/GiB-h,
/// 0.95 $/device-h.
struct SplitWeights {
  Money cpu_per_core_hour = Money::FromNanos(31'611'000);
  Money ram_per_gib_hour = Money::FromNanos(4'237'000);
  Money gpu_per_device_hour = Money::FromNanos(950'000'000);
};

/// A node's price split into unit prices such that
/// cores * cpu + GiB * ram + devices * gpu == node price (exact up to double rounding).
/// Doubles: for exposition only (Prometheus gauges, API); costs use AttributeNode.
struct UnitPrices {
  double cpu_per_core_hour = 0;
  double ram_per_gib_hour = 0;
  double gpu_per_device_hour = 0;
};

/// Throws InvalidInput when a weight is negative.
UnitPrices SplitNodePrice(HourlyPrice node_price, const Capacity& capacity,
                          const SplitWeights& weights);

}  // namespace costledger::model
