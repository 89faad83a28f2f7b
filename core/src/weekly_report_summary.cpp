#include "costledger/model/weekly_report_summary.hpp"

#include <fmt/core.h>

#include <vector>

#include "costledger/model/quota_text.hpp"
#include "costledger/model/report_text.hpp"
#include "costledger/model/weekly_report.hpp"

namespace costledger::model {
namespace {

Money Abs(Money m) { return m < Money{} ? Money{} - m : m; }

std::string Direction(Money change) { return change > Money{} ? "up" : "down"; }

}  // namespace

std::string DescribeChange(const CostChange& c) {
  const std::string who = c.kind == CostChange::Kind::kWorkload
                              ? fmt::format("{} in {}", c.workload, c.namespace_name)
                              : fmt::format("namespace {}", c.namespace_name);
  if (c.previous_cost == Money{}) {
    return fmt::format("{} is new ({})", who, FormatDollars(c.cost));
  }
  if (c.cost == Money{}) {
    return fmt::format("{} {} ({} the week before)", who,
                       c.kind == CostChange::Kind::kWorkload ? "did not run" : "had no spend",
                       FormatDollars(c.previous_cost));
  }
  return fmt::format("{} {} {} (from {} to {})", who, Direction(c.change),
                     FormatDollars(Abs(c.change)), FormatDollars(c.previous_cost),
                     FormatDollars(c.cost));
}

namespace {

std::string Joined(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? (parts.size() > 2 ? "; and " : " and ") : "; ";
    out += parts[i];
  }
  return out;
}

}  // namespace

std::string SummarizeWeeklyReport(const WeeklyReport& r) {
  const std::string when =
      fmt::format("{} ({}, {})", ToString(r.week.week), FormatWeekDates(r.week), r.zone_name);
  if (!r.HasSpend()) {
    std::string text = fmt::format("Team {} had no recorded spend in {}.", r.team, when);
    if (r.previous_total && *r.previous_total > Money{}) {
      text += fmt::format(" It spent {} on Kubernetes workloads the week before.",
                          FormatDollars(*r.previous_total));
    }
    return text;
  }
  std::string text = fmt::format("Team {} spent {} on Kubernetes workloads in {}", r.team,
                                 FormatDollars(r.total), when);
  if (!r.previous_total) {
    text += "; the week before was not recorded, so no change is shown.";
  } else if (*r.change == Money{}) {
    text += ", the same as the week before.";
  } else if (*r.previous_total == Money{}) {
    text += ", after no spend the week before.";
  } else {
    text += fmt::format(", {} {} ({}) from {} the week before.", Direction(*r.change),
                        FormatDollars(Abs(*r.change)), FormatSignedRatio(r.change_ratio),
                        FormatDollars(*r.previous_total));
  }
  if (!r.biggest_changes.empty()) {
    std::vector<std::string> parts;
    for (const CostChange& c : r.biggest_changes) parts.push_back(DescribeChange(c));
    text += fmt::format(" The biggest change{}: {}.", parts.size() == 1 ? " was" : "s were",
                        Joined(parts));
  }
  if (r.queries.query_count > 0) {
    text += fmt::format(" Athena queries cost {} ({} quer{}, {} scanned).",
                        FormatDollars(r.queries.total), r.queries.query_count,
                        r.queries.query_count == 1 ? "y" : "ies",
                        FormatBytes(r.queries.data_scanned_bytes));
  }
  if (r.storage.costed && r.storage.total > Money{}) {
    text += fmt::format(" Storage cost {}.", FormatDollars(r.storage.total));
  }
  if (r.spot.saving > Money{}) {
    text += fmt::format(" Running on spot capacity saved {} against on-demand prices.",
                        FormatDollars(r.spot.saving));
  }
  if (r.rightsizing.total_saving > Money{}) {
    text +=
        fmt::format(" Requesting what containers use (p{} over the week plus {}%) could save {}.",
                    r.rightsizing.percentile, r.rightsizing.headroom_percent,
                    FormatDollars(r.rightsizing.total_saving));
  }
  std::vector<const QuotaLine*> at_limit;
  for (const QuotaLine& q : r.quotas) {
    if (q.status.LimitReached()) at_limit.push_back(&q);
  }
  if (at_limit.size() > 2) {
    text += fmt::format(" {} quotas reached their limits.", at_limit.size());
  } else {
    for (const QuotaLine* q : at_limit) {
      text += fmt::format(" Quota {} reached its limit ({} of {}).", q->name,
                          FormatQuotaAmount(q->status.unit, q->status.spent),
                          FormatQuotaAmount(q->status.unit, q->status.limit));
    }
  }
  return text;
}

}  // namespace costledger::model
