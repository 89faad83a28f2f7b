#include "costledger/model/query_cost.hpp"

#include <algorithm>

#include "costledger/model/errors.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {
namespace {

constexpr std::int64_t kBytesPerMiB = std::int64_t{1} << 20;
constexpr std::int64_t kMiBPerTb = std::int64_t{1} << 20;  // TB = 2^40 bytes
constexpr std::int64_t kMinimumMiB = 10;

}  // namespace

Money QueryCost(QueryState state, bool is_ddl, std::int64_t bytes_scanned, Money price_per_tb) {
  if (bytes_scanned < 0) throw InvalidInput("bytes scanned must not be negative");
  if (price_per_tb.nanos() < 0) throw InvalidInput("price per TB must not be negative");
  const bool charged = state == QueryState::kSucceeded || state == QueryState::kCancelled;
  if (!charged || is_ddl) return Money{};
  const std::int64_t mib = std::max(
      bytes_scanned / kBytesPerMiB + (bytes_scanned % kBytesPerMiB != 0 ? 1 : 0), kMinimumMiB);
  return Money::FromNanos(
      DivideRoundHalfEven(static_cast<Int128>(price_per_tb.nanos()) * mib, kMiBPerTb));
}

}  // namespace costledger::model
