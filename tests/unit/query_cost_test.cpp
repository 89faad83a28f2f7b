#include "costledger/model/query_cost.hpp"

#include <gtest/gtest.h>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

constexpr std::int64_t kMiB = 1 << 20;
constexpr std::int64_t kTB = std::int64_t{1} << 40;

TEST(QueryCostTest, OneTerabyteCostsThePricePerTb) {
  EXPECT_EQ(QueryCost(QueryState::kSucceeded, false, kTB, kDefaultPricePerTb).nanos(),
            5'000'000'000);
}

TEST(QueryCostTest, TenMebibyteMinimum) {
  // $5 x 10 MiB / 2^20 MiB = 47683.7158203125 n$ -> 47684.
  const Money minimum = QueryCost(QueryState::kSucceeded, false, 10 * kMiB, kDefaultPricePerTb);
  EXPECT_EQ(minimum.nanos(), 47'684);
  EXPECT_EQ(QueryCost(QueryState::kSucceeded, false, 0, kDefaultPricePerTb), minimum);
  EXPECT_EQ(QueryCost(QueryState::kSucceeded, false, 1, kDefaultPricePerTb), minimum);
  EXPECT_GT(QueryCost(QueryState::kSucceeded, false, 10 * kMiB + 1, kDefaultPricePerTb), minimum);
}

TEST(QueryCostTest, BytesRoundUpToWholeMebibyte) {
  const Money eleven = QueryCost(QueryState::kSucceeded, false, 11 * kMiB, kDefaultPricePerTb);
  EXPECT_EQ(QueryCost(QueryState::kSucceeded, false, 10 * kMiB + 1, kDefaultPricePerTb), eleven);
  EXPECT_EQ(eleven.nanos(), 52'452);  // 5e9 * 11 / 2^20 = 52452.08...
}

TEST(QueryCostTest, FailedQueuedRunningAndDdlCostNothing) {
  for (const QueryState s : {QueryState::kFailed, QueryState::kQueued, QueryState::kRunning}) {
    EXPECT_EQ(QueryCost(s, false, kTB, kDefaultPricePerTb).nanos(), 0);
  }
  EXPECT_EQ(QueryCost(QueryState::kSucceeded, true, kTB, kDefaultPricePerTb).nanos(), 0);
}

TEST(QueryCostTest, CancelledIsChargedForWhatItScanned) {
  EXPECT_EQ(QueryCost(QueryState::kCancelled, false, kTB / 2, kDefaultPricePerTb).nanos(),
            2'500'000'000);
}

TEST(QueryCostTest, ConfigurablePrice) {
  EXPECT_EQ(QueryCost(QueryState::kSucceeded, false, kTB, Money::ParseDollars("6.25")).nanos(),
            6'250'000'000);
}

TEST(QueryCostTest, RejectsNegativeInput) {
  EXPECT_THROW(QueryCost(QueryState::kSucceeded, false, -1, kDefaultPricePerTb), InvalidInput);
  EXPECT_THROW(QueryCost(QueryState::kSucceeded, false, 1, Money::FromNanos(-1)), InvalidInput);
}

TEST(QueryCostTest, FinalStates) {
  EXPECT_TRUE(IsFinal(QueryState::kSucceeded));
  EXPECT_TRUE(IsFinal(QueryState::kFailed));
  EXPECT_TRUE(IsFinal(QueryState::kCancelled));
  EXPECT_FALSE(IsFinal(QueryState::kQueued));
  EXPECT_FALSE(IsFinal(QueryState::kRunning));
}

}  // namespace
}  // namespace costledger::model
