#include "costledger/api/allocation_read.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <string>
#include <utility>

namespace costledger::api {
namespace {

// OpenCost's properties.labels of a pod's allocations are the pod's labels: when the grouping
// names pods, each allocation gets the labels last collected of its pod (of its cluster when
// grouped by cluster, else those its clusters share), besides the labels it is grouped by.
void AttachPodLabels(ports::AllocationReader& reader, std::span<const model::PropertyRef> grouping,
                     std::vector<model::AllocationSet>& sets) {
  const auto grouped = [&](model::CostProperty p) {
    return std::any_of(grouping.begin(), grouping.end(),
                       [p](const model::PropertyRef& r) { return r.property == p; });
  };
  if (!grouped(model::CostProperty::kNamespace) || !grouped(model::CostProperty::kPod)) return;
  const auto property = [](const model::Allocation& a, const char* name) -> const std::string* {
    const auto it = a.properties.find(name);
    return it == a.properties.end() ? nullptr : &it->second;
  };
  std::map<std::pair<std::string, std::string>, std::map<std::string, model::Labels>> found;
  for (const model::AllocationSet& set : sets) {
    for (const model::Allocation& a : set.allocations) {
      const std::string* ns = property(a, "namespace");
      const std::string* pod = property(a, "pod");
      if (ns != nullptr && pod != nullptr) found.try_emplace({*ns, *pod});
    }
  }
  if (found.empty()) return;
  std::vector<std::pair<std::string, std::string>> pods;
  pods.reserve(found.size());
  for (const auto& [key, labels] : found) pods.push_back(key);
  for (ports::StoredPodLabels& p : reader.ReadPodLabels(pods)) {
    const auto it = found.find({p.pod.namespace_name, p.pod.pod});
    if (it != found.end()) it->second[p.cluster] = std::move(p.pod.labels);
  }
  for (model::AllocationSet& set : sets) {
    for (model::Allocation& a : set.allocations) {
      const std::string* ns = property(a, "namespace");
      const std::string* pod = property(a, "pod");
      if (ns == nullptr || pod == nullptr) continue;
      const auto& by_cluster = found.at({*ns, *pod});
      if (by_cluster.empty()) continue;
      const std::string* cluster = property(a, "cluster");
      if (cluster != nullptr) {
        const auto own = by_cluster.find(*cluster);
        if (own == by_cluster.end()) continue;
        for (const auto& [key, value] : own->second) a.labels.emplace(key, value);
        continue;
      }
      // No cluster: the labels every cluster with this pod gives the same value.
      for (const auto& label : by_cluster.begin()->second) {
        const bool shared = std::all_of(by_cluster.begin(), by_cluster.end(), [&](const auto& c) {
          const auto v = c.second.find(label.first);
          return v != c.second.end() && v->second == label.second;
        });
        if (shared) a.labels.insert(label);
      }
    }
  }
}

}  // namespace

std::vector<model::AllocationSet> ReadAllocationSets(ports::AllocationReader& reader,
                                                     const model::AllocationRequest& request,
                                                     const model::TeamScope& scope) {
  const std::vector<model::PropertyRef> grouping = model::GroupingFor(request, scope);
  const std::chrono::seconds step = request.ReadStep();
  // Idle comes from the node tables: read it on a second pooled connection meanwhile.
  const bool idle_needed = request.include_idle || request.share_idle;
  std::future<std::vector<model::IdleRow>> idle_read;
  if (idle_needed) {
    idle_read = std::async(std::launch::async, [&] {
      return reader.ReadIdle(request.window.start, request.window.end, step);
    });
  }
  const auto rows =
      reader.ReadAllocations(request.window.start, request.window.end, step, grouping);
  const auto idle = idle_needed ? idle_read.get() : std::vector<model::IdleRow>{};
  std::vector<model::AllocationSet> sets =
      model::BuildAllocationSets(request, scope, grouping, rows, idle);
  AttachPodLabels(reader, grouping, sets);
  return sets;
}

}  // namespace costledger::api
