// The simulated cluster: determinism, sizes, lifecycles, and that every body it serves parses
// with the collector's own parsers. Pure: no network, no clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/simulator/athena_workload.hpp"
#include "costledger/simulator/cluster_spec.hpp"
#include "costledger/simulator/cluster_state.hpp"
#include "costledger/simulator/instance_types.hpp"
#include "costledger/simulator/lifecycle.hpp"
#include "costledger/simulator/simulator.hpp"
#include "costledger/simulator/spot_market.hpp"
#include "costledger/sources/athena_parser.hpp"
#include "costledger/sources/dcgm_metrics.hpp"
#include "costledger/sources/ec2_offer_parser.hpp"
#include "costledger/sources/kubelet_metrics.hpp"
#include "costledger/sources/kubernetes_parser.hpp"
#include "costledger/sources/prometheus_text.hpp"
#include "costledger/sources/spot_history_parser.hpp"

namespace costledger::simulator {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr sys_seconds kT{seconds(1'714'564'800)};  // 2024-05-01T12:00:00Z

const Simulator& Default() {
  static const Simulator kSim(SimulatorOptions{1, {20, 200}});
  return kSim;
}

std::string Get(const Simulator& sim, std::string_view target, sys_seconds t) {
  const Response r = sim.Handle("GET", target, t);
  EXPECT_EQ(r.status, 200) << target << ": " << *r.body;
  return *r.body;
}

std::string KubeletPath(std::string_view node) {
  return "/api/v1/nodes/" + std::string(node) + "/proxy/metrics/resource";
}

std::vector<std::string> AllTargets(const Simulator& sim, sys_seconds t) {
  std::vector<std::string> targets{"/api/v1/nodes",
                                   "/api/v1/pods",
                                   "/dcgm/metrics",
                                   "/pricing/ec2_offer.json",
                                   "/pricing/spot_price_history.json",
                                   "/athena/query_executions.json"};
  const std::shared_ptr<const ClusterState> state = sim.State(t);
  for (const NodeState& node : state->nodes) targets.push_back(KubeletPath(node.name));
  return targets;
}

TEST(SimulatorModelTest, SameSeedAndTimeGiveByteIdenticalResponses) {
  const Simulator a(SimulatorOptions{7, {20, 200}});
  const Simulator b(SimulatorOptions{7, {20, 200}});
  for (const sys_seconds t : {kT, kT + hours(5) + seconds(17)}) {
    for (const std::string& target : AllTargets(a, t)) {
      EXPECT_EQ(Get(a, target, t), Get(b, target, t)) << target;
    }
  }
}

TEST(SimulatorModelTest, DifferentSeedsGiveDifferentClusters) {
  const Simulator other(SimulatorOptions{2, {20, 200}});
  EXPECT_NE(Get(Default(), "/api/v1/nodes", kT), Get(other, "/api/v1/nodes", kT));
  EXPECT_NE(Get(Default(), "/api/v1/pods", kT), Get(other, "/api/v1/pods", kT));
}

TEST(SimulatorModelTest, ResponsesChangeWithTime) {
  const Simulator& sim = Default();
  const std::string node = sim.State(kT)->nodes.front().name;
  EXPECT_NE(Get(sim, KubeletPath(node), kT), Get(sim, KubeletPath(node), kT + seconds(1)));
  EXPECT_NE(Get(sim, "/athena/query_executions.json", kT),
            Get(sim, "/athena/query_executions.json", kT + minutes(10)));
}

TEST(SimulatorModelTest, SizesAreAsConfigured) {
  for (const ClusterSize size : {ClusterSize{20, 200}, ClusterSize{3, 10}, ClusterSize{60, 900}}) {
    const ClusterSpec spec = BuildClusterSpec(1, size);
    ASSERT_EQ(spec.node_slots.size(), static_cast<std::size_t>(size.nodes));
    int workload_pods = 0;
    for (const PodSlot& slot : spec.pod_slots) {
      const Workload& w = spec.workloads[static_cast<std::size_t>(slot.workload)];
      if (w.kind != WorkloadKind::kDaemonSet) ++workload_pods;
    }
    EXPECT_EQ(workload_pods, size.pods);
    for (int hour = 0; hour < 48; hour += 3) {
      const ClusterState state = StateAt(spec, kT + hours(hour));
      // A node being replaced is missing for a minute or two.
      EXPECT_LE(state.nodes.size(), static_cast<std::size_t>(size.nodes));
      EXPECT_GE(state.nodes.size() + 2, static_cast<std::size_t>(size.nodes));
      int present = 0;
      for (const PodState& pod : state.pods) {
        const Workload& w = spec.workloads[static_cast<std::size_t>(
            spec.pod_slots[static_cast<std::size_t>(pod.slot)].workload)];
        if (w.kind != WorkloadKind::kDaemonSet) ++present;
      }
      // Batch slots (Jobs, Spark executors) are empty between runs.
      EXPECT_LE(present, size.pods);
      EXPECT_GE(present, size.pods / 2);
    }
  }
}

TEST(SimulatorModelTest, OutOfRangeSizesAreRejected) {
  EXPECT_THROW(BuildClusterSpec(1, {0, 10}), InvalidInput);
  EXPECT_THROW(BuildClusterSpec(1, {kMaxNodes + 1, 10}), InvalidInput);
  EXPECT_THROW(BuildClusterSpec(1, {10, -1}), InvalidInput);
}

TEST(SimulatorModelTest, NodeListParsesAsAnEksClusterOfDataScienceInstances) {
  const std::vector<model::Node> nodes =
      sources::ParseNodeList(Get(Default(), "/api/v1/nodes", kT));
  ASSERT_EQ(nodes.size(), Default().State(kT)->nodes.size());
  const std::regex name(R"(ip-10-0-\d{1,3}-\d{1,3}\.ec2\.internal)");
  const std::regex provider(R"(aws:///us-east-1[abc]/i-0[0-9a-f]{16})");
  std::set<std::string> types;
  std::set<std::string> zones;
  std::set<model::CapacityType> capacity;
  std::set<std::string> names;
  for (const model::Node& node : nodes) {
    EXPECT_TRUE(std::regex_match(node.name, name)) << node.name;
    EXPECT_TRUE(std::regex_match(node.provider_id, provider)) << node.provider_id;
    EXPECT_TRUE(names.insert(node.name).second) << "duplicate " << node.name;
    const InstanceType* type = FindInstanceType(node.instance_type);
    ASSERT_NE(type, nullptr) << node.instance_type;
    EXPECT_EQ(node.region, "us-east-1");
    EXPECT_EQ(node.capacity.cpu_millicores, type->vcpus * 1000);
    EXPECT_EQ(node.capacity.gpu_devices, type->gpus);
    EXPECT_EQ(node.allocatable.cpu_millicores, AllocatableMillicores(*type));
    EXPECT_LT(node.allocatable.memory_bytes, node.capacity.memory_bytes);
    // Spot nodes are Karpenter's (NodePool named after the pool), on-demand ones an EKS
    // managed node group's (`<pool>-on-demand`).
    if (node.capacity_type == model::CapacityType::kSpot) {
      EXPECT_EQ(node.labels.at("karpenter.sh/capacity-type"), "spot");
      EXPECT_EQ(node.node_group, node.labels.at("karpenter.sh/nodepool"));
      EXPECT_FALSE(node.labels.contains("eks.amazonaws.com/nodegroup"));
    } else {
      EXPECT_EQ(node.labels.at("eks.amazonaws.com/capacityType"), "ON_DEMAND");
      EXPECT_EQ(node.node_group, node.labels.at("eks.amazonaws.com/nodegroup"));
      EXPECT_TRUE(node.node_group.ends_with("-on-demand")) << node.node_group;
      EXPECT_FALSE(node.labels.contains("karpenter.sh/capacity-type"));
    }
    EXPECT_TRUE(std::regex_match(node.node_group,
                                 std::regex("(system|general|compute|memory|gpu)(-on-demand)?")))
        << node.node_group;
    ASSERT_TRUE(node.created.has_value());
    EXPECT_LE(*node.created, kT);
    types.insert(node.instance_type);
    zones.insert(node.zone);
    capacity.insert(node.capacity_type);
  }
  EXPECT_EQ(types, (std::set<std::string>{"m5.xlarge", "m5.2xlarge", "c5.2xlarge", "r5.2xlarge",
                                          "g5.2xlarge", "g5.12xlarge", "p3.2xlarge"}));
  EXPECT_EQ(zones, (std::set<std::string>{"us-east-1a", "us-east-1b", "us-east-1c"}));
  EXPECT_EQ(capacity.size(), 2U) << "both spot and on-demand nodes";
}

TEST(SimulatorModelTest, EveryPodIsOnAnExistingNodeOrPending) {
  const Simulator& sim = Default();
  for (int step = 0; step < 72; ++step) {
    const sys_seconds t = kT + minutes(step * 37);
    std::set<std::string> node_names;
    for (const model::Node& node : sources::ParseNodeList(Get(sim, "/api/v1/nodes", t))) {
      node_names.insert(node.name);
    }
    std::set<std::string> pod_keys;
    for (const model::Pod& pod : sources::ParsePodList(Get(sim, "/api/v1/pods", t))) {
      EXPECT_TRUE(pod_keys.insert(pod.namespace_name + "/" + pod.name).second)
          << "duplicate pod " << pod.name;
      if (pod.node_name.empty()) {
        EXPECT_EQ(pod.phase, model::PodPhase::kPending) << pod.name;
      } else {
        EXPECT_TRUE(node_names.contains(pod.node_name))
            << pod.name << " on missing node " << pod.node_name;
      }
      ASSERT_TRUE(pod.created.has_value());
      EXPECT_LE(*pod.created, t) << pod.name;
      if (pod.started) {
        EXPECT_LE(*pod.started, t) << pod.name;
      }
    }
  }
}

TEST(SimulatorModelTest, PodsLookLikeADataSciencePlatform) {
  const std::vector<model::Pod> pods = sources::ParsePodList(Get(Default(), "/api/v1/pods", kT));
  std::set<std::string> kinds;
  std::set<std::string> teams;
  std::set<std::string> namespaces;
  std::int64_t gpus = 0;
  for (const model::Pod& pod : pods) {
    kinds.insert(pod.controller_kind);
    namespaces.insert(pod.namespace_name);
    if (const auto team = pod.labels.find("team"); team != pod.labels.end()) {
      teams.insert(team->second);
    }
    gpus += pod.effective_requests.gpu_devices;
    if (pod.controller_kind == "Deployment") {
      EXPECT_TRUE(pod.labels.contains("pod-template-hash")) << pod.name;
      EXPECT_TRUE(pod.name.starts_with(pod.controller_name + "-")) << pod.name;
    }
  }
  for (const char* kind : {"Deployment", "StatefulSet", "DaemonSet", "Job", "RayCluster",
                           "SparkApplication", "Pod", ""}) {
    EXPECT_TRUE(kinds.contains(kind)) << "no pod owned by a " << kind;
  }
  EXPECT_EQ(teams, (std::set<std::string>{"alpha", "beta", "gamma", "platform"}));
  for (const char* ns : {"jupyterhub", "ray", "spark", "model-serving", "kube-system"}) {
    EXPECT_TRUE(namespaces.contains(ns)) << ns;
  }
  EXPECT_GT(gpus, 0);
}

TEST(SimulatorModelTest, KubeletMetricsParseForEveryNodeAndCoverItsRunningContainers) {
  const Simulator& sim = Default();
  const std::shared_ptr<const ClusterState> state = sim.State(kT);
  for (std::size_t n = 0; n < state->nodes.size(); ++n) {
    const std::string text = Get(sim, KubeletPath(state->nodes[n].name), kT);
    const std::vector<model::KubeletContainerSample> samples =
        sources::ParseKubeletResourceMetrics(text);
    std::size_t running = 0;
    for (const int p : state->pods_by_node[n]) {
      for (const ContainerState& c : state->pods[static_cast<std::size_t>(p)].containers) {
        running += c.running ? 1 : 0;
      }
    }
    EXPECT_EQ(samples.size(), running) << state->nodes[n].name;
    for (const model::KubeletContainerSample& s : samples) {
      ASSERT_TRUE(s.cpu_usage_seconds_total.has_value());
      ASSERT_TRUE(s.memory_working_set_bytes.has_value());
      ASSERT_TRUE(s.timestamp_ms.has_value());
      EXPECT_GE(*s.cpu_usage_seconds_total, 0);
      EXPECT_GT(*s.memory_working_set_bytes, 0);
      EXPECT_LE(*s.timestamp_ms, kT.time_since_epoch().count() * 1000);
    }
    // The other families of the real kubelet are there too.
    std::set<std::string> families;
    for (const sources::PromSample& s : sources::ParsePrometheusText(text)) {
      families.insert(s.name);
    }
    for (const char* family :
         {"node_cpu_usage_seconds_total", "node_memory_working_set_bytes",
          "pod_cpu_usage_seconds_total", "container_start_time_seconds", "resource_scrape_error"}) {
      EXPECT_TRUE(families.contains(family)) << family;
    }
  }
}

TEST(SimulatorModelTest, CpuCountersOnlyGoDownWhenAContainerRestarts) {
  const Simulator& sim = Default();
  struct Last {
    double cpu = 0;
    double start = 0;
    std::int64_t timestamp = 0;
  };
  std::map<std::string, Last> last;
  int restarts_seen = 0;
  int increases = 0;
  for (int step = 0; step <= 24 * 12; ++step) {
    const sys_seconds t = kT + minutes(5 * step);
    const std::shared_ptr<const ClusterState> state = sim.State(t);
    for (const NodeState& node : state->nodes) {
      std::map<std::string, double> start_times;
      const std::vector<sources::PromSample> samples =
          sources::ParsePrometheusText(Get(sim, KubeletPath(node.name), t));
      for (const sources::PromSample& s : samples) {
        if (s.name == "container_start_time_seconds") {
          start_times[std::string(s.Label("pod")) + "/" + std::string(s.Label("container"))] =
              s.value;
        }
      }
      for (const sources::PromSample& s : samples) {
        if (s.name != "container_cpu_usage_seconds_total") continue;
        const std::string key = std::string(s.Label("namespace")) + "/" +
                                std::string(s.Label("pod")) + "/" +
                                std::string(s.Label("container"));
        const double start =
            start_times[std::string(s.Label("pod")) + "/" + std::string(s.Label("container"))];
        const auto it = last.find(key);
        if (it != last.end()) {
          EXPECT_GE(*s.timestamp_ms, it->second.timestamp) << key;
          if (s.value < it->second.cpu) {
            EXPECT_GT(start, it->second.start)
                << key << " went down without a restart at " << t.time_since_epoch().count();
            ++restarts_seen;
          } else if (s.value > it->second.cpu) {
            ++increases;
          }
        }
        last[key] = {s.value, start, *s.timestamp_ms};
      }
    }
  }
  EXPECT_GT(restarts_seen, 0) << "some container restarts within a day";
  EXPECT_GT(increases, 1000);
}

TEST(SimulatorModelTest, SomePodsUseFarLessThanTheyRequestAndSomeBurstAbove) {
  const Simulator& sim = Default();
  std::map<std::string, std::int64_t> requests;  // namespace/pod/container -> millicores
  for (const model::Pod& pod : sources::ParsePodList(Get(sim, "/api/v1/pods", kT))) {
    for (const model::Container& c : pod.containers) {
      requests[pod.namespace_name + "/" + pod.name + "/" + c.name] = c.requests.cpu_millicores;
    }
  }
  const auto counters = [&](sys_seconds t) {
    std::map<std::string, std::pair<double, std::int64_t>> out;
    const std::shared_ptr<const ClusterState> state = sim.State(t);
    for (const NodeState& node : state->nodes) {
      for (const model::KubeletContainerSample& s :
           sources::ParseKubeletResourceMetrics(Get(sim, KubeletPath(node.name), t))) {
        out[s.namespace_name + "/" + s.pod + "/" + s.container] = {*s.cpu_usage_seconds_total,
                                                                   *s.timestamp_ms};
      }
    }
    return out;
  };
  const auto before = counters(kT);
  const auto after = counters(kT + minutes(2));
  int idle = 0;
  int bursting = 0;
  for (const auto& [key, end] : after) {
    const auto start = before.find(key);
    const auto request = requests.find(key);
    if (start == before.end() || request == requests.end() || request->second <= 0) continue;
    if (end.first < start->second.first) continue;  // restarted
    const double cores = (end.first - start->second.first) /
                         (static_cast<double>(end.second - start->second.second) / 1000.0);
    const double share = cores * 1000 / static_cast<double>(request->second);
    idle += share < 0.2 ? 1 : 0;
    bursting += share > 1.0 ? 1 : 0;
  }
  EXPECT_GT(idle, 0) << "containers far below their CPU request";
  EXPECT_GT(bursting, 0) << "containers above their CPU request";
}

TEST(SimulatorModelTest, ASpotNodeIsReplacedAndItsPodsAreRecreatedOnTheNewNode) {
  const Simulator& sim = Default();
  const ClusterSpec& spec = sim.spec();
  const auto spot =
      std::find_if(spec.node_slots.begin(), spec.node_slots.end(), [&](const NodeSlot& s) {
        return s.spot && !spec.pod_slots_by_node[static_cast<std::size_t>(s.index)].empty();
      });
  ASSERT_NE(spot, spec.node_slots.end());
  // The first interruption after kT.
  const std::int64_t t0 = kT.time_since_epoch().count();
  const NodeLife next = LifeOf(*spot, spot->timeline.GenerationAt(t0) + 1);
  ASSERT_LT(next.start - t0, 3 * 86'400) << "spot nodes are interrupted within days";

  const auto pods_on = [&](sys_seconds t, const std::string& node) {
    std::multiset<std::string> controllers;
    for (const model::Pod& pod : sources::ParsePodList(Get(sim, "/api/v1/pods", t))) {
      if (pod.node_name == node && pod.controller_kind != "Job" &&
          pod.controller_kind != "SparkApplication" && pod.controller_kind != "Pod") {
        controllers.insert(pod.controller_kind + "/" + pod.controller_name);
      }
    }
    return controllers;
  };
  const sys_seconds before{seconds(next.start - 1)};
  const sys_seconds during{seconds(next.start + 1)};
  const sys_seconds after{seconds(next.ready + 600)};
  // The states are shared with the simulator's cache: hold them, the cache moves on.
  const std::shared_ptr<const ClusterState> old_state_ptr = sim.State(before);
  const ClusterState& old_state = *old_state_ptr;
  const auto old_node = std::find_if(old_state.nodes.begin(), old_state.nodes.end(),
                                     [&](const NodeState& n) { return n.slot == spot->index; });
  ASSERT_NE(old_node, old_state.nodes.end());
  const std::shared_ptr<const ClusterState> new_state_ptr = sim.State(after);
  const ClusterState& new_state = *new_state_ptr;
  const auto new_node = std::find_if(new_state.nodes.begin(), new_state.nodes.end(),
                                     [&](const NodeState& n) { return n.slot == spot->index; });
  ASSERT_NE(new_node, new_state.nodes.end());
  EXPECT_NE(old_node->name, new_node->name);
  EXPECT_NE(old_node->instance_id, new_node->instance_id);
  EXPECT_EQ(new_state.FindNode(old_node->name), -1) << "the interrupted node is gone";

  // While the replacement is launched, the slot has no node and the old one is gone.
  const std::shared_ptr<const ClusterState> gap = sim.State(during);
  EXPECT_TRUE(std::none_of(gap->nodes.begin(), gap->nodes.end(),
                           [&](const NodeState& n) { return n.slot == spot->index; }));
  for (const model::Pod& pod : sources::ParsePodList(Get(sim, "/api/v1/pods", during))) {
    EXPECT_NE(pod.node_name, old_node->name) << pod.name;
  }
  const std::multiset<std::string> old_pods = pods_on(before, old_node->name);
  EXPECT_FALSE(old_pods.empty());
  EXPECT_EQ(pods_on(after, new_node->name), old_pods) << "controllers recreate their pods";
}

TEST(SimulatorModelTest, JobsSucceedWithAFinishTimeAndAreRemovedLater) {
  const Simulator& sim = Default();
  std::string finished_job;
  sys_seconds seen_at;
  for (int step = 0; step < 48 && finished_job.empty(); ++step) {
    const sys_seconds t = kT + minutes(10 * step);
    for (const model::Pod& pod : sources::ParsePodList(Get(sim, "/api/v1/pods", t))) {
      if (pod.controller_kind == "Job" && pod.phase == model::PodPhase::kSucceeded) {
        ASSERT_TRUE(pod.finished.has_value()) << pod.name;
        ASSERT_TRUE(pod.started.has_value());
        EXPECT_LT(*pod.started, *pod.finished);
        EXPECT_LE(*pod.finished, t);
        finished_job = pod.namespace_name + "/" + pod.name;
        seen_at = t;
        break;
      }
    }
  }
  ASSERT_FALSE(finished_job.empty()) << "a Job pod succeeds within 8 hours";
  bool removed = false;
  for (int step = 1; step <= 48 && !removed; ++step) {
    const sys_seconds t = seen_at + minutes(30 * step);
    removed = true;
    for (const model::Pod& pod : sources::ParsePodList(Get(sim, "/api/v1/pods", t))) {
      if (pod.namespace_name + "/" + pod.name == finished_job) removed = false;
    }
  }
  EXPECT_TRUE(removed) << finished_job << " is never removed";
}

TEST(SimulatorModelTest, DcgmMetricsCoverEveryGpuWithPodsOnTheBusyOnes) {
  const Simulator& sim = Default();
  const std::shared_ptr<const ClusterState> state = sim.State(kT);
  std::int64_t gpus = 0;
  for (const NodeState& node : state->nodes) {
    gpus += sim.spec().node_slots[static_cast<std::size_t>(node.slot)].type->gpus;
  }
  const std::vector<model::DcgmGpuSample> devices =
      sources::ParseDcgmMetrics(Get(sim, "/dcgm/metrics", kT));
  ASSERT_EQ(static_cast<std::int64_t>(devices.size()), gpus);
  std::set<std::string> models;
  int assigned = 0;
  for (const model::DcgmGpuSample& d : devices) {
    models.insert(d.model);
    ASSERT_TRUE(d.utilisation_percent.has_value());
    ASSERT_TRUE(d.framebuffer_used_mib.has_value());
    EXPECT_GE(*d.utilisation_percent, 0);
    EXPECT_LE(*d.utilisation_percent, 100);
    EXPECT_TRUE(d.uuid.starts_with("GPU-"));
    EXPECT_GE(state->FindNode(d.hostname), 0) << d.hostname;
    if (!d.pod.empty()) {
      ++assigned;
      EXPECT_FALSE(d.namespace_name.empty());
      EXPECT_FALSE(d.container.empty());
    } else {
      EXPECT_EQ(*d.utilisation_percent, 0);
    }
  }
  EXPECT_GT(assigned, 0);
  EXPECT_TRUE(models.contains("NVIDIA A10G"));
  // One node's exporter.
  const std::string& host = devices.front().hostname;
  const std::vector<model::DcgmGpuSample> one =
      sources::ParseDcgmMetrics(Get(sim, "/dcgm/" + host + "/metrics", kT));
  EXPECT_FALSE(one.empty());
  for (const model::DcgmGpuSample& d : one) EXPECT_EQ(d.hostname, host);
}

TEST(SimulatorModelTest, OnDemandMicrosPerHourIsTheCataloguePrice) {
  EXPECT_EQ(OnDemandMicrosPerHour(*FindInstanceType("m5.xlarge")), 192'000);
  EXPECT_EQ(OnDemandMicrosPerHour(*FindInstanceType("g5.12xlarge")), 5'672'000);
  for (const InstanceType& type : InstanceCatalogue()) {
    EXPECT_EQ(OnDemandMicrosPerHour(type) * 1000,
              model::Money::ParseDollars(type.on_demand_usd).nanos())
        << type.name;
  }
  InstanceType odd;
  odd.on_demand_usd = "12.3456789";  // past the sixth decimal: truncated
  EXPECT_EQ(OnDemandMicrosPerHour(odd), 12'345'678);
  odd.on_demand_usd = "7";
  EXPECT_EQ(OnDemandMicrosPerHour(odd), 7'000'000);
}

TEST(SimulatorModelTest, OfferFileGivesTheCatalogueOnDemandPricesAndSkipsDistractors) {
  std::istringstream in(Get(Default(), "/pricing/ec2_offer.json", kT));
  const model::OnDemandPriceList prices = sources::ParseEc2OfferFile(in, "us-east-1");
  ASSERT_EQ(prices.by_instance_type.size(), InstanceCatalogue().size());
  for (const InstanceType& type : InstanceCatalogue()) {
    const auto it = prices.by_instance_type.find(type.name);
    ASSERT_NE(it, prices.by_instance_type.end()) << type.name;
    EXPECT_EQ(it->second.per_hour, model::Money::ParseDollars(type.on_demand_usd)) << type.name;
  }
  EXPECT_GT(prices.skus_seen, 5 * InstanceCatalogue().size()) << "distractor SKUs";
}

TEST(SimulatorModelTest, SpotPricesChangeOverTimeAndIncludeOtherProducts) {
  const Simulator& sim = Default();
  const std::vector<model::SpotPriceEntry> history =
      sources::ParseSpotPriceHistory(Get(sim, "/pricing/spot_price_history.json", kT));
  std::set<std::string> linux_types;
  std::set<std::string> products;
  for (const model::SpotPriceEntry& e : history) {
    EXPECT_LE(e.timestamp, kT);
    products.insert(e.product_description);
    if (e.product_description == "Linux/UNIX") linux_types.insert(e.instance_type);
    EXPECT_GT(e.price.per_hour, model::Money());
  }
  EXPECT_EQ(linux_types.size(), InstanceCatalogue().size());
  EXPECT_TRUE(products.contains("Windows"));
  EXPECT_GT(products.size(), 2U);
  EXPECT_TRUE(std::is_sorted(history.begin(), history.end(), [](const auto& a, const auto& b) {
    return a.timestamp > b.timestamp;
  })) << "newest first";

  std::set<std::int64_t> prices;
  for (int hour = 0; hour < 48; ++hour) {
    prices.insert(SpotPriceMicrosAt(1, "g5.2xlarge", "us-east-1a", "Linux/UNIX",
                                    (kT + hours(hour)).time_since_epoch().count()));
  }
  EXPECT_GT(prices.size(), 3U) << "the spot price steps over two days";
  const std::int64_t od = 1'212'000;
  for (const std::int64_t p : prices) {
    EXPECT_GT(p, od / 5);
    EXPECT_LT(p, od / 2);
  }
  // A later history holds changes the earlier one did not.
  const std::vector<model::SpotPriceEntry> later =
      sources::ParseSpotPriceHistory(Get(sim, "/pricing/spot_price_history.json", kT + hours(12)));
  EXPECT_GT(later.front().timestamp, history.front().timestamp);
}

TEST(SimulatorModelTest, AthenaQueriesOfTheLastHourSpanWorkgroupsStatesAndStatements) {
  const Simulator& sim = Default();
  std::set<std::string> groups;
  std::set<model::QueryState> states;
  bool ddl = false;
  std::int64_t max_scanned = 0;
  for (int step = 0; step < 6; ++step) {
    const sys_seconds t = kT + minutes(17 * step);
    const std::vector<model::AthenaQueryExecution> queries =
        sources::ParseAthenaQueryExecutions(Get(sim, "/athena/query_executions.json", t));
    EXPECT_GT(queries.size(), 20U);
    std::set<std::string> ids;
    for (const model::AthenaQueryExecution& q : queries) {
      EXPECT_TRUE(ids.insert(q.query_execution_id).second);
      EXPECT_LE(q.submitted, t);
      EXPECT_GT(q.submitted, t - hours(1) - seconds(1));
      groups.insert(q.work_group);
      states.insert(q.state);
      ddl = ddl || q.IsDdl();
      if (q.IsDdl()) {
        EXPECT_EQ(q.data_scanned_bytes, 0);
      }
      if (q.completed) {
        EXPECT_GE(*q.completed, q.submitted);
      }
      if (q.state == model::QueryState::kRunning) {
        EXPECT_FALSE(q.completed.has_value());
      }
      max_scanned = std::max(max_scanned, q.data_scanned_bytes);
    }
  }
  EXPECT_GE(groups.size(), 4U);
  for (const model::QueryState s : {model::QueryState::kSucceeded, model::QueryState::kFailed,
                                    model::QueryState::kCancelled, model::QueryState::kRunning}) {
    EXPECT_TRUE(states.contains(s)) << static_cast<int>(s);
  }
  EXPECT_TRUE(ddl);
  EXPECT_GT(max_scanned, std::int64_t{1} << 30) << "some queries scan gigabytes";
}

TEST(SimulatorModelTest, UnknownRoutesAndNodesAre404) {
  const Simulator& sim = Default();
  const Response route = sim.Handle("GET", "/nope", kT);
  EXPECT_EQ(route.status, 404);
  EXPECT_NE(route.body->find("\"code\":404"), std::string::npos);
  const Response node = sim.Handle("GET", KubeletPath("ip-10-9-9-9.ec2.internal"), kT);
  EXPECT_EQ(node.status, 404);
  EXPECT_NE(node.body->find("\"kind\":\"Status\""), std::string::npos);
  EXPECT_EQ(sim.Handle("POST", "/api/v1/pods", kT).status, 405);
  EXPECT_EQ(sim.Handle("GET", "/healthz", kT).status, 200);
  EXPECT_EQ(sim.Handle("GET", "/api/v1/pods?limit=500", kT).status, 200);
}

// Reads a list the way a client does with ?limit= and metadata.continue, the i-th request at
// kT + i * step. Returns the chunks.
std::vector<nlohmann::json> Chunks(const Simulator& sim, const std::string& path, int limit,
                                   seconds step) {
  std::vector<nlohmann::json> chunks;
  std::string token;
  do {
    std::string target = path + "?limit=" + std::to_string(limit);
    if (!token.empty()) target += "&continue=" + token;
    const Response r =
        sim.Handle("GET", target, kT + step * static_cast<std::int64_t>(chunks.size()));
    EXPECT_EQ(r.status, 200) << target << ": " << *r.body;
    if (r.status != 200) break;
    chunks.push_back(nlohmann::json::parse(*r.body));
    token = chunks.back()["metadata"].value("continue", "");
  } while (!token.empty() && chunks.size() < 1000);
  return chunks;
}

TEST(SimulatorModelTest, ListChunksConcatenateToTheWholeList) {
  const Simulator& sim = Default();
  for (const auto& [path, limit] :
       std::vector<std::pair<std::string, int>>{{"/api/v1/pods", 37},
                                                {"/api/v1/nodes", 7},
                                                {"/api/v1/persistentvolumes", 11},
                                                {"/api/v1/persistentvolumeclaims", 9}}) {
    const nlohmann::json whole = nlohmann::json::parse(Get(sim, path, kT));
    ASSERT_FALSE(whole["metadata"].contains("continue"));
    // Time goes on between requests: every chunk still comes from the first one's snapshot.
    const std::vector<nlohmann::json> chunks = Chunks(sim, path, limit, seconds(20));
    const std::size_t total = whole["items"].size();
    ASSERT_EQ(chunks.size(), (total + static_cast<std::size_t>(limit) - 1) / limit) << path;
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      const nlohmann::json& chunk = chunks[i];
      EXPECT_EQ(chunk["kind"], whole["kind"]);
      EXPECT_EQ(chunk["metadata"]["resourceVersion"], whole["metadata"]["resourceVersion"]);
      for (const nlohmann::json& item : chunk["items"]) items.push_back(item);
      if (i + 1 < chunks.size()) {
        EXPECT_EQ(chunk["items"].size(), static_cast<std::size_t>(limit));
        EXPECT_EQ(chunk["metadata"]["remainingItemCount"], total - items.size()) << path;
      } else {
        EXPECT_FALSE(chunk["metadata"].contains("continue"));
        EXPECT_FALSE(chunk["metadata"].contains("remainingItemCount"));
      }
    }
    EXPECT_EQ(items, whole["items"]) << path;
  }
}

TEST(SimulatorModelTest, ListsWithoutALimitAreWhole) {
  const Simulator& sim = Default();
  EXPECT_EQ(Get(sim, "/api/v1/pods?limit=0", kT), Get(sim, "/api/v1/pods", kT));
  EXPECT_EQ(Get(sim, "/api/v1/nodes?watch=false", kT), Get(sim, "/api/v1/nodes", kT));
  const std::size_t pods = nlohmann::json::parse(Get(sim, "/api/v1/pods", kT))["items"].size();
  const nlohmann::json big =
      nlohmann::json::parse(Get(sim, "/api/v1/pods?limit=" + std::to_string(pods), kT));
  EXPECT_EQ(big["items"].size(), pods);
  EXPECT_FALSE(big["metadata"].contains("continue"));
}

TEST(SimulatorModelTest, BadListParametersAre400AndOldTokens410) {
  const Simulator& sim = Default();
  const Response bad = sim.Handle("GET", "/api/v1/pods?limit=5&continue=garbage!", kT);
  EXPECT_EQ(bad.status, 400);
  const nlohmann::json status = nlohmann::json::parse(*bad.body);
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["reason"], "BadRequest");
  EXPECT_EQ(status["code"], 400);
  EXPECT_NE(status["message"].get<std::string>().find("invalid continue token"), std::string::npos);
  EXPECT_EQ(sim.Handle("GET", "/api/v1/nodes?limit=many", kT).status, 400);

  const std::string token =
      nlohmann::json::parse(Get(sim, "/api/v1/pods?limit=5", kT))["metadata"]["continue"];
  const std::string next = "/api/v1/pods?limit=5&continue=" + token;
  EXPECT_EQ(sim.Handle("GET", next, kT + minutes(4)).status, 200);
  const Response expired = sim.Handle("GET", next, kT + minutes(6));
  EXPECT_EQ(expired.status, 410);
  EXPECT_EQ(nlohmann::json::parse(*expired.body)["reason"], "Expired");
}

// Render speed at this size is measured by bench/run collector, not here.
TEST(SimulatorModelTest, TenThousandPodsParse) {
  const Simulator sim(SimulatorOptions{1, {500, 10'000}});
  const Response r = sim.Handle("GET", "/api/v1/pods", kT);
  ASSERT_EQ(r.status, 200);
  EXPECT_GT(sources::ParsePodList(*r.body).size(), 10'000U * 3 / 4);
  const std::string node = sim.State(kT)->nodes.front().name;
  EXPECT_EQ(sim.Handle("GET", KubeletPath(node), kT).status, 200);
}

}  // namespace
}  // namespace costledger::simulator
