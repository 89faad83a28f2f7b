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
  const auto f = ParseFilter(
      R"(workload:"notebook:alice","dag:etl/load"+platform!:"kubernetes"+capacityType:"spot")"
      R"(+instanceType:"g5.xlarge")");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].property.property, CostProperty::kWorkload);
  EXPECT_EQ(f[0].values, (std::vector<std::string>{"notebook:alice", "dag:etl/load"}));
  EXPECT_EQ(f[1].property.property, CostProperty::kPlatform);
  EXPECT_TRUE(f[1].negated);
  EXPECT_EQ(f[2].property.property, CostProperty::kCapacityType);
  EXPECT_EQ(f[3].property.property, CostProperty::kInstanceType);
  EXPECT_EQ(f[3].values, std::vector<std::string>{"g5.xlarge"});
  const AllocationRequest r = ParseAllocationRequest(
      {{"window", "7d"}, {"aggregate", "workload"}, {"filter", R"(platform:"spark")"}}, kNow);
  EXPECT_EQ(r.aggregate, (std::vector<PropertyRef>{{CostProperty::kWorkload, {}}}));
  ASSERT_EQ(r.filter.size(), 1u);
  EXPECT_EQ(r.filter[0].property.property, CostProperty::kPlatform);
  // Names are case-sensitive, as OpenCost's are.
  EXPECT_NE(RequestError({{"window", "1d"}, {"aggregate", "Workload"}}), "");
  EXPECT_NE(RequestError({{"window", "1d"}, {"aggregate", "workload,workload"}}), "");
}

TEST(AllocationRequestTest, UnknownAggregateNamesTheAllowedOnes) {
  const std::string error = RequestError({{"window", "1d"}, {"aggregate", "department"}});
  EXPECT_NE(error.find("'department'"), std::string::npos) << error;
  EXPECT_NE(error.find("controllerKind"), std::string::npos) << error;
  EXPECT_NE(error.find("label:<name>"), std::string::npos) << error;
  EXPECT_NE(error.find("platform, workload"), std::string::npos) << error;
  EXPECT_NE(RequestError({{"window", "1d"}, {"aggregate", "namespace,namespace"}}), "");
  EXPECT_NE(RequestError({{"window", "1d"}, {"aggregate", "label:"}}), "");
  EXPECT_NE(RequestError({{"window", "1d"}, {"aggregate", "label:a b"}}), "");
}

TEST(AllocationRequestTest, Filters) {
  const auto f = ParseFilter(R"(namespace:"alpha","beta"+team!:"gamma" + label[app]:"ray")");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(PropertyName(f[0].property), "namespace");
  EXPECT_FALSE(f[0].negated);
  EXPECT_EQ(f[0].values, (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_TRUE(f[1].negated);
  EXPECT_EQ(f[1].values, (std::vector<std::string>{"gamma"}));
  EXPECT_EQ(f[2].property.label, "app");
  EXPECT_TRUE(ParseFilter("").empty());
  EXPECT_EQ(ParseFilter(R"(pod:"a\"b")").at(0).values.at(0), "a\"b");
}

TEST(AllocationRequestTest, MalformedFiltersSayWhere) {
  for (const char* bad : {"namespace", "namespace:alpha", R"(namespace:"alpha)", R"(nope:"x")",
                          R"(namespace:"a"|team:"b")", R"(namespace:"a" team:"b")",
                          R"(label[]:"x")", R"(label[app:"x")"}) {
    EXPECT_THROW(ParseFilter(bad), InvalidInput) << bad;
  }
  const std::string error = RequestError({{"window", "1d"}, {"filter", "nope:\"x\""}});
  EXPECT_NE(error.find("unknown property 'nope'"), std::string::npos) << error;
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
  EXPECT_NE(RequestError({{"window", "1d"}, {"window", "2d"}}).find("given twice"),
            std::string::npos);
  EXPECT_NE(RequestError({{"window", "30d"}, {"step", "1m"}}).find("at most"), std::string::npos);
}

}  // namespace
}  // namespace costledger::model
