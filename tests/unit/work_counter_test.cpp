#include "costledger/model/work_counter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr sys_seconds kT0{seconds(1'700'000'000)};

sys_seconds At(std::int64_t s) { return kT0 + seconds(s); }

WorkIntervalCost Cost(std::int64_t from_s, std::int64_t to_s, std::int64_t nanos) {
  return {.interval = {At(from_s), At(to_s)}, .cost = Money::FromNanos(nanos)};
}

/// Three minutes at $0.06, $0.06 and $0.03.
std::vector<WorkIntervalCost> ThreeMinutes() {
  return {Cost(0, 60, 60'000'000), Cost(60, 120, 60'000'000), Cost(120, 180, 30'000'000)};
}

TEST(WorkCounterTest, DeltaTreatsADecreaseAsAReset) {
  EXPECT_EQ(CounterDelta(10, 15), 5);
  EXPECT_EQ(CounterDelta(5, 5), 0);
  EXPECT_EQ(CounterDelta(15, 3), 3);  // reset: the new value counted from zero
  EXPECT_EQ(CounterDelta(15, 0), 0);
}

TEST(WorkCounterTest, IncreaseSumsDeltasInTimeOrder) {
  const std::vector<CounterSample> samples = {
      {At(120), 20}, {At(0), 100}, {At(180), 50}, {At(60), 160}};
  // 100 -> 160 (+60), reset to 20 (+20), -> 50 (+30).
  EXPECT_EQ(CounterIncrease(samples), 110);
  EXPECT_EQ(CounterIncrease(std::span(samples.data(), 1)), 0);
  EXPECT_EQ(CounterIncrease({}), 0);
}

TEST(WorkCounterTest, InvalidSamplesAreRejected) {
  const std::vector<CounterSample> twice = {{At(0), 1}, {At(0), 2}};
  EXPECT_THROW((void)CounterIncrease(twice), InvalidInput);
  const std::vector<CounterSample> negative = {{At(0), -1}};
  EXPECT_THROW((void)CounterIncrease(negative), InvalidInput);
  const std::vector<CounterSample> nan = {{At(0), std::numeric_limits<double>::quiet_NaN()}};
  EXPECT_THROW((void)CounterIncrease(nan), InvalidInput);
  const std::vector<CounterSample> inf = {{At(0), std::numeric_limits<double>::infinity()}};
  EXPECT_THROW((void)CounterIncrease(inf), InvalidInput);
}

TEST(WorkCounterTest, CostPerItemPerIntervalAndOverTheWindowWithAReset) {
  const std::vector<CounterSample> samples = {
      {At(0), 100}, {At(60), 160}, {At(120), 20}, {At(180), 50}};
  const WorkCost w = CostPerUnitOfWork(ThreeMinutes(), samples);
  ASSERT_EQ(w.intervals.size(), 3U);
  EXPECT_EQ(w.intervals[0].increase, 60);
  EXPECT_DOUBLE_EQ(*w.intervals[0].cost_per_item_dollars, 0.001);
  EXPECT_EQ(w.intervals[1].increase, 20);  // the reset: 160 -> 20 counts 20
  EXPECT_DOUBLE_EQ(*w.intervals[1].cost_per_item_dollars, 0.003);
  EXPECT_EQ(w.intervals[2].increase, 30);
  EXPECT_DOUBLE_EQ(*w.intervals[2].cost_per_item_dollars, 0.001);
  EXPECT_EQ(w.window.total_cost, Money::FromNanos(150'000'000));
  EXPECT_EQ(w.window.covered_cost, Money::FromNanos(150'000'000));
  EXPECT_EQ(w.window.increase, 110);
  EXPECT_DOUBLE_EQ(*w.window.cost_per_item_dollars, 0.15 / 110);
}

TEST(WorkCounterTest, NoWorkIsNullNotADivisionByZero) {
  const std::vector<CounterSample> flat = {{At(0), 7}, {At(60), 7}, {At(120), 7}, {At(180), 7}};
  const WorkCost w = CostPerUnitOfWork(ThreeMinutes(), flat);
  for (const auto& i : w.intervals) {
    EXPECT_EQ(i.increase, 0);
    EXPECT_EQ(i.cost_per_item_dollars, std::nullopt);
  }
  EXPECT_EQ(w.window.increase, 0);
  EXPECT_EQ(w.window.cost_per_item_dollars, std::nullopt);
}

TEST(WorkCounterTest, NoSamplesLeavesEverythingUncovered) {
  const WorkCost w = CostPerUnitOfWork(ThreeMinutes(), {});
  ASSERT_EQ(w.intervals.size(), 3U);
  EXPECT_EQ(w.intervals[0].increase, std::nullopt);
  EXPECT_EQ(w.window.total_cost, Money::FromNanos(150'000'000));
  EXPECT_EQ(w.window.covered_cost, Money{});
  EXPECT_EQ(w.window.cost_per_item_dollars, std::nullopt);
}

TEST(WorkCounterTest, MissedSampleSpansTwoIntervalsInTheWindow) {
  // The reading at 60 s is missing: the first two minutes have no figure of their own, but the
  // window still counts their work and their cost.
  const std::vector<CounterSample> samples = {{At(0), 100}, {At(120), 220}, {At(180), 250}};
  const WorkCost w = CostPerUnitOfWork(ThreeMinutes(), samples);
  EXPECT_EQ(w.intervals[0].increase, std::nullopt);
  EXPECT_EQ(w.intervals[1].increase, std::nullopt);
  EXPECT_EQ(w.intervals[2].increase, 30);
  EXPECT_EQ(w.window.increase, 150);
  EXPECT_EQ(w.window.covered_cost, Money::FromNanos(150'000'000));
  EXPECT_DOUBLE_EQ(*w.window.cost_per_item_dollars, 0.001);
}

TEST(WorkCounterTest, IntervalsBeforeTheFirstSampleAreNotCovered) {
  const std::vector<CounterSample> samples = {{At(60), 160}, {At(120), 190}, {At(180), 220}};
  const WorkCost w = CostPerUnitOfWork(ThreeMinutes(), samples);
  EXPECT_EQ(w.intervals[0].increase, std::nullopt);
  EXPECT_EQ(w.window.total_cost, Money::FromNanos(150'000'000));
  EXPECT_EQ(w.window.covered_cost, Money::FromNanos(90'000'000));
  EXPECT_EQ(w.window.increase, 60);
  EXPECT_DOUBLE_EQ(*w.window.cost_per_item_dollars, 0.0015);
}

TEST(WorkCounterTest, SamplesOutsideTheIntervalsAreIgnored) {
  const std::vector<CounterSample> samples = {{At(-60), 0},  {At(0), 100},  {At(60), 160},
                                              {At(120), 20}, {At(180), 50}, {At(240), 900}};
  const WorkCost w = CostPerUnitOfWork(ThreeMinutes(), samples);
  EXPECT_EQ(w.window.increase, 110);
}

TEST(WorkCounterTest, SubNanoDollarCostPerItemIsKept) {
  // $0.01 for 1e8 requests: 1e-10 $ each, below Money's resolution.
  const std::vector<WorkIntervalCost> one = {Cost(0, 60, 10'000'000)};
  const std::vector<CounterSample> samples = {{At(0), 0}, {At(60), 1e8}};
  const WorkCost w = CostPerUnitOfWork(one, samples);
  EXPECT_DOUBLE_EQ(*w.intervals[0].cost_per_item_dollars, 1e-10);
}

TEST(WorkCounterTest, IntervalOrderDoesNotMatter) {
  std::vector<WorkIntervalCost> intervals = ThreeMinutes();
  std::vector<CounterSample> samples = {{At(0), 100}, {At(60), 160}, {At(120), 20}, {At(180), 50}};
  const WorkCost reference = CostPerUnitOfWork(intervals, samples);
  std::mt19937 rng(3);
  for (int i = 0; i < 10; ++i) {
    std::shuffle(intervals.begin(), intervals.end(), rng);
    std::shuffle(samples.begin(), samples.end(), rng);
    ASSERT_EQ(CostPerUnitOfWork(intervals, samples), reference);
  }
}

TEST(WorkCounterTest, PerIntervalIncreasesAddUpToTheWindowWhenEverySampleIsThere) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 100; ++round) {
    std::vector<WorkIntervalCost> intervals;
    std::vector<CounterSample> samples = {{At(0), 0}};
    double value = 0;
    for (std::int64_t i = 0; i < 30; ++i) {
      intervals.push_back(Cost(60 * i, 60 * (i + 1), static_cast<std::int64_t>(rng() % 1000)));
      value = rng() % 10 == 0 ? static_cast<double>(rng() % 5)  // a reset
                              : value + static_cast<double>(rng() % 100);
      samples.push_back({At(60 * (i + 1)), value});
    }
    const WorkCost w = CostPerUnitOfWork(intervals, samples);
    double sum = 0;
    for (const auto& i : w.intervals) sum += *i.increase;
    ASSERT_EQ(sum, w.window.increase);  // integers: exact
    ASSERT_EQ(w.window.covered_cost, w.window.total_cost);
  }
}

TEST(WorkCounterTest, InvalidIntervalsAreRejected) {
  const std::vector<WorkIntervalCost> inverted = {Cost(60, 0, 1)};
  EXPECT_THROW((void)CostPerUnitOfWork(inverted, {}), InvalidInput);
  const std::vector<WorkIntervalCost> empty = {Cost(60, 60, 1)};
  EXPECT_THROW((void)CostPerUnitOfWork(empty, {}), InvalidInput);
  const std::vector<WorkIntervalCost> overlapping = {Cost(0, 60, 1), Cost(30, 90, 1)};
  EXPECT_THROW((void)CostPerUnitOfWork(overlapping, {}), InvalidInput);
  const std::vector<WorkIntervalCost> negative = {Cost(0, 60, -1)};
  EXPECT_THROW((void)CostPerUnitOfWork(negative, {}), InvalidInput);
  EXPECT_NO_THROW((void)CostPerUnitOfWork({}, {}));
}

}  // namespace
}  // namespace costledger::model
