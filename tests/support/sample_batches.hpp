#pragma once

#include <chrono>
#include <string>

#include "costledger/collector/interval_batch.hpp"

namespace costledger::testing {

/// A batch of `nodes` nodes with `per_node` containers each, costed by the real cost model so
/// that container costs plus idle equal each node's cost. Deterministic: namespaces ns-0..6,
/// teams team-0..2, every fourth node a GPU node, every third spot.
collector::IntervalBatch MakeBatch(const std::string& cluster, std::chrono::sys_seconds start,
                                   int nodes, int per_node,
                                   std::chrono::seconds length = std::chrono::seconds(60));

}  // namespace costledger::testing
