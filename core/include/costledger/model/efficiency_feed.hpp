#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "costledger/model/cost_rows.hpp"
#include "costledger/model/interruptions.hpp"
#include "costledger/model/offering_efficiency.hpp"
#include "costledger/model/usage_series.hpp"
#include "costledger/model/window.hpp"
#include "costledger/model/workload_activity.hpp"
#include "costledger/model/workload_summary.hpp"

namespace costledger::model {

/// One offering's figures for the scaling engine: efficiency and its interruption-adjusted costs.
struct OfferingFeed {
  OfferingEfficiency efficiency;
  InterruptionAdjustedCost adjusted;
  friend bool operator==(const OfferingFeed&, const OfferingFeed&) = default;
};

/// How the stored rows of a window are read as node lifetimes.
struct OfferingFeedSettings {
  /// The collector's interval. A node counts as gone when its last row ends more than one
  /// interval before the newest row of its cluster in the window (one missed scrape is not a
  /// disappearance).
  std::chrono::seconds interval{60};
  InterruptionAssumption assumption;
  /// Per offering and node group by default: nodes without a group (NodeAssetRow::node_group
  /// "") form the offering's own entry; kOffering merges the groups of an offering.
  OfferingGrouping grouping = OfferingGrouping::kOfferingAndNodeGroup;
};

/// Builds the offering feed from what the stores report for one window:
/// - `nodes`: one row per node (AssetReader::ReadAssets): its offering, present time, pools;
/// - `usage`: container sums for the whole window grouped by cluster, node and controller kind
///   (AllocationReader::ReadAllocations with those three properties, one step).
/// Each node becomes one NodeIntervalRecord of its offering and node group spanning its present
/// time (price: its highest in the window) and one NodeLifetime present in [last_end - seconds,
/// last_end). A node is interrupted when it is spot, gone (see OfferingFeedSettings::interval) and
/// containers of a controller other than a DaemonSet were stored in its last interval (their pods
/// were still bound when it went). Rows of unknown capacity types count as on-demand. Sorted by
/// offering (instance type, capacity type, zone, node group). Throws InvalidInput as
/// OfferingEfficiencyAccumulator::Add and CountInterruptions.
std::vector<OfferingFeed> BuildOfferingFeed(std::span<const NodeAssetRow> nodes,
                                            std::span<const AllocationRow> usage,
                                            const OfferingFeedSettings& settings);

/// The name of a workload as the feed shows it: "namespace/workload" where the platform named
/// it (JupyterHub, Airflow, Spark, Ray: issue 8), else "namespace/controller".
std::string FeedWorkloadName(const std::string& namespace_name, const std::string& controller,
                             const std::string& platform, const std::string& workload);

/// One part of a workload feed's window, read at one step: rows grouped by namespace,
/// controller, platform and workload, then team and cluster (AllocationReader::ReadAllocations,
/// step indexes from `window.start`).
struct WorkloadFeedPart {
  TimeWindow window;
  std::chrono::seconds step{3600};
  std::span<const AllocationRow> rows;
  /// A part read by whole days: the time each workload ran per day (step), as the daily rollup
  /// keeps it. nullopt: each step's rows give it (from their first start to their last end).
  std::optional<std::span<const WorkloadActivityRow>> activity;
};

/// Builds the workload feed of `window` from its parts (disjoint, inside `window`):
/// - rows of one name and step (e.g. two controllers of one Spark app) merge into one interval
///   of the workload; the time it ran in the step is, per cluster and team it ran in, the time
///   from its first start to its last end within the step (a whole step if those give none),
///   summed; in a part with `activity`, that day's WorkloadActivityRow of each cluster and team
///   (a row missing: as without activity);
/// - `usage`: hourly usage series (UsageSeriesReader) for the recommendations, priced at the
///   workload's own cost per requested core-hour and GiB-hour over the window;
/// - `work`: per workload name, its work over the window (CostPerUnitOfWork), when it has a
///   counter.
/// Sorted by workload name. Throws InvalidInput as WorkloadEfficiencyAccumulator::Add.
std::vector<WorkloadSummary> BuildWorkloadFeed(
    std::span<const WorkloadFeedPart> parts, TimeWindow window,
    std::span<const ContainerUsageSeries> usage, const RightsizingPolicy& policy,
    const std::map<std::string, WindowWorkCost, std::less<>>& work);

/// The same, of one part: `rows` of `window` cut into `step`s.
std::vector<WorkloadSummary> BuildWorkloadFeed(
    std::span<const AllocationRow> rows, TimeWindow window, std::chrono::seconds step,
    std::span<const ContainerUsageSeries> usage, const RightsizingPolicy& policy,
    const std::map<std::string, WindowWorkCost, std::less<>>& work);

/// What a scaling engine ranks offerings by: the interruption-adjusted cost per used GPU-hour
/// for offerings with GPUs, else per used vCPU-hour. nullopt when the offering had no usage.
std::optional<Money> RankingCost(const OfferingFeed& feed);

/// Offerings without GPUs, then those with GPUs (a cost per vCPU-hour and one per GPU-hour do
/// not compare); within each, cheapest first by RankingCost; those without one go last, by
/// average price per vCPU-hour of capacity. Ties by offering key.
std::vector<OfferingFeed> RankOfferings(std::vector<OfferingFeed> feeds);

}  // namespace costledger::model
