#pragma once

#include <chrono>
#include <span>

#include "costledger/model/cluster_snapshot.hpp"
#include "costledger/model/kubernetes_records.hpp"

namespace costledger::ports {

/// Where a cluster snapshot comes from (the collector reads it once per interval). A source that
/// fails leaves its part of the snapshot empty and says why in `statuses`; it never throws for
/// that. Implementations may be called from one thread at a time.
class ClusterSource {
 public:
  ClusterSource() = default;
  virtual ~ClusterSource() = default;
  // An interface: implementations are used through references, never copied or moved.
  ClusterSource(const ClusterSource&) = delete;
  ClusterSource& operator=(const ClusterSource&) = delete;
  ClusterSource(ClusterSource&&) = delete;
  ClusterSource& operator=(ClusterSource&&) = delete;
  /// Nodes, pods, GPU devices and query executions as of `at`.
  virtual model::ClusterSnapshot ScrapeState(std::chrono::sys_seconds at) = 0;
  /// Adds the per-container usage counters of `nodes` (kubelet) to `snapshot`.
  virtual void ScrapeKubelets(std::span<const model::Node> nodes,
                              model::ClusterSnapshot& snapshot) = 0;
};

}  // namespace costledger::ports
