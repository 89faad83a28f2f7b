#include "costledger/model/query_summary.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

void CheckQuery(const QueryCostRow& q) {
  if (q.cost < Money{}) {
    throw InvalidInput(
        fmt::format("query {}: negative cost {}", q.query_execution_id, q.cost.ToDecimalString()));
  }
  if (q.data_scanned_bytes < 0) {
    throw InvalidInput(fmt::format("query {}: negative bytes scanned", q.query_execution_id));
  }
}

void CutTop(std::vector<QueryCostRow>& top, std::size_t top_per_group) {
  std::sort(top.begin(), top.end(), MoreExpensiveQuery);
  if (top.size() > top_per_group) top.resize(top_per_group);
}

}  // namespace

bool MoreExpensiveQuery(const QueryCostRow& a, const QueryCostRow& b) {
  if (a.cost != b.cost) return a.cost > b.cost;
  return std::tie(a.submitted, a.query_execution_id, a.cluster) <
         std::tie(b.submitted, b.query_execution_id, b.cluster);
}

std::vector<QueryGroupSummary> SummarizeQueries(const std::vector<QueryCostRow>& rows,
                                                std::size_t top_per_group) {
  std::map<std::pair<std::string, std::string>, QueryGroupSummary> groups;
  for (const QueryCostRow& q : rows) {
    CheckQuery(q);
    QueryGroupSummary& g = groups[{q.team, q.work_group}];
    g.team = q.team;
    g.work_group = q.work_group;
    ++g.query_count;
    g.cost += q.cost;
    g.data_scanned_bytes += q.data_scanned_bytes;
    g.top.push_back(q);
  }
  std::vector<QueryGroupSummary> out;
  out.reserve(groups.size());
  for (auto& [key, g] : groups) {
    CutTop(g.top, top_per_group);
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<QueryGroupSummary> MergeQuerySummaries(std::vector<QueryGroupSummary> summaries,
                                                   std::size_t top_per_group) {
  std::map<std::pair<std::string, std::string>, QueryGroupSummary> groups;
  for (QueryGroupSummary& s : summaries) {
    if (s.cost < Money{} || s.data_scanned_bytes < 0) {
      throw InvalidInput(
          fmt::format("queries of workgroup {}: negative cost or bytes scanned", s.work_group));
    }
    if (s.top.size() > s.query_count) {
      throw InvalidInput(fmt::format("queries of workgroup {}: {} top queries of {} in all",
                                     s.work_group, s.top.size(), s.query_count));
    }
    for (const QueryCostRow& q : s.top) CheckQuery(q);
    auto [it, inserted] = groups.try_emplace({s.team, s.work_group});
    QueryGroupSummary& g = it->second;
    if (inserted) {
      g = std::move(s);
      continue;
    }
    g.query_count += s.query_count;
    g.cost += s.cost;
    g.data_scanned_bytes += s.data_scanned_bytes;
    g.top.insert(g.top.end(), std::make_move_iterator(s.top.begin()),
                 std::make_move_iterator(s.top.end()));
  }
  std::vector<QueryGroupSummary> out;
  out.reserve(groups.size());
  for (auto& [key, g] : groups) {
    CutTop(g.top, top_per_group);
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace costledger::model
