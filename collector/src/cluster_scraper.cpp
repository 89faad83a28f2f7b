#include "costledger/collector/cluster_scraper.hpp"

#include <fmt/core.h>

#include <fstream>
#include <sstream>

#include "costledger/collector/aws_parsers.hpp"
#include "costledger/collector/http_fetch.hpp"
#include "costledger/collector/kubernetes_parser.hpp"

namespace costledger::collector {
namespace {

std::string ReadToken(const std::string& path, std::string& error) {
  if (path.empty()) return {};
  std::ifstream in(path);
  if (!in) {
    error = fmt::format("cannot read token_file {}", path);
    return {};
  }
  std::string token;
  std::getline(in, token);
  return token;
}

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Parses a fetched body; a parse error becomes the source's error, never an exception.
template <typename Parse>
auto ParseInto(const FetchResult& fetched, SourceStatus& status, Parse parse)
    -> std::optional<decltype(parse(std::string_view{}))> {
  status.elapsed = fetched.elapsed;
  if (!fetched.ok()) {
    status.error = fetched.error;
    return std::nullopt;
  }
  try {
    return parse(fetched.body);
  } catch (const std::exception& e) {
    status.error = fmt::format("{}: {}", fetched.url, e.what());
    return std::nullopt;
  }
}

}  // namespace

ClusterSnapshot ScrapeCluster(const SourceSettings& settings, std::chrono::sys_seconds at) {
  ClusterSnapshot snap;
  snap.taken_at = at;
  FetchOptions options;
  options.timeout = settings.timeout;
  options.ca_file = settings.ca_file;
  std::string token_error;
  options.bearer_token = ReadToken(settings.token_file, token_error);
  const std::string api = TrimSlash(settings.api_url);

  // Round 1: cluster state, GPUs and queries together.
  std::vector<std::string> urls{api + "/api/v1/nodes", api + "/api/v1/pods"};
  for (const std::string& u : settings.dcgm_urls) urls.push_back(u);
  if (!settings.athena_executions.empty()) urls.push_back(settings.athena_executions);
  const std::vector<FetchResult> first = FetchAll(urls, options);

  SourceStatus nodes_status{"nodes", token_error, {}};
  if (token_error.empty()) {
    snap.nodes = ParseInto(first[0], nodes_status, ParseNodeList);
  }
  snap.statuses.push_back(nodes_status);
  SourceStatus pods_status{"pods", token_error, {}};
  if (token_error.empty()) snap.pods = ParseInto(first[1], pods_status, ParsePodList);
  snap.statuses.push_back(pods_status);
  for (std::size_t i = 0; i < settings.dcgm_urls.size(); ++i) {
    SourceStatus s{"dcgm/" + settings.dcgm_urls[i], {}, {}};
    if (auto gpus = ParseInto(first[2 + i], s, ParseDcgmMetrics)) {
      snap.gpus.insert(snap.gpus.end(), gpus->begin(), gpus->end());
    }
    snap.statuses.push_back(s);
  }
  if (!settings.athena_executions.empty()) {
    SourceStatus s{"athena", {}, {}};
    snap.queries = ParseInto(first.back(), s, ParseAthenaQueryExecutions);
    snap.statuses.push_back(s);
  }

  // Round 2: every node's kubelet through the API server proxy.
  if (snap.nodes) {
    std::vector<std::string> kubelet_urls;
    for (const Node& n : *snap.nodes) {
      kubelet_urls.push_back(fmt::format("{}/api/v1/nodes/{}/proxy/metrics/resource", api, n.name));
    }
    const std::vector<FetchResult> scraped = FetchAll(kubelet_urls, options);
    for (std::size_t i = 0; i < scraped.size(); ++i) {
      const std::string& node = (*snap.nodes)[i].name;
      SourceStatus s{"kubelet/" + node, {}, {}};
      if (auto samples = ParseInto(scraped[i], s, ParseKubeletResourceMetrics)) {
        snap.kubelet[node] = std::move(*samples);
      }
      snap.statuses.push_back(std::move(s));
    }
  }
  return snap;
}

}  // namespace costledger::collector
