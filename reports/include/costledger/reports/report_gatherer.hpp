#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/idle_sharing.hpp"
#include "costledger/model/iso_week.hpp"
#include "costledger/model/money.hpp"
#include "costledger/model/weekly_report_input.hpp"
#include "costledger/model/zone_rules.hpp"
#include "costledger/ports/cost_reader.hpp"
#include "costledger/ports/quota_store.hpp"
#include "costledger/ports/usage_series_reader.hpp"

namespace costledger::reports {

/// Where a week's report inputs are read from. The readers must outlive the call.
struct ReportSources {
  ports::AllocationReader& allocations;
  ports::AssetReader& assets;
  ports::QueryReader& queries;
  /// Hourly usage for right-sizing; none: the reports recommend nothing.
  ports::UsageSeriesReader* usage = nullptr;
  /// The on-demand list price of an instance type per hour (spot savings); empty or nullopt:
  /// savings on that type are unknown.
  std::function<std::optional<model::Money>(std::string_view instance_type)> on_demand_per_hour;
  /// The stored quotas; none: the reports show no quota status.
  ports::QuotaStore* quotas = nullptr;
};

/// What the reports of a week are made of, besides the data.
struct GatherSettings {
  model::IdleSharing idle_sharing = model::IdleSharing::kSeparate;  ///< Separate or by cost
  model::ReportLimits limits;
  model::RightsizingPolicy rightsizing;
  /// Teams that get a report even without spend (those with recipients); every team that spent
  /// in the week gets one too.
  std::vector<std::string> teams;
  /// Only this team, when set.
  std::optional<std::string> only_team;
  /// How many reader calls run at a time (each on a thread of its own, each needing a session
  /// of its reader's pool); 1: one after another. The inputs are the same either way.
  std::size_t concurrent_reads = 2;
  /// End of the newest interval stored: quota statuses are as of it when it is before the
  /// week's end (a report of the current week), else as of the week's end. nullopt: the end.
  std::optional<std::chrono::sys_seconds> stored_through;
};

/// Reads `week` in `zone` and the week before once for all teams, `settings.concurrent_reads`
/// reader calls at a time (per local day, grouped by
/// team, cluster, namespace, platform, workload, capacity and instance type) and returns one
/// input per team, sorted by team. Costs are BuildAllocationSets' over the same rows, so a
/// team's total equals /v1/allocation's for the same window, team and idle setting to the
/// nano-dollar. Rows without a team are in the clusters' totals, in no team's report. Each
/// team's storage is its pods' shares of the volumes they mounted (pvCost in /v1/allocation;
/// unmounted volumes are no team's); its quotas are those model::QuotaConcernsTeam names, with
/// ReadQuotaStatusAt's status.
/// Throws what the readers throw (Unavailable when the store is down).
std::vector<model::WeeklyReportInput> GatherWeek(const ReportSources& sources, model::IsoWeek week,
                                                 const model::ZoneRules& zone,
                                                 const std::string& zone_name,
                                                 const GatherSettings& settings);

}  // namespace costledger::reports
