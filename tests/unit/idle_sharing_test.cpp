#include "costledger/model/idle_sharing.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

std::vector<std::int64_t> Nanos(std::span<const Money> shares) {
  std::vector<std::int64_t> out;
  for (const Money m : shares) out.push_back(m.nanos());
  return out;
}

TEST(IdleSharingTest, WeightedByCost) {
  const std::array<std::int64_t, 3> weights{1, 2, 7};
  const std::array<std::string_view, 3> keys{"a", "b", "c"};
  std::array<Money, 3> shares;
  DistributeExactly(Money::FromNanos(1000), weights, keys, shares);
  EXPECT_EQ(Nanos(shares), (std::vector<std::int64_t>{100, 200, 700}));
}

TEST(IdleSharingTest, ResidualGoesToLargestRemaindersThenSmallerKey) {
  const std::array<std::int64_t, 3> weights{1, 1, 1};
  const std::array<std::string_view, 3> keys{"c", "a", "b"};
  std::array<Money, 3> shares;
  DistributeExactly(Money::FromNanos(11), weights, keys, shares);
  // 11/3 = 3 r2: ties broken by key, so "a" and "b" get the extra nano-dollars.
  EXPECT_EQ(Nanos(shares), (std::vector<std::int64_t>{3, 4, 4}));
}

TEST(IdleSharingTest, AllZeroWeightsShareEvenly) {
  const std::array<std::int64_t, 4> weights{0, 0, 0, 0};
  const std::array<std::string_view, 4> keys{"a", "b", "c", "d"};
  std::array<Money, 4> shares;
  DistributeExactly(Money::FromNanos(8), weights, keys, shares);
  EXPECT_EQ(Nanos(shares), (std::vector<std::int64_t>{2, 2, 2, 2}));
}

TEST(IdleSharingTest, SumIsExactAndIndependentOfOrder) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 500; ++round) {
    const std::size_t n = 1 + rng() % 40;
    std::vector<std::int64_t> weights(n);
    std::vector<std::string> names(n);
    for (std::size_t i = 0; i < n; ++i) {
      weights[i] = static_cast<std::int64_t>(rng() % 1'000'000);
      names[i] = "w" + std::to_string(i);
    }
    const Money amount = Money::FromNanos(static_cast<std::int64_t>(rng() % 10'000'000'000ULL));
    std::vector<std::string_view> keys(names.begin(), names.end());
    std::vector<Money> shares(n);
    DistributeExactly(amount, weights, keys, shares);
    const Money sum = std::accumulate(shares.begin(), shares.end(), Money{});
    ASSERT_EQ(sum, amount);

    std::vector<std::size_t> perm(n);
    std::iota(perm.begin(), perm.end(), std::size_t{0});
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<std::int64_t> w2(n);
    std::vector<std::string_view> k2(n);
    for (std::size_t i = 0; i < n; ++i) {
      w2[i] = weights[perm[i]];
      k2[i] = keys[perm[i]];
    }
    std::vector<Money> shares2(n);
    DistributeExactly(amount, w2, k2, shares2);
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(shares2[i], shares[perm[i]]);
  }
}

TEST(IdleSharingTest, RejectsBadInput) {
  const std::array<std::int64_t, 1> negative{-1};
  const std::array<std::string_view, 1> key{"a"};
  std::array<Money, 1> out;
  EXPECT_THROW(DistributeExactly(Money::FromNanos(1), negative, key, out), InvalidInput);
  const std::array<std::int64_t, 1> one{1};
  EXPECT_THROW(DistributeExactly(Money::FromNanos(-1), one, key, out), InvalidInput);
  std::array<Money, 2> two;
  EXPECT_THROW(DistributeExactly(Money::FromNanos(1), one, key, two), InvalidInput);
  EXPECT_THROW(DistributeExactly(Money::FromNanos(1), {}, {}, {}), InvalidInput);
  EXPECT_NO_THROW(DistributeExactly(Money{}, {}, {}, {}));
}

}  // namespace
}  // namespace costledger::model
