#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <vector>

#include "costledger/model/money.hpp"
#include "costledger/model/window.hpp"

namespace costledger::model {

/// One reading of a Prometheus counter of work done (e.g. queue items processed).
struct CounterSample {
  std::chrono::sys_seconds at;
  double value = 0;
};

/// A workload's cost over one interval. (Not "IntervalCost": attribution.hpp has a function of
/// that name, which would hide the type where both headers are included.)
struct WorkIntervalCost {
  TimeWindow interval;
  Money cost;
};

/// How much a counter grew between two consecutive readings, as Prometheus' increase() and
/// rate() count it: current - previous, except that a decrease means the counter was reset and
/// the new value counts from zero (the increase is `current`). Never negative.
double CounterDelta(double previous, double current);

/// Sum of CounterDelta over consecutive samples, sorted by time here (no extrapolation to the
/// range's edges, unlike Prometheus' increase()). 0 for fewer than two samples.
/// Throws InvalidInput for a negative or non-finite value or two samples at the same time.
double CounterIncrease(std::span<const CounterSample> samples);

/// One interval's work and what each item cost.
struct IntervalWorkCost {
  TimeWindow interval;
  Money cost;
  /// Counter increase from a sample at the interval's start to one at its end; nullopt unless
  /// both exist.
  std::optional<double> increase;
  /// cost / increase in dollars; nullopt when the increase is unknown or 0. A double, not
  /// Money: per-item costs are routinely below a nano-dollar.
  std::optional<double> cost_per_item_dollars;
  friend bool operator==(const IntervalWorkCost&, const IntervalWorkCost&) = default;
};

/// The same over the whole window.
struct WindowWorkCost {
  Money total_cost;  ///< every interval
  /// Intervals inside [first sample, last sample], the span the counter accounts for. Intervals
  /// before the first sample or after the last one did work nobody counted.
  Money covered_cost;
  double increase = 0;  ///< over [first sample, last sample], resets handled
  /// covered_cost / increase in dollars; nullopt when the increase is 0.
  std::optional<double> cost_per_item_dollars;
  friend bool operator==(const WindowWorkCost&, const WindowWorkCost&) = default;
};

struct WorkCost {
  std::vector<IntervalWorkCost> intervals;  ///< sorted by start
  WindowWorkCost window;
  friend bool operator==(const WorkCost&, const WorkCost&) = default;
};

/// Cost per unit of work from a counter sampled at interval boundaries (the collector reads it
/// at each interval's end, which is the next one's start). A missed reading leaves the
/// intervals around it without a per-interval figure, but the window still counts their work:
/// the next delta spans them and their cost is covered. Samples outside the intervals' overall
/// span [first start, last end] are ignored.
/// Throws InvalidInput for an empty or inverted interval, overlapping intervals, a negative
/// cost, and as CounterIncrease.
WorkCost CostPerUnitOfWork(std::span<const WorkIntervalCost> intervals,
                           std::span<const CounterSample> samples);

}  // namespace costledger::model
