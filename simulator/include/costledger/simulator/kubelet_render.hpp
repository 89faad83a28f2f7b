#pragma once

#include <string>

#include "costledger/simulator/cluster_spec.hpp"
#include "costledger/simulator/cluster_state.hpp"

namespace costledger::simulator {

/// GET /api/v1/nodes/{node}/proxy/metrics/resource for `state.nodes[node]`: the kubelet's
/// Prometheus text with container_cpu_usage_seconds_total (counter), container_memory_working_
/// set_bytes, container_start_time_seconds, container_swap_usage_bytes per running container,
/// node_* and pod_* families and resource_scrape_error. Samples carry millisecond timestamps
/// a few seconds before the state's time, as the kubelet's cached stats do.
std::string RenderKubeletResourceMetrics(const ClusterSpec& spec, const ClusterState& state,
                                         int node);

}  // namespace costledger::simulator
