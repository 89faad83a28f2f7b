#pragma once

#include <string_view>
#include <vector>

#include "costledger/collector/kubernetes_records.hpp"

namespace costledger::collector {

/// Parses a Kubernetes `v1 NodeList` JSON document (GET /api/v1/nodes).
/// Unknown fields are ignored; missing optional fields get defaults. Throws InvalidInput naming
/// the item and field on malformed input (bad JSON, wrong kind, unparsable quantity).
std::vector<Node> ParseNodeList(std::string_view json);

/// Parses a Kubernetes `v1 PodList` JSON document (GET /api/v1/pods). Same error contract.
std::vector<Pod> ParsePodList(std::string_view json);

}  // namespace costledger::collector
