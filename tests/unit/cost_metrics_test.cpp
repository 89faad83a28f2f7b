#include "costledger/api/cost_metrics.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "costledger/model/cluster_inventory.hpp"
#include "costledger/model/volume_attribution.hpp"
#include "costledger/sources/prometheus_text.hpp"

namespace costledger::api {
namespace {

using model::ContainerCostRow;
using model::IntervalBatch;
using model::Money;
using model::NodeCostRow;
using model::PricedQuery;
using model::TickReport;
using sources::PromSample;
using std::chrono::seconds;
using LabelMap = std::map<std::string, std::string>;

constexpr std::int64_t kGiB = std::int64_t{1} << 30;
const std::chrono::sys_seconds kStart{seconds{1'763'287'200}};

NodeCostRow MakeNode(const std::string& name, const std::string& instance_type,
                     const std::string& zone, model::CapacityType type, std::int64_t gpus,
                     const char* price_per_hour) {
  NodeCostRow n;
  n.node = name;
  n.instance_type = instance_type;
  n.zone = zone;
  n.capacity_type = type;
  n.capacity = {4000, 16 * kGiB, gpus};
  n.price = {{Money::ParseDollars(price_per_hour)}, model::PriceSource::kOnDemand};
  n.unit_prices = {0.0316, 0.0042, gpus > 0 ? 0.95 : 0.0};
  return n;
}

ContainerCostRow MakeContainer(const std::string& ns, const std::string& pod,
                               const std::string& container, const std::string& node,
                               const std::string& team, model::ContainerDemand demand,
                               model::ResourceCosts cost) {
  ContainerCostRow row;
  row.labels.cluster = "prod";
  row.labels.namespace_name = ns;
  row.labels.pod = pod;
  row.labels.container = container;
  row.labels.node = node;
  row.labels.team = team;
  row.demand = demand;
  row.cost = cost;
  return row;
}

PricedQuery MakeQuery(const std::string& id, const std::string& workgroup, const std::string& team,
                      model::QueryState state, std::int64_t cost_nanos) {
  PricedQuery q;
  q.execution.query_execution_id = id;
  q.execution.work_group = workgroup;
  q.execution.state = state;
  q.team = team;
  q.cost = Money::FromNanos(cost_nanos);
  return q;
}

// Two nodes (one on-demand CPU node, one spot GPU node) and three containers.
IntervalBatch TwoNodeBatch(std::chrono::sys_seconds start = kStart) {
  IntervalBatch batch;
  batch.cluster = "prod";
  batch.costs.start = start;
  batch.costs.length = seconds(60);
  NodeCostRow cpu = MakeNode("ip-10-0-1-1", "m5.xlarge", "us-east-1a",
                             model::CapacityType::kOnDemand, 0, "0.192");
  cpu.attribution.idle = {1'000, 2'000, 0};
  NodeCostRow gpu =
      MakeNode("gpu-1", "g5.xlarge", "us-east-1b", model::CapacityType::kSpot, 1, "0.4");
  gpu.attribution.idle = {500, 0, 100};
  batch.costs.nodes = {cpu, gpu};
  batch.costs.containers = {
      // CPU usage above request, memory usage below: allocation is the max of each.
      MakeContainer("web", "web-1", "app", "ip-10-0-1-1", "alpha",
                    {.cpu_request_millicores = 500,
                     .cpu_usage_millicores = 750,
                     .memory_request_bytes = kGiB,
                     .memory_usage_bytes = kGiB / 2},
                    {100'000'000, 0, 0}),
      MakeContainer(
          "web", "web-2", "app", "ip-10-0-1-1", "alpha",
          {.cpu_request_millicores = 250, .memory_request_bytes = std::int64_t{512} * 1024 * 1024},
          {0, 50'000'000, 0}),
      MakeContainer("ml", "train-0", "trainer", "gpu-1", "beta",
                    {.cpu_request_millicores = 2000,
                     .cpu_usage_millicores = 1000,
                     .memory_request_bytes = 4 * kGiB,
                     .memory_usage_bytes = 6 * kGiB,
                     .gpu_devices = 1},
                    {1, 2, 3}),
  };
  return batch;
}

TickReport MakeTick(IntervalBatch batch, bool attributed = true) {
  TickReport tick;
  tick.interval_start = batch.costs.start;
  tick.attributed = attributed;
  tick.duration = std::chrono::milliseconds(1500);
  tick.spool_depth = 0;
  tick.database_available = true;
  tick.batch = std::make_shared<const IntervalBatch>(std::move(batch));
  tick.statuses = {{"nodes", "", {}}, {"pods", "", {}}};
  return tick;
}

LabelMap LabelsOf(const PromSample& s) { return {s.labels.begin(), s.labels.end()}; }

class CostMetricsTest : public ::testing::Test {
 protected:
  std::vector<PromSample> Scrape() {
    text_ = metrics_.Serialize();
    return sources::ParsePrometheusText(text_);
  }

  // Every sample of family `name` (exact sample name), keyed by its labels.
  std::map<LabelMap, double> Series(const std::string& name) {
    std::map<LabelMap, double> out;
    for (const PromSample& s : Scrape()) {
      if (s.name == name) out[LabelsOf(s)] = s.value;
    }
    return out;
  }

  std::optional<double> Value(const std::string& name, const LabelMap& labels) {
    const auto series = Series(name);
    const auto it = series.find(labels);
    if (it == series.end()) return std::nullopt;
    return it->second;
  }

  static LabelMap NodeLabels(const std::string& node, const std::string& type,
                             const std::string& region) {
    return {{"instance", node}, {"node", node},      {"instance_type", type},
            {"region", region}, {"provider_id", ""}, {"arch", "amd64"},
            {"uid", ""}};
  }

  static LabelMap ContainerLabels(const std::string& ns, const std::string& pod,
                                  const std::string& container, const std::string& node) {
    return {{"namespace", ns},  {"pod", pod},   {"container", container},
            {"instance", node}, {"node", node}, {"uid", ""}};
  }

  CostMetrics metrics_;
  std::string text_;
};

TEST_F(CostMetricsTest, NodeFamiliesCarryOpenCostLabelsAndPrices) {
  metrics_.Observe(MakeTick(TwoNodeBatch()));
  const LabelMap cpu = NodeLabels("ip-10-0-1-1", "m5.xlarge", "us-east-1");
  const LabelMap gpu = NodeLabels("gpu-1", "g5.xlarge", "us-east-1");

  const std::map<LabelMap, double> expected_total{{cpu, 0.192}, {gpu, 0.4}};
  EXPECT_EQ(Series("node_total_hourly_cost"), expected_total);
  const std::map<LabelMap, double> expected_cpu{{cpu, 0.0316}, {gpu, 0.0316}};
  EXPECT_EQ(Series("node_cpu_hourly_cost"), expected_cpu);
  const std::map<LabelMap, double> expected_ram{{cpu, 0.0042}, {gpu, 0.0042}};
  EXPECT_EQ(Series("node_ram_hourly_cost"), expected_ram);
  const std::map<LabelMap, double> expected_gpu{{cpu, 0.0}, {gpu, 0.95}};
  EXPECT_EQ(Series("node_gpu_hourly_cost"), expected_gpu);
  const std::map<LabelMap, double> expected_spot{{cpu, 0.0}, {gpu, 1.0}};
  EXPECT_EQ(Series("kubecost_node_is_spot"), expected_spot);
  const std::map<LabelMap, double> expected_count{{cpu, 0.0}, {gpu, 1.0}};
  EXPECT_EQ(Series("node_gpu_count"), expected_count);

  for (const char* gauge :
       {"node_total_hourly_cost", "node_cpu_hourly_cost", "node_ram_hourly_cost",
        "node_gpu_hourly_cost", "kubecost_node_is_spot", "node_gpu_count",
        "container_cpu_allocation", "container_memory_allocation_bytes", "container_gpu_allocation",
        "costledger_spool_depth", "costledger_database_up",
        "costledger_interval_start_timestamp_seconds"}) {
    EXPECT_NE(text_.find(std::string("# TYPE ") + gauge + " gauge\n"), std::string::npos) << gauge;
  }
}

TEST_F(CostMetricsTest, RegionComesFromZoneElseFromSettings) {
  CostMetrics metrics({.region = "eu-west-1", .arch = "arm64"});
  IntervalBatch batch = TwoNodeBatch();
  batch.costs.nodes[0].zone = "";
  batch.costs.nodes[1].zone = "europe-west4-b";
  metrics.Observe(MakeTick(batch));
  std::map<std::string, std::string> region_by_node;
  for (const PromSample& s : sources::ParsePrometheusText(metrics.Serialize())) {
    if (s.name != "node_total_hourly_cost") continue;
    region_by_node[std::string(s.Label("node"))] = s.Label("region");
    EXPECT_EQ(s.Label("arch"), "arm64");
  }
  const std::map<std::string, std::string> expected{{"ip-10-0-1-1", "eu-west-1"},
                                                    {"gpu-1", "europe-west4"}};
  EXPECT_EQ(region_by_node, expected);
}

TEST_F(CostMetricsTest, ContainerAllocationIsMaxOfRequestAndUsage) {
  metrics_.Observe(MakeTick(TwoNodeBatch()));
  const LabelMap web1 = ContainerLabels("web", "web-1", "app", "ip-10-0-1-1");
  const LabelMap web2 = ContainerLabels("web", "web-2", "app", "ip-10-0-1-1");
  const LabelMap train = ContainerLabels("ml", "train-0", "trainer", "gpu-1");

  const std::map<LabelMap, double> cpu{{web1, 0.75}, {web2, 0.25}, {train, 2.0}};
  EXPECT_EQ(Series("container_cpu_allocation"), cpu);
  const std::map<LabelMap, double> memory{{web1, static_cast<double>(kGiB)},
                                          {web2, 512.0 * 1024 * 1024},
                                          {train, 6.0 * static_cast<double>(kGiB)}};
  EXPECT_EQ(Series("container_memory_allocation_bytes"), memory);
  const std::map<LabelMap, double> gpu{{web1, 0.0}, {web2, 0.0}, {train, 1.0}};
  EXPECT_EQ(Series("container_gpu_allocation"), gpu);
}

TEST_F(CostMetricsTest, GonePodsAndNodesAreRemoved) {
  metrics_.Observe(MakeTick(TwoNodeBatch()));
  IntervalBatch next = TwoNodeBatch(kStart + seconds(60));
  next.costs.nodes.pop_back();  // gpu-1 left the cluster
  next.costs.containers.erase(next.costs.containers.begin() + 1,
                              next.costs.containers.end());  // web-2 and train-0 gone
  metrics_.Observe(MakeTick(next));

  for (const char* family :
       {"node_total_hourly_cost", "node_cpu_hourly_cost", "node_ram_hourly_cost",
        "node_gpu_hourly_cost", "kubecost_node_is_spot", "node_gpu_count"}) {
    const auto series = Series(family);
    ASSERT_EQ(series.size(), 1U) << family;
    EXPECT_EQ(series.begin()->first.at("node"), "ip-10-0-1-1") << family;
  }
  for (const char* family : {"container_cpu_allocation", "container_memory_allocation_bytes",
                             "container_gpu_allocation"}) {
    const auto series = Series(family);
    ASSERT_EQ(series.size(), 1U) << family;
    EXPECT_EQ(series.begin()->first.at("pod"), "web-1") << family;
  }
  EXPECT_EQ(text_.find("gpu-1"), std::string::npos);
  EXPECT_EQ(text_.find("train-0"), std::string::npos);

  // A pod that comes back gets its series again.
  metrics_.Observe(MakeTick(TwoNodeBatch(kStart + seconds(120))));
  EXPECT_EQ(Series("container_cpu_allocation").size(), 3U);
  EXPECT_EQ(Series("node_total_hourly_cost").size(), 2U);
}

TEST_F(CostMetricsTest, CostCountersAccumulateExactlyAcrossIntervals) {
  for (int i = 0; i < 3; ++i) metrics_.Observe(MakeTick(TwoNodeBatch(kStart + seconds(60 * i))));
  // web: (0.1 + 0.05) x 3 summed in nano-dollars; a double sum of 0.1 + 0.05 ... would drift.
  const std::map<LabelMap, double> expected{
      {{{"namespace", "web"}, {"team", "alpha"}}, Money::FromNanos(450'000'000).Dollars()},
      {{{"namespace", "ml"}, {"team", "beta"}}, Money::FromNanos(18).Dollars()}};
  EXPECT_EQ(Series("costledger_container_cost_dollars_total"), expected);
  // Idle: (1000 + 2000 + 500 + 100) n$ per interval.
  EXPECT_EQ(Value("costledger_idle_cost_dollars_total", {{"cluster", "prod"}}),
            Money::FromNanos(std::int64_t{3} * 3'600).Dollars());
  EXPECT_NE(text_.find("# TYPE costledger_container_cost_dollars_total counter\n"),
            std::string::npos);
  EXPECT_NE(text_.find("# TYPE costledger_idle_cost_dollars_total counter\n"), std::string::npos);
}

TEST_F(CostMetricsTest, CountersSumManySmallAmountsWithoutDrift) {
  IntervalBatch batch = TwoNodeBatch();
  batch.costs.containers.resize(1);
  batch.costs.containers[0].cost = {100'000'000, 0, 0};  // $0.1
  for (int i = 0; i < 1000; ++i) metrics_.Observe(MakeTick(batch));
  // 1000 x 0.1 in doubles is 99.9999999999986; in nano-dollars it is exactly 100.
  EXPECT_EQ(
      Value("costledger_container_cost_dollars_total", {{"namespace", "web"}, {"team", "alpha"}}),
      100.0);
}

TEST_F(CostMetricsTest, QueriesCountedByWorkgroupTeamAndState) {
  IntervalBatch batch = TwoNodeBatch();
  batch.queries = {
      MakeQuery("q1", "analytics", "alpha", model::QueryState::kSucceeded, 50'000'000),
      MakeQuery("q2", "analytics", "alpha", model::QueryState::kSucceeded, 25'000'000),
      MakeQuery("q3", "analytics", "alpha", model::QueryState::kFailed, 0),
      MakeQuery("q4", "adhoc", "", model::QueryState::kCancelled, 1),
  };
  metrics_.Observe(MakeTick(batch));
  // Queries of an interval that could not be attributed still count.
  IntervalBatch only_queries;
  only_queries.cluster = "prod";
  only_queries.queries = {
      MakeQuery("q5", "analytics", "alpha", model::QueryState::kSucceeded, 25'000'000)};
  metrics_.Observe(MakeTick(only_queries, /*attributed=*/false));

  const std::map<LabelMap, double> cost{{{{"workgroup", "analytics"}, {"team", "alpha"}}, 0.1},
                                        {{{"workgroup", "adhoc"}, {"team", ""}}, 1e-9}};
  EXPECT_EQ(Series("costledger_query_cost_dollars_total"), cost);
  const std::map<LabelMap, double> count{
      {{{"workgroup", "analytics"}, {"team", "alpha"}, {"state", "SUCCEEDED"}}, 3},
      {{{"workgroup", "analytics"}, {"team", "alpha"}, {"state", "FAILED"}}, 1},
      {{{"workgroup", "adhoc"}, {"team", ""}, {"state", "CANCELLED"}}, 1}};
  EXPECT_EQ(Series("costledger_queries_total"), count);
}

TEST_F(CostMetricsTest, SourceErrorsCollapseKubeletAndDcgmTargets) {
  TickReport tick = MakeTick(TwoNodeBatch());
  tick.statuses = {{"nodes", "", {}},
                   {"pods", "", {}},
                   {"kubelet/ip-10-0-1-1", "HTTP 503", {}},
                   {"kubelet/gpu-1", "timed out after 10000 ms", {}},
                   {"dcgm/http://dcgm:9400/metrics", "connection refused", {}},
                   {"athena", "", {}}};
  metrics_.Observe(tick);
  tick.statuses = {{"nodes", "HTTP 500", {}}, {"kubelet/ip-10-0-1-1", "HTTP 503", {}}};
  metrics_.Observe(tick);

  const std::map<LabelMap, double> expected{{{{"source", "nodes"}}, 1},
                                            {{{"source", "pods"}}, 0},
                                            {{{"source", "kubelet"}}, 3},
                                            {{{"source", "dcgm"}}, 1},
                                            {{{"source", "athena"}}, 0}};
  EXPECT_EQ(Series("costledger_source_errors_total"), expected);
}

TEST_F(CostMetricsTest, UnattributedTickKeepsGaugesAndUpdatesHealth) {
  metrics_.Observe(MakeTick(TwoNodeBatch()));
  const auto nodes_before = Series("node_total_hourly_cost");
  const auto containers_before = Series("container_cpu_allocation");
  const auto cost_before = Series("costledger_container_cost_dollars_total");
  EXPECT_EQ(Value("costledger_interval_start_timestamp_seconds", {}),
            static_cast<double>(kStart.time_since_epoch().count()));

  IntervalBatch empty;
  empty.cluster = "prod";
  empty.costs.start = kStart + seconds(60);
  empty.costs.length = seconds(60);
  TickReport blip = MakeTick(empty, /*attributed=*/false);
  blip.statuses = {{"nodes", "HTTP 503", {}}, {"pods", "HTTP 503", {}}};
  blip.spool_depth = 3;
  blip.spool_error = "spool: cannot write /spool/x.batch.tmp: No space left on device";
  blip.lost_batches = 1;
  blip.database_available = false;
  blip.duration = std::chrono::milliseconds(250);
  metrics_.Observe(blip);

  EXPECT_EQ(Series("node_total_hourly_cost"), nodes_before);
  EXPECT_EQ(Series("container_cpu_allocation"), containers_before);
  EXPECT_EQ(Series("costledger_container_cost_dollars_total"), cost_before);
  EXPECT_EQ(Value("costledger_interval_start_timestamp_seconds", {}),
            static_cast<double>(kStart.time_since_epoch().count()));
  EXPECT_EQ(Value("costledger_spool_depth", {}), 3.0);
  EXPECT_EQ(Value("costledger_spool_write_errors_total", {}), 1.0);
  EXPECT_EQ(Value("costledger_intervals_lost_total", {}), 1.0);
  EXPECT_EQ(Value("costledger_database_up", {}), 0.0);
  EXPECT_EQ(Value("costledger_source_errors_total", {{"source", "nodes"}}), 1.0);
  EXPECT_EQ(Value("costledger_interval_duration_seconds_count", {}), 2.0);
  EXPECT_EQ(Value("costledger_interval_duration_seconds_sum", {}), 1.75);
  EXPECT_EQ(Value("costledger_interval_duration_seconds_bucket", {{"le", "0.25"}}), 1.0);
  EXPECT_EQ(Value("costledger_interval_duration_seconds_bucket", {{"le", "2.5"}}), 2.0);

  // The next attributed tick moves the timestamp on and the database comes back.
  metrics_.Observe(MakeTick(TwoNodeBatch(kStart + seconds(120))));
  EXPECT_EQ(Value("costledger_interval_start_timestamp_seconds", {}),
            static_cast<double>((kStart + seconds(120)).time_since_epoch().count()));
  EXPECT_EQ(Value("costledger_database_up", {}), 1.0);
  EXPECT_EQ(Value("costledger_spool_depth", {}), 0.0);
  EXPECT_EQ(Value("costledger_spool_write_errors_total", {}), 1.0);  // counters stay
  EXPECT_EQ(Value("costledger_intervals_lost_total", {}), 1.0);
}

TEST_F(CostMetricsTest, AttributedTickWithoutNodesEmptiesGauges) {
  metrics_.Observe(MakeTick(TwoNodeBatch()));
  IntervalBatch empty;
  empty.cluster = "prod";
  empty.costs.start = kStart + seconds(60);
  metrics_.Observe(MakeTick(empty));
  EXPECT_TRUE(Series("node_total_hourly_cost").empty());
  EXPECT_TRUE(Series("container_memory_allocation_bytes").empty());
}

TEST_F(CostMetricsTest, HttpRequestsCountedByRouteAndCode) {
  metrics_.CountHttpRequest("/v1/allocation", 200, std::chrono::microseconds(1'500));
  metrics_.CountHttpRequest("/v1/allocation", 200, std::chrono::microseconds(30'000));
  metrics_.CountHttpRequest("/v1/allocation", 400, std::chrono::microseconds(200));
  metrics_.CountHttpRequest("/metrics", 200, std::chrono::microseconds(800));

  const std::map<LabelMap, double> requests{{{{"route", "/v1/allocation"}, {"code", "200"}}, 2},
                                            {{{"route", "/v1/allocation"}, {"code", "400"}}, 1},
                                            {{{"route", "/metrics"}, {"code", "200"}}, 1}};
  EXPECT_EQ(Series("costledger_http_requests_total"), requests);
  const std::map<LabelMap, double> counts{{{{"route", "/v1/allocation"}}, 3},
                                          {{{"route", "/metrics"}}, 1}};
  EXPECT_EQ(Series("costledger_http_request_duration_seconds_count"), counts);
  EXPECT_EQ(Value("costledger_http_request_duration_seconds_bucket",
                  {{"route", "/v1/allocation"}, {"le", "0.0025"}}),
            2.0);
  EXPECT_DOUBLE_EQ(
      *Value("costledger_http_request_duration_seconds_sum", {{"route", "/v1/allocation"}}),
      0.0317);
  EXPECT_NE(text_.find("# TYPE costledger_http_request_duration_seconds histogram\n"),
            std::string::npos);
}

TEST_F(CostMetricsTest, SerializeWhileObservingIsSafe) {
  std::atomic<bool> stop{false};
  std::thread scraper([&] {
    while (!stop) {
      const auto samples = sources::ParsePrometheusText(metrics_.Serialize());
      EXPECT_FALSE(samples.empty());
    }
  });
  for (int i = 0; i < 200; ++i) {
    IntervalBatch batch = TwoNodeBatch(kStart + seconds(60 * i));
    if (i % 2 == 1) batch.costs.containers.pop_back();
    metrics_.Observe(MakeTick(batch, i % 7 != 0));
    metrics_.CountHttpRequest("/metrics", 200, std::chrono::microseconds(100));
  }
  stop = true;
  scraper.join();
  EXPECT_EQ(Value("costledger_http_requests_total", {{"route", "/metrics"}, {"code", "200"}}),
            200.0);
}

TEST(RegionOfZoneTest, StripsTheZoneLetter) {
  EXPECT_EQ(RegionOfZone("us-east-1a"), "us-east-1");
  EXPECT_EQ(RegionOfZone("eu-central-1c"), "eu-central-1");
  EXPECT_EQ(RegionOfZone("us-central1-a"), "us-central1");
  EXPECT_EQ(RegionOfZone("westeurope-1"), "");
  EXPECT_EQ(RegionOfZone(""), "");
  EXPECT_EQ(RegionOfZone("a"), "");
}

// Persistent volumes with OpenCost's metric names and labels: the price per GiB-hour, sizes,
// claims, and the pods that mount them; volumes gone are removed.
TEST_F(CostMetricsTest, VolumeFamiliesCarryOpenCostLabels) {
  IntervalBatch batch = TwoNodeBatch();
  batch.costs.length = std::chrono::hours(1);
  model::VolumeCostRow home;
  home.volume = "pvc-1";
  home.provider_id = "vol-0abc";
  home.storage_class = "gp3";
  home.claim_namespace = "jupyterhub";
  home.claim = "claim-ana";
  home.size_bytes = 10 * kGiB;
  home.cost = Money::FromNanos(1'095'890);  // 10 GiB x $0.08 / 730 h for an hour
  home.mounts = 1;
  model::VolumeCostRow loose = home;
  loose.volume = "pvc-2";
  loose.claim.clear();
  loose.claim_namespace.clear();
  loose.mounts = 0;
  batch.costs.volumes = {home, loose};
  model::VolumeShareRow share;
  share.labels.namespace_name = "jupyterhub";
  share.labels.pod = "jupyter-ana";
  share.labels.container = "notebook";
  share.volume = "pvc-1";
  share.cost = home.cost;
  model::VolumeShareRow unmounted;
  unmounted.labels.namespace_name = "__unmounted__";
  unmounted.labels.pod = "__unmounted__";
  unmounted.volume = "pvc-2";
  unmounted.cost = loose.cost;
  batch.costs.volume_shares = {share, unmounted};
  metrics_.Observe(MakeTick(batch));

  const auto hourly = Series("pv_hourly_cost");
  ASSERT_EQ(hourly.size(), 2U);
  EXPECT_NEAR(
      hourly.at(
          {{"volumename", "pvc-1"}, {"persistentvolume", "pvc-1"}, {"provider_id", "vol-0abc"}}),
      0.08 / 730, 1e-8);
  EXPECT_EQ(Value("kube_persistentvolume_capacity_bytes", {{"persistentvolume", "pvc-2"}}),
            10.0 * kGiB);
  EXPECT_EQ(Series("kube_persistentvolumeclaim_info"),
            (std::map<LabelMap, double>{{{{"namespace", "jupyterhub"},
                                          {"persistentvolumeclaim", "claim-ana"},
                                          {"storageclass", "gp3"},
                                          {"volumename", "pvc-1"}},
                                         1.0}}));
  EXPECT_EQ(Value("kube_persistentvolumeclaim_resource_requests_storage_bytes",
                  {{"namespace", "jupyterhub"}, {"persistentvolumeclaim", "claim-ana"}}),
            10.0 * kGiB);
  EXPECT_EQ(Series("pod_pvc_allocation"),
            (std::map<LabelMap, double>{{{{"namespace", "jupyterhub"},
                                          {"pod", "jupyter-ana"},
                                          {"persistentvolumeclaim", "claim-ana"},
                                          {"persistentvolume", "pvc-1"}},
                                         10.0 * kGiB}}));
  EXPECT_NEAR(*Value("costledger_volume_cost_dollars_total",
                     {{"namespace", "jupyterhub"}, {"storageclass", "gp3"}}),
              0.00109589, 1e-12);

  IntervalBatch later = TwoNodeBatch();
  later.costs.volumes = {home};
  later.costs.volume_shares = {share};
  metrics_.Observe(MakeTick(later));
  EXPECT_EQ(Series("kube_persistentvolume_capacity_bytes").size(), 1U);
}

// kube-state-metrics' owner and claim families from the scrape's pods: what the kubernetes-mixin
// workload rule (namespace_workload_pod:kube_pod_owner:relabel) and the OpenCost mixin's PVC
// rule join on.
TEST_F(CostMetricsTest, PodOwnersAndClaimVolumesAsKubeStateMetricsGivesThem) {
  auto inventory = std::make_shared<model::ClusterInventory>();
  inventory->pods = {
      {"shop", "web-7d9f8-abcde", "u-1", {{"pod-template-hash", "7d9f8"}}, "Deployment", "web", {}},
      {"shop", "db-0", "u-2", {}, "StatefulSet", "db", {{"data", "data-db-0"}}},
      {"shop", "handmade-x1", "u-3", {}, "ReplicaSet", "handmade", {}},
      {"jupyterhub",
       "jupyter-ana",
       "u-4",
       {},
       "",
       "",
       {{"home", "claim-ana"}, {"scratch", "tmp-ana"}}},
  };
  TickReport tick = MakeTick(TwoNodeBatch());
  tick.inventory = inventory;
  metrics_.Observe(tick);

  const auto owner = [](std::string ns, std::string pod, std::string uid, std::string kind,
                        std::string name) {
    const std::string controls = kind.empty() ? "" : "true";
    return LabelMap{{"namespace", std::move(ns)},    {"pod", std::move(pod)},
                    {"uid", std::move(uid)},         {"owner_kind", std::move(kind)},
                    {"owner_name", std::move(name)}, {"owner_is_controller", controls}};
  };
  EXPECT_EQ(Series("kube_pod_owner"),
            (std::map<LabelMap, double>{
                {owner("shop", "web-7d9f8-abcde", "u-1", "ReplicaSet", "web-7d9f8"), 1.0},
                {owner("shop", "db-0", "u-2", "StatefulSet", "db"), 1.0},
                {owner("shop", "handmade-x1", "u-3", "ReplicaSet", "handmade"), 1.0},
                {owner("jupyterhub", "jupyter-ana", "u-4", "", ""), 1.0}}));
  EXPECT_EQ(Series("kube_replicaset_owner"),
            (std::map<LabelMap, double>{{{{"namespace", "shop"},
                                          {"replicaset", "web-7d9f8"},
                                          {"owner_kind", "Deployment"},
                                          {"owner_name", "web"},
                                          {"owner_is_controller", "true"}},
                                         1.0},
                                        {{{"namespace", "shop"},
                                          {"replicaset", "handmade"},
                                          {"owner_kind", ""},
                                          {"owner_name", ""},
                                          {"owner_is_controller", ""}},
                                         1.0}}));
  const auto claim = [](std::string ns, std::string pod, std::string uid, std::string volume,
                        std::string name) {
    return LabelMap{{"namespace", std::move(ns)},
                    {"pod", std::move(pod)},
                    {"uid", std::move(uid)},
                    {"volume", std::move(volume)},
                    {"persistentvolumeclaim", std::move(name)}};
  };
  EXPECT_EQ(Series("kube_pod_spec_volumes_persistentvolumeclaims_info"),
            (std::map<LabelMap, double>{
                {claim("shop", "db-0", "u-2", "data", "data-db-0"), 1.0},
                {claim("jupyterhub", "jupyter-ana", "u-4", "home", "claim-ana"), 1.0},
                {claim("jupyterhub", "jupyter-ana", "u-4", "scratch", "tmp-ana"), 1.0}}));

  // The next scrape without the notebook: its series go.
  auto later = std::make_shared<model::ClusterInventory>(*inventory);
  later->pods.pop_back();
  tick.inventory = later;
  metrics_.Observe(tick);
  EXPECT_EQ(Series("kube_pod_owner").size(), 3U);
  EXPECT_EQ(Series("kube_pod_spec_volumes_persistentvolumeclaims_info").size(), 1U);
}

// kube-state-metrics' kube_pod_container_status_running, per container with a cost row: 1 when
// its pod's phase is Running (OpenCost's integration tests select the pods they check by it).
TEST_F(CostMetricsTest, ContainersOfRunningPodsAreRunning) {
  auto inventory = std::make_shared<model::ClusterInventory>();
  model::ClusterInventory::PodInfo web1{"web", "web-1", "u-1", {}, "", "", {}, true};
  model::ClusterInventory::PodInfo web2{"web", "web-2", "u-2", {}, "", "", {}, false};
  inventory->pods = {web1, web2};  // train-0 is not in this scrape
  TickReport tick = MakeTick(TwoNodeBatch());
  tick.inventory = inventory;
  metrics_.Observe(tick);
  const auto container = [](std::string ns, std::string pod, std::string uid, std::string c) {
    return LabelMap{{"namespace", std::move(ns)},
                    {"pod", std::move(pod)},
                    {"uid", std::move(uid)},
                    {"container", std::move(c)}};
  };
  EXPECT_EQ(Series("kube_pod_container_status_running"),
            (std::map<LabelMap, double>{{container("web", "web-1", "u-1", "app"), 1.0},
                                        {container("web", "web-2", "u-2", "app"), 0.0},
                                        {container("ml", "train-0", "", "trainer"), 0.0}}));
}

}  // namespace
}  // namespace costledger::api
