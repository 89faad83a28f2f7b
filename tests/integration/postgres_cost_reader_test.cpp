#include "costledger/postgres/postgres_cost_reader.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <random>
#include <thread>
#include <tuple>
#include <vector>

#include "costledger/model/efficiency_feed.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/query_summary.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"
#include "sample_batches.hpp"

namespace costledger::postgres {
namespace {

using model::CostProperty;
using model::Money;
using model::PropertyRef;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

// 2025-11-16T00:00:00Z, a whole day.
const sys_seconds kDay{seconds{1'763'251'200}};
const seconds kInterval = minutes(10);

class PostgresCostReaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<testing::PrivatePostgres>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = fmt::format("r_{}", info->name());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    url_ = server_->CreateDatabase(name);
    store_ = std::make_unique<PostgresStore>(url_, "");
    store_->Migrate();
    reader_ = std::make_unique<PostgresCostReader>(url_, "");
  }

  // One day and three hours of 10-minute intervals: 2 nodes x 4 containers per interval, the
  // first in node group "gpu-spot", the second in none.
  void WriteHistory(const std::string& cluster = "c1") {
    for (sys_seconds t = kDay; t < End(); t += kInterval) {
      model::IntervalBatch b = testing::MakeBatch(cluster, t, 2, 4, kInterval);
      b.costs.nodes.at(0).node_group = "gpu-spot";
      if (t == kDay) {
        for (const model::ContainerCostRow& c : b.costs.containers) {
          b.pod_labels.push_back({c.labels.namespace_name,
                                  c.labels.pod,
                                  {{"app", c.labels.container == "main" ? "web" : "proxy"}}});
        }
      }
      store_->Write(b);
    }
  }
  static sys_seconds End() { return kDay + days(1) + hours(3); }

  // Total container cost and idle as stored per interval in [from, to).
  std::pair<Money, Money> StoredTotals(sys_seconds from, sys_seconds to,
                                       const std::string& cluster = "c1") {
    Money containers;
    Money idle;
    for (const StoredIntervalTotal& t : store_->IntervalTotals(cluster, from, to)) {
      containers += Money::FromNanos(t.container_cost_nanos);
      idle += Money::FromNanos(t.idle_cost_nanos);
    }
    return {containers, idle};
  }

  static Money Cost(const std::vector<model::AllocationRow>& rows) {
    Money m;
    for (const auto& r : rows) m += r.cpu_cost + r.ram_cost + r.gpu_cost;
    return m;
  }
  static Money Cost(const std::vector<model::IdleRow>& rows) {
    Money m;
    for (const auto& r : rows) m += r.cpu_cost + r.ram_cost + r.gpu_cost;
    return m;
  }

  // Rows keyed by step and values, for comparisons independent of row order.
  static std::map<std::pair<std::size_t, std::vector<std::string>>, model::AllocationRow> Keyed(
      const std::vector<model::AllocationRow>& rows) {
    std::map<std::pair<std::size_t, std::vector<std::string>>, model::AllocationRow> out;
    for (const auto& r : rows) out.emplace(std::pair{r.step, r.values}, r);
    return out;
  }

  static void ExpectSameRows(const std::vector<model::AllocationRow>& a,
                             const std::vector<model::AllocationRow>& b) {
    const auto ka = Keyed(a);
    const auto kb = Keyed(b);
    ASSERT_EQ(ka.size(), kb.size());
    for (const auto& [key, x] : ka) {
      const auto it = kb.find(key);
      ASSERT_NE(it, kb.end());
      const auto& y = it->second;
      EXPECT_EQ(x.cpu_cost, y.cpu_cost);
      EXPECT_EQ(x.ram_cost, y.ram_cost);
      EXPECT_EQ(x.gpu_cost, y.gpu_cost);
      EXPECT_EQ(x.first_start, y.first_start);
      EXPECT_EQ(x.last_end, y.last_end);
      EXPECT_DOUBLE_EQ(x.container_seconds, y.container_seconds);
      EXPECT_DOUBLE_EQ(x.cpu_request_millicore_seconds, y.cpu_request_millicore_seconds);
      EXPECT_DOUBLE_EQ(x.cpu_usage_millicore_seconds, y.cpu_usage_millicore_seconds);
      EXPECT_DOUBLE_EQ(x.cpu_allocated_millicore_seconds, y.cpu_allocated_millicore_seconds);
      EXPECT_DOUBLE_EQ(x.memory_allocated_byte_seconds, y.memory_allocated_byte_seconds);
      EXPECT_DOUBLE_EQ(x.gpu_device_seconds, y.gpu_device_seconds);
      EXPECT_DOUBLE_EQ(x.gpu_busy_device_seconds, y.gpu_busy_device_seconds);
      EXPECT_DOUBLE_EQ(x.usage_observed_seconds, y.usage_observed_seconds);
    }
  }

  static inline std::unique_ptr<testing::PrivatePostgres> server_;
  std::string url_;
  std::unique_ptr<PostgresStore> store_;
  std::unique_ptr<PostgresCostReader> reader_;
};

const std::vector<PropertyRef> kByNamespace{{CostProperty::kNamespace, {}}};

TEST_F(PostgresCostReaderTest, EmptyDatabaseReadsNothing) {
  EXPECT_TRUE(reader_->ReadAllocations(kDay, End(), days(2), kByNamespace).empty());
  EXPECT_TRUE(reader_->ReadIdle(kDay, End(), days(2)).empty());
  EXPECT_FALSE(reader_->LatestInterval().has_value());
  EXPECT_TRUE(reader_->Ping());
}

// Workload-grained (read from workload_costs_daily for whole days) and container-grained
// (container_costs_daily) groupings, then the same for the platform and workload, and the
// capacity and instance type (carried labels of the container rollups).
const std::vector<std::vector<PropertyRef>> kTierGroupings{
    {{CostProperty::kCluster, {}},
     {CostProperty::kNamespace, {}},
     {CostProperty::kTeam, {}},
     {CostProperty::kController, {}}},
    {{CostProperty::kCluster, {}},
     {CostProperty::kNode, {}},
     {CostProperty::kPod, {}},
     {CostProperty::kContainer, {}}},
    {{CostProperty::kPlatform, {}}, {CostProperty::kWorkload, {}}, {CostProperty::kTeam, {}}},
    {{CostProperty::kCapacityType, {}},
     {CostProperty::kInstanceType, {}},
     {CostProperty::kWorkload, {}}},
    // Per-node groupings (node_kind_costs_hourly and _daily).
    {{CostProperty::kCluster, {}}, {CostProperty::kNode, {}}, {CostProperty::kControllerKind, {}}},
    {{CostProperty::kNode, {}}},
    // Each grain's whole key: at steps of a rollup's period its rows are the groups, read as
    // they are (no sum).
    {{CostProperty::kCluster, {}},
     {CostProperty::kNamespace, {}},
     {CostProperty::kControllerKind, {}},
     {CostProperty::kController, {}},
     {CostProperty::kTeam, {}},
     {CostProperty::kPlatform, {}},
     {CostProperty::kWorkload, {}}},
    {{CostProperty::kCluster, {}},
     {CostProperty::kNamespace, {}},
     {CostProperty::kPod, {}},
     {CostProperty::kContainer, {}},
     {CostProperty::kNode, {}}},
};

TEST_F(PostgresCostReaderTest, RollupTiersAnswerExactlyAsTheRawIntervals) {
  WriteHistory();
  const auto window = End() - kDay;
  // Nothing rolled up yet: every hour is pending, all read from raw intervals.
  std::vector<std::vector<model::AllocationRow>> raw;
  std::vector<std::vector<model::AllocationRow>> raw_hourly_steps;
  std::vector<std::vector<model::AllocationRow>> raw_daily_steps;
  for (const auto& grouping : kTierGroupings) {
    raw.push_back(reader_->ReadAllocations(kDay, End(), window, grouping));
    raw_hourly_steps.push_back(reader_->ReadAllocations(kDay, End(), hours(1), grouping));
    raw_daily_steps.push_back(reader_->ReadAllocations(kDay, End(), days(1), grouping));
  }
  const auto raw_idle = reader_->ReadIdle(kDay, End(), window);
  const auto [containers, idle] = StoredTotals(kDay, End());
  for (const auto& rows : raw) EXPECT_EQ(Cost(rows), containers);
  EXPECT_EQ(Cost(raw_idle), idle);

  // Every complete hour rolled up, and the complete day: read from daily and hourly tiers.
  EXPECT_EQ(store_->RollUp(End()), 27);
  for (std::size_t g = 0; g < kTierGroupings.size(); ++g) {
    SCOPED_TRACE(g);
    const auto& grouping = kTierGroupings[g];
    ExpectSameRows(raw[g], reader_->ReadAllocations(kDay, End(), window, grouping));
    ExpectSameRows(raw_hourly_steps[g], reader_->ReadAllocations(kDay, End(), hours(1), grouping));
    ExpectSameRows(raw_daily_steps[g], reader_->ReadAllocations(kDay, End(), days(1), grouping));
    // Windows that are not whole hours mix raw intervals with rollups.
    const sys_seconds odd_start = kDay + minutes(30);
    const sys_seconds odd_end = End() - minutes(20);
    const auto odd = reader_->ReadAllocations(odd_start, odd_end, odd_end - odd_start, grouping);
    EXPECT_EQ(Cost(odd), StoredTotals(odd_start, odd_end).first);
  }
  EXPECT_EQ(Cost(reader_->ReadIdle(kDay, End(), window)), idle);
}

// Whole days grouped by workload properties come from the per-workload daily rollup (one row
// per workload and day), anything finer from the per-container one: emptying the container
// tier leaves the first answer whole and the second without the day.
TEST_F(PostgresCostReaderTest, WorkloadGroupingsReadTheWorkloadDailyTier) {
  WriteHistory();
  store_->RollUp(End());
  const auto by_workload = reader_->ReadAllocations(kDay, End(), End() - kDay, kTierGroupings[0]);
  const auto by_container = reader_->ReadAllocations(kDay, End(), End() - kDay, kTierGroupings[1]);
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    EXPECT_GT(tx.exec1("SELECT count(*) FROM workload_costs_daily")[0].as<int>(), 0);
    tx.exec0("DELETE FROM container_costs_daily");
    tx.commit();
  }
  ExpectSameRows(by_workload,
                 reader_->ReadAllocations(kDay, End(), End() - kDay, kTierGroupings[0]));
  EXPECT_EQ(Cost(reader_->ReadAllocations(kDay, End(), End() - kDay, kTierGroupings[1])),
            Cost(by_container) - StoredTotals(kDay, kDay + days(1)).first);
}

// Groupings by the node and controller kind read the per-node rollups (migration 0015), hours
// and days: with the container rollups emptied they answer the same, a grouping by pod does not.
TEST_F(PostgresCostReaderTest, NodeGroupingsReadTheNodeKindTiers) {
  WriteHistory();
  store_->RollUp(End());
  std::vector<std::vector<model::AllocationRow>> hourly_steps;
  std::vector<std::vector<model::AllocationRow>> whole;
  for (const std::size_t g : {4, 5}) {
    hourly_steps.push_back(reader_->ReadAllocations(kDay, End(), hours(1), kTierGroupings[g]));
    whole.push_back(reader_->ReadAllocations(kDay, End(), End() - kDay, kTierGroupings[g]));
  }
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    for (const char* table : {"node_kind_costs_hourly", "node_kind_costs_daily"}) {
      EXPECT_GT(tx.exec1(fmt::format("SELECT count(*) FROM {}", table))[0].as<int>(), 0) << table;
    }
    EXPECT_LT(tx.exec1("SELECT count(*) FROM node_kind_costs_hourly")[0].as<int>(),
              tx.exec1("SELECT count(*) FROM container_costs_hourly")[0].as<int>());
    tx.exec0("DELETE FROM container_costs_hourly; DELETE FROM container_costs_daily");
    tx.commit();
  }
  for (std::size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    const auto& grouping = kTierGroupings[4 + i];
    ExpectSameRows(hourly_steps[i], reader_->ReadAllocations(kDay, End(), hours(1), grouping));
    ExpectSameRows(whole[i], reader_->ReadAllocations(kDay, End(), End() - kDay, grouping));
    EXPECT_EQ(Cost(whole[i]), StoredTotals(kDay, End()).first);
  }
  EXPECT_TRUE(reader_->ReadAllocations(kDay, End(), End() - kDay, kTierGroupings[1]).empty());
}

// The time each workload ran per day (migration 0016) is what its hours give: the efficiency
// feed read as the first day's rows, activity and the hours after answers what it answers read
// hour by hour; a day waiting for its daily rollup is computed from its hours; an hour waiting
// for its rollup leaves no activity to read.
TEST_F(PostgresCostReaderTest, WorkloadActivityIsWhatTheHoursGive) {
  WriteHistory();
  store_->RollUp(End());
  {
    // Workloads that ran part of some hours: from :20 in even hours, to :40 in hours 3 mod 4
    // (the hourly rows only: their daily rollup is redone from them below).
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0(
        "UPDATE workload_costs_hourly SET first_start = hour + interval '20 minutes' "
        "WHERE extract(hour FROM hour)::int % 2 = 0 AND controller <> (SELECT min(controller) "
        "FROM workload_costs_hourly)");
    tx.exec0(
        "UPDATE workload_costs_hourly SET last_end = hour + interval '40 minutes' "
        "WHERE extract(hour FROM hour)::int % 4 = 3");
    tx.exec0("INSERT INTO rollup_pending_daily VALUES ('c1', '2025-11-16T00:00:00Z')");
    tx.commit();
  }
  store_->RollUp(End());
  const std::vector<PropertyRef> feed_grouping = {
      {CostProperty::kNamespace, {}},     {CostProperty::kController, {}},
      {CostProperty::kPlatform, {}},      {CostProperty::kWorkload, {}},
      {CostProperty::kTeam, {}},          {CostProperty::kCluster, {}},
      {CostProperty::kControllerKind, {}}};
  const model::TimeWindow window{kDay, End()};
  const auto hours_rows = reader_->ReadAllocations(kDay, End(), hours(1), feed_grouping);
  const auto hourly = model::BuildWorkloadFeed(hours_rows, window, hours(1), {}, {}, {});

  const auto day = std::chrono::floor<days>(kDay);
  const auto activity = reader_->ReadWorkloadActivity(day, day + days(1));
  ASSERT_TRUE(activity.has_value());
  ASSERT_FALSE(activity->empty());
  const auto day_rows = reader_->ReadAllocations(kDay, kDay + days(1), days(1), feed_grouping);
  const auto after = reader_->ReadAllocations(kDay + days(1), End(), hours(1), feed_grouping);
  const std::vector<model::WorkloadFeedPart> parts = {
      {{kDay, kDay + days(1)},
       days(1),
       day_rows,
       std::span<const model::WorkloadActivityRow>(*activity)},
      {{kDay + days(1), End()}, hours(1), after, std::nullopt}};
  const auto by_days = model::BuildWorkloadFeed(parts, window, {}, {}, {});
  ASSERT_FALSE(hourly.empty());
  ASSERT_EQ(by_days.size(), hourly.size());
  bool partly_active = false;
  for (std::size_t i = 0; i < hourly.size(); ++i) {
    EXPECT_EQ(by_days[i].efficiency, hourly[i].efficiency) << hourly[i].efficiency.workload;
    partly_active |= hourly[i].efficiency.active_seconds < (End() - kDay).count();
  }
  EXPECT_TRUE(partly_active);  // the updates above took effect

  // The day waiting for its daily rollup again, its stored activity gone: from its hours.
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0("DELETE FROM workload_activity_daily");
    tx.exec0("INSERT INTO rollup_pending_daily VALUES ('c1', '2025-11-16T00:00:00Z')");
    tx.commit();
  }
  const auto computed = reader_->ReadWorkloadActivity(day, day + days(1));
  ASSERT_TRUE(computed.has_value());
  const auto sorted = [](std::vector<model::WorkloadActivityRow> rows) {
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return std::tie(a.cluster, a.namespace_name, a.team, a.name) <
             std::tie(b.cluster, b.namespace_name, b.team, b.name);
    });
    return rows;
  };
  EXPECT_EQ(sorted(*computed), sorted(*activity));
  // An hour of the day waiting for its hourly rollup: nothing to read.
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0("INSERT INTO rollup_pending VALUES ('c1', '2025-11-16T05:00:00Z')");
    tx.commit();
  }
  EXPECT_FALSE(reader_->ReadWorkloadActivity(day, day + days(1)).has_value());
  // Retention takes the activity with the daily tier.
  store_->RollUp(End());
  EXPECT_FALSE(reader_->ReadWorkloadActivity(day, day + days(1))->empty());
  store_->ApplyRetention({0, 0, 0}, End() + days(2));
  EXPECT_TRUE(reader_->ReadWorkloadActivity(day, day + days(1))->empty());
}

// Hours grouped by workload properties come from the per-workload hourly rollup (one row per
// workload and hour, migration 0014), anything finer from the per-container one: hourly steps
// and the hours after the whole day answer the same with the container hours emptied, while
// a grouping by pod loses them.
TEST_F(PostgresCostReaderTest, WorkloadGroupingsReadTheWorkloadHourlyTier) {
  WriteHistory();
  store_->RollUp(End());
  std::vector<std::vector<model::AllocationRow>> hourly_steps;
  std::vector<std::vector<model::AllocationRow>> whole;
  for (const auto& grouping : kTierGroupings) {
    hourly_steps.push_back(reader_->ReadAllocations(kDay, End(), hours(1), grouping));
    whole.push_back(reader_->ReadAllocations(kDay, End(), End() - kDay, grouping));
  }
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    EXPECT_GT(tx.exec1("SELECT count(*) FROM workload_costs_hourly")[0].as<int>(), 0);
    // Fewer rows than the container hours they sum.
    EXPECT_LT(tx.exec1("SELECT count(*) FROM workload_costs_hourly")[0].as<int>(),
              tx.exec1("SELECT count(*) FROM container_costs_hourly")[0].as<int>());
    tx.exec0("DELETE FROM container_costs_hourly");
    tx.commit();
  }
  for (const std::size_t g : {0, 2}) {  // workload-grained
    SCOPED_TRACE(g);
    ExpectSameRows(hourly_steps[g],
                   reader_->ReadAllocations(kDay, End(), hours(1), kTierGroupings[g]));
    ExpectSameRows(whole[g],
                   reader_->ReadAllocations(kDay, End(), End() - kDay, kTierGroupings[g]));
  }
  // By pod: the hours after the first day (hourly tier) are gone, the day (daily tier) is not.
  EXPECT_EQ(Cost(reader_->ReadAllocations(kDay, End(), End() - kDay, kTierGroupings[1])),
            StoredTotals(kDay, kDay + days(1)).first);
}

// The same for a grouping by platform and workload: both are keys of the per-workload daily
// rollup, so whole days of them need no container rows either.
TEST_F(PostgresCostReaderTest, PlatformAndWorkloadReadTheWorkloadDailyTier) {
  WriteHistory();
  store_->RollUp(End());
  const std::vector<PropertyRef> grouping{{CostProperty::kPlatform, {}},
                                          {CostProperty::kWorkload, {}}};
  const auto before = reader_->ReadAllocations(kDay, End(), End() - kDay, grouping);
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0("DELETE FROM container_costs_daily");
    tx.commit();
  }
  ExpectSameRows(before, reader_->ReadAllocations(kDay, End(), End() - kDay, grouping));
  EXPECT_EQ(Cost(before), StoredTotals(kDay, End()).first);
}

// Grouped by each of platform, workload, capacity type and instance type (alone, and as
// filters would ask, with the cluster), the reads give every value's cost exactly as the
// batches written hold it, from raw intervals and from every rollup tier alike.
TEST_F(PostgresCostReaderTest, GroupsByPlatformWorkloadCapacityAndInstanceType) {
  WriteHistory();
  using Expected = std::map<std::string, Money>;
  std::map<CostProperty, Expected> expected;
  for (sys_seconds t = kDay; t < End(); t += kInterval) {
    for (const model::ContainerCostRow& c :
         testing::MakeBatch("c1", t, 2, 4, kInterval).costs.containers) {
      expected[CostProperty::kPlatform][c.labels.platform] += c.cost.Total();
      expected[CostProperty::kWorkload][c.labels.workload] += c.cost.Total();
      expected[CostProperty::kCapacityType][c.labels.capacity_type] += c.cost.Total();
      expected[CostProperty::kInstanceType][c.labels.instance_type] += c.cost.Total();
    }
  }
  EXPECT_EQ(expected[CostProperty::kPlatform].size(), 4U);
  EXPECT_EQ(expected[CostProperty::kWorkload].size(), 4U);
  EXPECT_EQ(expected[CostProperty::kCapacityType].size(), 2U);
  EXPECT_EQ(expected[CostProperty::kInstanceType].size(), 2U);
  const auto read = [&](CostProperty p) {
    Expected out;
    const std::vector<PropertyRef> grouping{{CostProperty::kCluster, {}}, {p, {}}};
    for (const auto& r : reader_->ReadAllocations(kDay, End(), End() - kDay, grouping)) {
      EXPECT_EQ(r.values.at(0), "c1");
      out[r.values.at(1)] += r.cpu_cost + r.ram_cost + r.gpu_cost;
    }
    return out;
  };
  for (const bool rolled_up : {false, true}) {
    if (rolled_up) store_->RollUp(End());
    for (const auto& [property, by_value] : expected) {
      SCOPED_TRACE(fmt::format("property {} rolled up {}", static_cast<int>(property), rolled_up));
      EXPECT_EQ(read(property), by_value);
    }
  }
  EXPECT_TRUE(expected[CostProperty::kWorkload].contains("notebook:user-1"));
  EXPECT_TRUE(expected[CostProperty::kPlatform].contains("spark"));
}

TEST_F(PostgresCostReaderTest, StepsPartitionTheWindow) {
  WriteHistory();
  store_->RollUp(End());
  const auto rows = reader_->ReadAllocations(kDay, End(), hours(1), kByNamespace);
  std::map<std::size_t, Money> by_step;
  for (const auto& r : rows) by_step[r.step] += r.cpu_cost + r.ram_cost + r.gpu_cost;
  ASSERT_EQ(by_step.size(), 27u);
  for (const auto& [step, cost] : by_step) {
    const sys_seconds from = kDay + hours(static_cast<int>(step));
    EXPECT_EQ(cost, StoredTotals(from, from + hours(1)).first) << "step " << step;
  }
}

TEST_F(PostgresCostReaderTest, LateBatchInARolledUpDayIsReadFromRaw) {
  WriteHistory();
  store_->RollUp(End());
  // A second cluster's batch lands late in hour 5 of the rolled-up day.
  store_->Write(testing::MakeBatch("c2", kDay + hours(5), 1, 3, kInterval));
  const auto rows = reader_->ReadAllocations(
      kDay, End(), End() - kDay, std::vector<PropertyRef>{{CostProperty::kCluster, {}}});
  const auto c1 = StoredTotals(kDay, End(), "c1").first;
  const auto c2 = StoredTotals(kDay, End(), "c2").first;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(Cost(rows), c1 + c2);
  store_->RollUp(End());
  EXPECT_EQ(Cost(reader_->ReadAllocations(kDay, End(), End() - kDay,
                                          std::vector<PropertyRef>{{CostProperty::kCluster, {}}})),
            c1 + c2);
}

TEST_F(PostgresCostReaderTest, GroupsByPodLabels) {
  WriteHistory();
  store_->RollUp(End());
  const std::vector<PropertyRef> by_app{{CostProperty::kLabel, "app"}};
  const auto rows = reader_->ReadAllocations(kDay, End(), End() - kDay, by_app);
  std::map<std::string, Money> by_value;
  for (const auto& r : rows) by_value[r.values.at(0)] += r.cpu_cost + r.ram_cost + r.gpu_cost;
  ASSERT_EQ(by_value.size(), 2u);
  EXPECT_TRUE(by_value.contains("web"));
  EXPECT_TRUE(by_value.contains("proxy"));
  EXPECT_EQ(by_value["web"] + by_value["proxy"], StoredTotals(kDay, End()).first);
  // A label no pod has groups everything under "".
  const auto none = reader_->ReadAllocations(
      kDay, End(), End() - kDay, std::vector<PropertyRef>{{CostProperty::kLabel, "x'; DROP"}});
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].values.at(0), "");
}

// Node labels (OpenCost's node asset labels): the last written per cluster and node, replaced
// when they change, never mixed across clusters.
TEST_F(PostgresCostReaderTest, ReadsTheLabelsLastWrittenOfEachNode) {
  const auto batch = [](const std::string& cluster, sys_seconds t,
                        std::vector<model::NodeLabelSet> labels) {
    model::IntervalBatch b = testing::MakeBatch(cluster, t, 2, 1, kInterval);
    b.node_labels = std::move(labels);
    return b;
  };
  const std::string n0 = testing::MakeBatch("c1", kDay, 2, 1, kInterval).costs.nodes.at(0).node;
  store_->Write(batch("c1", kDay, {{n0, {{"karpenter.sh/nodepool", "gpu"}, {"tier", "a"}}}}));
  store_->Write(batch("c1", kDay + kInterval, {{n0, {{"karpenter.sh/nodepool", "general"}}}}));
  store_->Write(batch("c2", kDay, {{n0, {{"tier", "c2's"}}}}));
  const std::vector<std::pair<std::string, std::string>> asked{
      {"c1", n0}, {"c2", n0}, {"c1", "never-seen"}, {"c3", n0}};
  std::map<std::string, model::Labels> got;
  for (const ports::StoredNodeLabels& l : reader_->ReadNodeLabels(asked)) {
    EXPECT_EQ(l.node.node, n0);
    got[l.cluster] = l.node.labels;
  }
  EXPECT_EQ(got, (std::map<std::string, model::Labels>{
                     {"c1", {{"karpenter.sh/nodepool", "general"}}}, {"c2", {{"tier", "c2's"}}}}));
  EXPECT_TRUE(reader_->ReadNodeLabels({}).empty());
}

TEST_F(PostgresCostReaderTest, AssetsAndLatestInterval) {
  WriteHistory();
  const auto assets = reader_->ReadAssets(kDay, End());
  ASSERT_EQ(assets.size(), 2u);
  Money node_cost;
  Money idle;
  for (const model::NodeAssetRow& a : assets) {
    node_cost += a.cost;
    idle += a.idle_cpu + a.idle_ram + a.idle_gpu;
    EXPECT_EQ(a.cpu_cost + a.ram_cost + a.gpu_cost, a.cost);
    EXPECT_DOUBLE_EQ(a.seconds, 27.0 * 3600);
    EXPECT_EQ(a.first_start, kDay);
    EXPECT_EQ(a.last_end, End());
  }
  EXPECT_EQ(assets[0].instance_type, "g5.4xlarge");
  EXPECT_EQ(assets[0].gpu_devices, 1);
  EXPECT_EQ(assets[0].node_group, "gpu-spot");
  EXPECT_EQ(assets[1].node_group, "");
  const auto [containers, stored_idle] = StoredTotals(kDay, End());
  EXPECT_EQ(node_cost, containers + stored_idle);
  EXPECT_EQ(idle, stored_idle);
  EXPECT_EQ(reader_->LatestInterval(), End() - kInterval);
  // The same from the hourly and daily rollups.
  store_->RollUp(End());
  const auto rolled = reader_->ReadAssets(kDay, End());
  ASSERT_EQ(rolled.size(), 2u);
  EXPECT_EQ(rolled[0].node_group, "gpu-spot");
  EXPECT_EQ(rolled[1].node_group, "");
  EXPECT_EQ(rolled[0].cost + rolled[1].cost, node_cost);
}

// Sums of two reads of the same window, group by group; their times within the window.
void ExpectSameSums(const std::vector<model::AllocationRow>& exact,
                    const std::vector<model::AllocationRow>& sums, sys_seconds start,
                    sys_seconds end) {
  std::map<std::vector<std::string>, const model::AllocationRow*> by_key;
  for (const model::AllocationRow& r : exact) by_key[r.values] = &r;
  ASSERT_EQ(sums.size(), exact.size());
  for (const model::AllocationRow& y : sums) {
    const auto it = by_key.find(y.values);
    ASSERT_NE(it, by_key.end()) << fmt::format("{}", fmt::join(y.values, "/"));
    const model::AllocationRow& x = *it->second;
    EXPECT_EQ(x.cpu_cost, y.cpu_cost);
    EXPECT_EQ(x.ram_cost, y.ram_cost);
    EXPECT_EQ(x.gpu_cost, y.gpu_cost);
    EXPECT_DOUBLE_EQ(x.container_seconds, y.container_seconds);
    EXPECT_DOUBLE_EQ(x.cpu_request_millicore_seconds, y.cpu_request_millicore_seconds);
    EXPECT_DOUBLE_EQ(x.cpu_usage_millicore_seconds, y.cpu_usage_millicore_seconds);
    EXPECT_DOUBLE_EQ(x.cpu_allocated_millicore_seconds, y.cpu_allocated_millicore_seconds);
    EXPECT_DOUBLE_EQ(x.memory_request_byte_seconds, y.memory_request_byte_seconds);
    EXPECT_DOUBLE_EQ(x.memory_usage_byte_seconds, y.memory_usage_byte_seconds);
    EXPECT_DOUBLE_EQ(x.memory_allocated_byte_seconds, y.memory_allocated_byte_seconds);
    EXPECT_DOUBLE_EQ(x.gpu_device_seconds, y.gpu_device_seconds);
    EXPECT_NEAR(x.gpu_busy_device_seconds, y.gpu_busy_device_seconds, 1e-6);
    EXPECT_DOUBLE_EQ(x.usage_observed_seconds, y.usage_observed_seconds);
    EXPECT_GE(y.first_start, start);
    EXPECT_LE(y.last_end, end);
  }
}

// Local days (22:00 to 22:00 UTC, a window starting at 03:00) read as a UTC day less hours give
// the sums of reading every hour, for every grouping, with a team that changes in an hour taken
// away, and the same idle per node; and they do read the daily rollups (a nano-dollar planted in
// them shows).
TEST_F(PostgresCostReaderTest, LocalDaysReadAsTheUtcDayLessHoursHaveTheSameSums) {
  const sys_seconds first = kDay - hours(3);
  const sys_seconds last = kDay + days(1) + hours(3);
  for (sys_seconds t = first; t < last; t += kInterval) {
    model::IntervalBatch b = testing::MakeBatch("c1", t, 2, 4, kInterval);
    if (t >= kDay + hours(22) + minutes(30)) b.costs.containers.at(0).labels.team = "~late";
    store_->Write(b);
  }
  store_->RollUp(last);
  const std::vector<std::pair<sys_seconds, sys_seconds>> windows{
      {kDay - hours(2), kDay + hours(22)}, {kDay + hours(3), kDay + days(1)}};
  std::vector<std::vector<PropertyRef>> groupings = kTierGroupings;
  groupings.push_back({{CostProperty::kCluster, {}},
                       {CostProperty::kNamespace, {}},
                       {CostProperty::kPlatform, {}},
                       {CostProperty::kWorkload, {}},
                       {CostProperty::kCapacityType, {}},
                       {CostProperty::kInstanceType, {}},
                       {CostProperty::kTeam, {}}});
  for (const auto& [from, to] : windows) {
    for (std::size_t g = 0; g < groupings.size(); ++g) {
      SCOPED_TRACE(fmt::format("window from {} h, grouping {}", (from - kDay).count() / 3600, g));
      const auto exact = reader_->ReadAllocations(from, to, to - from, groupings[g]);
      const auto sums = reader_->ReadAllocationSums(from, to, to - from, groupings[g]);
      const bool by_team =
          std::any_of(groupings[g].begin(), groupings[g].end(),
                      [](const PropertyRef& p) { return p.property == CostProperty::kTeam; });
      if (from == windows[1].first && by_team) {
        // The team changed at 22:30 inside this window: as for any whole day read, the day's
        // rows carry its smallest team, while hourly rows carry each hour's. Totals agree and
        // nothing is negative.
        EXPECT_EQ(Cost(sums), Cost(exact));
        for (const model::AllocationRow& r : sums) EXPECT_GT(r.container_seconds, 0);
        continue;
      }
      ExpectSameSums(exact, sums, from, to);
    }
    // Idle the same way: per node, the same costs as reading every hour.
    std::map<std::string, Money> idle_exact;
    for (const model::IdleRow& r : reader_->ReadIdle(from, to, to - from)) {
      idle_exact[r.cluster + "/" + r.node] += r.cpu_cost + r.ram_cost + r.gpu_cost;
    }
    std::map<std::string, Money> idle_sums;
    for (const model::IdleRow& r : reader_->ReadIdleSums(from, to, to - from)) {
      idle_sums[r.cluster + "/" + r.node] += r.cpu_cost + r.ram_cost + r.gpu_cost;
      EXPECT_GE(r.first_start, from);
      EXPECT_LE(r.last_end, to);
    }
    ASSERT_FALSE(idle_exact.empty());
    EXPECT_EQ(idle_sums, idle_exact);
  }
  // Several steps: read as before, times and all.
  const auto stepped =
      reader_->ReadAllocations(kDay - hours(2), kDay + hours(22), hours(12), groupings[0]);
  ExpectSameRows(stepped, reader_->ReadAllocationSums(kDay - hours(2), kDay + hours(22), hours(12),
                                                      groupings[0]));
  // A nano-dollar planted in each daily tier shows in the reads that use it.
  const sys_seconds from = kDay - hours(2);
  const sys_seconds to = kDay + hours(22);
  const Money by_container = Cost(reader_->ReadAllocations(from, to, to - from, groupings[1]));
  const Money by_workload = Cost(reader_->ReadAllocations(from, to, to - from, groupings[0]));
  const Money idle = Cost(reader_->ReadIdle(from, to, to - from));
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0(
        "UPDATE node_costs_daily SET idle_cpu_nanos = idle_cpu_nanos + 1 WHERE ctid = "
        "(SELECT ctid FROM node_costs_daily WHERE day = '2025-11-16Z' LIMIT 1)");
    for (const char* table : {"container_costs_daily", "workload_costs_daily"}) {
      tx.exec0(
          fmt::format("UPDATE {0} SET cpu_cost_nanos = cpu_cost_nanos + 1 WHERE ctid = "
                      "(SELECT ctid FROM {0} WHERE day = '2025-11-16Z' LIMIT 1)",
                      table));
    }
    tx.commit();
  }
  EXPECT_EQ(Cost(reader_->ReadAllocationSums(from, to, to - from, groupings[1])),
            by_container + Money::FromNanos(1));
  EXPECT_EQ(Cost(reader_->ReadAllocationSums(from, to, to - from, groupings[0])),
            by_workload + Money::FromNanos(1));
  EXPECT_EQ(Cost(reader_->ReadAllocations(from, to, to - from, groupings[1])), by_container);
  EXPECT_EQ(Cost(reader_->ReadIdleSums(from, to, to - from)), idle + Money::FromNanos(1));
  EXPECT_EQ(Cost(reader_->ReadIdle(from, to, to - from)), idle);
}

// The store keeps the container rollups by the local days of its zone (Europe/Berlin: in
// November 23:00 to 23:00 UTC); a local day read as sums comes from that rollup (a nano-dollar
// planted in it shows), with the sums of reading every hour; an hour written late makes the
// day pending (read from the UTC tiers meanwhile) until RollUp computes it again; a new zone
// starts over; retention deletes them with the daily tier.
TEST_F(PostgresCostReaderTest, LocalDaysOfTheStoresZoneAreReadFromTheirRollup) {
  const sys_seconds first = kDay - hours(3);
  const sys_seconds last = kDay + days(1) + hours(3);
  for (sys_seconds t = first; t < last; t += kInterval) {
    store_->Write(testing::MakeBatch("c1", t, 2, 4, kInterval));
  }
  ASSERT_TRUE(store_->SetLocalDayZone("Europe/Berlin"));
  store_->RollUp(last);
  const sys_seconds from = kDay - hours(1);
  const sys_seconds to = kDay + hours(23);
  pqxx::connection c(url_);
  const auto local_days = [&c] {
    pqxx::nontransaction tx(c);
    std::vector<std::string> out;
    for (const pqxx::row& r :
         tx.exec("SELECT cluster || ' ' || to_char(day AT TIME ZONE 'UTC', 'MM-DD HH24') || ' ' || "
                 "to_char(day_end AT TIME ZONE 'UTC', 'MM-DD HH24') || (CASE WHEN pending THEN ' "
                 "pending' ELSE '' END) FROM local_days ORDER BY day")) {
      out.push_back(r[0].as<std::string>());
    }
    return out;
  };
  // The data's local days, from 00:00 local on the 15th (the first hours' day, rolled up from
  // the hours there are) to the 17th (not ended by `last`: pending).
  EXPECT_EQ(local_days(), (std::vector<std::string>{"c1 11-14 23 11-15 23", "c1 11-15 23 11-16 23",
                                                    "c1 11-16 23 11-17 23 pending"}));
  for (const std::vector<PropertyRef>& grouping : kTierGroupings) {
    ExpectSameSums(reader_->ReadAllocations(from, to, to - from, grouping),
                   reader_->ReadAllocationSums(from, to, to - from, grouping), from, to);
  }
  const std::vector<PropertyRef> by_pod{{CostProperty::kNamespace, {}}, {CostProperty::kPod, {}}};
  const Money exact = Cost(reader_->ReadAllocations(from, to, to - from, by_pod));
  const auto plant = [&c] {
    pqxx::work tx(c);
    tx.exec0(
        "UPDATE container_costs_local_daily SET cpu_cost_nanos = cpu_cost_nanos + 1 WHERE ctid = "
        "(SELECT ctid FROM container_costs_local_daily WHERE day = '2025-11-15 23:00Z' LIMIT 1)");
    tx.commit();
  };
  plant();
  EXPECT_EQ(Cost(reader_->ReadAllocationSums(from, to, to - from, by_pod)),
            exact + Money::FromNanos(1));
  // Not for a window that covers the day only in part.
  EXPECT_EQ(Cost(reader_->ReadAllocationSums(from + hours(1), to, to - from - hours(1), by_pod)),
            Cost(reader_->ReadAllocations(from + hours(1), to, to - from - hours(1), by_pod)));

  // Late data in one of its hours (a third node): pending until rolled up again.
  model::IntervalBatch late = testing::MakeBatch("c1", kDay + hours(5), 3, 4, kInterval);
  store_->Write(late);
  const Money with_late = Cost(reader_->ReadAllocations(from, to, to - from, by_pod));
  EXPECT_GT(with_late, exact);
  EXPECT_EQ(Cost(reader_->ReadAllocationSums(from, to, to - from, by_pod)), with_late);
  store_->RollUp(last);
  EXPECT_EQ(local_days()[1], "c1 11-15 23 11-16 23");
  EXPECT_EQ(Cost(reader_->ReadAllocationSums(from, to, to - from, by_pod)), with_late);
  plant();
  EXPECT_EQ(Cost(reader_->ReadAllocationSums(from, to, to - from, by_pod)),
            with_late + Money::FromNanos(1));

  // The same zone again changes nothing; another starts over with its own days.
  ASSERT_TRUE(store_->SetLocalDayZone("Europe/Berlin"));
  EXPECT_EQ(local_days().size(), 3U);
  ASSERT_TRUE(store_->SetLocalDayZone("America/New_York"));
  EXPECT_EQ(local_days(), (std::vector<std::string>{"c1 11-15 05 11-16 05 pending",
                                                    "c1 11-16 05 11-17 05 pending"}));
  EXPECT_EQ(Cost(reader_->ReadAllocationSums(from, to, to - from, by_pod)), with_late);
  store_->RollUp(last);
  EXPECT_EQ(local_days(),
            (std::vector<std::string>{"c1 11-15 05 11-16 05", "c1 11-16 05 11-17 05 pending"}));
  // UTC, or a zone PostgreSQL does not know: none.
  EXPECT_FALSE(store_->SetLocalDayZone("Mars/Olympus_Mons"));
  EXPECT_TRUE(local_days().empty());
  ASSERT_TRUE(store_->SetLocalDayZone("America/New_York"));
  ASSERT_TRUE(store_->SetLocalDayZone("UTC"));
  EXPECT_TRUE(local_days().empty());

  // Retention: with the daily tier.
  ASSERT_TRUE(store_->SetLocalDayZone("Europe/Berlin"));
  store_->RollUp(last);
  RetentionPolicy policy;
  policy.raw_days = 2;
  policy.hourly_days = 1;
  store_->ApplyRetention(policy, kDay + days(1));  // the days that ended by 11-16 00:00
  EXPECT_EQ(local_days(),
            (std::vector<std::string>{"c1 11-15 23 11-16 23", "c1 11-16 23 11-17 23 pending"}));
  pqxx::nontransaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(DISTINCT day) FROM container_costs_local_daily")[0].as<int>(),
            1);
}

// The summaries the server makes equal model::SummarizeQueries over every query read, for many
// ties of cost and submission time, several clusters, teams and workgroups, and any top size.
TEST_F(PostgresCostReaderTest, QuerySummariesEqualSummarizingEveryQuery) {
  std::mt19937_64 rng(3);
  for (const std::string cluster : {"c1", "c2"}) {
    model::IntervalBatch batch;
    batch.cluster = cluster;
    for (int i = 0; i < 400; ++i) {
      model::PricedQuery q;
      q.execution.query_execution_id = fmt::format("q-{:04}", rng() % 300);  // shared ids
      q.execution.work_group = fmt::format("wg{}", rng() % 3);
      q.execution.statement_type = "DML";
      q.execution.query = fmt::format("SELECT {} -- ✓", i);
      q.execution.state = model::QueryState::kSucceeded;
      q.execution.submitted = kDay + seconds(static_cast<std::int64_t>(rng() % 5) * 3600);
      q.execution.completed = q.execution.submitted + seconds(30);
      q.execution.data_scanned_bytes = static_cast<std::int64_t>(rng() % 1000);
      q.execution.engine_execution_millis = 10;
      q.team = rng() % 4 == 0 ? "" : fmt::format("team{}", rng() % 3);
      q.cost = Money::FromNanos(static_cast<std::int64_t>(rng() % 4) * 1'000'000);
      batch.queries.push_back(std::move(q));
    }
    store_->Write(batch);
  }
  for (const auto& [from, to] :
       {std::pair{kDay, kDay + days(1)}, std::pair{kDay + hours(1), kDay + hours(3)},
        std::pair{kDay - days(1), kDay}}) {
    const auto every = reader_->ReadQueries(from, to);
    for (const std::size_t top : {0U, 1U, 3U, 1000U}) {
      const auto summaries = reader_->ReadQuerySummaries(from, to, top);
      EXPECT_EQ(summaries, model::SummarizeQueries(every, top)) << "top " << top;
      if (from == kDay && top == 3) {
        EXPECT_GE(summaries.size(), 6U);
        EXPECT_EQ(summaries.front().top.size(), 3U);
      }
    }
  }
}

TEST_F(PostgresCostReaderTest, UnreachableServerIsUnavailable) {
  PostgresCostReader reader("postgresql://nobody@127.0.0.1:1/none", "secret");
  EXPECT_FALSE(reader.Ping());
  try {
    reader.ReadAllocations(kDay, End(), days(1), kByNamespace);
    FAIL();
  } catch (const Unavailable& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
  }
}

// Connections of the server whose application name is `name`, as pg_stat_activity shows them.
int ConnectionsNamed(pqxx::connection& c, const std::string& name) {
  pqxx::nontransaction tx(c);
  return tx
      .exec_params1("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", name)[0]
      .as<int>();
}

// Of those, the ones waiting for a lock.
int LockWaitsNamed(pqxx::connection& c, const std::string& name) {
  pqxx::nontransaction tx(c);
  return tx
      .exec_params1(
          "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 "
          "AND wait_event_type = 'Lock'",
          name)[0]
      .as<int>();
}

// Six concurrent reads through a reader of two connections: every read must wait behind a
// lock on `clusters`, so all six want a connection at once, yet the server never sees more
// than two of the reader's; once the lock goes, all six succeed on those two.
TEST_F(PostgresCostReaderTest, ConcurrentReadsShareAtMostMaxConnections) {
  WriteHistory();
  const Money stored = StoredTotals(kDay, End()).first;
  const std::string name = "costledger_pool_test";
  PostgresCostReader reader(url_ + "?application_name=" + name, "", 2);
  pqxx::connection locker(url_);
  pqxx::work lock(locker);
  lock.exec0("LOCK TABLE clusters IN ACCESS EXCLUSIVE MODE");

  std::atomic<bool> reading{true};
  std::atomic<int> most_seen{0};
  std::thread monitor([&] {
    pqxx::connection c(url_);
    while (reading) {
      most_seen = std::max(most_seen.load(), ConnectionsNamed(c, name));
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::atomic<int> succeeded{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 6; ++i) {
    readers.emplace_back([&, i] {
      try {
        if (i % 2 == 0) {
          EXPECT_EQ(Cost(reader.ReadAllocations(kDay, End(), End() - kDay, kByNamespace)), stored);
        } else {
          EXPECT_EQ(reader.ReadAssets(kDay, End()).size(), 2u);
        }
        ++succeeded;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "read " << i << ": " << e.what();
      }
    });
  }
  // Two reads wait for the lock on the server; the other four for a connection of the pool
  // (without a bound they would be on the server as well: six connections).
  {
    pqxx::connection c(url_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (LockWaitsNamed(c, name) < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(LockWaitsNamed(c, name), 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(ConnectionsNamed(c, name), 2);
  }
  lock.abort();
  for (std::thread& t : readers) t.join();
  reading = false;
  monitor.join();
  EXPECT_EQ(succeeded, 6);
  EXPECT_EQ(most_seen, 2);
}

// A read that finds every connection busy longer than the acquire timeout gives up with
// Unavailable, saying why; the busy read is unharmed.
TEST_F(PostgresCostReaderTest, BusyPoolIsUnavailableAfterTheAcquireTimeout) {
  WriteHistory();
  const std::string name = "costledger_pool_timeout_test";
  PostgresCostReader reader(url_ + "?application_name=" + name, "secret", 1,
                            std::chrono::milliseconds(200));
  pqxx::connection locker(url_);
  pqxx::work lock(locker);
  lock.exec0("LOCK TABLE clusters IN ACCESS EXCLUSIVE MODE");
  std::thread busy([&] { EXPECT_EQ(reader.ReadAssets(kDay, End()).size(), 2u); });
  {
    pqxx::connection c(url_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (LockWaitsNamed(c, name) < 1 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  const auto before = std::chrono::steady_clock::now();
  try {
    reader.ReadAllocations(kDay, End(), End() - kDay, kByNamespace);
    ADD_FAILURE() << "a read got a connection of a busy pool";
  } catch (const Unavailable& e) {
    EXPECT_NE(std::string(e.what()).find("all 1 connections of the reader stayed busy for 200 ms"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("read allocations"), std::string::npos) << e.what();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(200));
  EXPECT_FALSE(reader.Ping());
  lock.abort();
  busy.join();
  EXPECT_TRUE(reader.Ping());
}

TEST_F(PostgresCostReaderTest, PoolOfNoConnectionsIsRefused) {
  EXPECT_THROW(PostgresCostReader(url_, "", 0), InvalidInput);
  EXPECT_THROW(PostgresCostReader(url_, "", 1, std::chrono::milliseconds(-1)), InvalidInput);
}

}  // namespace
}  // namespace costledger::postgres
