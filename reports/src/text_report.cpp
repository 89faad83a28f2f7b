#include "costledger/reports/text_report.hpp"

#include <fmt/core.h>

#include "costledger/model/quota_text.hpp"
#include "costledger/model/report_text.hpp"
#include "costledger/model/weekly_report_summary.hpp"

namespace costledger::reports {
namespace {

using model::FormatDollars;
using model::Money;

constexpr std::size_t kWidth = 76;

/// `text` wrapped at spaces to lines of at most kWidth bytes (a longer word stays whole); the
/// first line starts with `indent`, the others with `hanging`.
std::string Wrapped(const std::string& text, const std::string& indent = "",
                    const std::string& hanging = "") {
  std::string out;
  std::string prefix = indent;
  std::string line = prefix;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (line.size() > prefix.size() && line.size() + 1 + word.size() > kWidth) {
      out += line + "\n";
      prefix = hanging;
      line = prefix;
    }
    if (line.size() > prefix.size()) line += ' ';
    line += word;
    start = end + 1;
  }
  if (line.size() > prefix.size()) out += line + "\n";
  return out;
}

/// A list item: "  - text", continued under the text.
std::string Item(const std::string& text) { return Wrapped("- " + text, "  ", "    "); }

std::string Heading(std::string_view title) { return fmt::format("\n{}\n", title); }

std::string Figure(std::string_view label, const std::string& value, const std::string& note = "") {
  std::string line = fmt::format("  {:<28}{:>16}", label, value);
  if (!note.empty()) line += "  " + note;
  return line + "\n";
}

std::string Title(const model::WeeklyReport& r) {
  return fmt::format("Weekly cost report: team {}\n{}, {}, {}\n", r.team,
                     model::ToString(r.week.week), model::FormatWeekDates(r.week), r.zone_name);
}

std::string WorkloadName(const model::WorkloadLine& w) {
  if (w.workload_count > 1) return fmt::format("others ({} workloads)", w.workload_count);
  return fmt::format("{} ({}, {})", w.workload, w.namespace_name,
                     w.platform.empty() ? "no platform" : w.platform);
}

std::string Change(const std::optional<Money>& change) {
  return change ? model::FormatSignedDollars(*change) : "";
}

std::string OneLine(std::string text, std::size_t max) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > max) {
    std::size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
    text = text.substr(0, end) + "...";
  }
  return text;
}

}  // namespace

std::string RenderText(const model::WeeklyReport& r) {
  std::string out = Title(r);
  // Appended apart, not "\n" + string: GCC 12 at -O3 (Release) reports a false -Wrestrict on
  // that.
  out += '\n';
  out += Wrapped(r.summary);

  out += Heading("KEY FIGURES");
  out += Figure("Kubernetes workloads", FormatDollars(r.total));
  if (r.change) {
    out +=
        Figure(fmt::format("Change from {}", model::ToString(model::PreviousWeek(r.week.week))),
               model::FormatSignedDollars(*r.change),
               r.change_ratio ? fmt::format("({})", model::FormatSignedRatio(r.change_ratio)) : "");
  }
  out += Figure("Athena queries", FormatDollars(r.queries.total));
  out += Figure("Storage", r.storage.costed ? FormatDollars(r.storage.total) : "not costed yet");
  out += Figure("Total spend", FormatDollars(r.combined_total));
  if (r.spot.saving > Money{})
    out += Figure("Saved by spot capacity", FormatDollars(r.spot.saving));
  if (r.rightsizing.total_saving > Money{}) {
    out += Figure("Right-sizing could save", FormatDollars(r.rightsizing.total_saving));
  }
  if (r.gpu_hours > 0) out += Figure("GPU-hours", model::FormatHours(r.gpu_hours));
  out += Figure("CPU efficiency", model::FormatRatio(r.cpu_efficiency), "usage / request");
  out += Figure("RAM efficiency", model::FormatRatio(r.ram_efficiency), "usage / request");

  if (!r.HasSpend()) return out;

  out += Heading("COST BY DAY");
  for (const model::DayCost& d : r.days) {
    out +=
        fmt::format("  {:<8}{:>14}\n", model::FormatDayLabel(d.day.date), FormatDollars(d.total));
  }

  if (!r.workloads.empty()) {
    out += Heading("TOP WORKLOADS");
    out +=
        fmt::format("  {:>12}  {:>12}  {}\n", "Cost", "Change", "Workload (namespace, platform)");
    for (const model::WorkloadLine& w : r.TopWorkloads()) {
      out += fmt::format("  {:>12}  {:>12}  {}\n", FormatDollars(w.cost), Change(w.change),
                         WorkloadName(w));
    }
    if (r.others) {
      out += fmt::format("  {:>12}  {:>12}  {}\n", FormatDollars(r.others->cost),
                         Change(r.others->change), WorkloadName(*r.others));
    }
  }

  if (!r.biggest_changes.empty()) {
    out += Heading("BIGGEST CHANGES");
    for (const model::CostChange& c : r.biggest_changes) {
      out += Item(model::DescribeChange(c));
    }
  }

  if (r.queries.query_count > 0) {
    out += Heading("ATHENA QUERIES BY WORKGROUP");
    for (const model::WorkgroupQueries& g : r.queries.workgroups) {
      out += fmt::format("  {}: {}, {} quer{}, {} scanned\n", g.work_group, FormatDollars(g.cost),
                         g.query_count, g.query_count == 1 ? "y" : "ies",
                         model::FormatBytes(g.data_scanned_bytes));
      for (const model::QueryLine& q : g.top) {
        out += fmt::format("    {:>10}  {:>10}  {}\n", FormatDollars(q.cost),
                           model::FormatBytes(q.data_scanned_bytes),
                           OneLine(q.query_execution_id + "  " + q.query, 44));
      }
      if (g.other_count > 0) {
        out += fmt::format("    {:>10}  {} more quer{}\n", FormatDollars(g.other_cost),
                           g.other_count, g.other_count == 1 ? "y" : "ies");
      }
    }
    out += "  (Who ran each query is not recorded in Athena's query history.)\n";
  }

  if (!r.spot.by_instance_type.empty()) {
    out += Heading("SPOT SAVINGS AGAINST ON-DEMAND");
    for (const model::SpotSavingLine& s : r.spot.by_instance_type) {
      out += fmt::format(
          "  {:<16}{:>12} on spot, {}\n", s.instance_type, FormatDollars(s.team_spot_cost),
          s.saving ? FormatDollars(*s.saving) + " saved" : std::string("no on-demand price known"));
    }
  }

  if (!r.idle.clusters.empty()) {
    out += Heading("IDLE CAPACITY");
    out +=
        Wrapped(fmt::format("Idle nodes cost {} of the {} that the clusters' nodes cost ({}). {}",
                            FormatDollars(r.idle.cluster_idle), FormatDollars(r.idle.cluster_total),
                            model::FormatRatio(r.idle.cluster_idle_share),
                            r.idle.sharing == model::IdleSharing::kSeparate
                                ? "It is not in the team's costs."
                                : fmt::format("The team's share, {}, is in its costs.",
                                              FormatDollars(r.idle.team_shared_idle))),
                "  ", "  ");
  }

  if (!r.quotas.empty()) {
    out += Heading(
        fmt::format("QUOTAS (at {})", model::FormatStatusTime(r.week, r.quotas.front().status.at)));
    for (const model::QuotaLine& q : r.quotas) {
      out += Item(fmt::format(
          "{} ({}, {} {}): {} of {} ({}){}", q.name, q.scope, model::PeriodAdjective(q.period),
          model::ToString(q.action), model::FormatQuotaAmount(q.status.unit, q.status.spent),
          model::FormatQuotaAmount(q.status.unit, q.status.limit),
          model::FormatRatio(q.status.ratio), q.status.LimitReached() ? ", limit reached" : ""));
    }
  }

  if (!r.rightsizing.top.empty()) {
    out += Heading(fmt::format("RIGHT-SIZING (requests at p{} usage plus {}%)",
                               r.rightsizing.percentile, r.rightsizing.headroom_percent));
    for (const model::RecommendationLine& l : r.rightsizing.top) {
      std::string text = fmt::format("{} / {} ({}):", l.workload, l.container, l.namespace_name);
      auto change = [&](std::string_view name, const model::ResourceRecommendation& rec,
                        std::string (*format)(std::int64_t)) {
        if (rec.recommended == rec.current_request) {
          text += fmt::format(" {} {} (keep);", name, format(rec.current_request));
        } else {
          text += fmt::format(" {} {} -> {};", name, format(rec.current_request),
                              format(rec.recommended));
        }
      };
      if (l.cpu) change("CPU", *l.cpu, model::FormatMillicores);
      if (l.memory) change("memory", *l.memory, model::FormatBytes);
      if (l.weekly_saving > Money{}) text += " saves " + FormatDollars(l.weekly_saving);
      if (l.weekly_extra_cost > Money{}) {
        text +=
            fmt::format("{} costs {} more (it uses more than it requests)",
                        l.weekly_saving > Money{} ? "," : "", FormatDollars(l.weekly_extra_cost));
      }
      out += Item(text);
    }
  }
  if (r.storage.costed && !r.storage.by_class.empty()) {
    out += Heading("STORAGE");
    for (const model::StorageClassCost& c : r.storage.by_class) {
      out += fmt::format("  {:<12}{:>12}  {} volume{}, {}\n", c.storage_class,
                         FormatDollars(c.cost), c.volume_count, c.volume_count == 1 ? "" : "s",
                         model::FormatBytes(c.size_bytes));
    }
  }
  return out;
}

std::string RenderTextSummary(const model::WeeklyReport& r, std::string_view link_url) {
  std::string out = fmt::format("Weekly cost report: team {}, {}\n{}\n", r.team,
                                model::ToString(r.week.week), r.summary);
  if (!link_url.empty()) out += fmt::format("Full report: {}\n", link_url);
  return out;
}

}  // namespace costledger::reports
