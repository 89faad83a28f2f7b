#pragma once

#include <string_view>
#include <vector>

#include "costledger/model/metric_samples.hpp"

namespace costledger::sources {

/// Extracts per-device utilisation and memory from NVIDIA DCGM exporter text, merged per device
/// (UUID, else gpu+Hostname). Throws InvalidInput as ParsePrometheusText does.
std::vector<model::DcgmGpuSample> ParseDcgmMetrics(std::string_view text);

}  // namespace costledger::sources
