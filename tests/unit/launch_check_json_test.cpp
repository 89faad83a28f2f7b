#include "costledger/sources/launch_check_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "costledger/model/errors.hpp"

namespace costledger::sources {
namespace {

using ::testing::StartsWith;

std::string ErrorOf(const std::string& body) {
  try {
    (void)ParseLaunchCheck(body);
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(LaunchCheckJsonTest, ContractExampleIsRead) {
  const LaunchCheckRequest r = ParseLaunchCheck(
      R"({"scope": {"team": "alpha", "namespace": "ml", "labels": {"app": "x"}},
          "resources": {"cpu": "4", "memory": "16Gi", "gpu": 1, "instance_type": "g5.xlarge",
                        "capacity_type": "spot"}, "hours": 3})");
  EXPECT_EQ(r.scope.team, "alpha");
  EXPECT_EQ(r.scope.namespace_name, "ml");
  EXPECT_EQ(r.scope.labels.at("app"), "x");
  EXPECT_FALSE(r.scope.cluster);
  EXPECT_EQ(r.resources, (model::ResourceQuantities{4000, 16LL << 30, 1}));
  EXPECT_EQ(r.placement.instance_type, "g5.xlarge");
  EXPECT_EQ(r.placement.capacity_type, model::CapacityType::kSpot);
  EXPECT_EQ(r.duration, std::chrono::hours{3});
}

TEST(LaunchCheckJsonTest, NumbersAndFractionsAreAccepted) {
  const LaunchCheckRequest r = ParseLaunchCheck(
      R"({"scope": {}, "resources": {"cpu": 0.5, "memory": 1073741824}, "hours": 0.25})");
  EXPECT_EQ(r.resources.cpu_millicores, 500);
  EXPECT_EQ(r.resources.memory_bytes, 1LL << 30);
  EXPECT_EQ(r.duration, std::chrono::minutes{15});
  EXPECT_EQ(r.placement, model::PodPlacement{});
}

TEST(LaunchCheckJsonTest, BadInputNamesTheField) {
  EXPECT_THAT(ErrorOf("{"), StartsWith("check request: malformed JSON"));
  EXPECT_THAT(ErrorOf("[]"), StartsWith("body: expected a JSON object"));
  EXPECT_THAT(ErrorOf(R"({"hours": 1})"), StartsWith("scope: required"));
  EXPECT_THAT(ErrorOf(R"({"scope": {}})"), StartsWith("hours: required"));
  EXPECT_THAT(ErrorOf(R"({"scope": {}, "hours": 0})"), StartsWith("hours: must be greater than 0"));
  EXPECT_THAT(ErrorOf(R"({"scope": {}, "hours": "3"})"), StartsWith("hours: expected a number"));
  EXPECT_THAT(ErrorOf(R"({"scope": {}, "hours": 9000})"), StartsWith("hours: at most"));
  EXPECT_THAT(
      ErrorOf(R"({"scope": {"workgroup": "a"}, "hours": 1})"),
      StartsWith("scope.workgroup: unknown key; allowed: cluster, namespace, team, labels"));
  EXPECT_THAT(ErrorOf(R"({"scope": {"team": ""}, "hours": 1})"),
              StartsWith("scope.team: must not be empty"));
  EXPECT_THAT(ErrorOf(R"({"scope": {}, "hours": 1, "resources": {"memory": "16GB!"}})"),
              StartsWith("resources.memory: "));
  EXPECT_THAT(ErrorOf(R"({"scope": {}, "hours": 1, "resources": {"cpu": "-1"}})"),
              StartsWith("resources.cpu: must not be negative"));
  EXPECT_THAT(ErrorOf(R"({"scope": {}, "hours": 1, "resources": {"gpu": 0.5}})"),
              StartsWith("resources.gpu: expected a whole number"));
  EXPECT_THAT(ErrorOf(R"({"scope": {}, "hours": 1, "resources": {"capacity_type": "cheap"}})"),
              StartsWith("resources.capacity_type: 'cheap' is not one of spot, on-demand"));
  EXPECT_THAT(ErrorOf(R"({"scope": {}, "hours": 1, "resources": {"disk": "1Gi"}})"),
              StartsWith("resources.disk: unknown key"));
  EXPECT_THAT(ErrorOf(R"({"scope": {}, "hours": 1, "gpus": 1})"), StartsWith("gpus: unknown key"));
}

}  // namespace
}  // namespace costledger::sources
