#include "costledger/model/work_counter.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

std::vector<CounterSample> SortedSamples(std::span<const CounterSample> samples) {
  std::vector<CounterSample> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const CounterSample& a, const CounterSample& b) { return a.at < b.at; });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (!std::isfinite(sorted[i].value) || sorted[i].value < 0) {
      throw InvalidInput(fmt::format("work counter: invalid value {}", sorted[i].value));
    }
    if (i > 0 && sorted[i].at == sorted[i - 1].at) {
      throw InvalidInput("work counter: two samples at the same time");
    }
  }
  return sorted;
}

/// Increase over sorted[first..last] (indices), resets handled.
double IncreaseBetween(const std::vector<CounterSample>& sorted, std::size_t first,
                       std::size_t last) {
  double increase = 0;
  for (std::size_t i = first + 1; i <= last; ++i) {
    increase += CounterDelta(sorted[i - 1].value, sorted[i].value);
  }
  return increase;
}

/// Index of the sample taken exactly at `at`, if any.
std::optional<std::size_t> SampleAt(const std::vector<CounterSample>& sorted,
                                    std::chrono::sys_seconds at) {
  const auto it =
      std::lower_bound(sorted.begin(), sorted.end(), at,
                       [](const CounterSample& s, std::chrono::sys_seconds t) { return s.at < t; });
  if (it == sorted.end() || it->at != at) return std::nullopt;
  return static_cast<std::size_t>(it - sorted.begin());
}

std::optional<double> PerItem(Money cost, double increase) {
  if (!(increase > 0)) return std::nullopt;
  return cost.Dollars() / increase;
}

}  // namespace

double CounterDelta(double previous, double current) {
  return current >= previous ? current - previous : current;
}

double CounterIncrease(std::span<const CounterSample> samples) {
  const std::vector<CounterSample> sorted = SortedSamples(samples);
  if (sorted.size() < 2) return 0;
  return IncreaseBetween(sorted, 0, sorted.size() - 1);
}

WorkCost CostPerUnitOfWork(std::span<const WorkIntervalCost> intervals,
                           std::span<const CounterSample> samples) {
  std::vector<WorkIntervalCost> sorted_intervals(intervals.begin(), intervals.end());
  std::sort(sorted_intervals.begin(), sorted_intervals.end(),
            [](const WorkIntervalCost& a, const WorkIntervalCost& b) {
              return a.interval.start < b.interval.start;
            });
  for (std::size_t i = 0; i < sorted_intervals.size(); ++i) {
    const WorkIntervalCost& c = sorted_intervals[i];
    if (c.interval.end <= c.interval.start) {
      throw InvalidInput("work cost: empty or inverted interval");
    }
    if (c.cost < Money{}) throw InvalidInput("work cost: negative interval cost");
    if (i > 0 && c.interval.start < sorted_intervals[i - 1].interval.end) {
      throw InvalidInput("work cost: overlapping intervals");
    }
  }

  std::vector<CounterSample> sorted = SortedSamples(samples);
  WorkCost result;
  if (!sorted_intervals.empty()) {
    const auto span_start = sorted_intervals.front().interval.start;
    const auto span_end = sorted_intervals.back().interval.end;
    std::erase_if(sorted,
                  [&](const CounterSample& s) { return s.at < span_start || s.at > span_end; });
  }

  const bool have_span = sorted.size() >= 2;
  if (have_span) result.window.increase = IncreaseBetween(sorted, 0, sorted.size() - 1);
  result.intervals.reserve(sorted_intervals.size());
  for (const WorkIntervalCost& c : sorted_intervals) {
    IntervalWorkCost w;
    w.interval = c.interval;
    w.cost = c.cost;
    const auto first = SampleAt(sorted, c.interval.start);
    const auto last = SampleAt(sorted, c.interval.end);
    if (first && last) {
      w.increase = IncreaseBetween(sorted, *first, *last);
      w.cost_per_item_dollars = PerItem(c.cost, *w.increase);
    }
    result.window.total_cost += c.cost;
    if (have_span && c.interval.start >= sorted.front().at && c.interval.end <= sorted.back().at) {
      result.window.covered_cost += c.cost;
    }
    result.intervals.push_back(w);
  }
  result.window.cost_per_item_dollars = PerItem(result.window.covered_cost, result.window.increase);
  return result;
}

}  // namespace costledger::model
