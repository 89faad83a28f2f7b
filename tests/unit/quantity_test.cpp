#include "costledger/model/quantity.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "costledger/model/errors.hpp"
#include "error_of.hpp"

namespace costledger::model {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr std::int64_t kKi = 1024;
constexpr std::int64_t kMi = 1024 * kKi;
constexpr std::int64_t kGi = 1024 * kMi;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

TEST(QuantityTest, CpuMillicoresFromMilliSuffix) {
  EXPECT_EQ(ParseCpuMillicores("500m"), 500);
  EXPECT_EQ(ParseCpuMillicores("3920m"), 3920);
  EXPECT_EQ(ParseCpuMillicores("0m"), 0);
}

TEST(QuantityTest, CpuMillicoresFromCores) {
  EXPECT_EQ(ParseCpuMillicores("2"), 2000);
  EXPECT_EQ(ParseCpuMillicores("1.5"), 1500);
  EXPECT_EQ(ParseCpuMillicores("0.1"), 100);
  EXPECT_EQ(ParseCpuMillicores("0"), 0);
}

TEST(QuantityTest, CpuAcceptsEveryNumberForm) {
  EXPECT_EQ(ParseCpuMillicores(".5"), 500);
  EXPECT_EQ(ParseCpuMillicores("1."), 1000);
  EXPECT_EQ(ParseCpuMillicores("+1"), 1000);
  EXPECT_EQ(ParseCpuMillicores("007"), 7000);
  EXPECT_EQ(ParseCpuMillicores("2.000"), 2000);
}

TEST(QuantityTest, CpuRoundsUpToAWholeMillicore) {
  // Kubernetes' MilliValue() rounds up: a non-zero request never becomes 0.
  EXPECT_EQ(ParseCpuMillicores("0.1m"), 1);
  EXPECT_EQ(ParseCpuMillicores("100n"), 1);
  EXPECT_EQ(ParseCpuMillicores("5u"), 1);
  EXPECT_EQ(ParseCpuMillicores("1000001n"), 2);
  EXPECT_EQ(ParseCpuMillicores("0.0001"), 1);
  EXPECT_EQ(ParseCpuMillicores("1.0001"), 1001);
  EXPECT_EQ(ParseCpuMillicores("1e-30"), 1);
}

TEST(QuantityTest, ExactWhenDecimalWouldBeInexactAsDouble) {
  // 0.1 + 0.2 style values: a double path would give 300.00000000000006 -> 301 on round-up.
  EXPECT_EQ(ParseCpuMillicores("0.3"), 300);
  EXPECT_EQ(ParseCpuMillicores("1.1"), 1100);
  EXPECT_EQ(ParseCpuMillicores("4.35"), 4350);
  EXPECT_EQ(ParseCpuMillicores("2.3m"), 3);
}

TEST(QuantityTest, CpuWithDecimalAndBinarySuffixes) {
  EXPECT_EQ(ParseCpuMillicores("1k"), 1'000'000);
  EXPECT_EQ(ParseCpuMillicores("1Ki"), 1'024'000);
  EXPECT_EQ(ParseCpuMillicores("1E3"), 1'000'000);
  EXPECT_EQ(ParseCpuMillicores("2e-3"), 2);
}

TEST(QuantityTest, BytesFromPlainNumbers) {
  EXPECT_EQ(ParseBytes("128974848"), 128974848);
  EXPECT_EQ(ParseBytes("0"), 0);
  EXPECT_EQ(ParseBytes("76224326324"), 76224326324);
}

TEST(QuantityTest, BytesFromExponents) {
  EXPECT_EQ(ParseBytes("129e6"), 129'000'000);
  EXPECT_EQ(ParseBytes("1E3"), 1000);
  EXPECT_EQ(ParseBytes("1e+3"), 1000);
  EXPECT_EQ(ParseBytes("12.5e2"), 1250);
  EXPECT_EQ(ParseBytes("1e-3"), 1);
  EXPECT_EQ(ParseBytes("1e0"), 1);
}

TEST(QuantityTest, BytesFromBinarySuffixes) {
  EXPECT_EQ(ParseBytes("1Ki"), kKi);
  EXPECT_EQ(ParseBytes("123Mi"), 128974848);
  EXPECT_EQ(ParseBytes("1Gi"), 1073741824);
  EXPECT_EQ(ParseBytes("1.5Gi"), 1610612736);
  EXPECT_EQ(ParseBytes("1Ti"), kGi * 1024);
  EXPECT_EQ(ParseBytes("1Pi"), kGi * 1024 * 1024);
  EXPECT_EQ(ParseBytes("1Ei"), std::int64_t{1} << 60);
  EXPECT_EQ(ParseBytes("15896024Ki"), 15896024 * kKi);
}

TEST(QuantityTest, BytesFromDecimalSuffixes) {
  EXPECT_EQ(ParseBytes("1k"), 1000);
  EXPECT_EQ(ParseBytes("1M"), 1'000'000);
  EXPECT_EQ(ParseBytes("1G"), 1'000'000'000);
  EXPECT_EQ(ParseBytes("4G"), 4'000'000'000);
  EXPECT_EQ(ParseBytes("1T"), 1'000'000'000'000);
  EXPECT_EQ(ParseBytes("1P"), 1'000'000'000'000'000);
  EXPECT_EQ(ParseBytes("1E"), 1'000'000'000'000'000'000);  // lone E is exa, not an exponent
}

TEST(QuantityTest, BytesRoundUpToAWholeByte) {
  EXPECT_EQ(ParseBytes("0.5"), 1);
  EXPECT_EQ(ParseBytes("1500m"), 2);
  EXPECT_EQ(ParseBytes("100n"), 1);
  EXPECT_EQ(ParseBytes("1.1Ki"), 1127);  // 1126.4
  EXPECT_EQ(ParseBytes("0.5Ki"), 512);   // exact, no round-up
  EXPECT_EQ(ParseBytes("0.0000000000000000000001Ei"), 1);
}

TEST(QuantityTest, BinarySuffixOnLongFractionIsExact) {
  // 1.000000000000000000001Ki = 1024.000000000000000001024: one more than 1024 when rounded up.
  EXPECT_EQ(ParseBytes("1.000000000000000000001Ki"), 1025);
  EXPECT_EQ(ParseBytes("1.000000000000000000000Ki"), 1024);
}

TEST(QuantityTest, LargestValuesFit) {
  EXPECT_EQ(ParseBytes("9223372036854775807"), kMax);
  EXPECT_EQ(ParseBytes("7Ei"), std::int64_t{7} << 60);
  EXPECT_EQ(ParseBytes("9.223372036854775807E"), kMax);
  EXPECT_EQ(ParseCpuMillicores("9223372036854775.807"), kMax);
}

TEST(QuantityTest, RejectsOverflow) {
  for (const char* text : {"9223372036854775808", "8Ei", "9.3E", "1e19", "1e30",
                           "100000000000000000000000", "1e99999999999999999999999"}) {
    EXPECT_THAT([text] { ParseBytes(text); }, ThrowsMessage<InvalidInput>(HasSubstr("range")))
        << text;
  }
  EXPECT_THROW(ParseCpuMillicores("9223372036854776"), InvalidInput);
  // Only the round-up pushes it past the largest value.
  EXPECT_THROW(ParseCpuMillicores("9223372036854775.8071"), InvalidInput);
}

TEST(QuantityTest, ZeroIsZeroWhateverTheScale) {
  EXPECT_EQ(ParseBytes("0Ei"), 0);
  EXPECT_EQ(ParseBytes("0e99999999999999999999"), 0);
  EXPECT_EQ(ParseBytes("0.000"), 0);
  EXPECT_EQ(ParseCpuMillicores("-0"), 0);  // Kubernetes canonicalises it to "0"
}

TEST(QuantityTest, CountsDevices) {
  EXPECT_EQ(ParseCount("1"), 1);
  EXPECT_EQ(ParseCount("8"), 8);
  EXPECT_EQ(ParseCount("0"), 0);
  EXPECT_EQ(ParseCount("500m"), 1);  // rounded up
  EXPECT_EQ(ParseCount("1k"), 1000);
}

TEST(QuantityTest, RejectsNegativeValuesQuotingTheText) {
  EXPECT_THAT([] { ParseCpuMillicores("-1"); },
              ThrowsMessage<InvalidInput>(HasSubstr("invalid quantity \"-1\": negative")));
  EXPECT_THROW(ParseBytes("-500Mi"), InvalidInput);
  EXPECT_THROW(ParseCount("-0.1"), InvalidInput);
}

TEST(QuantityTest, RejectsEmpty) {
  EXPECT_THAT([] { ParseBytes(""); },
              ThrowsMessage<InvalidInput>(HasSubstr("invalid quantity \"\"")));
}

TEST(QuantityTest, RejectsUnknownSuffixesQuotingTheText) {
  EXPECT_THAT([] { ParseBytes("1KB"); },
              ThrowsMessage<InvalidInput>(HasSubstr("invalid quantity \"1KB\": unknown suffix")));
  for (const char* text : {"1K", "1ki", "1KiB", "1gi", "1Gii", "1mi", "1b", "1 Gi", "1e", "1e+",
                           "1e-", "1e3.5", "1e3Ki", "1E+", "1.5%", "1x"}) {
    EXPECT_THAT([text] { ParseBytes(text); },
                ThrowsMessage<InvalidInput>(HasSubstr(std::string("\"") + text + "\"")))
        << text;
  }
}

TEST(QuantityTest, RejectsThingsThatAreNotNumbers) {
  for (const char* text : {"abc", ".", "+", "-", "Gi", "e3", "1.2.3", " 1", "1 ", "0x10", "1,5",
                           "NaN", "inf", "++1"}) {
    EXPECT_THAT([text] { ParseCpuMillicores(text); },
                ThrowsMessage<InvalidInput>(HasSubstr("invalid quantity")))
        << text;
  }
}

TEST(QuantityTest, ErrorEscapesControlCharactersAndShortensLongInput) {
  EXPECT_THAT([] { ParseBytes("1\tGi"); }, ThrowsMessage<InvalidInput>(HasSubstr(R"("1\tGi")")));
  const std::string long_text = std::string(500, '1') + "x";
  EXPECT_LT(testing::ErrorOf<InvalidInput>([&] { ParseBytes(long_text); }).size(), 200U);
}

TEST(QuantityTest, LongInputsAreHandledExactly) {
  // Many digits must neither overflow nor lose the round-up.
  EXPECT_EQ(ParseBytes("0." + std::string(10000, '0') + "1"), 1);
  EXPECT_EQ(ParseBytes(std::string(10000, '0') + "42"), 42);
  EXPECT_EQ(ParseCpuMillicores("1." + std::string(10000, '0')), 1000);
}

}  // namespace
}  // namespace costledger::model
