#include "costledger/reports/report_gatherer.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "costledger/model/allocation_set.hpp"
#include "costledger/model/quota_audience.hpp"
#include "costledger/model/report_week.hpp"
#include "costledger/model/spot_savings.hpp"
#include "costledger/reports/quota_report_status.hpp"
#include "costledger/reports/run_all.hpp"

namespace costledger::reports {
namespace {

using model::AllocationRequest;
using model::CostProperty;
using model::Money;
using model::PropertyRef;
using model::ReportCostRow;
using model::TimeWindow;

// The properties a report row is grouped by, in ReportRowKey's order, then the team.
const std::vector<PropertyRef>& ReportAggregate() {
  static const std::vector<PropertyRef> kAggregate{
      {CostProperty::kCluster, ""},      {CostProperty::kNamespace, ""},
      {CostProperty::kPlatform, ""},     {CostProperty::kWorkload, ""},
      {CostProperty::kCapacityType, ""}, {CostProperty::kInstanceType, ""},
      {CostProperty::kTeam, ""}};
  return kAggregate;
}

std::string PropertyOf(const model::Allocation& a, CostProperty property) {
  const auto it = a.properties.find(model::PropertyName({property, ""}));
  return it == a.properties.end() ? std::string() : it->second;
}

// One team's row of one allocation: its own costs and, apart, the idle shared into it.
struct TeamRow {
  std::string team;
  ReportCostRow row;
};

// A team's share of one volume (rule 9: split among the pods that mounted its claim).
struct TeamVolumeShare {
  std::string team;
  std::string cluster;
  std::string namespace_name;
  std::string volume;
  Money cost;
};

// The allocations of `window` as one set, idle kept apart or shared by cost; plus the idle of
// each cluster in the window.
struct WindowCosts {
  std::vector<TeamRow> rows;
  std::vector<TeamVolumeShare> volumes;
  std::map<std::string, Money> idle_by_cluster;
  std::map<std::string, Money> own_cost_by_cluster;  // containers of every team, without idle
};

WindowCosts ReadWindow(ports::AllocationReader& reader, TimeWindow window, std::size_t day,
                       model::IdleSharing sharing) {
  AllocationRequest request;
  request.window = window;
  request.step = window.length();
  request.accumulate = true;
  request.aggregate = ReportAggregate();
  request.include_idle = false;
  request.share_idle = sharing != model::IdleSharing::kSeparate;
  const model::TeamScope everyone = model::TeamScope::All();
  const std::vector<PropertyRef> grouping = model::GroupingFor(request, everyone);
  // Sums only: report rows carry no times, so a local day may be read as a UTC day less hours.
  const auto rows = reader.ReadAllocationSums(window.start, window.end, request.step, grouping);
  const auto idle = reader.ReadIdleSums(window.start, window.end, request.step);
  WindowCosts out;
  for (const model::IdleRow& i : idle) {
    out.idle_by_cluster[i.cluster] += i.cpu_cost + i.ram_cost + i.gpu_cost;
  }
  for (model::AllocationSet& set :
       model::BuildAllocationSets(request, everyone, grouping, rows, idle)) {
    for (model::Allocation& a : set.allocations) {
      const Money shared = a.cpu_idle_cost + a.ram_idle_cost + a.gpu_idle_cost;
      model::AllocationRow own = a.sums;
      own.cpu_cost -= a.cpu_idle_cost;
      own.ram_cost -= a.ram_idle_cost;
      own.gpu_cost -= a.gpu_idle_cost;
      model::ReportRowKey key{
          PropertyOf(a, CostProperty::kCluster),      PropertyOf(a, CostProperty::kNamespace),
          PropertyOf(a, CostProperty::kPlatform),     PropertyOf(a, CostProperty::kWorkload),
          PropertyOf(a, CostProperty::kCapacityType), PropertyOf(a, CostProperty::kInstanceType)};
      out.own_cost_by_cluster[key.cluster] += own.cpu_cost + own.ram_cost + own.gpu_cost;
      std::string team = PropertyOf(a, CostProperty::kTeam);
      for (const model::PvShare& pv : a.sums.pvs) {
        out.volumes.push_back({team, pv.cluster, key.namespace_name, pv.volume, pv.cost});
      }
      out.rows.push_back(
          {std::move(team), model::MakeReportCostRow(day, std::move(key), own, shared)});
    }
  }
  return out;
}

// Whole UTC hours covering `window` (the hourly usage rollups are per UTC hour).
TimeWindow WholeHours(TimeWindow window) {
  using std::chrono::hours;
  TimeWindow out;
  out.start = std::chrono::floor<hours>(window.start);
  out.end = std::chrono::ceil<hours>(window.end);
  return out;
}

}  // namespace

std::vector<model::WeeklyReportInput> GatherWeek(const ReportSources& sources, model::IsoWeek week,
                                                 const model::ZoneRules& zone,
                                                 const std::string& zone_name,
                                                 const GatherSettings& settings) {
  const model::ReportWeek report_week = model::WeekWindows(week, zone);
  const model::ReportWeek previous_week = model::WeekWindows(model::PreviousWeek(week), zone);

  std::map<std::string, model::WeeklyReportInput> inputs;
  const auto wanted = [&](const std::string& team) {
    return !team.empty() && (!settings.only_team || *settings.only_team == team);
  };
  const auto input_of = [&](const std::string& team) -> model::WeeklyReportInput& {
    auto [it, inserted] = inputs.try_emplace(team);
    if (inserted) {
      it->second.team = team;
      it->second.week = report_week;
      it->second.zone_name = zone_name;
      it->second.idle_sharing = settings.idle_sharing;
      it->second.rightsizing_policy = settings.rightsizing;
      it->second.limits = settings.limits;
      it->second.storage.emplace();  // volumes are costed (rule 9); a team may have none
    }
    return it->second;
  };
  for (const std::string& team : settings.teams) {
    if (wanted(team)) input_of(team);
  }

  // Every read first, `concurrent_reads` at a time, the longest first; each into its own slot,
  // so what follows sees the same inputs in the same order whatever the concurrency.
  std::vector<WindowCosts> days(report_week.days.size());
  WindowCosts before;
  std::vector<model::QueryGroupSummary> queries;
  std::vector<model::QueryGroupSummary> previous_queries;
  std::vector<model::NodeAssetRow> assets;
  std::vector<model::VolumeAssetRow> volume_assets;
  std::vector<model::ContainerUsageSeries> usage;
  std::vector<std::function<void()>> reads;
  if (sources.usage != nullptr) {
    reads.emplace_back([&] {
      usage = sources.usage->ReadUsageSeries(WholeHours(report_week.window), std::nullopt);
    });
  }
  reads.emplace_back([&] {
    before = ReadWindow(sources.allocations, previous_week.window, 0, settings.idle_sharing);
  });
  // This week, day by day (local days: 23, 24 or 25 hours).
  for (std::size_t d = 0; d < report_week.days.size(); ++d) {
    reads.emplace_back([&, d] {
      days[d] =
          ReadWindow(sources.allocations, report_week.days[d].window, d, settings.idle_sharing);
    });
  }
  reads.emplace_back([&] {
    queries = sources.queries.ReadQuerySummaries(report_week.window.start, report_week.window.end,
                                                 settings.limits.top_queries_per_workgroup);
  });
  // Used only when the week before is known (below); read anyway, beside the others.
  reads.emplace_back([&] {
    // Only the totals are used: no query need come back.
    previous_queries =
        sources.queries.ReadQuerySummaries(previous_week.window.start, previous_week.window.end, 0);
  });
  reads.emplace_back([&] {
    assets = sources.assets.ReadAssets(report_week.window.start, report_week.window.end);
  });
  reads.emplace_back([&] {
    volume_assets =
        sources.assets.ReadVolumeAssets(report_week.window.start, report_week.window.end);
  });
  // Quotas as of the week's end (or of what is stored, when earlier); none before the week.
  const std::chrono::sys_seconds status_at =
      std::min(report_week.window.end, settings.stored_through.value_or(report_week.window.end));
  std::vector<model::QuotaReportInput> quota_statuses;
  if (sources.quotas != nullptr && status_at > report_week.window.start) {
    std::vector<ports::StoredQuota> stored = sources.quotas->List();
    quota_statuses.resize(stored.size());
    for (std::size_t q = 0; q < stored.size(); ++q) {
      reads.emplace_back([&, q, quota = std::move(stored[q].quota)] {
        quota_statuses[q] =
            ReadQuotaStatusAt(quota, status_at, zone, sources.allocations, sources.queries);
      });
    }
  }
  RunAll(reads, settings.concurrent_reads);

  std::map<std::string, Money> idle_by_cluster;
  std::map<std::string, Money> own_by_cluster;
  std::map<std::string, std::set<std::string>> clusters_of_team;
  // Per team, (cluster, namespace, volume) -> the team's share of the week.
  std::map<std::string, std::map<std::tuple<std::string, std::string, std::string>, Money>>
      volumes_of_team;
  for (WindowCosts& day : days) {
    for (TeamVolumeShare& v : day.volumes) {
      if (!wanted(v.team)) continue;
      volumes_of_team[v.team][{std::move(v.cluster), std::move(v.namespace_name),
                               std::move(v.volume)}] += v.cost;
    }
    for (const auto& [cluster, idle] : day.idle_by_cluster) idle_by_cluster[cluster] += idle;
    for (const auto& [cluster, cost] : day.own_cost_by_cluster) own_by_cluster[cluster] += cost;
    for (TeamRow& r : day.rows) {
      if (!wanted(r.team)) continue;
      clusters_of_team[r.team].insert(r.row.cluster);
      input_of(r.team).rows.push_back(std::move(r.row));
    }
  }

  // The week before, as one window: known when anything at all was stored then.
  const bool previous_known = !before.rows.empty() || !before.idle_by_cluster.empty();
  std::map<std::string, std::vector<ReportCostRow>> previous_rows;
  for (TeamRow& r : before.rows) previous_rows[r.team].push_back(std::move(r.row));

  std::map<std::string, Money> previous_query_cost;
  if (previous_known) {
    for (const model::QueryGroupSummary& g : previous_queries) {
      previous_query_cost[g.team] += g.cost;
    }
  }
  for (model::QueryGroupSummary& g : queries) {
    if (wanted(g.team)) input_of(g.team).query_groups.push_back(std::move(g));
  }

  // Spot nodes of the week, priced at on-demand list prices.
  std::map<std::string, Money, std::less<>> on_demand;
  if (sources.on_demand_per_hour) {
    for (const model::NodeAssetRow& n : assets) {
      if (n.capacity_type != model::kCapacityTypeSpot || on_demand.contains(n.instance_type)) {
        continue;
      }
      if (const auto price = sources.on_demand_per_hour(n.instance_type)) {
        on_demand[n.instance_type] = *price;
      }
    }
  }
  const std::vector<model::SpotNodeCost> spot_nodes = model::SummarizeSpotNodes(assets, on_demand);

  std::map<std::pair<std::string, std::string>, const model::VolumeAssetRow*> volume_of;
  for (const model::VolumeAssetRow& v : volume_assets) volume_of[{v.cluster, v.volume}] = &v;

  std::vector<model::WeeklyReportInput> out;
  for (auto& [team, input] : inputs) {
    for (const auto& [key, cost] : volumes_of_team[team]) {
      const auto& [cluster, namespace_name, volume] = key;
      model::StorageCostInput s{cluster, namespace_name, volume, {}, {}, 0, cost};
      if (const auto it = volume_of.find({cluster, volume}); it != volume_of.end()) {
        s.claim = it->second->claim;
        s.storage_class = it->second->storage_class;
        s.size_bytes = it->second->size_bytes;
      }
      input.storage->push_back(std::move(s));
    }
    std::set<std::string, std::less<>> namespaces;
    std::set<std::string, std::less<>> workgroups;
    for (const ReportCostRow& r : input.rows) namespaces.insert(r.namespace_name);
    for (const model::QueryGroupSummary& g : input.query_groups) workgroups.insert(g.work_group);
    for (const model::QuotaReportInput& q : quota_statuses) {
      if (model::QuotaConcernsTeam(q.quota.scope, team, namespaces, workgroups)) {
        input.quotas.push_back(q);
      }
    }
    if (previous_known) {
      input.previous_rows = std::move(previous_rows[team]);
      input.previous_query_cost = previous_query_cost[team];
    }
    for (const std::string& cluster : clusters_of_team[team]) {
      input.cluster_idle.push_back(
          {cluster, idle_by_cluster[cluster], own_by_cluster[cluster] + idle_by_cluster[cluster]});
    }
    input.spot_nodes = spot_nodes;
    for (model::ContainerUsageSeries& s : usage) {  // each series is one team's: moved
      if (s.team != team) continue;
      model::RightsizingInput r;
      r.namespace_name = s.namespace_name;
      r.workload = s.workload;
      r.container = s.container;
      r.cpu_millicores = std::move(s.cpu_millicores);
      r.memory_bytes = std::move(s.memory_bytes);
      r.cpu_request_millicores = s.cpu_request_millicores;
      r.memory_request_bytes = s.memory_request_bytes;
      r.container_seconds = static_cast<double>(s.container_seconds);
      input.rightsizing.push_back(std::move(r));
    }
    out.push_back(std::move(input));
  }
  return out;
}

}  // namespace costledger::reports
