#pragma once

// Text forms of the model's enums as the spool and the database store them (private to the
// collector library).

#include <optional>
#include <string_view>

#include "costledger/model/price_book.hpp"
#include "costledger/model/query_cost.hpp"

namespace costledger::model {

inline std::optional<model::QueryState> ParseQueryState(std::string_view text) {
  for (const model::QueryState s :
       {model::QueryState::kQueued, model::QueryState::kRunning, model::QueryState::kSucceeded,
        model::QueryState::kFailed, model::QueryState::kCancelled}) {
    if (QueryStateName(s) == text) return s;
  }
  return std::nullopt;
}

/// Inverse of model::ToString(CapacityType).
inline std::optional<model::CapacityType> ParseCapacityType(std::string_view text) {
  for (const model::CapacityType t : {model::CapacityType::kOnDemand, model::CapacityType::kSpot}) {
    if (model::ToString(t) == text) return t;
  }
  return std::nullopt;
}

/// Inverse of model::ToString(PriceSource).
inline std::optional<model::PriceSource> ParsePriceSource(std::string_view text) {
  for (const model::PriceSource s :
       {model::PriceSource::kCustom, model::PriceSource::kOnDemand, model::PriceSource::kSpot,
        model::PriceSource::kOnDemandSpotFallback, model::PriceSource::kMissing}) {
    if (model::ToString(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace costledger::model
