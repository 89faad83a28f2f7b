#include "costledger/common/time_zone.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "costledger/model/errors.hpp"
#include "error_of.hpp"

namespace costledger::common {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using ::testing::HasSubstr;

// 2026-03-29T01:00:00Z, when Central Europe moves from CET (+1) to CEST (+2).
constexpr sys_seconds kBerlinSpring{seconds{1'774'746'000}};

TEST(TimeZoneTest, IanaZonesFollowTheirTransitions) {
  const auto berlin = LoadTimeZone("Europe/Berlin");
  EXPECT_EQ(berlin->OffsetAt(kBerlinSpring - seconds(1)).utc_offset, hours(1));
  EXPECT_EQ(berlin->OffsetAt(kBerlinSpring - seconds(1)).abbreviation, "CET");
  EXPECT_EQ(berlin->OffsetAt(kBerlinSpring).utc_offset, hours(2));
  EXPECT_EQ(berlin->OffsetAt(kBerlinSpring).abbreviation, "CEST");
}

TEST(TimeZoneTest, UtcNeedsNoDatabase) {
  EXPECT_EQ(LoadTimeZone("UTC")->OffsetAt(kBerlinSpring).utc_offset, seconds(0));
  EXPECT_EQ(LoadTimeZone("Etc/UTC")->OffsetAt(kBerlinSpring).abbreviation, "UTC");
}

TEST(TimeZoneTest, AnUnknownZoneIsNamedInTheError) {
  EXPECT_THAT(testing::ErrorOf<InvalidInput>([] { LoadTimeZone("Europe/Atlantis"); }),
              HasSubstr("time zone 'Europe/Atlantis' is not in the tz database"));
}

}  // namespace
}  // namespace costledger::common
