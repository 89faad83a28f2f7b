#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "costledger/model/money.hpp"

namespace costledger::model {

/// How idle cost is treated (OpenCost's `shareIdle`): kept as its own `__idle__` row,
/// or shared to workloads weighted by their cost, or evenly.
enum class IdleSharing { kSeparate, kWeightedByCost, kEven };

/// Splits `amount` (>= 0) across recipients exactly: shares_out[i] receives
/// amount * weights[i] / sum(weights), rounded down, and the few remaining nano-dollars go
/// one each to the largest remainders, ties broken by the smaller key, so the result does not
/// depend on recipient order and sum(shares_out) == amount. All weights zero: even split.
/// Throws InvalidInput for negative amounts or weights or mismatched sizes.
void DistributeExactly(Money amount, std::span<const std::int64_t> weights,
                       std::span<const std::string_view> keys, std::span<Money> shares_out);

}  // namespace costledger::model
