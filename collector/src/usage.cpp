#include "costledger/collector/usage.hpp"

#include <cmath>

namespace costledger::collector {

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

void AddKubeletUsage(std::span<const KubeletContainerSample> previous,
                     std::span<const KubeletContainerSample> current,
                     std::chrono::duration<double> elapsed, UsageIndex& usage) {
  std::map<std::string, double, std::less<>> previous_cpu;
  for (const KubeletContainerSample& s : previous) {
    if (s.cpu_usage_seconds_total) {
      previous_cpu[UsageIndex::Key(s.namespace_name, s.pod, s.container)] =
          *s.cpu_usage_seconds_total;
    }
  }
  const double seconds = elapsed.count();
  for (const KubeletContainerSample& s : current) {
    const std::string key = UsageIndex::Key(s.namespace_name, s.pod, s.container);
    ContainerUsage& u = usage.Upsert(key);
    if (s.memory_working_set_bytes && std::isfinite(*s.memory_working_set_bytes) &&
        *s.memory_working_set_bytes > 0) {
      u.memory_bytes = std::llround(*s.memory_working_set_bytes);
    }
    const auto prev = previous_cpu.find(key);
    if (!s.cpu_usage_seconds_total || prev == previous_cpu.end() || seconds <= 0 ||
        !std::isfinite(*s.cpu_usage_seconds_total)) {
      continue;
    }
    double delta = *s.cpu_usage_seconds_total - prev->second;
    if (delta < 0) delta = *s.cpu_usage_seconds_total;  // counter reset on restart
    u.cpu_millicores = std::llround(std::max(delta, 0.0) / seconds * 1000.0);
  }
}

void AddGpuUsage(std::span<const DcgmGpuSample> gpus, UsageIndex& usage) {
  for (const DcgmGpuSample& g : gpus) {
    if (g.pod.empty() || !g.utilisation_percent || !std::isfinite(*g.utilisation_percent)) continue;
    ContainerUsage& u = usage.Upsert(UsageIndex::Key(g.namespace_name, g.pod, g.container));
    u.gpu_busy_devices = u.gpu_busy_devices.value_or(0.0) + *g.utilisation_percent / 100.0;
  }
}

}  // namespace costledger::collector
