#pragma once

#include <cstdint>
#include <string_view>

#include "costledger/model/money.hpp"

namespace costledger::model {

/// Athena's query states (Status.State).
enum class QueryState { kQueued, kRunning, kSucceeded, kFailed, kCancelled };

/// Athena's names: QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED.
constexpr std::string_view QueryStateName(QueryState state) {
  switch (state) {
    case QueryState::kQueued:
      return "QUEUED";
    case QueryState::kRunning:
      return "RUNNING";
    case QueryState::kSucceeded:
      return "SUCCEEDED";
    case QueryState::kFailed:
      return "FAILED";
    case QueryState::kCancelled:
      return "CANCELLED";
  }
  return "QUEUED";
}

/// A state after which the query's cost can no longer change.
constexpr bool IsFinal(QueryState s) {
  return s == QueryState::kSucceeded || s == QueryState::kFailed || s == QueryState::kCancelled;
}

/// Default Athena price: $5 per TB scanned.
inline constexpr Money kDefaultPricePerTb = Money::FromNanos(5'000'000'000);

/// Rule 7: price per TB (2^40 bytes) x max(bytes rounded up to a whole MiB, 10 MiB), rounded
/// half-even to the nano-dollar. SUCCEEDED and CANCELLED are charged; FAILED, queued or running
/// queries and DDL statements cost nothing. Throws InvalidInput for negative bytes or price.
Money QueryCost(QueryState state, bool is_ddl, std::int64_t bytes_scanned, Money price_per_tb);

}  // namespace costledger::model
