#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "costledger/model/money.hpp"
#include "costledger/model/offering_efficiency.hpp"
#include "costledger/model/offering_key.hpp"
#include "costledger/model/resource_seconds.hpp"
#include "costledger/model/window.hpp"

namespace costledger::model {

/// One node's life within the window, as the collector saw it.
struct NodeLifetime {
  std::string node;
  OfferingKey offering;
  /// The windows in which the node was present: the intervals it was seen in, the last one
  /// possibly cut short (a node that vanished mid-interval). Any order; gaps (missed scrapes)
  /// are fine; they must not overlap. At least one.
  std::vector<TimeWindow> present;
  /// The node was gone after its last present window (rather than still there at the window's
  /// end).
  bool disappeared = false;
  /// When it disappeared, pods in a non-terminal phase (Pending, Running, Unknown) were still
  /// bound to it: their work had not finished.
  bool unfinished_pods_at_disappearance = false;
  /// What its pods used while it was present (same units as NodeIntervalRecord).
  ResourceSeconds used;

  /// A spot interruption: a spot node that disappeared before its pods finished. An on-demand
  /// node that disappears (scale-down, drain) and a spot node with nothing left running are not.
  bool Interrupted() const;
};

/// How much work an interruption loses. The work its pods did since their last checkpoint is
/// modelled as `lost_work` of the node's average used capacity (its usage over its present
/// time / that time), capped at all the work it did in the window.
struct InterruptionAssumption {
  std::chrono::seconds lost_work{1800};

  /// The assumption in words, to be shown next to every adjusted figure.
  std::string Describe() const;
};

/// Interruptions of one offering over a window.
struct OfferingInterruptions {
  OfferingKey offering;
  std::int64_t nodes = 0;         ///< node lifetimes seen
  std::int64_t node_seconds = 0;  ///< total present time
  std::int64_t interruptions = 0;
  ResourceSeconds lost;  ///< used capacity lost to interruptions, per the assumption
  /// interruptions / node-hours; 0 for on-demand offerings; nullopt without node time.
  std::optional<double> interruptions_per_node_hour;
  friend bool operator==(const OfferingInterruptions&, const OfferingInterruptions&) = default;
};

/// The work an interrupted node lost under `assumption`: used x min(L, present) / present,
/// rounded down; zero when it was not interrupted. Throws InvalidInput as CountInterruptions.
ResourceSeconds LostWork(const NodeLifetime& lifetime, const InterruptionAssumption& assumption);

/// Counts interruptions and lost work per offering (node group cleared unless `grouping` keeps
/// it), sorted by OfferingKey. Throws InvalidInput for a lifetime without present windows, an
/// empty or inverted window, overlapping windows, negative usage or a negative assumption.
std::vector<OfferingInterruptions> CountInterruptions(
    std::span<const NodeLifetime> lifetimes, const InterruptionAssumption& assumption,
    OfferingGrouping grouping = OfferingGrouping::kOffering);

/// An offering's effective costs with the work lost to interruptions priced back in.
/// Lost work was paid for (it is in the pool cost) but produced nothing, so the cost per useful
/// unit is pool cost / (used - lost). Redoing the work is not added to the numerator: a rerun is
/// billed as usage when it runs, and counting it again here would charge the loss twice.
struct InterruptionAdjustedCost {
  OfferingKey offering;
  std::int64_t interruptions = 0;
  std::optional<double> interruptions_per_node_hour;
  ResourceSeconds lost;
  /// The pool cost spent on lost work: per resource pool x lost / used (half-even; the whole
  /// pool when lost >= used; zero without usage), summed.
  Money lost_work_cost;
  /// pool / (used - lost) per unit-hour; nullopt when nothing useful is left (used <= lost).
  std::optional<Money> adjusted_cost_per_used_vcpu_hour;
  std::optional<Money> adjusted_cost_per_used_gib_hour;
  std::optional<Money> adjusted_cost_per_used_gpu_hour;
  std::string assumption;  ///< InterruptionAssumption::Describe()
  friend bool operator==(const InterruptionAdjustedCost&,
                         const InterruptionAdjustedCost&) = default;
};

/// Combines an offering's efficiency with its interruptions (nullptr: none seen, e.g. an
/// on-demand offering). Throws InvalidInput when the two are of different offerings.
InterruptionAdjustedCost AdjustForInterruptions(const OfferingEfficiency& efficiency,
                                                const OfferingInterruptions* interruptions,
                                                const InterruptionAssumption& assumption);

}  // namespace costledger::model
