#pragma once

#include <cstdint>
#include <string_view>

namespace costledger::model {

/// Kubernetes resource.Quantity parsing: plain numbers ("2", "1.5", "129e6", "1E3"),
/// decimal SI suffixes (n u m k M G T P E) and binary ones (Ki Mi Gi Ti Pi Ei).
/// Throws InvalidInput (quoting the text) for anything else, negative values and overflow.

/// CPU in millicores, rounded up as Kubernetes does ("0.1m" -> 1, "500m" -> 500, "2" -> 2000).
std::int64_t ParseCpuMillicores(std::string_view quantity);

/// Bytes, rounded up to a whole byte ("1Gi" -> 1073741824, "1G" -> 1e9, "129e6").
std::int64_t ParseBytes(std::string_view quantity);

/// A count of devices (e.g. nvidia.com/gpu), rounded up ("1" -> 1).
std::int64_t ParseCount(std::string_view quantity);

}  // namespace costledger::model
