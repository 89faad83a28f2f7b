#include "costledger/model/interval_attribution.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace costledger::model {
namespace {

using std::chrono::seconds;
constexpr std::int64_t kGiB = std::int64_t{1} << 30;
const std::chrono::sys_seconds kStart{seconds{1'763'287'200}};

Node MakeNode(const char* name, model::CapacityType type) {
  Node n;
  n.name = name;
  n.instance_type = "m5.xlarge";
  n.zone = "us-east-1a";
  n.capacity_type = type;
  n.capacity = {4000, 16 * kGiB, 0};
  return n;
}

Pod MakePod(const char* name, const char* node, PodPhase phase, std::int64_t cpu_m,
            std::int64_t mem) {
  Pod p;
  p.namespace_name = "ns";
  p.name = name;
  p.node_name = node;
  p.phase = phase;
  p.labels["team"] = "alpha";
  p.controller_kind = "Deployment";
  p.controller_name = "web";
  Container c;
  c.name = "app";
  c.requests = {cpu_m, mem, 0};
  p.containers.push_back(c);
  p.effective_requests = c.requests;
  return p;
}

class IntervalAttributionTest : public ::testing::Test {
 protected:
  IntervalAttributionTest() {
    prices_.SetOnDemand("m5.xlarge", {model::Money::ParseDollars("0.192")});
    settings_.cluster = "prod";
  }
  model::PriceBook prices_;
  IntervalSettings settings_;
  UsageIndex usage_;
};

TEST_F(IntervalAttributionTest, RowsCarryEveryLabelAndSumToNodeCost) {
  std::vector<Node> nodes{MakeNode("n1", model::CapacityType::kOnDemand)};
  nodes[0].node_group = "general-on-demand";
  const std::vector<Pod> pods{MakePod("web-1", "n1", PodPhase::kRunning, 1000, 4 * kGiB)};
  usage_.Set(UsageIndex::Key("ns", "web-1", "app"), {1500, kGiB, std::nullopt});
  const IntervalCosts out =
      AttributeInterval(kStart, seconds(60), nodes, pods, usage_, prices_, settings_);
  ASSERT_EQ(out.containers.size(), 1U);
  const ContainerCostRow& row = out.containers[0];
  EXPECT_EQ(row.labels.cluster, "prod");
  EXPECT_EQ(row.labels.node, "n1");
  EXPECT_EQ(row.labels.namespace_name, "ns");
  EXPECT_EQ(row.labels.controller_kind, "Deployment");
  EXPECT_EQ(row.labels.controller, "web");
  EXPECT_EQ(row.labels.pod, "web-1");
  EXPECT_EQ(row.labels.container, "app");
  EXPECT_EQ(row.labels.team, "alpha");
  EXPECT_EQ(row.labels.capacity_type, "on-demand");
  EXPECT_EQ(row.labels.instance_type, "m5.xlarge");
  EXPECT_EQ(row.labels.platform, "kubernetes");
  EXPECT_EQ(row.labels.workload, "Deployment:web");
  EXPECT_TRUE(row.usage_observed);
  EXPECT_EQ(row.demand.CpuAllocationMillicores(), 1500);  // usage above request
  EXPECT_EQ(out.TotalCost().nanos(), 3'200'000);
  EXPECT_EQ(row.cost.Total() + out.IdleCost(), out.TotalCost());
  ASSERT_EQ(out.nodes.size(), 1U);
  EXPECT_EQ(out.nodes[0].node_group, "general-on-demand");  // the node's, for the node rows
}

// Every row of a pod, the init-container reservation's too, carries the workload NameWorkload
// names from the pod's labels; pods on one node are named each by their own.
TEST_F(IntervalAttributionTest, RowsCarryTheWorkloadTheirPodIsNamedBy) {
  const std::vector<Node> nodes{MakeNode("n1", model::CapacityType::kOnDemand)};
  Pod notebook = MakePod("jupyter-alice", "n1", PodPhase::kRunning, 500, kGiB);
  notebook.controller_kind.clear();
  notebook.controller_name.clear();
  notebook.labels["component"] = "singleuser-server";
  notebook.labels["hub.jupyter.org/username"] = "alice";
  notebook.init_containers.push_back({"block-cloud-metadata", {1000, kGiB, 0}, {}});
  notebook.effective_requests = {1000, kGiB, 0};
  Pod driver = MakePod("etl-driver", "n1", PodPhase::kRunning, 500, kGiB);
  driver.controller_kind = "SparkApplication";
  driver.controller_name = "etl-1763287200";
  driver.labels["spark-app-name"] = "etl";
  driver.labels["spark-role"] = "driver";
  driver.containers.push_back({"sidecar", {100, kGiB, 0}, {}});
  Pod task = MakePod("load-task", "n1", PodPhase::kRunning, 500, kGiB);
  task.controller_kind.clear();
  task.controller_name.clear();
  task.labels["dag_id"] = "etl";
  task.labels["task_id"] = "load";
  const std::vector<Pod> pods{notebook, driver, task};
  const IntervalCosts out =
      AttributeInterval(kStart, seconds(60), nodes, pods, usage_, prices_, settings_);
  std::vector<std::string> named;
  for (const ContainerCostRow& row : out.containers) {
    named.push_back(row.labels.pod.str() + " " + row.labels.container.str() + " " +
                    row.labels.platform.str() + " " + row.labels.workload.str());
  }
  EXPECT_EQ(named, (std::vector<std::string>{
                       "jupyter-alice app jupyterhub notebook:alice",
                       "jupyter-alice block-cloud-metadata jupyterhub notebook:alice",
                       "etl-driver app spark spark:etl",
                       "etl-driver sidecar spark spark:etl",
                       "load-task app airflow dag:etl/load",
                   }));
}

TEST_F(IntervalAttributionTest, FinishedPodsCostNothingAfterTheyEnd) {
  const std::vector<Node> nodes{MakeNode("n1", model::CapacityType::kOnDemand)};
  Pod done_before = MakePod("job-a", "n1", PodPhase::kSucceeded, 1000, kGiB);
  done_before.finished = kStart - seconds(1);
  Pod done_during = MakePod("job-b", "n1", PodPhase::kFailed, 1000, kGiB);
  done_during.finished = kStart + seconds(30);
  const Pod unscheduled = MakePod("pending", "", PodPhase::kPending, 1000, kGiB);
  const Pod bound_pending = MakePod("pulling", "n1", PodPhase::kPending, 1000, kGiB);
  const std::vector<Pod> pods{done_before, done_during, unscheduled, bound_pending};
  const IntervalCosts out =
      AttributeInterval(kStart, seconds(60), nodes, pods, usage_, prices_, settings_);
  std::vector<std::string> charged;
  for (const auto& r : out.containers) charged.push_back(r.labels.pod);
  EXPECT_EQ(charged, (std::vector<std::string>{"job-b", "pulling"}));
}

TEST_F(IntervalAttributionTest, InitContainerReservationIsChargedToTheInitContainer) {
  const std::vector<Node> nodes{MakeNode("n1", model::CapacityType::kOnDemand)};
  Pod p = MakePod("migrate", "n1", PodPhase::kRunning, 100, kGiB);
  Container init;
  init.name = "schema-migration";
  init.requests = {2000, 2 * kGiB, 0};
  p.init_containers.push_back(init);
  p.effective_requests = {2000, 2 * kGiB, 0};
  const IntervalCosts out = AttributeInterval(kStart, seconds(60), nodes, std::vector<Pod>{p},
                                              usage_, prices_, settings_);
  ASSERT_EQ(out.containers.size(), 2U);
  EXPECT_EQ(out.containers[1].labels.container, "schema-migration");
  EXPECT_EQ(out.containers[1].demand.cpu_request_millicores, 1900);
  EXPECT_EQ(out.containers[1].demand.memory_request_bytes, kGiB);
  EXPECT_FALSE(out.containers[1].usage_observed);
}

TEST_F(IntervalAttributionTest, UnpricedNodesAndOrphanPodsAreReportedNotHidden) {
  Node unknown = MakeNode("n2", model::CapacityType::kOnDemand);
  unknown.instance_type = "x9.mystery";
  const std::vector<Node> nodes{unknown};
  // Orphans on several missing nodes: one warning per node, in node order.
  const std::vector<Pod> pods{MakePod("p", "gone-node", PodPhase::kRunning, 100, kGiB),
                              MakePod("q", "zz-node", PodPhase::kRunning, 100, kGiB),
                              MakePod("r", "aa-node", PodPhase::kRunning, 100, kGiB),
                              MakePod("s", "gone-node", PodPhase::kRunning, 100, kGiB)};
  const IntervalCosts out =
      AttributeInterval(kStart, seconds(60), nodes, pods, usage_, prices_, settings_);
  ASSERT_EQ(out.warnings.size(), 4U);
  EXPECT_NE(out.warnings[0].find("x9.mystery"), std::string::npos);
  EXPECT_EQ(out.warnings[1].rfind("1 pod(s) bound to node aa-node ", 0), 0U) << out.warnings[1];
  EXPECT_EQ(out.warnings[2].rfind("2 pod(s) bound to node gone-node ", 0), 0U) << out.warnings[2];
  EXPECT_EQ(out.warnings[3].rfind("1 pod(s) bound to node zz-node ", 0), 0U) << out.warnings[3];
  EXPECT_EQ(out.TotalCost().nanos(), 0);
}

TEST_F(IntervalAttributionTest, SpotNodeWithoutSpotPriceSaysItFellBack) {
  const std::vector<Node> nodes{MakeNode("n1", model::CapacityType::kSpot)};
  const IntervalCosts out =
      AttributeInterval(kStart, seconds(60), nodes, {}, usage_, prices_, settings_);
  EXPECT_EQ(out.nodes[0].price.source, model::PriceSource::kOnDemandSpotFallback);
  ASSERT_EQ(out.warnings.size(), 1U);
  EXPECT_NE(out.warnings[0].find("on-demand price used"), std::string::npos);
  EXPECT_EQ(out.IdleCost(), out.TotalCost());
}

}  // namespace
}  // namespace costledger::model
