// Spot savings against on-demand prices for the same node time, rounded once.
#include "costledger/model/spot_savings.hpp"

#include <gtest/gtest.h>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

Money Dollars(const char* text) { return Money::ParseDollars(text); }

// Two m5.xlarge spot nodes for 24 h each at $0.0576/h; on demand they list at $0.192/h.
const SpotNodeCost kM5{"m5.xlarge", Dollars("0.192"), Dollars("2.7648"),
                       std::int64_t{2} * 24 * 3600};

TEST(SpotSavingsTest, OnDemandEquivalentIsListPriceTimesNodeHours) {
  EXPECT_EQ(OnDemandEquivalent(kM5), Dollars("9.216"));
  EXPECT_EQ(OnDemandEquivalent({"x", Dollars("1"), Money{}, 1}), Money::FromNanos(277'778));
}

TEST(SpotSavingsTest, SavingScalesTheTeamsSpotCostByTheDiscountAndRoundsOnce) {
  // $1 of work on these nodes would have cost $1 x 9.216 / 2.7648 = $3.3333... on demand.
  EXPECT_EQ(SpotSaving(Dollars("1"), kM5), Money::FromNanos(2'333'333'333));
  // The whole fleet's cost saves exactly the difference.
  EXPECT_EQ(SpotSaving(Dollars("2.7648"), kM5), Dollars("9.216") - Dollars("2.7648"));
  // Rounded once, half-even: 3 nano-dollars at a 50% discount save exactly 3, one saves 1.
  const SpotNodeCost half{"h", Dollars("2"), Dollars("1"), 3600};
  EXPECT_EQ(SpotSaving(Money::FromNanos(3), half), Money::FromNanos(3));
  const SpotNodeCost third{"t", Dollars("3"), Dollars("2"), 3600};  // saves 1/2 of the spot cost
  EXPECT_EQ(SpotSaving(Money::FromNanos(1), third), Money::FromNanos(0));  // 0.5 -> even 0
  EXPECT_EQ(SpotSaving(Money::FromNanos(3), third), Money::FromNanos(2));  // 1.5 -> even 2
}

TEST(SpotSavingsTest, NeverNegative) {
  const SpotNodeCost dearer{"p3.2xlarge", Dollars("3.06"), Dollars("80"), std::int64_t{24} * 3600};
  EXPECT_EQ(SpotSaving(Dollars("10"), dearer), Money{});
  const SpotNodeCost free{"t3.micro", Dollars("0.0104"), Money{}, 3600};
  EXPECT_EQ(SpotSaving(Dollars("10"), free), Money{});
  EXPECT_EQ(SpotSaving(Money{}, kM5), Money{});
}

TEST(SpotSavingsTest, NegativeInputsAreRejected) {
  EXPECT_THROW(SpotSaving(Dollars("-1"), kM5), InvalidInput);
  EXPECT_THROW(SpotSaving(Dollars("1"), {"x", Dollars("-1"), Dollars("1"), 1}), InvalidInput);
  EXPECT_THROW(SpotSaving(Dollars("1"), {"x", Dollars("1"), Dollars("1"), -1}), InvalidInput);
}

TEST(SpotSavingsTest, SummarizeSpotNodesSumsSpotNodesPerPricedType) {
  auto node = [](std::string type, std::string capacity, double seconds, const char* cost) {
    NodeAssetRow row;
    row.instance_type = std::move(type);
    row.capacity_type = std::move(capacity);
    row.seconds = seconds;
    row.cost = Money::ParseDollars(cost);
    return row;
  };
  const std::vector<NodeAssetRow> assets = {
      node("m5.xlarge", "spot", 3600.4, "0.05"), node("c5.large", "spot", 60, "0.001"),
      node("m5.xlarge", "on-demand", 3600, "0.192"), node("m5.xlarge", "spot", 1800, "0.03"),
      node("g5.xlarge", "spot", 3600, "0.5")};  // no on-demand price known
  const std::map<std::string, Money, std::less<>> prices = {{"m5.xlarge", Dollars("0.192")},
                                                            {"c5.large", Dollars("0.085")}};
  const std::vector<SpotNodeCost> got = SummarizeSpotNodes(assets, prices);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0], (SpotNodeCost{"c5.large", Dollars("0.085"), Dollars("0.001"), 60}));
  EXPECT_EQ(got[1], (SpotNodeCost{"m5.xlarge", Dollars("0.192"), Dollars("0.08"), 5400}));
}

}  // namespace
}  // namespace costledger::model
