#include "sample_batches.hpp"

#include <fmt/core.h>

#include <array>
#include <string_view>
#include <vector>

#include "costledger/model/attribution.hpp"
#include "costledger/model/split_weights.hpp"
#include "costledger/model/volume_attribution.hpp"

namespace costledger::testing {
namespace {
constexpr std::int64_t kMiB = std::int64_t{1} << 20;
constexpr std::int64_t kGiB = std::int64_t{1} << 30;

// Container c's platform and workload, as NameWorkload would name them: one of each platform.
constexpr std::array<std::string_view, 4> kPlatforms{"kubernetes", "jupyterhub", "spark", "ray"};
std::string WorkloadOf(int c) {
  switch (c % 4) {
    case 0:
      return fmt::format("Deployment:app-{}", c % 13);
    case 1:
      return fmt::format("notebook:user-{}", c % 3);
    case 2:
      return fmt::format("spark:etl-{}", c % 5);
    default:
      return "raycluster:train";
  }
}
}  // namespace

void AddCostedNode(model::IntervalBatch& batch, model::NodeCostRow node,
                   std::vector<model::ContainerCostRow> containers) {
  const model::SplitWeights weights;
  node.unit_prices = model::SplitNodePrice(node.price.price, node.capacity, weights);
  std::vector<model::ContainerDemand> demands;
  demands.reserve(containers.size());
  for (const model::ContainerCostRow& c : containers) demands.push_back(c.demand);
  std::vector<model::ResourceCosts> costs(demands.size());
  node.attribution = model::AttributeNode(model::IntervalCost(node.price.price, batch.costs.length),
                                          node.capacity, weights, demands, costs);
  node.containers = containers.size();
  for (std::size_t c = 0; c < containers.size(); ++c) {
    containers[c].cost = costs[c];
    batch.costs.containers.push_back(std::move(containers[c]));
  }
  batch.costs.nodes.push_back(std::move(node));
}

model::IntervalBatch MakeBatch(const std::string& cluster, std::chrono::sys_seconds start,
                               int nodes, int per_node, std::chrono::seconds length) {
  model::IntervalBatch batch;
  batch.cluster = cluster;
  batch.costs.start = start;
  batch.costs.length = length;
  for (int i = 0; i < nodes; ++i) {
    model::NodeCostRow n;
    n.node = fmt::format("ip-10-0-{}-{}", i / 250, i % 250);
    n.instance_type = i % 4 == 0 ? "g5.4xlarge" : "m5.4xlarge";
    n.zone = i % 2 == 0 ? "us-east-1a" : "us-east-1b";
    n.capacity_type = i % 3 == 0 ? model::CapacityType::kSpot : model::CapacityType::kOnDemand;
    n.capacity = {16'000, 64 * kGiB, i % 4 == 0 ? 1 : 0};
    n.price = {{model::Money::FromNanos(768'000'000 + 1'234 * i)},
               i % 3 == 0 ? model::PriceSource::kSpot : model::PriceSource::kOnDemand};
    std::vector<model::ContainerCostRow> containers;
    for (int c = 0; c < per_node; ++c) {
      model::ContainerCostRow row;
      row.labels = {cluster,
                    n.node,
                    fmt::format("ns-{}", c % 7),
                    "Deployment",
                    fmt::format("app-{}", c % 13),
                    fmt::format("{}-pod-{}", n.node, c),
                    c % 2 == 0 ? "main" : "sidecar",
                    fmt::format("team-{}", c % 3),
                    std::string(model::ToString(n.capacity_type)),
                    n.instance_type,
                    std::string(kPlatforms[c % 4]),
                    WorkloadOf(c)};
      row.demand.cpu_request_millicores = 100 + 7 * c;
      row.demand.cpu_usage_millicores = c % 5 == 0 ? 0 : 60 + 11 * c;
      row.demand.memory_request_bytes = (200 + c) * kMiB;
      row.demand.memory_usage_bytes = (150 + 3 * c) * kMiB;
      row.demand.gpu_devices = (n.capacity.gpu_devices > 0 && c == 0) ? 1 : 0;
      if (row.demand.gpu_devices > 0) row.gpu_busy_devices = 0.75;
      row.usage_observed = row.demand.cpu_usage_millicores > 0;
      containers.push_back(std::move(row));
    }
    AddCostedNode(batch, std::move(n), std::move(containers));
  }
  return batch;
}

void AddSampleVolumes(model::IntervalBatch& batch) {
  const model::CostLabels& first = batch.costs.containers.at(0).labels;
  model::Node node;
  node.name = first.node;
  node.instance_type = first.instance_type;
  model::Pod pod;
  pod.namespace_name = first.namespace_name;
  pod.name = first.pod;
  pod.node_name = first.node;
  pod.phase = model::PodPhase::kRunning;
  pod.labels = model::Labels{{"team", first.team}};  // its shares are the team's, as its costs
  pod.containers.push_back({first.container, {}, {}});
  pod.claims = {{"data", "data"}};
  model::PersistentVolume mounted;
  mounted.name = "pv-data";
  mounted.capacity_bytes = 100 * kGiB;
  mounted.csi_driver = "ebs.csi.aws.com";
  mounted.storage_class = "gp3";
  mounted.claim_namespace = pod.namespace_name;
  mounted.claim_name = "data";
  model::PersistentVolume loose = mounted;
  loose.name = "pv-loose";
  loose.capacity_bytes = 50 * kGiB;
  loose.storage_class = "io2";
  loose.claim_name.clear();
  loose.claim_namespace.clear();
  model::PriceBook prices;
  prices.SetVolumePrice("gp3", {model::Money::ParseDollars("0.08"), {}, {}});
  prices.SetVolumePrice("io2", {model::Money::ParseDollars("0.125"), {}, {}});
  model::IntervalSettings settings;
  settings.cluster = batch.cluster;
  model::AttributeVolumes(
      batch.costs.start, batch.costs.length, std::vector<model::Node>{node},
      std::vector<model::Pod>{pod}, std::vector<model::PersistentVolume>{mounted, loose}, nullptr,
      std::vector<model::StorageClass>{{"gp3", "ebs.csi.aws.com", {{"type", "gp3"}}},
                                       {"io2", "ebs.csi.aws.com", {{"type", "io2"}}}},
      prices, settings, batch.costs);
}

}  // namespace costledger::testing
