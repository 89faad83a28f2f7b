#include "costledger/model/query_summary.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/model/weekly_report.hpp"

namespace costledger::model {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

QueryCostRow Query(std::string id, std::string team, std::string group, std::int64_t cost_nanos,
                   std::int64_t submitted_s = 0, std::int64_t bytes = 10) {
  QueryCostRow q;
  q.cluster = "c1";
  q.query_execution_id = std::move(id);
  q.team = std::move(team);
  q.work_group = std::move(group);
  q.cost = Money::FromNanos(cost_nanos);
  q.submitted = sys_seconds{seconds{submitted_s}};
  q.data_scanned_bytes = bytes;
  q.query = "SELECT 1";
  return q;
}

std::vector<std::string> Ids(const std::vector<QueryCostRow>& rows) {
  std::vector<std::string> out;
  for (const QueryCostRow& q : rows) out.push_back(q.query_execution_id);
  return out;
}

TEST(QuerySummaryTest, GroupsByTeamAndWorkgroupWithSumsAndTheTopFew) {
  const std::vector<QueryCostRow> rows = {
      Query("a", "alpha", "bi", 5, 0, 100), Query("b", "alpha", "bi", 9, 0, 200),
      Query("c", "alpha", "bi", 7, 0, 300), Query("d", "alpha", "ml", 1, 0, 1),
      Query("e", "beta", "bi", 2, 0, 2)};
  const auto groups = SummarizeQueries(rows, 2);
  ASSERT_EQ(groups.size(), 3U);
  EXPECT_EQ(groups[0].team, "alpha");
  EXPECT_EQ(groups[0].work_group, "bi");
  EXPECT_EQ(groups[0].query_count, 3U);
  EXPECT_EQ(groups[0].cost, Money::FromNanos(21));
  EXPECT_EQ(groups[0].data_scanned_bytes, 600);
  EXPECT_EQ(Ids(groups[0].top), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(groups[1].work_group, "ml");
  EXPECT_EQ(groups[2].team, "beta");
  EXPECT_TRUE(SummarizeQueries({}, 5).empty());
}

TEST(QuerySummaryTest, TiesListEarlierSubmittedThenByIdThenCluster) {
  QueryCostRow other_cluster = Query("x", "t", "g", 5, 10);
  other_cluster.cluster = "c0";
  const std::vector<QueryCostRow> rows = {Query("y", "t", "g", 5, 10), Query("x", "t", "g", 5, 10),
                                          other_cluster, Query("z", "t", "g", 5, 3)};
  const auto groups = SummarizeQueries(rows, 10);
  ASSERT_EQ(groups.size(), 1U);
  EXPECT_EQ(Ids(groups[0].top), (std::vector<std::string>{"z", "x", "x", "y"}));
  EXPECT_EQ(groups[0].top[1].cluster, "c0");
}

TEST(QuerySummaryTest, ATopOfNoneKeepsTheSums) {
  const auto groups = SummarizeQueries({Query("a", "t", "g", 5), Query("b", "t", "g", 6)}, 0);
  ASSERT_EQ(groups.size(), 1U);
  EXPECT_TRUE(groups[0].top.empty());
  EXPECT_EQ(groups[0].query_count, 2U);
  EXPECT_EQ(groups[0].cost, Money::FromNanos(11));
}

TEST(QuerySummaryTest, NegativeCostsBytesAndInconsistentSummariesAreRefused) {
  EXPECT_THROW(SummarizeQueries({Query("a", "t", "g", -1)}, 5), InvalidInput);
  EXPECT_THROW(SummarizeQueries({Query("a", "t", "g", 1, 0, -1)}, 5), InvalidInput);
  QueryGroupSummary g;
  g.team = "t";
  g.work_group = "g";
  g.query_count = 1;
  g.cost = Money::FromNanos(5);
  g.top = {Query("a", "t", "g", 2), Query("b", "t", "g", 3)};
  EXPECT_THROW(MergeQuerySummaries({g}, 5), InvalidInput);  // two tops of one query
  g.top.clear();
  g.cost = Money::FromNanos(-5);
  EXPECT_THROW(MergeQuerySummaries({g}, 5), InvalidInput);
}

std::vector<QueryCostRow> RandomQueries(std::mt19937_64& rng, int n) {
  std::uniform_int_distribution<int> pick(0, 2);
  std::uniform_int_distribution<std::int64_t> cost(0, 4);  // many ties
  std::uniform_int_distribution<std::int64_t> when(0, 3);
  std::vector<QueryCostRow> out;
  for (int i = 0; i < n; ++i) {
    QueryCostRow q = Query(fmt::format("q{:03}", i), "team" + std::to_string(pick(rng)),
                           "wg" + std::to_string(pick(rng)), cost(rng), when(rng), cost(rng));
    q.cluster = "c" + std::to_string(pick(rng));
    out.push_back(std::move(q));
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

// Summaries of the parts of a split, merged, are the summary of the whole, for any split.
TEST(QuerySummaryTest, MergedSummariesOfAnySplitEqualTheSummaryOfTheWhole) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const auto rows = RandomQueries(rng, static_cast<int>(rng() % 40));
    const std::size_t top = rng() % 6;
    std::vector<QueryCostRow> a;
    std::vector<QueryCostRow> b;
    for (const QueryCostRow& q : rows) (rng() % 2 == 0 ? a : b).push_back(q);
    auto parts = SummarizeQueries(a, top);
    auto more = SummarizeQueries(b, top);
    parts.insert(parts.end(), more.begin(), more.end());
    std::shuffle(parts.begin(), parts.end(), rng);
    EXPECT_EQ(MergeQuerySummaries(parts, top), SummarizeQueries(rows, top)) << "trial " << trial;
  }
}

// A weekly report says the same of queries whether the gatherer passed every query or summaries
// made by a store, or a mix of both.
TEST(QuerySummaryTest, AReportFromSummariesEqualsTheReportFromEveryQuery) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<QueryCostRow> rows = RandomQueries(rng, static_cast<int>(rng() % 30));
    for (QueryCostRow& q : rows) q.team = "alpha";
    WeeklyReportInput every;
    every.team = "alpha";
    every.limits.top_queries_per_workgroup = rng() % 4;
    every.queries = rows;
    WeeklyReportInput summarized = every;
    summarized.queries.clear();
    std::vector<QueryCostRow> for_store;  // the rest, summarized as a store would
    for (const QueryCostRow& q : rows)
      (rng() % 3 == 0 ? summarized.queries : for_store).push_back(q);
    summarized.query_groups =
        SummarizeQueries(for_store, summarized.limits.top_queries_per_workgroup);
    EXPECT_EQ(BuildWeeklyReport(summarized).queries, BuildWeeklyReport(every).queries)
        << "trial " << trial;
  }
}

}  // namespace
}  // namespace costledger::model
