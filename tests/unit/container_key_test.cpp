#include "costledger/postgres/container_key.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace costledger::postgres {
namespace {

model::ContainerCostRow Row(std::string ns, std::string pod, std::string container) {
  model::ContainerCostRow r;
  r.labels.namespace_name = std::move(ns);
  r.labels.pod = std::move(pod);
  r.labels.container = std::move(container);
  return r;
}

TEST(ContainerKeyTest, StableAcrossRunsAndMachines) {
  // FNV-1a 64 of "ns\\0pod\\0c": pinned so a change of hash (which would re-key stored rows and
  // break idempotent replays across versions) fails here.
  EXPECT_EQ(ContainerKey("ns", "pod", "c"), ContainerKey("ns", "pod", "c"));
  EXPECT_EQ(static_cast<std::uint64_t>(ContainerKey("", "", "")), 0x08328807b4eb6fedULL);
  EXPECT_NE(ContainerKey("a", "b/c", "d"), ContainerKey("a", "b", "c/d"));
}

TEST(ContainerKeyTest, KeysAreUniqueAndIndependentOfRowOrder) {
  std::vector<model::ContainerCostRow> rows;
  for (int i = 0; i < 20'000; ++i) {
    rows.push_back(Row("ns" + std::to_string(i % 7), "pod-" + std::to_string(i), "main"));
  }
  const std::vector<std::int64_t> keys = ContainerKeys(rows);
  EXPECT_EQ(std::set<std::int64_t>(keys.begin(), keys.end()).size(), rows.size());
  std::vector<std::size_t> perm(rows.size());
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  std::shuffle(perm.begin(), perm.end(), std::mt19937(5));
  std::vector<model::ContainerCostRow> shuffled;
  for (const std::size_t i : perm) shuffled.push_back(rows[i]);
  const std::vector<std::int64_t> again = ContainerKeys(shuffled);
  for (std::size_t k = 0; k < perm.size(); ++k) ASSERT_EQ(again[k], keys[perm[k]]);
}

TEST(ContainerKeyTest, CollidingNamesAreReKeyedDeterministically) {
  // The same name twice stands in for a hash collision: the second gets a salted key.
  const std::vector<model::ContainerCostRow> rows{Row("a", "p", "c"), Row("a", "p", "c")};
  const std::vector<std::int64_t> keys = ContainerKeys(rows);
  EXPECT_NE(keys[0], keys[1]);
  EXPECT_TRUE(keys[0] == ContainerKey("a", "p", "c") || keys[1] == ContainerKey("a", "p", "c"));
  EXPECT_EQ(ContainerKeys(rows), keys);
}

}  // namespace
}  // namespace costledger::postgres
