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
  /// Aggregate values joined by '/' (a '/' inside a value is written "%2F", so the parts always
  /// match the aggregate), "__unallocated__" for an empty value, "__idle__" for idle.
  std::string name;
  /// OpenCost property -> value ("cluster", "namespace", "controller", "controllerKind", ...):
  /// the aggregate's and every other grouped property all rows of the allocation share.
  std::map<std::string, std::string> properties;
  std::map<std::string, std::string> labels;       ///< grouped labels all rows share
  std::map<std::string, std::string> annotations;  ///< annotation:<name> aggregates ("")
  TimeWindow window;                               ///< the set's window
  std::chrono::sys_seconds start;                  ///< earliest interval start
  std::chrono::sys_seconds end;                    ///< latest interval end
  AllocationRow sums;                              ///< summed quantities and costs
  model::Money cpu_idle_cost;  ///< shared idle included in sums.cpu_cost (shareIdle)
  model::Money ram_idle_cost;
  model::Money gpu_idle_cost;
  /// Its share of shared namespaces, labels and overhead (shareNamespaces, shareLabels,
  /// shareCost); not in `sums`.
  model::Money shared_cost;
  model::Money TotalCost() const;  ///< sums' cpu + ram + gpu, plus shared_cost
};

struct AllocationSet {
  TimeWindow window;
  std::vector<Allocation> allocations;  ///< sorted by name
};

/// The properties the store must group rows by to answer `request` for `scope`: the aggregate
/// (or cluster/node/namespace/pod/container by default; derived ones such as deployment by the
/// controller kind and name), the filtered properties, the cluster (idle is shared per
/// cluster; per node too with idleByNode), the namespace and labels of shared costs, and the
/// team when the scope is limited. Sorted, unique.
std::vector<PropertyRef> GroupingFor(const AllocationRequest& request, const TeamScope& scope);

/// Builds OpenCost allocation sets from stored rows (pure). `rows` are grouped by `grouping`
/// (GroupingFor) and not filtered; idle rows by node; row.step counts read steps
/// (request.SetOfReadStep maps them to sets). Per set: idle is shared per cluster (or node) to
/// its rows in proportion to their cost of each resource (exactly, largest remainder), or kept
/// as one "__idle__" allocation; rows of shared namespaces and labels leave the result and,
/// with the shareCost overhead, are shared to the allocations the filter selects (weighted by
/// their total cost or evenly, exactly; a limited scope gets the part of its rows); then the
/// filter and the scope select rows (a limited scope never sees unshared idle) and rows merge
/// by aggregate name. Every nano-dollar of the selected rows, idle and shared costs appears
/// exactly once.
std::vector<AllocationSet> BuildAllocationSets(const AllocationRequest& request,
                                               const TeamScope& scope,
                                               std::span<const PropertyRef> grouping,
                                               std::span<const AllocationRow> rows,
                                               std::span<const IdleRow> idle);

/// The name used for an empty property value, as OpenCost does.
inline constexpr std::string_view kUnallocated = "__unallocated__";
inline constexpr std::string_view kIdleName = "__idle__";

}  // namespace costledger::model
