#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "costledger/model/aws_records.hpp"
#include "costledger/model/kubernetes_records.hpp"
#include "costledger/model/metric_samples.hpp"

namespace costledger::model {

/// How one source fared in one scrape.
struct SourceStatus {
  std::string source;  ///< "nodes", "pods", "kubelet/<node>", "dcgm/<url>", "athena"
  std::string error;   ///< empty when it worked
  std::chrono::milliseconds elapsed{0};
};

/// One scrape of every live source. A failed source leaves its part empty and says why in
/// `statuses`; it never stops the others.
struct ClusterSnapshot {
  std::chrono::sys_seconds taken_at;
  std::optional<std::vector<Node>> nodes;
  std::optional<std::vector<Pod>> pods;
  std::map<std::string, std::vector<KubeletContainerSample>> kubelet;  ///< by node name
  std::vector<DcgmGpuSample> gpus;
  std::optional<std::vector<AthenaQueryExecution>> queries;
  std::vector<SourceStatus> statuses;
};

}  // namespace costledger::model
