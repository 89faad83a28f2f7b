#include "costledger/model/quota_usage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "costledger/model/quota_period.hpp"
#include "quota_test_zones.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using testing::Utc;

const FixedOffsetZone kUtc = FixedOffsetZone::Utc();

ContainerCostRow Row(std::string namespace_name, std::string pod, std::string team,
                     std::int64_t cpu_request_millicores, std::int64_t cpu_usage_millicores,
                     std::int64_t gpu_devices, std::int64_t cost_nanos,
                     std::string cluster = "prod") {
  ContainerCostRow row;
  row.labels.cluster = std::move(cluster);
  row.labels.namespace_name = std::move(namespace_name);
  row.labels.pod = std::move(pod);
  row.labels.container = "main";
  row.labels.team = std::move(team);
  row.demand.cpu_request_millicores = cpu_request_millicores;
  row.demand.cpu_usage_millicores = cpu_usage_millicores;
  row.demand.memory_request_bytes = 1 << 30;
  row.demand.gpu_devices = gpu_devices;
  // Split the cost over the pools so that the total is what counts.
  row.cost.cpu_nanos = cost_nanos / 2;
  row.cost.ram_nanos = cost_nanos / 4;
  row.cost.gpu_nanos = cost_nanos - cost_nanos / 2 - cost_nanos / 4;
  return row;
}

IntervalBatch Batch(sys_seconds start, std::vector<ContainerCostRow> rows,
                    std::string cluster = "prod", seconds length = seconds{60}) {
  IntervalBatch batch;
  batch.cluster = std::move(cluster);
  batch.costs.start = start;
  batch.costs.length = length;
  batch.costs.containers = std::move(rows);
  return batch;
}

PricedQuery Query(std::string id, std::string work_group, std::string team, sys_seconds submitted,
                  std::int64_t bytes, std::int64_t cost_nanos,
                  QueryState state = QueryState::kSucceeded, std::string statement = "DML") {
  PricedQuery q;
  q.execution.query_execution_id = std::move(id);
  q.execution.work_group = std::move(work_group);
  q.execution.statement_type = std::move(statement);
  q.execution.state = state;
  q.execution.submitted = submitted;
  q.execution.data_scanned_bytes = bytes;
  q.team = std::move(team);
  q.cost = Money::FromNanos(cost_nanos);
  return q;
}

Quota QuotaOf(QuotaUnit unit, QuotaScope scope = {}, QuotaPeriod period = QuotaPeriod::kDay) {
  Quota q;
  q.name = "q";
  q.scope = std::move(scope);
  q.period = period;
  q.limit = {unit, 1'000'000};
  q.thresholds_ppm = {500'000, 800'000, 1'000'000};
  return q;
}

QuotaScope Team(std::string team) {
  QuotaScope s;
  s.team = std::move(team);
  return s;
}

const TimeWindow kDay{Utc(2026, 11, 30), Utc(2026, 12, 1)};

TEST(QuotaScopeTest, ContainersMatchEveryFieldGiven) {
  const Labels labels{{"app", "train"}, {"gpu", "a100"}, {"owner", "ana"}};
  const auto match = [&](const QuotaScope& s) {
    return ScopeMatchesContainer(s, "prod", "ml", "alpha", labels);
  };
  QuotaScope s;
  EXPECT_TRUE(match(s));
  s.cluster = "prod";
  EXPECT_TRUE(match(s));
  s.namespace_name = "ml";
  EXPECT_TRUE(match(s));
  s.team = "alpha";
  EXPECT_TRUE(match(s));
  s.labels = {{"app", "train"}, {"gpu", "a100"}};  // a subset of the pod's labels
  EXPECT_TRUE(match(s));
  s.labels["gpu"] = "h100";
  EXPECT_FALSE(match(s));
  s.labels = {{"missing", "x"}};
  EXPECT_FALSE(match(s));
  s.labels.clear();
  s.team = "beta";
  EXPECT_FALSE(match(s));
  s.team = "alpha";
  s.namespace_name = "web";
  EXPECT_FALSE(match(s));
  s.namespace_name = "ml";
  s.cluster = "staging";
  EXPECT_FALSE(match(s));
  s.cluster = "prod";
  EXPECT_TRUE(match(s));
  s.workgroup = "analytics";  // container spend has no workgroup
  EXPECT_FALSE(match(s));
}

TEST(QuotaScopeTest, AnEmptyRowValueNeverMatchesAGivenOne) {
  EXPECT_FALSE(ScopeMatchesContainer(Team("alpha"), "prod", "ml", "", {}));
  EXPECT_TRUE(ScopeMatchesContainer(QuotaScope{}, "prod", "ml", "", {}));
  QuotaScope labelled;
  labelled.labels = {{"canary", ""}};
  EXPECT_FALSE(ScopeMatchesContainer(labelled, "prod", "ml", "", {}));
  EXPECT_TRUE(ScopeMatchesContainer(labelled, "prod", "ml", "", {{"canary", ""}}));
  EXPECT_FALSE(ScopeMatchesQuery(Team("alpha"), "prod", "analytics", ""));
}

TEST(QuotaScopeTest, QueriesMatchClusterTeamAndWorkgroupOnly) {
  QuotaScope s;
  EXPECT_TRUE(ScopeMatchesQuery(s, "prod", "analytics", "alpha"));
  s.team = "alpha";
  EXPECT_TRUE(ScopeMatchesQuery(s, "prod", "analytics", "alpha"));
  EXPECT_FALSE(ScopeMatchesQuery(s, "prod", "analytics", "beta"));
  s.workgroup = "analytics";
  EXPECT_TRUE(ScopeMatchesQuery(s, "prod", "analytics", "alpha"));
  EXPECT_FALSE(ScopeMatchesQuery(s, "prod", "primary", "alpha"));
  s.cluster = "prod";
  EXPECT_TRUE(ScopeMatchesQuery(s, "prod", "analytics", "alpha"));
  EXPECT_FALSE(ScopeMatchesQuery(s, "staging", "analytics", "alpha"));
  // Query spend has no namespace and no pod labels.
  QuotaScope ns = Team("alpha");
  ns.namespace_name = "ml";
  EXPECT_FALSE(ScopeMatchesQuery(ns, "prod", "analytics", "alpha"));
  QuotaScope labelled = Team("alpha");
  labelled.labels = {{"app", "x"}};
  EXPECT_FALSE(ScopeMatchesQuery(labelled, "prod", "analytics", "alpha"));
}

TEST(QuotaScopeTest, GroupingNamesWhatTheScopeNeeds) {
  EXPECT_TRUE(GroupingFor(QuotaScope{}).empty());
  QuotaScope s = Team("alpha");
  s.cluster = "prod";
  s.namespace_name = "ml";
  s.labels = {{"gpu", "a100"}, {"app", "train"}};
  EXPECT_EQ(GroupingFor(s), (std::vector<PropertyRef>{{CostProperty::kCluster, ""},
                                                      {CostProperty::kNamespace, ""},
                                                      {CostProperty::kTeam, ""},
                                                      {CostProperty::kLabel, "app"},
                                                      {CostProperty::kLabel, "gpu"}}));
}

TEST(QuotaScopeTest, WhatSpendCountsByScopeAndUnit) {
  QuotaScope team;
  team.team = "alpha";
  QuotaScope ns;
  ns.namespace_name = "ml";
  QuotaScope wg;
  wg.workgroup = "analytics";
  // Containers: any scope without a workgroup, in every unit but bytes scanned.
  EXPECT_TRUE(CountsContainerSpend(QuotaOf(QuotaUnit::kDollars, team)));
  EXPECT_TRUE(CountsContainerSpend(QuotaOf(QuotaUnit::kGpuHours, ns)));
  EXPECT_FALSE(CountsContainerSpend(QuotaOf(QuotaUnit::kBytesScanned, team)));
  EXPECT_FALSE(CountsContainerSpend(QuotaOf(QuotaUnit::kDollars, wg)));
  // Queries: scopes without namespace or labels, in dollars or bytes scanned.
  EXPECT_TRUE(CountsQuerySpend(QuotaOf(QuotaUnit::kDollars, team)));
  EXPECT_TRUE(CountsQuerySpend(QuotaOf(QuotaUnit::kBytesScanned, wg)));
  EXPECT_FALSE(CountsQuerySpend(QuotaOf(QuotaUnit::kCpuHours, team)));
  EXPECT_FALSE(CountsQuerySpend(QuotaOf(QuotaUnit::kDollars, ns)));
}

TEST(QuotaAmountTest, ContainerIntervalsInEachUnit) {
  const ContainerCostRow busy = Row("ml", "p", "alpha", 500, 700, 2, 123'456'789);
  const ContainerCostRow idle = Row("ml", "p", "alpha", 1000, 200, 0, 7);
  EXPECT_EQ(ContainerAmount(QuotaUnit::kDollars, busy, seconds{60}), 123'456'789);
  EXPECT_EQ(ContainerAmount(QuotaUnit::kDollars, busy, seconds{3600}), 123'456'789);  // the row's
  // CPU: max(request, usage) x seconds (rule 3).
  EXPECT_EQ(ContainerAmount(QuotaUnit::kCpuHours, busy, seconds{60}), 700 * 60);
  EXPECT_EQ(ContainerAmount(QuotaUnit::kCpuHours, idle, seconds{60}), 1000 * 60);
  EXPECT_EQ(ContainerAmount(QuotaUnit::kGpuHours, busy, seconds{60}), 120);
  EXPECT_EQ(ContainerAmount(QuotaUnit::kGpuHours, idle, seconds{60}), 0);
  EXPECT_EQ(ContainerAmount(QuotaUnit::kBytesScanned, busy, seconds{60}), 0);
  // An hour of 4 cores is 4 CPU core-hours; an hour of 1 GPU is 1 GPU-hour.
  EXPECT_EQ(ContainerAmount(QuotaUnit::kCpuHours, Row("a", "p", "t", 4000, 0, 0, 0), hours{1}),
            4 * BaseUnitsPerUnit(QuotaUnit::kCpuHours));
  EXPECT_EQ(ContainerAmount(QuotaUnit::kGpuHours, Row("a", "p", "t", 0, 0, 1, 0), hours{1}),
            BaseUnitsPerUnit(QuotaUnit::kGpuHours));
  EXPECT_THROW(
      ContainerAmount(QuotaUnit::kCpuHours,
                      Row("a", "p", "t", std::numeric_limits<std::int64_t>::max(), 0, 0, 0),
                      seconds{60}),
      std::overflow_error);
}

TEST(QuotaAmountTest, QueriesChargeBytesOnlyWhenAthenaBills) {
  const auto spend = [](QueryState state, std::string statement) {
    return ToQuerySpend("prod", Query("id", "analytics", "alpha", Utc(2026, 11, 30), 5'000'000,
                                      250'000, state, std::move(statement)));
  };
  EXPECT_TRUE(spend(QueryState::kSucceeded, "DML").charged);
  EXPECT_TRUE(spend(QueryState::kCancelled, "DML").charged);
  EXPECT_TRUE(spend(QueryState::kSucceeded, "UTILITY").charged);
  EXPECT_TRUE(spend(QueryState::kSucceeded, "").charged);
  EXPECT_FALSE(spend(QueryState::kFailed, "DML").charged);
  EXPECT_FALSE(spend(QueryState::kRunning, "DML").charged);
  EXPECT_FALSE(spend(QueryState::kQueued, "DML").charged);
  EXPECT_FALSE(spend(QueryState::kSucceeded, "DDL").charged);

  const QuerySpend q = spend(QueryState::kSucceeded, "DML");
  EXPECT_EQ(q.query_execution_id, "id");
  EXPECT_EQ(q.cluster, "prod");
  EXPECT_EQ(q.work_group, "analytics");
  EXPECT_EQ(q.team, "alpha");
  EXPECT_EQ(q.submitted, Utc(2026, 11, 30));
  EXPECT_EQ(QueryAmount(QuotaUnit::kBytesScanned, q), 5'000'000);
  EXPECT_EQ(QueryAmount(QuotaUnit::kDollars, q), 250'000);
  EXPECT_EQ(QueryAmount(QuotaUnit::kCpuHours, q), 0);
  EXPECT_EQ(QueryAmount(QuotaUnit::kGpuHours, q), 0);
  EXPECT_EQ(QueryAmount(QuotaUnit::kBytesScanned, spend(QueryState::kFailed, "DML")), 0);
  EXPECT_EQ(QueryAmount(QuotaUnit::kBytesScanned, spend(QueryState::kSucceeded, "DDL")), 0);
}

TEST(QuotaAmountTest, StoredQueryRowsReadTheSame) {
  QueryCostRow row;
  row.cluster = "prod";
  row.query_execution_id = "id";
  row.work_group = "analytics";
  row.team = "alpha";
  row.state = "CANCELLED";
  row.statement_type = "DML";
  row.submitted = Utc(2026, 11, 30, 5);
  row.data_scanned_bytes = 42;
  row.cost = Money::FromNanos(9);
  QuerySpend q = ToQuerySpend(row);
  EXPECT_TRUE(q.charged);
  EXPECT_EQ(q.query_execution_id, "id");
  EXPECT_EQ(q.cluster, "prod");
  EXPECT_EQ(q.work_group, "analytics");
  EXPECT_EQ(q.team, "alpha");
  EXPECT_EQ(q.submitted, Utc(2026, 11, 30, 5));
  EXPECT_EQ(q.data_scanned_bytes, 42);
  EXPECT_EQ(q.cost, Money::FromNanos(9));
  row.state = "FAILED";
  EXPECT_FALSE(ToQuerySpend(row).charged);
  row.state = "SUCCEEDED";
  EXPECT_TRUE(ToQuerySpend(row).charged);
  row.statement_type = "DDL";
  EXPECT_FALSE(ToQuerySpend(row).charged);
}

TEST(QuotaUsageTest, SumsTheRowsInScopeExactly) {
  const IntervalBatch batch =
      Batch(Utc(2026, 11, 30, 10),
            {Row("ml", "a", "alpha", 500, 700, 1, 1'000'000'001),
             Row("ml", "b", "alpha", 2000, 0, 0, 333'333'333),
             Row("web", "c", "beta", 250, 100, 0, 999), Row("web", "d", "", 100, 100, 4, 5)});
  QuotaUsage dollars(QuotaOf(QuotaUnit::kDollars, Team("alpha")), kDay);
  EXPECT_TRUE(dollars.AddBatch(batch, nullptr));
  EXPECT_EQ(dollars.spent(), 1'333'333'334);
  QuotaUsage cpu(QuotaOf(QuotaUnit::kCpuHours, Team("alpha")), kDay);
  cpu.AddBatch(batch, nullptr);
  EXPECT_EQ(cpu.spent(), (700 + 2000) * 60);
  QuotaUsage gpu(QuotaOf(QuotaUnit::kGpuHours), kDay);
  gpu.AddBatch(batch, nullptr);
  EXPECT_EQ(gpu.spent(), (1 + 4) * 60);
  QuotaScope web;
  web.namespace_name = "web";
  QuotaUsage web_dollars(QuotaOf(QuotaUnit::kDollars, web), kDay);
  web_dollars.AddBatch(batch, nullptr);
  EXPECT_EQ(web_dollars.spent(), 1004);
  QuotaUsage all(QuotaOf(QuotaUnit::kDollars), kDay);
  all.AddBatch(batch, nullptr);
  EXPECT_EQ(all.spent(), 1'000'000'001 + 333'333'333 + 999 + 5);
}

TEST(QuotaUsageTest, DollarsCountVolumeSharesAsAllocationDoesOtherUnitsDoNot) {
  IntervalBatch batch = Batch(Utc(2026, 11, 30, 10), {Row("ml", "a", "alpha", 1000, 0, 1, 100)});
  const auto share = [](std::string namespace_name, std::string pod, std::string team,
                        std::int64_t nanos) {
    VolumeShareRow s;
    s.labels.cluster = "prod";
    s.labels.namespace_name = std::move(namespace_name);
    s.labels.pod = std::move(pod);
    s.labels.team = std::move(team);
    s.volume = "pv-1";
    s.byte_seconds = 1e9;
    s.cost = Money::FromNanos(nanos);
    return s;
  };
  // A notebook's home (mounted by alpha's pod), beta's checkpoint, and an unmounted volume.
  batch.costs.volume_shares = {share("ml", "a", "alpha", 7), share("web", "c", "beta", 30),
                               share("__unmounted__", "__unmounted__", "", 500)};
  QuotaUsage alpha(QuotaOf(QuotaUnit::kDollars, Team("alpha")), kDay);
  alpha.AddBatch(batch, nullptr);
  EXPECT_EQ(alpha.spent(), 107);
  QuotaUsage cluster(QuotaOf(QuotaUnit::kDollars), kDay);
  cluster.AddBatch(batch, nullptr);
  EXPECT_EQ(cluster.spent(), 100 + 7 + 30 + 500) << "a cluster pays for its unmounted volumes";
  QuotaUsage gpu(QuotaOf(QuotaUnit::kGpuHours, Team("alpha")), kDay);
  gpu.AddBatch(batch, nullptr);
  EXPECT_EQ(gpu.spent(), 60);

  // Read back from the store: the row's pv_cost, as /v1/allocation's totalCost has it.
  const std::vector<PropertyRef> grouping = GroupingFor(Team("alpha"));
  AllocationRow row;
  row.values = {"alpha"};
  row.first_start = Utc(2026, 11, 30);
  row.last_end = Utc(2026, 11, 30, 1);
  row.cpu_cost = Money::FromNanos(100);
  row.pv_cost = Money::FromNanos(7);
  QuotaUsage stored(QuotaOf(QuotaUnit::kDollars, Team("alpha")), kDay);
  stored.AddStored(row, grouping);
  EXPECT_EQ(stored.spent(), 107);
}

TEST(QuotaUsageTest, LabelsComeFromTheBatchFirstThenTheLookup) {
  QuotaScope training;
  training.labels = {{"app", "train"}};
  QuotaUsage usage(QuotaOf(QuotaUnit::kDollars, training), kDay);
  IntervalBatch batch = Batch(Utc(2026, 11, 30, 10), {Row("ml", "a", "alpha", 0, 0, 0, 100),
                                                      Row("ml", "b", "alpha", 0, 0, 0, 20),
                                                      Row("ml", "c", "alpha", 0, 0, 0, 3)});
  // Pod b's labels changed this interval: the batch's copy wins over the stale one.
  batch.pod_labels.push_back({"ml", "b", {{"app", "train"}}});
  const Labels train{{"app", "train"}, {"tier", "x"}};
  const Labels stale{{"app", "serve"}};
  const PodLabelsLookup lookup = [&](std::string_view ns, std::string_view pod) -> const Labels* {
    EXPECT_EQ(ns, "ml");
    if (pod == "a") return &train;
    if (pod == "b") return &stale;
    return nullptr;  // c is unknown: matches no label scope
  };
  usage.AddBatch(batch, lookup);
  EXPECT_EQ(usage.spent(), 120);
  // Without a lookup only the batch's labels are known.
  QuotaUsage without(QuotaOf(QuotaUnit::kDollars, training), kDay);
  without.AddBatch(batch, nullptr);
  EXPECT_EQ(without.spent(), 20);
}

TEST(QuotaUsageTest, RowsWithoutAClusterTakeTheBatchs) {
  QuotaScope prod;
  prod.cluster = "prod";
  QuotaUsage usage(QuotaOf(QuotaUnit::kDollars, prod), kDay);
  usage.AddBatch(Batch(Utc(2026, 11, 30, 10), {Row("ml", "a", "alpha", 0, 0, 0, 7, "")}), nullptr);
  usage.AddBatch(Batch(Utc(2026, 11, 30, 10), {Row("ml", "a", "alpha", 0, 0, 0, 9, "")}, "staging"),
                 nullptr);
  EXPECT_EQ(usage.spent(), 7);
}

TEST(QuotaUsageTest, ReplayedAndLateIntervalsCountOnce) {
  QuotaUsage usage(QuotaOf(QuotaUnit::kDollars), kDay);
  const IntervalBatch first = Batch(Utc(2026, 11, 30, 10, 0), {Row("ml", "a", "t", 0, 0, 0, 10)});
  const IntervalBatch second = Batch(Utc(2026, 11, 30, 10, 1), {Row("ml", "a", "t", 0, 0, 0, 20)});
  EXPECT_TRUE(usage.AddBatch(first, nullptr));
  EXPECT_FALSE(usage.AddBatch(first, nullptr));  // a replay
  EXPECT_TRUE(usage.AddBatch(second, nullptr));
  EXPECT_FALSE(usage.AddBatch(first, nullptr));  // late
  EXPECT_FALSE(usage.AddBatch(second, nullptr));
  EXPECT_EQ(usage.spent(), 30);
  // Each cluster has its own intervals.
  EXPECT_TRUE(usage.AddBatch(
      Batch(Utc(2026, 11, 30, 10, 0), {Row("ml", "a", "t", 0, 0, 0, 400)}, "staging"), nullptr));
  EXPECT_EQ(usage.spent(), 430);
  // A gap is fine: the next interval may start later.
  EXPECT_TRUE(
      usage.AddBatch(Batch(Utc(2026, 11, 30, 12), {Row("ml", "a", "t", 0, 0, 0, 5000)}), nullptr));
  EXPECT_EQ(usage.spent(), 5430);
}

TEST(QuotaUsageTest, IntervalsOutsideThePeriodAreNotCounted) {
  QuotaUsage usage(QuotaOf(QuotaUnit::kDollars), kDay);
  EXPECT_FALSE(
      usage.AddBatch(Batch(Utc(2026, 11, 29, 23, 59), {Row("ml", "a", "t", 0, 0, 0, 1)}), nullptr));
  EXPECT_FALSE(usage.AddBatch(Batch(Utc(2026, 12, 1), {Row("ml", "a", "t", 0, 0, 0, 1)}), nullptr));
  EXPECT_EQ(usage.spent(), 0);
  // The last interval of the day counts wholly in it.
  EXPECT_TRUE(
      usage.AddBatch(Batch(Utc(2026, 11, 30, 23, 59), {Row("ml", "a", "t", 0, 0, 0, 1)}), nullptr));
  EXPECT_EQ(usage.spent(), 1);
}

TEST(QuotaUsageTest, QueriesCountOncePerPeriodWhenInScope) {
  QuotaScope analytics;
  analytics.workgroup = "analytics";
  QuotaUsage bytes(QuotaOf(QuotaUnit::kBytesScanned, analytics), kDay);
  IntervalBatch batch = Batch(Utc(2026, 11, 30, 10), {Row("ml", "a", "t", 0, 0, 0, 1)});
  batch.queries = {
      Query("q1", "analytics", "alpha", Utc(2026, 11, 30, 9), 1000, 5),
      Query("q2", "primary", "alpha", Utc(2026, 11, 30, 9), 2000, 5),
      Query("q3", "analytics", "beta", Utc(2026, 11, 30, 9), 30'000, 5),
      Query("q4", "analytics", "alpha", Utc(2026, 11, 30, 9), 400'000, 0, QueryState::kFailed),
      Query("q5", "analytics", "alpha", Utc(2026, 11, 29, 23), 5'000'000, 5)};
  // The interval is taken (its containers add nothing to a workgroup scope), and its queries
  // q1 and q3 count; q2 is another workgroup's, q4 failed, q5 was submitted the day before.
  EXPECT_TRUE(bytes.AddBatch(batch, nullptr));
  EXPECT_EQ(bytes.spent(), 31'000);
  // The same executions again (a source lists recent ones every interval): nothing new.
  batch.costs.start += minutes{1};
  bytes.AddBatch(batch, nullptr);
  EXPECT_EQ(bytes.spent(), 31'000);
  EXPECT_FALSE(bytes.AddQuery(ToQuerySpend("prod", batch.queries[0])));
  EXPECT_TRUE(bytes.AddQuery(ToQuerySpend(
      "prod", Query("q6", "analytics", "alpha", Utc(2026, 11, 30, 23, 59, 59), 1, 5))));
  EXPECT_EQ(bytes.spent(), 31'001);

  QuotaUsage dollars(QuotaOf(QuotaUnit::kDollars, Team("alpha")), kDay);
  dollars.AddBatch(batch, nullptr);
  EXPECT_EQ(dollars.spent(), 5 + 5);  // q1 and q2 (team alpha); no container row is alpha's
}

TEST(QuotaUsageTest, RollingToANewPeriodStartsFromNothing) {
  QuotaUsage usage(QuotaOf(QuotaUnit::kDollars), kDay);
  usage.AddBatch(Batch(Utc(2026, 11, 30, 23, 59), {Row("ml", "a", "t", 0, 0, 0, 70)}), nullptr);
  usage.AddQuery(ToQuerySpend("prod", Query("q", "wg", "t", Utc(2026, 11, 30, 12), 1, 8)));
  EXPECT_EQ(usage.spent(), 78);
  EXPECT_FALSE(usage.RollTo(Utc(2026, 11, 30, 23, 59, 59), kUtc));
  EXPECT_EQ(usage.spent(), 78);
  EXPECT_TRUE(usage.RollTo(Utc(2026, 12, 1), kUtc));
  EXPECT_EQ(usage.period(), (TimeWindow{Utc(2026, 12, 1), Utc(2026, 12, 2)}));
  EXPECT_EQ(usage.spent(), 0);
  EXPECT_FALSE(usage.RollTo(Utc(2026, 12, 1, 12), kUtc));
  EXPECT_TRUE(usage.AddBatch(Batch(Utc(2026, 12, 1), {Row("ml", "a", "t", 0, 0, 0, 3)}), nullptr));
  EXPECT_EQ(usage.spent(), 3);
  // Skipping idle days lands in the period of the instant given.
  EXPECT_TRUE(usage.RollTo(Utc(2026, 12, 9, 5), kUtc));
  EXPECT_EQ(usage.period(), (TimeWindow{Utc(2026, 12, 9), Utc(2026, 12, 10)}));
  // Rolling never goes back.
  EXPECT_FALSE(usage.RollTo(Utc(2026, 12, 1), kUtc));
  EXPECT_EQ(usage.period(), (TimeWindow{Utc(2026, 12, 9), Utc(2026, 12, 10)}));
}

TEST(QuotaUsageTest, AWeekOfIntervalsInBerlinRollsAtLocalMonday) {
  const testing::EuRulesZone berlin = testing::EuRulesZone::Berlin();
  // The autumn week of 169 hours: Mon 2026-10-19 00:00 CEST .. Mon 2026-10-26 00:00 CET.
  const sys_seconds first = Utc(2026, 10, 18, 22);
  QuotaUsage usage(QuotaOf(QuotaUnit::kCpuHours, {}, QuotaPeriod::kWeek),
                   QuotaPeriodWindow(QuotaPeriod::kWeek, first, berlin));
  ASSERT_EQ(usage.period().length(), hours{169});
  std::int64_t intervals = 0;
  for (sys_seconds t = first; t < Utc(2026, 10, 25, 23); t += minutes{1}) {
    ASSERT_FALSE(usage.RollTo(t, berlin));
    ASSERT_TRUE(usage.AddBatch(Batch(t, {Row("ml", "a", "t", 1000, 0, 0, 0)}), nullptr));
    ++intervals;
  }
  EXPECT_EQ(intervals, 169 * 60);
  // 169 core-hours of one core.
  EXPECT_EQ(usage.spent(), 169 * BaseUnitsPerUnit(QuotaUnit::kCpuHours));
  EXPECT_TRUE(usage.RollTo(Utc(2026, 10, 25, 23), berlin));
  EXPECT_EQ(usage.spent(), 0);
  EXPECT_EQ(usage.period(), (TimeWindow{Utc(2026, 10, 25, 23), Utc(2026, 11, 1, 23)}));
}

TEST(QuotaUsageTest, SeedsFromTheStoreThenCountsLiveIntervalsAfterIt) {
  QuotaScope scope = Team("alpha");
  scope.labels = {{"app", "train"}};
  const Quota quota = QuotaOf(QuotaUnit::kDollars, scope);
  const std::vector<PropertyRef> grouping = GroupingFor(quota.scope);
  const auto stored = [&](std::string team, std::string app, std::int64_t nanos) {
    AllocationRow row;
    row.values = {std::move(team), std::move(app)};
    row.first_start = Utc(2026, 11, 30);
    row.last_end = Utc(2026, 11, 30, 10);
    row.cpu_cost = Money::FromNanos(nanos);
    row.ram_cost = Money::FromNanos(2 * nanos);
    row.gpu_cost = Money::FromNanos(3 * nanos);
    row.cpu_allocated_millicore_seconds = 3.6e6;
    row.gpu_device_seconds = 7200;
    return row;
  };
  QuotaUsage usage(quota, kDay);
  usage.AddStored(stored("alpha", "train", 100), grouping);
  usage.AddStored(stored("alpha", "serve", 10'000), grouping);
  usage.AddStored(stored("beta", "train", 10'000), grouping);
  usage.AddStored(stored("alpha", "", 10'000), grouping);  // pods without the label
  EXPECT_EQ(usage.spent(), 600);
  usage.MarkCountedThrough(Utc(2026, 11, 30, 10));
  const Labels train{{"app", "train"}};
  const PodLabelsLookup lookup = [&](std::string_view, std::string_view) { return &train; };
  EXPECT_FALSE(usage.AddBatch(
      Batch(Utc(2026, 11, 30, 9, 59), {Row("ml", "a", "alpha", 0, 0, 0, 1)}), lookup));
  EXPECT_TRUE(
      usage.AddBatch(Batch(Utc(2026, 11, 30, 10), {Row("ml", "a", "alpha", 0, 0, 0, 1)}), lookup));
  EXPECT_EQ(usage.spent(), 601);

  QuotaUsage cpu(QuotaOf(QuotaUnit::kCpuHours, scope), kDay);
  cpu.AddStored(stored("alpha", "train", 0), grouping);
  EXPECT_EQ(cpu.spent(), 3'600'000);
  QuotaUsage gpu(QuotaOf(QuotaUnit::kGpuHours, scope), kDay);
  gpu.AddStored(stored("alpha", "train", 0), grouping);
  EXPECT_EQ(gpu.spent(), 7200);
  // Rows of another period, and workgroup scopes (query spend only), count nothing here.
  AllocationRow yesterday = stored("alpha", "train", 100);
  yesterday.first_start = Utc(2026, 11, 29);
  yesterday.last_end = Utc(2026, 11, 30);
  usage.AddStored(yesterday, grouping);
  EXPECT_EQ(usage.spent(), 601);
  QuotaScope analytics;
  analytics.workgroup = "analytics";
  QuotaUsage queries(QuotaOf(QuotaUnit::kDollars, analytics), kDay);
  queries.AddStored(stored("x", "y", 100), std::vector<PropertyRef>(2));
  EXPECT_EQ(queries.spent(), 0);
}

TEST(QuotaUsageTest, StoredRowsMustCarryTheScopesProperties) {
  QuotaUsage usage(QuotaOf(QuotaUnit::kDollars, Team("alpha")), kDay);
  AllocationRow row;
  row.first_start = Utc(2026, 11, 30);
  row.last_end = Utc(2026, 11, 30, 1);
  row.values = {"ml"};
  const std::vector<PropertyRef> by_namespace = {{CostProperty::kNamespace, ""}};
  EXPECT_THROW(usage.AddStored(row, by_namespace), std::invalid_argument);
  row.values = {};
  EXPECT_THROW(usage.AddStored(row, GroupingFor(usage.quota().scope)), std::invalid_argument);
}

TEST(QuotaUsageTest, OverflowThrowsAndKeepsTheSpend) {
  QuotaUsage usage(QuotaOf(QuotaUnit::kDollars), kDay);
  ContainerCostRow big = Row("ml", "a", "t", 0, 0, 0, 0);
  big.cost.cpu_nanos = std::numeric_limits<std::int64_t>::max() - 10;
  usage.AddBatch(Batch(Utc(2026, 11, 30, 1), {big}), nullptr);
  EXPECT_THROW(
      usage.AddBatch(Batch(Utc(2026, 11, 30, 2), {Row("ml", "a", "t", 0, 0, 0, 100)}), nullptr),
      std::overflow_error);
  EXPECT_EQ(usage.spent(), std::numeric_limits<std::int64_t>::max() - 10);
}

/// Random clusters: the spend equals the sum of each in-scope row's amount, whatever the order
/// of the rows and however they are split into clusters' intervals.
TEST(QuotaUsageTest, SpendIsTheExactSumOfRowsInScopeInAnyOrder) {
  std::mt19937_64 random(42);
  const std::vector<std::string> namespaces = {"ml", "web", "etl"};
  const std::vector<std::string> teams = {"alpha", "beta", ""};
  const std::vector<std::string> clusters = {"prod", "staging"};
  std::uniform_int_distribution<std::int64_t> cost(0, 50'000'000'000);
  std::uniform_int_distribution<std::int64_t> cpu(0, 64'000);
  std::uniform_int_distribution<std::int64_t> gpu(0, 8);
  std::uniform_int_distribution<std::size_t> pick(0, 2);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::pair<std::string, ContainerCostRow>> rows;  // cluster, row
    for (int i = 0; i < 400; ++i) {
      const std::string& cluster = clusters[pick(random) % 2];
      rows.emplace_back(cluster,
                        Row(namespaces[pick(random)], "p" + std::to_string(i), teams[pick(random)],
                            cpu(random), cpu(random), gpu(random), cost(random), cluster));
    }
    QuotaScope scope;
    if (round % 2 == 0) scope.team = "alpha";
    if (round % 3 == 0) scope.namespace_name = "ml";
    if (round % 5 == 0) scope.cluster = "prod";
    for (const QuotaUnit unit : {QuotaUnit::kDollars, QuotaUnit::kCpuHours, QuotaUnit::kGpuHours}) {
      std::int64_t expected = 0;
      for (const auto& [cluster, row] : rows) {
        if (ScopeMatchesContainer(scope, cluster, row.labels.namespace_name, row.labels.team, {})) {
          expected += ContainerAmount(unit, row, seconds{60});
        }
      }
      std::shuffle(rows.begin(), rows.end(), random);
      // Split into one interval per cluster, each in several batches of consecutive minutes.
      QuotaUsage usage(QuotaOf(unit, scope), kDay);
      std::map<std::string, sys_seconds> next;
      for (std::size_t i = 0; i < rows.size(); i += 37) {
        std::map<std::string, std::vector<ContainerCostRow>> by_cluster;
        for (std::size_t j = i; j < std::min(rows.size(), i + 37); ++j) {
          by_cluster[rows[j].first].push_back(rows[j].second);
        }
        for (auto& [cluster, part] : by_cluster) {
          auto [it, inserted] = next.try_emplace(cluster, Utc(2026, 11, 30));
          ASSERT_TRUE(usage.AddBatch(Batch(it->second, std::move(part), cluster), nullptr));
          it->second += seconds{60};
        }
      }
      EXPECT_EQ(usage.spent(), expected) << round << " " << ToString(unit);
    }
  }
}

}  // namespace
}  // namespace costledger::model
