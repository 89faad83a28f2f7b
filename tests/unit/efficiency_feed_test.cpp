#include "costledger/model/efficiency_feed.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace costledger::model {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr sys_seconds kT0{seconds(1'700'000'000)};
constexpr std::int64_t kGiB = std::int64_t{1} << 30;

Money Nanos(std::int64_t nanos) { return Money::FromNanos(nanos); }

NodeAssetRow Node(std::string name, std::string capacity_type, std::int64_t seconds_present,
                  Money cpu_cost) {
  NodeAssetRow n;
  n.cluster = "c";
  n.node = std::move(name);
  n.instance_type = "m5.large";
  n.zone = "us-east-1a";
  n.capacity_type = std::move(capacity_type);
  n.last_end = kT0 + seconds(seconds_present);
  n.first_start = kT0;
  n.seconds = static_cast<double>(seconds_present);
  n.cpu_millicores = 2000;
  n.memory_bytes = 8 * kGiB;
  n.max_price_per_hour = Nanos(96'000'000);
  n.cpu_cost = cpu_cost;
  n.ram_cost = Nanos(0);
  n.cost = cpu_cost;
  return n;
}

AllocationRow Usage(std::string node, std::string kind, std::int64_t end_seconds,
                    double cpu_millicore_seconds) {
  AllocationRow r;
  r.values = {"c", std::move(node), std::move(kind)};
  r.first_start = kT0;
  r.last_end = kT0 + seconds(end_seconds);
  r.cpu_usage_millicore_seconds = cpu_millicore_seconds;
  r.cpu_allocated_millicore_seconds = cpu_millicore_seconds;
  return r;
}

// Node a: spot, there all hour, 1 core used all hour, $0.06 CPU pool. Node b: spot, gone at
// half past with a Deployment's pods still on it, 500 m used for its 30 min, $0.03 pool.
TEST(OfferingFeedTest, InterruptedNodeMidWindowIsPricedBackIn) {
  const std::vector<NodeAssetRow> nodes = {Node("a", "spot", 3600, Nanos(60'000'000)),
                                           Node("b", "spot", 1800, Nanos(30'000'000))};
  const std::vector<AllocationRow> usage = {Usage("a", "Deployment", 3600, 1000.0 * 3600),
                                            Usage("b", "Deployment", 1800, 500.0 * 1800)};
  const auto feed = BuildOfferingFeed(nodes, usage, {});
  ASSERT_EQ(feed.size(), 1U);
  const OfferingFeed& f = feed[0];
  EXPECT_EQ(f.efficiency.node_seconds, 5400);
  // $0.09 over 1.25 used core-hours.
  EXPECT_EQ(f.efficiency.effective_cost_per_used_vcpu_hour, Nanos(72'000'000));
  EXPECT_EQ(f.adjusted.interruptions, 1);
  ASSERT_TRUE(f.adjusted.interruptions_per_node_hour.has_value());
  EXPECT_DOUBLE_EQ(*f.adjusted.interruptions_per_node_hour, 1.0 / 1.5);
  // 30 min lost (the default assumption) = all of b's 0.25 core-hours: $0.09 / 1 core-hour.
  EXPECT_EQ(f.adjusted.adjusted_cost_per_used_vcpu_hour, Nanos(90'000'000));
  EXPECT_FALSE(f.adjusted.assumption.empty());
}

// The same two nodes in two node groups: each group is its own entry (by default), the
// interruption in b's; grouping by offering alone merges them back into the case above.
TEST(OfferingFeedTest, NodeGroupsSplitAnOfferingUnlessGroupedByOffering) {
  NodeAssetRow a = Node("a", "spot", 3600, Nanos(60'000'000));
  NodeAssetRow b = Node("b", "spot", 1800, Nanos(30'000'000));
  a.node_group = "steady";
  b.node_group = "flaky";
  const std::vector<NodeAssetRow> nodes = {a, b};
  const std::vector<AllocationRow> usage = {Usage("a", "Deployment", 3600, 1000.0 * 3600),
                                            Usage("b", "Deployment", 1800, 500.0 * 1800)};
  const auto feed = BuildOfferingFeed(nodes, usage, {});
  ASSERT_EQ(feed.size(), 2U);
  EXPECT_EQ(feed[0].efficiency.offering.node_group, "flaky");  // sorted by key
  EXPECT_EQ(feed[0].efficiency.node_seconds, 1800);
  EXPECT_EQ(feed[0].adjusted.interruptions, 1);
  // $0.03 over 0.25 used core-hours; the 30 min lost take all of it: no useful unit left.
  EXPECT_EQ(feed[0].efficiency.effective_cost_per_used_vcpu_hour, Nanos(120'000'000));
  EXPECT_FALSE(feed[0].adjusted.adjusted_cost_per_used_vcpu_hour.has_value());
  EXPECT_EQ(feed[1].efficiency.offering.node_group, "steady");
  EXPECT_EQ(feed[1].adjusted.interruptions, 0);
  EXPECT_EQ(feed[1].adjusted.adjusted_cost_per_used_vcpu_hour, Nanos(60'000'000));

  OfferingFeedSettings merged;
  merged.grouping = OfferingGrouping::kOffering;
  const auto one = BuildOfferingFeed(nodes, usage, merged);
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].efficiency.offering.node_group, "");
  EXPECT_EQ(one[0].adjusted.interruptions, 1);
  EXPECT_EQ(one[0].adjusted.adjusted_cost_per_used_vcpu_hour, Nanos(90'000'000));
}

TEST(OfferingFeedTest, DaemonSetsAloneOrOnDemandDoNotMakeAnInterruption) {
  NodeAssetRow od = Node("c", "on-demand", 1800, Nanos(30'000'000));
  const std::vector<NodeAssetRow> nodes = {Node("a", "spot", 3600, Nanos(60'000'000)),
                                           Node("b", "spot", 1800, Nanos(30'000'000)), od};
  const std::vector<AllocationRow> usage = {
      Usage("a", "Deployment", 3600, 1000.0 * 3600), Usage("b", "DaemonSet", 1800, 500.0 * 1800),
      Usage("b", "Deployment", 1200, 500.0 * 600), Usage("c", "Deployment", 1800, 500.0 * 1800)};
  const auto feed = BuildOfferingFeed(nodes, usage, {});
  ASSERT_EQ(feed.size(), 2U);
  EXPECT_EQ(feed[0].efficiency.offering.capacity_type, CapacityType::kOnDemand);
  EXPECT_EQ(feed[0].adjusted.interruptions, 0);
  EXPECT_EQ(feed[1].adjusted.interruptions, 0);
}

TEST(OfferingFeedTest, OneMissedScrapeIsNotADisappearance) {
  const std::vector<NodeAssetRow> nodes = {Node("a", "spot", 3600, Nanos(60'000'000)),
                                           Node("b", "spot", 3540, Nanos(30'000'000))};
  const std::vector<AllocationRow> usage = {Usage("a", "Deployment", 3600, 1000.0 * 3600),
                                            Usage("b", "Deployment", 3540, 500.0 * 1800)};
  EXPECT_EQ(BuildOfferingFeed(nodes, usage, {})[0].adjusted.interruptions, 0);
}

TEST(OfferingFeedTest, OfferingWithNoUsageHasNullFigures) {
  const std::vector<NodeAssetRow> nodes = {Node("a", "on-demand", 3600, Nanos(60'000'000))};
  const auto feed = BuildOfferingFeed(nodes, {}, {});
  ASSERT_EQ(feed.size(), 1U);
  EXPECT_FALSE(feed[0].efficiency.effective_cost_per_used_vcpu_hour.has_value());
  EXPECT_FALSE(feed[0].efficiency.effective_cost_per_used_gib_hour.has_value());
  EXPECT_FALSE(feed[0].adjusted.adjusted_cost_per_used_vcpu_hour.has_value());
  EXPECT_EQ(feed[0].efficiency.cpu_utilization, 0.0);
  EXPECT_FALSE(RankingCost(feed[0]).has_value());
}

TEST(OfferingFeedTest, RankingPutsCheapestUsefulCoreFirstAndUnusedLast) {
  NodeAssetRow cheap_list = Node("a", "on-demand", 3600, Nanos(40'000'000));
  NodeAssetRow dear_list = Node("b", "spot", 3600, Nanos(60'000'000));
  dear_list.instance_type = "c5.large";
  NodeAssetRow unused = Node("c", "on-demand", 3600, Nanos(10'000'000));
  unused.instance_type = "t3.large";
  const std::vector<NodeAssetRow> nodes = {cheap_list, dear_list, unused};
  // The cheaper node by list price is barely used: $0.04 per 0.2 core-hours = $0.20.
  const std::vector<AllocationRow> usage = {Usage("a", "Deployment", 3600, 200.0 * 3600),
                                            Usage("b", "Deployment", 3600, 1500.0 * 3600)};
  const auto ranked = RankOfferings(BuildOfferingFeed(nodes, usage, {}));
  ASSERT_EQ(ranked.size(), 3U);
  EXPECT_EQ(ranked[0].efficiency.offering.instance_type, "c5.large");  // $0.04 per core-hour
  EXPECT_EQ(ranked[1].efficiency.offering.instance_type, "m5.large");
  EXPECT_EQ(ranked[2].efficiency.offering.instance_type, "t3.large");
}

TEST(WorkloadFeedTest, CostPerHourCountsOnlyTheTimeItRanAndNamesByPlatform) {
  const TimeWindow window{kT0, kT0 + seconds(7200)};
  AllocationRow notebook;
  notebook.step = 1;
  notebook.values = {"hub", "jupyter-alice", "jupyterhub", "notebook:alice"};
  notebook.first_start = kT0 + seconds(3600);
  notebook.last_end = kT0 + seconds(5400);  // half an hour in the second step
  notebook.cpu_cost = Nanos(5'000'000);
  notebook.cpu_request_millicore_seconds = 1000.0 * 1800;
  notebook.cpu_usage_millicore_seconds = 250.0 * 1800;
  AllocationRow api = notebook;
  api.values = {"web", "api", "kubernetes", "api"};
  api.step = 0;
  api.first_start = kT0;
  api.last_end = kT0 + seconds(3600);
  const auto feed =
      BuildWorkloadFeed(std::vector{notebook, api}, window, seconds(3600), {}, {}, {});
  ASSERT_EQ(feed.size(), 2U);
  EXPECT_EQ(feed[0].efficiency.workload, "hub/notebook:alice");
  EXPECT_EQ(feed[0].efficiency.active_seconds, 1800);
  EXPECT_EQ(feed[0].efficiency.cost_per_hour, HourlyPrice{Nanos(10'000'000)});
  EXPECT_DOUBLE_EQ(feed[0].efficiency.cpu_efficiency, 0.25);
  EXPECT_EQ(feed[1].efficiency.workload, "web/api");
  EXPECT_EQ(feed[1].efficiency.cost_per_hour, HourlyPrice{Nanos(5'000'000)});
}

TEST(WorkloadFeedTest, RowsOfOneNameInOneStepMerge) {
  const TimeWindow window{kT0, kT0 + seconds(3600)};
  AllocationRow driver;
  driver.values = {"spark", "app-driver", "spark", "spark:app"};
  driver.first_start = kT0;
  driver.last_end = kT0 + seconds(1200);
  driver.cpu_cost = Nanos(1'000'000);
  AllocationRow executor = driver;
  executor.values = {"spark", "app-exec", "spark", "spark:app"};
  executor.first_start = kT0 + seconds(600);
  executor.last_end = kT0 + seconds(1800);
  const auto feed =
      BuildWorkloadFeed(std::vector{driver, executor}, window, seconds(3600), {}, {}, {});
  ASSERT_EQ(feed.size(), 1U);
  EXPECT_EQ(feed[0].efficiency.workload, "spark/spark:app");
  EXPECT_EQ(feed[0].efficiency.cost, Nanos(2'000'000));
  EXPECT_EQ(feed[0].efficiency.active_seconds, 1800);
}

TEST(WorkloadFeedTest, RecommendationIsPricedAtTheWorkloadsOwnCorePrice) {
  const TimeWindow window{kT0, kT0 + seconds(3600)};
  AllocationRow api;
  api.values = {"web", "api", "kubernetes", "api"};
  api.first_start = kT0;
  api.last_end = kT0 + seconds(3600);
  api.cpu_cost = Nanos(40'000'000);  // $0.04 for 1 requested core-hour
  api.cpu_request_millicore_seconds = 1000.0 * 3600;
  ContainerUsageSeries s;
  s.namespace_name = "web";
  s.controller = "api";
  s.platform = "kubernetes";
  s.workload = "api";
  s.container = "app";
  s.cpu_request_millicores = 1000;
  s.cpu_millicores = {{kT0, 300}};
  const auto feed =
      BuildWorkloadFeed(std::vector{api}, window, seconds(3600), std::vector{s}, {}, {});
  ASSERT_EQ(feed.size(), 1U);
  const auto& rec = feed[0].rightsizing.at("app");
  ASSERT_TRUE(rec.cpu.has_value());
  EXPECT_EQ(rec.cpu->recommended, 350);  // 300 m x 1.15 = 345, up to 350
  // 650 m less x $0.04 per core-hour x 168 h.
  EXPECT_EQ(rec.cpu->weekly_saving, Nanos(4'368'000'000));
}

// Three days of hourly rows: a Spark app (driver all of hours 10-40, executors a half of hours
// 12-20 under another controller), an Airflow task (10 minutes every 6 hours), a service run
// in two clusters at once.
std::vector<AllocationRow> HourlyRows(sys_seconds midnight) {
  std::vector<AllocationRow> rows;
  const auto add = [&](int hour, std::vector<std::string> values, int from_minute, int to_minute,
                       std::int64_t cost_nanos) {
    AllocationRow r;
    r.step = static_cast<std::size_t>(hour);
    r.values = std::move(values);
    const sys_seconds start = midnight + seconds(3600 * hour);
    r.first_start = start + seconds(60 * from_minute);
    r.last_end = start + seconds(60 * to_minute);
    r.cpu_cost = Nanos(cost_nanos + hour);
    r.ram_cost = Nanos(cost_nanos / 2);
    r.cpu_request_millicore_seconds = 500.0 * 60 * (to_minute - from_minute);
    r.cpu_usage_millicore_seconds = 125.0 * 60 * (to_minute - from_minute) + hour;
    r.memory_request_byte_seconds = 1e9 * 60 * (to_minute - from_minute);
    r.memory_usage_byte_seconds = 4e8 * 60 * (to_minute - from_minute);
    rows.push_back(std::move(r));
  };
  for (int h = 0; h < 72; ++h) {
    if (h >= 10 && h <= 40) {
      add(h, {"spark", "app-driver", "spark", "spark:app", "data", "c1", "Pod"}, 0, 60, 7'000);
    }
    if (h >= 12 && h <= 20) {
      add(h, {"spark", "app-exec", "spark", "spark:app", "data", "c1", "Pod"}, 15, 45, 9'000);
    }
    if (h % 6 == 0) {
      add(h, {"etl", "load-" + std::to_string(h), "airflow", "dag:load", "data", "c1", "Pod"}, 5,
          15, 3'000);
    }
    for (const char* cluster : {"c1", "c2"}) {
      add(h, {"web", "api", "kubernetes", "", "web", cluster, "Deployment"}, 0, 60, 11'000);
    }
  }
  return rows;
}

TEST(WorkloadFeedTest, WholeDaysWithTheirActivityGiveWhatTheirHoursGive) {
  const sys_seconds midnight{std::chrono::floor<std::chrono::days>(kT0)};
  const TimeWindow window{midnight, midnight + std::chrono::days(3)};
  const std::vector<AllocationRow> hours = HourlyRows(midnight);
  const auto hourly = BuildWorkloadFeed(hours, window, seconds(3600), {}, {}, {});

  // The first day as hours; days 2 and 3 as the daily rollup keeps them: rows summed per key
  // and day, and per cluster, namespace, team and name the time each hour gives, summed.
  std::vector<AllocationRow> first_day;
  std::map<std::pair<std::size_t, std::vector<std::string>>, AllocationRow> days;
  std::map<std::tuple<std::size_t, std::string, std::string, std::string, std::string, std::size_t>,
           std::pair<sys_seconds, sys_seconds>>
      spans;  // (day, cluster, namespace, team, name, hour) -> first start, last end
  for (const AllocationRow& r : hours) {
    if (r.step < 24) {
      first_day.push_back(r);
      continue;
    }
    const std::size_t day = r.step / 24 - 1;
    auto [it, fresh] = days.try_emplace({day, r.values}, r);
    AllocationRow& d = it->second;
    d.step = day;
    if (!fresh) {
      d.first_start = std::min(d.first_start, r.first_start);
      d.last_end = std::max(d.last_end, r.last_end);
      d.cpu_cost += r.cpu_cost;
      d.ram_cost += r.ram_cost;
      d.cpu_request_millicore_seconds += r.cpu_request_millicore_seconds;
      d.cpu_usage_millicore_seconds += r.cpu_usage_millicore_seconds;
      d.memory_request_byte_seconds += r.memory_request_byte_seconds;
      d.memory_usage_byte_seconds += r.memory_usage_byte_seconds;
    }
    const std::string name = r.values[2] == "kubernetes" ? r.values[1] : r.values[3];
    auto [span, new_span] = spans.try_emplace(
        {day, r.values[5], r.values[0], r.values[4], name, r.step}, r.first_start, r.last_end);
    span->second.first = std::min(span->second.first, r.first_start);
    span->second.second = std::max(span->second.second, r.last_end);
  }
  std::vector<AllocationRow> whole_days;
  for (auto& [key, row] : days) whole_days.push_back(row);
  std::map<std::tuple<std::size_t, std::string, std::string, std::string, std::string>,
           std::int64_t>
      active;
  for (const auto& [key, span] : spans) {
    const auto& [day, cluster, ns, team, name, hour] = key;
    active[{day, cluster, ns, team, name}] += (span.second - span.first).count();
  }
  std::vector<WorkloadActivityRow> activity;
  for (const auto& [key, secs] : active) {
    const auto& [day, cluster, ns, team, name] = key;
    activity.push_back({day, cluster, ns, team, name, secs});
  }
  const TimeWindow later{midnight + std::chrono::days(1), window.end};
  const std::vector<WorkloadFeedPart> parts = {
      {{midnight, later.start}, seconds(3600), first_day, std::nullopt},
      {later, seconds(86400), whole_days, std::span<const WorkloadActivityRow>(activity)}};
  const auto by_days = BuildWorkloadFeed(parts, window, {}, {}, {});

  ASSERT_EQ(hourly.size(), 3U);
  ASSERT_EQ(by_days.size(), hourly.size());
  for (std::size_t i = 0; i < hourly.size(); ++i) {
    EXPECT_EQ(by_days[i].efficiency, hourly[i].efficiency) << hourly[i].efficiency.workload;
  }
  // Spark: the driver's 31 hours (its executors ran within them); Airflow: 12 runs of 10
  // minutes; the service: 72 hours in each of two clusters.
  EXPECT_EQ(hourly[0].efficiency.workload, "etl/dag:load");
  EXPECT_EQ(hourly[0].efficiency.active_seconds, 12 * 600);
  EXPECT_EQ(hourly[1].efficiency.workload, "spark/spark:app");
  EXPECT_EQ(hourly[1].efficiency.active_seconds, 31 * 3600);
  EXPECT_EQ(hourly[2].efficiency.workload, "web/api");
  EXPECT_EQ(hourly[2].efficiency.active_seconds, 2 * 72 * 3600);

  // A day without its activity row counts from the day's first start to its last end.
  std::vector<WorkloadActivityRow> partial = activity;
  std::erase_if(partial, [](const WorkloadActivityRow& a) { return a.name == "dag:load"; });
  const std::vector<WorkloadFeedPart> without = {
      {{midnight, later.start}, seconds(3600), first_day, std::nullopt},
      {later, seconds(86400), whole_days, std::span<const WorkloadActivityRow>(partial)}};
  const auto fallback = BuildWorkloadFeed(without, window, {}, {}, {});
  // Day 1: 4 runs of 10 minutes; days 2 and 3: 00:05 to 18:15.
  EXPECT_EQ(fallback[0].efficiency.active_seconds, 4 * 600 + 2 * (18 * 3600 + 600));
}

}  // namespace
}  // namespace costledger::model
