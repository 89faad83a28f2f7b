#pragma once

#include <string>

#include "costledger/simulator/cluster_spec.hpp"
#include "costledger/simulator/cluster_state.hpp"

namespace costledger::simulator {

/// NVIDIA DCGM exporter metrics (Prometheus text) for the GPUs of every node (`node` < 0) or
/// of `state.nodes[node]`: clocks, temperature, power, energy, DCGM_FI_DEV_GPU_UTIL,
/// DCGM_FI_DEV_MEM_COPY_UTIL, DCGM_FI_DEV_FB_FREE, DCGM_FI_DEV_FB_USED and
/// DCGM_FI_PROF_GR_ENGINE_ACTIVE per device, labelled gpu, UUID, pci_bus_id, device, modelName,
/// Hostname, and container/namespace/pod while a running pod holds the device.
std::string RenderDcgmMetrics(const ClusterSpec& spec, const ClusterState& state, int node = -1);

}  // namespace costledger::simulator
