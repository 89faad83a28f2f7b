#include "costledger/collector/interval_batch_codec.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "costledger/model/errors.hpp"
#include "costledger/model/interval_batch.hpp"
#include "costledger/model/volume_attribution.hpp"
#include "error_of.hpp"
#include "test_data.hpp"

namespace costledger::collector {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;
using Json = nlohmann::json;

constexpr std::int64_t kGiB = std::int64_t{1} << 30;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

model::NodeCostRow MakeNode(std::string name, model::CapacityType type, model::PriceSource source) {
  model::NodeCostRow n;
  n.node = std::move(name);
  n.instance_type = "p4d.24xlarge";
  n.zone = "us-east-1a";
  n.capacity_type = type;
  n.capacity = {96'000, 1152 * kGiB, 8};
  n.price = {{model::Money::FromNanos(32'772'600'000)}, source};
  n.unit_prices = {1.0 / 3.0, 0.1 + 0.2, 3.0e-300};
  n.attribution.node_cost = model::Money::FromNanos(546'210'000);
  n.attribution.pools = {12'345'678, 23'456'789, 510'407'533};
  n.attribution.idle = {1, 0, kMax};
  n.attribution.cpu_overcommitted = true;
  n.attribution.memory_overcommitted = false;
  n.attribution.gpu_overcommitted = true;
  n.containers = 2;
  return n;
}

model::ContainerCostRow MakeContainer(std::string pod, std::string container) {
  model::ContainerCostRow c;
  c.labels = {"prod-eu",      "ip-10-0-0-1",        "ml",    "RayCluster", "trainer",
              std::move(pod), std::move(container), "alpha", "spot",       "p4d.24xlarge",
              "ray",          "raycluster:trainer"};
  c.demand = {4000, 3999, 16 * kGiB, 17 * kGiB + 1, 2};
  c.cost = {111, 222, 333};
  c.gpu_busy_devices = 1.0 / 7.0;
  c.usage_observed = true;
  return c;
}

model::PricedQuery MakeQuery(std::string id, model::QueryState state, bool completed) {
  model::PricedQuery q;
  q.execution.query_execution_id = std::move(id);
  q.execution.work_group = "analytics";
  q.execution.statement_type = "DML";
  q.execution.query = "SELECT \"a\"\t, 'b\\n' FROM t -- ünïcødé ✓\nWHERE x = 1";
  q.execution.state = state;
  q.execution.submitted = sys_seconds(seconds(1'763'287'201));
  if (completed) q.execution.completed = sys_seconds(seconds(1'763'287'265));
  q.execution.data_scanned_bytes = 10'737'418'240;
  q.execution.engine_execution_millis = 63'999;
  q.team = "alpha";
  q.cost = model::Money::FromNanos(48'828'125);
  return q;
}

model::IntervalBatch RichBatch() {
  model::IntervalBatch b;
  b.cluster = "prod-eu";
  b.costs.start = sys_seconds(seconds(1'763'287'200));
  b.costs.length = seconds(60);
  b.costs.nodes.push_back(
      MakeNode("ip-10-0-0-1", model::CapacityType::kSpot, model::PriceSource::kSpot));
  b.costs.nodes.push_back(MakeNode("ip-10-0-0-2", model::CapacityType::kSpot,
                                   model::PriceSource::kOnDemandSpotFallback));
  b.costs.nodes.push_back(
      MakeNode("ip-10-0-0-3", model::CapacityType::kOnDemand, model::PriceSource::kMissing));
  b.costs.nodes[2].price.price.per_hour = model::Money::FromNanos(kMin);
  b.costs.nodes[2].unit_prices = {0, -0.0, std::numeric_limits<double>::max()};
  b.costs.nodes[2].attribution = {};
  b.costs.nodes[2].containers = 0;

  b.costs.containers.push_back(MakeContainer("trainer-head-0", "ray-head"));
  model::ContainerCostRow unobserved = MakeContainer("trainer-worker-0", "ray-worker");
  unobserved.gpu_busy_devices.reset();
  unobserved.usage_observed = false;
  unobserved.labels.team = "";
  unobserved.labels.controller_kind = "";
  unobserved.labels.controller = "";
  unobserved.labels.platform = "";
  unobserved.labels.workload = "";
  unobserved.cost = {kMax, 0, kMin};
  b.costs.containers.push_back(unobserved);
  model::ContainerCostRow odd = MakeContainer("weird \"pod\"\n\t\\", "c/ü");
  odd.gpu_busy_devices = 0.0;
  odd.labels.platform = "jupyterhub";
  odd.labels.workload = "notebook:josé/\"gpu\"\t\\";
  b.costs.containers.push_back(odd);

  b.costs.warnings = {"node ip-10-0-0-3: no price for instance type 'x'; costed at $0",
                      "multi\nline \"warning\""};
  b.queries.push_back(MakeQuery("q-succeeded", model::QueryState::kSucceeded, true));
  b.queries.push_back(MakeQuery("q-failed", model::QueryState::kFailed, true));
  b.queries.push_back(MakeQuery("q-cancelled", model::QueryState::kCancelled, true));
  b.queries.push_back(MakeQuery("q-running", model::QueryState::kRunning, false));
  b.queries.push_back(MakeQuery("q-queued", model::QueryState::kQueued, false));
  b.queries.back().execution.statement_type = "";
  b.queries.back().execution.query = "";
  b.queries.back().team = "";
  b.pod_labels.push_back({"ml", "trainer-head-0", {{"team", "alpha"}, {"k\"\\/\n", "ü ✓\t"}}});
  b.pod_labels.push_back({"ml", "bare", {}});
  b.node_labels.push_back(
      {"ip-10-0-1-1", {{"node.kubernetes.io/instance-type", "m5.xlarge"}, {"k\"\\", "ü\n"}}});
  b.node_labels.push_back({"bare-node", {}});
  return b;
}

// The batch recorded in tests/data/spool/format-1.batch, field by field. Never edit it, and never
// regenerate that file: it is what a collector of format 1 left in its spool, and an upgraded
// collector must read it back (see DecodesTheRecordedFormat1SpoolFile).
model::IntervalBatch Format1Batch() {
  model::IntervalBatch b;
  b.cluster = "prod-eu";
  b.costs.start = sys_seconds(seconds(1'763'287'200));  // 2025-11-16T10:00:00Z
  b.costs.length = seconds(60);

  model::NodeCostRow n;
  n.node = "ip-10-0-1-17.ec2.internal";
  n.instance_type = "m5.xlarge";
  n.zone = "us-east-1a";
  n.capacity_type = model::CapacityType::kOnDemand;
  n.capacity = {4000, 16 * kGiB, 0};
  n.price = {{model::Money::FromNanos(192'000'000)}, model::PriceSource::kOnDemand};
  n.unit_prices = {0.033174157303370786, 0.0044466292134831465, 0.0};
  n.attribution.node_cost = model::Money::FromNanos(3'200'000);
  n.attribution.pools = {2'211'611, 988'389, 0};
  n.attribution.idle = {1'105'806, 494'195, 0};
  n.containers = 2;
  b.costs.nodes.push_back(n);

  n = {};
  n.node = "ip-10-0-2-33.ec2.internal";
  n.instance_type = "g5.2xlarge";
  n.zone = "us-east-1b";
  n.capacity_type = model::CapacityType::kSpot;
  n.capacity = {8000, 32 * kGiB, 1};
  n.price = {{model::Money::FromNanos(488'100'000)}, model::PriceSource::kSpot};
  n.unit_prices = {0.011342587, 0.0015124912500000001, 0.3489};
  n.attribution.node_cost = model::Money::FromNanos(8'135'000);
  n.attribution.pools = {1'512'345, 806'655, 5'816'000};
  n.attribution.idle = {0, 0, 0};
  n.attribution.cpu_overcommitted = false;
  n.attribution.memory_overcommitted = true;
  n.attribution.gpu_overcommitted = false;
  n.containers = 2;
  b.costs.nodes.push_back(n);

  n = {};
  n.node = "ip-10-0-3-5.ec2.internal";
  n.instance_type = "r5.2xlarge";
  n.zone = "us-east-1c";
  n.capacity_type = model::CapacityType::kSpot;
  n.capacity = {8000, 64 * kGiB, 0};
  n.price = {{model::Money::FromNanos(504'000'000)}, model::PriceSource::kOnDemandSpotFallback};
  n.unit_prices = {1.0 / 3.0, 0.1 + 0.2, 0.0};
  n.attribution.node_cost = model::Money::FromNanos(8'400'000);
  n.attribution.pools = {4'444'444, 3'955'556, 0};
  n.attribution.idle = n.attribution.pools;
  n.containers = 0;
  b.costs.nodes.push_back(n);

  n = {};
  n.node = "edge-gpu-1";
  n.instance_type = "c6i.large";
  n.zone = "us-east-1a";
  n.capacity_type = model::CapacityType::kOnDemand;
  n.capacity = {2000, 4 * kGiB, 4};
  n.price = {{model::Money::FromNanos(1'234'567'891)}, model::PriceSource::kCustom};
  n.unit_prices = {std::numeric_limits<double>::quiet_NaN(),
                   std::numeric_limits<double>::infinity(), 2.5e-7};
  n.attribution.node_cost = model::Money::FromNanos(20'576'132);
  n.attribution.pools = {1, 2, 20'576'129};
  n.attribution.idle = {1, 2, 20'576'129};
  n.attribution.cpu_overcommitted = true;
  n.attribution.gpu_overcommitted = true;
  n.containers = 0;
  b.costs.nodes.push_back(n);

  n = {};
  n.node = "on-prem-7";
  n.capacity_type = model::CapacityType::kOnDemand;
  n.capacity = {16'000, 128 * kGiB, 0};
  n.price = {{model::Money::FromNanos(0)}, model::PriceSource::kMissing};
  n.containers = 0;
  b.costs.nodes.push_back(n);

  model::ContainerCostRow c;
  c.labels = {"prod-eu",   "ip-10-0-1-17.ec2.internal",
              "shop",      "Deployment",
              "web",       "web-5d8c7b9f4-x2x9q",
              "app",       "alpha",
              "on-demand", "m5.xlarge",
              "",          ""};  // format 1 has no platform and workload
  c.demand = {1000, 1500, 4 * kGiB, 3'758'096'384, 0};
  c.cost = {829'352, 247'097, 0};
  c.usage_observed = true;
  b.costs.containers.push_back(c);

  c = {};
  c.labels = {"prod-eu",
              "ip-10-0-1-17.ec2.internal",
              "data",
              "Job",
              "nightly-etl",
              "nightly-etl-x7k2p",
              "etl",
              "",
              "on-demand",
              "m5.xlarge",
              "",
              ""};  // format 1 has no platform and workload
  c.demand = {500, 0, 2 * kGiB, 0, 0};
  c.cost = {276'453, 247'097, 0};
  c.gpu_busy_devices = 0.0;
  b.costs.containers.push_back(c);

  c = {};
  c.labels = {"prod-eu",    "ip-10-0-2-33.ec2.internal",
              "ml",         "RayCluster",
              "trainer",    "trainer-gpu-worker-0",
              "ray-worker", "beta",
              "spot",       "g5.2xlarge",
              "",           ""};  // format 1 has no platform and workload
  c.demand = {4000, 3987, 16 * kGiB, 30 * kGiB, 1};
  c.cost = {756'172, 756'239, 5'816'000};
  c.gpu_busy_devices = 0.875;
  c.usage_observed = true;
  b.costs.containers.push_back(c);

  c = {};
  c.labels = {"prod-eu",    "ip-10-0-2-33.ec2.internal",
              "jupyterhub", "",
              "",           "jupyter-ana",
              "notebook",   "gamma",
              "spot",       "g5.2xlarge",
              "",           ""};  // format 1 has no platform and workload
  c.demand = {250, 12, kGiB, 536'870'912, 0};
  c.cost = {756'173, 50'416, 0};
  c.gpu_busy_devices = 1.0 / 3.0;
  c.usage_observed = true;
  b.costs.containers.push_back(c);

  b.costs.warnings = {"node on-prem-7: no price for instance type ''; costed at $0",
                      "pod data/orphan-1 is bound to unknown node \"gone-node\"\nskipped"};

  const auto query = [](std::string id, model::QueryState state, std::int64_t bytes,
                        std::int64_t cost_nanos) {
    model::PricedQuery q;
    q.execution.query_execution_id = std::move(id);
    q.execution.work_group = "analytics";
    q.execution.statement_type = "DML";
    q.execution.state = state;
    q.execution.submitted = sys_seconds(seconds(1'763'287'141));
    if (model::IsFinal(state)) q.execution.completed = sys_seconds(seconds(1'763'287'199));
    q.execution.data_scanned_bytes = bytes;
    q.execution.engine_execution_millis = 57'311;
    q.team = "alpha";
    q.cost = model::Money::FromNanos(cost_nanos);
    return q;
  };
  b.queries.push_back(query("a1b2c3d4-0001-4e5f-8a9b-000000000001", model::QueryState::kSucceeded,
                            10'737'418'240, 48'828'125));
  b.queries.back().execution.query =
      "SELECT team, sum(cost) FROM \"costs\"\nWHERE day = '2025-11-16' -- ✓ ünï\\x";
  b.queries.push_back(
      query("a1b2c3d4-0002-4e5f-8a9b-000000000002", model::QueryState::kFailed, 0, 0));
  b.queries.back().execution.statement_type = "DDL";
  b.queries.back().execution.query = "CREATE TABLE t (x int)";
  b.queries.push_back(query("a1b2c3d4-0003-4e5f-8a9b-000000000003", model::QueryState::kCancelled,
                            5'242'880, 47'684));
  b.queries.push_back(
      query("a1b2c3d4-0004-4e5f-8a9b-000000000004", model::QueryState::kRunning, 1'048'576, 0));
  b.queries.back().execution.work_group = "primary";
  b.queries.back().execution.engine_execution_millis = 0;
  b.queries.back().team = "";
  b.queries.push_back(
      query("a1b2c3d4-0005-4e5f-8a9b-000000000005", model::QueryState::kQueued, 0, 0));
  b.queries.back().execution.statement_type = "";
  b.queries.back().execution.engine_execution_millis = 0;

  b.pod_labels.push_back(
      {"shop",
       "web-5d8c7b9f4-x2x9q",
       {{"app.kubernetes.io/name", "web"}, {"pod-template-hash", "5d8c7b9f4"}, {"team", "alpha"}}});
  b.pod_labels.push_back({"ml",
                          "trainer-gpu-worker-0",
                          {{"owner", "José Müller ✓ 日本"},
                           {"note",
                            "say \"hi\" \\ C:\\path\nnext\ttab\x01"
                            "end"},
                           {"ray.io/node-type", "worker"},
                           {"team", "beta"},
                           {"étiquette", "ü"}}});
  b.pod_labels.push_back({"jupyterhub", "jupyter-ana", {}});
  return b;
}

// The batch recorded in tests/data/spool/format-2.batch: format 1's, its containers named as
// NameWorkload names them (one with text to escape). Never edit it, nor regenerate that file.
model::IntervalBatch Format2Batch() {
  model::IntervalBatch b = Format1Batch();
  const std::array<std::pair<const char*, const char*>, 4> names{{
      {"kubernetes", "Deployment:web"},
      {"kubernetes", "CronJob:nightly-etl"},
      {"ray", "rayjob:trainer"},
      {"jupyterhub", "notebook:ana/gpü \"big\"\t\\"},
  }};
  for (std::size_t i = 0; i < names.size(); ++i) {
    b.costs.containers.at(i).labels.platform = names[i].first;
    b.costs.containers.at(i).labels.workload = names[i].second;
  }
  return b;
}

// The batch recorded in tests/data/spool/format-3.batch: format 2's, its nodes in node groups as
// their provisioners label them (one with text to escape, one without a group). Never edit it,
// nor regenerate that file.
model::IntervalBatch Format3Batch() {
  model::IntervalBatch b = Format2Batch();
  const std::array<const char*, 5> groups{"general-on-demand", "gpu-spot", "", "edge \"gpü\"\t\\",
                                          "default"};
  for (std::size_t i = 0; i < groups.size(); ++i) b.costs.nodes.at(i).node_group = groups[i];
  return b;
}

// The batch recorded in tests/data/spool/format-4.batch: format 3's with persistent volumes of
// every kind (mounted by two pods, claimed but unmounted, unpriced with text to escape) and their
// shares. Never edit it, nor regenerate that file.
model::IntervalBatch Format4Batch() {
  model::IntervalBatch b = Format3Batch();
  model::VolumeCostRow home;
  home.volume = "pvc-0b9e6c1f";
  home.provider_id = "vol-0a1b2c3d4e5f60718";
  home.storage_class = "gp3";
  home.price_key = "gp3";
  home.claim_namespace = "jupyterhub";
  home.claim = "claim-ana";
  home.zone = "eu-west-1a";
  home.size_bytes = std::int64_t{10} << 30;
  home.billed_iops = 3000;
  home.billed_throughput_mibps = 125;
  home.price = {{model::Money::FromNanos(88'000'000), model::Money::FromNanos(5'500'000),
                 model::Money::FromNanos(45'056'000'000)},
                model::PriceSource::kOnDemand};
  home.cost = model::Money::FromNanos(1'654'795);
  home.mounts = 2;
  model::VolumeCostRow released = home;
  released.volume = "pvc-released";
  released.claim_namespace = "";
  released.claim = "";
  released.price.source = model::PriceSource::kCustom;
  released.cost = model::Money::FromNanos(200'913);
  released.mounts = 0;
  model::VolumeCostRow local;
  local.volume = "pv-local \"scratch\"\t\\";
  local.storage_class = "local-päth";
  local.price_key = "local-päth";
  local.size_bytes = 1'000'000'000;
  b.costs.volumes = {home, released, local};
  model::VolumeShareRow share;
  share.labels = b.costs.containers.at(3).labels;
  share.volume = home.volume;
  share.byte_seconds = 10.0 * (1 << 30) * 60 / 2;
  share.cost = model::Money::FromNanos(827'398);
  model::VolumeShareRow other = share;
  other.labels.pod = "jupyter-ana-2";
  other.cost = model::Money::FromNanos(827'397);
  model::VolumeShareRow unmounted;
  unmounted.labels.cluster = "prod-eu";
  unmounted.labels.namespace_name = "__unmounted__";
  unmounted.labels.pod = "__unmounted__";
  unmounted.labels.container = "__unmounted__";
  unmounted.volume = released.volume;
  unmounted.byte_seconds = 10.0 * (1 << 30) * 60;
  unmounted.cost = released.cost;
  model::VolumeShareRow nothing = unmounted;
  nothing.volume = local.volume;
  nothing.byte_seconds = 6e10;
  nothing.cost = model::Money();
  b.costs.volume_shares = {share, other, unmounted, nothing};
  return b;
}

// The batch recorded in tests/data/spool/format-5.batch: format 4's with node labels (one with
// text to escape, one without labels). Never edit it, nor regenerate that file.
model::IntervalBatch Format5Batch() {
  model::IntervalBatch b = Format4Batch();
  b.node_labels.push_back({"ip-10-0-1-17",
                           {{"eks.amazonaws.com/nodegroup", "general-on-demand"},
                            {"kubernetes.io/arch", "amd64"},
                            {"topology.kubernetes.io/zone", "eu-west-1a"}}});
  b.node_labels.push_back({"edge \"gpü\"\t\\", {{"note", "tab\there"}}});
  b.node_labels.push_back({"gpu-0", {}});
  return b;
}

// Doubles must survive bit for bit (NaN aside, which only equals itself by kind).
void ExpectSameDouble(double a, double b) {
  if (std::isnan(a)) {
    EXPECT_TRUE(std::isnan(b));
    return;
  }
  EXPECT_EQ(a, b);
  EXPECT_EQ(std::signbit(a), std::signbit(b));
}

void ExpectEqual(const model::ResourceCosts& a, const model::ResourceCosts& b) {
  EXPECT_EQ(a.cpu_nanos, b.cpu_nanos);
  EXPECT_EQ(a.ram_nanos, b.ram_nanos);
  EXPECT_EQ(a.gpu_nanos, b.gpu_nanos);
}

void ExpectEqual(const model::IntervalBatch& a, const model::IntervalBatch& b) {
  EXPECT_EQ(a.cluster, b.cluster);
  EXPECT_EQ(a.costs.start, b.costs.start);
  EXPECT_EQ(a.costs.length, b.costs.length);
  EXPECT_EQ(a.costs.warnings, b.costs.warnings);
  ASSERT_EQ(a.costs.nodes.size(), b.costs.nodes.size());
  for (std::size_t i = 0; i < a.costs.nodes.size(); ++i) {
    SCOPED_TRACE("node " + std::to_string(i));
    const model::NodeCostRow& x = a.costs.nodes[i];
    const model::NodeCostRow& y = b.costs.nodes[i];
    EXPECT_EQ(x.node, y.node);
    EXPECT_EQ(x.instance_type, y.instance_type);
    EXPECT_EQ(x.zone, y.zone);
    EXPECT_EQ(x.capacity_type, y.capacity_type);
    EXPECT_EQ(x.node_group, y.node_group);
    EXPECT_EQ(x.capacity.cpu_millicores, y.capacity.cpu_millicores);
    EXPECT_EQ(x.capacity.memory_bytes, y.capacity.memory_bytes);
    EXPECT_EQ(x.capacity.gpu_devices, y.capacity.gpu_devices);
    EXPECT_EQ(x.price.price, y.price.price);
    EXPECT_EQ(x.price.source, y.price.source);
    ExpectSameDouble(x.unit_prices.cpu_per_core_hour, y.unit_prices.cpu_per_core_hour);
    ExpectSameDouble(x.unit_prices.ram_per_gib_hour, y.unit_prices.ram_per_gib_hour);
    ExpectSameDouble(x.unit_prices.gpu_per_device_hour, y.unit_prices.gpu_per_device_hour);
    EXPECT_EQ(x.attribution.node_cost, y.attribution.node_cost);
    ExpectEqual(x.attribution.pools, y.attribution.pools);
    ExpectEqual(x.attribution.idle, y.attribution.idle);
    EXPECT_EQ(x.attribution.cpu_overcommitted, y.attribution.cpu_overcommitted);
    EXPECT_EQ(x.attribution.memory_overcommitted, y.attribution.memory_overcommitted);
    EXPECT_EQ(x.attribution.gpu_overcommitted, y.attribution.gpu_overcommitted);
    EXPECT_EQ(x.containers, y.containers);
  }
  ASSERT_EQ(a.costs.containers.size(), b.costs.containers.size());
  for (std::size_t i = 0; i < a.costs.containers.size(); ++i) {
    SCOPED_TRACE("container " + std::to_string(i));
    const model::ContainerCostRow& x = a.costs.containers[i];
    const model::ContainerCostRow& y = b.costs.containers[i];
    EXPECT_EQ(x.labels.cluster, y.labels.cluster);
    EXPECT_EQ(x.labels.node, y.labels.node);
    EXPECT_EQ(x.labels.namespace_name, y.labels.namespace_name);
    EXPECT_EQ(x.labels.controller_kind, y.labels.controller_kind);
    EXPECT_EQ(x.labels.controller, y.labels.controller);
    EXPECT_EQ(x.labels.pod, y.labels.pod);
    EXPECT_EQ(x.labels.container, y.labels.container);
    EXPECT_EQ(x.labels.team, y.labels.team);
    EXPECT_EQ(x.labels.capacity_type, y.labels.capacity_type);
    EXPECT_EQ(x.labels.instance_type, y.labels.instance_type);
    EXPECT_EQ(x.labels.platform, y.labels.platform);
    EXPECT_EQ(x.labels.workload, y.labels.workload);
    EXPECT_EQ(x.demand.cpu_request_millicores, y.demand.cpu_request_millicores);
    EXPECT_EQ(x.demand.cpu_usage_millicores, y.demand.cpu_usage_millicores);
    EXPECT_EQ(x.demand.memory_request_bytes, y.demand.memory_request_bytes);
    EXPECT_EQ(x.demand.memory_usage_bytes, y.demand.memory_usage_bytes);
    EXPECT_EQ(x.demand.gpu_devices, y.demand.gpu_devices);
    ExpectEqual(x.cost, y.cost);
    ASSERT_EQ(x.gpu_busy_devices.has_value(), y.gpu_busy_devices.has_value());
    if (x.gpu_busy_devices) ExpectSameDouble(*x.gpu_busy_devices, *y.gpu_busy_devices);
    EXPECT_EQ(x.usage_observed, y.usage_observed);
  }
  ASSERT_EQ(a.costs.volumes.size(), b.costs.volumes.size());
  for (std::size_t i = 0; i < a.costs.volumes.size(); ++i) {
    EXPECT_EQ(a.costs.volumes[i], b.costs.volumes[i]) << "volume " << i;
  }
  ASSERT_EQ(a.costs.volume_shares.size(), b.costs.volume_shares.size());
  for (std::size_t i = 0; i < a.costs.volume_shares.size(); ++i) {
    SCOPED_TRACE("volume share " + std::to_string(i));
    const model::VolumeShareRow& x = a.costs.volume_shares[i];
    const model::VolumeShareRow& y = b.costs.volume_shares[i];
    EXPECT_EQ(x.volume, y.volume);
    EXPECT_EQ(x.cost, y.cost);
    ExpectSameDouble(x.byte_seconds, y.byte_seconds);
    EXPECT_EQ(x.labels.namespace_name, y.labels.namespace_name);
    EXPECT_EQ(x.labels.pod, y.labels.pod);
    EXPECT_EQ(x.labels.container, y.labels.container);
    EXPECT_EQ(x.labels.workload, y.labels.workload);
    EXPECT_EQ(x.labels.team, y.labels.team);
    EXPECT_EQ(x.labels.node, y.labels.node);
  }
  ASSERT_EQ(a.queries.size(), b.queries.size());
  for (std::size_t i = 0; i < a.queries.size(); ++i) {
    SCOPED_TRACE("query " + std::to_string(i));
    const model::PricedQuery& x = a.queries[i];
    const model::PricedQuery& y = b.queries[i];
    EXPECT_EQ(x.execution.query_execution_id, y.execution.query_execution_id);
    EXPECT_EQ(x.execution.work_group, y.execution.work_group);
    EXPECT_EQ(x.execution.statement_type, y.execution.statement_type);
    EXPECT_EQ(x.execution.query, y.execution.query);
    EXPECT_EQ(x.execution.state, y.execution.state);
    EXPECT_EQ(x.execution.submitted, y.execution.submitted);
    EXPECT_EQ(x.execution.completed, y.execution.completed);
    EXPECT_EQ(x.execution.data_scanned_bytes, y.execution.data_scanned_bytes);
    EXPECT_EQ(x.execution.engine_execution_millis, y.execution.engine_execution_millis);
    EXPECT_EQ(x.team, y.team);
    EXPECT_EQ(x.cost, y.cost);
  }
  EXPECT_EQ(a.pod_labels, b.pod_labels);
  EXPECT_EQ(a.node_labels, b.node_labels);
}

// Decodes `json` and returns the InvalidInput message; fails the test when it decoded.
std::string DecodeError(const std::string& json) {
  return testing::ErrorOf<InvalidInput>([&] { DecodeBatch(json); });
}

std::string Mutated(const std::function<void(Json&)>& mutate) {
  Json j = Json::parse(EncodeBatch(RichBatch()));
  mutate(j);
  return j.dump();
}

TEST(IntervalBatchCodecTest, RoundTripPreservesEveryField) {
  const model::IntervalBatch original = RichBatch();
  ExpectEqual(original, DecodeBatch(EncodeBatch(original)));
}

TEST(IntervalBatchCodecTest, NonFiniteDoublesRoundTrip) {
  model::IntervalBatch b = RichBatch();
  b.costs.nodes[0].unit_prices = {std::numeric_limits<double>::quiet_NaN(),
                                  std::numeric_limits<double>::infinity(),
                                  -std::numeric_limits<double>::infinity()};
  b.costs.containers[0].gpu_busy_devices = std::numeric_limits<double>::quiet_NaN();
  ExpectEqual(b, DecodeBatch(EncodeBatch(b)));
}

TEST(IntervalBatchCodecTest, EncodingIsStable) {
  const std::string once = EncodeBatch(RichBatch());
  EXPECT_EQ(EncodeBatch(DecodeBatch(once)), once);
}

// tests/data/spool/format-1.batch was written once by EncodeBatch(Format1Batch()) at format 1
// and is committed as it came out. It must never be regenerated: a change to the encoding that
// this test catches needs a new format version and a migration of format-1 files (DecodeBatch
// reading both), or spooled batches are moved to corrupt/ after an upgrade. Format 1 has no
// platform and workload: they decode as "", and the batch is written again in the newest format
// (which reads back the same).
TEST(IntervalBatchCodecTest, DecodesTheRecordedFormat1SpoolFile) {
  const std::string recorded = testing::ReadTestData("spool/format-1.batch");
  ASSERT_EQ(Json::parse(recorded).at("format"), 1);
  const model::IntervalBatch decoded = DecodeBatch(recorded);
  ExpectEqual(decoded, Format1Batch());
  for (const model::ContainerCostRow& c : decoded.costs.containers) {
    EXPECT_EQ(c.labels.platform, "");
    EXPECT_EQ(c.labels.workload, "");
  }
  const std::string again = EncodeBatch(decoded);
  EXPECT_EQ(Json::parse(again).at("format"), 5);
  ExpectEqual(DecodeBatch(again), Format1Batch());
}

// tests/data/spool/format-2.batch was written once by EncodeBatch(Format2Batch()) at format 2;
// the same rules hold for it as for format 1. Format 2 has no node groups: they decode as "".
TEST(IntervalBatchCodecTest, DecodesTheRecordedFormat2SpoolFile) {
  const std::string recorded = testing::ReadTestData("spool/format-2.batch");
  ASSERT_EQ(Json::parse(recorded).at("format"), 2);
  const model::IntervalBatch decoded = DecodeBatch(recorded);
  ExpectEqual(decoded, Format2Batch());
  for (const model::NodeCostRow& n : decoded.costs.nodes) EXPECT_EQ(n.node_group, "");
  const std::string again = EncodeBatch(decoded);
  EXPECT_EQ(Json::parse(again).at("format"), 5);
  ExpectEqual(DecodeBatch(again), Format2Batch());
}

// tests/data/spool/format-3.batch was written once by EncodeBatch(Format3Batch()) at format 3;
// the same rules hold for it as for format 1. Format 3 has no volumes: it decodes with none.
TEST(IntervalBatchCodecTest, DecodesTheRecordedFormat3SpoolFile) {
  const std::string recorded = testing::ReadTestData("spool/format-3.batch");
  ASSERT_EQ(Json::parse(recorded).at("format"), 3);
  const model::IntervalBatch decoded = DecodeBatch(recorded);
  ExpectEqual(decoded, Format3Batch());
  EXPECT_EQ(decoded.costs.nodes.at(1).node_group, "gpu-spot");
  EXPECT_TRUE(decoded.costs.volumes.empty());
  EXPECT_TRUE(decoded.costs.volume_shares.empty());
  const std::string again = EncodeBatch(decoded);
  EXPECT_EQ(Json::parse(again).at("format"), 5);
  ExpectEqual(DecodeBatch(again), Format3Batch());
}

// tests/data/spool/format-4.batch was written once by EncodeBatch(Format4Batch()) at format 4;
// the same rules hold for it as for format 1. Format 4 has no node labels: it decodes with none.
TEST(IntervalBatchCodecTest, DecodesTheRecordedFormat4SpoolFile) {
  const std::string recorded = testing::ReadTestData("spool/format-4.batch");
  ASSERT_EQ(Json::parse(recorded).at("format"), 4);
  const model::IntervalBatch decoded = DecodeBatch(recorded);
  ExpectEqual(decoded, Format4Batch());
  ASSERT_EQ(decoded.costs.volumes.size(), 3U);
  EXPECT_EQ(decoded.costs.volumes[0].price.source, model::PriceSource::kOnDemand);
  EXPECT_TRUE(decoded.node_labels.empty());
  const std::string again = EncodeBatch(decoded);
  EXPECT_EQ(Json::parse(again).at("format"), 5);
  ExpectEqual(DecodeBatch(again), Format4Batch());
}

// tests/data/spool/format-5.batch was written once by EncodeBatch(Format5Batch()) at format 5;
// while format 5 is the newest, encoding it again gives the same bytes.
TEST(IntervalBatchCodecTest, DecodesTheRecordedFormat5SpoolFile) {
  const std::string recorded = testing::ReadTestData("spool/format-5.batch");
  const model::IntervalBatch decoded = DecodeBatch(recorded);
  ExpectEqual(decoded, Format5Batch());
  ASSERT_EQ(decoded.node_labels.size(), 3U);
  EXPECT_EQ(decoded.node_labels[0].labels.at("kubernetes.io/arch"), "amd64");
  EXPECT_EQ(EncodeBatch(decoded), recorded);
}

// Format 5 requires node labels (possibly none); formats 1 to 4 never hold them.
TEST(IntervalBatchCodecTest, NodeLabelsAreRequiredFromFormat5) {
  const std::string v5 = EncodeBatch(Format5Batch());
  const auto mutated = [&](const std::function<void(Json&)>& change) {
    Json j = Json::parse(v5);
    change(j);
    return j.dump();
  };
  EXPECT_EQ(DecodeError(mutated([](Json& j) { j.erase("node_labels"); })),
            "batch.node_labels: missing");
  EXPECT_EQ(DecodeError(mutated([](Json& j) { j["node_labels"][0].erase("node"); })),
            "batch.node_labels[0].node: missing");
  EXPECT_EQ(DecodeError(mutated([](Json& j) { j["node_labels"][0]["labels"] = 3; })),
            "batch.node_labels[0].labels: expected an object");
  EXPECT_EQ(DecodeError(mutated([](Json& j) { j["node_labels"][0]["labels"]["a"] = 1; })),
            "batch.node_labels[0].labels.a: expected a string");
  // Format 4 with node labels: ignored, as format 4 never wrote them.
  EXPECT_TRUE(DecodeBatch(mutated([](Json& j) { j["format"] = 4; })).node_labels.empty());
}

// Format 4 requires volumes and their shares (possibly none); formats 1 to 3 never hold them.
TEST(IntervalBatchCodecTest, VolumesAreRequiredFromFormat4) {
  const std::string v4 = EncodeBatch(Format4Batch());
  const auto mutated = [&](const std::function<void(Json&)>& change) {
    Json j = Json::parse(v4);
    change(j);
    return j.dump();
  };
  EXPECT_EQ(DecodeError(mutated([](Json& j) { j.erase("volumes"); })), "batch.volumes: missing");
  EXPECT_EQ(DecodeError(mutated([](Json& j) { j["volume_shares"][1].erase("cost_nanos"); })),
            "batch.volume_shares[1].cost_nanos: missing");
  EXPECT_EQ(DecodeError(mutated([](Json& j) { j["volumes"][0]["price"]["source"] = "cheap"; })),
            "batch.volumes[0].price.source: unknown price source");
  const model::IntervalBatch old = DecodeBatch(mutated([](Json& j) {
    j["format"] = 3;
    j.erase("volumes");
    j.erase("volume_shares");
  }));
  EXPECT_TRUE(old.costs.volumes.empty());
}

// Format 3 requires a node group on every node (possibly ""); formats 1 and 2 never hold one.
TEST(IntervalBatchCodecTest, NodeGroupIsRequiredFromFormat3) {
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["nodes"][1].erase("node_group"); })),
            "batch.nodes[1].node_group: missing");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["nodes"][0]["node_group"] = 4; })),
            "batch.nodes[0].node_group: expected a string");
  const model::IntervalBatch old_format = DecodeBatch(Mutated([](Json& j) {
    j["format"] = 2;
    for (Json& n : j["nodes"]) n.erase("node_group");
  }));
  ASSERT_FALSE(old_format.costs.nodes.empty());
  for (const model::NodeCostRow& n : old_format.costs.nodes) EXPECT_EQ(n.node_group, "");
  model::IntervalBatch grouped = RichBatch();
  grouped.costs.nodes.at(0).node_group = "workers-spot";
  EXPECT_EQ(DecodeBatch(EncodeBatch(grouped)).costs.nodes.at(0).node_group, "workers-spot");
}

// Format 2 requires what format 1 did not have; format 1 never holds it.
TEST(IntervalBatchCodecTest, PlatformAndWorkloadAreRequiredFromFormat2) {
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["containers"][1]["labels"].erase("workload"); })),
            "batch.containers[1].labels.workload: missing");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["containers"][0]["labels"]["platform"] = 4; })),
            "batch.containers[0].labels.platform: expected a string");
  const model::IntervalBatch old_format = DecodeBatch(Mutated([](Json& j) {
    j["format"] = 1;
    for (Json& c : j["containers"]) {
      c["labels"].erase("platform");
      c["labels"].erase("workload");
    }
  }));
  ASSERT_EQ(old_format.costs.containers.size(), 3U);
  EXPECT_EQ(old_format.costs.containers[0].labels.workload, "");
  EXPECT_EQ(old_format.costs.containers[0].labels.pod, "trainer-head-0");
  const model::IntervalBatch current = DecodeBatch(EncodeBatch(RichBatch()));
  EXPECT_EQ(current.costs.containers[0].labels.platform, "ray");
  EXPECT_EQ(current.costs.containers[2].labels.workload, "notebook:josé/\"gpu\"\t\\");
}

TEST(IntervalBatchCodecTest, EmptyBatchRoundTrips) {
  const model::IntervalBatch empty;
  ExpectEqual(empty, DecodeBatch(EncodeBatch(empty)));
}

TEST(IntervalBatchCodecTest, MoneyIsIntegerNanosAndTimesEpochSeconds) {
  const Json j = Json::parse(EncodeBatch(RichBatch()));
  EXPECT_EQ(j.at("start"), 1'763'287'200);
  EXPECT_EQ(j.at("length_seconds"), 60);
  EXPECT_EQ(j.at("nodes").at(0).at("attribution").at("node_cost_nanos"), 546'210'000);
  EXPECT_TRUE(j.at("nodes").at(0).at("price").at("per_hour_nanos").is_number_integer());
  EXPECT_EQ(j.at("containers").at(1).at("cost").at("cpu_nanos"), kMax);
  EXPECT_EQ(j.at("queries").at(0).at("cost_nanos"), 48'828'125);
  EXPECT_TRUE(j.at("queries").at(3).at("completed").is_null());
}

TEST(IntervalBatchCodecTest, RejectsTextThatIsNotJson) {
  EXPECT_NE(DecodeError("{\"format\": 1, \"cluster\": "), "");
  EXPECT_NE(DecodeError(""), "");
  EXPECT_NE(DecodeError("[]").find("batch: expected an object"), std::string::npos);
}

TEST(IntervalBatchCodecTest, ErrorsNameTheField) {
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["nodes"][1].erase("zone"); })),
            "batch.nodes[1].zone: missing");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["containers"][2]["cost"]["ram_nanos"] = "12"; })),
            "batch.containers[2].cost.ram_nanos: expected an integer");
  EXPECT_EQ(
      DecodeError(Mutated([](Json& j) { j["containers"][0]["demand"]["gpu_devices"] = 1.5; })),
      "batch.containers[0].demand.gpu_devices: expected an integer");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) {
              j["nodes"][0]["attribution"]["idle"]["cpu_nanos"] = std::uint64_t{1} << 63;
            })),
            "batch.nodes[0].attribution.idle.cpu_nanos: out of range");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["nodes"][0]["capacity_type"] = "reserved"; })),
            "batch.nodes[0].capacity_type: expected \"on-demand\" or \"spot\"");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["nodes"][0]["price"]["source"] = "guess"; })),
            "batch.nodes[0].price.source: unknown price source");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["queries"][4]["state"] = "DONE"; })),
            "batch.queries[4].state: unknown query state");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["containers"][0]["usage_observed"] = 1; })),
            "batch.containers[0].usage_observed: expected true or false");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["warnings"][1] = 7; })),
            "batch.warnings[1]: expected a string");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["nodes"] = Json::object(); })),
            "batch.nodes: expected an array");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["containers"][0]["labels"] = "x"; })),
            "batch.containers[0].labels: expected an object");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["length_seconds"] = -60; })),
            "batch.length_seconds: negative");
  EXPECT_EQ(
      DecodeError(Mutated([](Json& j) { j["nodes"][0]["unit_prices"]["ram_per_gib_hour"] = "x"; })),
      "batch.nodes[0].unit_prices.ram_per_gib_hour: expected a number");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["format"] = 6; })),
            "batch.format: unsupported format 6 (expected 1 to 5)");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["format"] = 0; })),
            "batch.format: unsupported format 0 (expected 1 to 5)");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j.erase("cluster"); })), "batch.cluster: missing");
}

}  // namespace
}  // namespace costledger::collector
