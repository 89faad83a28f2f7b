#include "costledger/model/money.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

#include "costledger/model/errors.hpp"
#include "costledger/model/rounding.hpp"
#include "error_of.hpp"

namespace costledger::model {
namespace {

TEST(MoneyTest, ParsesPriceListDecimalsExactly) {
  EXPECT_EQ(Money::ParseDollars("0.0416000000").nanos(), 41'600'000);
  EXPECT_EQ(Money::ParseDollars("12").nanos(), 12'000'000'000);
  EXPECT_EQ(Money::ParseDollars("0.918400").nanos(), 918'400'000);
  EXPECT_EQ(Money::ParseDollars("1.5e-3").nanos(), 1'500'000);
  EXPECT_EQ(Money::ParseDollars("-2.25").nanos(), -2'250'000'000);
  EXPECT_EQ(Money::ParseDollars("+0.000000001").nanos(), 1);
}

TEST(MoneyTest, DigitsBeyondNanosRoundHalfEven) {
  EXPECT_EQ(Money::ParseDollars("0.0000000005").nanos(), 0);   // tie -> even 0
  EXPECT_EQ(Money::ParseDollars("0.0000000015").nanos(), 2);   // tie -> even 2
  EXPECT_EQ(Money::ParseDollars("0.00000000151").nanos(), 2);  // above tie
  EXPECT_EQ(Money::ParseDollars("0.0000000025").nanos(), 2);   // tie -> even 2
  EXPECT_EQ(Money::ParseDollars("1e-20").nanos(), 0);
}

TEST(MoneyTest, RejectsGarbageNamingTheText) {
  for (const char* bad : {"", "abc", "1.2.3", "$5", "1e", "1e999", "0x10", "5 USD"}) {
    SCOPED_TRACE(std::string("'") + bad + "'");
    const std::string error = testing::ErrorOf<InvalidInput>([&] { Money::ParseDollars(bad); });
    EXPECT_NE(error.find(std::string("'") + bad + "'"), std::string::npos) << error;
  }
  EXPECT_THROW(Money::ParseDollars("99999999999"), InvalidInput);  // > int64 nanos
}

TEST(MoneyTest, ArithmeticIsExactAndOverflowThrows) {
  Money sum;
  for (int i = 0; i < 1000; ++i) sum += Money::FromNanos(1);
  EXPECT_EQ(sum.nanos(), 1000);
  EXPECT_EQ((Money::FromNanos(5) - Money::FromNanos(7)).nanos(), -2);
  EXPECT_THROW(Money::FromNanos(std::numeric_limits<std::int64_t>::max()) + Money::FromNanos(1),
               std::overflow_error);
  EXPECT_THROW(Money::FromNanos(std::numeric_limits<std::int64_t>::min()) - Money::FromNanos(1),
               std::overflow_error);
}

TEST(MoneyTest, FormatsNineDecimals) {
  EXPECT_EQ(Money::FromNanos(41'600'000).ToDecimalString(), "0.041600000");
  EXPECT_EQ(Money::FromNanos(-1).ToDecimalString(), "-0.000000001");
  EXPECT_EQ(Money::FromNanos(std::numeric_limits<std::int64_t>::min()).ToDecimalString(),
            "-9223372036.854775808");
  EXPECT_DOUBLE_EQ(Money::FromNanos(2'500'000'000).Dollars(), 2.5);
}

TEST(RoundingTest, HalfEvenOnBothSigns) {
  EXPECT_EQ(DivideRoundHalfEven(5, 2), 2);
  EXPECT_EQ(DivideRoundHalfEven(7, 2), 4);
  EXPECT_EQ(DivideRoundHalfEven(-5, 2), -2);
  EXPECT_EQ(DivideRoundHalfEven(-7, 2), -4);
  EXPECT_EQ(DivideRoundHalfEven(10, 3), 3);
  EXPECT_EQ(DivideRoundHalfEven(11, 3), 4);
  EXPECT_EQ(DivideRoundHalfEven(-11, 3), -4);
  EXPECT_EQ(DivideRoundHalfEven(0, 9), 0);
  EXPECT_THROW(DivideRoundHalfEven(1, 0), std::domain_error);
  EXPECT_THROW(DivideRoundHalfEven(Int128{1} << 70, 1), std::overflow_error);
}

TEST(RoundingTest, FloorGoesTowardNegativeInfinity) {
  EXPECT_EQ(DivideFloor(7, 2), 3);
  EXPECT_EQ(DivideFloor(-7, 2), -4);
  EXPECT_EQ(DivideFloor(-8, 2), -4);
  EXPECT_THROW(DivideFloor(1, -1), std::domain_error);
}

}  // namespace
}  // namespace costledger::model
