#include "costledger/model/interval_attribution.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "costledger/model/shared_text_pool.hpp"
#include "costledger/model/workload_naming.hpp"

namespace costledger::model {

bool PodChargedDuring(const Pod& pod, std::chrono::sys_seconds start) {
  switch (pod.phase) {
    case PodPhase::kPending:  // bound pods hold their requests while images pull
    case PodPhase::kRunning:
    case PodPhase::kUnknown:  // node unreachable: the capacity is still reserved
      return true;
    case PodPhase::kSucceeded:
    case PodPhase::kFailed:
      return pod.finished.has_value() && *pod.finished > start;
  }
  return false;
}

namespace {

struct PendingRow {
  const Pod* pod;
  std::string container;
  model::ContainerDemand demand;
  const ContainerUsage* usage;
};

ResourceQuantities Sum(std::span<const Container> containers) {
  ResourceQuantities sum;
  for (const Container& c : containers) {
    sum.cpu_millicores += c.requests.cpu_millicores;
    sum.memory_bytes += c.requests.memory_bytes;
    sum.gpu_devices += c.requests.gpu_devices;
  }
  return sum;
}

// Rows of one pod: its app containers, plus the init-container reservation beyond them.
void AddPodRows(const Pod& pod, const UsageIndex& usage, std::vector<PendingRow>& rows) {
  for (const Container& c : pod.containers) {
    const ContainerUsage* u = usage.Find(UsageIndex::Key(pod.namespace_name, pod.name, c.name));
    model::ContainerDemand d;
    d.cpu_request_millicores = c.requests.cpu_millicores;
    d.memory_request_bytes = c.requests.memory_bytes;
    d.gpu_devices = c.requests.gpu_devices;
    if (u != nullptr) {
      d.cpu_usage_millicores = u->cpu_millicores;
      d.memory_usage_bytes = u->memory_bytes;
    }
    rows.push_back({&pod, c.name, d, u});
  }
  const ResourceQuantities app = Sum(pod.containers);
  const ResourceQuantities& eff = pod.effective_requests;
  model::ContainerDemand excess;
  excess.cpu_request_millicores =
      std::max<std::int64_t>(eff.cpu_millicores - app.cpu_millicores, 0);
  excess.memory_request_bytes = std::max<std::int64_t>(eff.memory_bytes - app.memory_bytes, 0);
  excess.gpu_devices = std::max<std::int64_t>(eff.gpu_devices - app.gpu_devices, 0);
  if (pod.init_containers.empty() ||
      (excess.cpu_request_millicores | excess.memory_request_bytes | excess.gpu_devices) == 0) {
    return;
  }
  const auto largest =
      std::max_element(pod.init_containers.begin(), pod.init_containers.end(),
                       [](const Container& a, const Container& b) {
                         return a.requests.cpu_millicores + a.requests.memory_bytes / (1 << 20) <
                                b.requests.cpu_millicores + b.requests.memory_bytes / (1 << 20);
                       });
  rows.push_back({&pod, largest->name, excess, nullptr});
}

}  // namespace

model::Money IntervalCosts::TotalCost() const {
  model::Money total;
  for (const NodeCostRow& n : nodes) total += n.attribution.node_cost;
  return total;
}

model::Money IntervalCosts::VolumeCost() const {
  model::Money total;
  for (const VolumeCostRow& v : volumes) total += v.cost;
  return total;
}

model::Money IntervalCosts::IdleCost() const {
  model::Money total;
  for (const NodeCostRow& n : nodes) total += n.attribution.idle.Total();
  return total;
}

IntervalCosts AttributeInterval(std::chrono::sys_seconds start, std::chrono::seconds length,
                                std::span<const Node> nodes, std::span<const Pod> pods,
                                const UsageIndex& usage, const model::PriceBook& prices,
                                const IntervalSettings& settings) {
  IntervalCosts out;
  out.start = start;
  out.length = length;

  std::unordered_map<std::string_view, std::vector<const Pod*>> pods_by_node;
  pods_by_node.reserve(nodes.size());
  std::size_t most_rows = 0;
  for (const Pod& pod : pods) {
    if (pod.node_name.empty() || !PodChargedDuring(pod, start)) continue;
    pods_by_node[pod.node_name].push_back(&pod);
    most_rows += pod.containers.size() + (pod.init_containers.empty() ? 0 : 1);
  }
  out.containers.reserve(most_rows);  // sized once: the rows of 10^4 pods are megabytes
  out.nodes.reserve(nodes.size());

  std::vector<PendingRow> rows;
  std::vector<model::ContainerDemand> demands;
  std::vector<model::ResourceCosts> costs;
  // The rows' labels, each value held once (a pod's name by its own rows only).
  SharedTextPool texts;
  const SharedText& cluster = texts.Intern(settings.cluster);
  for (const Node& node : nodes) {
    NodeCostRow n;
    n.node = node.name;
    n.instance_type = node.instance_type;
    n.zone = node.zone;
    n.capacity_type = node.capacity_type;
    n.node_group = node.node_group;
    n.capacity = node.capacity;
    n.price = prices.PriceAt(node.instance_type, node.zone, node.capacity_type, start);
    if (n.price.source == model::PriceSource::kMissing) {
      out.warnings.push_back(fmt::format("node {}: no price for instance type '{}'; costed at $0",
                                         node.name, node.instance_type));
    } else if (n.price.source == model::PriceSource::kOnDemandSpotFallback) {
      out.warnings.push_back(
          fmt::format("node {}: no spot price for {} in {}; on-demand price used", node.name,
                      node.instance_type, node.zone));
    }
    n.unit_prices = model::SplitNodePrice(n.price.price, node.capacity, settings.weights);

    rows.clear();
    if (const auto it = pods_by_node.find(node.name); it != pods_by_node.end()) {
      for (const Pod* pod : it->second) AddPodRows(*pod, usage, rows);
      pods_by_node.erase(it);
    }
    demands.clear();
    for (const PendingRow& r : rows) demands.push_back(r.demand);
    costs.assign(rows.size(), {});
    n.attribution = model::AttributeNode(model::IntervalCost(n.price.price, length), node.capacity,
                                         settings.weights, demands, costs);
    n.containers = rows.size();

    // A pod's rows are adjacent: its labels (and workload) are made once.
    const SharedText& node_name = texts.Intern(node.name);
    const SharedText& capacity_type = texts.Intern(model::ToString(node.capacity_type));
    const SharedText& instance_type = texts.Intern(node.instance_type);
    CostLabels pod_labels;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      // AddPodRows names every row's pod; a row without one would lose its cost silently.
      if (rows[i].pod == nullptr) throw std::logic_error("AttributeInterval: a row without a pod");
      const Pod& pod = *rows[i].pod;
      if (i == 0 || rows[i - 1].pod != rows[i].pod) {
        const WorkloadName workload = NameWorkload(pod);
        const auto team = pod.labels.find(settings.team_label);
        pod_labels = {cluster,
                      node_name,
                      texts.Intern(pod.namespace_name),
                      texts.Intern(pod.controller_kind),
                      texts.Intern(pod.controller_name),
                      SharedText(pod.name),
                      {},
                      team != pod.labels.end() ? texts.Intern(team->second) : SharedText(),
                      capacity_type,
                      instance_type,
                      texts.Intern(workload.platform),
                      texts.Intern(workload.workload)};
      }
      ContainerCostRow row;
      row.labels = pod_labels;
      row.labels.container = texts.Intern(rows[i].container);
      row.demand = rows[i].demand;
      row.cost = costs[i];
      row.usage_observed = rows[i].usage != nullptr;
      if (rows[i].usage != nullptr) row.gpu_busy_devices = rows[i].usage->gpu_busy_devices;
      out.containers.push_back(std::move(row));
    }
    out.nodes.push_back(std::move(n));
  }
  // What is left are pods on nodes not listed: warned of in node order, whatever the hashing.
  std::vector<std::pair<std::string_view, std::size_t>> orphans;
  orphans.reserve(pods_by_node.size());
  for (const auto& [node_name, pods_on_node] : pods_by_node) {
    orphans.emplace_back(node_name, pods_on_node.size());
  }
  std::sort(orphans.begin(), orphans.end());
  for (const auto& [node_name, count] : orphans) {
    out.warnings.push_back(
        fmt::format("{} pod(s) bound to node {} which is not in the node list; "
                    "not costed this interval",
                    count, node_name));
  }
  return out;
}

}  // namespace costledger::model
