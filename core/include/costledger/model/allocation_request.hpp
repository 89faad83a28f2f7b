#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "costledger/model/allocation_filter.hpp"
#include "costledger/model/cost_rows.hpp"
#include "costledger/model/money.hpp"
#include "costledger/model/window.hpp"

namespace costledger::model {

/// OpenCost's name for the property ("namespace", "controllerKind", "label:app", ...).
std::string PropertyName(const PropertyRef& ref);

/// OpenCost's `accumulate` beyond true/false: sets of whole calendar units (UTC; weeks from
/// Sunday as OpenCost's).
enum class AccumulateBy { kNone, kAll, kHour, kDay, kWeek, kMonth, kQuarter };

/// How shared costs (shareNamespaces, shareLabels, shareCost) are split (`shareSplit`).
enum class ShareSplit { kWeighted, kEven };

/// The parameters of GET /v1/allocation and OpenCost's /allocation, validated.
struct AllocationRequest {
  TimeWindow window;
  /// The step the store is read by (row.step counts these from the window start). With
  /// accumulate=true it is unused: one read step, the window.
  std::chrono::seconds step{0};
  std::vector<PropertyRef> aggregate;  ///< empty: one allocation per container
  bool accumulate = false;             ///< one set for the whole window
  /// accumulate=hour|day|week|month|quarter: the sets (calendar units cut to the window), each a
  /// whole number of read steps. Empty otherwise.
  std::vector<TimeWindow> calendar_sets;
  bool include_idle = true;   ///< `includeIdle` (alias `idle`): an __idle__ allocation per set
  bool share_idle = false;    ///< `shareIdle`: idle shared by cost instead
  bool idle_by_node = false;  ///< `idleByNode`: idle shared per node rather than per cluster
  /// `includeAggregatedMetadata`: an allocation of several pods carries the labels they share
  /// (OpenCost's intersection), not only those it is grouped by.
  bool include_aggregated_metadata = false;
  FilterNode filter;  ///< `filter` and the older filterX parameters, AND-ed
  /// `shareNamespaces`: these namespaces' costs are shared to the others.
  std::vector<std::string> share_namespaces;
  /// `shareLabels` ("key:value,..."): pods with any of these labels are shared likewise.
  std::vector<std::pair<std::string, std::string>> share_labels;
  /// `shareCost`: a monthly overhead in dollars (730 h), shared by its part of each set.
  Money share_cost_per_month;
  ShareSplit share_split = ShareSplit::kWeighted;
  /// Parameters that were ignored, for the response's `warnings`.
  std::vector<std::string> warnings;

  /// The step the store is read by: the window when accumulating everything.
  std::chrono::seconds ReadStep() const { return accumulate ? window.length() : step; }
  /// Number of read steps: ceil(window / ReadStep()).
  std::size_t ReadStepCount() const;
  /// Number of sets: the read steps, the calendar sets, or one when accumulating.
  std::size_t StepCount() const;
  /// The window of set `index`.
  TimeWindow StepWindow(std::size_t index) const;
  /// The set that read step `read_step` belongs to.
  std::size_t SetOfReadStep(std::size_t read_step) const;
  /// Whether any shared cost (namespaces, labels or overhead) is asked for.
  bool SharesCosts() const {
    return !share_namespaces.empty() || !share_labels.empty() || share_cost_per_month != Money();
  }
};

/// How ParseAllocationRequest treats parameters.
struct AllocationParseOptions {
  /// OpenCost's endpoints: parameters nobody knows are ignored and listed in `warnings`; false
  /// (/v1/allocation): they are refused.
  bool ignore_unknown = false;
  /// The default of includeIdle/idle: costledger's /v1/allocation shows idle, OpenCost does not.
  bool include_idle_default = true;
  LabelAliases aliases;
  /// At most this many sets or read steps, and aggregate properties; more is TooLarge (422).
  std::size_t max_steps = 10'000;
  std::size_t max_aggregate_keys = 8;
};

/// Parses an aggregate list such as "namespace,label:app": cluster, node, namespace,
/// controllerKind, controller ("kind:name"), deployment, statefulset, daemonset, job, pod,
/// container, service, label:<k>, annotation:<k>, department, environment, owner, product
/// (labels through `aliases`), team, and costledger's capacityType, instanceType, platform,
/// workload. Throws InvalidInput naming the allowed names.
std::vector<PropertyRef> ParseAggregate(std::string_view text, const LabelAliases& aliases = {});

/// Parses the query parameters of GET /v1/allocation and OpenCost's /allocation: window
/// (required), step, resolution, aggregate, accumulate, includeIdle/idle, idleByNode, shareIdle,
/// shareNamespaces, shareLabels, shareCost, shareSplit, filter, filterClusters, filterNodes,
/// filterNamespaces, filterControllerKinds, filterControllers, filterPods, filterContainers,
/// filterServices, filterLabels, filterAnnotations, filterDepartments, filterEnvironments,
/// filterOwners, filterProducts, filterTeams, includeAggregatedMetadata; format,
/// includeSharedCostBreakdown, includeProportionalAssetResourceCosts, reconcile,
/// shareTenancyCosts are accepted (validated) and change nothing. Throws InvalidInput naming
/// the parameter, TooLarge when the request exceeds `options`' bounds.
AllocationRequest ParseAllocationRequest(const std::multimap<std::string, std::string>& query,
                                         std::chrono::sys_seconds now,
                                         const AllocationParseOptions& options = {});

/// "true"/"false"/"1"/"0"; throws InvalidInput naming `parameter` for anything else.
bool ParseBool(std::string_view parameter, std::string_view text);

}  // namespace costledger::model
