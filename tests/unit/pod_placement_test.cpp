#include "costledger/model/pod_placement.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace costledger::model {
namespace {

NodeSelectorRequirement In(std::string key, std::vector<std::string> values) {
  return {std::move(key), "In", std::move(values)};
}

TEST(PodPlacementTest, NothingSaidLeavesBothOpen) {
  EXPECT_EQ(PlacementOf({}, {}), PodPlacement{});
}

TEST(PodPlacementTest, NodeSelectorNamesInstanceAndCapacityType) {
  const Labels selector{{"node.kubernetes.io/instance-type", "g5.xlarge"},
                        {"karpenter.sh/capacity-type", "spot"}};
  const PodPlacement expected{"g5.xlarge", CapacityType::kSpot};
  EXPECT_EQ(PlacementOf(selector, {}), expected);
}

TEST(PodPlacementTest, EveryProvisionersCapacityLabelIsRead) {
  const std::vector<std::pair<Labels, CapacityType>> cases{
      {{{"karpenter.sh/capacity-type", "on-demand"}}, CapacityType::kOnDemand},
      {{{"eks.amazonaws.com/capacityType", "SPOT"}}, CapacityType::kSpot},
      {{{"eks.amazonaws.com/capacityType", "ON_DEMAND"}}, CapacityType::kOnDemand},
      {{{"cloud.google.com/gke-spot", "true"}}, CapacityType::kSpot},
      {{{"cloud.google.com/gke-preemptible", "true"}}, CapacityType::kSpot},
      {{{"kubernetes.azure.com/scalesetpriority", "spot"}}, CapacityType::kSpot},
      {{{"kubernetes.azure.com/scalesetpriority", "regular"}}, CapacityType::kOnDemand},
  };
  for (const auto& [selector, type] : cases) {
    EXPECT_EQ(PlacementOf(selector, {}).capacity_type, type) << selector.begin()->first;
  }
}

TEST(PodPlacementTest, UnknownCapacityValueLeavesItOpen) {
  EXPECT_FALSE(PlacementOf({{"karpenter.sh/capacity-type", "reserved"}}, {}).capacity_type);
}

TEST(PodPlacementTest, BetaInstanceTypeLabelIsRead) {
  EXPECT_EQ(PlacementOf({{"beta.kubernetes.io/instance-type", "m5.large"}}, {}).instance_type,
            "m5.large");
}

TEST(PodPlacementTest, AffinityTermWithOneValuePins) {
  const std::vector<NodeSelectorTerm> terms{
      {In("node.kubernetes.io/instance-type", {"p4d.24xlarge"}),
       In("karpenter.sh/capacity-type", {"on-demand"})}};
  const PodPlacement expected{"p4d.24xlarge", CapacityType::kOnDemand};
  EXPECT_EQ(PlacementOf({}, terms), expected);
}

TEST(PodPlacementTest, AffinityWithSeveralValuesLeavesItOpen) {
  const std::vector<NodeSelectorTerm> terms{
      {In("node.kubernetes.io/instance-type", {"g5.xlarge", "g5.2xlarge"}),
       In("karpenter.sh/capacity-type", {"spot", "on-demand"})}};
  EXPECT_EQ(PlacementOf({}, terms), PodPlacement{});
}

TEST(PodPlacementTest, NotInTheOtherCapacityTypePins) {
  const std::vector<NodeSelectorTerm> terms{{{"karpenter.sh/capacity-type", "NotIn", {"spot"}}}};
  EXPECT_EQ(PlacementOf({}, terms).capacity_type, CapacityType::kOnDemand);
}

TEST(PodPlacementTest, TermsMustAgreeSinceTheyAreAlternatives) {
  const std::vector<NodeSelectorTerm> agree{{In("karpenter.sh/capacity-type", {"spot"})},
                                            {In("eks.amazonaws.com/capacityType", {"SPOT"})}};
  EXPECT_EQ(PlacementOf({}, agree).capacity_type, CapacityType::kSpot);
  const std::vector<NodeSelectorTerm> differ{{In("karpenter.sh/capacity-type", {"spot"})},
                                             {In("karpenter.sh/capacity-type", {"on-demand"})}};
  EXPECT_FALSE(PlacementOf({}, differ).capacity_type);
  const std::vector<NodeSelectorTerm> one_open{{In("karpenter.sh/capacity-type", {"spot"})},
                                               {In("topology.kubernetes.io/zone", {"eu-west-1a"})}};
  EXPECT_FALSE(PlacementOf({}, one_open).capacity_type);
}

TEST(PodPlacementTest, NodeSelectorWinsOverAffinity) {
  const std::vector<NodeSelectorTerm> terms{{In("node.kubernetes.io/instance-type", {"m5.large"})}};
  EXPECT_EQ(PlacementOf({{"node.kubernetes.io/instance-type", "c5.large"}}, terms).instance_type,
            "c5.large");
}

TEST(PodPlacementTest, OtherOperatorsAreIgnored) {
  const std::vector<NodeSelectorTerm> terms{{{"node.kubernetes.io/instance-type", "Exists", {}},
                                             {"karpenter.sh/capacity-type", "Gt", {"1"}}}};
  EXPECT_EQ(PlacementOf({}, terms), PodPlacement{});
}

}  // namespace
}  // namespace costledger::model
