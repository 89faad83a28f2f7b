// The PostgreSQL adapter's in-memory hourly rollup (adapters/postgres/src/hour_rollup.hpp,
// private: tested from its sources), without a server: what it keeps does not depend on the
// order of a batch's containers, and comes out in key order.
#include "hour_rollup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "sample_batches.hpp"

namespace costledger::postgres {
namespace {

using std::chrono::minutes;
using std::chrono::sys_seconds;

const sys_seconds kHour{std::chrono::seconds{1'763'287'200}};  // 2025-11-16T10:00:00Z

auto KeyOf(const HourlyContainerRow& r) {
  return std::tie(r.labels.namespace_name, r.labels.pod, r.labels.container, r.labels.node);
}

void ExpectSameRows(const std::vector<HourlyContainerRow>& a,
                    const std::vector<HourlyContainerRow>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(KeyOf(a[i]), KeyOf(b[i]));
    EXPECT_EQ(a[i].labels.team, b[i].labels.team);
    EXPECT_EQ(a[i].labels.controller, b[i].labels.controller);
    for (std::size_t c = 0; c < kContainerColumns.size(); ++c) {
      if (!IsRollupValue(kContainerColumns[c])) continue;
      const std::size_t v = RollupValueIndex(c);
      if (kContainerColumns[c].type == SqlType::kDoublePrecision) {
        EXPECT_DOUBLE_EQ(a[i].values[v].real(), b[i].values[v].real())
            << "row " << i << " value " << v;
      } else {
        EXPECT_EQ(a[i].values[v].whole, b[i].values[v].whole) << "row " << i << " value " << v;
      }
    }
  }
}

// Six 10-minute batches whose containers come and go, with a label that changes.
std::vector<model::IntervalBatch> Hour() {
  std::vector<model::IntervalBatch> out;
  for (int i = 0; i < 6; ++i) {
    model::IntervalBatch b =
        testing::MakeBatch("prod", kHour + minutes(10 * i), 3, 8 + i, minutes(10));
    for (std::size_t j = 0; j < b.costs.containers.size(); ++j) {
      model::ContainerCostRow& r = b.costs.containers[j];
      if (i % 2 == 1) r.labels.team = "team-" + std::to_string(5 - i);
      if (j % 3 == 0) r.gpu_busy_devices = 0.25 * static_cast<double>(j % 5);
    }
    out.push_back(std::move(b));
  }
  return out;
}

// The index in RollupValues of the rollup column `name`.
std::size_t ValueOf(std::string_view name) {
  for (std::size_t i = 0; i < kContainerColumns.size(); ++i) {
    if (IsRollupValue(kContainerColumns[i]) && kContainerColumns[i].name == name) {
      return RollupValueIndex(i);
    }
  }
  ADD_FAILURE() << "no rollup value " << name;
  return 0;
}

std::set<std::int64_t> Intervals(const std::vector<model::IntervalBatch>& batches) {
  std::set<std::int64_t> out;
  for (const auto& b : batches) out.insert(b.costs.start.time_since_epoch().count());
  return out;
}

TEST(HourRollupTest, RowsComeInKeyOrder) {
  HourRollup rollup;
  const auto batches = Hour();
  for (const auto& b : batches) rollup.Add(b);
  const auto rows = rollup.Take("prod", kHour, Intervals(batches));
  ASSERT_TRUE(rows.has_value());
  ASSERT_GT(rows->size(), 20u);
  EXPECT_TRUE(std::is_sorted(rows->begin(), rows->end(),
                             [](const auto& a, const auto& b) { return KeyOf(a) < KeyOf(b); }));
}

// Each batch's containers in another order (and a pod renamed in place in one of them): the
// rows found by their place in the previous batch must still be the right ones.
TEST(HourRollupTest, ContainerOrderWithinBatchesDoesNotMatter) {
  const auto batches = Hour();
  auto shuffled = batches;
  std::mt19937 rng(7);
  for (std::size_t i = 0; i < shuffled.size(); ++i) {
    auto& containers = shuffled[i].costs.containers;
    if (i % 2 == 0) std::shuffle(containers.begin(), containers.end(), rng);
  }
  auto renamed_in_order = batches;
  auto renamed_shuffled = shuffled;
  model::SharedText& renamed = renamed_in_order[3].costs.containers[0].labels.pod;
  renamed = renamed.str() + "-new";
  for (auto& r : renamed_shuffled[3].costs.containers) {
    if (r.labels.pod == batches[3].costs.containers[0].labels.pod &&
        r.labels.container == batches[3].costs.containers[0].labels.container) {
      r.labels.pod = r.labels.pod.str() + "-new";
    }
  }
  HourRollup in_order;
  HourRollup out_of_order;
  for (const auto& b : renamed_in_order) in_order.Add(b);
  for (const auto& b : renamed_shuffled) out_of_order.Add(b);
  const auto expected = in_order.Take("prod", kHour, Intervals(batches));
  const auto actual = out_of_order.Take("prod", kHour, Intervals(batches));
  ASSERT_TRUE(expected.has_value());
  ASSERT_TRUE(actual.has_value());
  ExpectSameRows(*expected, *actual);
  EXPECT_TRUE(std::any_of(expected->begin(), expected->end(), [](const HourlyContainerRow& r) {
    return r.labels.pod.str().ends_with("-new") && r.values[ValueOf("intervals")].whole == 1;
  }));
}

}  // namespace
}  // namespace costledger::postgres
