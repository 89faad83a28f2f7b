#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "costledger/model/metric_samples.hpp"
#include "costledger/model/string_map.hpp"

namespace costledger::model {

/// Average usage of one container over an interval.
struct ContainerUsage {
  std::int64_t cpu_millicores = 0;         ///< average over the interval, rounded to the millicore
  std::int64_t memory_bytes = 0;           ///< working set at the end of the interval
  std::optional<double> gpu_busy_devices;  ///< sum of device utilisation fractions, if known
};

/// Usage keyed by "namespace/pod/container".
class UsageIndex {
 public:
  static std::string Key(std::string_view namespace_name, std::string_view pod,
                         std::string_view container);
  void Set(std::string key, ContainerUsage usage) { by_key_[std::move(key)] = usage; }
  ContainerUsage& Upsert(const std::string& key) { return by_key_[key]; }
  /// Usage of the container, or nullptr when it was not observed this interval.
  const ContainerUsage* Find(std::string_view key) const;
  std::size_t size() const { return by_key_.size(); }

 private:
  StringMap<ContainerUsage> by_key_;
};

/// The CPU counters of one kubelet scrape by container (UsageIndex::Key): all that the next
/// scrape needs to turn its counters into rates, without keeping the samples.
class CpuCounters {
 public:
  CpuCounters() = default;
  /// Containers without a CPU counter are left out; should a container repeat, its last
  /// counter counts.
  explicit CpuCounters(std::span<const KubeletContainerSample> samples);
  /// The counter of container `key`, or nullptr when it had none.
  const double* Find(std::string_view key) const;
  std::size_t size() const { return by_key_.size(); }

 private:
  std::vector<std::pair<std::string, double>> by_key_;  // sorted by key, keys unique
};

/// As AddKubeletUsage, with the previous scrape's counters only.
void AddKubeletUsageSince(const CpuCounters& previous,
                          std::span<const KubeletContainerSample> current,
                          std::chrono::duration<double> elapsed, UsageIndex& usage);

/// Turns two kubelet scrapes `elapsed` apart into average CPU rates and current working sets.
/// A counter that went down (container restarted) counts only what the new counter holds, never
/// negative usage; a container absent from `previous` (new, or a missed scrape) gets no CPU rate,
/// so a gap is never priced as usage.
void AddKubeletUsage(std::span<const KubeletContainerSample> previous,
                     std::span<const KubeletContainerSample> current,
                     std::chrono::duration<double> elapsed, UsageIndex& usage);

/// Adds GPU utilisation from DCGM: each device's utilisation fraction is summed per container.
void AddGpuUsage(std::span<const DcgmGpuSample> gpus, UsageIndex& usage);

}  // namespace costledger::model
