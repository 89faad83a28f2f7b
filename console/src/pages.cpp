#include <fmt/core.h>

#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "costledger/api/allocation_read.hpp"
#include "costledger/markup/svg_chart.hpp"
#include "costledger/model/allocation_set.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/quota_text.hpp"
#include "costledger/model/report_text.hpp"
#include "costledger/model/spot_savings.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/model/window.hpp"
#include "costledger/quotas/quota_board.hpp"
#include "figures.hpp"

namespace costledger::console {
namespace {

using model::AllocationSet;
using model::FormatDollars;
using model::Money;
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr std::size_t kTopRows = 25;
constexpr std::size_t kChartGroups = 6;
constexpr double kSecondsPerHour = 3600;

std::string Quoted(std::string_view property, std::string_view value) {
  return fmt::format("{}:\"{}\"", property, value);
}

/// One allocation read, as the API call `Link()` would make it.
struct AllocationCall {
  std::string window;
  std::string aggregate;
  std::string filter;  ///< OpenCost v2 filter, "" for none
  bool accumulate = true;
  std::string step;  ///< when not accumulating
  /// Keep the cluster's idle as __idle__ (the API's default). Pages of a team, namespace,
  /// workload or pod leave it out: the cluster's idle is nobody's in particular.
  bool idle = true;

  std::string Link() const {
    std::string out = fmt::format("/v1/allocation?window={}&aggregate={}", UrlEncode(window),
                                  UrlEncode(aggregate));
    out += accumulate ? "&accumulate=true" : "&step=" + step;
    if (!filter.empty()) out += "&filter=" + UrlEncode(filter);
    if (!idle) out += "&idle=false";
    return out;
  }
  std::multimap<std::string, std::string> Query() const {
    std::multimap<std::string, std::string> q{{"window", window}, {"aggregate", aggregate}};
    if (accumulate) {
      q.emplace("accumulate", "true");
    } else {
      q.emplace("step", step);
    }
    if (!filter.empty()) q.emplace("filter", filter);
    if (!idle) q.emplace("idle", "false");
    return q;
  }
  std::vector<AllocationSet> Read(const PageContext& ctx) const {
    return api::ReadAllocationSets(ctx.readers.allocations,
                                   model::ParseAllocationRequest(Query(), ctx.now), ctx.who.scope);
  }
};

Cell Dollars(Money m, std::optional<FigureSource> source = std::nullopt) {
  Cell c;
  c.text = FormatDollars(m);
  c.source = std::move(source);
  c.title = m.ToDecimalString() + " USD";
  return c;
}

Cell Text(std::string text, std::string href = "") {
  Cell c;
  c.text = std::move(text);
  c.href = std::move(href);
  return c;
}

/// "2026-12-03 18:19" (UTC): short enough not to wrap in a table cell.
std::string ShortTime(sys_seconds t) {
  std::string text = model::FormatTimestamp(t);  // 2026-12-03T18:19:39Z
  text[10] = ' ';
  return text.substr(0, 16);
}

std::string Percent(std::optional<double> ratio) { return model::FormatRatio(ratio, 0); }

std::string Hours(double seconds) { return model::FormatHours(seconds / kSecondsPerHour); }

std::string PropertyOf(const model::Allocation& a, const std::string& property) {
  const auto it = a.properties.find(property);
  return it == a.properties.end() ? std::string() : it->second;
}

/// Cost per day of the last 7 UTC days, today included: what every page's chart shows (a
/// multi-step read at the workload level over a whole month takes the store far longer).
AllocationCall LastSevenDays(const PageContext& ctx, std::string aggregate, std::string filter,
                             bool idle) {
  const sys_seconds today = model::ParseWindow("today", ctx.now).start;
  return {fmt::format("{},{}", (today - days(6)).time_since_epoch().count(),
                      ctx.now.time_since_epoch().count()),
          std::move(aggregate),
          std::move(filter),
          false,
          "1d",
          idle};
}

std::string Param(const PageContext& ctx, std::string_view name) {
  return ctx.request.Query(name).value_or("");
}

std::string RequiredParam(const PageContext& ctx, std::string_view name) {
  std::string v = Param(ctx, name);
  if (v.empty()) throw InvalidInput(fmt::format("parameter '{}' is required", name));
  return v;
}

/// The page's `window` (default `fallback`), validated as the API does.
std::string WindowOf(const PageContext& ctx, std::string_view fallback) {
  std::string w = Param(ctx, "window");
  if (w.empty()) w = fallback;
  (void)model::ParseWindow(w, ctx.now);
  return w;
}

std::string WindowText(const PageContext& ctx, const std::string& window) {
  const model::TimeWindow w = model::ParseWindow(window, ctx.now);
  const sys_seconds end = std::min(w.end, ctx.now);
  return fmt::format("{} to {} UTC", ShortTime(w.start), ShortTime(end));
}

/// The window choices, linking to the same page with the other parameters kept.
std::vector<Link> WindowLinks(const PageContext& ctx, const std::string& current) {
  std::string base = ctx.request.path + "?";
  for (const auto& [k, v] : ctx.request.query) {
    if (k != "window") base += UrlEncode(k) + "=" + UrlEncode(v) + "&";
  }
  std::vector<Link> out;
  for (const char* w : {"today", "yesterday", "7d", "30d", "month", "lastmonth"}) {
    out.push_back({w, w == current ? "" : base + "window=" + w});
  }
  return out;
}

/// Daily cost stacked by group (the `kChartGroups - 1` largest and "other"), idle on top.
void AddDailyChart(Section& s, const std::vector<AllocationSet>& sets,
                   const std::function<std::string(const model::Allocation&)>& group_of,
                   const std::string& title) {
  std::map<std::string, Money> totals;
  for (const AllocationSet& set : sets) {
    for (const model::Allocation& a : set.allocations) {
      if (a.name != model::kIdleName) totals[group_of(a)] += a.TotalCost();
    }
  }
  std::vector<std::pair<std::string, Money>> ranked(totals.begin(), totals.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  const std::size_t shown = ranked.size() <= kChartGroups ? ranked.size() : kChartGroups - 1;
  std::map<std::string, std::size_t> index;
  markup::StackedBarChart chart;
  chart.title = title;
  chart.y_unit = "USD per day";
  for (std::size_t g = 0; g < shown; ++g) {
    index[ranked[g].first] = g;
    chart.series.push_back({ranked[g].first.empty() ? "(none)" : ranked[g].first,
                            std::string(markup::kPalette[g]),
                            {}});
  }
  const std::size_t other = chart.series.size();
  if (shown < ranked.size()) {
    chart.series.push_back(
        {fmt::format("{} others", ranked.size() - shown), std::string(markup::kOtherColor), {}});
  }
  const std::size_t idle = chart.series.size();
  chart.series.push_back({"idle", "#D1D5DB", {}});
  for (const AllocationSet& set : sets) {
    chart.x_labels.push_back(model::FormatDayLabel(std::chrono::floor<days>(set.window.start)));
    for (auto& series : chart.series) series.nanos.push_back(0);
    for (const model::Allocation& a : set.allocations) {
      std::size_t k = idle;
      if (a.name != model::kIdleName) {
        const auto it = index.find(group_of(a));
        k = it == index.end() ? other : it->second;
      }
      chart.series[k].nanos.back() += a.TotalCost().nanos();
    }
  }
  bool any_idle = false;
  for (const std::int64_t n : chart.series[idle].nanos) any_idle = any_idle || n != 0;
  if (!any_idle) chart.series.pop_back();
  s.chart_svg = markup::RenderStackedBars(chart);
  for (const auto& series : chart.series) s.legend.push_back({series.name, series.color});
}

/// Totals per allocation name over all sets, biggest first, idle last.
std::vector<std::pair<std::string, Money>> Ranked(const std::vector<AllocationSet>& sets) {
  std::map<std::string, Money> by_name;
  for (const AllocationSet& set : sets) {
    for (const model::Allocation& a : set.allocations) by_name[a.name] += a.TotalCost();
  }
  std::vector<std::pair<std::string, Money>> out(by_name.begin(), by_name.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const bool ia = a.first == model::kIdleName;
    const bool ib = b.first == model::kIdleName;
    if (ia != ib) return ib;
    return a.second > b.second;
  });
  return out;
}

Money SumAll(const std::vector<AllocationSet>& sets) {
  Money m;
  for (const AllocationSet& set : sets) {
    for (const model::Allocation& a : set.allocations) m += a.TotalCost();
  }
  return m;
}

std::string TeamHref(const std::string& team, const std::string& window) {
  if (team.empty() || team == model::kUnallocated || team == model::kIdleName) return "";
  return "/console/team?team=" + UrlEncode(team) + "&window=" + UrlEncode(window);
}

std::string NamespaceHref(const std::string& ns, const std::string& window) {
  if (ns.empty() || ns == model::kUnallocated || ns == model::kIdleName) return "";
  return "/console/namespace?namespace=" + UrlEncode(ns) + "&window=" + UrlEncode(window);
}

PageResult Forbidden(Page page, std::string message) {
  return {std::move(page), 403, std::move(message)};
}

// ---- Overview ------------------------------------------------------------------------------

PageResult Overview(const PageContext& ctx) {
  const sys_seconds today = model::ParseWindow("today", ctx.now).start;
  const sys_seconds week = model::ParseWindow("week", ctx.now).start;
  const sys_seconds month = model::ParseWindow("month", ctx.now).start;
  // Two reads at once, so that today's hours (read from the hourly rollups of every container,
  // far more rows than the daily rollups of workloads) are read once: the last 7 days by team
  // and namespace per day (today, the week to date, the chart, the forecast's rate) and the
  // month before today as one set. Month to date = the one + today's step of the other, exactly
  // what the API's window=month gives.
  const AllocationCall daily = LastSevenDays(ctx, "team,namespace", "", true);
  std::future<std::vector<AllocationSet>> before_today;
  if (month < today) {
    before_today = std::async(std::launch::async, [&] {
      return AllocationCall{
          fmt::format("{},{}", month.time_since_epoch().count(), today.time_since_epoch().count()),
          "team,namespace", "", true, ""}
          .Read(ctx);
    });
  }
  const std::vector<AllocationSet> sets = daily.Read(ctx);
  std::vector<AllocationSet> month_sets =
      before_today.valid() ? before_today.get() : std::vector<AllocationSet>{};
  for (const AllocationSet& set : sets) {
    if (set.window.start >= today) month_sets.push_back(set);
  }
  // Spot savings need the nodes (cluster-wide: unscoped logins only).
  std::vector<model::NodeAssetRow> nodes;
  if (ctx.who.scope.all_teams) nodes = ctx.readers.assets.ReadAssets(month, ctx.now);

  Money today_cost;
  Money week_cost;
  Money month_cost;
  Money idle_month;
  std::map<std::string, Money> by_team;
  std::map<std::string, Money> by_namespace;
  // For the forecast: the spend rate of the last seven days (or since the first interval).
  Money recent;
  std::optional<sys_seconds> recent_first;
  for (const AllocationSet& set : sets) {
    const sys_seconds s = set.window.start;
    for (const model::Allocation& a : set.allocations) {
      const Money c = a.TotalCost();
      if (s >= today) today_cost += c;
      if (s >= week) week_cost += c;  // the week began at most 6 days ago
      recent += c;
      if (!recent_first || a.start < *recent_first) recent_first = a.start;
    }
  }
  for (const AllocationSet& set : month_sets) {
    for (const model::Allocation& a : set.allocations) {
      const Money c = a.TotalCost();
      month_cost += c;
      if (a.name == model::kIdleName) {
        idle_month += c;
        continue;
      }
      std::string team = PropertyOf(a, "team");
      std::string ns = PropertyOf(a, "namespace");
      by_team[team.empty() ? std::string(model::kUnallocated) : team] += c;
      by_namespace[ns.empty() ? std::string(model::kUnallocated) : ns] += c;
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::floor<days>(ctx.now)};
  const sys_seconds month_end = sys_days{ymd.year() / ymd.month() / std::chrono::last} + days(1);
  Money forecast = month_cost;
  if (recent_first && ctx.now > *recent_first) {
    const double rate = static_cast<double>(recent.nanos()) /
                        static_cast<double>((ctx.now - *recent_first).count());
    forecast += Money::FromNanos(
        static_cast<std::int64_t>(rate * static_cast<double>((month_end - ctx.now).count())));
  }

  Page page;
  page.title = "Overview";
  page.active = "overview";
  page.window_text = fmt::format("{} UTC", ShortTime(ctx.now));

  Section head{"totals", "Spend", "", {}, "", {}, {}};
  auto total = [](const char* w) {
    return FigureSource{AllocationCall{w, "cluster", "", true, ""}.Link(), "*", "totalCost"};
  };
  head.cards.push_back({"Today", Dollars(today_cost, total("today")), "since 00:00 UTC"});
  head.cards.push_back({"Week to date", Dollars(week_cost, total("week")), "since Sunday"});
  head.cards.push_back({"Month to date", Dollars(month_cost, total("month")), "since the 1st"});
  Cell f = Dollars(forecast);
  f.href = daily.Link();
  f.derived = true;
  // A young installation extrapolates from what it has collected: say how little that is.
  std::string basis = "month to date + last 7 days' rate";
  if (recent_first && ctx.now - *recent_first < days(7) - std::chrono::hours(1)) {
    const auto collected = ctx.now - *recent_first;
    basis = collected < std::chrono::hours(2)
                ? fmt::format("month to date + the rate of the {} min collected so far",
                              std::chrono::duration_cast<std::chrono::minutes>(collected).count())
            : collected < std::chrono::hours(48)
                ? fmt::format("month to date + the rate of the {} h collected so far",
                              std::chrono::duration_cast<std::chrono::hours>(collected).count())
                : fmt::format("month to date + the rate of the {} days collected so far",
                              std::chrono::duration_cast<days>(collected).count());
  }
  head.cards.push_back({"Month-end forecast", f, basis});
  if (ctx.who.scope.all_teams) {
    head.cards.push_back(
        {"Idle this month",
         Dollars(idle_month, FigureSource{AllocationCall{"month", "cluster", "", true, ""}.Link(),
                                          std::string(model::kIdleName), "totalCost"}),
         "capacity nobody requested"});
    std::map<std::string, Money, std::less<>> on_demand;
    if (ctx.readers.on_demand_per_hour) {
      for (const model::NodeAssetRow& n : nodes) {
        if (n.capacity_type != model::kCapacityTypeSpot || on_demand.contains(n.instance_type)) {
          continue;
        }
        if (auto p = ctx.readers.on_demand_per_hour(n.instance_type))
          on_demand[n.instance_type] = *p;
      }
    }
    Money saved;
    for (const model::SpotNodeCost& s : model::SummarizeSpotNodes(nodes, on_demand)) {
      const Money od = model::OnDemandEquivalent(s);
      if (od > s.spot_cost) saved += od - s.spot_cost;
    }
    Cell sc = Dollars(saved);
    sc.href = "/v1/assets?window=month";
    sc.derived = true;
    head.cards.push_back(
        {"Spot savings this month", sc,
         on_demand.empty() ? "on-demand prices unknown" : "spot nodes vs on-demand list price"});
  }
  page.sections.push_back(std::move(head));

  Section chart{
      "daily", "Cost per day", "The last 7 days, stacked by team; idle on top.", {}, "", {}, {}};
  AddDailyChart(
      chart, sets, [](const model::Allocation& a) { return PropertyOf(a, "team"); },
      "Cost per day by team, last 7 days");
  page.sections.push_back(std::move(chart));

  Section teams{"by-team", "By team, month to date", "", {}, "", {}, {}};
  Table tt{"Cost by team, month to date",
           {{"Team"}, {"Cost", true}, {"Share", true}},
           {},
           "No costs this month."};
  const std::string team_api = AllocationCall{"month", "team", "", true, ""}.Link();
  std::vector<std::pair<std::string, Money>> ranked(by_team.begin(), by_team.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](auto& a, auto& b) { return a.second > b.second; });
  for (const auto& [team, cost] : ranked) {
    tt.rows.push_back(
        {Text(team, TeamHref(team, "month")),
         Dollars(cost, FigureSource{team_api, team, "totalCost"}),
         Text(Percent(month_cost.nanos() == 0
                          ? std::nullopt
                          : std::optional<double>(static_cast<double>(cost.nanos()) /
                                                  static_cast<double>(month_cost.nanos()))))});
  }
  if (ctx.who.scope.all_teams && idle_month != Money()) {
    // The rest of the cluster's cost, so that the shares add up to the month's total.
    tt.rows.push_back(
        {Text("idle (capacity nobody requested)"),
         Dollars(idle_month, FigureSource{team_api, std::string(model::kIdleName), "totalCost"}),
         Text(Percent(static_cast<double>(idle_month.nanos()) /
                      static_cast<double>(month_cost.nanos())))});
  }
  teams.tables.push_back(std::move(tt));
  page.sections.push_back(std::move(teams));

  Section namespaces{"by-namespace",
                     "By namespace, month to date",
                     fmt::format("The {} most expensive; all on the Namespaces page.", kTopRows),
                     {},
                     "",
                     {},
                     {}};
  Table nt{"Cost by namespace, month to date",
           {{"Namespace"}, {"Cost", true}},
           {},
           "No costs this month."};
  const std::string ns_api = AllocationCall{"month", "namespace", "", true, ""}.Link();
  std::vector<std::pair<std::string, Money>> ns_ranked(by_namespace.begin(), by_namespace.end());
  std::stable_sort(ns_ranked.begin(), ns_ranked.end(),
                   [](auto& a, auto& b) { return a.second > b.second; });
  for (std::size_t k = 0; k < ns_ranked.size() && k < kTopRows; ++k) {
    const auto& [ns, cost] = ns_ranked[k];
    nt.rows.push_back({Text(ns, NamespaceHref(ns, "month")),
                       Dollars(cost, FigureSource{ns_api, ns, "totalCost"})});
  }
  namespaces.tables.push_back(std::move(nt));
  page.sections.push_back(std::move(namespaces));
  return {std::move(page)};
}

// ---- Lists of teams and namespaces ---------------------------------------------------------

PageResult AggregateList(const PageContext& ctx, const std::string& property) {
  const std::string window = WindowOf(ctx, "7d");
  const AllocationCall call{window, property, "", true, ""};
  const auto sets = call.Read(ctx);
  Page page;
  const bool teams = property == "team";
  page.title = teams ? "Teams" : "Namespaces";
  page.active = teams ? "teams" : "namespaces";
  page.windows = WindowLinks(ctx, window);
  page.window_text = WindowText(ctx, window);
  Section s{"list", teams ? "Cost by team" : "Cost by namespace", "", {}, "", {}, {}};
  Table t{
      s.title,
      {{teams ? "Team" : "Namespace"}, {"Cost", true}, {"CPU", true}, {"RAM", true}, {"GPU", true}},
      {},
      "Nothing in this window."};
  std::map<std::string, const model::Allocation*> by_name;
  for (const auto& set : sets) {
    for (const auto& a : set.allocations) by_name[a.name] = &a;
  }
  for (const auto& [name, cost] : Ranked(sets)) {
    const model::Allocation& a = *by_name[name];
    const std::string href = teams ? TeamHref(name, window) : NamespaceHref(name, window);
    t.rows.push_back({Text(name, href), Dollars(cost, FigureSource{call.Link(), name, "totalCost"}),
                      Dollars(a.sums.cpu_cost, FigureSource{call.Link(), name, "cpuCost"}),
                      Dollars(a.sums.ram_cost, FigureSource{call.Link(), name, "ramCost"}),
                      Dollars(a.sums.gpu_cost, FigureSource{call.Link(), name, "gpuCost"})});
  }
  s.cards.push_back(
      {"Total", Dollars(SumAll(sets), FigureSource{call.Link(), "*", "totalCost"}), ""});
  s.tables.push_back(std::move(t));
  page.sections.push_back(std::move(s));
  return {std::move(page)};
}

// ---- Team ----------------------------------------------------------------------------------

PageResult Team(const PageContext& ctx) {
  const std::string team = RequiredParam(ctx, "team");
  const std::string window = WindowOf(ctx, "7d");
  Page page;
  page.title = "Team " + team;
  page.active = "teams";
  page.breadcrumbs = {{"Teams", "/console/teams?window=" + UrlEncode(window)}};
  if (!ctx.who.SeesTeam(team)) {
    return Forbidden(
        std::move(page),
        fmt::format("Your login does not see team {}: it is scoped to other teams.", team));
  }
  page.windows = WindowLinks(ctx, window);
  page.window_text = WindowText(ctx, window);
  const std::string filter = Quoted("team", team);
  auto queries = std::async(std::launch::async, [&] {
    const model::TimeWindow w = model::ParseWindow(window, ctx.now);
    return ctx.readers.queries.ReadQueries(w.start, w.end);
  });
  const AllocationCall by_ns{window, "namespace", filter, true, "", false};
  const AllocationCall by_workload{window, "namespace,workload", filter, true, "", false};
  const AllocationCall daily = LastSevenDays(ctx, "namespace", filter, false);
  auto chart_read = std::async(std::launch::async, [&] { return daily.Read(ctx); });
  const auto sets = by_workload.Read(ctx);
  const auto chart_sets = chart_read.get();

  std::map<std::string, Money> ns_cost;
  for (const auto& set : sets) {
    for (const auto& a : set.allocations) {
      if (a.name != model::kIdleName) ns_cost[PropertyOf(a, "namespace")] += a.TotalCost();
    }
  }
  Money query_cost;
  std::map<std::string, std::pair<std::int64_t, Money>> by_group;
  for (const model::QueryCostRow& q : queries.get()) {
    if (q.team != team) continue;
    query_cost += q.cost;
    auto& g = by_group[q.work_group];
    ++g.first;
    g.second += q.cost;
  }

  Section head{"totals", "Spend", "", {}, "", {}, {}};
  head.cards.push_back(
      {"Compute", Dollars(SumAll(sets), FigureSource{by_ns.Link(), "*", "totalCost"}), ""});
  head.cards.push_back(
      {"Athena queries",
       Dollars(query_cost,
               FigureSource{fmt::format("/v1/queries?window={}&aggregate=team", UrlEncode(window)),
                            team, "cost"}),
       fmt::format("{} workgroup{}", by_group.size(), by_group.size() == 1 ? "" : "s")});
  head.intro = "The chart shows the last 7 days.";
  AddDailyChart(
      head, chart_sets, [](const model::Allocation& a) { return PropertyOf(a, "namespace"); },
      "Cost per day by namespace, last 7 days");
  page.sections.push_back(std::move(head));

  Section ns{"namespaces", "Namespaces", "", {}, "", {}, {}};
  Table nt{"Cost by namespace", {{"Namespace"}, {"Cost", true}}, {}, "No costs in this window."};
  std::vector<std::pair<std::string, Money>> ranked(ns_cost.begin(), ns_cost.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](auto& a, auto& b) { return a.second > b.second; });
  for (const auto& [name, cost] : ranked) {
    nt.rows.push_back({Text(name, NamespaceHref(name, window)),
                       Dollars(cost, FigureSource{by_ns.Link(), name, "totalCost"})});
  }
  ns.tables.push_back(std::move(nt));
  page.sections.push_back(std::move(ns));

  Section wl{"workloads",
             "Workloads",
             "Named as each platform names them: notebook:<user>, dag:<dag>/<task>, spark:<app>, "
             "raycluster:<name>, else the controller.",
             {},
             "",
             {},
             {}};
  Table wt{"Cost by workload",
           {{"Namespace"}, {"Workload"}, {"Cost", true}},
           {},
           "No workloads in this window."};
  std::size_t n = 0;
  for (const auto& [name, cost] : Ranked(sets)) {
    if (name == model::kIdleName || n++ >= kTopRows) continue;
    const std::size_t slash = name.find('/');
    const std::string nsn = name.substr(0, slash);
    const std::string workload = slash == std::string::npos ? "" : name.substr(slash + 1);
    wt.rows.push_back(
        {Text(nsn, NamespaceHref(nsn, window)),
         Text(workload, "/console/workload?namespace=" + UrlEncode(nsn) +
                            "&workload=" + UrlEncode(workload) + "&window=" + UrlEncode(window)),
         Dollars(cost, FigureSource{by_workload.Link(), name, "totalCost"})});
  }
  wl.tables.push_back(std::move(wt));
  page.sections.push_back(std::move(wl));

  Section qs{"queries", "Athena workgroups", "", {}, "", {}, {}};
  Table qt{"Queries by workgroup",
           {{"Workgroup"}, {"Queries", true}, {"Cost", true}},
           {},
           "No queries in this window."};
  for (const auto& [group, g] : by_group) {
    qt.rows.push_back({Text(group, "/console/queries?window=" + UrlEncode(window)),
                       Text(std::to_string(g.first)), Dollars(g.second)});
  }
  qs.tables.push_back(std::move(qt));
  page.sections.push_back(std::move(qs));

  Section more{"more", "More", "", {}, "", {}, {}};
  Table links{"Related", {{"Page"}}, {}, ""};
  links.rows.push_back(
      {Text("Weekly reports of " + team, "/console/reports?team=" + UrlEncode(team))});
  links.rows.push_back(
      {Text("Efficiency of " + team + "'s workloads",
            "/console/efficiency?team=" + UrlEncode(team) + "&window=" + UrlEncode(window))});
  more.tables.push_back(std::move(links));
  page.sections.push_back(std::move(more));
  return {std::move(page)};
}

// ---- Namespace -> workload -> pod -> container ----------------------------------------------

PageResult Namespace(const PageContext& ctx) {
  const std::string ns = RequiredParam(ctx, "namespace");
  const std::string window = WindowOf(ctx, "7d");
  Page page;
  page.title = "Namespace " + ns;
  page.active = "namespaces";
  page.breadcrumbs = {{"Namespaces", "/console/namespaces?window=" + UrlEncode(window)}};
  page.windows = WindowLinks(ctx, window);
  page.window_text = WindowText(ctx, window);
  const std::string filter = Quoted("namespace", ns);
  const AllocationCall call{window, "workload", filter, true, "", false};
  const AllocationCall daily = LastSevenDays(ctx, "workload", filter, false);
  auto chart_read = std::async(std::launch::async, [&] { return daily.Read(ctx); });
  const auto sets = AllocationCall{window, "workload,team", filter, true, "", false}.Read(ctx);
  const auto chart_sets = chart_read.get();
  std::map<std::string, Money> by_workload;
  std::set<std::string> teams;
  for (const auto& set : sets) {
    for (const auto& a : set.allocations) {
      if (a.name == model::kIdleName) continue;
      by_workload[PropertyOf(a, "workload")] += a.TotalCost();
      teams.insert(PropertyOf(a, "team"));
    }
  }
  if (by_workload.empty() && !ctx.who.scope.all_teams) {
    return Forbidden(std::move(page), fmt::format("Your login sees no costs of its teams in "
                                                  "namespace {} in this window.",
                                                  ns));
  }
  Section head{"totals", "Spend", "", {}, "", {}, {}};
  head.cards.push_back(
      {"Total", Dollars(SumAll(sets), FigureSource{call.Link(), "*", "totalCost"}), ""});
  std::string team_list;
  for (const std::string& t : teams)
    team_list += (team_list.empty() ? "" : ", ") + (t.empty() ? "(none)" : t);
  head.cards.push_back({"Teams",
                        Text(team_list.empty() ? "-" : team_list,
                             teams.size() == 1 ? TeamHref(*teams.begin(), window) : ""),
                        ""});
  head.intro = "The chart shows the last 7 days.";
  AddDailyChart(
      head, chart_sets, [](const model::Allocation& a) { return PropertyOf(a, "workload"); },
      "Cost per day by workload, last 7 days");
  page.sections.push_back(std::move(head));
  Section wl{"workloads", "Workloads", "", {}, "", {}, {}};
  Table t{"Cost by workload", {{"Workload"}, {"Cost", true}}, {}, "No workloads in this window."};
  std::vector<std::pair<std::string, Money>> ranked(by_workload.begin(), by_workload.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](auto& a, auto& b) { return a.second > b.second; });
  for (const auto& [w, cost] : ranked) {
    t.rows.push_back({Text(w, "/console/workload?namespace=" + UrlEncode(ns) +
                                  "&workload=" + UrlEncode(w) + "&window=" + UrlEncode(window)),
                      Dollars(cost, FigureSource{call.Link(), w, "totalCost"})});
  }
  wl.tables.push_back(std::move(t));
  page.sections.push_back(std::move(wl));
  return {std::move(page)};
}

Table ResourceTable(const std::string& caption, const std::string& first,
                    const std::vector<AllocationSet>& sets, const AllocationCall& call,
                    const std::function<std::string(const std::string&)>& href) {
  Table t{caption,
          {{first},
           {"Cost", true},
           {"Hours", true},
           {"CPU req", true},
           {"CPU used", true},
           {"RAM req", true},
           {"RAM used", true},
           {"GPU h", true}},
          {},
          "Nothing in this window."};
  for (const auto& set : sets) {
    std::vector<const model::Allocation*> rows;
    for (const auto& a : set.allocations) rows.push_back(&a);
    std::stable_sort(rows.begin(), rows.end(),
                     [](auto* a, auto* b) { return a->TotalCost() > b->TotalCost(); });
    for (const model::Allocation* a : rows) {
      const auto& s = a->sums;
      const double secs = s.container_seconds;
      auto avg = [secs](double v) { return secs > 0 ? v / secs : 0.0; };
      t.rows.push_back(
          {Text(a->name, href(a->name)),
           Dollars(a->TotalCost(), FigureSource{call.Link(), a->name, "totalCost"}),
           Text(Hours(secs)),
           Text(model::FormatMillicores(
               static_cast<std::int64_t>(avg(s.cpu_request_millicore_seconds)))),
           Text(model::FormatMillicores(
               static_cast<std::int64_t>(avg(s.cpu_usage_millicore_seconds)))),
           Text(model::FormatBytes(static_cast<std::int64_t>(avg(s.memory_request_byte_seconds)))),
           Text(model::FormatBytes(static_cast<std::int64_t>(avg(s.memory_usage_byte_seconds)))),
           Text(Hours(s.gpu_device_seconds))});
    }
  }
  return t;
}

PageResult Workload(const PageContext& ctx) {
  const std::string ns = RequiredParam(ctx, "namespace");
  const std::string workload = RequiredParam(ctx, "workload");
  const std::string window = WindowOf(ctx, "7d");
  Page page;
  page.title = workload;
  page.active = "namespaces";
  page.breadcrumbs = {{"Namespaces", "/console/namespaces?window=" + UrlEncode(window)},
                      {ns, NamespaceHref(ns, window)}};
  page.windows = WindowLinks(ctx, window);
  page.window_text = WindowText(ctx, window);
  const AllocationCall call{
      window, "pod", Quoted("namespace", ns) + "+" + Quoted("workload", workload), true, "", false};
  auto sets = call.Read(ctx);
  for (auto& set : sets)
    std::erase_if(set.allocations, [](auto& a) { return a.name == model::kIdleName; });
  if (SumAll(sets) == Money() && !ctx.who.scope.all_teams) {
    return Forbidden(std::move(page), "Your login sees no costs of its teams in this workload.");
  }
  Section s{"pods",
            "Pods",
            "Averages over the time each pod ran; requests and usage per container summed.",
            {},
            "",
            {},
            {}};
  s.cards.push_back(
      {"Total", Dollars(SumAll(sets), FigureSource{call.Link(), "*", "totalCost"}), ""});
  s.tables.push_back(ResourceTable("Cost by pod", "Pod", sets, call, [&](const std::string& pod) {
    return "/console/pod?namespace=" + UrlEncode(ns) + "&pod=" + UrlEncode(pod) +
           "&window=" + UrlEncode(window);
  }));
  page.sections.push_back(std::move(s));
  return {std::move(page)};
}

PageResult Pod(const PageContext& ctx) {
  const std::string ns = RequiredParam(ctx, "namespace");
  const std::string pod = RequiredParam(ctx, "pod");
  const std::string window = WindowOf(ctx, "7d");
  Page page;
  page.title = "Pod " + pod;
  page.active = "namespaces";
  page.breadcrumbs = {{"Namespaces", "/console/namespaces?window=" + UrlEncode(window)},
                      {ns, NamespaceHref(ns, window)}};
  page.windows = WindowLinks(ctx, window);
  page.window_text = WindowText(ctx, window);
  const AllocationCall call{window, "container", Quoted("namespace", ns) + "+" + Quoted("pod", pod),
                            true,   "",          false};
  auto sets = call.Read(ctx);
  for (auto& set : sets)
    std::erase_if(set.allocations, [](auto& a) { return a.name == model::kIdleName; });
  if (SumAll(sets) == Money() && !ctx.who.scope.all_teams) {
    return Forbidden(std::move(page), "Your login sees no costs of its teams in this pod.");
  }
  Section s{"containers", "Containers", "", {}, "", {}, {}};
  s.cards.push_back(
      {"Total", Dollars(SumAll(sets), FigureSource{call.Link(), "*", "totalCost"}), ""});
  s.tables.push_back(ResourceTable("Cost by container", "Container", sets, call,
                                   [](const std::string&) { return std::string(); }));
  page.sections.push_back(std::move(s));
  return {std::move(page)};
}

// ---- Nodes and offerings -------------------------------------------------------------------

PageResult Nodes(const PageContext& ctx) {
  const std::string window = WindowOf(ctx, "7d");
  Page page;
  page.title = "Nodes and offerings";
  page.active = "nodes";
  if (!ctx.who.scope.all_teams) {
    return Forbidden(std::move(page),
                     "Nodes are shared by every team: they need an unscoped login.");
  }
  page.windows = WindowLinks(ctx, window);
  page.window_text = WindowText(ctx, window);
  const model::TimeWindow w = model::ParseWindow(window, ctx.now);
  auto feed = std::async(std::launch::async, [&] {
    return api::ReadOfferingFeed(ctx.readers.efficiency, w, ctx.efficiency);
  });
  const auto nodes = ctx.readers.assets.ReadAssets(w.start, w.end);
  const std::string assets_api = "/v1/assets?window=" + UrlEncode(window);
  const std::string feed_api = "/v1/efficiency?window=" + UrlEncode(window) + "&by=offering";

  Money total;
  Money idle;
  for (const auto& n : nodes) {
    total += n.cost;
    idle += n.idle_cpu + n.idle_ram + n.idle_gpu;
  }
  Section head{"totals", "Nodes", "", {}, "", {}, {}};
  head.cards.push_back({"Node cost", Dollars(total, FigureSource{assets_api, "*", "totalCost"}),
                        fmt::format("{} nodes", nodes.size())});
  head.cards.push_back(
      {"Idle", Dollars(idle, FigureSource{assets_api, "*", "idleCost"}),
       Percent(total.nanos() == 0 ? std::nullopt
                                  : std::optional<double>(static_cast<double>(idle.nanos()) /
                                                          static_cast<double>(total.nanos()))) +
           " of node cost"});
  Table nt{"Nodes",
           {{"Node"},
            {"Type"},
            {"Capacity"},
            {"Zone"},
            {"Hours", true},
            {"$/h", true},
            {"Cost", true},
            {"Idle", true}},
           {},
           "No nodes in this window."};
  std::vector<const model::NodeAssetRow*> sorted;
  sorted.reserve(nodes.size());
  for (const auto& n : nodes) sorted.push_back(&n);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](auto* a, auto* b) { return a->cost > b->cost; });
  for (const auto* n : sorted) {
    const std::string key = n->cluster + "/" + n->node;
    nt.rows.push_back({Text(n->node), Text(n->instance_type), Text(n->capacity_type), Text(n->zone),
                       Text(Hours(n->seconds)),
                       Dollars(n->max_price_per_hour, FigureSource{assets_api, key, "hourlyPrice"}),
                       Dollars(n->cost, FigureSource{assets_api, key, "totalCost"}),
                       Dollars(n->idle_cpu + n->idle_ram + n->idle_gpu,
                               FigureSource{assets_api, key, "idleCost"})});
  }
  head.tables.push_back(std::move(nt));
  page.sections.push_back(std::move(head));

  Section off{"offerings",
              "Offerings",
              "Instance type x capacity type x zone x node group: price, utilisation (usage / "
              "capacity) and what a used unit really costs.",
              {},
              "",
              {},
              {}};
  Table ot{"Offerings",
           {{"Type"},
            {"Capacity"},
            {"Zone"},
            {"Group"},
            {"Node h", true},
            {"$/h", true},
            {"Cost", true},
            {"CPU util", true},
            {"RAM util", true},
            {"GPU util", true},
            {"$/used vCPU-h", true},
            {"Interrupt./node-h", true}},
           {},
           "No offerings in this window."};
  for (const model::OfferingFeed& f : feed.get()) {
    const auto& e = f.efficiency;
    Cell per_vcpu = e.effective_cost_per_used_vcpu_hour
                        ? Dollars(*e.effective_cost_per_used_vcpu_hour)
                        : Text("-");
    per_vcpu.href = feed_api;
    per_vcpu.derived = true;
    ot.rows.push_back(
        {Text(e.offering.instance_type),
         Text(e.offering.capacity_type == model::CapacityType::kSpot ? "spot" : "on-demand"),
         Text(e.offering.zone), Text(e.offering.node_group.empty() ? "-" : e.offering.node_group),
         Text(fmt::format("{:.1f}", e.NodeHours())),
         Dollars(Money::FromNanos(e.latest_hourly_price.per_hour.nanos())), Dollars(e.cost),
         Text(Percent(e.cpu_utilization)), Text(Percent(e.ram_utilization)),
         Text(Percent(e.gpu_utilization)), per_vcpu,
         Text(fmt::format("{:.3f}", f.adjusted.interruptions_per_node_hour.value_or(0)))});
  }
  off.tables.push_back(std::move(ot));
  page.sections.push_back(std::move(off));
  return {std::move(page)};
}

// ---- Storage -------------------------------------------------------------------------------

PageResult Storage(const PageContext& ctx) {
  const std::string window = WindowOf(ctx, "7d");
  Page page;
  page.title = "Storage";
  page.active = "storage";
  if (!ctx.who.scope.all_teams) {
    return Forbidden(std::move(page),
                     "Volumes are listed with the cluster's assets: they need an unscoped login. "
                     "Your teams' share of them is in their costs.");
  }
  page.windows = WindowLinks(ctx, window);
  page.window_text = WindowText(ctx, window);
  const model::TimeWindow w = model::ParseWindow(window, ctx.now);
  auto volumes = ctx.readers.assets.ReadVolumeAssets(w.start, w.end);
  std::stable_sort(volumes.begin(), volumes.end(),
                   [](const auto& a, const auto& b) { return a.cost > b.cost; });
  const std::string api = "/v1/assets?window=" + UrlEncode(window);
  Money total;
  double byte_seconds = 0;
  for (const auto& v : volumes) {
    total += v.cost;
    byte_seconds += v.byte_seconds;
  }
  Section s{"volumes",
            "Persistent volumes",
            "Priced by size x price per GiB-month; each interval's cost goes to the pods that "
            "mount the claim, else to __unmounted__ (in the allocations).",
            {},
            "",
            {},
            {}};
  s.cards.push_back({"Storage cost", Dollars(total), fmt::format("{} volumes", volumes.size())});
  s.cards.back().value.href = api;
  s.cards.back().value.derived = true;
  s.cards.push_back({"Average size",
                     Text(model::FormatBytes(static_cast<std::int64_t>(
                         byte_seconds / static_cast<double>(std::max<std::int64_t>(
                                            1, (std::min(w.end, ctx.now) - w.start).count()))))),
                     "GiB held over the window"});
  Table t{"Volumes",
          {{"Volume"},
           {"Claim"},
           {"Type"},
           {"Size", true},
           {"$/GiB-month", true},
           {"Hours", true},
           {"Cost", true}},
          {},
          "No persistent volumes in this window."};
  for (std::size_t k = 0; k < volumes.size() && k < 100; ++k) {
    const auto& v = volumes[k];
    const std::string key = v.cluster + "/" + v.volume;
    t.rows.push_back({Text(v.volume),
                      Text(v.claim.empty() ? "-" : v.claim_namespace + "/" + v.claim,
                           NamespaceHref(v.claim_namespace, window)),
                      Text(v.price_key.empty() ? v.storage_class : v.price_key),
                      Text(model::FormatBytes(v.size_bytes)), Dollars(v.per_gib_month),
                      Text(Hours(v.seconds)),
                      Dollars(v.cost, FigureSource{api, key, "totalCost"})});
  }
  s.tables.push_back(std::move(t));
  page.sections.push_back(std::move(s));
  return {std::move(page)};
}

// ---- Athena --------------------------------------------------------------------------------

PageResult Queries(const PageContext& ctx) {
  const std::string window = WindowOf(ctx, "7d");
  Page page;
  page.title = "Athena workgroups and queries";
  page.active = "queries";
  page.windows = WindowLinks(ctx, window);
  page.window_text = WindowText(ctx, window);
  const model::TimeWindow w = model::ParseWindow(window, ctx.now);
  const std::string api = "/v1/queries?window=" + UrlEncode(window) + "&aggregate=workgroup";
  struct Group {
    std::int64_t queries = 0;
    std::int64_t bytes = 0;
    Money cost;
    std::string team;
  };
  std::map<std::string, Group> groups;
  std::vector<model::QueryCostRow> top;
  Money total;
  for (model::QueryCostRow& q : ctx.readers.queries.ReadQueries(w.start, w.end)) {
    if (!ctx.who.SeesTeam(q.team)) continue;
    Group& g = groups[q.work_group];
    ++g.queries;
    g.bytes += q.data_scanned_bytes;
    g.cost += q.cost;
    g.team = q.team;
    total += q.cost;
    if (top.size() < kTopRows) top.push_back(std::move(q));  // rows come most expensive first
  }
  Section s{"workgroups", "Workgroups", "", {}, "", {}, {}};
  s.cards.push_back({"Query cost", Dollars(total, FigureSource{api, "*", "cost"}), ""});
  Table t{"Cost by workgroup",
          {{"Workgroup"}, {"Team"}, {"Queries", true}, {"Scanned", true}, {"Cost", true}},
          {},
          "No queries in this window."};
  std::vector<std::pair<std::string, Group>> by_cost(groups.begin(), groups.end());
  std::stable_sort(by_cost.begin(), by_cost.end(),
                   [](const auto& a, const auto& b) { return a.second.cost > b.second.cost; });
  for (const auto& [name, g] : by_cost) {
    Cell count = Text(std::to_string(g.queries));
    count.source = FigureSource{api, name, "queries"};
    t.rows.push_back(
        {Text(name), Text(g.team.empty() ? "(no team)" : g.team, TeamHref(g.team, window)), count,
         Text(model::FormatBytes(g.bytes)), Dollars(g.cost, FigureSource{api, name, "cost"})});
  }
  s.tables.push_back(std::move(t));
  page.sections.push_back(std::move(s));
  Section q{"top", "Most expensive queries", "", {}, "", {}, {}};
  Table qt{"Top queries",
           {{"Query"}, {"Workgroup"}, {"State"}, {"Submitted"}, {"Scanned", true}, {"Cost", true}},
           {},
           "No queries in this window."};
  for (const auto& r : top) {
    qt.rows.push_back({Text(r.query.substr(0, 160)), Text(r.work_group), Text(r.state),
                       Text(ShortTime(r.submitted)), Text(model::FormatBytes(r.data_scanned_bytes)),
                       Dollars(r.cost)});
  }
  q.tables.push_back(std::move(qt));
  page.sections.push_back(std::move(q));
  return {std::move(page)};
}

// ---- Quotas, efficiency, reports, API --------------------------------------------------------

PageResult Quotas(const PageContext& ctx) {
  Page page;
  page.title = "Quotas";
  page.active = "quotas";
  if (ctx.readers.quota_board == nullptr) {
    return {std::move(page), 404, "Quotas are not enabled in this process."};
  }
  const auto snapshot = ctx.readers.quota_board->Current();
  Section s{"quotas", "Quotas", "", {}, "", {}, {}};
  Table t{"Quotas and their spend this period",
          {{"Quota"},
           {"Scope"},
           {"Period"},
           {"Action"},
           {"Spent", true},
           {"Limit", true},
           {"Used", true},
           {"Forecast", true}},
          {},
          "No quotas are configured."};
  if (!snapshot) {
    s.intro = "The quota evaluator has not published yet.";
  } else {
    s.intro = fmt::format("Evaluated {} UTC.", ShortTime(snapshot->evaluated_at));
    for (const auto& [quota, status] : snapshot->WithStatus()) {
      if (!ctx.who.scope.all_teams &&
          (!quota->scope.team || !ctx.who.SeesTeam(*quota->scope.team))) {
        continue;
      }
      const std::string api = "/v1/quotas/" + quota->name + "/status";
      Cell spent = Text(model::FormatQuotaAmount(status.unit, status.spent));
      spent.source = FigureSource{api, "", "spent"};
      t.rows.push_back(
          {Text(quota->name, api), Text(model::DescribeScope(quota->scope)),
           Text(std::string(model::ToString(quota->period))),
           Text(std::string(model::ToString(quota->action))), spent,
           Text(model::FormatQuotaAmount(status.unit, status.limit)), Text(Percent(status.ratio)),
           Text(status.forecast ? model::FormatQuotaAmount(status.unit, *status.forecast) : "-"),
           Text(status.LimitReached()           ? (quota->action == model::QuotaAction::kDeny
                                                       ? "limit reached: denying new pods"
                                                       : "limit reached")
                : status.ForecastReachesLimit() ? "forecast over limit"
                                                : "ok")});
    }
  }
  s.tables.push_back(std::move(t));
  page.sections.push_back(std::move(s));
  return {std::move(page)};
}

PageResult Efficiency(const PageContext& ctx) {
  const std::string window = WindowOf(ctx, "7d");
  const std::string team = Param(ctx, "team");
  Page page;
  page.title = team.empty() ? "Efficiency" : "Efficiency of team " + team;
  page.active = "efficiency";
  if (!team.empty() && !ctx.who.SeesTeam(team)) {
    return Forbidden(std::move(page), fmt::format("Your login does not see team {}.", team));
  }
  page.windows = WindowLinks(ctx, window);
  page.window_text = WindowText(ctx, window);
  api::Principal who = ctx.who;
  if (!team.empty()) who.scope = model::TeamScope::Only({team});
  // The page shows the costliest workloads: right-sizing (a week of every container's usage)
  // is read for those alone.
  constexpr std::size_t kShownWorkloads = 50;
  auto feed = api::ReadWorkloadFeed(ctx.readers.efficiency, model::ParseWindow(window, ctx.now),
                                    ctx.efficiency, who, kShownWorkloads);
  api::SortByCost(feed);  // the order the recommended workloads were chosen in
  const std::string api = "/v1/efficiency?window=" + UrlEncode(window) + "&by=workload" +
                          (team.empty() ? "" : "&filter=" + UrlEncode(Quoted("team", team)));
  Section s{"workloads",
            "Workloads",
            "Usage / request (OpenCost's rule): below 100% pays for capacity not used; the "
            "weekly saving is what right-sized requests would save (- until a whole hour of "
            "its usage is rolled up).",
            {},
            "",
            {},
            {}};
  Table t{"Efficiency by workload",
          {{"Workload"},
           {"Cost", true},
           {"$/h", true},
           {"CPU", true},
           {"RAM", true},
           {"GPU", true},
           {"Total", true},
           {"Saving/week", true}},
          {},
          "No workloads in this window."};
  for (std::size_t k = 0; k < feed.size() && k < kShownWorkloads; ++k) {
    const auto& e = feed[k].efficiency;
    Money saving;
    for (const auto& [container, r] : feed[k].rightsizing) saving += r.WeeklySaving();
    Cell cost = Dollars(e.cost);
    cost.href = api;
    cost.derived = true;
    t.rows.push_back(
        {Text(e.workload), cost,
         Text(e.cost_per_hour ? FormatDollars(e.cost_per_hour->per_hour) : "-"),
         Text(Percent(e.cpu_efficiency)), Text(Percent(e.ram_efficiency)),
         Text(e.requested.gpu_millidevice_seconds == 0 ? "-" : Percent(e.gpu_efficiency)),
         Text(Percent(e.total_efficiency)),
         // No recommendation: no whole hour of its usage rolled up yet, not a saving of $0.
         feed[k].rightsizing.empty() ? Text("-") : Dollars(saving)});
  }
  s.tables.push_back(std::move(t));
  page.sections.push_back(std::move(s));
  return {std::move(page)};
}

PageResult Reports(const PageContext& ctx) {
  const std::string team = Param(ctx, "team");
  Page page;
  page.title = team.empty() ? "Weekly reports" : "Weekly reports of " + team;
  page.active = "reports";
  if (ctx.readers.reports == nullptr)
    return {std::move(page), 404, "Reports are not enabled in this process."};
  if (!team.empty() && !ctx.who.SeesTeam(team)) {
    return Forbidden(std::move(page), fmt::format("Your login does not see team {}.", team));
  }
  Section s{"archive", "Archive", "Each team's report of each ISO week, as mailed.", {}, "",
            {},        {}};
  Table t{"Archived reports",
          {{"Week"}, {"Team"}, {"Total", true}, {"Formats"}},
          {},
          "No reports archived yet."};
  for (const auto& r :
       ctx.readers.reports->List(team.empty() ? std::nullopt : std::optional(team), std::nullopt)) {
    if (!ctx.who.SeesTeam(r.team)) continue;
    const std::string week = model::ToString(r.week);
    const std::string base = "/v1/reports/" + week + "/" + UrlEncode(r.team);
    std::string formats;
    for (const auto& f : r.formats) formats += (formats.empty() ? "" : " ") + f;
    t.rows.push_back({Text(week, base + ".html"), Text(r.team, TeamHref(r.team, "7d")),
                      Dollars(r.total_cost, FigureSource{"/v1/reports?team=" + UrlEncode(r.team) +
                                                             "&week=" + week,
                                                         "", "totalCost"}),
                      Text(formats, base + ".csv")});
  }
  s.tables.push_back(std::move(t));
  page.sections.push_back(std::move(s));
  return {std::move(page)};
}

PageResult ApiHelp(const PageContext& ctx) {
  Page page;
  page.title = "The API behind these pages";
  page.active = "api";
  (void)ctx;
  Section s{"api",
            "Endpoints",
            "Every figure in the console links to one of these calls. In this browser they answer "
            "with your login; scripts use 'Authorization: Bearer <token>'.",
            {},
            "",
            {},
            {}};
  Table t{"API calls", {{"Call"}, {"What"}}, {}, ""};
  const std::vector<std::pair<std::string, std::string>> calls = {
      {"/v1/allocation?window=month&aggregate=team&accumulate=true", "cost by team, month to date"},
      {"/v1/allocation?window=7d&aggregate=namespace,workload&step=1d", "daily cost per workload"},
      {"/v1/assets?window=7d", "nodes (unscoped logins)"},
      {"/v1/queries?window=7d&aggregate=workgroup", "Athena queries by workgroup"},
      {"/v1/efficiency?window=7d&by=workload", "efficiency and right-sizing"},
      {"/v1/efficiency?window=7d&by=offering", "offerings (unscoped logins)"},
      {"/v1/quotas", "quotas"},
      {"/v1/reports", "archived weekly reports"},
      {"/metrics", "Prometheus metrics"}};
  for (const auto& [call, what] : calls) t.rows.push_back({Text(call, call), Text(what)});
  s.tables.push_back(std::move(t));
  page.sections.push_back(std::move(s));
  return {std::move(page)};
}

}  // namespace

std::string UrlEncode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~' || c == ',') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

PageResult BuildPage(const PageContext& ctx, const std::string& path) {
  if (path == "/" || path == "/console" || path == "/console/") return Overview(ctx);
  if (path == "/console/teams") return AggregateList(ctx, "team");
  if (path == "/console/namespaces") return AggregateList(ctx, "namespace");
  if (path == "/console/team") return Team(ctx);
  if (path == "/console/namespace") return Namespace(ctx);
  if (path == "/console/workload") return Workload(ctx);
  if (path == "/console/pod") return Pod(ctx);
  if (path == "/console/nodes") return Nodes(ctx);
  if (path == "/console/queries") return Queries(ctx);
  if (path == "/console/storage") return Storage(ctx);
  if (path == "/console/quotas") return Quotas(ctx);
  if (path == "/console/efficiency") return Efficiency(ctx);
  if (path == "/console/reports") return Reports(ctx);
  if (path == "/console/api") return ApiHelp(ctx);
  Page page;
  page.title = "Not found";
  return {std::move(page), 404, fmt::format("There is no console page {}.", path)};
}

}  // namespace costledger::console
