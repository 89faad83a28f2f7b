#include "costledger/model/allocation_request.hpp"

#include <gtest/gtest.h>

#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"
#include "error_of.hpp"

namespace costledger::model {
namespace {

const std::chrono::sys_seconds kNow = model::ParseTimestamp("2026-11-18T14:37:20Z");

using Query = std::multimap<std::string, std::string>;

// The message of the InvalidInput that parsing `q` throws; fails the test when none is thrown.
std::string RequestError(const Query& q) {
  return testing::ErrorOf<InvalidInput>([&] { ParseAllocationRequest(q, kNow); });
}

TEST(AllocationRequestTest, Defaults) {
  const AllocationRequest r = ParseAllocationRequest({{"window", "7d"}}, kNow);
  EXPECT_EQ(r.window.length(), std::chrono::days(7));
  EXPECT_EQ(r.step, std::chrono::days(7));
  EXPECT_TRUE(r.aggregate.empty());
  EXPECT_FALSE(r.accumulate);
  EXPECT_TRUE(r.include_idle);
  EXPECT_FALSE(r.share_idle);
  EXPECT_EQ(r.StepCount(), 1u);
}

TEST(AllocationRequestTest, StepsCoverTheWindow) {
  const AllocationRequest r =
      ParseAllocationRequest({{"window", "7d"}, {"step", "1d"}, {"aggregate", "namespace"}}, kNow);
  ASSERT_EQ(r.StepCount(), 7u);
  EXPECT_EQ(r.StepWindow(0).start, r.window.start);
  EXPECT_EQ(r.StepWindow(6).end, r.window.end);
  // A step that does not divide the window: the last set is shorter.
  const AllocationRequest odd = ParseAllocationRequest({{"window", "24h"}, {"step", "5h"}}, kNow);
  ASSERT_EQ(odd.StepCount(), 5u);
  EXPECT_EQ(odd.StepWindow(4).length(), std::chrono::hours(4));
  const AllocationRequest acc =
      ParseAllocationRequest({{"window", "7d"}, {"step", "1d"}, {"accumulate", "true"}}, kNow);
  EXPECT_EQ(acc.StepCount(), 1u);
  EXPECT_EQ(acc.StepWindow(0), acc.window);
}

TEST(AllocationRequestTest, Aggregates) {
  const auto a = ParseAggregate("namespace,label:app.kubernetes.io/name,controllerKind");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(PropertyName(a[0]), "namespace");
  EXPECT_EQ(a[1].property, CostProperty::kLabel);
  EXPECT_EQ(a[1].label, "app.kubernetes.io/name");
  EXPECT_EQ(PropertyName(a[2]), "controllerKind");
  for (const char* name : {"cluster", "node", "namespace", "controllerKind", "controller", "pod",
                           "container", "team"}) {
    EXPECT_EQ(PropertyName(ParseAggregate(name).at(0)), name);
  }
}

// costledger's own properties (OpenCost has none of them): the node's capacity and instance
// type, and the platform and workload each pod is named by.
TEST(AllocationRequestTest, PlatformWorkloadCapacityAndInstanceType) {
  const auto a = ParseAggregate("platform, workload,capacityType,instanceType");
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0], (PropertyRef{CostProperty::kPlatform, {}}));
  EXPECT_EQ(a[1], (PropertyRef{CostProperty::kWorkload, {}}));
  EXPECT_EQ(a[2], (PropertyRef{CostProperty::kCapacityType, {}}));
  EXPECT_EQ(a[3], (PropertyRef{CostProperty::kInstanceType, {}}));
  for (const char* name : {"platform", "workload", "capacityType", "instanceType"}) {
    EXPECT_EQ(PropertyName(ParseAggregate(name).at(0)), name);
  }
  const FilterNode f = ParseFilter(
      R"(workload:"notebook:alice","dag:etl/load"+platform!:"kubernetes"+capacityType:"spot")"
      R"(+instanceType:"g5.xlarge")");
  ASSERT_EQ(f.kind, FilterNode::Kind::kAnd);
  ASSERT_EQ(f.children.size(), 4u);
  ASSERT_EQ(f.children[0].kind, FilterNode::Kind::kOr);
  EXPECT_EQ(f.children[0].children[0].property.property, CostProperty::kWorkload);
  EXPECT_EQ(f.children[0].children[1].value, "dag:etl/load");
  ASSERT_EQ(f.children[1].kind, FilterNode::Kind::kNot);
  EXPECT_EQ(f.children[1].children[0].property.property, CostProperty::kPlatform);
  EXPECT_EQ(f.children[2].property.property, CostProperty::kCapacityType);
  EXPECT_EQ(f.children[3].property.property, CostProperty::kInstanceType);
  EXPECT_EQ(f.children[3].value, "g5.xlarge");
  const AllocationRequest r = ParseAllocationRequest(
      {{"window", "7d"}, {"aggregate", "workload"}, {"filter", R"(platform:"spark")"}}, kNow);
  EXPECT_EQ(r.aggregate, (std::vector<PropertyRef>{{CostProperty::kWorkload, {}}}));
  EXPECT_EQ(r.filter,
            FilterNode::Compare({CostProperty::kPlatform, {}}, FilterOp::kEquals, "spark"));
  // Names are case-sensitive, as OpenCost's are.
  EXPECT_NE(RequestError({{"window", "1d"}, {"aggregate", "Workload"}}), "");
  EXPECT_NE(RequestError({{"window", "1d"}, {"aggregate", "workload,workload"}}), "");
}

TEST(AllocationRequestTest, UnknownAggregateNamesTheAllowedOnes) {
  const std::string error = RequestError({{"window", "1d"}, {"aggregate", "colour"}});
  EXPECT_NE(error.find("'colour'"), std::string::npos) << error;
  EXPECT_NE(error.find("deployment, statefulset"), std::string::npos) << error;
  EXPECT_NE(error.find("controllerKind"), std::string::npos) << error;
  EXPECT_NE(error.find("label:<name>"), std::string::npos) << error;
  EXPECT_NE(error.find("platform, workload"), std::string::npos) << error;
  EXPECT_NE(RequestError({{"window", "1d"}, {"aggregate", "namespace,namespace"}}), "");
  EXPECT_NE(RequestError({{"window", "1d"}, {"aggregate", "label:"}}), "");
  EXPECT_NE(RequestError({{"window", "1d"}, {"aggregate", "label:a b"}}), "");
}

TEST(AllocationRequestTest, FiltersCombineTheV2FilterAndTheOlderLists) {
  const AllocationRequest r =
      ParseAllocationRequest({{"window", "1d"},
                              {"filter", R"(namespace:"alpha")"},
                              {"filterClusters", "c1, c2"},
                              {"filterNamespaces", ""},  // kubectl-cost sends it empty: no filter
                              {"filterLabels", "app:web,tier:db"},
                              {"filterControllers", "deployment:web,cron"}},
                             kNow);
  ASSERT_EQ(r.filter.kind, FilterNode::Kind::kAnd);
  ASSERT_EQ(r.filter.children.size(), 4u);
  EXPECT_EQ(r.filter.children[0],
            FilterNode::Compare({CostProperty::kNamespace, {}}, FilterOp::kEquals, "alpha"));
  EXPECT_EQ(
      r.filter.children[1],
      FilterNode::Or({FilterNode::Compare({CostProperty::kCluster, {}}, FilterOp::kEquals, "c1"),
                      FilterNode::Compare({CostProperty::kCluster, {}}, FilterOp::kEquals, "c2")}));
  // Legacy filters are applied in their table's order: controllers before labels.
  const FilterNode& controllers = r.filter.children[2];
  ASSERT_EQ(controllers.kind, FilterNode::Kind::kOr);
  ASSERT_EQ(controllers.children.size(), 2u);
  EXPECT_EQ(controllers.children[0].kind, FilterNode::Kind::kAnd);  // kind and name
  EXPECT_TRUE(controllers.children[0].children[0].fold_case);
  EXPECT_EQ(controllers.children[1],
            FilterNode::Compare({CostProperty::kController, {}}, FilterOp::kEquals, "cron"));
  const FilterNode& labels = r.filter.children[3];
  EXPECT_EQ(labels,
            FilterNode::Or(
                {FilterNode::Compare({CostProperty::kLabel, "app"}, FilterOp::kEquals, "web"),
                 FilterNode::Compare({CostProperty::kLabel, "tier"}, FilterOp::kEquals, "db")}));
  EXPECT_NE(RequestError({{"window", "1d"}, {"filterLabels", "app"}}).find("filterLabels"),
            std::string::npos);
  EXPECT_NE(RequestError({{"window", "1d"}, {"filter", "nope:\"x\""}}).find("unknown field 'nope'"),
            std::string::npos);
}

TEST(AllocationRequestTest, BadParametersAreNamed) {
  EXPECT_NE(RequestError({}).find("'window' is required"), std::string::npos);
  EXPECT_NE(RequestError({{"window", "1d"}, {"idle", "maybe"}}).find("idle='maybe'"),
            std::string::npos);
  EXPECT_NE(RequestError({{"window", "1d"}, {"shareIdle", "yes"}}).find("shareIdle"),
            std::string::npos);
  EXPECT_NE(RequestError({{"window", "1d"}, {"step", "often"}}).find("'often'"), std::string::npos);
  EXPECT_NE(RequestError({{"window", "1d"}, {"colour", "red"}}).find("unknown parameter 'colour'"),
            std::string::npos);
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"includeIdle", "yes"},
           {"idleByNode", "2"},
           {"accumulate", "fortnight"},
           {"shareSplit", "fair"},
           {"shareCost", "-3"},
           {"shareCost", "lots"},
           {"shareLabels", "app"},
           {"format", "xml"},
           {"resolution", "often"},
           {"reconcile", "maybe"},
           {"includeProportionalAssetResourceCosts", "sure"},
           {"aggregate", "annotation:"},
       }) {
    EXPECT_NE(RequestError({{"window", "1d"}, {key, value}}).find(key), std::string::npos)
        << key << "=" << value;
  }
  EXPECT_NE(RequestError({{"window", "1d"}, {"window", "2d"}}).find("given twice"),
            std::string::npos);
  // Too much asked is not malformed: TooLarge (422), naming the bound.
  EXPECT_NE(testing::ErrorOf<TooLarge>([&] {
              ParseAllocationRequest({{"window", "30d"}, {"step", "1m"}}, kNow);
            }).find("at most 10000 are allowed (api.max_steps)"),
            std::string::npos);
  AllocationParseOptions narrow;
  narrow.max_aggregate_keys = 2;
  EXPECT_NE(testing::ErrorOf<TooLarge>([&] {
              ParseAllocationRequest({{"window", "1d"}, {"aggregate", "namespace,pod,team"}}, kNow,
                                     narrow);
            }).find("aggregate names 3 properties; at most 2 are allowed"),
            std::string::npos);
  EXPECT_NO_THROW(
      ParseAllocationRequest({{"window", "1d"}, {"aggregate", "namespace,pod"}}, kNow, narrow));
}

// OpenCost's endpoints: what nobody knows is ignored and listed, includeIdle defaults to false,
// and every parameter its clients send is accepted.
TEST(AllocationRequestTest, OpenCostModeIgnoresUnknownParametersWithAWarning) {
  AllocationParseOptions opencost;
  opencost.ignore_unknown = true;
  opencost.include_idle_default = false;
  const AllocationRequest r =
      ParseAllocationRequest({{"window", "2026-11-17T00:00:00Z,2026-11-17T23:59:59Z"},
                              {"includeIdle", "false"},
                              {"idleByNode", "false"},
                              {"includeProportionalAssetResourceCosts", "false"},
                              {"includeSharedCostBreakdown", "true"},
                              {"includeAggregatedMetadata", "false"},
                              {"reconcile", "true"},
                              {"shareTenancyCosts", "true"},
                              {"format", "json"},
                              {"resolution", "1m"},
                              {"step", "1h"},
                              {"aggregate", "namespace,pod,container"},
                              {"metrics", "totalCost,cpuCost"},
                              {"costUnit", "cumulative"}},
                             kNow, opencost);
  EXPECT_FALSE(r.include_idle);
  EXPECT_FALSE(r.include_aggregated_metadata);
  EXPECT_EQ(r.StepCount(), 24u);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_NE(r.warnings[0].find("'costUnit'"), std::string::npos);
  EXPECT_NE(r.warnings[1].find("'metrics'"), std::string::npos);
  EXPECT_FALSE(ParseAllocationRequest({{"window", "1d"}}, kNow, opencost).include_idle);
  EXPECT_TRUE(
      ParseAllocationRequest({{"window", "1d"}, {"includeAggregatedMetadata", "true"}}, kNow)
          .include_aggregated_metadata);
  EXPECT_THROW(
      ParseAllocationRequest({{"window", "1d"}, {"includeAggregatedMetadata", "maybe"}}, kNow),
      InvalidInput);
  EXPECT_TRUE(
      ParseAllocationRequest({{"window", "1d"}, {"idle", "true"}}, kNow, opencost).include_idle);
  // includeIdle wins over idle (kubectl-cost sends both).
  EXPECT_FALSE(ParseAllocationRequest({{"window", "1d"}, {"idle", "true"}, {"includeIdle", "0"}},
                                      kNow, opencost)
                   .include_idle);
  // Known parameters stay validated, and the window stays required.
  EXPECT_THROW(ParseAllocationRequest({{"window", "1d"}, {"shareIdle", "x"}}, kNow, opencost),
               InvalidInput);
  EXPECT_THROW(ParseAllocationRequest({{"aggregate", "pod"}}, kNow, opencost), InvalidInput);
}

TEST(AllocationRequestTest, AccumulateByCalendarUnits) {
  const auto sets = [](std::string window, std::string by) {
    const AllocationRequest r =
        ParseAllocationRequest({{"window", window}, {"accumulate", by}}, kNow);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r.StepCount(); ++i) {
      const TimeWindow w = r.StepWindow(i);
      out.push_back(FormatTimestamp(w.start) + "/" + FormatTimestamp(w.end));
    }
    return out;
  };
  EXPECT_EQ(sets("7d", "true").size(), 1u);
  EXPECT_EQ(sets("7d", "all").size(), 1u);
  EXPECT_EQ(sets("7d", "false").size(), 1u);  // step defaults to the window
  EXPECT_EQ(sets("7d", "day").size(), 7u);
  EXPECT_EQ(sets("2026-11-17T22:00:00Z,2026-11-18T02:00:00Z", "hour").size(), 4u);
  // 2026-11-15 is a Sunday: weeks start there, as OpenCost's.
  EXPECT_EQ(sets("2026-11-10T00:00:00Z,2026-11-20T00:00:00Z", "week"),
            (std::vector<std::string>{"2026-11-10T00:00:00Z/2026-11-15T00:00:00Z",
                                      "2026-11-15T00:00:00Z/2026-11-20T00:00:00Z"}));
  EXPECT_EQ(sets("2026-10-20T00:00:00Z,2026-12-02T00:00:00Z", "month"),
            (std::vector<std::string>{"2026-10-20T00:00:00Z/2026-11-01T00:00:00Z",
                                      "2026-11-01T00:00:00Z/2026-12-01T00:00:00Z",
                                      "2026-12-01T00:00:00Z/2026-12-02T00:00:00Z"}));
  EXPECT_EQ(sets("2026-02-10T00:00:00Z,2026-07-02T00:00:00Z", "quarter"),
            (std::vector<std::string>{"2026-02-10T00:00:00Z/2026-04-01T00:00:00Z",
                                      "2026-04-01T00:00:00Z/2026-07-01T00:00:00Z",
                                      "2026-07-01T00:00:00Z/2026-07-02T00:00:00Z"}));
  // Read by whole days when the window starts at midnight, else by hours; every read step
  // maps to the set that holds it.
  const AllocationRequest month = ParseAllocationRequest(
      {{"window", "2026-10-20T00:00:00Z,2026-12-02T00:00:00Z"}, {"accumulate", "month"}}, kNow);
  EXPECT_EQ(month.ReadStep(), std::chrono::days(1));
  EXPECT_EQ(month.SetOfReadStep(0), 0u);
  EXPECT_EQ(month.SetOfReadStep(11), 0u);  // Oct 31
  EXPECT_EQ(month.SetOfReadStep(12), 1u);  // Nov 1
  EXPECT_EQ(month.SetOfReadStep(42), 2u);  // Dec 1
  const AllocationRequest hours = ParseAllocationRequest(
      {{"window", "2026-11-17T22:00:00Z,2026-11-19T00:00:00Z"}, {"accumulate", "day"}}, kNow);
  EXPECT_EQ(hours.ReadStep(), std::chrono::hours(1));
  EXPECT_EQ(hours.StepCount(), 2u);
  EXPECT_EQ(hours.SetOfReadStep(1), 0u);
  EXPECT_EQ(hours.SetOfReadStep(2), 1u);
}

TEST(AllocationRequestTest, SharingParameters) {
  const AllocationRequest r = ParseAllocationRequest({{"window", "1d"},
                                                      {"shareNamespaces", "kube-system, ingress"},
                                                      {"shareLabels", "app:proxy,tier: infra"},
                                                      {"shareCost", "730.5"},
                                                      {"shareSplit", "even"}},
                                                     kNow);
  EXPECT_EQ(r.share_namespaces, (std::vector<std::string>{"kube-system", "ingress"}));
  EXPECT_EQ(r.share_labels, (std::vector<std::pair<std::string, std::string>>{{"app", "proxy"},
                                                                              {"tier", "infra"}}));
  EXPECT_EQ(r.share_cost_per_month, Money::FromNanos(730'500'000'000));
  EXPECT_EQ(r.share_split, ShareSplit::kEven);
  EXPECT_TRUE(r.SharesCosts());
  EXPECT_FALSE(ParseAllocationRequest({{"window", "1d"}}, kNow).SharesCosts());
  EXPECT_EQ(
      ParseAllocationRequest({{"window", "1d"}, {"shareSplit", "weighted"}}, kNow).share_split,
      ShareSplit::kWeighted);
}

TEST(AllocationRequestTest, OpenCostAggregates) {
  const LabelAliases aliases{"dept", "stage", "owner", "product-label"};
  const auto a = ParseAggregate(
      "cluster,controller,deployment,statefulset,daemonset,job,annotation:owner,service,"
      "department,environment,product",
      aliases);
  EXPECT_EQ(a, (std::vector<PropertyRef>{{CostProperty::kCluster, {}},
                                         {CostProperty::kKindController, {}},
                                         {CostProperty::kDeployment, {}},
                                         {CostProperty::kStatefulSet, {}},
                                         {CostProperty::kDaemonSet, {}},
                                         {CostProperty::kJob, {}},
                                         {CostProperty::kAnnotation, "owner"},
                                         {CostProperty::kNotCollected, "service"},
                                         {CostProperty::kLabel, "dept"},
                                         {CostProperty::kLabel, "stage"},
                                         {CostProperty::kLabel, "product-label"}}));
  for (const char* name : {"deployment", "statefulset", "daemonset", "job", "controller"}) {
    EXPECT_EQ(PropertyName(ParseAggregate(name).at(0)), name);
  }
  EXPECT_EQ(PropertyName(ParseAggregate("annotation:a.b/c").at(0)), "annotation:a.b/c");
  EXPECT_EQ(ParseAggregate("owner").at(0), (PropertyRef{CostProperty::kLabel, "owner"}));
  EXPECT_EQ(ParseAggregate("team").at(0), (PropertyRef{CostProperty::kTeam, {}}));
  EXPECT_THROW(ParseAggregate("Deployment"), InvalidInput);
  EXPECT_THROW(ParseAggregate("deployment,deployment"), InvalidInput);
}

}  // namespace
}  // namespace costledger::model
