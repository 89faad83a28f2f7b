#include "costledger/fetch/cluster_scraper.hpp"

#include <fmt/core.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <utility>

#include "costledger/fetch/http_fetch.hpp"
#include "costledger/sources/athena_parser.hpp"
#include "costledger/sources/dcgm_metrics.hpp"
#include "costledger/sources/kubelet_metrics.hpp"
#include "costledger/sources/kubernetes_parser.hpp"
#include "costledger/sources/volume_parser.hpp"

namespace costledger::fetch {
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

// A query parameter value: everything but RFC 3986's unreserved characters percent-encoded.
std::string QueryEscape(std::string_view value) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[b >> 4U]);
      out.push_back(kHex[b & 15U]);
    }
  }
  return out;
}

// Parses a fetched body; a parse error becomes the source's error, never an exception.
template <typename Parse>
auto ParseInto(const FetchResult& fetched, model::SourceStatus& status, Parse parse)
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

// Lists a collection in chunks, as client-go's pager does: `?limit=` a chunk, then the next
// chunk with the `continue` token of the last, each parsed as it arrives; memory holds one
// chunk's text and the records. An expired token (410 Gone) restarts the list once in full.
template <typename Record>
class ListPager {
 public:
  using ParseChunk = sources::ListMetadata (*)(std::string_view, std::vector<Record>&);

  using Visit = std::function<void(Record&)>;

  // `visit`, when set, sees each record once its chunk is read. With `parse_protobuf`, chunks
  // are asked for in Kubernetes' protobuf encoding first (client-go does so for core types):
  // the API server answers pods in it, read several times faster than their JSON; a server or
  // proxy that answers JSON is read as JSON.
  ListPager(FetchQueue& queue, std::string url, ParseChunk parse, model::SourceStatus& status,
            std::optional<std::vector<Record>>& out, Visit visit = {},
            ParseChunk parse_protobuf = nullptr)
      : queue_(queue),
        url_(std::move(url)),
        parse_(parse),
        parse_protobuf_(parse_protobuf),
        status_(status),
        out_(out),
        visit_(std::move(visit)) {}

  void Start() { Fetch(fmt::format("{}?limit={}", url_, kListChunkItems)); }

 private:
  // 500 is client-go's default page size (and kube-state-metrics', the reflector's...).
  static constexpr int kListChunkItems = 500;
  static constexpr int kMaxChunks = 100'000;
  static constexpr std::int64_t kMaxReservedItems = 1'000'000;  // a count, not a promise

  void Fetch(const std::string& url) {
    queue_.Add(
        url, [this](FetchResult&& r) { OnChunk(std::move(r)); },
        std::string(parse_protobuf_ != nullptr ? sources::kProtobufThenJson : ""));
  }

  void OnChunk(FetchResult&& fetched) {
    status_.elapsed += fetched.elapsed;
    if (!fetched.ok()) {
      if (fetched.status == 410 && !restarted_) {
        restarted_ = true;
        items_.clear();
        Fetch(url_);
        return;
      }
      status_.error = fetched.error;
      return;
    }
    sources::ListMetadata meta;
    const std::size_t read_before = items_.size();
    try {
      const bool protobuf = parse_protobuf_ != nullptr &&
                            fetched.content_type.starts_with(sources::kKubernetesProtobuf);
      meta = (protobuf ? parse_protobuf_ : parse_)(fetched.body, items_);
    } catch (const std::exception& e) {
      status_.error = fmt::format("{}: {}", fetched.url, e.what());
      return;
    }
    if (visit_) {
      for (std::size_t i = read_before; i < items_.size(); ++i) visit_(items_[i]);
    }
    if (meta.continue_token.empty()) {
      out_ = std::move(items_);
      return;
    }
    // Sized once for the whole list, rather than grown (and copied) chunk after chunk.
    if (meta.remaining_item_count && *meta.remaining_item_count > 0 &&
        *meta.remaining_item_count < kMaxReservedItems) {
      items_.reserve(items_.size() + static_cast<std::size_t>(*meta.remaining_item_count));
    }
    if (meta.continue_token == last_token_ || ++chunks_ >= kMaxChunks) {
      status_.error = fmt::format("{}: the list does not end (continue token {:?} after {} chunks)",
                                  fetched.url, meta.continue_token, chunks_);
      return;
    }
    last_token_ = meta.continue_token;
    Fetch(fmt::format("{}?limit={}&continue={}", url_, kListChunkItems,
                      QueryEscape(meta.continue_token)));
  }

  FetchQueue& queue_;
  std::string url_;
  ParseChunk parse_;
  ParseChunk parse_protobuf_;
  model::SourceStatus& status_;
  std::optional<std::vector<Record>>& out_;
  Visit visit_;
  std::vector<Record> items_;
  std::string last_token_;
  int chunks_ = 0;
  bool restarted_ = false;
};

FetchOptions OptionsOf(const SourceSettings& settings, std::string& token_error) {
  FetchOptions options;
  options.timeout = settings.timeout;
  options.ca_file = settings.ca_file;
  options.bearer_token = ReadToken(settings.token_file, token_error);
  return options;
}

}  // namespace

model::ClusterSnapshot ScrapeCluster(const SourceSettings& settings, std::chrono::sys_seconds at) {
  model::ClusterSnapshot snap = ScrapeClusterState(settings, at);
  if (snap.nodes) ScrapeKubelets(settings, *snap.nodes, snap);
  return snap;
}

model::ClusterSnapshot ScrapeClusterState(const SourceSettings& settings,
                                          std::chrono::sys_seconds at,
                                          const ports::ClusterSource::PodVisitor& visit_pod) {
  model::ClusterSnapshot snap;
  snap.taken_at = at;
  std::string token_error;
  const FetchOptions options = OptionsOf(settings, token_error);
  const std::string api = TrimSlash(settings.api_url);

  // Round 1: cluster state (chunked lists), GPUs and queries together; each response is parsed
  // as it arrives. Statuses keep their order: nodes, pods, persistent volumes, their claims,
  // storage classes, every DCGM URL, Athena.
  snap.statuses.push_back({"nodes", token_error, {}});
  snap.statuses.push_back({"pods", token_error, {}});
  snap.statuses.push_back({"persistentvolumes", token_error, {}});
  snap.statuses.push_back({"persistentvolumeclaims", token_error, {}});
  snap.statuses.push_back({"storageclasses", token_error, {}});
  constexpr std::size_t kFirstDcgmStatus = 5;
  for (const std::string& u : settings.dcgm_urls) snap.statuses.push_back({"dcgm/" + u, {}, {}});
  if (!settings.athena_executions.empty()) snap.statuses.push_back({"athena", {}, {}});
  std::vector<std::vector<model::DcgmGpuSample>> gpus_by_url(settings.dcgm_urls.size());
  {
    FetchQueue queue(options);
    ListPager<model::Node> nodes(queue, api + "/api/v1/nodes", sources::ParseNodeListChunk,
                                 snap.statuses[0], snap.nodes);
    ListPager<model::Pod> pods(queue, api + "/api/v1/pods", sources::ParsePodListChunk,
                               snap.statuses[1], snap.pods, visit_pod,
                               sources::ParsePodListChunkProtobuf);
    ListPager<model::PersistentVolume> volumes(queue, api + "/api/v1/persistentvolumes",
                                               sources::ParsePersistentVolumeListChunk,
                                               snap.statuses[2], snap.volumes);
    ListPager<model::PersistentVolumeClaim> claims(queue, api + "/api/v1/persistentvolumeclaims",
                                                   sources::ParsePersistentVolumeClaimListChunk,
                                                   snap.statuses[3], snap.claims);
    ListPager<model::StorageClass> classes(queue, api + "/apis/storage.k8s.io/v1/storageclasses",
                                           sources::ParseStorageClassListChunk, snap.statuses[4],
                                           snap.storage_classes);
    if (token_error.empty()) {
      nodes.Start();
      pods.Start();
      volumes.Start();
      claims.Start();
      classes.Start();
    }
    for (std::size_t i = 0; i < settings.dcgm_urls.size(); ++i) {
      queue.Add(settings.dcgm_urls[i], [&snap, &gpus_by_url, i](FetchResult&& r) {
        if (auto gpus =
                ParseInto(r, snap.statuses[kFirstDcgmStatus + i], sources::ParseDcgmMetrics)) {
          gpus_by_url[i] = std::move(*gpus);
        }
      });
    }
    if (!settings.athena_executions.empty()) {
      queue.Add(settings.athena_executions, [&snap](FetchResult&& r) {
        snap.queries = ParseInto(r, snap.statuses.back(), sources::ParseAthenaQueryExecutions);
      });
    }
    queue.Run();
  }
  // Devices in the order of the configured URLs, whichever exporter answered first.
  for (std::vector<model::DcgmGpuSample>& gpus : gpus_by_url) {
    snap.gpus.insert(snap.gpus.end(), std::make_move_iterator(gpus.begin()),
                     std::make_move_iterator(gpus.end()));
  }

  return snap;
}

void ScrapeKubelets(const SourceSettings& settings, std::span<const model::Node> nodes,
                    model::ClusterSnapshot& snap) {
  std::string token_error;
  FetchOptions options = OptionsOf(settings, token_error);
  options.deadline = std::chrono::steady_clock::now() + settings.kubelet_deadline;
  const std::string api = TrimSlash(settings.api_url);
  FetchQueue queue(options, settings.kubelet_concurrency);
  const std::size_t first_status = snap.statuses.size();
  for (const model::Node& n : nodes)
    snap.statuses.push_back({"kubelet/" + n.name, token_error, {}});
  if (!token_error.empty()) return;
  // NOLINTNEXTLINE(modernize-loop-convert): the index also picks the node's status slot
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::string& node = nodes[i].name;
    queue.Add(fmt::format("{}/api/v1/nodes/{}/proxy/metrics/resource", api, node),
              [&snap, &node, status = first_status + i](FetchResult&& r) {
                if (auto samples =
                        ParseInto(r, snap.statuses[status], sources::ParseKubeletResourceMetrics)) {
                  snap.kubelet[node] = std::move(*samples);
                }
              });
  }
  queue.Run();
}

}  // namespace costledger::fetch
