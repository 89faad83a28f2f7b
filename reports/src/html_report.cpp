#include "costledger/reports/html_report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <vector>

#include "costledger/markup/markup.hpp"
#include "costledger/markup/svg_chart.hpp"
#include "costledger/model/quota_text.hpp"
#include "costledger/model/report_text.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/model/weekly_report_summary.hpp"

namespace costledger::reports {
namespace {

using markup::ChartSeries;
using markup::Escape;
using markup::EscapeBreakable;
using markup::RenderStackedBars;
using markup::StackedBarChart;
using model::FormatDollars;
using model::Money;

// Inline styles only: mail clients drop <style> blocks and external stylesheets.
constexpr std::string_view kBody =
    "margin:0;padding:0;background:#eef0f3;color:#1f2328;font-family:-apple-system,"
    "BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;"
    "line-height:1.45;-webkit-text-size-adjust:100%;overflow-wrap:break-word;";
constexpr std::string_view kPage =
    "max-width:640px;margin:0 auto;background:#ffffff;padding:20px 16px 28px;"
    "box-sizing:border-box;";
constexpr std::string_view kH1 = "font-size:22px;line-height:1.25;margin:0 0 4px;color:#111827;";
constexpr std::string_view kH2 =
    "font-size:18px;line-height:1.3;margin:30px 0 10px;color:#111827;padding-bottom:4px;"
    "border-bottom:1px solid #d1d5db;";
constexpr std::string_view kH3 = "font-size:15px;margin:18px 0 6px;color:#111827;";
constexpr std::string_view kP = "margin:8px 0;";
constexpr std::string_view kMuted = "color:#4b5563;";
constexpr std::string_view kTable = "width:100%;border-collapse:collapse;font-size:14px;";
constexpr std::string_view kCaption =
    "caption-side:bottom;text-align:left;font-size:12px;color:#4b5563;padding-top:6px;";
constexpr std::string_view kTh =
    "text-align:left;font-weight:600;font-size:13px;color:#374151;padding:6px 5px;"
    "border-bottom:2px solid #d1d5db;vertical-align:bottom;";
constexpr std::string_view kThNum =
    "text-align:right;font-weight:600;font-size:13px;color:#374151;padding:6px 5px;"
    "border-bottom:2px solid #d1d5db;vertical-align:bottom;white-space:nowrap;";
constexpr std::string_view kThRow =
    "text-align:left;font-weight:normal;padding:6px 5px;border-bottom:1px solid #e5e7eb;"
    "vertical-align:top;";
constexpr std::string_view kTd =
    "padding:6px 5px;border-bottom:1px solid #e5e7eb;vertical-align:top;"
    "overflow-wrap:break-word;";
constexpr std::string_view kTdNum =
    "padding:6px 5px;border-bottom:1px solid #e5e7eb;vertical-align:top;text-align:right;"
    "white-space:nowrap;font-variant-numeric:tabular-nums;";
constexpr std::string_view kTdTotal =
    "padding:6px 5px;border-top:2px solid #d1d5db;vertical-align:top;font-weight:600;";
constexpr std::string_view kTdTotalNum =
    "padding:6px 5px;border-top:2px solid #d1d5db;vertical-align:top;text-align:right;"
    "white-space:nowrap;font-variant-numeric:tabular-nums;font-weight:600;";
constexpr std::string_view kSub = "display:block;font-size:12px;color:#4b5563;";
constexpr std::string_view kUp = "color:#b42318;";    // more spend
constexpr std::string_view kDown = "color:#067647;";  // less spend
constexpr std::string_view kCode =
    "font-family:Menlo,Consolas,'Liberation Mono',monospace;font-size:12px;color:#1f2328;"
    "overflow-wrap:break-word;";

// Okabe-Ito colours (distinguishable with colour-blindness), then grey for "other".
using markup::kOtherColor;
using markup::kPalette;

std::string Attr(std::string_view text) { return Escape(text); }

std::string Figure(std::string_view name, std::string_view shown) {
  return fmt::format("<span data-figure=\"{}\">{}</span>", Attr(name), Escape(shown));
}

std::string Th(std::string_view text, bool numeric = false) {
  return fmt::format(R"(<th scope="col" style="{}">{}</th>)", numeric ? kThNum : kTh, text);
}

std::string Td(const std::string& html) {
  return fmt::format("<td style=\"{}\">{}</td>", kTd, html);
}

std::string TdNum(const std::string& html) {
  return fmt::format("<td style=\"{}\">{}</td>", kTdNum, html);
}

/// A numeric cell with less padding, for tables with many columns.
std::string TdNumTight(const std::string& html) {
  return fmt::format("<td style=\"{}padding-left:2px;padding-right:3px;\">{}</td>", kTdNum, html);
}

std::string ChangeHtml(const std::optional<Money>& change) {
  if (!change) return "<span style=\"color:#4b5563;\">n/a</span>";
  const std::string_view style = *change > Money{} ? kUp : (*change < Money{} ? kDown : kMuted);
  return fmt::format("<span style=\"{}\">{}</span>", style,
                     Escape(model::FormatSignedDollars(*change)));
}

std::string Section(std::string_view title, const std::string& body) {
  return fmt::format("<section><h2 style=\"{}\">{}</h2>{}</section>", kH2, title, body);
}

std::string WorkloadCell(const model::WorkloadLine& w) {
  if (w.workload_count > 1) {
    return fmt::format("Others<span style=\"{}\">{} smaller workloads</span>", kSub,
                       w.workload_count);
  }
  return fmt::format("{}<span style=\"{}\">{} \u00b7 {}</span>", EscapeBreakable(w.workload), kSub,
                     EscapeBreakable(w.namespace_name),
                     w.platform.empty() ? std::string("no platform") : Escape(w.platform));
}

std::string WorkloadFigure(const model::WorkloadLine& w) {
  if (w.workload_count > 1) return "others_cost";
  return fmt::format("workload_cost:{}/{}/{}", w.namespace_name, w.platform, w.workload);
}

// --- sections ---

std::string Header(const model::WeeklyReport& r, const HtmlOptions& options) {
  std::string html = fmt::format("<header><h1 style=\"{}\">Weekly cost report: team {}</h1>", kH1,
                                 EscapeBreakable(r.team));
  std::string zone = Escape(r.zone_name);
  // "UTC (UTC)" says nothing twice: the abbreviation only when it differs from the name.
  const bool same_as_name =
      r.week.start_abbreviation == r.zone_name && r.week.end_abbreviation == r.zone_name;
  if (!r.week.start_abbreviation.empty() && !same_as_name) {
    zone += r.week.start_abbreviation == r.week.end_abbreviation
                ? fmt::format(" ({})", Escape(r.week.start_abbreviation))
                : fmt::format(" ({} to {})", Escape(r.week.start_abbreviation),
                              Escape(r.week.end_abbreviation));
  }
  const auto hours = r.week.window.length().count() / 3600;
  html += fmt::format(
      "<p style=\"margin:0;{}\"><strong style=\"color:#1f2328;\">{}</strong> \u00b7 {} \u00b7 {}{}"
      "</p>",
      kMuted, Escape(model::ToString(r.week.week)), Escape(model::FormatWeekDates(r.week)), zone,
      hours == 168 ? std::string() : fmt::format(" \u00b7 {} hours (clock change)", hours));
  if (!options.link_url.empty()) {
    html += fmt::format(
        "<p style=\"margin:6px 0 0;font-size:14px;\"><a href=\"{}\" "
        "style=\"color:#0550ae;\">Open this report in costledger</a></p>",
        Attr(options.link_url));
  }
  return html + "</header>";
}

std::string KeyFigureRow(std::string_view label, const std::string& value_html,
                         const std::string& note_html = "") {
  std::string label_html(label);
  if (!note_html.empty())
    label_html += fmt::format("<span style=\"{}\">{}</span>", kSub, note_html);
  return fmt::format(R"(<tr><th scope="row" style="{}">{}</th><td style="{}">{}</td></tr>)", kThRow,
                     label_html, kTdNum, value_html);
}

std::string KeyFigures(const model::WeeklyReport& r) {
  std::string rows;
  rows += KeyFigureRow(
      "Kubernetes workloads",
      fmt::format("<strong>{}</strong>", Figure("total_cost", FormatDollars(r.total))),
      r.total > Money{}
          ? fmt::format(
                "CPU {} \u00b7 RAM {} \u00b7 GPU {}{}", Escape(FormatDollars(r.breakdown.cpu)),
                Escape(FormatDollars(r.breakdown.ram)), Escape(FormatDollars(r.breakdown.gpu)),
                r.breakdown.shared_idle > Money{}
                    ? fmt::format(" \u00b7 shared idle {}",
                                  Escape(FormatDollars(r.breakdown.shared_idle)))
                    : std::string())
          : std::string());
  const std::string previous_week = model::ToString(model::PreviousWeek(r.week.week));
  if (r.previous_total) {
    rows += KeyFigureRow(fmt::format("Week before ({})", Escape(previous_week)),
                         Figure("previous_total_cost", FormatDollars(*r.previous_total)));
    const std::string_view style =
        *r.change > Money{} ? kUp : (*r.change < Money{} ? kDown : kMuted);
    rows += KeyFigureRow(
        "Change",
        fmt::format("<span style=\"{}\">{}</span>", style,
                    Figure("change", model::FormatSignedDollars(*r.change))),
        r.change_ratio ? Escape(model::FormatSignedRatio(r.change_ratio)) : std::string());
  } else {
    rows += KeyFigureRow("Change", "<span style=\"color:#4b5563;\">n/a</span>",
                         fmt::format("{} was not recorded", Escape(previous_week)));
  }
  rows += KeyFigureRow("Athena queries", Figure("query_cost", FormatDollars(r.queries.total)),
                       r.queries.query_count > 0
                           ? fmt::format("{} quer{} \u00b7 {} scanned", r.queries.query_count,
                                         r.queries.query_count == 1 ? "y" : "ies",
                                         Escape(model::FormatBytes(r.queries.data_scanned_bytes)))
                           : std::string());
  rows += KeyFigureRow("Storage", r.storage.costed
                                      ? Figure("storage_cost", FormatDollars(r.storage.total))
                                      : "<span style=\"color:#4b5563;\">not costed yet</span>");
  rows += KeyFigureRow(
      "Total spend",
      fmt::format("<strong>{}</strong>", Figure("combined_cost", FormatDollars(r.combined_total))),
      "workloads + queries + storage");
  if (r.spot.team_spot_cost > Money{}) {
    rows +=
        KeyFigureRow("Saved by spot capacity", Figure("spot_saving", FormatDollars(r.spot.saving)),
                     fmt::format("against on-demand prices; {} of workload cost ran on spot",
                                 Escape(model::FormatRatio(r.spot.spot_share))));
  }
  if (r.rightsizing.total_saving > Money{}) {
    rows += KeyFigureRow("Right-sizing could save",
                         Figure("rightsizing_saving", FormatDollars(r.rightsizing.total_saving)),
                         "per week, see below");
  }
  if (r.idle.cluster_idle_share) {
    rows +=
        KeyFigureRow("Idle share of the cluster",
                     Figure("cluster_idle_share", model::FormatRatio(r.idle.cluster_idle_share)),
                     fmt::format("{} idle of {}", Escape(FormatDollars(r.idle.cluster_idle)),
                                 Escape(FormatDollars(r.idle.cluster_total))));
  }
  if (r.gpu_hours > 0) {
    rows += KeyFigureRow("GPU-hours", Figure("gpu_hours", model::FormatHours(r.gpu_hours)),
                         fmt::format("{} busy", Escape(model::FormatRatio(r.gpu_efficiency))));
  }
  if (r.cpu_efficiency || r.ram_efficiency) {
    rows += KeyFigureRow("Efficiency CPU / RAM",
                         fmt::format("{} / {}", Escape(model::FormatRatio(r.cpu_efficiency)),
                                     Escape(model::FormatRatio(r.ram_efficiency))),
                         "usage \u00f7 request");
  }
  return Section("Key figures",
                 fmt::format("<table style=\"{}\"><tbody>{}</tbody></table>", kTable, rows));
}

struct Legend {
  std::string name;
  std::string color;
  std::string amount_html;
};

std::string LegendHtml(const std::vector<Legend>& items) {
  std::string html =
      "<ul style=\"list-style:none;margin:8px 0 0;padding:0;font-size:13px;line-height:1.6;\">";
  for (const Legend& item : items) {
    html += fmt::format(
        "<li style=\"display:inline-block;max-width:100%;margin:0 14px 2px 0;\"><span "
        "style=\"display:inline-block;width:11px;height:11px;background:{};border-radius:2px;"
        "margin-right:5px;vertical-align:-1px;\"></span>{} <span style=\"{}\">{}</span></li>",
        item.color, EscapeBreakable(item.name), kMuted, item.amount_html);
  }
  return html + "</ul>";
}

/// A stacked chart of the days by `groups` (namespaces or platforms), at most six series and
/// the rest as one grey "other" series, with its legend.
std::string DayChart(const model::WeeklyReport& r, const std::vector<model::GroupCost>& groups,
                     bool by_namespace, std::string_view noun, std::string_view figure_prefix) {
  StackedBarChart chart;
  chart.title =
      fmt::format("Cost per day in {}, stacked by {}", model::ToString(r.week.week), noun);
  chart.y_unit = "USD per day";
  for (const model::DayCost& d : r.days)
    chart.x_labels.push_back(model::FormatDayLabel(d.day.date));
  const std::size_t shown = groups.size() <= kPalette.size() ? groups.size() : kPalette.size() - 1;
  std::vector<Legend> legend;
  for (std::size_t g = 0; g < shown; ++g) {
    ChartSeries s{groups[g].name.empty() ? "(none)" : groups[g].name, std::string(kPalette[g]), {}};
    for (const model::DayCost& d : r.days) {
      s.nanos.push_back((by_namespace ? d.by_namespace : d.by_platform)[g].nanos());
    }
    legend.push_back({s.name, s.color,
                      Figure(fmt::format("{}:{}", figure_prefix, groups[g].name),
                             FormatDollars(groups[g].cost))});
    chart.series.push_back(std::move(s));
  }
  if (shown < groups.size()) {
    ChartSeries other{
        fmt::format("{} other {}", groups.size() - shown, noun), std::string(kOtherColor), {}};
    Money other_total;
    for (const model::DayCost& d : r.days) {
      Money sum;
      for (std::size_t g = shown; g < groups.size(); ++g) {
        sum += (by_namespace ? d.by_namespace : d.by_platform)[g];
      }
      other.nanos.push_back(sum.nanos());
      other_total += sum;
    }
    legend.push_back({other.name, other.color, Escape(FormatDollars(other_total))});
    chart.series.push_back(std::move(other));
  }
  return fmt::format(
      "<figure style=\"margin:0 0 16px;\"><figcaption style=\"{}\">By {}"
      "</figcaption>{}{}</figure>",
      kH3, noun, RenderStackedBars(chart), LegendHtml(legend));
}

std::string Days(const model::WeeklyReport& r) {
  std::string body = DayChart(r, r.namespaces, true, "namespace", "namespace_cost");
  body += DayChart(r, r.platforms, false, "platform", "platform_cost");
  std::string rows;
  for (const model::DayCost& d : r.days) {
    const auto hours = d.day.window.length().count() / 3600;
    rows += fmt::format(
        "<tr>{}{}</tr>",
        Td(fmt::format("{}{}", Escape(model::FormatDayLabel(d.day.date)),
                       hours == 24
                           ? std::string()
                           : fmt::format(" <span style=\"{}\">({} h)</span>", kMuted, hours))),
        TdNum(Figure(fmt::format("day_cost:{}", model::FormatDate(d.day.date)),
                     FormatDollars(d.total))));
  }
  rows += fmt::format(R"(<tr><td style="{}">Week</td><td style="{}">{}</td></tr>)", kTdTotal,
                      kTdTotalNum, Escape(FormatDollars(r.total)));
  body += fmt::format(
      "<table style=\"{}\"><caption style=\"{}\">Days are local days in {}.</caption><thead><tr>"
      "{}{}</tr></thead><tbody>{}</tbody></table>",
      kTable, kCaption, Escape(r.zone_name), Th("Day"), Th("Cost", true), rows);
  return Section("Cost by day", body);
}

std::string Changes(const model::WeeklyReport& r) {
  std::string rows;
  for (const model::CostChange& c : r.biggest_changes) {
    std::string what;
    if (c.kind == model::CostChange::Kind::kWorkload) {
      what = fmt::format("{}<span style=\"{}\">{} \u00b7 {}</span>", EscapeBreakable(c.workload),
                         kSub, EscapeBreakable(c.namespace_name), Escape(c.platform));
    } else {
      what = fmt::format("Namespace {}<span style=\"{}\">all its workloads together</span>",
                         EscapeBreakable(c.namespace_name), kSub);
    }
    what += fmt::format("<span style=\"{}\">{} \u2192 {}</span>", kSub,
                        Escape(FormatDollars(c.previous_cost)), Escape(FormatDollars(c.cost)));
    rows += fmt::format("<tr>{}{}</tr>", Td(what), TdNum(ChangeHtml(c.change)));
  }
  return Section("Biggest changes",
                 fmt::format("<table style=\"{}\"><caption style=\"{}\">Week before \u2192 this "
                             "week.</caption><thead><tr>{}{}</tr></thead><tbody>{}</tbody></table>",
                             kTable, kCaption, Th("Workload"), Th("Change", true), rows));
}

std::string TopWorkloads(const model::WeeklyReport& r) {
  std::string rows;
  auto row = [&](const model::WorkloadLine& w) {
    return fmt::format("<tr>{}{}{}</tr>", Td(WorkloadCell(w)),
                       TdNum(Figure(WorkloadFigure(w), FormatDollars(w.cost))),
                       TdNum(ChangeHtml(w.change)));
  };
  for (const model::WorkloadLine& w : r.TopWorkloads()) rows += row(w);
  if (r.others) rows += row(*r.others);
  rows += fmt::format(
      "<tr><td style=\"{}\">All workloads</td><td style=\"{}\">{}</td>"
      "<td style=\"{}\">{}</td></tr>",
      kTdTotal, kTdTotalNum, Escape(FormatDollars(r.total)), kTdTotalNum,
      r.change ? Escape(model::FormatSignedDollars(*r.change)) : "n/a");
  std::string body =
      fmt::format("<table style=\"{}\"><thead><tr>{}{}{}</tr></thead><tbody>{}</tbody></table>",
                  kTable, Th("Workload"), Th("Cost", true), Th("Change", true), rows);

  // Efficiency of the same workloads, in a table of its own so that each fits a phone.
  std::string eff_rows;
  auto eff = [&](const model::WorkloadLine& w) {
    return fmt::format(
        "<tr>{}{}{}{}{}{}</tr>", Td(WorkloadCell(w)),
        TdNumTight(Escape(model::FormatRatio(w.cpu_efficiency))),
        TdNumTight(Escape(model::FormatRatio(w.ram_efficiency))),
        TdNumTight(Escape(model::FormatRatio(w.gpu_efficiency))),
        TdNumTight(w.gpu_hours > 0 ? Escape(model::FormatHours(w.gpu_hours)) : "\u2013"),
        TdNumTight(Escape(model::FormatRatio(w.spot_share))));
  };
  for (const model::WorkloadLine& w : r.TopWorkloads()) eff_rows += eff(w);
  // Six columns must fit a phone: smaller text and padding than the other tables.
  if (r.others) eff_rows += eff(*r.others);
  body += fmt::format(
      "<h3 style=\"{}\">Efficiency and capacity</h3><table style=\"{}font-size:13px;\"><caption "
      "style=\"{}\">"
      "CPU, RAM: usage \u00f7 request over the week (n/a: nothing requested). GPU: busy time "
      "\u00f7 requested GPU time. GPU-h: requested GPU-hours. Spot: share of the cost on spot "
      "nodes.</caption><thead><tr>{}{}{}{}{}{}</tr></thead><tbody>{}</tbody></table>",
      kH3, kTable, kCaption, Th("Workload"), Th("CPU", true), Th("RAM", true), Th("GPU", true),
      Th("GPU-h", true), Th("Spot", true), eff_rows);
  return Section("Top workloads", body);
}

std::string Rightsizing(const model::WeeklyReport& r) {
  std::string rows;
  auto resource = [](std::string_view name, const std::optional<model::ResourceRecommendation>& rec,
                     bool cpu) {
    if (!rec) return std::string();
    auto text = [&](std::int64_t v) {
      return Escape(cpu ? model::FormatMillicores(v) : model::FormatBytes(v));
    };
    if (rec->recommended == rec->current_request) {
      return fmt::format("<span style=\"display:block;\">{} {} (keep)</span>", name,
                         text(rec->current_request));
    }
    return fmt::format("<span style=\"display:block;\">{} {} \u2192 <strong>{}</strong></span>",
                       name, text(rec->current_request), text(rec->recommended));
  };
  for (const model::RecommendationLine& l : r.rightsizing.top) {
    // Signed like the changes above: less spend is negative (green), more is positive (red).
    std::string effect;
    if (l.weekly_saving > Money{}) {
      effect = fmt::format("<span style=\"{}\">\u2212{}</span>", kDown,
                           Escape(FormatDollars(l.weekly_saving)));
    }
    if (l.weekly_extra_cost > Money{}) {
      if (!effect.empty()) effect += "<br>";
      effect += fmt::format("<span style=\"{}\">+{}</span>", kUp,
                            Escape(FormatDollars(l.weekly_extra_cost)));
    }
    if (effect.empty()) effect = "\u2013";
    rows += fmt::format(
        "<tr>{}{}{}</tr>",
        Td(fmt::format("{}<span style=\"{}\">{} \u00b7 {}</span>", EscapeBreakable(l.container),
                       kSub, EscapeBreakable(l.workload), EscapeBreakable(l.namespace_name))),
        Td(resource("CPU", l.cpu, true) + resource("Memory", l.memory, false)), TdNum(effect));
  }
  std::string more;
  if (r.rightsizing.other_count > 0) {
    more = fmt::format("<p style=\"{}{}\">{} more recommendation{} would save {}.</p>", kP, kMuted,
                       r.rightsizing.other_count, r.rightsizing.other_count == 1 ? "" : "s",
                       Escape(FormatDollars(r.rightsizing.other_saving)));
  }
  return Section(
      "Right-sizing requests",
      fmt::format(
          "<table style=\"{}\"><caption style=\"{}\">Requests per replica set to the week's p{} "
          "usage plus {}% (never below recent peaks). Per week: what the change saves (\u2212) or "
          "costs (+) over the hours each container ran; a request that goes up stops throttling "
          "or eviction.</caption><thead><tr>{}{}{}</tr></thead><tbody>{}</tbody></table>{}",
          kTable, kCaption, r.rightsizing.percentile, r.rightsizing.headroom_percent,
          Th("Container"), Th("Request now \u2192 recommended"), Th("Per week", true), rows, more));
}

std::string Queries(const model::WeeklyReport& r) {
  std::string body;
  for (const model::WorkgroupQueries& g : r.queries.workgroups) {
    body += fmt::format(
        "<h3 style=\"{}\">Workgroup {} <span style=\"font-weight:normal;{}\">\u00b7 {} \u00b7 "
        "{} quer{} \u00b7 {} scanned</span></h3>",
        kH3, EscapeBreakable(g.work_group), kMuted,
        Figure(fmt::format("workgroup_cost:{}", g.work_group), FormatDollars(g.cost)),
        g.query_count, g.query_count == 1 ? "y" : "ies",
        Escape(model::FormatBytes(g.data_scanned_bytes)));
    std::string rows;
    for (const model::QueryLine& q : g.top) {
      const std::string when = model::FormatTimestamp(q.submitted);
      rows += fmt::format(
          "<tr>{}{}{}</tr>",
          Td(fmt::format(
              "<code style=\"{}\">{}{}</code><span style=\"{}\">{} \u00b7 {} \u00b7 "
              "{} UTC{}</span>",
              kCode, EscapeBreakable(q.query, 24), q.query_truncated ? "\u2026" : "", kSub,
              Escape(q.query_execution_id), Escape(q.state),
              Escape(when.substr(0, 10) + " " + when.substr(11, 5)),
              q.who_ran.empty() ? std::string() : " \u00b7 run by " + Escape(q.who_ran))),
          TdNum(Escape(model::FormatBytes(q.data_scanned_bytes))),
          TdNum(Escape(FormatDollars(q.cost))));
    }
    if (g.other_count > 0) {
      rows += fmt::format(
          "<tr>{}{}{}</tr>",
          Td(fmt::format("{} more quer{}", g.other_count, g.other_count == 1 ? "y" : "ies")),
          TdNum(""), TdNum(Escape(FormatDollars(g.other_cost))));
    }
    body +=
        fmt::format("<table style=\"{}\"><thead><tr>{}{}{}</tr></thead><tbody>{}</tbody></table>",
                    kTable, Th("Query"), Th("Scanned", true), Th("Cost", true), rows);
  }
  body += fmt::format(
      "<p style=\"{}font-size:12px;{}\">Athena bills $ per TB scanned (10 MB minimum); failed "
      "queries are free. Athena's query history does not record who ran a query.</p>",
      kP, kMuted);
  return Section("Athena queries", body);
}

std::string Spot(const model::WeeklyReport& r) {
  std::string rows;
  for (const model::SpotSavingLine& s : r.spot.by_instance_type) {
    rows += fmt::format("<tr>{}{}{}{}</tr>", Td(Escape(s.instance_type)),
                        TdNum(Escape(FormatDollars(s.team_spot_cost))),
                        TdNum(s.on_demand_cost ? Escape(FormatDollars(*s.on_demand_cost)) : "n/a"),
                        TdNum(s.saving ? Escape(FormatDollars(*s.saving)) : "n/a"));
  }
  rows += fmt::format(
      "<tr><td style=\"{}\">All</td><td style=\"{}\">{}</td><td style=\"{}\"></td>"
      "<td style=\"{}\">{}</td></tr>",
      kTdTotal, kTdTotalNum, Escape(FormatDollars(r.spot.team_spot_cost)), kTdTotalNum, kTdTotalNum,
      Escape(FormatDollars(r.spot.saving)));
  return Section(
      "Spot savings",
      fmt::format("<table style=\"{}\"><caption style=\"{}\">What the same node time would have "
                  "cost at on-demand list prices{}.</caption><thead><tr>{}{}{}{}</tr></thead>"
                  "<tbody>{}</tbody></table>",
                  kTable, kCaption,
                  r.spot.unpriced_spot_cost > Money{}
                      ? fmt::format("; n/a: no on-demand price known ({} of spot cost)",
                                    Escape(FormatDollars(r.spot.unpriced_spot_cost)))
                      : std::string(),
                  Th("Instance type"), Th("On spot", true), Th("On demand", true),
                  Th("Saved", true), rows));
}

std::string Idle(const model::WeeklyReport& r) {
  std::string clusters;
  for (const std::string& c : r.idle.clusters) {
    if (!clusters.empty()) clusters += ", ";
    clusters += Escape(c);
  }
  std::string text = fmt::format("Unused capacity on the nodes of {} cost {}, {} of their {}.",
                                 clusters, Escape(FormatDollars(r.idle.cluster_idle)),
                                 Escape(model::FormatRatio(r.idle.cluster_idle_share)),
                                 Escape(FormatDollars(r.idle.cluster_total)));
  if (r.idle.sharing == model::IdleSharing::kSeparate) {
    text += " It is kept apart and is not in the team's costs.";
  } else {
    text +=
        fmt::format(" The team's share, {} ({} of its workload cost), is included in its costs.",
                    Escape(FormatDollars(r.idle.team_shared_idle)),
                    Escape(model::FormatRatio(r.idle.team_idle_share)));
  }
  return Section("Idle capacity", fmt::format("<p style=\"{}\">{}</p>", kP, text));
}

std::string QuotaBar(double ratio) {
  const double width = std::clamp(ratio, 0.0, 1.0) * 100;
  constexpr std::string_view kOver = "#b42318";
  constexpr std::string_view kNear = "#b54708";
  constexpr std::string_view kUnder = "#0072B2";
  const std::string_view color = ratio >= 1 ? kOver : (ratio >= 0.8 ? kNear : kUnder);
  return fmt::format(
      "<span style=\"display:block;height:6px;background:#e5e7eb;border-radius:3px;margin-top:4px;"
      "\"><span style=\"display:block;height:6px;width:{:.1f}%;background:{};border-radius:3px;"
      "\"></span></span>",
      width, color);
}

std::string Quotas(const model::WeeklyReport& r) {
  std::string rows;
  for (const model::QuotaLine& q : r.quotas) {
    const model::QuotaStatus& s = q.status;
    rows += fmt::format(
        "<tr>{}{}{}</tr>",
        Td(fmt::format(
            "{}<span style=\"{}\">{} \u00b7 {} \u00b7 {}</span>", Escape(q.name), kSub,
            Escape(q.scope), Escape(model::PeriodAdjective(q.period)),
            q.action == model::QuotaAction::kDeny ? "blocks new pods at the limit" : "alerts")),
        TdNum(fmt::format("{}<span style=\"{}\">of {}</span>",
                          Figure(fmt::format("quota_spent:{}", q.name),
                                 model::FormatQuotaAmount(s.unit, s.spent)),
                          kSub, Escape(model::FormatQuotaAmount(s.unit, s.limit)))),
        TdNum(fmt::format("<span style=\"{}\">{}</span>{}",
                          s.LimitReached() ? kUp : std::string_view("color:#1f2328;"),
                          Escape(model::FormatRatio(s.ratio)), QuotaBar(s.ratio))));
  }
  return Section(
      "Quotas",
      fmt::format(
          "<table style=\"{}\"><caption style=\"{}\">Status at {}; each quota in "
          "its own period.</caption><thead><tr>{}{}{}</tr></thead><tbody>{}</tbody></table>",
          kTable, kCaption, Escape(model::FormatStatusTime(r.week, r.quotas.front().status.at)),
          Th("Quota"), Th("Spent", true), Th("Used", true), rows));
}

std::string Storage(const model::WeeklyReport& r) {
  if (!r.storage.costed) {
    return Section("Storage",
                   fmt::format("<p style=\"{}{}\">Storage costs are not available yet: persistent "
                               "volumes will be listed here once storage costing is enabled.</p>",
                               kP, kMuted));
  }
  if (r.storage.by_class.empty()) {
    return Section("Storage", fmt::format("<p style=\"{}{}\">No persistent volumes this week.</p>",
                                          kP, kMuted));
  }
  std::string rows;
  for (const model::StorageCostInput& v : r.storage.top_volumes) {
    rows += fmt::format(
        "<tr>{}{}{}{}</tr>",
        // The claim first: people create claims by name; the volume's name is generated.
        Td(v.claim.empty()
               ? fmt::format("{}<span style=\"{}\">{}</span>", EscapeBreakable(v.volume), kSub,
                             EscapeBreakable(v.namespace_name))
               : fmt::format("{}<span style=\"{}\">{} \u00b7 {}</span>", EscapeBreakable(v.claim),
                             kSub, EscapeBreakable(v.namespace_name), EscapeBreakable(v.volume))),
        Td(Escape(v.storage_class)), TdNum(Escape(model::FormatBytes(v.size_bytes))),
        TdNum(Escape(FormatDollars(v.cost))));
  }
  if (r.storage.other_count > 0) {
    rows += fmt::format("<tr>{}{}{}{}</tr>", Td(fmt::format("{} more", r.storage.other_count)),
                        Td(""), TdNum(""), TdNum(Escape(FormatDollars(r.storage.other_cost))));
  }
  std::string classes;
  for (const model::StorageClassCost& c : r.storage.by_class) {
    if (!classes.empty()) classes += " \u00b7 ";
    classes += fmt::format("{} {}", Escape(c.storage_class), Escape(FormatDollars(c.cost)));
  }
  return Section(
      "Storage",
      fmt::format("<table style=\"{}\"><caption style=\"{}\">By class: {}</caption><thead><tr>"
                  "{}{}{}{}</tr></thead><tbody>{}</tbody></table>",
                  kTable, kCaption, classes, Th("Claim"), Th("Class"), Th("Size", true),
                  Th("Cost", true), rows));
}

std::string Footer(const model::WeeklyReport& r) {
  return fmt::format(
      "<footer style=\"margin-top:30px;padding-top:10px;border-top:1px solid #d1d5db;"
      "font-size:12px;{}\"><p style=\"margin:4px 0;\">Costs are exact to the nano-dollar and "
      "shown rounded to the cent; they match costledger's /v1/allocation and /v1/queries for "
      "{} to {} (UTC). The CSV attachment has every workload with all figures.</p>"
      "<p style=\"margin:4px 0;\">Generated by costledger.</p></footer>",
      kMuted, Escape(model::FormatTimestamp(r.week.window.start)),
      Escape(model::FormatTimestamp(r.week.window.end)));
}

}  // namespace

std::string RenderHtml(const model::WeeklyReport& r, const HtmlOptions& options) {
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"color-scheme\" content=\"light\">"
      "<title>Weekly cost report: team {}, {}</title></head>"
      "<body style=\"{}\"><main style=\"{}\">",
      Escape(r.team), Escape(model::ToString(r.week.week)), kBody, kPage);
  html += Header(r, options);
  html += fmt::format("<p style=\"margin:16px 0 0;font-size:15px;\">{}</p>", Escape(r.summary));
  html += KeyFigures(r);
  if (r.total > Money{}) html += Days(r);
  if (!r.biggest_changes.empty()) html += Changes(r);
  if (!r.workloads.empty()) html += TopWorkloads(r);
  if (!r.rightsizing.top.empty()) html += Rightsizing(r);
  if (r.queries.query_count > 0) html += Queries(r);
  if (!r.spot.by_instance_type.empty()) html += Spot(r);
  if (!r.idle.clusters.empty()) html += Idle(r);
  if (!r.quotas.empty()) html += Quotas(r);
  if (r.HasSpend()) html += Storage(r);
  html += Footer(r);
  html += "</main></body></html>\n";
  return html;
}

}  // namespace costledger::reports
