#include "costledger/model/quota_usage.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "costledger/model/quota_period.hpp"

namespace costledger::model {
namespace {

bool Matches(const std::optional<std::string>& wanted, std::string_view value) {
  return !wanted || *wanted == value;
}

std::int64_t CheckedProduct(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    throw std::overflow_error("quota amount exceeds int64");
  }
  return product;
}

/// A stored double of integral base units (exact below 2^53) as an integer.
std::int64_t Whole(double base_units) {
  if (!(std::fabs(base_units) < 9.2e18)) throw std::overflow_error("quota amount exceeds int64");
  return std::llround(base_units);
}

const std::string* ValueOf(const AllocationRow& row, std::span<const PropertyRef> grouping,
                           const PropertyRef& wanted) {
  for (std::size_t i = 0; i < grouping.size(); ++i) {
    if (grouping[i] == wanted) return &row.values[i];
  }
  throw std::invalid_argument("QuotaUsage::AddStored: the grouping lacks a property of the scope");
}

}  // namespace

bool ScopeMatchesContainer(const QuotaScope& scope, std::string_view cluster,
                           std::string_view namespace_name, std::string_view team,
                           const Labels& pod_labels) {
  if (scope.workgroup) return false;
  if (!Matches(scope.cluster, cluster) || !Matches(scope.namespace_name, namespace_name) ||
      !Matches(scope.team, team)) {
    return false;
  }
  return std::ranges::all_of(scope.labels, [&](const auto& wanted) {
    const auto it = pod_labels.find(wanted.first);
    return it != pod_labels.end() && it->second == wanted.second;
  });
}

bool ScopeMatchesQuery(const QuotaScope& scope, std::string_view cluster,
                       std::string_view work_group, std::string_view team) {
  if (!scope.CoversQueries()) return false;
  return Matches(scope.cluster, cluster) && Matches(scope.workgroup, work_group) &&
         Matches(scope.team, team);
}

QuerySpend ToQuerySpend(std::string_view cluster, const PricedQuery& query) {
  const AthenaQueryExecution& e = query.execution;
  const bool charged =
      (e.state == QueryState::kSucceeded || e.state == QueryState::kCancelled) && !e.IsDdl();
  return {e.query_execution_id, std::string(cluster), e.work_group, query.team,
          e.submitted,          e.data_scanned_bytes, charged,      query.cost};
}

QuerySpend ToQuerySpend(const QueryCostRow& row) {
  const bool charged = (row.state == QueryStateName(QueryState::kSucceeded) ||
                        row.state == QueryStateName(QueryState::kCancelled)) &&
                       row.statement_type != "DDL";
  return {row.query_execution_id, row.cluster, row.work_group, row.team, row.submitted,
          row.data_scanned_bytes, charged,     row.cost};
}

std::int64_t ContainerAmount(QuotaUnit unit, const ContainerCostRow& row,
                             std::chrono::seconds interval_length) {
  switch (unit) {
    case QuotaUnit::kDollars:
      return row.cost.Total().nanos();
    case QuotaUnit::kCpuHours:
      return CheckedProduct(row.demand.CpuAllocationMillicores(), interval_length.count());
    case QuotaUnit::kGpuHours:
      return CheckedProduct(row.demand.gpu_devices, interval_length.count());
    case QuotaUnit::kBytesScanned:
      return 0;
  }
  return 0;
}

std::int64_t QueryAmount(QuotaUnit unit, const QuerySpend& query) {
  switch (unit) {
    case QuotaUnit::kDollars:
      return query.cost.nanos();
    case QuotaUnit::kBytesScanned:
      return query.charged ? query.data_scanned_bytes : 0;
    case QuotaUnit::kCpuHours:
    case QuotaUnit::kGpuHours:
      return 0;
  }
  return 0;
}

bool CountsContainerSpend(const Quota& quota) {
  return quota.scope.CoversContainers() && quota.limit.unit != QuotaUnit::kBytesScanned;
}

bool CountsQuerySpend(const Quota& quota) {
  return quota.scope.CoversQueries() &&
         (quota.limit.unit == QuotaUnit::kDollars || quota.limit.unit == QuotaUnit::kBytesScanned);
}

std::vector<PropertyRef> GroupingFor(const QuotaScope& scope) {
  std::vector<PropertyRef> grouping;
  if (scope.cluster) grouping.push_back({CostProperty::kCluster, ""});
  if (scope.namespace_name) grouping.push_back({CostProperty::kNamespace, ""});
  if (scope.team) grouping.push_back({CostProperty::kTeam, ""});
  for (const auto& [key, value] : scope.labels) grouping.push_back({CostProperty::kLabel, key});
  return grouping;
}

QuotaUsage::QuotaUsage(Quota quota, TimeWindow period)
    : quota_(std::move(quota)), period_(period) {}

bool QuotaUsage::RollTo(std::chrono::sys_seconds at, const ZoneRules& zone) {
  if (at < period_.end) return false;
  period_ = QuotaPeriodWindow(quota_.period, at, zone);
  spent_ = 0;
  queries_counted_.clear();
  return true;
}

bool QuotaUsage::AddBatch(const IntervalBatch& batch, const PodLabelsLookup& pod_labels) {
  for (const PricedQuery& q : batch.queries) AddQuery(ToQuerySpend(batch.cluster, q));

  const std::chrono::sys_seconds start = batch.costs.start;
  if (start < period_.start || start >= period_.end || start < counted_through_) return false;
  const auto next = next_interval_by_cluster_.find(batch.cluster);
  if (next != next_interval_by_cluster_.end() && start < next->second) return false;

  std::map<std::pair<std::string_view, std::string_view>, const Labels*> changed;
  for (const PodLabelSet& p : batch.pod_labels) changed[{p.namespace_name, p.pod}] = &p.labels;
  const Labels none;
  // Whether spend of a container or volume share with these labels is in the quota's scope.
  const auto in_scope = [&](const CostLabels& l) {
    const Labels* labels = nullptr;
    if (const auto it = changed.find({l.namespace_name, l.pod}); it != changed.end()) {
      labels = it->second;
    } else if (pod_labels) {
      labels = pod_labels(l.namespace_name, l.pod);
    }
    const std::string_view cluster = l.cluster.empty() ? batch.cluster : l.cluster.str();
    return ScopeMatchesContainer(quota_.scope, cluster, l.namespace_name, l.team,
                                 labels != nullptr ? *labels : none);
  };
  for (const ContainerCostRow& row : batch.costs.containers) {
    if (in_scope(row.labels)) Add(ContainerAmount(quota_.limit.unit, row, batch.costs.length));
  }
  // Volumes (rule 9) count in dollars, as in /v1/allocation's totalCost.
  if (quota_.limit.unit == QuotaUnit::kDollars) {
    for (const VolumeShareRow& share : batch.costs.volume_shares) {
      if (in_scope(share.labels)) Add(share.cost.nanos());
    }
  }
  next_interval_by_cluster_.insert_or_assign(batch.cluster, start + batch.costs.length);
  return true;
}

bool QuotaUsage::AddQuery(const QuerySpend& query) {
  if (query.submitted < period_.start || query.submitted >= period_.end) return false;
  if (!ScopeMatchesQuery(quota_.scope, query.cluster, query.work_group, query.team)) return false;
  if (!queries_counted_.insert(query.query_execution_id).second) return false;
  Add(QueryAmount(quota_.limit.unit, query));
  return true;
}

void QuotaUsage::AddStored(const AllocationRow& row, std::span<const PropertyRef> grouping) {
  if (row.values.size() != grouping.size()) {
    throw std::invalid_argument("QuotaUsage::AddStored: values do not match the grouping");
  }
  if (!quota_.scope.CoversContainers()) return;
  if (row.last_end <= period_.start || row.first_start >= period_.end) return;
  const QuotaScope& s = quota_.scope;
  const auto value = [&](CostProperty property, const std::string& label = {}) {
    return std::string_view(*ValueOf(row, grouping, {property, label}));
  };
  if (s.cluster && value(CostProperty::kCluster) != *s.cluster) return;
  if (s.namespace_name && value(CostProperty::kNamespace) != *s.namespace_name) return;
  if (s.team && value(CostProperty::kTeam) != *s.team) return;
  for (const auto& [key, wanted] : s.labels) {
    // The store reports "" for a label a pod does not have; an empty wanted value is ambiguous
    // there and is taken as present.
    if (value(CostProperty::kLabel, key) != wanted) return;
  }
  switch (quota_.limit.unit) {
    case QuotaUnit::kDollars:
      // Volumes too (rule 9): /v1/allocation's totalCost of the same scope, nano for nano.
      Add((row.cpu_cost + row.ram_cost + row.gpu_cost + row.pv_cost).nanos());
      break;
    case QuotaUnit::kCpuHours:
      Add(Whole(row.cpu_allocated_millicore_seconds));
      break;
    case QuotaUnit::kGpuHours:
      Add(Whole(row.gpu_device_seconds));
      break;
    case QuotaUnit::kBytesScanned:
      break;
  }
}

void QuotaUsage::MarkCountedThrough(std::chrono::sys_seconds through) {
  counted_through_ = std::max(counted_through_, through);
}

void QuotaUsage::Add(std::int64_t amount) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(spent_, amount, &sum)) {
    throw std::overflow_error("quota spend exceeds int64");
  }
  spent_ = sum;
}

}  // namespace costledger::model
