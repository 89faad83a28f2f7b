#include "costledger/sources/kubernetes_parser.hpp"

#include <date/date.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "costledger/model/errors.hpp"
#include "test_data.hpp"

namespace costledger::sources {
namespace {

using std::chrono::sys_seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr std::int64_t kKi = 1024;
constexpr std::int64_t kMi = 1024 * kKi;
constexpr std::int64_t kGi = 1024 * kMi;

// "2024-05-06T00:14:39Z" as sys_seconds, computed without the parser under test.
sys_seconds At(std::string_view iso) {
  const auto field = [&](std::size_t pos, std::size_t len) {
    int value = 0;
    for (std::size_t i = pos; i < pos + len; ++i) value = value * 10 + (iso[i] - '0');
    return value;
  };
  const date::year_month_day day{date::year(field(0, 4)),
                                 date::month(static_cast<unsigned>(field(5, 2))),
                                 date::day(static_cast<unsigned>(field(8, 2)))};
  return sys_seconds{date::sys_days{day}} + std::chrono::hours(field(11, 2)) +
         std::chrono::minutes(field(14, 2)) + std::chrono::seconds(field(17, 2));
}

const std::vector<model::Node>& SampleNodes() {
  static const std::vector<model::Node> kNodes =
      ParseNodeList(costledger::testing::ReadTestData("k8s/nodes.json"));
  return kNodes;
}

const std::vector<model::Pod>& SamplePods() {
  static const std::vector<model::Pod> kPods =
      ParsePodList(costledger::testing::ReadTestData("k8s/pods.json"));
  return kPods;
}

const model::Node& SampleNode(std::string_view name) {
  const auto& nodes = SampleNodes();
  const auto it = std::find_if(nodes.begin(), nodes.end(),
                               [&](const model::Node& n) { return n.name == name; });
  if (it == nodes.end()) throw std::runtime_error("no node " + std::string(name));
  return *it;
}

const model::Pod& SamplePod(std::string_view namespace_name, std::string_view name) {
  const auto& pods = SamplePods();
  const auto it = std::find_if(pods.begin(), pods.end(), [&](const model::Pod& p) {
    return p.namespace_name == namespace_name && p.name == name;
  });
  if (it == pods.end()) throw std::runtime_error("no pod " + std::string(name));
  return *it;
}

std::string NodeList(std::string_view items) {
  return std::string(R"({"kind":"NodeList","apiVersion":"v1","metadata":{},"items":[)") +
         std::string(items) + "]}";
}

std::string PodList(std::string_view items) {
  return std::string(R"({"kind":"PodList","apiVersion":"v1","metadata":{},"items":[)") +
         std::string(items) + "]}";
}

model::Pod ParseOnePod(std::string_view item) {
  std::vector<model::Pod> pods = ParsePodList(PodList(item));
  if (pods.size() != 1) throw std::runtime_error("expected one pod");
  return std::move(pods.front());
}

model::Node ParseOneNode(std::string_view item) {
  std::vector<model::Node> nodes = ParseNodeList(NodeList(item));
  if (nodes.size() != 1) throw std::runtime_error("expected one node");
  return std::move(nodes.front());
}

// A pod named ml/train-0 with one app container "trainer" requesting `resources`.
std::string TrainerPod(std::string_view resources) {
  return std::string(R"({"metadata":{"name":"train-0","namespace":"ml"},"spec":{"containers":[)"
                     R"({"name":"trainer","resources":)") +
         std::string(resources) + "}]}}";
}

// ---- Nodes -----------------------------------------------------------------------------------

TEST(KubernetesParserTest, ParsesEveryNodeOfTheSampleInOrder) {
  std::vector<std::string> names;
  for (const model::Node& n : SampleNodes()) names.push_back(n.name);
  EXPECT_THAT(
      names,
      ElementsAre("ip-10-0-12-34.ec2.internal", "ip-10-0-77-201.ec2.internal",
                  "gke-analytics-spot-pool-7c2f9d1e-x4kq", "gke-analytics-batch-pool-3a8b4c2d-9m7z",
                  "aks-spotpool-28446195-vmss000002", "ip-172-20-41-7.eu-west-1.compute.internal"));
}

TEST(KubernetesParserTest, KarpenterOnDemandNodeHasEveryField) {
  const model::Node& n = SampleNode("ip-10-0-12-34.ec2.internal");
  EXPECT_EQ(n.instance_type, "m5.xlarge");
  EXPECT_EQ(n.zone, "us-east-1a");
  EXPECT_EQ(n.region, "us-east-1");
  EXPECT_EQ(n.capacity_type, model::CapacityType::kOnDemand);
  EXPECT_EQ(n.capacity.cpu_millicores, 4000);
  EXPECT_EQ(n.capacity.memory_bytes, 15896024 * kKi);
  EXPECT_EQ(n.capacity.gpu_devices, 0);
  EXPECT_EQ(n.allocatable.cpu_millicores, 3920);
  EXPECT_EQ(n.allocatable.memory_bytes, 14880216 * kKi);
  EXPECT_EQ(n.allocatable.gpu_devices, 0);
  EXPECT_EQ(n.provider_id, "aws:///us-east-1a/i-0a1b2c3d4e5f60718");
  EXPECT_EQ(n.created, At("2024-05-01T08:15:42Z"));
  EXPECT_EQ(n.labels.size(), 27U);
  EXPECT_EQ(n.labels.at("karpenter.sh/nodepool"), "general");
}

TEST(KubernetesParserTest, EksSpotGpuNodeIsSpotWithItsGpu) {
  const model::Node& n = SampleNode("ip-10-0-77-201.ec2.internal");
  EXPECT_EQ(n.instance_type, "g5.2xlarge");
  EXPECT_EQ(n.zone, "us-east-1b");
  EXPECT_EQ(n.capacity_type, model::CapacityType::kSpot);
  EXPECT_EQ(n.capacity.cpu_millicores, 8000);
  EXPECT_EQ(n.capacity.gpu_devices, 1);
  EXPECT_EQ(n.allocatable.cpu_millicores, 7910);
  EXPECT_EQ(n.allocatable.memory_bytes, 31369712 * kKi);
  EXPECT_EQ(n.allocatable.gpu_devices, 1);
}

TEST(KubernetesParserTest, GkeSpotNodeIsSpot) {
  const model::Node& n = SampleNode("gke-analytics-spot-pool-7c2f9d1e-x4kq");
  EXPECT_EQ(n.capacity_type, model::CapacityType::kSpot);
  EXPECT_EQ(n.instance_type, "e2-standard-4");
  EXPECT_EQ(n.zone, "europe-west1-b");
  EXPECT_EQ(n.region, "europe-west1");
  EXPECT_EQ(n.provider_id,
            "gce://analytics-prod/europe-west1-b/gke-analytics-spot-pool-7c2f9d1e-x4kq");
}

TEST(KubernetesParserTest, GkePreemptibleNodeIsSpot) {
  const model::Node& n = SampleNode("gke-analytics-batch-pool-3a8b4c2d-9m7z");
  EXPECT_EQ(n.capacity_type, model::CapacityType::kSpot);
  EXPECT_EQ(n.instance_type, "n2-standard-8");
}

TEST(KubernetesParserTest, AzureSpotNodeIsSpot) {
  const model::Node& n = SampleNode("aks-spotpool-28446195-vmss000002");
  EXPECT_EQ(n.capacity_type, model::CapacityType::kSpot);
  EXPECT_EQ(n.instance_type, "Standard_D4s_v3");
  EXPECT_EQ(n.zone, "westeurope-2");
  EXPECT_EQ(n.region, "westeurope");
  EXPECT_EQ(n.allocatable.cpu_millicores, 3860);
}

TEST(KubernetesParserTest, BetaLabelsAreUsedWhenStableOnesAreMissing) {
  const model::Node& n = SampleNode("ip-172-20-41-7.eu-west-1.compute.internal");
  EXPECT_EQ(n.instance_type, "m4.large");
  EXPECT_EQ(n.zone, "eu-west-1c");
  EXPECT_EQ(n.region, "eu-west-1");
  EXPECT_EQ(n.capacity_type, model::CapacityType::kOnDemand);
  EXPECT_EQ(n.capacity.cpu_millicores, 2000);
  EXPECT_EQ(n.capacity.memory_bytes, 8167876 * kKi);
}

TEST(KubernetesParserTest, StableLabelsWinOverBetaLabels) {
  const model::Node n = ParseOneNode(R"({"metadata":{"name":"n1","labels":{
      "node.kubernetes.io/instance-type":"m6i.large","beta.kubernetes.io/instance-type":"m5.large",
      "topology.kubernetes.io/zone":"eu-west-1a","failure-domain.beta.kubernetes.io/zone":"eu-west-1b",
      "topology.kubernetes.io/region":"eu-west-1","failure-domain.beta.kubernetes.io/region":"x"}}})");
  EXPECT_EQ(n.instance_type, "m6i.large");
  EXPECT_EQ(n.zone, "eu-west-1a");
  EXPECT_EQ(n.region, "eu-west-1");
}

TEST(KubernetesParserTest, SpotLabelValuesMustMatchExactly) {
  // Values other than each provisioner's own spelling of "spot" leave the node on-demand.
  for (const char* labels : {
           R"({"karpenter.sh/capacity-type":"on-demand"})",
           R"({"karpenter.sh/capacity-type":"SPOT"})",
           R"({"eks.amazonaws.com/capacityType":"ON_DEMAND"})",
           R"({"eks.amazonaws.com/capacityType":"spot"})",
           R"({"cloud.google.com/gke-spot":"false"})",
           R"({"cloud.google.com/gke-preemptible":"false"})",
           R"({"kubernetes.azure.com/scalesetpriority":"regular"})",
           R"({})",
       }) {
    const model::Node n =
        ParseOneNode(std::string(R"({"metadata":{"name":"n1","labels":)") + labels + "}}");
    EXPECT_EQ(n.capacity_type, model::CapacityType::kOnDemand) << labels;
  }
  for (const char* labels : {
           R"({"karpenter.sh/capacity-type":"spot"})",
           R"({"eks.amazonaws.com/capacityType":"SPOT"})",
           R"({"cloud.google.com/gke-spot":"true"})",
           R"({"cloud.google.com/gke-preemptible":"true"})",
           R"({"kubernetes.azure.com/scalesetpriority":"spot"})",
       }) {
    const model::Node n =
        ParseOneNode(std::string(R"({"metadata":{"name":"n1","labels":)") + labels + "}}");
    EXPECT_EQ(n.capacity_type, model::CapacityType::kSpot) << labels;
  }
}

TEST(KubernetesParserTest, NodeWithoutOptionalFieldsGetsDefaults) {
  const model::Node n = ParseOneNode(R"({"metadata":{"name":"bare"}})");
  EXPECT_EQ(n.name, "bare");
  EXPECT_TRUE(n.labels.empty());
  EXPECT_EQ(n.instance_type, "");
  EXPECT_EQ(n.zone, "");
  EXPECT_EQ(n.region, "");
  EXPECT_EQ(n.capacity_type, model::CapacityType::kOnDemand);
  EXPECT_EQ(n.capacity.cpu_millicores, 0);
  EXPECT_EQ(n.allocatable.memory_bytes, 0);
  EXPECT_EQ(n.provider_id, "");
  EXPECT_FALSE(n.created.has_value());
}

// Node groups as each provisioner labels them in the recorded sample (real NodeList output).
TEST(KubernetesParserTest, NodeGroupComesFromTheProvisionersLabel) {
  EXPECT_EQ(SampleNode("ip-10-0-12-34.ec2.internal").node_group, "general");    // Karpenter
  EXPECT_EQ(SampleNode("ip-10-0-77-201.ec2.internal").node_group, "gpu-spot");  // EKS managed
  EXPECT_EQ(SampleNode("gke-analytics-spot-pool-7c2f9d1e-x4kq").node_group, "spot-pool");
  EXPECT_EQ(SampleNode("aks-spotpool-28446195-vmss000002").node_group, "spotpool");
  EXPECT_EQ(SampleNode("ip-172-20-41-7.eu-west-1.compute.internal").node_group, "");
}

TEST(KubernetesParserTest, NodeGroupLabelsInOrderOfPrecedence) {
  const auto group_of = [](std::string_view labels) {
    return ParseOneNode(std::string(R"({"metadata":{"name":"n1","labels":)") + std::string(labels) +
                        "}}")
        .node_group;
  };
  EXPECT_EQ(group_of(R"({"karpenter.sh/provisioner-name":"old-default"})"), "old-default");
  EXPECT_EQ(group_of(R"({"alpha.eksctl.io/nodegroup-name":"ng-1"})"), "ng-1");
  EXPECT_EQ(group_of(R"({"karpenter.sh/nodepool":"batch","karpenter.sh/provisioner-name":"old"})"),
            "batch");
  EXPECT_EQ(
      group_of(R"({"eks.amazonaws.com/nodegroup":"web","alpha.eksctl.io/nodegroup-name":"x"})"),
      "web");
  // An empty label is no name: the next one counts.
  EXPECT_EQ(group_of(R"({"eks.amazonaws.com/nodegroup":"","karpenter.sh/nodepool":"spot"})"),
            "spot");
  EXPECT_EQ(group_of(R"({"node.kubernetes.io/instance-type":"m5.large"})"), "");
}

// ---- Pods: identity, owners, phases ----------------------------------------------------------

TEST(KubernetesParserTest, ParsesEveryPodOfTheSampleInOrder) {
  std::vector<std::string> names;
  for (const model::Pod& p : SamplePods()) names.push_back(p.namespace_name + "/" + p.name);
  EXPECT_THAT(names,
              ElementsAre("web/api-server-7d4b9c8f6d-x8k2p", "data/nightly-etl-28582560-7xkqz",
                          "db/postgres-0", "ml/raycluster-train-gpu-workers-worker-9tq2w",
                          "jupyterhub/jupyter-alice", "billing/invoice-worker-5c8d7f9b6-m4n8q",
                          "shop/checkout-6f9c8d7b5-2kx7w", "ml/train-bert-large-master-0",
                          "data/backfill-orders-2024-04-5bq8n", "monitoring/node-exporter-4xk9d"));
}

TEST(KubernetesParserTest, RunningPodHasItsIdentityTimesAndLabels) {
  const model::Pod& p = SamplePod("web", "api-server-7d4b9c8f6d-x8k2p");
  EXPECT_EQ(p.uid, "8c1f2e3d-4a5b-4c6d-9e7f-0a1b2c3d4e5f");
  EXPECT_EQ(p.node_name, "ip-10-0-12-34.ec2.internal");
  EXPECT_EQ(p.phase, model::PodPhase::kRunning);
  EXPECT_EQ(p.labels.at("team"), "web");
  EXPECT_EQ(p.labels.size(), 4U);
  EXPECT_EQ(p.created, At("2024-05-06T10:21:44Z"));
  EXPECT_EQ(p.started, At("2024-05-06T10:21:44Z"));
  EXPECT_FALSE(p.finished.has_value());
}

TEST(KubernetesParserTest, EverySamplePodCarriesTheTeamLabel) {
  for (const model::Pod& p : SamplePods()) {
    EXPECT_TRUE(p.labels.contains("team")) << p.name;
  }
}

TEST(KubernetesParserTest, DeploymentPodNamesTheDeploymentNotTheReplicaSet) {
  const model::Pod& p = SamplePod("web", "api-server-7d4b9c8f6d-x8k2p");
  EXPECT_EQ(p.controller_kind, "Deployment");
  EXPECT_EQ(p.controller_name, "api-server");
}

TEST(KubernetesParserTest, ReplicaSetWithoutPodTemplateHashStaysReplicaSet) {
  const model::Pod p = ParseOnePod(R"({"metadata":{"name":"rs-abcde","namespace":"ns",
      "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"legacy-rs",
                          "uid":"u","controller":true}]}})");
  EXPECT_EQ(p.controller_kind, "ReplicaSet");
  EXPECT_EQ(p.controller_name, "legacy-rs");
}

TEST(KubernetesParserTest, ReplicaSetNotEndingWithTheHashStaysReplicaSet) {
  for (const char* rs : {"web-abc123", "web-7d4b9c8f6dx", "web7d4b9c8f6d", "-7d4b9c8f6d"}) {
    const model::Pod p = ParseOnePod(std::string(R"({"metadata":{"name":"p","namespace":"ns",
        "labels":{"pod-template-hash":"7d4b9c8f6d"},
        "ownerReferences":[{"kind":"ReplicaSet","name":")") +
                                     rs + R"(","controller":true}]}})");
    EXPECT_EQ(p.controller_kind, "ReplicaSet") << rs;
    EXPECT_EQ(p.controller_name, rs);
  }
}

TEST(KubernetesParserTest, DeploymentNameMayContainDashes) {
  const model::Pod& p = SamplePod("billing", "invoice-worker-5c8d7f9b6-m4n8q");
  EXPECT_EQ(p.controller_kind, "Deployment");
  EXPECT_EQ(p.controller_name, "invoice-worker");
}

TEST(KubernetesParserTest, CronJobPodKeepsItsJob) {
  // The numeric suffix is the schedule time; the CronJob is not guessed from it.
  const model::Pod& p = SamplePod("data", "nightly-etl-28582560-7xkqz");
  EXPECT_EQ(p.controller_kind, "Job");
  EXPECT_EQ(p.controller_name, "nightly-etl-28582560");
}

TEST(KubernetesParserTest, OtherControllersAreReportedAsIs) {
  EXPECT_EQ(SamplePod("db", "postgres-0").controller_kind, "StatefulSet");
  EXPECT_EQ(SamplePod("db", "postgres-0").controller_name, "postgres");
  const model::Pod& ray = SamplePod("ml", "raycluster-train-gpu-workers-worker-9tq2w");
  EXPECT_EQ(ray.controller_kind, "RayCluster");
  EXPECT_EQ(ray.controller_name, "raycluster-train");
  const model::Pod& ds = SamplePod("monitoring", "node-exporter-4xk9d");
  EXPECT_EQ(ds.controller_kind, "DaemonSet");
  EXPECT_EQ(ds.controller_name, "node-exporter");
  const model::Pod& torch = SamplePod("ml", "train-bert-large-master-0");
  EXPECT_EQ(torch.controller_kind, "PyTorchJob");
  EXPECT_EQ(torch.controller_name, "train-bert-large");
}

TEST(KubernetesParserTest, PodWithoutOwnerHasNoController) {
  const model::Pod& p = SamplePod("jupyterhub", "jupyter-alice");
  EXPECT_EQ(p.controller_kind, "");
  EXPECT_EQ(p.controller_name, "");
  EXPECT_EQ(p.labels.at("team"), "research");
  EXPECT_EQ(p.labels.at("hub.jupyter.org/servername"), "");
}

TEST(KubernetesParserTest, PrefersTheOwnerReferenceMarkedController) {
  const model::Pod p = ParseOnePod(R"({"metadata":{"name":"p","namespace":"ns","ownerReferences":[
      {"kind":"ConfigMap","name":"cm","controller":false},
      {"kind":"Node","name":"n1"},
      {"kind":"SparkApplication","name":"daily-report","controller":true}]}})");
  EXPECT_EQ(p.controller_kind, "SparkApplication");
  EXPECT_EQ(p.controller_name, "daily-report");
}

TEST(KubernetesParserTest, FallsBackToTheFirstOwnerReference) {
  const model::Pod p = ParseOnePod(R"({"metadata":{"name":"p","namespace":"ns","ownerReferences":[
      {"kind":"Workflow","name":"wf-1"},{"kind":"Node","name":"n1","controller":false}]}})");
  EXPECT_EQ(p.controller_kind, "Workflow");
  EXPECT_EQ(p.controller_name, "wf-1");
}

TEST(KubernetesParserTest, SucceededPodFinishesAtItsLatestContainerTermination) {
  const model::Pod& p = SamplePod("data", "nightly-etl-28582560-7xkqz");
  EXPECT_EQ(p.phase, model::PodPhase::kSucceeded);
  EXPECT_EQ(p.started, At("2024-05-06T00:00:01Z"));
  // 00:14:37 (etl) and 00:14:39.482 (metrics-push): the latest, fraction truncated.
  EXPECT_EQ(p.finished, At("2024-05-06T00:14:39Z"));
}

TEST(KubernetesParserTest, FailedPodFinishesAtItsContainerTermination) {
  const model::Pod& p = SamplePod("data", "backfill-orders-2024-04-5bq8n");
  EXPECT_EQ(p.phase, model::PodPhase::kFailed);
  EXPECT_EQ(p.controller_kind, "Job");
  EXPECT_EQ(p.finished, At("2024-05-06T07:52:17Z"));
}

TEST(KubernetesParserTest, FinishedIgnoresInitContainerStatuses) {
  const model::Pod p = ParseOnePod(R"({"metadata":{"name":"p","namespace":"ns"},
      "status":{"phase":"Succeeded",
        "initContainerStatuses":[{"name":"i","state":{"terminated":{"finishedAt":"2024-05-06T02:00:00Z"}}}],
        "containerStatuses":[{"name":"a","state":{"terminated":{"finishedAt":"2024-05-06T01:00:00Z"}}}]}})");
  EXPECT_EQ(p.finished, At("2024-05-06T01:00:00Z"));
}

TEST(KubernetesParserTest, FinishedIsOnlySetForSucceededOrFailedPods) {
  // A Running pod whose container restarted is not finished.
  const model::Pod p = ParseOnePod(R"({"metadata":{"name":"p","namespace":"ns"},
      "status":{"phase":"Running",
        "containerStatuses":[{"name":"a","state":{"terminated":{"finishedAt":"2024-05-06T01:00:00Z"}}}]}})");
  EXPECT_FALSE(p.finished.has_value());
}

TEST(KubernetesParserTest, FinishedPodWithoutTerminationTimeHasNone) {
  const model::Pod p = ParseOnePod(R"({"metadata":{"name":"evicted","namespace":"ns"},
      "status":{"phase":"Failed","reason":"Evicted"}})");
  EXPECT_EQ(p.phase, model::PodPhase::kFailed);
  EXPECT_FALSE(p.finished.has_value());
}

TEST(KubernetesParserTest, PendingUnscheduledPodHasNoNode) {
  const model::Pod& p = SamplePod("ml", "train-bert-large-master-0");
  EXPECT_EQ(p.phase, model::PodPhase::kPending);
  EXPECT_EQ(p.node_name, "");
  EXPECT_FALSE(p.started.has_value());
  EXPECT_FALSE(p.finished.has_value());
  EXPECT_EQ(p.effective_requests, (model::ResourceQuantities{32000, 240 * kGi, 8}));
}

TEST(KubernetesParserTest, MapsEveryPhase) {
  const std::array<std::pair<const char*, model::PodPhase>, 6> cases{{
      {"Pending", model::PodPhase::kPending},
      {"Running", model::PodPhase::kRunning},
      {"Succeeded", model::PodPhase::kSucceeded},
      {"Failed", model::PodPhase::kFailed},
      {"Unknown", model::PodPhase::kUnknown},
      {"SomethingNew", model::PodPhase::kUnknown},
  }};
  for (const auto& [phase, expected] : cases) {
    const model::Pod p = ParseOnePod(
        std::string(R"({"metadata":{"name":"p"},"status":{"phase":")") + phase + "\"}}");
    EXPECT_EQ(p.phase, expected) << phase;
  }
}

TEST(KubernetesParserTest, PodWithoutOptionalFieldsGetsDefaults) {
  const model::Pod p = ParseOnePod(R"({"metadata":{"name":"p"}})");
  EXPECT_EQ(p.name, "p");
  EXPECT_EQ(p.namespace_name, "");
  EXPECT_EQ(p.uid, "");
  EXPECT_EQ(p.node_name, "");
  EXPECT_EQ(p.phase, model::PodPhase::kUnknown);
  EXPECT_TRUE(p.labels.empty());
  EXPECT_TRUE(p.containers.empty());
  EXPECT_TRUE(p.init_containers.empty());
  EXPECT_EQ(p.effective_requests, model::ResourceQuantities{});
  EXPECT_FALSE(p.created.has_value());
  EXPECT_FALSE(p.started.has_value());
}

TEST(KubernetesParserTest, NullFieldsCountAsAbsent) {
  const model::Pod p = ParseOnePod(R"({"metadata":{"name":"p","namespace":"ns","labels":null,
      "creationTimestamp":null,"ownerReferences":null},
      "spec":{"nodeName":null,"initContainers":null,"containers":[{"name":"c","resources":null}]},
      "status":null})");
  EXPECT_EQ(p.controller_kind, "");
  ASSERT_EQ(p.containers.size(), 1U);
  EXPECT_EQ(p.containers[0].requests, model::ResourceQuantities{});
}

TEST(KubernetesParserTest, UnknownFieldsAreIgnored) {
  const std::vector<model::Pod> pods = ParsePodList(
      R"({"kind":"PodList","apiVersion":"v1","futureField":{"x":[1,2]},"items":[
          {"metadata":{"name":"p","namespace":"ns","managedFields":[{"manager":"kubectl"}]},
           "spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"1",
               "ephemeral-storage":"1Gi","example.com/fpga":"2"},"claims":[{"name":"gpu"}]}}],
               "resourceClaims":[]},
           "status":{"phase":"Running","resize":"InProgress"}}]})");
  ASSERT_EQ(pods.size(), 1U);
  EXPECT_EQ(pods[0].containers[0].requests, (model::ResourceQuantities{1000, 0, 0}));
}

TEST(KubernetesParserTest, ListWithoutKindOrItemsIsAccepted) {
  EXPECT_EQ(ParsePodList(R"({"items":[{"metadata":{"name":"p"}}]})").size(), 1U);
  EXPECT_TRUE(ParsePodList(R"({"kind":"PodList","apiVersion":"v1","metadata":{}})").empty());
  EXPECT_TRUE(ParsePodList(R"({"kind":"PodList","items":null})").empty());
  EXPECT_TRUE(ParseNodeList(R"({"kind":"NodeList","items":[]})").empty());
}

// ---- Pods: requests and limits ---------------------------------------------------------------

TEST(KubernetesParserTest, ContainersCarryRequestsAndLimits) {
  const model::Pod& p = SamplePod("web", "api-server-7d4b9c8f6d-x8k2p");
  ASSERT_EQ(p.containers.size(), 1U);
  EXPECT_EQ(p.containers[0].name, "api");
  EXPECT_EQ(p.containers[0].requests, (model::ResourceQuantities{250, 512 * kMi, 0}));
  EXPECT_EQ(p.containers[0].limits, (model::ResourceQuantities{1000, kGi, 0}));
  EXPECT_TRUE(p.init_containers.empty());
  EXPECT_EQ(p.effective_requests, (model::ResourceQuantities{250, 512 * kMi, 0}));
}

TEST(KubernetesParserTest, DecimalMemorySuffixesAreBytes) {
  const model::Pod& p = SamplePod("jupyterhub", "jupyter-alice");
  ASSERT_EQ(p.containers.size(), 1U);
  EXPECT_EQ(p.containers[0].requests, (model::ResourceQuantities{500, 1'000'000'000, 0}));
  EXPECT_EQ(p.containers[0].limits, (model::ResourceQuantities{2000, 4'000'000'000, 0}));
}

TEST(KubernetesParserTest, RayWorkerRequestsItsGpu) {
  const model::Pod& p = SamplePod("ml", "raycluster-train-gpu-workers-worker-9tq2w");
  EXPECT_EQ(p.node_name, "ip-10-0-77-201.ec2.internal");
  ASSERT_EQ(p.containers.size(), 1U);
  EXPECT_EQ(p.containers[0].requests, (model::ResourceQuantities{7000, 28 * kGi, 1}));
  EXPECT_EQ(p.containers[0].limits, (model::ResourceQuantities{7000, 28 * kGi, 1}));
  EXPECT_EQ(p.effective_requests, (model::ResourceQuantities{7000, 28 * kGi, 1}));
}

TEST(KubernetesParserTest, MissingRequestDefaultsToTheLimit) {
  const model::Pod& p = SamplePod("monitoring", "node-exporter-4xk9d");
  ASSERT_EQ(p.containers.size(), 2U);
  EXPECT_EQ(p.containers[0].name, "node-exporter");
  EXPECT_EQ(p.containers[0].requests, (model::ResourceQuantities{250, 180 * kMi, 0}));
  EXPECT_EQ(p.containers[0].limits, (model::ResourceQuantities{250, 180 * kMi, 0}));
  // Per resource: an explicit request stays, even below its limit.
  EXPECT_EQ(p.containers[1].requests, (model::ResourceQuantities{10, 20 * kMi, 0}));
  EXPECT_EQ(p.containers[1].limits, (model::ResourceQuantities{0, 40 * kMi, 0}));
  EXPECT_EQ(p.effective_requests, (model::ResourceQuantities{260, 200 * kMi, 0}));
}

TEST(KubernetesParserTest, GpuOnlyInLimitsIsRequested) {
  const model::Pod p = ParseOnePod(TrainerPod(R"({"limits":{"nvidia.com/gpu":"2"},
                                          "requests":{"cpu":"4"}})"));
  EXPECT_EQ(p.containers[0].requests, (model::ResourceQuantities{4000, 0, 2}));
  EXPECT_EQ(p.effective_requests, (model::ResourceQuantities{4000, 0, 2}));
}

TEST(KubernetesParserTest, InitContainerRequestsDefaultToLimitsToo) {
  const model::Pod p = ParseOnePod(R"({"metadata":{"name":"p"},"spec":{
      "initContainers":[{"name":"i","resources":{"limits":{"cpu":"3","memory":"1Gi"}}}],
      "containers":[{"name":"a","resources":{"requests":{"cpu":"1","memory":"2Gi"}}}]}})");
  ASSERT_EQ(p.init_containers.size(), 1U);
  EXPECT_EQ(p.init_containers[0].requests, (model::ResourceQuantities{3000, kGi, 0}));
  EXPECT_EQ(p.effective_requests, (model::ResourceQuantities{3000, 2 * kGi, 0}));
}

TEST(KubernetesParserTest, AppContainerRequestsAreSummed) {
  const model::Pod& p = SamplePod("data", "nightly-etl-28582560-7xkqz");
  ASSERT_EQ(p.containers.size(), 2U);
  EXPECT_EQ(p.effective_requests, (model::ResourceQuantities{2050, 6 * kGi + 64 * kMi, 0}));
}

TEST(KubernetesParserTest, LargestInitContainerSetsTheEffectiveRequestPerResource) {
  // db-migrate: 2 CPU, 256Mi; warm-cache: 500m, 3Gi; app: 500m, 1Gi.
  const model::Pod& p = SamplePod("billing", "invoice-worker-5c8d7f9b6-m4n8q");
  ASSERT_EQ(p.init_containers.size(), 2U);
  EXPECT_EQ(p.init_containers[0].name, "db-migrate");
  EXPECT_EQ(p.init_containers[0].requests, (model::ResourceQuantities{2000, 256 * kMi, 0}));
  EXPECT_EQ(p.init_containers[1].requests, (model::ResourceQuantities{500, 3 * kGi, 0}));
  EXPECT_EQ(p.containers[0].requests, (model::ResourceQuantities{500, kGi, 0}));
  EXPECT_EQ(p.effective_requests, (model::ResourceQuantities{2000, 3 * kGi, 0}));
}

TEST(KubernetesParserTest, InitContainerWithoutRequestsChangesNothing) {
  const model::Pod& p = SamplePod("jupyterhub", "jupyter-alice");
  ASSERT_EQ(p.init_containers.size(), 1U);
  EXPECT_EQ(p.init_containers[0].requests, model::ResourceQuantities{});
  EXPECT_EQ(p.effective_requests, (model::ResourceQuantities{500, 1'000'000'000, 0}));
}

TEST(KubernetesParserTest, SidecarsRunBesideAppContainersAndLaterInitContainers) {
  // log-shipper (sidecar, 100m/128Mi), wait-for-db (init, 1/64Mi), istio-proxy (sidecar,
  // 200m/256Mi); app checkout 500m/512Mi.
  //   running: 500m + 100m + 200m = 800m; 512 + 128 + 256 = 896Mi
  //   wait-for-db with the sidecars started before it: 1 + 100m = 1100m; 64 + 128 = 192Mi
  const model::Pod& p = SamplePod("shop", "checkout-6f9c8d7b5-2kx7w");
  ASSERT_EQ(p.init_containers.size(), 3U);
  EXPECT_EQ(p.init_containers[0].name, "log-shipper");
  EXPECT_EQ(p.init_containers[2].name, "istio-proxy");
  EXPECT_EQ(p.init_containers[2].requests, (model::ResourceQuantities{200, 256 * kMi, 0}));
  EXPECT_EQ(p.init_containers[2].limits, (model::ResourceQuantities{2000, kGi, 0}));
  EXPECT_EQ(p.effective_requests, (model::ResourceQuantities{1100, 896 * kMi, 0}));
}

TEST(KubernetesParserTest, SidecarDeclaredAfterAnInitContainerDoesNotAddToIt) {
  const model::Pod p = ParseOnePod(R"({"metadata":{"name":"p"},"spec":{"initContainers":[
      {"name":"init","resources":{"requests":{"cpu":"2"}}},
      {"name":"sidecar","restartPolicy":"Always","resources":{"requests":{"cpu":"1"}}}],
      "containers":[{"name":"app","resources":{"requests":{"cpu":"500m"}}}]}})");
  EXPECT_EQ(p.effective_requests.cpu_millicores, 2000);  // not 3000
}

TEST(KubernetesParserTest, SidecarsAloneCanSetTheEffectiveRequest) {
  const model::Pod p = ParseOnePod(R"({"metadata":{"name":"p"},"spec":{"initContainers":[
      {"name":"proxy","restartPolicy":"Always","resources":{"requests":{"cpu":"1","memory":"1Gi"}}},
      {"name":"init","restartPolicy":"OnFailure","resources":{"requests":{"cpu":"1500m"}}}],
      "containers":[]}})");
  // init runs beside proxy: 2.5 CPU; afterwards proxy alone: 1 CPU, 1Gi.
  EXPECT_EQ(p.effective_requests, (model::ResourceQuantities{2500, kGi, 0}));
}

TEST(KubernetesParserTest, AcceptsQuantitiesWrittenAsJsonNumbers) {
  const model::Pod p =
      ParseOnePod(TrainerPod(R"({"requests":{"cpu":2,"memory":1e9,"nvidia.com/gpu":1}})"));
  EXPECT_EQ(p.containers[0].requests, (model::ResourceQuantities{2000, 1'000'000'000, 1}));
}

// ---- Errors ----------------------------------------------------------------------------------

TEST(KubernetesParserTest, MalformedJsonNamesThePosition) {
  // The 40th byte, "x", is where the document stops being JSON.
  EXPECT_THAT([] { ParsePodList(R"({"kind":"PodList","items":[{"metadata":x}]})"); },
              ThrowsMessage<InvalidInput>(HasSubstr("PodList: malformed JSON at byte 40")));
  EXPECT_THAT([] { ParsePodList(R"({"kind":"PodList","items":[)"); },
              ThrowsMessage<InvalidInput>(HasSubstr("PodList: malformed JSON at byte")));
  EXPECT_THAT([] { ParseNodeList("not json"); },
              ThrowsMessage<InvalidInput>(HasSubstr("NodeList: malformed JSON at byte")));
  EXPECT_THROW(ParseNodeList(""), InvalidInput);
}

TEST(KubernetesParserTest, NumbersBeyondDoubleAreMalformedJson) {
  // nlohmann reports these as out_of_range, not parse_error; both are InvalidInput here.
  EXPECT_THAT([] { ParsePodList(PodList(R"({"metadata":{"name":"p"},"x":1e400})")); },
              ThrowsMessage<InvalidInput>(HasSubstr("PodList: malformed JSON")));
}

TEST(KubernetesParserTest, WrongKindIsRejected) {
  const std::string nodes = costledger::testing::ReadTestData("k8s/nodes.json");
  EXPECT_THAT([&] { ParsePodList(nodes); },
              ThrowsMessage<InvalidInput>(HasSubstr(R"(expected kind "PodList", got "NodeList")")));
  EXPECT_THAT([] { ParseNodeList(R"({"kind":"Status","status":"Failure","code":403})"); },
              ThrowsMessage<InvalidInput>(HasSubstr(R"(expected kind "NodeList", got "Status")")));
  EXPECT_THROW(ParseNodeList(R"({"kind":7})"), InvalidInput);
}

TEST(KubernetesParserTest, DocumentMustBeAnObjectWithAnItemsArray) {
  EXPECT_THAT([] { ParsePodList("[]"); },
              ThrowsMessage<InvalidInput>(HasSubstr("PodList: expected a JSON object")));
  EXPECT_THAT([] { ParsePodList(R"({"kind":"PodList","items":{}})"); },
              ThrowsMessage<InvalidInput>(HasSubstr("PodList: items: expected an array")));
  EXPECT_THAT(
      [] { ParseNodeList(R"({"items":[{"metadata":{"name":"a"}},42]})"); },
      ThrowsMessage<InvalidInput>(HasSubstr("NodeList items[1]: item: expected an object")));
}

TEST(KubernetesParserTest, ItemWithoutNameIsAnError) {
  EXPECT_THAT(
      [] { ParsePodList(PodList(R"({"metadata":{"name":"a"}},{"metadata":{"namespace":"ns"}})")); },
      ThrowsMessage<InvalidInput>(HasSubstr("PodList items[1]: metadata.name: missing")));
  EXPECT_THAT([] { ParsePodList(PodList(R"({"spec":{}})")); },
              ThrowsMessage<InvalidInput>(HasSubstr("PodList items[0]: metadata.name: missing")));
  EXPECT_THAT([] { ParseNodeList(NodeList(R"({"metadata":{"name":""}})")); },
              ThrowsMessage<InvalidInput>(HasSubstr("NodeList items[0]: metadata.name: missing")));
}

TEST(KubernetesParserTest, BadRequestNamesPodContainerAndField) {
  EXPECT_THAT(
      [] { ParsePodList(PodList(TrainerPod(R"({"requests":{"cpu":"abc"}})"))); },
      ThrowsMessage<InvalidInput>(HasSubstr(
          R"(pod ml/train-0 container "trainer": resources.requests.cpu: invalid quantity "abc")")));
}

TEST(KubernetesParserTest, BadLimitNamesTheField) {
  EXPECT_THAT(
      [] { ParsePodList(PodList(TrainerPod(R"({"limits":{"memory":"1GB"}})"))); },
      ThrowsMessage<InvalidInput>(HasSubstr(
          R"(pod ml/train-0 container "trainer": resources.limits.memory: invalid quantity "1GB")")));
  EXPECT_THAT(
      [] { ParsePodList(PodList(TrainerPod(R"({"limits":{"nvidia.com/gpu":"-1"}})"))); },
      ThrowsMessage<InvalidInput>(HasSubstr(
          R"(container "trainer": resources.limits.nvidia.com/gpu: invalid quantity "-1")")));
}

TEST(KubernetesParserTest, BadInitContainerRequestNamesTheInitContainer) {
  EXPECT_THAT(
      [] {
        ParsePodList(PodList(R"({"metadata":{"name":"train-0","namespace":"ml"},"spec":{
            "initContainers":[{"name":"setup","resources":{"requests":{"memory":"lots"}}}]}})"));
      },
      ThrowsMessage<InvalidInput>(HasSubstr(
          R"(pod ml/train-0 init container "setup": resources.requests.memory: invalid quantity "lots")")));
}

TEST(KubernetesParserTest, QuantityOfTheWrongTypeIsAnError) {
  EXPECT_THAT(
      [] { ParsePodList(PodList(TrainerPod(R"({"requests":{"cpu":true}})"))); },
      ThrowsMessage<InvalidInput>(HasSubstr("resources.requests.cpu: expected a quantity string")));
  EXPECT_THAT([] { ParsePodList(PodList(TrainerPod(R"({"requests":["cpu"]})"))); },
              ThrowsMessage<InvalidInput>(HasSubstr("resources.requests: expected an object")));
}

TEST(KubernetesParserTest, BadNodeQuantityNamesNodeAndField) {
  EXPECT_THAT(
      [] {
        ParseNodeList(NodeList(R"({"metadata":{"name":"n1"},
                                   "status":{"capacity":{"cpu":"4","memory":"12XB"}}})"));
      },
      ThrowsMessage<InvalidInput>(
          HasSubstr(R"(node n1: status.capacity.memory: invalid quantity "12XB")")));
  EXPECT_THAT(
      [] {
        ParseNodeList(NodeList(R"({"metadata":{"name":"n1"},
                                   "status":{"allocatable":{"nvidia.com/gpu":"x"}}})"));
      },
      ThrowsMessage<InvalidInput>(
          HasSubstr(R"(node n1: status.allocatable.nvidia.com/gpu: invalid quantity "x")")));
}

TEST(KubernetesParserTest, BadTimestampNamesItemAndField) {
  EXPECT_THAT(
      [] {
        ParsePodList(PodList(R"({"metadata":{"name":"p","namespace":"ns",
                                             "creationTimestamp":"yesterday"}})"));
      },
      ThrowsMessage<InvalidInput>(
          HasSubstr(R"(pod ns/p: metadata.creationTimestamp: invalid timestamp "yesterday")")));
  EXPECT_THAT(
      [] {
        ParsePodList(PodList(R"({"metadata":{"name":"p","namespace":"ns"},"status":{
            "phase":"Failed","containerStatuses":[{"name":"a","state":{"terminated":
            {"finishedAt":"2024-13-01T00:00:00Z"}}}]}})"));
      },
      ThrowsMessage<InvalidInput>(HasSubstr(
          "pod ns/p: status.containerStatuses[0].state.terminated.finishedAt: invalid timestamp")));
  EXPECT_THAT(
      [] {
        ParseNodeList(NodeList(R"({"metadata":{"name":"n1","creationTimestamp":1714550400}})"));
      },
      ThrowsMessage<InvalidInput>(
          HasSubstr("node n1: metadata.creationTimestamp: expected a string")));
}

TEST(KubernetesParserTest, FieldsOfTheWrongTypeAreErrorsNotCrashes) {
  EXPECT_THAT(
      [] { ParsePodList(PodList(R"({"metadata":{"name":"p","namespace":"ns","labels":[]}})")); },
      ThrowsMessage<InvalidInput>(HasSubstr("pod ns/p: metadata.labels: expected an object")));
  EXPECT_THAT(
      [] {
        ParsePodList(PodList(R"({"metadata":{"name":"p","namespace":"ns","labels":{"team":7}}})"));
      },
      ThrowsMessage<InvalidInput>(
          HasSubstr(R"(pod ns/p: metadata.labels["team"]: expected a string)")));
  EXPECT_THAT(
      [] { ParsePodList(PodList(R"({"metadata":{"name":42}})")); },
      ThrowsMessage<InvalidInput>(HasSubstr("PodList items[0]: metadata.name: expected a string")));
  EXPECT_THAT(
      [] { ParsePodList(PodList(R"({"metadata":{"name":"p"},"spec":{"containers":{}}})")); },
      ThrowsMessage<InvalidInput>(HasSubstr("pod p: spec.containers: expected an array")));
  EXPECT_THAT(
      [] { ParseNodeList(NodeList(R"({"metadata":{"name":"n1"},"spec":{"providerID":1}})")); },
      ThrowsMessage<InvalidInput>(HasSubstr("node n1: spec.providerID: expected a string")));
  EXPECT_THAT([] { ParsePodList(PodList(R"({"metadata":{"name":"p"},"status":{"phase":1}})")); },
              ThrowsMessage<InvalidInput>(HasSubstr("pod p: status.phase: expected a string")));
}

TEST(KubernetesParserTest, ContainerWithoutNameIsAnError) {
  EXPECT_THAT(
      [] {
        ParsePodList(PodList(R"({"metadata":{"name":"p","namespace":"ns"},
                                 "spec":{"containers":[{"name":"a"},{"image":"x"}]}})"));
      },
      ThrowsMessage<InvalidInput>(HasSubstr("pod ns/p: spec.containers[1].name: missing")));
  EXPECT_THAT(
      [] {
        ParsePodList(PodList(R"({"metadata":{"name":"p","namespace":"ns"},
                                 "spec":{"initContainers":["x"]}})"));
      },
      ThrowsMessage<InvalidInput>(
          HasSubstr("pod ns/p: spec.initContainers[0]: expected an object")));
}

TEST(KubernetesParserTest, OwnerReferenceWithoutKindOrNameIsAnError) {
  EXPECT_THAT(
      [] {
        ParsePodList(PodList(R"({"metadata":{"name":"p","namespace":"ns",
            "ownerReferences":[{"name":"x","controller":true}]}})"));
      },
      ThrowsMessage<InvalidInput>(
          HasSubstr("pod ns/p: metadata.ownerReferences[0].kind: missing")));
  EXPECT_THAT(
      [] {
        ParsePodList(PodList(R"({"metadata":{"name":"p","namespace":"ns",
            "ownerReferences":[{"kind":"Job","name":"j"},{"kind":"Job","controller":"yes"}]}})"));
      },
      ThrowsMessage<InvalidInput>(
          HasSubstr("pod ns/p: metadata.ownerReferences[1].controller: expected a boolean")));
}

TEST(KubernetesParserTest, RequestSumsThatOverflowAreErrors) {
  EXPECT_THAT(
      [] {
        ParsePodList(PodList(R"({"metadata":{"name":"p","namespace":"ns"},"spec":{"containers":[
            {"name":"a","resources":{"requests":{"memory":"7Ei"}}},
            {"name":"b","resources":{"requests":{"memory":"7Ei"}}}]}})"));
      },
      ThrowsMessage<InvalidInput>(
          HasSubstr("pod ns/p: spec: sum of resource requests out of range")));
}

TEST(KubernetesParserTest, OneBadPodFailsTheWholeList) {
  // Never silently drop an item: a partial list would under-count costs.
  EXPECT_THROW(ParsePodList(PodList(std::string(R"({"metadata":{"name":"ok"}},)") +
                                    TrainerPod(R"({"requests":{"cpu":"abc"}})"))),
               InvalidInput);
}

// ---- Streaming: field order, chunked lists ---------------------------------------------------

TEST(KubernetesParserTest, FieldsMayComeInAnyOrder) {
  // The API server writes metadata first and a container's name before its resources; a
  // document that does not is read the same, and its errors still name pod and container.
  const model::Pod p = ParseOnePod(R"({"status":{"phase":"Running"},"spec":{"containers":[
      {"resources":{"requests":{"cpu":"2"}},"name":"app"}],"nodeName":"n1"},
      "metadata":{"labels":{"team":"a"},"namespace":"ns","name":"p"}})");
  EXPECT_EQ(p.name, "p");
  EXPECT_EQ(p.namespace_name, "ns");
  EXPECT_EQ(p.phase, model::PodPhase::kRunning);
  ASSERT_EQ(p.containers.size(), 1U);
  EXPECT_EQ(p.containers[0].name, "app");
  EXPECT_EQ(p.containers[0].requests.cpu_millicores, 2000);
  EXPECT_THAT(
      [] {
        ParsePodList(PodList(R"({"spec":{"containers":[{"resources":{"requests":{"cpu":"x"}},
            "name":"app"}]},"metadata":{"namespace":"ns","name":"p"}})"));
      },
      ThrowsMessage<InvalidInput>(
          HasSubstr(R"(pod ns/p container "app": resources.requests.cpu: invalid quantity "x")")));
}

TEST(KubernetesParserTest, KindIsCheckedEvenWhenItFollowsTheItems) {
  EXPECT_THAT([] { ParsePodList(R"({"items":[{"spec":{}}],"kind":"NodeList"})"); },
              ThrowsMessage<InvalidInput>(HasSubstr(R"(expected kind "PodList", got "NodeList")")));
  EXPECT_THAT([] { ParsePodList(R"({"items":[{"spec":{}}]})"); },
              ThrowsMessage<InvalidInput>(HasSubstr("PodList items[0]: metadata.name: missing")));
}

TEST(KubernetesParserTest, ChunkGivesTheListMetadata) {
  std::vector<model::Pod> pods;
  const ListMetadata meta = ParsePodListChunk(
      R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"4711",
          "continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":1234},
          "items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]})",
      pods);
  EXPECT_EQ(meta.resource_version, "4711");
  EXPECT_EQ(meta.continue_token, "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ");
  EXPECT_EQ(meta.remaining_item_count, 1234);
  ASSERT_EQ(pods.size(), 2U);

  // The last chunk, and an unchunked list, have no continue token.
  const ListMetadata last =
      ParsePodListChunk(R"({"kind":"PodList","metadata":{"resourceVersion":"4711"},
                            "items":[{"metadata":{"name":"c"}}]})",
                        pods);
  EXPECT_TRUE(last.continue_token.empty());
  EXPECT_FALSE(last.remaining_item_count.has_value());
  EXPECT_EQ(pods.size(), 3U);
  EXPECT_EQ(pods.back().name, "c");
  std::vector<model::Node> nodes;
  EXPECT_TRUE(ParseNodeListChunk(costledger::testing::ReadTestData("k8s/nodes.json"), nodes)
                  .continue_token.empty());
  EXPECT_EQ(nodes.size(), SampleNodes().size());
}

TEST(KubernetesParserTest, ChunksAppendAndErrorsIndexTheWholeList) {
  std::vector<model::Node> nodes;
  ParseNodeListChunk(NodeList(R"({"metadata":{"name":"n0"}},{"metadata":{"name":"n1"}})"), nodes);
  EXPECT_THAT([&] { ParseNodeListChunk(NodeList(R"({"metadata":{"name":"n2"}},{})"), nodes); },
              ThrowsMessage<InvalidInput>(HasSubstr("NodeList items[3]: metadata.name: missing")));
  // A failed chunk adds nothing.
  ASSERT_EQ(nodes.size(), 2U);
  EXPECT_EQ(nodes[1].name, "n1");
}

TEST(KubernetesParserTest, ContinueTokenOfTheWrongTypeIsAnError) {
  std::vector<model::Pod> pods;
  EXPECT_THAT(
      [&] { ParsePodListChunk(R"({"kind":"PodList","metadata":{"continue":7}})", pods); },
      ThrowsMessage<InvalidInput>(HasSubstr("PodList: metadata.continue: expected a string")));
}

}  // namespace
}  // namespace costledger::sources
