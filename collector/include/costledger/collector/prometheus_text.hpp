#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace costledger::collector {

/// One sample line of the Prometheus text exposition format 0.0.4.
struct PromSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;  ///< unescaped values, input order
  double value = 0;                                         ///< NaN and +/-Inf allowed
  std::optional<std::int64_t> timestamp_ms;

  /// The value of label `key`, or empty.
  std::string_view Label(std::string_view key) const;
};

/// Parses the text format: HELP/TYPE and other comment lines, blank lines, escaped label values
/// (\\, \", \n), optional timestamps, NaN/+Inf/-Inf. Throws InvalidInput naming the line number
/// and what is wrong.
std::vector<PromSample> ParsePrometheusText(std::string_view text);

/// Per-container readings from kubelet /metrics/resource.
struct KubeletContainerSample {
  std::string namespace_name;
  std::string pod;
  std::string container;
  std::optional<double> cpu_usage_seconds_total;   ///< container_cpu_usage_seconds_total
  std::optional<double> memory_working_set_bytes;  ///< container_memory_working_set_bytes
  std::optional<std::int64_t> timestamp_ms;        ///< timestamp of the CPU counter if given
};

/// Extracts per-container CPU counter and working set from kubelet /metrics/resource text,
/// merging both families per (namespace, pod, container). Other families are ignored.
std::vector<KubeletContainerSample> ParseKubeletResourceMetrics(std::string_view text);

/// One GPU device as reported by the NVIDIA DCGM exporter.
struct DcgmGpuSample {
  std::string gpu;             ///< label "gpu" (device index)
  std::string uuid;            ///< label "UUID"
  std::string hostname;        ///< label "Hostname"
  std::string model;           ///< label "modelName"
  std::string namespace_name;  ///< empty when the device is not assigned to a pod
  std::string pod;
  std::string container;
  std::optional<double> utilisation_percent;   ///< DCGM_FI_DEV_GPU_UTIL (0-100)
  std::optional<double> framebuffer_used_mib;  ///< DCGM_FI_DEV_FB_USED
};

/// Extracts per-device utilisation and memory, merged per device (UUID, else gpu+Hostname).
std::vector<DcgmGpuSample> ParseDcgmMetrics(std::string_view text);

}  // namespace costledger::collector
