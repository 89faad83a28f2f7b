#include "costledger/model/timestamp.hpp"

#include <date/date.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "costledger/model/errors.hpp"
#include "error_of.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

sys_seconds At(int y, unsigned m, unsigned d, hours h = hours(0), minutes min = minutes(0),
               seconds s = seconds(0)) {
  return sys_seconds{date::sys_days{date::year(y) / date::month(m) / date::day(d)}} + h + min + s;
}

TEST(TimestampTest, ParsesUtcWithZ) {
  EXPECT_EQ(ParseTimestamp("2024-05-01T12:00:00Z"), At(2024, 5, 1, hours(12)));
  EXPECT_EQ(ParseTimestamp("2024-05-06T11:58:03Z"),
            At(2024, 5, 6, hours(11), minutes(58), seconds(3)));
}

TEST(TimestampTest, ParsesTheEpoch) {
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00Z"), sys_seconds{});
}

TEST(TimestampTest, AcceptsLowercaseSeparatorAndZone) {
  // RFC 3339 section 5.6 allows "t" and "z".
  EXPECT_EQ(ParseTimestamp("2024-05-01t12:00:00z"), At(2024, 5, 1, hours(12)));
}

TEST(TimestampTest, TruncatesFractionalSeconds) {
  const sys_seconds expected = At(2024, 5, 1, hours(12), minutes(0), seconds(7));
  EXPECT_EQ(ParseTimestamp("2024-05-01T12:00:07.1Z"), expected);
  EXPECT_EQ(ParseTimestamp("2024-05-01T12:00:07.482Z"), expected);
  EXPECT_EQ(ParseTimestamp("2024-05-01T12:00:07.999999999Z"), expected);
  EXPECT_EQ(ParseTimestamp("2024-05-01T12:00:07.123456+00:00"), expected);
}

TEST(TimestampTest, SubtractsAPositiveOffset) {
  EXPECT_EQ(ParseTimestamp("2024-05-01T14:00:00+02:00"), At(2024, 5, 1, hours(12)));
}

TEST(TimestampTest, AddsANegativeOffset) {
  EXPECT_EQ(ParseTimestamp("2024-05-01T06:30:00-05:30"), At(2024, 5, 1, hours(12)));
}

TEST(TimestampTest, OffsetMayCrossADayAndAYear) {
  EXPECT_EQ(ParseTimestamp("2024-01-01T01:00:00+02:00"), At(2023, 12, 31, hours(23)));
  EXPECT_EQ(ParseTimestamp("2023-12-31T23:30:00-01:00"), At(2024, 1, 1, hours(0), minutes(30)));
}

TEST(TimestampTest, ZeroOffsetsEqualZ) {
  EXPECT_EQ(ParseTimestamp("2024-05-01T12:00:00+00:00"), At(2024, 5, 1, hours(12)));
  EXPECT_EQ(ParseTimestamp("2024-05-01T12:00:00-00:00"), At(2024, 5, 1, hours(12)));
}

TEST(TimestampTest, AcceptsLeapDay) {
  EXPECT_EQ(ParseTimestamp("2024-02-29T00:00:00Z"), At(2024, 2, 29));
}

TEST(TimestampTest, ParsesTimesBeforeTheEpoch) {
  EXPECT_EQ(ParseTimestamp("1969-12-31T23:59:59.5Z"), sys_seconds{} - seconds(1));
}

TEST(TimestampTest, RejectsGarbageQuotingTheText) {
  EXPECT_THAT([] { ParseTimestamp("yesterday"); },
              ThrowsMessage<InvalidInput>(HasSubstr("\"yesterday\"")));
  EXPECT_THAT([] { ParseTimestamp(""); }, ThrowsMessage<InvalidInput>(HasSubstr("\"\"")));
}

TEST(TimestampTest, RejectsMissingTimeZone) {
  EXPECT_THAT([] { ParseTimestamp("2024-05-01T12:00:00"); },
              ThrowsMessage<InvalidInput>(HasSubstr("\"2024-05-01T12:00:00\"")));
}

TEST(TimestampTest, RejectsIncompleteOrMalformedLayouts) {
  for (const char* text : {
           "2024-05-01",                // date only
           "2024-05-01 12:00:00Z",      // space separator
           "2024-5-1T12:00:00Z",        // unpadded fields
           "2024-05-01T12:00Z",         // no seconds
           "2024-05-01T12:00:00.Z",     // decimal point without digits
           "2024-05-01T12:00:00+0200",  // offset without colon
           "2024-05-01T12:00:00+02",    // offset without minutes
           "2024-05-01T12:00:00Zjunk",  // trailing text
           " 2024-05-01T12:00:00Z",     // leading space
           "2024-05-01T12:00:00Z ",     // trailing space
           "+2024-05-01T12:00:00Z",     // signed year
           "1714564800",                // epoch seconds
       }) {
    EXPECT_THROW(ParseTimestamp(text), InvalidInput) << text;
  }
}

TEST(TimestampTest, RejectsOutOfRangeFields) {
  for (const char* text : {
           "2024-00-01T12:00:00Z",
           "2024-13-01T12:00:00Z",
           "2024-05-00T12:00:00Z",
           "2024-05-32T12:00:00Z",
           "2024-04-31T12:00:00Z",
           "2023-02-29T12:00:00Z",
           "2024-05-01T24:00:00Z",
           "2024-05-01T12:60:00Z",
           "2024-05-01T12:00:60Z",  // leap seconds, as Go's time.Parse
           "2024-05-01T12:00:00+24:00",
           "2024-05-01T12:00:00+02:60",
       }) {
    EXPECT_THROW(ParseTimestamp(text), InvalidInput) << text;
  }
}

TEST(TimestampTest, ErrorNamesTheReason) {
  EXPECT_THAT([] { ParseTimestamp("2023-02-29T12:00:00Z"); },
              ThrowsMessage<InvalidInput>(HasSubstr("no such date")));
}

TEST(TimestampTest, EscapesControlCharactersAndShortensLongInput) {
  EXPECT_THAT([] { ParseTimestamp("2024\n"); },
              ThrowsMessage<InvalidInput>(HasSubstr(R"("2024\n")")));
  const std::string long_text(1000, 'x');
  const std::string error = testing::ErrorOf<InvalidInput>([&] { ParseTimestamp(long_text); });
  EXPECT_LT(error.size(), 200U);
  EXPECT_THAT(error, HasSubstr("..."));
}

TEST(TimestampTest, FormatsUtcWithZ) {
  EXPECT_EQ(FormatTimestamp(At(2024, 5, 1, hours(12))), "2024-05-01T12:00:00Z");
  EXPECT_EQ(FormatTimestamp(At(2024, 12, 31, hours(23), minutes(59), seconds(59))),
            "2024-12-31T23:59:59Z");
  EXPECT_EQ(FormatTimestamp(sys_seconds{}), "1970-01-01T00:00:00Z");
}

TEST(TimestampTest, FormatsTimesBeforeTheEpoch) {
  EXPECT_EQ(FormatTimestamp(sys_seconds{} - seconds(1)), "1969-12-31T23:59:59Z");
}

TEST(TimestampTest, FormatThenParseRoundTrips) {
  for (const sys_seconds t : {At(2024, 2, 29, hours(6), minutes(7), seconds(8)), At(1999, 1, 1),
                              At(2038, 1, 19, hours(3), minutes(14), seconds(8))}) {
    EXPECT_EQ(ParseTimestamp(FormatTimestamp(t)), t);
  }
}

}  // namespace
}  // namespace costledger::model
