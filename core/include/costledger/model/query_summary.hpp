#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "costledger/model/cost_rows.hpp"
#include "costledger/model/money.hpp"

namespace costledger::model {

/// The queries of one team in one Athena workgroup over a window: count and sums over all of
/// them, and the most expensive few in full. Reports need no more than this, so a store can
/// summarize where the rows are instead of sending every execution.
struct QueryGroupSummary {
  std::string team;
  std::string work_group;
  std::size_t query_count = 0;
  Money cost;                           ///< of all the group's queries
  std::int64_t data_scanned_bytes = 0;  ///< of all the group's queries
  std::vector<QueryCostRow> top;        ///< the most expensive, in MoreExpensiveQuery order
  friend bool operator==(const QueryGroupSummary&, const QueryGroupSummary&) = default;
};

/// The order queries are listed in: higher cost first, then earlier submitted, then by
/// execution id and cluster (bytewise), so that ties list the same way on every run.
bool MoreExpensiveQuery(const QueryCostRow& a, const QueryCostRow& b);

/// `rows` summarized by (team, work_group), sorted by team then work_group; each top holds at
/// most `top_per_group` rows. Throws InvalidInput on a negative cost or byte count.
std::vector<QueryGroupSummary> SummarizeQueries(const std::vector<QueryCostRow>& rows,
                                                std::size_t top_per_group);

/// Summaries of disjoint sets of queries combined: groups of the same team and work_group are
/// added and their tops re-cut to `top_per_group`. Sorted as SummarizeQueries'.
std::vector<QueryGroupSummary> MergeQuerySummaries(std::vector<QueryGroupSummary> summaries,
                                                   std::size_t top_per_group);

}  // namespace costledger::model
