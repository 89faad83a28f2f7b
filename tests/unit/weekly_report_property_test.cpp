// Property tests over thousands of random team weeks: every nano-dollar of the rows appears once
// in every view of the report (days, namespaces, platforms, workloads, top + others), sections
// reconcile, and the report does not depend on the order of its inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "costledger/model/weekly_report.hpp"

namespace costledger::model {
namespace {

std::int64_t Uniform(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

template <typename T>
const T& Pick(std::mt19937_64& rng, const std::vector<T>& items) {
  return items[static_cast<std::size_t>(
      Uniform(rng, 0, static_cast<std::int64_t>(items.size()) - 1))];
}

Money RandomCost(std::mt19937_64& rng) {
  switch (Uniform(rng, 0, 4)) {
    case 0:
      return Money{};
    case 1:
      return Money::FromNanos(Uniform(rng, 1, 1000));  // dust
    default:
      return Money::FromNanos(Uniform(rng, 0, 200'000'000'000));  // up to $200
  }
}

double RandomQuantity(std::mt19937_64& rng) {
  return Uniform(rng, 0, 2) == 0 ? 0.0 : static_cast<double>(Uniform(rng, 1, 1'000'000'000));
}

struct Workload {
  std::string namespace_name;
  std::string platform;
  std::string workload;
};

std::vector<ReportCostRow> RandomRows(std::mt19937_64& rng, const std::vector<Workload>& workloads,
                                      std::int64_t max_rows, bool shared_idle) {
  const std::vector<std::string> clusters = {"eu", "us", "ap"};
  const std::vector<std::string> types = {"m5.xlarge", "r5.4xlarge", "g5.xlarge"};
  std::vector<ReportCostRow> rows;
  const std::int64_t n = Uniform(rng, 0, max_rows);
  for (std::int64_t i = 0; i < n; ++i) {
    const Workload& w = Pick(rng, workloads);
    ReportCostRow row;
    row.day = static_cast<std::size_t>(Uniform(rng, 0, 6));
    row.cluster = Pick(rng, clusters);
    row.namespace_name = w.namespace_name;
    row.platform = w.platform;
    row.workload = w.workload;
    row.capacity_type = Uniform(rng, 0, 1) == 0 ? "spot" : "on-demand";
    row.instance_type = Pick(rng, types);
    row.cpu_cost = RandomCost(rng);
    row.ram_cost = RandomCost(rng);
    row.gpu_cost = Uniform(rng, 0, 3) == 0 ? RandomCost(rng) : Money{};
    if (shared_idle) row.shared_idle_cost = RandomCost(rng);
    row.container_seconds = RandomQuantity(rng);
    row.cpu_request_millicore_seconds = RandomQuantity(rng);
    row.cpu_usage_millicore_seconds = RandomQuantity(rng);
    row.cpu_allocated_millicore_seconds = RandomQuantity(rng);
    row.memory_request_byte_seconds = RandomQuantity(rng) * 1e6;
    row.memory_usage_byte_seconds = RandomQuantity(rng) * 1e6;
    row.memory_allocated_byte_seconds = RandomQuantity(rng) * 1e6;
    row.gpu_device_seconds = RandomQuantity(rng) / 1000;
    row.gpu_busy_device_seconds = RandomQuantity(rng) / 1000;
    rows.push_back(std::move(row));
  }
  return rows;
}

WeeklyReportInput RandomInput(std::mt19937_64& rng) {
  const std::vector<std::string> platforms = {"airflow", "jupyterhub", "spark",
                                              "ray",     "kubernetes", ""};
  std::vector<Workload> workloads;
  const std::int64_t namespaces = Uniform(rng, 1, 5);
  const std::int64_t count = Uniform(rng, 1, 30);
  for (std::int64_t i = 0; i < count; ++i) {
    workloads.push_back({"ns" + std::to_string(Uniform(rng, 0, namespaces - 1)),
                         Pick(rng, platforms), "w" + std::to_string(Uniform(rng, 0, 40))});
  }
  WeeklyReportInput in;
  in.team = "t";
  in.week = WeekWindows({2026, static_cast<unsigned>(Uniform(rng, 1, 52))}, FixedOffsetZone::Utc());
  in.zone_name = "UTC";
  in.idle_sharing = Uniform(rng, 0, 1) == 0 ? IdleSharing::kSeparate : IdleSharing::kWeightedByCost;
  in.rows = RandomRows(rng, workloads, 300, in.idle_sharing != IdleSharing::kSeparate);
  if (Uniform(rng, 0, 3) != 0) in.previous_rows = RandomRows(rng, workloads, 200, false);
  in.limits.top_workloads = static_cast<std::size_t>(Uniform(rng, 0, 15));
  in.limits.top_queries_per_workgroup = static_cast<std::size_t>(Uniform(rng, 0, 5));
  in.limits.top_volumes = static_cast<std::size_t>(Uniform(rng, 0, 5));
  in.limits.biggest_changes = static_cast<std::size_t>(Uniform(rng, 0, 5));
  in.cluster_idle = {{"eu", RandomCost(rng), RandomCost(rng) + RandomCost(rng)}};
  // Spot nodes cost at least what the team ran on them (the team is part of their cost).
  std::map<std::string, Money> team_spot;
  for (const ReportCostRow& row : in.rows) {
    if (row.capacity_type == "spot") team_spot[row.instance_type] += row.Cost();
  }
  in.spot_nodes = {{"m5.xlarge", Money::FromNanos(192'000'000),
                    team_spot["m5.xlarge"] + RandomCost(rng), Uniform(rng, 0, 10'000'000)},
                   {"r5.4xlarge", Money::FromNanos(1'008'000'000),
                    team_spot["r5.4xlarge"] + RandomCost(rng), Uniform(rng, 0, 10'000'000)}};
  const std::int64_t queries = Uniform(rng, 0, 40);
  for (std::int64_t i = 0; i < queries; ++i) {
    QueryCostRow q;
    q.query_execution_id = "q" + std::to_string(i);
    q.work_group = "wg" + std::to_string(Uniform(rng, 0, 3));
    q.submitted = in.week.window.start + std::chrono::seconds{Uniform(rng, 0, 600'000)};
    q.data_scanned_bytes = Uniform(rng, 0, std::int64_t{1} << 42);
    q.cost = RandomCost(rng);
    q.query = std::string(static_cast<std::size_t>(Uniform(rng, 0, 400)), 'x');
    in.queries.push_back(std::move(q));
  }
  if (Uniform(rng, 0, 1) == 0) {
    std::vector<StorageCostInput> volumes;
    const std::int64_t n = Uniform(rng, 0, 12);
    for (std::int64_t i = 0; i < n; ++i) {
      volumes.push_back({"eu", "ns0", "pv" + std::to_string(i), "",
                         Uniform(rng, 0, 1) == 1 ? "gp3" : "io2",
                         Uniform(rng, 0, std::int64_t{1} << 40), RandomCost(rng)});
    }
    in.storage = std::move(volumes);
  }
  return in;
}

Money SumOf(const std::vector<ReportCostRow>& rows) {
  Money sum;
  for (const ReportCostRow& r : rows) sum += r.Cost();
  return sum;
}

void CheckInvariants(const WeeklyReportInput& in, const WeeklyReport& r) {
  const Money rows = SumOf(in.rows);
  ASSERT_EQ(r.total, rows);
  EXPECT_EQ(r.breakdown.Total(), rows);

  Money days;
  for (std::size_t d = 0; d < kDaysPerWeek; ++d) {
    Money expected;
    for (const ReportCostRow& row : in.rows) {
      if (row.day == d) expected += row.Cost();
    }
    const DayCost& day = r.days[d];
    EXPECT_EQ(day.total, expected);
    EXPECT_EQ(day.day, in.week.days[d]);
    Money by_ns;
    for (Money m : day.by_namespace) by_ns += m;
    Money by_platform;
    for (Money m : day.by_platform) by_platform += m;
    EXPECT_EQ(by_ns, day.total);
    EXPECT_EQ(by_platform, day.total);
    ASSERT_EQ(day.by_namespace.size(), r.namespaces.size());
    ASSERT_EQ(day.by_platform.size(), r.platforms.size());
    days += day.total;
  }
  EXPECT_EQ(days, rows);

  Money namespaces;
  for (std::size_t i = 0; i < r.namespaces.size(); ++i) {
    Money column;
    for (const DayCost& d : r.days) column += d.by_namespace[i];
    EXPECT_EQ(column, r.namespaces[i].cost);
    namespaces += r.namespaces[i].cost;
    if (i > 0) {
      EXPECT_GE(r.namespaces[i - 1].cost, r.namespaces[i].cost);
    }
  }
  EXPECT_EQ(namespaces, rows);
  Money platforms;
  for (const GroupCost& g : r.platforms) platforms += g.cost;
  EXPECT_EQ(platforms, rows);

  Money workloads;
  Money top;
  Money spot;
  for (std::size_t i = 0; i < r.workloads.size(); ++i) {
    const WorkloadLine& w = r.workloads[i];
    EXPECT_EQ(w.cost, w.breakdown.Total());
    EXPECT_LE(w.spot_cost, w.cost);
    workloads += w.cost;
    spot += w.spot_cost;
    if (i < r.top_workload_count) top += w.cost;
    if (i > 0) {
      EXPECT_GE(r.workloads[i - 1].cost, w.cost);
    }
    EXPECT_EQ(w.change.has_value(), in.previous_rows.has_value());
    if (w.change) {
      EXPECT_EQ(*w.change, w.cost - *w.previous_cost);
    }
  }
  EXPECT_EQ(workloads, rows);
  EXPECT_LE(r.top_workload_count, r.workloads.size());
  if (r.others) {
    EXPECT_GE(r.others->workload_count, 2U);
    EXPECT_EQ(r.others->workload_count + r.top_workload_count, r.workloads.size());
    top += r.others->cost;
  } else {
    EXPECT_EQ(r.top_workload_count, r.workloads.size());
  }
  EXPECT_EQ(top, rows);

  if (in.previous_rows) {
    const Money before = SumOf(*in.previous_rows);
    EXPECT_EQ(r.previous_total, before);
    EXPECT_EQ(r.change, rows - before);
    EXPECT_LE(r.biggest_changes.size(), in.limits.biggest_changes);
    for (std::size_t i = 0; i < r.biggest_changes.size(); ++i) {
      const CostChange& c = r.biggest_changes[i];
      EXPECT_NE(c.change, Money{});
      EXPECT_EQ(c.change, c.cost - c.previous_cost);
      if (i > 0) {
        auto magnitude = [](Money m) { return m < Money{} ? Money{} - m : m; };
        EXPECT_GE(magnitude(r.biggest_changes[i - 1].change), magnitude(c.change));
      }
    }
  } else {
    EXPECT_FALSE(r.change);
    EXPECT_TRUE(r.biggest_changes.empty());
  }

  EXPECT_EQ(r.spot.team_spot_cost, spot);
  Money spot_lines;
  Money savings;
  for (const SpotSavingLine& l : r.spot.by_instance_type) {
    spot_lines += l.team_spot_cost;
    if (l.saving) {
      EXPECT_GE(*l.saving, Money{});
      EXPECT_EQ(*l.on_demand_cost, l.team_spot_cost + *l.saving);
      savings += *l.saving;
    }
  }
  EXPECT_EQ(spot_lines, spot);
  EXPECT_EQ(savings, r.spot.saving);

  Money queries;
  std::size_t query_count = 0;
  for (const QueryCostRow& q : in.queries) queries += q.cost;
  Money groups;
  for (const WorkgroupQueries& g : r.queries.workgroups) {
    Money listed = g.other_cost;
    for (const QueryLine& q : g.top) {
      listed += q.cost;
      EXPECT_LE(q.query.size(), in.limits.max_query_text_bytes);
    }
    EXPECT_EQ(listed, g.cost);
    EXPECT_EQ(g.top.size() + g.other_count, g.query_count);
    EXPECT_LE(g.top.size(), in.limits.top_queries_per_workgroup);
    groups += g.cost;
    query_count += g.query_count;
  }
  EXPECT_EQ(groups, queries);
  EXPECT_EQ(r.queries.total, queries);
  EXPECT_EQ(query_count, in.queries.size());

  Money storage;
  if (in.storage) {
    for (const StorageCostInput& v : *in.storage) storage += v.cost;
    Money classes;
    for (const StorageClassCost& c : r.storage.by_class) classes += c.cost;
    Money volumes = r.storage.other_cost;
    for (const StorageCostInput& v : r.storage.top_volumes) volumes += v.cost;
    EXPECT_EQ(classes, storage);
    EXPECT_EQ(volumes, storage);
  }
  EXPECT_EQ(r.storage.total, storage);
  EXPECT_EQ(r.combined_total, rows + queries + storage);
  EXPECT_EQ(r.HasSpend(), r.combined_total != Money{});
  EXPECT_FALSE(r.summary.empty());
}

class WeeklyReportPropertyTest : public ::testing::TestWithParam<int> {};

TEST_P(WeeklyReportPropertyTest, EveryViewOfTheWeekAddsUpToTheRowsToTheNanoDollar) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(GetParam()));
  for (int i = 0; i < 300; ++i) {
    const WeeklyReportInput in = RandomInput(rng);
    const WeeklyReport r = BuildWeeklyReport(in);
    CheckInvariants(in, r);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "seed " << GetParam() << " input " << i;
      return;
    }
  }
}

TEST_P(WeeklyReportPropertyTest, TheReportDoesNotDependOnTheOrderOfItsInputs) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(GetParam()) + 1000);
  for (int i = 0; i < 100; ++i) {
    WeeklyReportInput in = RandomInput(rng);
    const WeeklyReport before = BuildWeeklyReport(in);
    std::shuffle(in.rows.begin(), in.rows.end(), rng);
    if (in.previous_rows) std::shuffle(in.previous_rows->begin(), in.previous_rows->end(), rng);
    std::shuffle(in.queries.begin(), in.queries.end(), rng);
    std::shuffle(in.spot_nodes.begin(), in.spot_nodes.end(), rng);
    if (in.storage) std::shuffle(in.storage->begin(), in.storage->end(), rng);
    ASSERT_EQ(BuildWeeklyReport(in), before) << "seed " << GetParam() << " input " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, WeeklyReportPropertyTest, ::testing::Range(1, 6));

}  // namespace
}  // namespace costledger::model
