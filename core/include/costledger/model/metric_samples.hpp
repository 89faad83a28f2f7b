#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace costledger::model {

/// Per-container readings from kubelet /metrics/resource.
struct KubeletContainerSample {
  std::string namespace_name;
  std::string pod;
  std::string container;
  std::optional<double> cpu_usage_seconds_total;   ///< container_cpu_usage_seconds_total
  std::optional<double> memory_working_set_bytes;  ///< container_memory_working_set_bytes
  std::optional<std::int64_t> timestamp_ms;        ///< timestamp of the CPU counter if given
};

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

}  // namespace costledger::model
