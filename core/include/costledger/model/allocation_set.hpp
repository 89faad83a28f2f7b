#pragma once

#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "costledger/model/allocation_request.hpp"
#include "costledger/model/team_scope.hpp"

namespace costledger::model {

/// One OpenCost Allocation: a named aggregate of container costs (or idle) within one set.
struct Allocation {
  std::string name;  ///< aggregate values joined by '/', "__idle__" for idle
  std::map<std::string, std::string> properties;  ///< aggregate property -> value
  std::map<std::string, std::string> labels;      ///< label:<name> aggregates
  TimeWindow window;                              ///< the set's window
  std::chrono::sys_seconds start;                 ///< earliest interval start
  std::chrono::sys_seconds end;                   ///< latest interval end
  AllocationRow sums;                             ///< summed quantities and costs
  model::Money cpu_idle_cost;  ///< shared idle included in sums.cpu_cost (shareIdle)
  model::Money ram_idle_cost;
  model::Money gpu_idle_cost;
  model::Money TotalCost() const;
};

struct AllocationSet {
  TimeWindow window;
  std::vector<Allocation> allocations;  ///< sorted by name
};

/// The properties the store must group rows by to answer `request` for `scope`: the aggregate
/// (or cluster/node/namespace/pod/container by default), the filtered properties, the cluster
/// (idle is shared per cluster) and the team when the scope is limited. Sorted, unique.
std::vector<PropertyRef> GroupingFor(const AllocationRequest& request, const TeamScope& scope);

/// Builds OpenCost allocation sets from stored rows (pure). `rows` are grouped by `grouping`
/// (GroupingFor) and not filtered; idle rows by node. Per set: idle is shared per cluster to
/// the cluster's rows in proportion to their cost of each resource (exactly, largest
/// remainder), or kept as one "__idle__" allocation; then the filter and the scope select rows
/// (a limited scope never sees unshared idle); then rows merge by aggregate name. Every
/// nano-dollar of the selected rows and idle appears exactly once.
std::vector<AllocationSet> BuildAllocationSets(const AllocationRequest& request,
                                               const TeamScope& scope,
                                               std::span<const PropertyRef> grouping,
                                               std::span<const AllocationRow> rows,
                                               std::span<const IdleRow> idle);

/// The name used for an empty property value, as OpenCost does.
inline constexpr std::string_view kUnallocated = "__unallocated__";
inline constexpr std::string_view kIdleName = "__idle__";

}  // namespace costledger::model
