#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "costledger/model/aws_records.hpp"
#include "costledger/model/kubernetes_records.hpp"
#include "costledger/model/metric_samples.hpp"
#include "costledger/model/volume_records.hpp"

namespace costledger::model {

/// How one source fared in one scrape.
struct SourceStatus {
  std::string
      source;  ///< "nodes", "pods", "persistentvolumes", "kubelet/<node>", "dcgm/<url>", "athena"
  std::string error;  ///< empty when it worked
  std::chrono::milliseconds elapsed{0};
};

/// One scrape of every live source. A failed source leaves its part empty and says why in
/// `statuses`; it never stops the others.
struct ClusterSnapshot {
  std::chrono::sys_seconds taken_at;
  std::optional<std::vector<Node>> nodes;
  std::optional<std::vector<Pod>> pods;
  /// Persistent volumes, their claims and storage classes (rule 9); each empty when its list
  /// failed.
  std::optional<std::vector<PersistentVolume>> volumes;
  std::optional<std::vector<PersistentVolumeClaim>> claims;
  std::optional<std::vector<StorageClass>> storage_classes;
  std::map<std::string, std::vector<KubeletContainerSample>> kubelet;  ///< by node name
  std::vector<DcgmGpuSample> gpus;
  std::optional<std::vector<AthenaQueryExecution>> queries;
  std::vector<SourceStatus> statuses;
};

}  // namespace costledger::model
