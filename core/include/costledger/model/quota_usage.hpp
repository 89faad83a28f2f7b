#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/cost_rows.hpp"
#include "costledger/model/interval_batch.hpp"
#include "costledger/model/quota.hpp"
#include "costledger/model/window.hpp"
#include "costledger/model/zone_rules.hpp"

namespace costledger::model {

// Which spend falls in a quota's scope, and how much it adds in the quota's unit.
//
// Scope rules (see QuotaScope): container spend has cluster, namespace, team and pod labels but
// no workgroup; query spend has cluster, workgroup and team (through the workgroup mapping) but
// no namespace or labels. A field the scope gives must equal the row's; an empty row value never
// equals it. So a scope with `workgroup` matches only queries, one with `namespace` or `labels`
// only containers, and `cluster` and `team` match both.

/// Whether a container's (or a pod's) spend falls in `scope`.
bool ScopeMatchesContainer(const QuotaScope& scope, std::string_view cluster,
                           std::string_view namespace_name, std::string_view team,
                           const Labels& pod_labels);

/// Whether a query's spend falls in `scope`.
bool ScopeMatchesQuery(const QuotaScope& scope, std::string_view cluster,
                       std::string_view work_group, std::string_view team);

/// A query execution as quota rules see it; built from the collector's PricedQuery or the
/// store's QueryCostRow.
struct QuerySpend {
  std::string query_execution_id;
  std::string cluster;
  std::string work_group;
  std::string team;
  std::chrono::sys_seconds submitted;  ///< decides the period, as /v1/queries windows do
  std::int64_t data_scanned_bytes = 0;
  bool charged = false;  ///< rule 7: SUCCEEDED or CANCELLED, and not DDL
  Money cost;
};

QuerySpend ToQuerySpend(std::string_view cluster, const PricedQuery& query);
QuerySpend ToQuerySpend(const QueryCostRow& row);

/// Whether container spend counts toward `quota`: its scope covers containers (no workgroup) and
/// its unit is not bytes scanned.
bool CountsContainerSpend(const Quota& quota);

/// Whether query spend counts toward `quota`: its scope covers queries (no namespace, no labels)
/// and its unit is dollars or bytes scanned.
bool CountsQuerySpend(const Quota& quota);

/// What one container interval adds to a quota counted in `unit`, in its base units:
/// - dollars: the row's cost (CPU + RAM + GPU) in nano-dollars, and volume shares' (AddBatch:
///   the batch's volume_shares; AddStored: the row's pv_cost); idle is nobody's spend;
/// - cpu_hours: max(request, usage) millicores (rule 3) x interval seconds, as the store's
///   cpu_allocated_millicore_seconds;
/// - gpu_hours: requested devices x interval seconds;
/// - bytes_scanned: 0.
/// Throws std::overflow_error when the product exceeds int64 (not for real intervals).
std::int64_t ContainerAmount(QuotaUnit unit, const ContainerCostRow& row,
                             std::chrono::seconds interval_length);

/// What one query adds: its cost in nano-dollars for dollars, the bytes it scanned for
/// bytes_scanned when it is charged (Athena bills neither failed queries nor DDL), 0 for hours.
std::int64_t QueryAmount(QuotaUnit unit, const QuerySpend& query);

/// The labels of a pod by namespace and name; nullptr when unknown (the pod then matches only
/// scopes without labels).
using PodLabelsLookup =
    std::function<const Labels*(std::string_view namespace_name, std::string_view pod)>;

/// The grouping an AllocationReader must read with so that QuotaUsage::AddStored can match its
/// rows against `scope`: cluster, namespace, team and label:<key> for each field the scope gives,
/// in that order. Empty for an empty scope (one row per step holds all spend).
std::vector<PropertyRef> GroupingFor(const QuotaScope& scope);

/// The spend of one quota in one period, fed interval by interval; exact, in base units of the
/// quota's unit. Not thread-safe: one quota evaluator owns it.
///
/// An evaluator keeps one per quota: it seeds it from the store at start (or when the quota is
/// created or replaced) with AddStored and AddQuery for [period start, through), then calls
/// MarkCountedThrough(through); then, for every interval, RollTo(interval start) and AddBatch.
/// Replays are harmless: an interval that does not start after the last one counted for its
/// cluster is skipped, and a query is counted once per execution id and period.
class QuotaUsage {
 public:
  /// Nothing spent yet in `period` (normally QuotaPeriodWindow(quota.period, at, zone)).
  QuotaUsage(Quota quota, TimeWindow period);

  const Quota& quota() const { return quota_; }
  const TimeWindow& period() const { return period_; }
  /// Spent in the period so far, in base units of quota().limit.unit.
  std::int64_t spent() const { return spent_; }

  /// When `at` is at or after the end of the period, moves to the period that contains `at`
  /// with nothing spent and no query counted, and returns true; otherwise changes nothing.
  bool RollTo(std::chrono::sys_seconds at, const ZoneRules& zone);

  /// Counts one collector interval. Its container rows count when the interval starts within the
  /// period, not before MarkCountedThrough's instant and not before the end of the last interval
  /// counted for `batch.cluster`; each row in scope adds ContainerAmount. Pod labels come from
  /// `batch.pod_labels` first (new or changed pods), else from `pod_labels` (may be empty).
  /// Its queries go through AddQuery. Returns whether the interval's containers were counted.
  /// An interval belongs wholly to the period in which it starts.
  bool AddBatch(const IntervalBatch& batch, const PodLabelsLookup& pod_labels);

  /// Counts a query submitted within the period, in scope, not counted yet this period.
  /// Returns whether it was counted.
  bool AddQuery(const QuerySpend& query);

  /// Counts a row read from the store with `grouping` (see GroupingFor) for the period. Rows out
  /// of scope or outside the period are skipped. Throws std::invalid_argument when `grouping`
  /// lacks a property the scope needs or the row's values do not line up with it.
  void AddStored(const AllocationRow& row, std::span<const PropertyRef> grouping);

  /// Intervals starting before `through` are already counted (by AddStored): AddBatch skips them.
  void MarkCountedThrough(std::chrono::sys_seconds through);

 private:
  void Add(std::int64_t amount);

  Quota quota_;
  TimeWindow period_;
  std::int64_t spent_ = 0;
  std::chrono::sys_seconds counted_through_{};
  std::map<std::string, std::chrono::sys_seconds, std::less<>> next_interval_by_cluster_;
  std::set<std::string, std::less<>> queries_counted_;
};

}  // namespace costledger::model
