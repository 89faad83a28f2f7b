#include "costledger/model/allocation_set.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "costledger/api/allocation_json.hpp"
#include "costledger/model/timestamp.hpp"

namespace costledger::model {
namespace {

using model::Money;
using model::ParseTimestamp;

const std::chrono::sys_seconds kNow = ParseTimestamp("2026-11-18T14:37:20Z");

Money N(std::int64_t nanos) { return Money::FromNanos(nanos); }

AllocationRequest Request(const std::multimap<std::string, std::string>& q) {
  return ParseAllocationRequest(q, kNow);
}

// Rows grouped by the grouping of the request: fills values by property.
struct RowSpec {
  std::string cluster, ns, pod, team;
  std::int64_t cpu, ram, gpu;
  std::size_t step = 0;
};

std::vector<AllocationRow> Rows(std::span<const PropertyRef> grouping,
                                const std::vector<RowSpec>& specs, const TimeWindow& w) {
  std::vector<AllocationRow> out;
  for (const RowSpec& s : specs) {
    AllocationRow r;
    r.step = s.step;
    for (const PropertyRef& p : grouping) {
      switch (p.property) {
        case CostProperty::kCluster:
          r.values.push_back(s.cluster);
          break;
        case CostProperty::kNamespace:
          r.values.push_back(s.ns);
          break;
        case CostProperty::kPod:
          r.values.push_back(s.pod);
          break;
        case CostProperty::kTeam:
          r.values.push_back(s.team);
          break;
        default:
          r.values.emplace_back("x");
          break;
      }
    }
    r.first_start = w.start;
    r.last_end = w.end;
    r.container_seconds = 3600;
    r.usage_observed_seconds = 3600;
    r.cpu_request_millicore_seconds = 500.0 * 3600;
    r.cpu_usage_millicore_seconds = 250.0 * 3600;
    r.cpu_allocated_millicore_seconds = 500.0 * 3600;
    r.memory_request_byte_seconds = 1e9 * 3600;
    r.memory_usage_byte_seconds = 2e9 * 3600;
    r.memory_allocated_byte_seconds = 2e9 * 3600;
    r.cpu_cost = N(s.cpu);
    r.ram_cost = N(s.ram);
    r.gpu_cost = N(s.gpu);
    out.push_back(r);
  }
  return out;
}

IdleRow Idle(std::string cluster, std::string node, std::int64_t cpu, std::int64_t ram,
             std::int64_t gpu, const TimeWindow& w, std::size_t step = 0) {
  return {step, std::move(cluster), std::move(node), w.start, w.end, N(cpu), N(ram), N(gpu)};
}

const Allocation* Find(const AllocationSet& set, std::string_view name) {
  for (const Allocation& a : set.allocations) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

Money Total(const AllocationSet& set) {
  Money t;
  for (const Allocation& a : set.allocations) t += a.TotalCost();
  return t;
}

Money TotalOfWorkloads(const AllocationSet& set) {
  Money t;
  for (const Allocation& a : set.allocations) {
    if (a.name != kIdleName) t += a.TotalCost();
  }
  return t;
}

const std::vector<RowSpec> kScenario{
    {"c1", "alpha", "a-1", "alpha", 600, 300, 0},
    {"c1", "alpha", "a-2", "alpha", 300, 300, 1000},
    {"c1", "beta", "b-1", "beta", 100, 400, 0},
    {"c1", "", "orphan", "", 0, 0, 0},
};

TEST(AllocationSetTest, AggregatesByNamespaceWithSeparateIdle) {
  const AllocationRequest r = Request({{"window", "1h"}, {"aggregate", "namespace"}});
  const TeamScope all;
  const auto grouping = GroupingFor(r, all);
  const auto rows = Rows(grouping, kScenario, r.window);
  const std::vector<IdleRow> idle{Idle("c1", "n1", 90, 30, 500, r.window)};
  const auto sets = BuildAllocationSets(r, all, grouping, rows, idle);
  ASSERT_EQ(sets.size(), 1u);
  const AllocationSet& set = sets[0];
  ASSERT_EQ(set.allocations.size(), 4u);
  EXPECT_EQ(set.allocations[0].name, "__idle__");
  EXPECT_EQ(set.allocations[1].name, "__unallocated__");
  EXPECT_EQ(Find(set, "alpha")->TotalCost(), N(2500));
  EXPECT_EQ(Find(set, "alpha")->properties.at("namespace"), "alpha");
  EXPECT_EQ(Find(set, "beta")->TotalCost(), N(500));
  EXPECT_EQ(Find(set, "__idle__")->TotalCost(), N(620));
  EXPECT_EQ(Total(set), N(2500 + 500 + 620));
}

TEST(AllocationSetTest, IdleFalseDropsIdle) {
  const AllocationRequest r =
      Request({{"window", "1h"}, {"aggregate", "namespace"}, {"idle", "false"}});
  const auto grouping = GroupingFor(r, {});
  const auto rows = Rows(grouping, kScenario, r.window);
  const std::vector<IdleRow> idle{Idle("c1", "n1", 90, 30, 500, r.window)};
  const auto sets = BuildAllocationSets(r, {}, grouping, rows, idle);
  EXPECT_EQ(Find(sets[0], "__idle__"), nullptr);
  EXPECT_EQ(Total(sets[0]), N(3000));
}

TEST(AllocationSetTest, ShareIdleByCostOfEachResourceExactly) {
  const AllocationRequest r =
      Request({{"window", "1h"}, {"aggregate", "namespace"}, {"shareIdle", "true"}});
  const auto grouping = GroupingFor(r, {});
  const auto rows = Rows(grouping, kScenario, r.window);
  const std::vector<IdleRow> idle{Idle("c1", "n1", 100, 1000, 7, r.window)};
  const auto sets = BuildAllocationSets(r, {}, grouping, rows, idle);
  const AllocationSet& set = sets[0];
  EXPECT_EQ(Find(set, "__idle__"), nullptr);
  // CPU idle 100 by cpu cost 900:100 -> 90 and 10; RAM idle 1000 by 600:400; GPU all to alpha.
  const Allocation* alpha = Find(set, "alpha");
  EXPECT_EQ(alpha->cpu_idle_cost, N(90));
  EXPECT_EQ(alpha->ram_idle_cost, N(600));
  EXPECT_EQ(alpha->gpu_idle_cost, N(7));
  EXPECT_EQ(alpha->sums.cpu_cost, N(900 + 90));
  EXPECT_EQ(Find(set, "beta")->cpu_idle_cost, N(10));
  EXPECT_EQ(Find(set, "beta")->ram_idle_cost, N(400));
  EXPECT_EQ(Total(set), N(3000 + 1107));
}

TEST(AllocationSetTest, ShareIdleWithoutWorkloadsKeepsIdleVisible) {
  const AllocationRequest r =
      Request({{"window", "1h"}, {"aggregate", "namespace"}, {"shareIdle", "true"}});
  const auto grouping = GroupingFor(r, {});
  const auto rows = Rows(grouping, kScenario, r.window);
  const std::vector<IdleRow> idle{Idle("c2", "m1", 5, 5, 5, r.window)};
  const auto sets = BuildAllocationSets(r, {}, grouping, rows, idle);
  ASSERT_NE(Find(sets[0], "__idle__"), nullptr);
  EXPECT_EQ(Find(sets[0], "__idle__")->TotalCost(), N(15));
}

TEST(AllocationSetTest, FilterSelectsRowsAndClusterClausesSelectIdle) {
  const AllocationRequest r = Request(
      {{"window", "1h"}, {"aggregate", "pod"}, {"filter", R"(namespace:"alpha"+cluster!:"c2")"}});
  const auto grouping = GroupingFor(r, {});
  const auto rows = Rows(grouping, kScenario, r.window);
  const std::vector<IdleRow> idle{Idle("c1", "n1", 1, 1, 1, r.window),
                                  Idle("c2", "m1", 100, 100, 100, r.window)};
  const auto sets = BuildAllocationSets(r, {}, grouping, rows, idle);
  ASSERT_EQ(sets[0].allocations.size(), 3u);
  EXPECT_NE(Find(sets[0], "a-1"), nullptr);
  EXPECT_NE(Find(sets[0], "a-2"), nullptr);
  EXPECT_EQ(Find(sets[0], "__idle__")->TotalCost(), N(3));
}

TEST(AllocationSetTest, TeamScopeSeesOnlyItsTeamAndNoSeparateIdle) {
  const AllocationRequest r = Request({{"window", "1h"}, {"aggregate", "namespace"}});
  TeamScope beta;
  beta.all_teams = false;
  beta.teams.insert("beta");
  const auto grouping = GroupingFor(r, beta);
  const auto rows = Rows(grouping, kScenario, r.window);
  const std::vector<IdleRow> idle{Idle("c1", "n1", 90, 30, 500, r.window)};
  const auto sets = BuildAllocationSets(r, beta, grouping, rows, idle);
  ASSERT_EQ(sets[0].allocations.size(), 1u);
  EXPECT_EQ(sets[0].allocations[0].name, "beta");
  // Asking for another team's namespace through a filter still shows nothing else.
  const AllocationRequest r2 =
      Request({{"window", "1h"}, {"aggregate", "team"}, {"filter", R"(team:"alpha")"}});
  const auto g2 = GroupingFor(r2, beta);
  const auto sets2 = BuildAllocationSets(r2, beta, g2, Rows(g2, kScenario, r2.window), idle);
  EXPECT_TRUE(sets2[0].allocations.empty());
}

TEST(AllocationSetTest, StepsKeepTheirRowsApart) {
  const AllocationRequest r =
      Request({{"window", "2h"}, {"step", "1h"}, {"aggregate", "cluster"}, {"idle", "false"}});
  const auto grouping = GroupingFor(r, {});
  std::vector<RowSpec> specs = kScenario;
  specs[0].step = 1;
  const auto sets = BuildAllocationSets(r, {}, grouping, Rows(grouping, specs, r.window), {});
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0].window, r.StepWindow(0));
  EXPECT_EQ(Find(sets[0], "c1")->TotalCost(), N(2100));
  EXPECT_EQ(Find(sets[1], "c1")->TotalCost(), N(900));
}

// Property: over random rows, every aggregation and every filter partitions the cost exactly;
// shared idle adds up to the idle, whatever the order of rows.
TEST(AllocationSetTest, RandomScenariosAddUpExactly) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    const char* aggregates[] = {"namespace", "team", "cluster,namespace", "pod", "namespace,team"};
    const bool share = rng() % 2 == 0;
    const AllocationRequest r = Request({{"window", "1h"},
                                         {"aggregate", aggregates[rng() % 5]},
                                         {"shareIdle", share ? "true" : "false"}});
    const auto grouping = GroupingFor(r, {});
    std::vector<RowSpec> specs;
    const int n = 1 + static_cast<int>(rng() % 40);
    Money rows_total;
    for (int i = 0; i < n; ++i) {
      RowSpec s{"c" + std::to_string(rng() % 2),
                "ns" + std::to_string(rng() % 5),
                "p" + std::to_string(i),
                "t" + std::to_string(rng() % 3),
                static_cast<std::int64_t>(rng() % 1'000'000),
                static_cast<std::int64_t>(rng() % 1'000'000),
                static_cast<std::int64_t>(rng() % 3 == 0 ? rng() % 9'000'000 : 0)};
      rows_total += N(s.cpu + s.ram + s.gpu);
      specs.push_back(s);
    }
    std::vector<IdleRow> idle;
    Money idle_total;
    for (int c = 0; c < 3; ++c) {
      const auto a = static_cast<std::int64_t>(rng() % 777'777);
      idle.push_back(Idle("c" + std::to_string(c), "n", a, a / 3, a % 5, r.window));
      idle_total += N(a + a / 3 + a % 5);
    }
    auto rows = Rows(grouping, specs, r.window);
    const auto sets = BuildAllocationSets(r, {}, grouping, rows, idle);
    ASSERT_EQ(Total(sets[0]), rows_total + idle_total) << "round " << round;
    std::shuffle(rows.begin(), rows.end(), rng);
    const auto shuffled = BuildAllocationSets(r, {}, grouping, rows, idle);
    ASSERT_EQ(sets[0].allocations.size(), shuffled[0].allocations.size());
    for (std::size_t i = 0; i < sets[0].allocations.size(); ++i) {
      EXPECT_EQ(sets[0].allocations[i].name, shuffled[0].allocations[i].name);
      EXPECT_EQ(sets[0].allocations[i].TotalCost(), shuffled[0].allocations[i].TotalCost());
    }
    // A filter and its negation partition the workloads, shared idle included.
    const std::string ns = "ns" + std::to_string(rng() % 5);
    auto with = r;
    with.filter = ParseFilter("namespace:\"" + ns + "\"");
    auto without = r;
    without.filter = ParseFilter("namespace!:\"" + ns + "\"");
    without.include_idle = false;
    with.include_idle = false;
    auto plain = r;
    plain.include_idle = false;
    const auto g = GroupingFor(with, {});
    const auto frows = Rows(g, specs, r.window);
    EXPECT_EQ(TotalOfWorkloads(BuildAllocationSets(with, {}, g, frows, idle)[0]) +
                  TotalOfWorkloads(BuildAllocationSets(without, {}, g, frows, idle)[0]),
              TotalOfWorkloads(BuildAllocationSets(plain, {}, g, frows, idle)[0]));
  }
}

TEST(AllocationSetTest, RendersOpenCostFields) {
  const AllocationRequest r =
      Request({{"window", "1586822400,1586826000"}, {"aggregate", "namespace"}});
  const auto grouping = GroupingFor(r, {});
  const auto rows = Rows(grouping, kScenario, r.window);
  const std::vector<IdleRow> idle{Idle("c1", "n1", 90, 30, 500, r.window)};
  const auto body = nlohmann::json::parse(
      api::RenderAllocationResponse(BuildAllocationSets(r, {}, grouping, rows, idle)));
  EXPECT_EQ(body["code"], 200);
  ASSERT_EQ(body["data"].size(), 1u);
  const auto& alpha = body["data"][0]["alpha"];
  EXPECT_EQ(alpha["name"], "alpha");
  EXPECT_EQ(alpha["properties"]["namespace"], "alpha");
  EXPECT_EQ(alpha["window"]["start"], "2020-04-14T00:00:00Z");
  EXPECT_EQ(alpha["start"], "2020-04-14T00:00:00Z");
  EXPECT_EQ(alpha["end"], "2020-04-14T01:00:00Z");
  EXPECT_DOUBLE_EQ(alpha["minutes"].get<double>(), 60.0);
  // Two containers of 0.5 cores requested, 0.25 used, over the hour.
  EXPECT_DOUBLE_EQ(alpha["cpuCoreRequestAverage"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(alpha["cpuCoreUsageAverage"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(alpha["cpuCoreHours"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(alpha["cpuEfficiency"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(alpha["ramEfficiency"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(alpha["ramByteHours"].get<double>(), 4e9);
  EXPECT_EQ(alpha["totalCostNanos"], 2500);
  EXPECT_DOUBLE_EQ(alpha["totalCost"].get<double>(), 2.5e-6);
  EXPECT_DOUBLE_EQ(alpha["gpuCost"].get<double>(), 1e-6);
  for (const char* field :
       {"cpuCost", "gpuCount", "gpuHours", "ramCost", "totalEfficiency", "cpuCoreUsageAverage",
        "ramByteRequestAverage", "ramByteUsageAverage", "gpuEfficiency", "pvCost", "networkCost"}) {
    EXPECT_TRUE(alpha.contains(field)) << field;
  }
  EXPECT_EQ(body["data"][0]["__idle__"]["totalCostNanos"], 620);
}

// Rows from values by OpenCost property key ("namespace", "controllerKind", "label:app", ...);
// a property not given is "".
struct Spec {
  std::map<std::string, std::string> values;
  std::int64_t cost = 0;  // all CPU
  std::size_t step = 0;
};

std::vector<AllocationRow> RowsOf(std::span<const PropertyRef> grouping,
                                  const std::vector<Spec>& specs, const TimeWindow& w) {
  std::vector<AllocationRow> out;
  for (const Spec& s : specs) {
    AllocationRow r;
    r.step = s.step;
    for (const PropertyRef& p : grouping) {
      const std::string key =
          p.property == CostProperty::kController ? "controller" : PropertyName(p);
      const auto it = s.values.find(key);
      r.values.push_back(it == s.values.end() ? "" : it->second);
    }
    r.first_start = w.start;
    r.last_end = w.end;
    r.container_seconds = 3600;
    r.cpu_cost = N(s.cost);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<AllocationSet> Build(const AllocationRequest& r, const TeamScope& scope,
                                 const std::vector<Spec>& specs,
                                 const std::vector<IdleRow>& idle = {}) {
  const auto grouping = GroupingFor(r, scope);
  return BuildAllocationSets(r, scope, grouping, RowsOf(grouping, specs, r.window), idle);
}

const std::vector<Spec> kControllers{
    {{{"cluster", "c1"},
      {"namespace", "shop"},
      {"controllerKind", "Deployment"},
      {"controller", "web"},
      {"pod", "web-1"},
      {"team", "alpha"}},
     100},
    {{{"cluster", "c1"},
      {"namespace", "shop"},
      {"controllerKind", "Deployment"},
      {"controller", "web"},
      {"pod", "web-2"},
      {"team", "alpha"}},
     50},
    {{{"cluster", "c1"},
      {"namespace", "shop"},
      {"controllerKind", "StatefulSet"},
      {"controller", "db"},
      {"pod", "db-0"},
      {"team", "alpha"}},
     200},
    {{{"cluster", "c1"},
      {"namespace", "batch"},
      {"controllerKind", "Job"},
      {"controller", "etl-42"},
      {"pod", "etl-42-x"},
      {"team", "beta"}},
     30},
    {{{"cluster", "c1"},
      {"namespace", "kube-system"},
      {"controllerKind", "DaemonSet"},
      {"controller", "proxy"},
      {"pod", "proxy-a"},
      {"label:app", "proxy"}},
     60},
    {{{"cluster", "c1"}, {"namespace", "batch"}, {"pod", "bare"}, {"team", "beta"}}, 10},
};

std::vector<std::string> Names(const AllocationSet& set) {
  std::vector<std::string> out;
  for (const Allocation& a : set.allocations) out.push_back(a.name);
  return out;
}

TEST(AllocationSetTest, ControllerAggregatesAreNamedAsOpenCostNamesThem) {
  const auto by = [](std::string aggregate) {
    return Build(Request({{"window", "1h"}, {"aggregate", aggregate}, {"idle", "false"}}), {},
                 kControllers)[0];
  };
  const AllocationSet controllers = by("controller");
  EXPECT_EQ(Names(controllers),
            (std::vector<std::string>{"__unallocated__", "daemonset:proxy", "deployment:web",
                                      "job:etl-42", "statefulset:db"}));
  EXPECT_EQ(Find(controllers, "deployment:web")->TotalCost(), N(150));
  EXPECT_EQ(Find(controllers, "deployment:web")->properties.at("controller"), "web");
  EXPECT_EQ(Find(controllers, "deployment:web")->properties.at("controllerKind"), "deployment");
  const AllocationSet deployments = by("cluster,namespace,deployment");
  EXPECT_EQ(Names(deployments),
            (std::vector<std::string>{"c1/batch/__unallocated__", "c1/kube-system/__unallocated__",
                                      "c1/shop/__unallocated__", "c1/shop/web"}));
  EXPECT_EQ(Find(deployments, "c1/shop/__unallocated__")->TotalCost(), N(200));
  EXPECT_EQ(Names(by("statefulset")), (std::vector<std::string>{"__unallocated__", "db"}));
  EXPECT_EQ(Names(by("daemonset")), (std::vector<std::string>{"__unallocated__", "proxy"}));
  EXPECT_EQ(Names(by("job")), (std::vector<std::string>{"__unallocated__", "etl-42"}));
  // Not collected: everything is __unallocated__, nothing is lost.
  const AllocationSet annotations = by("annotation:owner");
  EXPECT_EQ(Names(annotations), (std::vector<std::string>{"__unallocated__"}));
  EXPECT_EQ(Total(annotations), N(450));
  // A filter by the controller name and the (case-folded) kind, as the UI's drill-down sends.
  const AllocationSet drill =
      Build(Request({{"window", "1h"},
                     {"aggregate", "pod"},
                     {"filter", R"(controllerKind:"deployment"+controllerName:"web")"}}),
            {}, kControllers)[0];
  EXPECT_EQ(Names(drill), (std::vector<std::string>{"web-1", "web-2"}));
}

TEST(AllocationSetTest, NamesHaveOnePartPerAggregateAndPropertiesWhatRowsShare) {
  const std::vector<Spec> specs{
      {{{"cluster", "c1"}, {"namespace", "etl"}, {"workload", "dag:etl/load"}}, 5},
      {{{"cluster", "c1"}, {"namespace", "etl"}, {"workload", "dag:etl/load"}}, 6},
      {{{"cluster", "c2"}, {"namespace", "etl"}, {"workload", "dag:etl/load"}}, 7}};
  const AllocationSet set =
      Build(Request({{"window", "1h"}, {"aggregate", "namespace,workload"}, {"idle", "false"}}), {},
            specs)[0];
  ASSERT_EQ(Names(set), (std::vector<std::string>{"etl/dag:etl%2Fload"}));
  const Allocation& a = set.allocations[0];
  EXPECT_EQ(a.properties.at("workload"), "dag:etl/load");
  EXPECT_EQ(a.properties.at("namespace"), "etl");
  EXPECT_EQ(a.properties.count("cluster"), 0u);  // two clusters: not a property of the whole
  const AllocationSet one = Build(Request({{"window", "1h"},
                                           {"aggregate", "namespace"},
                                           {"idle", "false"},
                                           {"filter", R"(cluster:"c1")"}}),
                                  {}, specs)[0];
  EXPECT_EQ(one.allocations.at(0).properties.at("cluster"), "c1");
}

// shareNamespaces and shareLabels: those rows leave the result and their cost goes to the
// others, weighted by cost or evenly, to the nano-dollar; shareCost adds its part of a month.
TEST(AllocationSetTest, SharedNamespacesAndLabelsAreSharedExactly) {
  const auto by = [](std::multimap<std::string, std::string> extra) {
    std::multimap<std::string, std::string> q{
        {"window", "1h"}, {"aggregate", "namespace"}, {"idle", "false"}};
    q.insert(extra.begin(), extra.end());
    return Build(Request(q), {}, kControllers)[0];
  };
  // kube-system (60) shared by cost over shop 350 and batch 40: 53.846.. and 6.153..
  const AllocationSet weighted = by({{"shareNamespaces", "kube-system"}});
  EXPECT_EQ(Names(weighted), (std::vector<std::string>{"batch", "shop"}));
  EXPECT_EQ(Find(weighted, "shop")->shared_cost, N(54));
  EXPECT_EQ(Find(weighted, "batch")->shared_cost, N(6));
  EXPECT_EQ(Find(weighted, "shop")->TotalCost(), N(350 + 54));
  EXPECT_EQ(Total(weighted), N(450));
  const AllocationSet even = by({{"shareNamespaces", "kube-system"}, {"shareSplit", "even"}});
  EXPECT_EQ(Find(even, "shop")->shared_cost, N(30));
  EXPECT_EQ(Find(even, "batch")->shared_cost, N(30));
  // The same rows selected by their label.
  const AllocationSet labelled = by({{"shareLabels", "app:proxy"}});
  EXPECT_EQ(Find(labelled, "shop")->shared_cost, N(54));
  // $730 a month is $1 an hour, i.e. 1e9 n$ over this one-hour window.
  const AllocationSet overhead = by({{"shareCost", "730"}, {"shareSplit", "even"}});
  EXPECT_EQ(Total(overhead), N(450 + 1'000'000'000));
  EXPECT_EQ(Find(overhead, "kube-system")->shared_cost, N(333'333'333));
  // A filter selects who receives; the shared rows are shared whatever it says.
  const AllocationSet filtered =
      by({{"shareNamespaces", "kube-system"}, {"filter", R"(namespace:"batch")"}});
  EXPECT_EQ(Names(filtered), (std::vector<std::string>{"batch"}));
  EXPECT_EQ(Find(filtered, "batch")->TotalCost(), N(100));
}

TEST(AllocationSetTest, TeamScopesGetTheirPartOfSharedCostsExactly) {
  const AllocationRequest r = Request({{"window", "1h"},
                                       {"aggregate", "namespace"},
                                       {"idle", "false"},
                                       {"shareNamespaces", "kube-system"}});
  const AllocationSet all = Build(r, TeamScope::All(), kControllers)[0];
  const AllocationSet alpha = Build(r, TeamScope::Only({"alpha"}), kControllers)[0];
  const AllocationSet beta = Build(r, TeamScope::Only({"beta"}), kControllers)[0];
  EXPECT_EQ(Names(alpha), (std::vector<std::string>{"shop"}));
  EXPECT_EQ(Names(beta), (std::vector<std::string>{"batch"}));
  EXPECT_EQ(Total(alpha) + Total(beta), Total(all));
  EXPECT_EQ(Find(alpha, "shop")->shared_cost, Find(all, "shop")->shared_cost);
  // One namespace of two teams: each sees its rows' part of the namespace's share.
  std::vector<Spec> mixed = kControllers;
  mixed.push_back({{{"cluster", "c1"}, {"namespace", "shop"}, {"team", "beta"}}, 350});
  const AllocationSet all2 = Build(r, TeamScope::All(), mixed)[0];
  const AllocationSet a2 = Build(r, TeamScope::Only({"alpha"}), mixed)[0];
  const AllocationSet b2 = Build(r, TeamScope::Only({"beta"}), mixed)[0];
  EXPECT_EQ(Find(a2, "shop")->shared_cost + Find(b2, "shop")->shared_cost,
            Find(all2, "shop")->shared_cost);
  EXPECT_EQ(Total(a2) + Total(b2), Total(all2));
}

TEST(AllocationSetTest, IdleByNodeSharesEachNodesIdleWithItsPods) {
  const std::vector<Spec> specs{{{{"cluster", "c1"}, {"node", "n1"}, {"namespace", "a"}}, 100},
                                {{{"cluster", "c1"}, {"node", "n2"}, {"namespace", "b"}}, 100}};
  const std::vector<IdleRow> idle{Idle("c1", "n1", 40, 0, 0, Request({{"window", "1h"}}).window),
                                  Idle("c1", "n2", 0, 0, 0, Request({{"window", "1h"}}).window)};
  const auto by = [&](std::string idle_by_node) {
    return Build(Request({{"window", "1h"},
                          {"aggregate", "namespace"},
                          {"shareIdle", "true"},
                          {"idleByNode", idle_by_node}}),
                 {}, specs, idle)[0];
  };
  EXPECT_EQ(Find(by("false"), "a")->cpu_idle_cost, N(20));  // the cluster's idle, by cost
  EXPECT_EQ(Find(by("true"), "a")->cpu_idle_cost, N(40));   // n1's idle, all to a
  EXPECT_EQ(Find(by("true"), "b")->cpu_idle_cost, N(0));
  EXPECT_EQ(Total(by("true")), N(240));
}

TEST(AllocationSetTest, AccumulateByDayMergesTheReadSteps) {
  const AllocationRequest r = Request({{"window", "2026-11-16T00:00:00Z,2026-11-18T00:00:00Z"},
                                       {"accumulate", "day"},
                                       {"aggregate", "namespace"},
                                       {"idle", "false"}});
  ASSERT_EQ(r.StepCount(), 2u);
  std::vector<Spec> specs{{{{"namespace", "a"}}, 1, 0}, {{{"namespace", "a"}}, 2, 1}};
  const auto sets = Build(r, {}, specs);
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(Find(sets[0], "a")->TotalCost(), N(1));
  EXPECT_EQ(Find(sets[1], "a")->TotalCost(), N(2));
  EXPECT_EQ(sets[1].window.start, ParseTimestamp("2026-11-17T00:00:00Z"));
}

TEST(AllocationSetTest, RendersEveryOpenCostAllocationField) {
  const AllocationRequest r = Request(
      {{"window", "1h"}, {"aggregate", "namespace,label:app"}, {"shareNamespaces", "kube-system"}});
  const auto body = nlohmann::json::parse(api::RenderAllocationResponse(
      Build(r, {}, kControllers), {"parameter 'x' is not supported and was ignored"}));
  EXPECT_EQ(body["warnings"].size(), 1u);
  const auto& shop = body["data"][0]["shop/__unallocated__"];
  for (const char* field : {"name",
                            "properties",
                            "window",
                            "start",
                            "end",
                            "minutes",
                            "cpuCores",
                            "cpuCoreRequestAverage",
                            "cpuCoreUsageAverage",
                            "cpuCoreLimitAverage",
                            "cpuCoreHours",
                            "cpuCost",
                            "cpuCostAdjustment",
                            "cpuCostIdle",
                            "cpuEfficiency",
                            "gpuCount",
                            "gpuHours",
                            "gpuCost",
                            "gpuCostAdjustment",
                            "gpuCostIdle",
                            "gpuEfficiency",
                            "networkTransferBytes",
                            "networkReceiveBytes",
                            "networkCost",
                            "networkCrossZoneCost",
                            "networkCrossRegionCost",
                            "networkInternetCost",
                            "networkCostAdjustment",
                            "loadBalancerCost",
                            "loadBalancerCostAdjustment",
                            "pvBytes",
                            "pvByteHours",
                            "pvCost",
                            "pvCostAdjustment",
                            "ramBytes",
                            "ramByteRequestAverage",
                            "ramByteUsageAverage",
                            "ramByteLimitAverage",
                            "ramByteHours",
                            "ramCost",
                            "ramCostAdjustment",
                            "ramCostIdle",
                            "ramEfficiency",
                            "sharedCost",
                            "externalCost",
                            "totalCost",
                            "totalEfficiency"}) {
    EXPECT_TRUE(shop.contains(field)) << field;
  }
  EXPECT_DOUBLE_EQ(shop["sharedCost"].get<double>(), 54e-9);
  EXPECT_EQ(shop["sharedCostNanos"], 54);
  EXPECT_EQ(shop["totalCostNanos"], 404);
  EXPECT_TRUE(shop["properties"]["labels"].is_object());
  EXPECT_TRUE(shop["properties"]["annotations"].is_object());
  EXPECT_TRUE(shop["properties"]["services"].is_array());
  EXPECT_EQ(shop["properties"]["namespace"], "shop");
  EXPECT_EQ(shop["properties"]["cluster"], "c1");
  EXPECT_FALSE(nlohmann::json::parse(api::RenderAllocationResponse({})).contains("warnings"));
}

}  // namespace
}  // namespace costledger::model