#include "costledger/model/volume_attribution.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "costledger/model/idle_sharing.hpp"
#include "costledger/model/shared_text_pool.hpp"
#include "costledger/model/string_map.hpp"
#include "costledger/model/volume_pricing.hpp"
#include "costledger/model/workload_naming.hpp"

namespace costledger::model {
namespace {

std::string ClaimKey(std::string_view namespace_name, std::string_view claim) {
  std::string key(namespace_name);
  key.append(1, '/').append(claim);
  return key;
}

// `amount` split evenly and exactly over `keys` (sorted or not: remainders go to the smallest).
std::vector<Money> SplitEvenly(Money amount, std::span<const std::string_view> keys) {
  const std::vector<std::int64_t> weights(keys.size(), 0);
  std::vector<Money> shares(keys.size());
  DistributeExactly(amount, weights, keys, shares);
  return shares;
}

}  // namespace

void AttributeVolumes(std::chrono::sys_seconds start, std::chrono::seconds length,
                      std::span<const Node> nodes, std::span<const Pod> pods,
                      std::span<const PersistentVolume> volumes,
                      const std::vector<PersistentVolumeClaim>* claims,
                      std::span<const StorageClass> classes, const PriceBook& prices,
                      const IntervalSettings& settings, IntervalCosts& out) {
  if (volumes.empty()) return;
  std::unordered_map<std::string_view, const StorageClass*> class_by_name;
  for (const StorageClass& c : classes) class_by_name.emplace(c.name, &c);
  std::unordered_map<std::string_view, const Node*> node_by_name;
  for (const Node& n : nodes) node_by_name.emplace(n.name, &n);
  // Claim -> the PV it is bound to, when the claims were listed.
  StringMap<std::string_view> claim_volume;
  if (claims != nullptr) {
    claim_volume.reserve(claims->size());
    for (const PersistentVolumeClaim& c : *claims) {
      claim_volume.emplace(ClaimKey(c.namespace_name, c.name), c.volume_name);
    }
  }
  // Claim -> pods charged this interval that mount it; a pod listing a claim twice counts once.
  StringMap<std::vector<const Pod*>> mounts;
  for (const Pod& pod : pods) {
    if (pod.claims.empty() || pod.node_name.empty() || !PodChargedDuring(pod, start)) continue;
    for (const PodClaim& mount : pod.claims) {
      std::vector<const Pod*>& list = mounts[ClaimKey(pod.namespace_name, mount.claim)];
      if (list.empty() || list.back() != &pod) list.push_back(&pod);
    }
  }

  // Bound: the PV names the claim and the claim (when listed) names the PV.
  const auto is_bound = [&](const PersistentVolume& pv) {
    if (pv.claim_name.empty()) return false;
    if (claims == nullptr) return true;
    const auto it = claim_volume.find(ClaimKey(pv.claim_namespace, pv.claim_name));
    return it != claim_volume.end() && it->second == pv.name;
  };
  // The pods charged this interval that mount a bound PV's claim; nullptr when none do.
  const auto users_of = [&](const PersistentVolume& pv, bool bound) {
    const std::vector<const Pod*>* users = nullptr;
    if (bound) {
      const auto it = mounts.find(ClaimKey(pv.claim_namespace, pv.claim_name));
      if (it != mounts.end()) users = &it->second;
    }
    return users;
  };
  // The rows sized once: grown by doubling, the shares held up to twice the memory they
  // needed, at the peak of a first interval.
  std::size_t priced = 0;
  std::size_t shares = 0;
  for (const PersistentVolume& pv : volumes) {
    if (pv.capacity_bytes <= 0) continue;
    ++priced;
    const std::vector<const Pod*>* users = users_of(pv, is_bound(pv));
    if (users == nullptr) {
      ++shares;
      continue;
    }
    for (const Pod* p : *users) shares += std::max<std::size_t>(p->containers.size(), 1);
  }
  out.volumes.reserve(out.volumes.size() + priced);
  out.volume_shares.reserve(out.volume_shares.size() + shares);

  const auto interval_seconds = static_cast<double>(length.count());
  // The shares' labels, each value held once (as AttributeInterval's rows hold theirs).
  SharedTextPool texts;
  const SharedText& cluster = texts.Intern(settings.cluster);
  const SharedText& unmounted = texts.Intern(kUnmountedName);
  for (const PersistentVolume& pv : volumes) {
    if (pv.capacity_bytes <= 0) continue;  // not provisioned yet: nothing billed
    const auto sc = class_by_name.find(pv.storage_class);
    const VolumeSpec spec = VolumeSpecOf(pv, sc != class_by_name.end() ? sc->second : nullptr);
    VolumeCostRow row;
    row.volume = pv.name;
    row.provider_id = pv.volume_handle;
    row.storage_class = pv.storage_class;
    row.price_key = spec.price_key;
    row.zone = pv.zone;
    row.size_bytes = spec.size_bytes;
    row.billed_iops = spec.billed_iops;
    row.billed_throughput_mibps = spec.billed_throughput_mibps;
    row.price = prices.VolumePriceOf(spec.price_key);
    if (row.price.source == PriceSource::kMissing) {
      out.warnings.push_back(fmt::format("volume {}: no storage price for '{}'; costed at $0",
                                         pv.name, spec.price_key));
    }
    row.cost = VolumeIntervalCost(spec, row.price.price, length);

    const bool bound = is_bound(pv);
    if (bound) {
      row.claim_namespace = pv.claim_namespace;
      row.claim = pv.claim_name;
    }
    const std::vector<const Pod*>* users = users_of(pv, bound);
    const double volume_byte_seconds = static_cast<double>(row.size_bytes) * interval_seconds;
    if (users == nullptr) {
      VolumeShareRow share;
      share.labels.cluster = cluster;
      share.labels.namespace_name = bound ? texts.Intern(pv.claim_namespace) : unmounted;
      // Named like OpenCost's unmounted allocation in every aggregation but team, capacity
      // and instance type, which a volume has none of.
      for (SharedText* label :
           {&share.labels.node, &share.labels.controller_kind, &share.labels.controller,
            &share.labels.pod, &share.labels.container, &share.labels.platform,
            &share.labels.workload}) {
        *label = unmounted;
      }
      share.volume = pv.name;
      share.byte_seconds = volume_byte_seconds;
      share.cost = row.cost;
      out.volume_shares.push_back(std::move(share));
    } else {
      row.mounts = users->size();
      std::vector<std::string> pod_keys;
      pod_keys.reserve(users->size());
      for (const Pod* p : *users) pod_keys.push_back(p->name);  // one namespace: names unique
      const std::vector<std::string_view> pod_views(pod_keys.begin(), pod_keys.end());
      const std::vector<Money> pod_shares = SplitEvenly(row.cost, pod_views);
      const double pod_byte_seconds = volume_byte_seconds / static_cast<double>(users->size());
      for (std::size_t i = 0; i < users->size(); ++i) {
        const Pod& pod = *(*users)[i];
        std::vector<std::string_view> containers;
        for (const Container& c : pod.containers) containers.push_back(c.name);
        if (containers.empty()) containers.emplace_back();
        const std::vector<Money> container_shares = SplitEvenly(pod_shares[i], containers);
        const WorkloadName workload = NameWorkload(pod);
        const auto node = node_by_name.find(pod.node_name);
        CostLabels pod_labels;
        pod_labels.cluster = cluster;
        pod_labels.node = texts.Intern(pod.node_name);
        pod_labels.namespace_name = texts.Intern(pod.namespace_name);
        pod_labels.controller_kind = texts.Intern(pod.controller_kind);
        pod_labels.controller = texts.Intern(pod.controller_name);
        pod_labels.pod = SharedText(pod.name);
        if (const auto team = pod.labels.find(settings.team_label); team != pod.labels.end()) {
          pod_labels.team = texts.Intern(team->second);
        }
        if (node != node_by_name.end()) {
          pod_labels.capacity_type = texts.Intern(ToString(node->second->capacity_type));
          pod_labels.instance_type = texts.Intern(node->second->instance_type);
        }
        pod_labels.platform = texts.Intern(workload.platform);
        pod_labels.workload = texts.Intern(workload.workload);
        for (std::size_t j = 0; j < containers.size(); ++j) {
          VolumeShareRow share;
          share.labels = pod_labels;
          share.labels.container = texts.Intern(containers[j]);
          share.volume = pv.name;
          share.byte_seconds = pod_byte_seconds / static_cast<double>(containers.size());
          share.cost = container_shares[j];
          out.volume_shares.push_back(std::move(share));
        }
      }
    }
    out.volumes.push_back(std::move(row));
  }
}

}  // namespace costledger::model
