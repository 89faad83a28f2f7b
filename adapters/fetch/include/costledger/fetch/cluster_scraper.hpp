#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "costledger/model/cluster_snapshot.hpp"
#include "costledger/model/kubernetes_records.hpp"
#include "costledger/ports/cluster_source.hpp"

namespace costledger::fetch {

/// Where the live sources are (DESIGN's `sources` section).
struct SourceSettings {
  std::string api_url;     ///< Kubernetes API server; kubelets are read through its node proxy
  std::string token_file;  ///< bearer token, re-read every scrape (tokens rotate)
  std::string ca_file;
  std::vector<std::string> dcgm_urls;
  std::string athena_executions;  ///< URL or path; empty to skip
  std::chrono::milliseconds timeout{10'000};
  /// Kubelets read at once through the API server's node proxy (its load is this many
  /// concurrent requests).
  int kubelet_concurrency = 64;
  /// The whole kubelet round ends by this long after it starts: kubelets not read by then count
  /// as failed sources for the interval (their containers are costed by requests).
  std::chrono::milliseconds kubelet_deadline{10'000};
};

/// Scrapes all sources concurrently with the configured timeout: nodes, pods, DCGM and Athena
/// in one round, then every node's kubelet (GET {api_url}/api/v1/nodes/{node}/proxy/metrics/
/// resource) in a second. Nodes and pods are listed in chunks (`limit`, `continue`), as
/// client-go's pager does, and every response is parsed as it arrives: memory holds the
/// responses in flight, never a whole scrape's.
model::ClusterSnapshot ScrapeCluster(const SourceSettings& settings, std::chrono::sys_seconds at);

/// The first round of ScrapeCluster: nodes, pods, DCGM and Athena. `visit_pod`, when set, is
/// called on each pod once its chunk of the list is read (ClusterSource::PodVisitor).
model::ClusterSnapshot ScrapeClusterState(const SourceSettings& settings,
                                          std::chrono::sys_seconds at,
                                          const ports::ClusterSource::PodVisitor& visit_pod = {});

/// The second round: the kubelets of `nodes`, added to `snap.kubelet` and `snap.statuses`, at
/// most `kubelet_concurrency` at a time and all within `kubelet_deadline`.
void ScrapeKubelets(const SourceSettings& settings, std::span<const model::Node> nodes,
                    model::ClusterSnapshot& snap);

/// The cluster source of the configuration: ScrapeClusterState and ScrapeKubelets over fixed
/// settings.
class HttpClusterSource final : public ports::ClusterSource {
 public:
  explicit HttpClusterSource(SourceSettings settings) : settings_(std::move(settings)) {}
  model::ClusterSnapshot ScrapeState(std::chrono::sys_seconds at) override {
    return ScrapeClusterState(settings_, at);
  }
  model::ClusterSnapshot ScrapeStateVisitingPods(std::chrono::sys_seconds at,
                                                 const PodVisitor& visit) override {
    return ScrapeClusterState(settings_, at, visit);
  }
  void ScrapeKubelets(std::span<const model::Node> nodes,
                      model::ClusterSnapshot& snapshot) override {
    fetch::ScrapeKubelets(settings_, nodes, snapshot);
  }

 private:
  SourceSettings settings_;
};

}  // namespace costledger::fetch
