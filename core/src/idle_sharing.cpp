#include "costledger/model/idle_sharing.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {

void DistributeExactly(Money amount, std::span<const std::int64_t> weights,
                       std::span<const std::string_view> keys, std::span<Money> shares_out) {
  const std::size_t n = shares_out.size();
  if (weights.size() != n || keys.size() != n) {
    throw InvalidInput(fmt::format("DistributeExactly: {} weights, {} keys, {} outputs",
                                   weights.size(), keys.size(), n));
  }
  if (amount.nanos() < 0) throw InvalidInput("amount to distribute must not be negative");
  if (n == 0) {
    if (amount.nanos() != 0) throw InvalidInput("cannot distribute a non-zero amount to nobody");
    return;
  }
  Int128 total_weight = 0;
  for (const std::int64_t w : weights) {
    if (w < 0) throw InvalidInput("weights must not be negative");
    total_weight += w;
  }
  const bool even = total_weight == 0;
  if (even) total_weight = static_cast<Int128>(n);

  std::vector<Int128> remainders(n);
  Int128 given = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Int128 numerator = static_cast<Int128>(amount.nanos()) * (even ? 1 : weights[i]);
    const Int128 share = numerator / total_weight;
    remainders[i] = numerator % total_weight;
    shares_out[i] = Money::FromNanos(static_cast<std::int64_t>(share));
    given += share;
  }
  // Largest remainder: the leftover (< n nano-dollars) one each, deterministic by key.
  auto left = static_cast<std::size_t>(amount.nanos() - given);
  if (left == 0) return;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(left), order.end(),
                    [&](std::size_t a, std::size_t b) {
                      if (remainders[a] != remainders[b]) return remainders[a] > remainders[b];
                      return keys[a] < keys[b];
                    });
  for (std::size_t k = 0; k < left; ++k) shares_out[order[k]] += Money::FromNanos(1);
}

}  // namespace costledger::model
