#include "costledger/model/window.hpp"

#include <gtest/gtest.h>

#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"
#include "error_of.hpp"

namespace costledger::model {
namespace {

using model::ParseTimestamp;

// Wednesday 2026-11-18 14:37:20 UTC.
const std::chrono::sys_seconds kNow = ParseTimestamp("2026-11-18T14:37:20Z");

TimeWindow W(const char* start, const char* end) {
  return {ParseTimestamp(start), ParseTimestamp(end)};
}

TEST(WindowTest, NamedDays) {
  EXPECT_EQ(ParseWindow("today", kNow), W("2026-11-18T00:00:00Z", "2026-11-19T00:00:00Z"));
  EXPECT_EQ(ParseWindow("yesterday", kNow), W("2026-11-17T00:00:00Z", "2026-11-18T00:00:00Z"));
}

TEST(WindowTest, WeeksStartOnSunday) {
  EXPECT_EQ(ParseWindow("week", kNow), W("2026-11-15T00:00:00Z", "2026-11-18T14:37:20Z"));
  EXPECT_EQ(ParseWindow("lastweek", kNow), W("2026-11-08T00:00:00Z", "2026-11-15T00:00:00Z"));
}

TEST(WindowTest, Months) {
  EXPECT_EQ(ParseWindow("month", kNow), W("2026-11-01T00:00:00Z", "2026-11-18T14:37:20Z"));
  EXPECT_EQ(ParseWindow("lastmonth", kNow), W("2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"));
  EXPECT_EQ(ParseWindow("lastmonth", ParseTimestamp("2026-01-05T00:00:00Z")),
            W("2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z"));
}

TEST(WindowTest, DurationsEndAtTheEndOfTheCurrentUnit) {
  EXPECT_EQ(ParseWindow("24h", kNow), W("2026-11-17T15:00:00Z", "2026-11-18T15:00:00Z"));
  EXPECT_EQ(ParseWindow("7d", kNow), W("2026-11-12T00:00:00Z", "2026-11-19T00:00:00Z"));
  EXPECT_EQ(ParseWindow("15m", kNow), W("2026-11-18T14:23:00Z", "2026-11-18T14:38:00Z"));
  EXPECT_EQ(ParseWindow("2w", kNow), W("2026-11-05T00:00:00Z", "2026-11-19T00:00:00Z"));
  EXPECT_EQ(ParseWindow("30d", kNow).length(), std::chrono::days(30));
}

TEST(WindowTest, DurationWithOffset) {
  EXPECT_EQ(ParseWindow("1h offset 1d", kNow), W("2026-11-17T13:37:20Z", "2026-11-17T14:37:20Z"));
}

TEST(WindowTest, UnixAndRfc3339Pairs) {
  EXPECT_EQ(ParseWindow("1586822400,1586908800", kNow),
            W("2020-04-14T00:00:00Z", "2020-04-15T00:00:00Z"));
  EXPECT_EQ(ParseWindow("1586822400-1586908800", kNow),
            W("2020-04-14T00:00:00Z", "2020-04-15T00:00:00Z"));
  EXPECT_EQ(ParseWindow("2020-04-01T00:00:00Z,2020-04-03T00:00:00Z", kNow),
            W("2020-04-01T00:00:00Z", "2020-04-03T00:00:00Z"));
  EXPECT_EQ(ParseWindow("2020-04-01T02:00:00+02:00,2020-04-03T00:00:00Z", kNow),
            W("2020-04-01T00:00:00Z", "2020-04-03T00:00:00Z"));
}

TEST(WindowTest, RejectsWhatItDoesNotUnderstand) {
  for (const char* bad :
       {"", "7", "7x", "d", "-7d", "0d", "abc", "1586908800,1586822400",
        "2020-04-03T00:00:00Z,2020-04-01T00:00:00Z", "1,2,3", "99999999999999d"}) {
    EXPECT_THROW(ParseWindow(bad, kNow), InvalidInput) << bad;
  }
  const std::string error = testing::ErrorOf<InvalidInput>([] { ParseWindow("fortnight", kNow); });
  EXPECT_NE(error.find("lastweek"), std::string::npos) << error;
}

TEST(WindowTest, Durations) {
  EXPECT_EQ(ParseDuration("30m"), std::chrono::minutes(30));
  EXPECT_EQ(ParseDuration("1h"), std::chrono::hours(1));
  EXPECT_EQ(ParseDuration("1d"), std::chrono::hours(24));
  EXPECT_EQ(ParseDuration("1w"), std::chrono::hours(168));
  EXPECT_EQ(ParseDuration("3600s"), std::chrono::hours(1));
  EXPECT_EQ(ParseDuration("90"), std::chrono::seconds(90));
  for (const char* bad : {"", "0h", "h", "1y", "-1h", "1.5h"}) {
    EXPECT_THROW(ParseDuration(bad), InvalidInput) << bad;
  }
}

}  // namespace
}  // namespace costledger::model
