#pragma once

#include <cstdint>

namespace costledger::model {

/// What a node offers, in integer base units.
struct Capacity {
  std::int64_t cpu_millicores = 0;
  std::int64_t memory_bytes = 0;
  std::int64_t gpu_devices = 0;
};

/// One container's requests and its average usage over one interval.
/// Usage is 0 when it was not observed (a missed scrape is not priced as usage).
struct ContainerDemand {
  std::int64_t cpu_request_millicores = 0;
  std::int64_t cpu_usage_millicores = 0;
  std::int64_t memory_request_bytes = 0;
  std::int64_t memory_usage_bytes = 0;
  std::int64_t gpu_devices = 0;

  /// Rule 3: max(request, usage) for CPU and memory, requested devices for GPU.
  constexpr std::int64_t CpuAllocationMillicores() const {
    return cpu_usage_millicores > cpu_request_millicores ? cpu_usage_millicores
                                                         : cpu_request_millicores;
  }
  constexpr std::int64_t MemoryAllocationBytes() const {
    return memory_usage_bytes > memory_request_bytes ? memory_usage_bytes : memory_request_bytes;
  }
};

}  // namespace costledger::model
