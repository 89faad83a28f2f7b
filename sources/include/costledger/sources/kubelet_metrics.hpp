#pragma once

#include <string_view>
#include <vector>

#include "costledger/model/metric_samples.hpp"

namespace costledger::sources {

/// Extracts per-container CPU counter and working set from kubelet /metrics/resource text,
/// merging both families per (namespace, pod, container). Other families are ignored.
/// Throws InvalidInput as ParsePrometheusText does.
std::vector<model::KubeletContainerSample> ParseKubeletResourceMetrics(std::string_view text);

}  // namespace costledger::sources
