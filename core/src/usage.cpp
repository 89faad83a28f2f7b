#include "costledger/model/usage.hpp"

#include <algorithm>
#include <cmath>

namespace costledger::model {

std::string UsageIndex::Key(std::string_view namespace_name, std::string_view pod,
                            std::string_view container) {
  std::string key;
  key.reserve(namespace_name.size() + pod.size() + container.size() + 2);
  key.append(namespace_name).append(1, '/').append(pod).append(1, '/').append(container);
  return key;
}

const ContainerUsage* UsageIndex::Find(std::string_view key) const {
  const auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &it->second;
}

CpuCounters::CpuCounters(std::span<const KubeletContainerSample> samples) {
  by_key_.reserve(samples.size());
  for (const KubeletContainerSample& s : samples) {
    if (s.cpu_usage_seconds_total) {
      by_key_.emplace_back(UsageIndex::Key(s.namespace_name, s.pod, s.container),
                           *s.cpu_usage_seconds_total);
    }
  }
  // Stable, so that of repeated keys the last one can be kept.
  std::stable_sort(by_key_.begin(), by_key_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < by_key_.size(); ++i) {
    if (i + 1 < by_key_.size() && by_key_[i + 1].first == by_key_[i].first) continue;
    if (kept != i) by_key_[kept] = std::move(by_key_[i]);
    ++kept;
  }
  by_key_.resize(kept);
  by_key_.shrink_to_fit();
}

const double* CpuCounters::Find(std::string_view key) const {
  const auto it =
      std::lower_bound(by_key_.begin(), by_key_.end(), key,
                       [](const auto& entry, std::string_view k) { return entry.first < k; });
  return it != by_key_.end() && it->first == key ? &it->second : nullptr;
}

void AddKubeletUsageSince(const CpuCounters& previous,
                          std::span<const KubeletContainerSample> current,
                          std::chrono::duration<double> elapsed, UsageIndex& usage) {
  const double seconds = elapsed.count();
  std::string key;
  for (const KubeletContainerSample& s : current) {
    key = UsageIndex::Key(s.namespace_name, s.pod, s.container);
    ContainerUsage& u = usage.Upsert(key);
    if (s.memory_working_set_bytes && std::isfinite(*s.memory_working_set_bytes) &&
        *s.memory_working_set_bytes > 0) {
      u.memory_bytes = std::llround(*s.memory_working_set_bytes);
    }
    const double* prev = previous.Find(key);
    if (!s.cpu_usage_seconds_total || prev == nullptr || seconds <= 0 ||
        !std::isfinite(*s.cpu_usage_seconds_total)) {
      continue;
    }
    double delta = *s.cpu_usage_seconds_total - *prev;
    if (delta < 0) delta = *s.cpu_usage_seconds_total;  // counter reset on restart
    u.cpu_millicores = std::llround(std::max(delta, 0.0) / seconds * 1000.0);
  }
}

void AddKubeletUsage(std::span<const KubeletContainerSample> previous,
                     std::span<const KubeletContainerSample> current,
                     std::chrono::duration<double> elapsed, UsageIndex& usage) {
  AddKubeletUsageSince(CpuCounters(previous), current, elapsed, usage);
}

void AddGpuUsage(std::span<const DcgmGpuSample> gpus, UsageIndex& usage) {
  for (const DcgmGpuSample& g : gpus) {
    if (g.pod.empty() || !g.utilisation_percent || !std::isfinite(*g.utilisation_percent)) continue;
    ContainerUsage& u = usage.Upsert(UsageIndex::Key(g.namespace_name, g.pod, g.container));
    u.gpu_busy_devices = u.gpu_busy_devices.value_or(0.0) + *g.utilisation_percent / 100.0;
  }
}

}  // namespace costledger::model
