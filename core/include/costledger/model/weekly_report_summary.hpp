#pragma once

#include <string>

namespace costledger::model {

struct WeeklyReport;
struct CostChange;

/// The report's one-paragraph summary for people, e.g.
///   "Team alpha spent $1,234.56 on Kubernetes workloads in 2026-W48 (23–29 Nov 2026,
///    Europe/Berlin), up $123.45 (+11.1%) from $1,111.11 the week before. The biggest changes:
///    spark:daily-agg in analytics up $300.00 (from $100.00 to $400.00); ..."
/// followed, when they apply, by Athena queries, spot savings, right-sizing and quotas at or
/// over their limit. Deterministic: the same report gives the same words. A team without spend
/// gets one sentence. Pure; throws nothing but std::bad_alloc.
std::string SummarizeWeeklyReport(const WeeklyReport& report);

/// One change in words, as the summary names it: "spark:daily-agg in analytics up $300.00 (from
/// $100.00 to $400.00)", "namespace ml down ...", "notebook:ann in ns is new ($5.00)",
/// "dag:a/b in etl did not run ($120.00 the week before)".
std::string DescribeChange(const CostChange& change);

}  // namespace costledger::model
