#include "costledger/collector/seen_queries.hpp"

#include <gtest/gtest.h>

namespace costledger::collector {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_seconds;

const sys_seconds kNow{seconds{1'763'287'200}};

TEST(SeenQueriesTest, RemembersWhatWasAdded) {
  SeenQueries seen;
  EXPECT_FALSE(seen.Contains("q1"));
  seen.Add("q1", kNow);
  EXPECT_TRUE(seen.Contains("q1"));
  EXPECT_FALSE(seen.Contains("q2"));
  seen.Add("q1", kNow);  // again: still one
  EXPECT_EQ(seen.size(), 1U);
}

TEST(SeenQueriesTest, ForgetsOnlyExecutionsSubmittedBeforeTheCutoff) {
  SeenQueries seen;
  seen.Add("old", kNow - hours(49));
  seen.Add("edge", kNow - hours(48));
  seen.Add("new", kNow);
  EXPECT_EQ(seen.ForgetSubmittedBefore(kNow - hours(48)), 1U);
  EXPECT_FALSE(seen.Contains("old"));
  EXPECT_TRUE(seen.Contains("edge"));
  EXPECT_TRUE(seen.Contains("new"));
  EXPECT_EQ(seen.ForgetSubmittedBefore(kNow - hours(48)), 0U);
  EXPECT_EQ(seen.size(), 2U);
}

TEST(SeenQueriesTest, AddingAgainKeepsTheLatestSubmissionTime) {
  SeenQueries seen;
  seen.Add("q", kNow - hours(100));
  seen.Add("q", kNow);
  EXPECT_EQ(seen.ForgetSubmittedBefore(kNow - hours(1)), 0U);
  EXPECT_TRUE(seen.Contains("q"));
}

}  // namespace
}  // namespace costledger::collector
