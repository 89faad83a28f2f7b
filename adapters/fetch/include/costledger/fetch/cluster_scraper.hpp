#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "costledger/model/aws_records.hpp"
#include "costledger/model/kubernetes_records.hpp"
#include "costledger/model/metric_samples.hpp"

namespace costledger::fetch {

/// Where the live sources are (DESIGN's `sources` section).
struct SourceSettings {
  std::string api_url;     ///< Kubernetes API server; kubelets are read through its node proxy
  std::string token_file;  ///< bearer token, re-read every scrape (tokens rotate)
  std::string ca_file;
  std::vector<std::string> dcgm_urls;
  std::string athena_executions;  ///< URL or path; empty to skip
  std::chrono::milliseconds timeout{10'000};
};

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
  std::optional<std::vector<model::Node>> nodes;
  std::optional<std::vector<model::Pod>> pods;
  std::map<std::string, std::vector<model::KubeletContainerSample>> kubelet;  ///< by node name
  std::vector<model::DcgmGpuSample> gpus;
  std::optional<std::vector<model::AthenaQueryExecution>> queries;
  std::vector<SourceStatus> statuses;
};

/// Scrapes all sources concurrently with the configured timeout: nodes, pods, DCGM and Athena
/// in one round, then every node's kubelet (GET {api_url}/api/v1/nodes/{node}/proxy/metrics/
/// resource) in a second. Nodes and pods are listed in chunks (`limit`, `continue`), as
/// client-go's pager does, and every response is parsed as it arrives: memory holds the
/// responses in flight, never a whole scrape's.
ClusterSnapshot ScrapeCluster(const SourceSettings& settings, std::chrono::sys_seconds at);

/// The first round of ScrapeCluster: nodes, pods, DCGM and Athena.
ClusterSnapshot ScrapeClusterState(const SourceSettings& settings, std::chrono::sys_seconds at);

/// The second round: the kubelets of `nodes`, added to `snap.kubelet` and `snap.statuses`.
void ScrapeKubelets(const SourceSettings& settings, std::span<const model::Node> nodes,
                    ClusterSnapshot& snap);

}  // namespace costledger::fetch
