// A pod's controller (ControllerOf) and back to the owner reference it carries
// (OwnerReferenceOf), for the owners kube-state-metrics exposes.

#include "costledger/model/kubernetes_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace costledger::model {
namespace {

TEST(KubernetesRulesTest, DeploymentPodsAreOwnedByTheirReplicaSet) {
  const Labels labels{{"app", "web"}, {"pod-template-hash", "7d9f8c6b5"}};
  const ControllerRef controller = ControllerOf("ReplicaSet", "web-7d9f8c6b5", labels);
  EXPECT_EQ(controller.kind, "Deployment");
  EXPECT_EQ(controller.name, "web");
  const ControllerRef owner = OwnerReferenceOf(controller, labels);
  EXPECT_EQ(owner.kind, "ReplicaSet");
  EXPECT_EQ(owner.name, "web-7d9f8c6b5");
}

TEST(KubernetesRulesTest, OtherOwnersAreTheirOwnReference) {
  const Labels none;
  for (const auto& [kind, name] :
       std::vector<std::pair<std::string, std::string>>{{"StatefulSet", "postgres"},
                                                        {"DaemonSet", "node-exporter"},
                                                        {"Job", "etl-28374655"},
                                                        {"SparkApplication", "nightly-join"},
                                                        {"Pod", "nightly-join-driver"},
                                                        {"", ""}}) {
    const ControllerRef controller = ControllerOf(kind, name, none);
    const ControllerRef owner = OwnerReferenceOf(controller, none);
    EXPECT_EQ(owner.kind, kind);
    EXPECT_EQ(owner.name, name);
  }
}

TEST(KubernetesRulesTest, AReplicaSetNotNamedForADeploymentStaysOne) {
  // The hash label does not end the name: made by hand (or by another controller).
  const Labels labels{{"pod-template-hash", "abc12"}};
  const ControllerRef controller = ControllerOf("ReplicaSet", "batch-runner", labels);
  EXPECT_EQ(controller.kind, "ReplicaSet");
  const ControllerRef owner = OwnerReferenceOf(controller, labels);
  EXPECT_EQ(owner.kind, "ReplicaSet");
  EXPECT_EQ(owner.name, "batch-runner");
}

TEST(KubernetesRulesTest, ADeploymentWithoutTheHashLabelIsKept) {
  // Not from ControllerOf (it needs the label), but never a ReplicaSet named "web-".
  const ControllerRef owner = OwnerReferenceOf({"Deployment", "web"}, Labels{});
  EXPECT_EQ(owner.kind, "Deployment");
  EXPECT_EQ(owner.name, "web");
}

}  // namespace
}  // namespace costledger::model
