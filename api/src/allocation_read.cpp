#include "costledger/api/allocation_read.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

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

// includeAggregatedMetadata on a grouping coarser than pods: an allocation carries the labels
// all of its pods share (same key, same value), as OpenCost intersects the properties of what
// it aggregates; none when its pods span namespaces (OpenCost intersects labels only within
// one). Which pods make up each allocation comes from a second read grouped by pod as well,
// built into sets by the same rules; each pod's labels join its rows as more grouped columns,
// so the "value common to every row" BuildAllocationSets keeps is exactly the shared labels.
void AttachSharedPodLabels(ports::AllocationReader& reader, const model::AllocationRequest& request,
                           const model::TeamScope& scope,
                           std::span<const model::PropertyRef> grouping,
                           std::vector<model::AllocationSet>& sets) {
  const model::PropertyRef namespace_ref{model::CostProperty::kNamespace, {}};
  const model::PropertyRef pod_ref{model::CostProperty::kPod, {}};
  const model::PropertyRef cluster_ref{model::CostProperty::kCluster, {}};
  std::vector<model::PropertyRef> by_pod(grouping.begin(), grouping.end());
  for (const model::PropertyRef& p : {namespace_ref, pod_ref}) {
    if (std::find(by_pod.begin(), by_pod.end(), p) == by_pod.end()) by_pod.push_back(p);
  }
  const auto index_of = [&](const model::PropertyRef& p) {
    return static_cast<std::size_t>(std::find(by_pod.begin(), by_pod.end(), p) - by_pod.begin());
  };
  const std::size_t ns_at = index_of(namespace_ref);
  const std::size_t pod_at = index_of(pod_ref);
  const std::size_t cluster_at = index_of(cluster_ref);  // GroupingFor always groups by cluster
  std::vector<model::AllocationRow> rows =
      reader.ReadAllocations(request.window.start, request.window.end, request.ReadStep(), by_pod);
  if (rows.empty()) return;
  std::set<std::pair<std::string, std::string>> pod_set;
  for (const model::AllocationRow& row : rows) {
    pod_set.emplace(row.values.at(ns_at), row.values.at(pod_at));
  }
  const std::vector<std::pair<std::string, std::string>> pods(pod_set.begin(), pod_set.end());
  std::map<std::tuple<std::string, std::string, std::string>, model::Labels> labels_of;
  std::set<std::string> keys;
  for (ports::StoredPodLabels& p : reader.ReadPodLabels(pods)) {
    for (const auto& [key, value] : p.pod.labels) keys.insert(key);
    labels_of[{p.cluster, p.pod.namespace_name, p.pod.pod}] = std::move(p.pod.labels);
  }
  if (keys.empty()) return;
  std::vector<model::PropertyRef> with_labels = by_pod;
  std::vector<std::string> added;  // label keys not grouped by already, in column order
  for (const std::string& key : keys) {
    const model::PropertyRef ref{model::CostProperty::kLabel, key};
    if (std::find(by_pod.begin(), by_pod.end(), ref) != by_pod.end()) continue;
    with_labels.push_back(ref);
    added.push_back(key);
  }
  const model::Labels none;
  for (model::AllocationRow& row : rows) {
    const auto it =
        labels_of.find({row.values.at(cluster_at), row.values.at(ns_at), row.values.at(pod_at)});
    const model::Labels& labels = it == labels_of.end() ? none : it->second;
    for (const std::string& key : added) {
      const auto v = labels.find(key);
      row.values.push_back(v == labels.end() ? std::string() : v->second);
    }
  }
  // Idle changes no allocation's name or members: left out.
  model::AllocationRequest members = request;
  members.include_idle = false;
  members.share_idle = false;
  const std::vector<model::AllocationSet> by_members =
      model::BuildAllocationSets(members, scope, with_labels, rows, {});
  for (std::size_t s = 0; s < sets.size() && s < by_members.size(); ++s) {
    std::map<std::string_view, const model::Allocation*> shared;
    for (const model::Allocation& a : by_members[s].allocations) {
      if (a.properties.contains("namespace")) shared.emplace(a.name, &a);
    }
    for (model::Allocation& a : sets[s].allocations) {
      const auto it = shared.find(a.name);
      if (it == shared.end()) continue;
      for (const auto& [key, value] : it->second->labels) a.labels.emplace(key, value);
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
  const auto grouped = [&](model::CostProperty p) {
    return std::any_of(grouping.begin(), grouping.end(),
                       [p](const model::PropertyRef& r) { return r.property == p; });
  };
  if (request.include_aggregated_metadata &&
      !(grouped(model::CostProperty::kNamespace) && grouped(model::CostProperty::kPod))) {
    AttachSharedPodLabels(reader, request, scope, grouping, sets);
  }
  return sets;
}

}  // namespace costledger::api
