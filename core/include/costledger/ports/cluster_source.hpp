#pragma once

#include <chrono>
#include <functional>
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
  /// Sees each pod as it is read, before the snapshot keeps it: it may take what is needed only
  /// once (the collector takes the labels it sends).
  using PodVisitor = std::function<void(model::Pod& pod)>;
  /// ScrapeState with `visit` called on every pod of the snapshot. A source that reads the pod
  /// list in chunks calls it chunk by chunk, so that what it takes is never held for every pod
  /// at once; this default calls it once the snapshot is whole. A pod listed again (a list
  /// restarted) is seen again.
  virtual model::ClusterSnapshot ScrapeStateVisitingPods(std::chrono::sys_seconds at,
                                                         const PodVisitor& visit) {
    model::ClusterSnapshot snapshot = ScrapeState(at);
    if (snapshot.pods) {
      for (model::Pod& pod : *snapshot.pods) visit(pod);
    }
    return snapshot;
  }
  /// Adds the per-container usage counters of `nodes` (kubelet) to `snapshot`.
  virtual void ScrapeKubelets(std::span<const model::Node> nodes,
                              model::ClusterSnapshot& snapshot) = 0;
};

}  // namespace costledger::ports
