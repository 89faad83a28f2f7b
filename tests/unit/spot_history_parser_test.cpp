#include "costledger/sources/spot_history_parser.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "costledger/model/errors.hpp"
#include "error_of.hpp"
#include "test_data.hpp"

namespace costledger::sources {
namespace {

using costledger::testing::ErrorOf;
using ::testing::HasSubstr;

std::string SpotError(std::string_view json) {
  return ErrorOf<InvalidInput>([&] { ParseSpotPriceHistory(json); });
}

// 2024-05-01T12:00:00Z
constexpr std::chrono::sys_seconds kNoon{std::chrono::seconds(1714564800)};

std::string OneEntry(std::string_view timestamp_json) {
  return R"({"SpotPriceHistory":[{"AvailabilityZone":"us-east-1a","InstanceType":"m5.xlarge",)"
         R"("ProductDescription":"Linux/UNIX","SpotPrice":"0.081200","Timestamp":)" +
         std::string(timestamp_json) + "}]}";
}

TEST(SpotHistoryParserTest, RecordedHistoryKeepsEveryEntryInInputOrder) {
  const auto entries =
      ParseSpotPriceHistory(costledger::testing::ReadTestData("aws/spot_price_history.json"));
  ASSERT_EQ(entries.size(), 14u);
  EXPECT_EQ(entries[0].instance_type, "m5.xlarge");
  EXPECT_EQ(entries[0].availability_zone, "us-east-1a");
  EXPECT_EQ(entries[0].product_description, "Linux/UNIX");
  EXPECT_EQ(entries[0].price.per_hour.nanos(), 81'200'000);
  EXPECT_EQ(entries[0].timestamp, kNoon - std::chrono::seconds(7 * 60 + 46));  // 11:52:14

  // Not sorted: the price book orders the steps, the parser keeps what it was given.
  EXPECT_GT(entries[5].timestamp, entries[3].timestamp);
  EXPECT_EQ(entries[5].price.per_hour.nanos(), 83'500'000);

  // Other products are kept for the caller to filter.
  EXPECT_EQ(entries[2].product_description, "Windows");
  EXPECT_EQ(entries[2].price.per_hour.nanos(), 264'300'000);
  EXPECT_EQ(entries[11].product_description, "Linux/UNIX (Amazon VPC)");
  EXPECT_EQ(entries[12].product_description, "Red Hat Enterprise Linux");

  EXPECT_EQ(entries[10].instance_type, "p3.2xlarge");
  EXPECT_EQ(entries[10].availability_zone, "us-east-1b");
  EXPECT_EQ(entries[10].price.per_hour.nanos(), 918'400'000);
  EXPECT_EQ(entries[10].timestamp, kNoon);
}

TEST(SpotHistoryParserTest, AcceptsZuluAndOffsetTimestamps) {
  EXPECT_EQ(ParseSpotPriceHistory(OneEntry(R"("2024-05-01T12:00:00Z")"))[0].timestamp, kNoon);
  EXPECT_EQ(ParseSpotPriceHistory(OneEntry(R"("2024-05-01T12:00:00.000Z")"))[0].timestamp, kNoon);
  EXPECT_EQ(ParseSpotPriceHistory(OneEntry(R"("2024-05-01T14:00:00+02:00")"))[0].timestamp, kNoon);
}

TEST(SpotHistoryParserTest, AcceptsEpochSecondsFromTheRawApi) {
  EXPECT_EQ(ParseSpotPriceHistory(OneEntry("1714564800"))[0].timestamp, kNoon);
  EXPECT_EQ(ParseSpotPriceHistory(OneEntry("1714564800.75"))[0].timestamp, kNoon);
}

TEST(SpotHistoryParserTest, PriceIsExactToTheNanoDollar) {
  const std::string json =
      R"({"SpotPriceHistory":[{"AvailabilityZone":"us-east-1a","InstanceType":"t3.nano",)"
      R"("ProductDescription":"Linux/UNIX","SpotPrice":"0.001600","Timestamp":1714564800}]})";
  EXPECT_EQ(ParseSpotPriceHistory(json)[0].price.per_hour.nanos(), 1'600'000);
}

TEST(SpotHistoryParserTest, EmptyHistoryGivesNoEntries) {
  EXPECT_TRUE(ParseSpotPriceHistory(R"({"SpotPriceHistory":[],"NextToken":""})").empty());
}

TEST(SpotHistoryParserTest, MissingFieldNamesEntryIndexAndField) {
  const std::string json =
      R"({"SpotPriceHistory":[)"
      R"({"AvailabilityZone":"us-east-1a","InstanceType":"m5.xlarge",)"
      R"("ProductDescription":"Linux/UNIX","SpotPrice":"0.08","Timestamp":1714564800},)"
      R"({"AvailabilityZone":"us-east-1a","InstanceType":"m5.xlarge",)"
      R"("ProductDescription":"Linux/UNIX","Timestamp":1714564800}]})";
  EXPECT_THAT(SpotError(json), HasSubstr("SpotPriceHistory[1].SpotPrice: missing"));
}

TEST(SpotHistoryParserTest, EachRequiredFieldIsChecked) {
  for (const std::string field :
       {"AvailabilityZone", "InstanceType", "ProductDescription", "SpotPrice", "Timestamp"}) {
    std::string json = OneEntry(R"("2024-05-01T12:00:00Z")");
    const std::size_t at = json.find("\"" + field + "\"");
    ASSERT_NE(at, std::string::npos);
    json.replace(at, field.size() + 2, "\"Other\"");
    EXPECT_THAT(SpotError(json), HasSubstr("SpotPriceHistory[0]." + field + ": missing"));
  }
}

TEST(SpotHistoryParserTest, WrongTypesAreErrors) {
  EXPECT_THAT(SpotError(OneEntry("true")),
              HasSubstr("SpotPriceHistory[0].Timestamp: expected an ISO 8601 string"));
  EXPECT_THAT(SpotError(OneEntry(R"("yesterday")")), HasSubstr("SpotPriceHistory[0].Timestamp"));
  EXPECT_THAT(SpotError(R"({"SpotPriceHistory":[{"AvailabilityZone":1,"InstanceType":"m5.xlarge",)"
                        R"("ProductDescription":"Linux/UNIX","SpotPrice":"0.08","Timestamp":1}]})"),
              HasSubstr("SpotPriceHistory[0].AvailabilityZone: expected a string"));
  EXPECT_THAT(SpotError(R"({"SpotPriceHistory":[42]})"),
              HasSubstr("SpotPriceHistory[0]: expected an object"));
}

TEST(SpotHistoryParserTest, UnparsablePriceNamesEntry) {
  std::string json = OneEntry("1714564800");
  json.replace(json.find("0.081200"), 8, "cheap");
  EXPECT_THAT(SpotError(json), HasSubstr("SpotPriceHistory[0].SpotPrice"));
}

TEST(SpotHistoryParserTest, MissingHistoryArrayIsAnError) {
  EXPECT_THAT(SpotError(R"({"NextToken":""})"), HasSubstr("missing SpotPriceHistory array"));
  EXPECT_THAT(SpotError("[]"), HasSubstr("top level is not an object"));
}

TEST(SpotHistoryParserTest, MalformedJsonNamesBytePosition) {
  EXPECT_THAT(SpotError(R"({"SpotPriceHistory":[{"InstanceType":}]})"),
              HasSubstr("malformed JSON at byte"));
}

}  // namespace
}  // namespace costledger::sources
