// The content of a team's weekly report: sums, efficiencies, changes, sections and summary.
#include "costledger/model/weekly_report.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "costledger/model/errors.hpp"
#include "costledger/model/quota_status.hpp"
#include "costledger/model/rounding.hpp"
#include "report_fixtures.hpp"

namespace costledger::model {
namespace {

using costledger::testing::CostRow;

Money D(const char* text) { return Money::ParseDollars(text); }

WeeklyReportInput Input(std::vector<ReportCostRow> rows = {}) {
  WeeklyReportInput in;
  in.team = "alpha";
  in.week = WeekWindows({2026, 48}, FixedOffsetZone::Utc());
  in.zone_name = "UTC";
  in.rows = std::move(rows);
  return in;
}

TEST(WeeklyReportTest, ATeamWithoutSpendGetsAShortValidReport) {
  const WeeklyReport r = BuildWeeklyReport(Input());
  EXPECT_FALSE(r.HasSpend());
  EXPECT_EQ(r.team, "alpha");
  EXPECT_EQ(r.week.week, (IsoWeek{2026, 48}));
  EXPECT_EQ(r.total, Money{});
  EXPECT_TRUE(r.workloads.empty());
  EXPECT_FALSE(r.others);
  for (const DayCost& d : r.days) EXPECT_EQ(d.total, Money{});
  EXPECT_EQ(r.days[0].day.date, MondayOf({2026, 48}));
  EXPECT_FALSE(r.cpu_efficiency);
  EXPECT_FALSE(r.storage.costed);
  EXPECT_EQ(r.summary, "Team alpha had no recorded spend in 2026-W48 (23\u201329 Nov 2026, UTC).");
}

TEST(WeeklyReportTest, NoSpendAfterAWeekWithSpendSaysWhatItWas) {
  WeeklyReportInput in = Input();
  in.previous_rows = {CostRow(0, "ns", "airflow", "dag:a/b", "12.5")};
  const WeeklyReport r = BuildWeeklyReport(in);
  EXPECT_EQ(r.change, D("-12.5"));
  EXPECT_EQ(r.summary,
            "Team alpha had no recorded spend in 2026-W48 (23\u201329 Nov 2026, UTC). It spent "
            "$12.50 on Kubernetes workloads the week before.");
}

TEST(WeeklyReportTest, TotalsDaysNamespacesAndPlatformsReconcile) {
  const WeeklyReport r = BuildWeeklyReport(Input({
      CostRow(0, "ml", "ray", "raycluster:tune", "10", "2", "30"),
      CostRow(0, "ml", "ray", "raycluster:tune", "1", "0", "0", "spot", "m5.xlarge", "prod-us"),
      CostRow(3, "etl", "airflow", "dag:load/run", "4", "1"),
      CostRow(6, "etl", "spark", "spark:agg", "7"),
      CostRow(6, "ml", "jupyterhub", "notebook:ann", "0.25", "0.25"),
  }));
  EXPECT_EQ(r.total, D("55.5"));
  EXPECT_EQ(r.breakdown, (CostBreakdown{D("22.25"), D("3.25"), D("30"), Money{}}));
  EXPECT_EQ(r.days[0].total, D("43"));
  EXPECT_EQ(r.days[3].total, D("5"));
  EXPECT_EQ(r.days[6].total, D("7.5"));
  EXPECT_EQ(r.days[1].total, Money{});
  ASSERT_EQ(r.namespaces.size(), 2U);
  EXPECT_EQ(r.namespaces[0].name, "ml");
  EXPECT_EQ(r.namespaces[0].cost, D("43.5"));
  EXPECT_EQ(r.namespaces[1].name, "etl");
  EXPECT_FALSE(r.namespaces[0].change);  // no previous week given
  EXPECT_EQ(r.days[6].by_namespace, (std::vector<Money>{D("0.5"), D("7")}));
  ASSERT_EQ(r.platforms.size(), 4U);
  EXPECT_EQ(r.platforms[0].name, "ray");
  EXPECT_EQ(r.platforms[1].name, "spark");
  EXPECT_EQ(r.platforms[2].name, "airflow");
  EXPECT_EQ(r.platforms[3].name, "jupyterhub");
  ASSERT_EQ(r.workloads.size(), 4U);
  const WorkloadLine& tune = r.workloads[0];
  EXPECT_EQ(tune.workload, "raycluster:tune");
  EXPECT_EQ(tune.cost, D("43"));
  EXPECT_EQ(tune.clusters, (std::vector<std::string>{"prod-eu", "prod-us"}));
  EXPECT_EQ(tune.spot_cost, D("1"));
  EXPECT_DOUBLE_EQ(*tune.spot_share, 1.0 / 43);
  EXPECT_EQ(r.top_workload_count, 4U);
  EXPECT_EQ(r.TopWorkloads().size(), 4U);
  EXPECT_FALSE(r.others);
  EXPECT_EQ(r.combined_total, r.total);
}

TEST(WeeklyReportTest, EfficienciesAreUsageOverRequestOrNullWithoutRequest) {
  ReportCostRow used = CostRow(0, "ns", "kubernetes", "Deployment:web", "1");
  used.cpu_request_millicore_seconds = 2000.0 * 3600;
  used.cpu_usage_millicore_seconds = 500.0 * 3600;
  used.memory_usage_byte_seconds = 1e9;  // uses memory without requesting any
  used.gpu_device_seconds = 7200;
  used.gpu_busy_device_seconds = 1800;
  used.container_seconds = 3600;
  const WeeklyReport r = BuildWeeklyReport(Input({used}));
  const WorkloadLine& w = r.workloads.at(0);
  EXPECT_DOUBLE_EQ(*w.cpu_efficiency, 0.25);
  EXPECT_FALSE(w.ram_efficiency);
  EXPECT_DOUBLE_EQ(*w.gpu_efficiency, 0.25);
  EXPECT_DOUBLE_EQ(w.gpu_hours, 2);
  EXPECT_DOUBLE_EQ(w.gpu_busy_hours, 0.5);
  EXPECT_DOUBLE_EQ(w.cpu_request_core_hours, 2);
  EXPECT_DOUBLE_EQ(w.container_hours, 1);
  EXPECT_DOUBLE_EQ(r.gpu_hours, 2);
  EXPECT_DOUBLE_EQ(*r.cpu_efficiency, 0.25);
  EXPECT_FALSE(r.ram_efficiency);
}

TEST(WeeklyReportTest, WorkloadsBeyondTheTopAreSummedAsOthers) {
  std::vector<ReportCostRow> rows;
  for (int i = 0; i < 14; ++i) {
    rows.push_back(CostRow(static_cast<std::size_t>(i % 7), "ns" + std::to_string(i % 3), "airflow",
                           "dag:d" + std::to_string(i) + "/t", std::to_string(i + 1).c_str()));
  }
  WeeklyReportInput in = Input(rows);
  in.previous_rows = std::vector<ReportCostRow>{CostRow(0, "ns0", "airflow", "dag:d0/t", "3")};
  const WeeklyReport r = BuildWeeklyReport(in);
  EXPECT_EQ(r.total, D("105"));
  EXPECT_EQ(r.workloads.size(), 14U);
  EXPECT_EQ(r.top_workload_count, 10U);
  EXPECT_EQ(r.workloads[0].workload, "dag:d13/t");
  ASSERT_TRUE(r.others);
  EXPECT_EQ(r.others->workload, "others");
  EXPECT_EQ(r.others->workload_count, 4U);
  EXPECT_EQ(r.others->cost, D("10"));  // 4 + 3 + 2 + 1
  EXPECT_EQ(r.others->previous_cost, D("3"));
  EXPECT_EQ(r.others->change, D("7"));

  // One workload more than the limit is listed, not summed as "others (1)".
  in.limits.top_workloads = 13;
  const WeeklyReport all = BuildWeeklyReport(in);
  EXPECT_EQ(all.top_workload_count, 14U);
  EXPECT_FALSE(all.others);
}

TEST(WeeklyReportTest, WeekOverWeekChangesNameTheThreeBiggest) {
  WeeklyReportInput in = Input({
      CostRow(0, "analytics", "spark", "spark:daily-agg", "400"),
      CostRow(1, "notebooks", "jupyterhub", "notebook:alice", "80"),
      CostRow(2, "ml", "ray", "rayjob:train", "100"),
      CostRow(2, "ml", "ray", "raycluster:tune", "50"),
  });
  in.previous_rows = std::vector<ReportCostRow>{
      CostRow(5, "analytics", "spark", "spark:daily-agg", "100"),
      CostRow(0, "analytics", "airflow", "dag:legacy/dump", "120"),
      CostRow(0, "ml", "ray", "rayjob:train", "100"),
      CostRow(0, "ml", "ray", "raycluster:tune", "49.99"),
  };
  const WeeklyReport r = BuildWeeklyReport(in);
  EXPECT_EQ(r.total, D("630"));
  EXPECT_EQ(r.previous_total, D("369.99"));
  EXPECT_EQ(r.change, D("260.01"));
  ASSERT_EQ(r.biggest_changes.size(), 3U);
  // analytics moved by +180 over two workloads, but spark:daily-agg alone moved +300.
  EXPECT_EQ(r.biggest_changes[0].workload, "spark:daily-agg");
  EXPECT_EQ(r.biggest_changes[0].change, D("300"));
  EXPECT_EQ(r.biggest_changes[1].kind, CostChange::Kind::kNamespace);
  EXPECT_EQ(r.biggest_changes[1].namespace_name, "analytics");
  EXPECT_EQ(r.biggest_changes[1].change, D("180"));
  EXPECT_EQ(r.biggest_changes[2].workload, "dag:legacy/dump");
  EXPECT_EQ(r.biggest_changes[2].change, D("-120"));
  EXPECT_EQ(r.workloads[0].previous_cost, D("100"));
  EXPECT_EQ(r.workloads[0].change, D("300"));
  const auto alice =
      std::find_if(r.workloads.begin(), r.workloads.end(),
                   [](const WorkloadLine& w) { return w.workload == "notebook:alice"; });
  EXPECT_EQ(alice->previous_cost, Money{});
  EXPECT_EQ(r.namespaces[0].change, D("180"));
  EXPECT_EQ(r.summary,
            "Team alpha spent $630.00 on Kubernetes workloads in 2026-W48 (23\u201329 Nov 2026, "
            "UTC), up $260.01 (+70.3%) from $369.99 the week before. The biggest changes were: "
            "spark:daily-agg in analytics up $300.00 (from $100.00 to $400.00); namespace "
            "analytics up $180.00 (from $220.00 to $400.00); and dag:legacy/dump in analytics "
            "did not run ($120.00 the week before).");
}

TEST(WeeklyReportTest, NewWorkloadsAndAnUnknownPreviousWeekReadPlainly) {
  WeeklyReportInput in = Input({CostRow(0, "ns", "ray", "rayjob:x", "5")});
  EXPECT_EQ(BuildWeeklyReport(in).summary,
            "Team alpha spent $5.00 on Kubernetes workloads in 2026-W48 (23\u201329 Nov 2026, "
            "UTC); the week before was not recorded, so no change is shown.");
  in.previous_rows = std::vector<ReportCostRow>{};
  const WeeklyReport r = BuildWeeklyReport(in);
  EXPECT_FALSE(r.change_ratio);
  EXPECT_EQ(r.summary,
            "Team alpha spent $5.00 on Kubernetes workloads in 2026-W48 (23\u201329 Nov 2026, "
            "UTC), after no spend the week before. The biggest change was: rayjob:x in ns is new "
            "($5.00).");
}

TEST(WeeklyReportTest, QueriesAreListedPerWorkgroupMostExpensiveFirst) {
  WeeklyReportInput in = Input();
  auto query = [](std::string id, std::string group, const char* cost, std::string sql) {
    QueryCostRow q;
    q.query_execution_id = std::move(id);
    q.work_group = std::move(group);
    q.cost = Money::ParseDollars(cost);
    q.data_scanned_bytes = 1 << 20;
    q.query = std::move(sql);
    return q;
  };
  in.queries = {query("a", "bi", "1", "SELECT 1"), query("b", "bi", "3", "SELECT \u00e9\u00e9"),
                query("c", "bi", "2", "x"), query("d", "ml", "10", "y")};
  in.limits.top_queries_per_workgroup = 2;
  in.limits.max_query_text_bytes = 8;  // "SELECT " and one byte of the two-byte 'é'
  in.previous_query_cost = D("4");
  const WeeklyReport r = BuildWeeklyReport(in);
  EXPECT_EQ(r.queries.total, D("16"));
  EXPECT_EQ(r.queries.change, D("12"));
  EXPECT_EQ(r.queries.query_count, 4U);
  ASSERT_EQ(r.queries.workgroups.size(), 2U);
  EXPECT_EQ(r.queries.workgroups[0].work_group, "ml");
  const WorkgroupQueries& bi = r.queries.workgroups[1];
  EXPECT_EQ(bi.cost, D("6"));
  ASSERT_EQ(bi.top.size(), 2U);
  EXPECT_EQ(bi.top[0].query_execution_id, "b");
  EXPECT_EQ(bi.top[0].query, "SELECT ");
  EXPECT_TRUE(bi.top[0].query_truncated);
  EXPECT_EQ(bi.top[0].who_ran, "");
  EXPECT_EQ(bi.top[1].query_execution_id, "c");
  EXPECT_EQ(bi.other_cost, D("1"));
  EXPECT_EQ(bi.other_count, 1U);
  EXPECT_EQ(r.combined_total, D("16"));
  EXPECT_TRUE(r.HasSpend());
}

TEST(WeeklyReportTest, SpotSavingsUseTheNodesOnDemandPricesPerInstanceType) {
  WeeklyReportInput in = Input({
      CostRow(0, "ns", "spark", "spark:a", "2", "0", "0", "spot", "r5.4xlarge"),
      CostRow(1, "ns", "spark", "spark:a", "1", "0", "0", "spot", "r5.4xlarge"),
      CostRow(1, "ns", "spark", "spark:a", "5", "0", "0", "on-demand", "r5.4xlarge"),
      CostRow(1, "ns", "ray", "rayjob:b", "4", "0", "0", "spot", "g5.xlarge"),
  });
  // r5.4xlarge spot nodes: 10 node-hours for $3 against $1.008/h on demand ($10.08).
  in.spot_nodes = {{"r5.4xlarge", D("1.008"), D("3"), 36000}};
  const WeeklyReport r = BuildWeeklyReport(in);
  EXPECT_EQ(r.spot.team_spot_cost, D("7"));
  EXPECT_DOUBLE_EQ(*r.spot.spot_share, 7.0 / 12);
  ASSERT_EQ(r.spot.by_instance_type.size(), 2U);
  EXPECT_EQ(r.spot.by_instance_type[0].instance_type, "r5.4xlarge");
  EXPECT_EQ(r.spot.by_instance_type[0].saving, D("7.08"));  // $3 x (10.08 / 3 - 1)
  EXPECT_EQ(r.spot.by_instance_type[0].on_demand_cost, D("10.08"));
  EXPECT_FALSE(r.spot.by_instance_type[1].saving);
  EXPECT_EQ(r.spot.unpriced_spot_cost, D("4"));
  EXPECT_EQ(r.spot.saving, D("7.08"));
  EXPECT_DOUBLE_EQ(*r.workloads[0].spot_share, 3.0 / 8);
}

TEST(WeeklyReportTest, IdleIsTheClustersShareOrTheTeamsSharedPart) {
  WeeklyReportInput in = Input({CostRow(0, "ns", "ray", "rayjob:x", "6")});
  in.rows[0].shared_idle_cost = D("2");
  in.cluster_idle = {{"b", D("10"), D("40")}, {"a", D("5"), D("60")}};
  WeeklyReport r = BuildWeeklyReport(in);
  EXPECT_EQ(r.total, D("8"));
  EXPECT_EQ(r.idle.clusters, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.idle.cluster_idle, D("15"));
  EXPECT_DOUBLE_EQ(*r.idle.cluster_idle_share, 0.15);
  EXPECT_FALSE(r.idle.team_idle_share);  // kept separate
  in.idle_sharing = IdleSharing::kWeightedByCost;
  r = BuildWeeklyReport(in);
  EXPECT_EQ(r.idle.team_shared_idle, D("2"));
  EXPECT_DOUBLE_EQ(*r.idle.team_idle_share, 0.25);
  EXPECT_EQ(r.breakdown.shared_idle, D("2"));
}

TEST(WeeklyReportTest, StorageSaysWhetherItIsCosted) {
  WeeklyReportInput in = Input();
  EXPECT_FALSE(BuildWeeklyReport(in).storage.costed);
  in.storage = std::vector<StorageCostInput>{};
  EXPECT_TRUE(BuildWeeklyReport(in).storage.costed);
  in.storage = std::vector<StorageCostInput>{
      {"c", "ns", "pv-1", "data", "gp3", 100, D("1")},
      {"c", "ns", "pv-2", "", "gp3", 50, D("3")},
      {"c", "ns", "pv-3", "", "io2", 10, D("2")},
  };
  in.limits.top_volumes = 2;
  const WeeklyReport r = BuildWeeklyReport(in);
  EXPECT_EQ(r.storage.total, D("6"));
  ASSERT_EQ(r.storage.by_class.size(), 2U);
  EXPECT_EQ(r.storage.by_class[0].storage_class, "gp3");
  EXPECT_EQ(r.storage.by_class[0].size_bytes, 150);
  EXPECT_EQ(r.storage.by_class[0].volume_count, 2U);
  ASSERT_EQ(r.storage.top_volumes.size(), 2U);
  EXPECT_EQ(r.storage.top_volumes[0].volume, "pv-2");
  EXPECT_EQ(r.storage.other_cost, D("1"));
  EXPECT_EQ(r.combined_total, D("6"));
}

TEST(WeeklyReportTest, QuotasAreOrderedByHowCloseTheyAreToTheirLimit) {
  WeeklyReportInput in = Input();
  Quota a;
  a.name = "a";
  a.scope.team = "alpha";
  a.limit = {QuotaUnit::kDollars, 100};
  Quota b = a;
  b.name = "b";
  b.limit = {QuotaUnit::kGpuHours, 3};
  in.quotas = {{a, StatusAt(a, in.week.window, 50, in.week.window.end)},
               {b, StatusAt(b, in.week.window, 3, in.week.window.end)}};
  const WeeklyReport r = BuildWeeklyReport(in);
  ASSERT_EQ(r.quotas.size(), 2U);
  EXPECT_EQ(r.quotas[0].name, "b");
  EXPECT_EQ(r.quotas[0].scope, "team alpha");
  EXPECT_TRUE(r.quotas[0].status.LimitReached());
  EXPECT_EQ(r.quotas[1].name, "a");
}

TEST(WeeklyReportTest, RightsizingNeverGoesBelowUsageAndPricesTheTimeItRan) {
  WeeklyReportInput in = Input();
  std::vector<UsageSample> cpu;
  std::vector<UsageSample> memory;
  for (int h = 0; h < 168; ++h) {
    const auto at = in.week.window.start + std::chrono::hours{h};
    cpu.push_back({at, h == 100 ? 3000 : 400 + h % 10});  // one spike, long ago
    memory.push_back({at, (std::int64_t{1} << 30) + std::int64_t{h} * 1000});
  }
  in.rightsizing = {{"ns", "Deployment:web", "app", cpu, memory, 2000, std::int64_t{4} << 30,
                     D("0.04"), D("0.005"), 84 * 3600}};
  const WeeklyReport r = BuildWeeklyReport(in);
  ASSERT_EQ(r.rightsizing.top.size(), 1U);
  const RecommendationLine& line = r.rightsizing.top[0];
  ASSERT_TRUE(line.cpu);
  // p95 of the samples is 409 m; +15% = 470.35 -> 480 m (a multiple of 10); never below p95.
  EXPECT_EQ(line.cpu->percentile_usage, 409);
  EXPECT_EQ(line.cpu->recommended, 480);
  EXPECT_GE(line.cpu->recommended, line.cpu->percentile_usage);
  ASSERT_TRUE(line.memory);
  EXPECT_GE(line.memory->recommended, line.memory->percentile_usage);
  EXPECT_DOUBLE_EQ(line.container_hours, 84);
  // CPU: 1.52 cores x $0.04 x 84 h = $5.1072; memory: (4 GiB - recommended) x $0.005 x 84 h.
  const Money cpu_saving = D("5.1072");
  const std::int64_t freed = (std::int64_t{4} << 30) - line.memory->recommended;
  const Money memory_saving =
      Money::FromNanos(DivideRoundHalfEven(Int128{freed} * 5'000'000 * 84, std::int64_t{1} << 30));
  EXPECT_EQ(line.weekly_saving, cpu_saving + memory_saving);
  EXPECT_EQ(line.weekly_extra_cost, Money{});
  EXPECT_EQ(r.rightsizing.total_saving, line.weekly_saving);
  EXPECT_EQ(r.rightsizing.containers_considered, 1U);
}

TEST(WeeklyReportTest, RightsizingPricesComeFromTheWorkloadsRowsWhenNotGiven) {
  ReportCostRow row = CostRow(0, "ns", "kubernetes", "Deployment:web", "0.96", "0.12");
  row.cpu_allocated_millicore_seconds = 2000.0 * 24 * 3600;         // 48 core-hours for $0.96
  row.memory_allocated_byte_seconds = 4.0 * (1 << 30) * 24 * 3600;  // 96 GiB-hours for $0.12
  WeeklyReportInput in = Input({row});
  std::vector<UsageSample> cpu;
  for (int h = 0; h < 24; ++h) cpu.push_back({in.week.window.start + std::chrono::hours{h}, 2900});
  // Uses more than it requests: the recommendation goes up and costs extra.
  in.rightsizing = {
      {"ns", "Deployment:web", "app", cpu, {}, 2000, 0, std::nullopt, std::nullopt, 24 * 3600}};
  const WeeklyReport r = BuildWeeklyReport(in);
  ASSERT_EQ(r.rightsizing.top.size(), 1U);
  const RecommendationLine& line = r.rightsizing.top[0];
  EXPECT_EQ(line.price_per_core_hour, D("0.02"));
  EXPECT_EQ(line.price_per_gib_hour, D("0.00125"));
  EXPECT_FALSE(line.memory);
  EXPECT_EQ(line.cpu->recommended, 3340);  // 2900 x 1.15 = 3335 -> 3340
  EXPECT_EQ(line.weekly_saving, Money{});
  EXPECT_EQ(line.weekly_extra_cost, D("0.6432"));  // 1.34 cores x $0.02 x 24 h
  EXPECT_EQ(r.rightsizing.total_extra_cost, D("0.6432"));
}

TEST(WeeklyReportTest, BadRowsAreRejected) {
  EXPECT_THROW(BuildWeeklyReport(Input({CostRow(7, "ns", "p", "w", "1")})), InvalidInput);
  EXPECT_THROW(BuildWeeklyReport(Input({CostRow(0, "ns", "p", "w", "-1")})), InvalidInput);
  ReportCostRow nan = CostRow(0, "ns", "p", "w", "1");
  nan.cpu_usage_millicore_seconds = std::nan("");
  EXPECT_THROW(BuildWeeklyReport(Input({nan})), InvalidInput);
  WeeklyReportInput in = Input();
  in.spot_nodes = {{"x", D("1"), D("1"), 1}, {"x", D("2"), D("1"), 1}};
  in.rows = {CostRow(0, "ns", "p", "w", "1", "0", "0", "spot", "x")};
  EXPECT_THROW(BuildWeeklyReport(in), InvalidInput);
}

TEST(WeeklyReportTest, MakeReportCostRowCopiesTheSums) {
  AllocationRow sums;
  sums.container_seconds = 60;
  sums.cpu_request_millicore_seconds = 1;
  sums.cpu_usage_millicore_seconds = 2;
  sums.cpu_allocated_millicore_seconds = 3;
  sums.memory_request_byte_seconds = 4;
  sums.memory_usage_byte_seconds = 5;
  sums.memory_allocated_byte_seconds = 6;
  sums.gpu_device_seconds = 7;
  sums.gpu_busy_device_seconds = 8;
  sums.cpu_cost = D("1");
  sums.ram_cost = D("2");
  sums.gpu_cost = D("3");
  const ReportCostRow row =
      MakeReportCostRow(4, {"c", "ns", "spark", "spark:a", "spot", "r5.large"}, sums, D("0.5"));
  EXPECT_EQ(row.day, 4U);
  EXPECT_EQ(row.cluster, "c");
  EXPECT_EQ(row.workload, "spark:a");
  EXPECT_EQ(row.instance_type, "r5.large");
  EXPECT_EQ(row.Cost(), D("6.5"));
  EXPECT_EQ(row.memory_allocated_byte_seconds, 6);
  EXPECT_EQ(row.gpu_busy_device_seconds, 8);
}

TEST(WeeklyReportTest, TheRealisticFixtureReconciles) {
  const WeeklyReport r = BuildWeeklyReport(costledger::testing::RealisticReportInput());
  EXPECT_EQ(r.namespaces.size(), 3U);
  EXPECT_EQ(r.platforms.size(), 4U);
  EXPECT_EQ(r.workloads.size(), 12U);
  EXPECT_EQ(r.top_workload_count, 10U);
  ASSERT_TRUE(r.others);
  Money sum;
  for (const DayCost& d : r.days) sum += d.total;
  EXPECT_EQ(sum, r.total);
  EXPECT_EQ(r.biggest_changes.size(), 3U);
  EXPECT_EQ(r.quotas.size(), 2U);
  EXPECT_GE(r.rightsizing.top.size(), 3U);
  EXPECT_GT(r.spot.saving, Money{});
  EXPECT_EQ(r.queries.workgroups.size(), 2U);
}

}  // namespace
}  // namespace costledger::model
