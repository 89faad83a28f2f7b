#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "costledger/model/idle_sharing.hpp"
#include "costledger/model/iso_week.hpp"
#include "costledger/model/money.hpp"
#include "costledger/model/quota.hpp"
#include "costledger/model/quota_status.hpp"
#include "costledger/model/report_week.hpp"
#include "costledger/model/rightsizing.hpp"
#include "costledger/model/weekly_report_input.hpp"

namespace costledger::model {

// The content of one team's weekly report (DESIGN "Weekly reports"), pure: what the HTML, CSV,
// JSON and text renderings show. Every amount is exact in nano-dollars and the parts reconcile:
//   total == sum of days[d].total == sum of workloads == sum of top workloads + others
//         == sum of namespaces == sum of platforms == breakdown.Total(),
//   days[d].total == sum of days[d].by_namespace == sum of days[d].by_platform,
//   queries.total == sum of workgroups' cost, each == its top queries' cost + other_cost.
// Fractions are doubles for display only; nullopt where there is nothing to divide by.

/// A cost split by what it paid for.
struct CostBreakdown {
  Money cpu;
  Money ram;
  Money gpu;
  Money shared_idle;  ///< idle shared into the team's costs (zero when idle is kept apart)
  Money Total() const { return cpu + ram + gpu + shared_idle; }
  friend bool operator==(const CostBreakdown&, const CostBreakdown&) = default;
};

/// A namespace's or a platform's cost over the week.
struct GroupCost {
  std::string name;
  Money cost;
  std::optional<Money> previous_cost;  ///< nullopt when the previous week is unknown
  std::optional<Money> change;         ///< cost - previous_cost
  friend bool operator==(const GroupCost&, const GroupCost&) = default;
};

/// One local day: its total and the same split by namespace and by platform, in the order of
/// WeeklyReport::namespaces and ::platforms (index i is namespaces[i]).
struct DayCost {
  ReportDay day;
  Money total;
  std::vector<Money> by_namespace;
  std::vector<Money> by_platform;
  friend bool operator==(const DayCost&, const DayCost&) = default;
};

/// One workload (namespace, platform, workload) over the week, or the "others" line.
struct WorkloadLine {
  std::string namespace_name;         ///< empty for "others"
  std::string platform;               ///< empty for "others"
  std::string workload;               ///< "others" for the others line
  std::vector<std::string> clusters;  ///< where it ran, sorted
  std::size_t workload_count = 1;     ///< how many workloads the line sums (others: > 1)
  Money cost;                         ///< breakdown.Total()
  CostBreakdown breakdown;
  std::optional<Money> previous_cost;  ///< nullopt when the previous week is unknown
  std::optional<Money> change;
  Money spot_cost;                   ///< the part of `cost` on spot nodes
  std::optional<double> spot_share;  ///< spot_cost / cost; nullopt when cost is zero
  /// Usage / request over the week; nullopt without a request (not OpenCost's "1 if used").
  std::optional<double> cpu_efficiency;
  std::optional<double> ram_efficiency;
  /// Busy device-time / requested device-time; nullopt without GPUs.
  std::optional<double> gpu_efficiency;
  double container_hours = 0;
  double cpu_request_core_hours = 0;
  double cpu_usage_core_hours = 0;
  double memory_request_gib_hours = 0;
  double memory_usage_gib_hours = 0;
  double gpu_hours = 0;  ///< requested device-hours
  double gpu_busy_hours = 0;
  friend bool operator==(const WorkloadLine&, const WorkloadLine&) = default;
};

/// One of the biggest week-over-week changes.
struct CostChange {
  enum class Kind { kWorkload, kNamespace };
  Kind kind = Kind::kWorkload;
  std::string namespace_name;
  std::string platform;  ///< workloads only
  std::string workload;  ///< workloads only
  Money previous_cost;
  Money cost;
  Money change;  ///< cost - previous_cost, never zero
  friend bool operator==(const CostChange&, const CostChange&) = default;
};

struct IdleSection {
  IdleSharing sharing = IdleSharing::kSeparate;
  /// Idle shared into the team's costs (included in total); zero when idle is kept apart.
  Money team_shared_idle;
  std::optional<double> team_idle_share;     ///< team_shared_idle / total, when idle is shared
  std::vector<std::string> clusters;         ///< the clusters below, sorted
  Money cluster_idle;                        ///< idle of those clusters, not in the team's total
  Money cluster_total;                       ///< their nodes' cost
  std::optional<double> cluster_idle_share;  ///< cluster_idle / cluster_total
  friend bool operator==(const IdleSection&, const IdleSection&) = default;
};

/// One Athena query execution.
struct QueryLine {
  std::string query_execution_id;
  std::string state;
  std::string statement_type;
  std::chrono::sys_seconds submitted;
  std::int64_t data_scanned_bytes = 0;
  std::int64_t engine_execution_millis = 0;
  Money cost;
  std::string query;  ///< the SQL, cut to ReportLimits::max_query_text_bytes
  bool query_truncated = false;
  std::string who_ran;  ///< not recorded by Athena's BatchGetQueryExecution: empty until it is
  friend bool operator==(const QueryLine&, const QueryLine&) = default;
};

struct WorkgroupQueries {
  std::string work_group;
  Money cost;  ///< top queries' cost + other_cost
  std::int64_t data_scanned_bytes = 0;
  std::size_t query_count = 0;
  std::vector<QueryLine> top;  ///< most expensive first
  Money other_cost;            ///< the queries not listed
  std::size_t other_count = 0;
  friend bool operator==(const WorkgroupQueries&, const WorkgroupQueries&) = default;
};

struct QuerySection {
  Money total;
  std::optional<Money> previous_total;
  std::optional<Money> change;
  std::int64_t data_scanned_bytes = 0;
  std::size_t query_count = 0;
  std::vector<WorkgroupQueries> workgroups;  ///< most expensive first
  friend bool operator==(const QuerySection&, const QuerySection&) = default;
};

/// Spot savings of one instance type.
struct SpotSavingLine {
  std::string instance_type;
  Money team_spot_cost;                 ///< the team's cost on spot nodes of this type
  std::optional<Money> on_demand_cost;  ///< the same work on demand; nullopt without a price
  std::optional<Money> saving;          ///< on_demand_cost - team_spot_cost, never negative
  friend bool operator==(const SpotSavingLine&, const SpotSavingLine&) = default;
};

struct SpotSection {
  Money team_spot_cost;                          ///< == sum of by_instance_type's team_spot_cost
  std::optional<double> spot_share;              ///< team_spot_cost / total
  Money saving;                                  ///< sum of the known savings
  Money unpriced_spot_cost;                      ///< spot cost of types without an on-demand price
  std::vector<SpotSavingLine> by_instance_type;  ///< largest saving first
  friend bool operator==(const SpotSection&, const SpotSection&) = default;
};

/// A storage class's volumes.
struct StorageClassCost {
  std::string storage_class;
  Money cost;
  std::int64_t size_bytes = 0;
  std::size_t volume_count = 0;
  friend bool operator==(const StorageClassCost&, const StorageClassCost&) = default;
};

struct StorageSection {
  bool costed = false;  ///< false while storage costing is not available: the section says so
  Money total;
  std::vector<StorageClassCost> by_class;     ///< most expensive first
  std::vector<StorageCostInput> top_volumes;  ///< most expensive first
  Money other_cost;                           ///< the volumes not listed
  std::size_t other_count = 0;
  friend bool operator==(const StorageSection&, const StorageSection&) = default;
};

struct QuotaLine {
  std::string name;
  std::string scope;  ///< DescribeScope
  QuotaPeriod period = QuotaPeriod::kWeek;
  QuotaAction action = QuotaAction::kAlert;
  QuotaStatus status;
  friend bool operator==(const QuotaLine&, const QuotaLine&) = default;
};

/// A recommended change of one container's requests.
struct RecommendationLine {
  std::string namespace_name;
  std::string workload;
  std::string container;
  std::optional<ResourceRecommendation> cpu;     ///< nullopt without CPU samples
  std::optional<ResourceRecommendation> memory;  ///< nullopt without memory samples
  double container_hours = 0;                    ///< what the savings are priced over
  Money price_per_core_hour;
  Money price_per_gib_hour;
  /// (current - recommended) x unit price x container-hours, summed over the resources that
  /// would go down; rounded once per resource. Never negative.
  Money weekly_saving;
  /// The same for the resources that should go up (usage above the request). Never negative.
  Money weekly_extra_cost;
  friend bool operator==(const RecommendationLine&, const RecommendationLine&) = default;
};

struct RightsizingSection {
  int percentile = 95;  ///< the policy's, for people: "p95 usage plus 15%"
  int headroom_percent = 15;
  std::size_t containers_considered = 0;
  std::vector<RecommendationLine> top;  ///< largest saving, then largest extra cost, first
  Money total_saving;                   ///< of all recommendations, listed or not
  Money total_extra_cost;
  std::size_t other_count = 0;  ///< recommendations not listed
  Money other_saving;
  friend bool operator==(const RightsizingSection&, const RightsizingSection&) = default;
};

/// One team's weekly report.
struct WeeklyReport {
  std::string team;
  ReportWeek week;
  std::string zone_name;

  Money total;  ///< the team's Kubernetes cost (container costs, plus shared idle if shared)
  CostBreakdown breakdown;
  std::optional<Money> previous_total;  ///< nullopt when the previous week is unknown
  std::optional<Money> change;
  std::optional<double> change_ratio;  ///< change / previous_total; nullopt when that is zero
  Money combined_total;                ///< total + queries.total + storage.total

  double gpu_hours = 0;
  std::optional<double> cpu_efficiency;
  std::optional<double> ram_efficiency;
  std::optional<double> gpu_efficiency;

  std::vector<GroupCost> namespaces;  ///< most expensive first, then by name
  std::vector<GroupCost> platforms;   ///< most expensive first, then by name
  std::array<DayCost, kDaysPerWeek> days;

  std::vector<WorkloadLine> workloads;  ///< all with cost this week, most expensive first
  std::size_t top_workload_count = 0;   ///< the first this many are listed on their own
  std::optional<WorkloadLine> others;   ///< the rest summed; nullopt when none

  std::vector<CostChange> biggest_changes;  ///< by absolute change, largest first
  IdleSection idle;
  QuerySection queries;
  SpotSection spot;
  StorageSection storage;
  std::vector<QuotaLine> quotas;  ///< highest ratio first
  RightsizingSection rightsizing;
  std::string summary;  ///< one paragraph for people

  std::span<const WorkloadLine> TopWorkloads() const {
    return std::span<const WorkloadLine>(workloads).first(top_workload_count);
  }
  /// True when the team spent anything (containers, queries or storage) this week.
  bool HasSpend() const { return combined_total != Money{}; }
  friend bool operator==(const WeeklyReport&, const WeeklyReport&) = default;
};

/// Builds the report of `input.team` for `input.week`. Pure and deterministic: the same input
/// in any row order gives the same report. A team with no rows, queries or volumes gets a short
/// report (zero total, empty lists, a one-sentence summary).
/// Throws InvalidInput for a row whose day is not 0..6, a negative cost, quantity or size, or a
/// bad right-sizing policy; std::overflow_error should a sum exceed Money's range.
WeeklyReport BuildWeeklyReport(const WeeklyReportInput& input);

}  // namespace costledger::model
