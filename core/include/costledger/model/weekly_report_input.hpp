#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "costledger/model/cost_rows.hpp"
#include "costledger/model/idle_sharing.hpp"
#include "costledger/model/money.hpp"
#include "costledger/model/query_summary.hpp"
#include "costledger/model/quota.hpp"
#include "costledger/model/quota_status.hpp"
#include "costledger/model/report_week.hpp"
#include "costledger/model/rightsizing.hpp"
#include "costledger/model/spot_savings.hpp"

namespace costledger::model {

// What a weekly report is built from: plain values that the reports component fills from the
// reader ports (AllocationReader, AssetReader, QueryReader) for one team and one ReportWeek.
// Nothing here reads anything.

/// Container costs of the team summed per local day and per (cluster, namespace, platform,
/// workload, capacity type, instance type): one AllocationRow of a read grouped by those six
/// properties, with the day it falls in. Quantities are the AllocationRow's (doubles, whole
/// base-unit-seconds in practice); the report rounds each to a whole base unit before summing, so
/// its sums do not depend on the order of the rows.
struct ReportCostRow {
  std::size_t day = 0;  ///< 0 = Monday ... 6 = Sunday (DayIndexOf of the row's interval start)
  std::string cluster;
  std::string namespace_name;
  std::string platform;       ///< workload_naming.hpp's kPlatform* names; may be empty
  std::string workload;       ///< "notebook:alice", "dag:etl/load", ...
  std::string capacity_type;  ///< "spot" or "on-demand" (as the store has it)
  std::string instance_type;
  Money cpu_cost;  ///< the containers' own cost (rule 3), without idle
  Money ram_cost;
  Money gpu_cost;
  /// Idle shared into this row when the report shares idle (rule 4, e.g. the `cpu_idle_cost` +
  /// `ram_idle_cost` + `gpu_idle_cost` of BuildAllocationSets with shareIdle); else zero.
  Money shared_idle_cost;
  double container_seconds = 0;
  double cpu_request_millicore_seconds = 0;
  double cpu_usage_millicore_seconds = 0;
  double cpu_allocated_millicore_seconds = 0;
  double memory_request_byte_seconds = 0;
  double memory_usage_byte_seconds = 0;
  double memory_allocated_byte_seconds = 0;
  double gpu_device_seconds = 0;       ///< requested devices x seconds
  double gpu_busy_device_seconds = 0;  ///< utilisation fraction x devices x seconds

  Money Cost() const { return cpu_cost + ram_cost + gpu_cost + shared_idle_cost; }
};

/// The identifying values of a ReportCostRow, in the order the store groups by.
struct ReportRowKey {
  std::string cluster;
  std::string namespace_name;
  std::string platform;
  std::string workload;
  std::string capacity_type;
  std::string instance_type;
};

/// A ReportCostRow with the sums (quantities and costs) of `sums` and the values of `key`;
/// `sums.step` and `sums.values` are not used (the caller maps them to `day` and `key`). The costs
/// of `sums` must be the containers' own, as AllocationReader returns them: an Allocation of
/// BuildAllocationSets with shared idle includes it in sums.*_cost, so subtract its *_idle_cost
/// and pass their sum as `shared_idle_cost`.
ReportCostRow MakeReportCostRow(std::size_t day, ReportRowKey key, const AllocationRow& sums,
                                Money shared_idle_cost = {});

/// Idle of one cluster over the report window, for the idle share.
struct ClusterIdleInput {
  std::string cluster;
  Money idle_cost;   ///< sum of the cluster's IdleRow costs
  Money total_cost;  ///< all container costs of the cluster plus its idle (its nodes' cost)
};

/// A persistent volume's cost over the report window (storage costing, rule 9).
struct StorageCostInput {
  std::string cluster;
  std::string namespace_name;
  std::string volume;  ///< the PersistentVolume's name
  std::string claim;   ///< the claim it is bound to; may be empty
  std::string storage_class;
  std::int64_t size_bytes = 0;
  Money cost;
  friend bool operator==(const StorageCostInput&, const StorageCostInput&) = default;
};

/// One container of a workload for right-sizing: its usage over the week and its request.
struct RightsizingInput {
  std::string namespace_name;
  std::string workload;
  std::string container;
  std::vector<UsageSample> cpu_millicores;  ///< hourly (or finer) usage samples of all replicas
  std::vector<UsageSample> memory_bytes;
  std::int64_t cpu_request_millicores = 0;  ///< the current request of one replica
  std::int64_t memory_request_bytes = 0;
  /// Unit prices; nullopt: derived from the workload's rows (cost / allocated core- or GiB-hours).
  std::optional<Money> price_per_core_hour;
  std::optional<Money> price_per_gib_hour;
  /// Container-seconds it ran in the week (all replicas); savings are priced over this time.
  /// <= 0: one replica all week (168 h).
  double container_seconds = 0;
};

/// A quota that concerns the team, with its status (StatusAt) as the report should show it.
struct QuotaReportInput {
  Quota quota;
  QuotaStatus status;
};

/// How long the lists of a report are.
struct ReportLimits {
  std::size_t top_workloads = 10;             ///< the rest is one "others" line
  std::size_t top_queries_per_workgroup = 5;  ///< the rest is summed per workgroup
  std::size_t top_recommendations = 10;       ///< the rest is summed
  std::size_t top_volumes = 10;               ///< the rest is summed
  std::size_t biggest_changes = 3;            ///< named in the summary
  std::size_t max_query_text_bytes = 300;     ///< longer SQL is cut (at a UTF-8 boundary) + "…"
};

/// Everything one team's weekly report is built from.
struct WeeklyReportInput {
  std::string team;
  ReportWeek week;                  ///< WeekWindows(week, zone)
  std::string zone_name;            ///< "Europe/Berlin", for people
  std::vector<ReportCostRow> rows;  ///< the team's container costs in week.window
  /// The team's rows of the previous ISO week (their `day` is not used); nullopt when that week
  /// is not known (nothing was collected), so that no change is claimed.
  std::optional<std::vector<ReportCostRow>> previous_rows;
  IdleSharing idle_sharing = IdleSharing::kSeparate;  ///< how rows' shared_idle_cost was made
  std::vector<ClusterIdleInput> cluster_idle;         ///< the clusters the team ran in
  std::vector<SpotNodeCost> spot_nodes;
  std::vector<QueryCostRow> queries;  ///< the team's queries submitted in week.window
  /// The team's queries of week.window already summarized (by a store), beside or instead of
  /// `queries`; both together must not hold the same query twice.
  std::vector<QueryGroupSummary> query_groups;
  std::optional<Money> previous_query_cost;  ///< the team's query cost the week before
  std::vector<RightsizingInput> rightsizing;
  RightsizingPolicy rightsizing_policy;
  std::vector<QuotaReportInput> quotas;
  /// The team's volumes; nullopt while storage is not costed (the report says so).
  std::optional<std::vector<StorageCostInput>> storage;
  ReportLimits limits;
};

}  // namespace costledger::model
