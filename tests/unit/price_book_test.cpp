#include "costledger/model/price_book.hpp"

#include <gtest/gtest.h>

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::sys_seconds;

HourlyPrice Usd(const char* dollars) { return {Money::ParseDollars(dollars)}; }
const sys_seconds kT0{std::chrono::seconds{1'714'564'800}};

class PriceBookTest : public ::testing::Test {
 protected:
  PriceBookTest() {
    book_.SetOnDemand("m5.xlarge", Usd("0.192"));
    book_.AddSpotPrice("m5.xlarge", "us-east-1a", kT0, Usd("0.07"));
    book_.AddSpotPrice("m5.xlarge", "us-east-1a", kT0 + hours(2), Usd("0.09"));
    book_.AddSpotPrice("m5.xlarge", "us-east-1b", kT0, Usd("0.05"));
  }
  PriceBook book_;
};

TEST_F(PriceBookTest, OnDemandFromPriceList) {
  const PriceQuote q = book_.PriceAt("m5.xlarge", "us-east-1a", CapacityType::kOnDemand, kT0);
  EXPECT_EQ(q.price, Usd("0.192"));
  EXPECT_EQ(q.source, PriceSource::kOnDemand);
}

TEST_F(PriceBookTest, SpotIsLatestStepAtOrBeforeTime) {
  EXPECT_EQ(book_.PriceAt("m5.xlarge", "us-east-1a", CapacityType::kSpot, kT0).price, Usd("0.07"));
  EXPECT_EQ(book_.PriceAt("m5.xlarge", "us-east-1a", CapacityType::kSpot, kT0 + hours(1)).price,
            Usd("0.07"));
  EXPECT_EQ(book_.PriceAt("m5.xlarge", "us-east-1a", CapacityType::kSpot, kT0 + hours(2)).price,
            Usd("0.09"));
  EXPECT_EQ(book_.PriceAt("m5.xlarge", "us-east-1a", CapacityType::kSpot, kT0 + hours(9)).source,
            PriceSource::kSpot);
}

TEST_F(PriceBookTest, SpotIsPerZone) {
  EXPECT_EQ(book_.PriceAt("m5.xlarge", "us-east-1b", CapacityType::kSpot, kT0).price, Usd("0.05"));
}

TEST_F(PriceBookTest, FutureEntriesAreIgnoredAndFallBackToOnDemand) {
  const PriceQuote q =
      book_.PriceAt("m5.xlarge", "us-east-1a", CapacityType::kSpot, kT0 - hours(1));
  EXPECT_EQ(q.price, Usd("0.192"));
  EXPECT_EQ(q.source, PriceSource::kOnDemandSpotFallback);
}

TEST_F(PriceBookTest, SpotNodeWithoutHistoryFallsBackAndSaysSo) {
  EXPECT_EQ(book_.PriceAt("m5.xlarge", "eu-west-1a", CapacityType::kSpot, kT0).source,
            PriceSource::kOnDemandSpotFallback);
}

TEST_F(PriceBookTest, CustomOverridesBoth) {
  book_.SetCustom("m5.xlarge", Usd("0.1"));
  for (const CapacityType t : {CapacityType::kSpot, CapacityType::kOnDemand}) {
    const PriceQuote q = book_.PriceAt("m5.xlarge", "us-east-1a", t, kT0);
    EXPECT_EQ(q.price, Usd("0.1"));
    EXPECT_EQ(q.source, PriceSource::kCustom);
  }
}

TEST_F(PriceBookTest, UnknownTypeIsMissing) {
  const PriceQuote q = book_.PriceAt("x9.huge", "us-east-1a", CapacityType::kOnDemand, kT0);
  EXPECT_EQ(q.source, PriceSource::kMissing);
  EXPECT_EQ(q.price.per_hour.nanos(), 0);
}

TEST_F(PriceBookTest, StepsAddedOutOfOrderAndReplacedAtSameInstant) {
  PriceBook book;
  book.AddSpotPrice("c5.large", "z", kT0 + hours(3), Usd("0.3"));
  book.AddSpotPrice("c5.large", "z", kT0 + hours(1), Usd("0.1"));
  book.AddSpotPrice("c5.large", "z", kT0 + hours(2), Usd("0.2"));
  book.AddSpotPrice("c5.large", "z", kT0 + hours(2), Usd("0.25"));
  EXPECT_EQ(book.PriceAt("c5.large", "z", CapacityType::kSpot, kT0 + hours(1)).price, Usd("0.1"));
  EXPECT_EQ(book.PriceAt("c5.large", "z", CapacityType::kSpot, kT0 + hours(2)).price, Usd("0.25"));
  EXPECT_EQ(book.PriceAt("c5.large", "z", CapacityType::kSpot, kT0 + hours(5)).price, Usd("0.3"));
  EXPECT_EQ(book.PriceAt("c5.large", "z", CapacityType::kSpot, kT0).source, PriceSource::kMissing);
}

}  // namespace
}  // namespace costledger::model
