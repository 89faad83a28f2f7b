#include "costledger/simulator/simulator.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "costledger/model/ascii_case.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/simulator/athena_workload.hpp"
#include "costledger/simulator/aws_render.hpp"
#include "costledger/simulator/dcgm_render.hpp"
#include "costledger/simulator/kubelet_render.hpp"
#include "costledger/simulator/kubernetes_protobuf.hpp"
#include "costledger/simulator/kubernetes_render.hpp"
#include "costledger/simulator/list_chunks.hpp"
#include "costledger/simulator/spot_market.hpp"
#include "costledger/simulator/volume_render.hpp"
#include "text_format.hpp"

namespace costledger::simulator {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view kNodesPrefix = "/api/v1/nodes/";
constexpr std::string_view kKubeletSuffix = "/proxy/metrics/resource";
constexpr std::int64_t kSpotWindowSeconds = std::int64_t{24} * 3600;
constexpr std::int64_t kAthenaWindowMillis = std::int64_t{3600} * 1000;
constexpr std::size_t kCachedSeconds = 3;
constexpr std::size_t kSpareBuffers = 2;
constexpr std::size_t kMinPooledBytes = std::size_t{1} << 20;
// How long a chunked list's snapshot stays readable: the API server's etcd compacts every
// 5 minutes by default, after which a continue token is "Expired" (410).
constexpr std::int64_t kContinueWindowSeconds = 300;

Response Make(int status, std::string_view content_type, std::string body) {
  return {status, std::string(content_type), std::make_shared<const std::string>(std::move(body))};
}

Response JsonError(int status, std::string_view message) {
  std::string body;
  JsonWriter json(body);
  json.BeginObject().Member("code", status).Member("message", message).EndObject();
  body.push_back('\n');
  return Make(status, kJson, std::move(body));
}

// Large bodies are rendered into buffers recycled from earlier seconds: writing into memory
// that is already mapped spares the page faults that otherwise dominate rendering a 30 MB
// PodList. A body returns its buffer here when its last reference (cache entry or response in
// flight) goes away.
class BufferPool : public std::enable_shared_from_this<BufferPool> {
 public:
  std::string Take(const std::string& kind) {
    const std::lock_guard lock(mutex_);
    std::vector<std::string>& spare = spare_[kind];
    if (spare.empty()) return {};
    std::string buffer = std::move(spare.back());
    spare.pop_back();
    return buffer;
  }

  std::shared_ptr<const std::string> Share(std::string body, const std::string& kind) {
    std::shared_ptr<BufferPool> self = shared_from_this();
    return std::shared_ptr<std::string>(new std::string(std::move(body)),
                                        [self, kind](std::string* buffer) {
                                          self->Give(kind, std::unique_ptr<std::string>(buffer));
                                        });
  }

 private:
  void Give(const std::string& kind, std::unique_ptr<std::string> buffer) {
    if (buffer->capacity() < kMinPooledBytes) return;
    const std::lock_guard lock(mutex_);
    std::vector<std::string>& spare = spare_[kind];
    if (spare.size() < kSpareBuffers) spare.push_back(std::move(*buffer));
  }

  std::mutex mutex_;
  std::map<std::string, std::vector<std::string>, std::less<>> spare_;
};

bool IsDynamicRoute(std::string_view path) {
  if (path == "/api/v1/nodes" || path == "/api/v1/pods" || path == "/dcgm/metrics" ||
      path == "/pricing/spot_price_history.json" || path == "/athena/query_executions.json") {
    return true;
  }
  if (path.starts_with(kNodesPrefix)) {
    const std::string_view rest = path.substr(kNodesPrefix.size());
    const std::size_t slash = rest.find('/');
    return !rest.empty() &&
           (slash == std::string_view::npos || rest.substr(slash) == kKubeletSuffix);
  }
  if (path.starts_with("/dcgm/") && path.ends_with("/metrics")) {
    return path.size() > std::string_view("/dcgm//metrics").size();
  }
  return false;
}

// Takes the next `separator`-separated item off `list`, without surrounding blanks.
std::string_view NextItem(std::string_view& list, char separator) {
  const std::size_t end = list.find(separator);
  std::string_view item = list.substr(0, end);
  list = end == std::string_view::npos ? std::string_view{} : list.substr(end + 1);
  const std::size_t begin = item.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return item.substr(begin, item.find_last_not_of(" \t") - begin + 1);
}

// Whether an Accept header names Kubernetes' protobuf encoding with a weight above zero, as
// client-go's "application/vnd.kubernetes.protobuf, application/json" does. q=0 means "not
// acceptable"; other parameters are ignored.
bool AcceptsProtobuf(std::string_view accept) {
  while (!accept.empty()) {
    std::string_view range = NextItem(accept, ',');
    if (!model::EqualsIgnoringAsciiCase(NextItem(range, ';'), kKubernetesProtobuf)) continue;
    bool refused = false;
    while (!range.empty()) {
      const std::string_view parameter = NextItem(range, ';');
      if (parameter.size() > 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
          parameter[1] == '=') {
        refused =
            parameter[2] == '0' && parameter.find_first_not_of("0.", 3) == std::string_view::npos;
      }
    }
    if (!refused) return true;
  }
  return false;
}

// Parses `query` into `request`; the 400 answer when it is not valid.
std::optional<Response> ParseListQuery(std::string_view query, ListRequest& request) {
  try {
    request = ParseListRequest(query);
  } catch (const InvalidInput& e) {
    return Make(400, kJson, RenderStatus(400, "BadRequest", e.what()));
  }
  return std::nullopt;
}

}  // namespace

struct Simulator::Cache {
  using StateFuture = std::shared_future<std::shared_ptr<const ClusterState>>;
  using ResponseFuture = std::shared_future<std::shared_ptr<const Response>>;
  struct Entry {
    StateFuture state;
    std::map<std::string, ResponseFuture, std::less<>> responses;
  };

  // The entry of second `t`, created if missing; drops the oldest others beyond
  // kCachedSeconds (never the entry returned, even when a late request asks for an old second).
  Entry& At(std::int64_t t) {
    const auto entry = by_time.try_emplace(t).first;
    while (by_time.size() > kCachedSeconds) {
      auto oldest = by_time.begin();
      if (oldest == entry) ++oldest;
      by_time.erase(oldest);
    }
    return entry->second;
  }

  std::mutex mutex;
  std::map<std::int64_t, Entry> by_time;
  std::shared_ptr<BufferPool> buffers = std::make_shared<BufferPool>();
};

Simulator::Simulator(SimulatorOptions options)
    : options_(options),
      spec_(BuildClusterSpec(options.seed, options.size)),
      offer_file_(std::make_shared<const std::string>(RenderEc2OfferFile())),
      volume_lists_{std::make_shared<const std::string>(RenderPersistentVolumeList(spec_)),
                    std::make_shared<const std::string>(RenderPersistentVolumeClaimList(spec_)),
                    std::make_shared<const std::string>(RenderStorageClassList())},
      volume_items_{PersistentVolumeItems(spec_), PersistentVolumeClaimItems(spec_)},
      cache_(std::make_unique<Cache>()) {}

Simulator::~Simulator() = default;

std::shared_ptr<const ClusterState> Simulator::State(std::chrono::sys_seconds t) const {
  const std::int64_t seconds = t.time_since_epoch().count();
  std::promise<std::shared_ptr<const ClusterState>> promise;
  Cache::StateFuture future;
  bool compute = false;
  {
    const std::lock_guard lock(cache_->mutex);
    Cache::Entry& entry = cache_->At(seconds);
    if (!entry.state.valid()) {
      entry.state = promise.get_future().share();
      compute = true;
    }
    future = entry.state;
  }
  if (compute) {
    try {
      promise.set_value(std::make_shared<const ClusterState>(StateAt(spec_, t)));
    } catch (...) {
      promise.set_exception(std::current_exception());
    }
  }
  return future.get();
}

std::shared_ptr<const Response> Simulator::Cached(std::int64_t t, const std::string& key,
                                                  const std::function<Response()>& render) const {
  std::promise<std::shared_ptr<const Response>> promise;
  Cache::ResponseFuture future;
  bool compute = false;
  {
    const std::lock_guard lock(cache_->mutex);
    Cache::Entry& entry = cache_->At(t);
    auto it = entry.responses.find(key);
    if (it == entry.responses.end()) {
      it = entry.responses.emplace(key, promise.get_future().share()).first;
      compute = true;
    }
    future = it->second;
  }
  if (compute) {
    try {
      promise.set_value(std::make_shared<const Response>(render()));
    } catch (...) {
      promise.set_exception(std::current_exception());
    }
  }
  return future.get();
}

Response Simulator::Render(std::int64_t t, std::string_view path) const {
  const std::chrono::sys_seconds at{std::chrono::seconds(t)};
  if (path == "/pricing/spot_price_history.json") {
    return Make(200, kJson,
                RenderSpotPriceHistory(SpotPriceHistory(options_.seed, t - kSpotWindowSeconds, t)));
  }
  BufferPool& buffers = *cache_->buffers;
  const auto pooled = [&](std::string body, const std::string& kind) {
    return Response{200, std::string(kJson), buffers.Share(std::move(body), kind)};
  };
  if (path == "/athena/query_executions.json") {
    const int per_hour = std::clamp(spec_.size.pods / 2, 60, 2000);
    const std::string kind = "athena";
    return pooled(RenderAthenaQueryExecutions(AthenaQueriesSubmitted(options_.seed, per_hour,
                                                                     t * 1000, kAthenaWindowMillis),
                                              buffers.Take(kind)),
                  kind);
  }
  const std::shared_ptr<const ClusterState> state = State(at);
  if (path == "/api/v1/nodes") {
    const std::string kind = "nodes";
    return pooled(RenderNodeList(spec_, *state, buffers.Take(kind)), kind);
  }
  if (path == "/api/v1/pods") {
    const std::string kind = "pods";
    return pooled(RenderPodList(spec_, *state, buffers.Take(kind)), kind);
  }
  if (path == "/dcgm/metrics") return Make(200, kPrometheusText, RenderDcgmMetrics(spec_, *state));
  if (path.starts_with(kNodesPrefix)) {
    std::string_view name = path.substr(kNodesPrefix.size());
    const bool kubelet = name.ends_with(kKubeletSuffix);
    if (kubelet) name.remove_suffix(kKubeletSuffix.size());
    const int node = state->FindNode(name);
    if (node < 0) return Make(404, kJson, RenderNotFoundStatus("nodes", name));
    if (kubelet) {
      return Make(200, kPrometheusText, RenderKubeletResourceMetrics(spec_, *state, node));
    }
    return Make(200, kJson, RenderNode(spec_, *state, node));
  }
  if (path.starts_with("/dcgm/")) {
    std::string_view name = path.substr(6);
    name.remove_suffix(std::string_view("/metrics").size());
    const int node = state->FindNode(name);
    if (node < 0) return JsonError(404, fmt::format("no node {}", name));
    return Make(200, kPrometheusText, RenderDcgmMetrics(spec_, *state, node));
  }
  return JsonError(404, fmt::format("no route for {}", path));
}

Response Simulator::Handle(std::string_view method, std::string_view target,
                           std::chrono::sys_seconds t, std::string_view accept) const {
  const std::string_view path = target.substr(0, target.find('?'));
  if (method != "GET" && method != "HEAD") {
    return JsonError(405, fmt::format("method {} not allowed; the simulator serves GET", method));
  }
  if (path == "/healthz") return Make(200, "text/plain; charset=utf-8", "ok\n");
  if (path == "/pricing/ec2_offer.json") return {200, std::string(kJson), offer_file_};
  // Volumes outlive pods: the lists are the spec's, whatever the time; paged as the API
  // server pages them (`limit`, `continue`).
  if (path == "/api/v1/persistentvolumes" || path == "/api/v1/persistentvolumeclaims") {
    const std::size_t question = target.find('?');
    return VolumeList(path == "/api/v1/persistentvolumes" ? 0 : 1,
                      question == std::string_view::npos ? "" : target.substr(question + 1));
  }
  if (path == "/apis/storage.k8s.io/v1/storageclasses") {
    return {200, std::string(kJson), volume_lists_[2]};
  }
  if (path == "/") {
    return Make(200, kJson,
                "{\"endpoints\":[\"/api/v1/nodes\",\"/api/v1/pods\",\"/api/v1/persistentvolumes\","
                "\"/api/v1/persistentvolumeclaims\",\"/apis/storage.k8s.io/v1/storageclasses\","
                "\"/api/v1/nodes/{node}/proxy/metrics/resource\",\"/dcgm/metrics\","
                "\"/dcgm/{node}/metrics\",\"/pricing/ec2_offer.json\","
                "\"/pricing/spot_price_history.json\",\"/athena/query_executions.json\","
                "\"/healthz\"]}\n");
  }
  if (!IsDynamicRoute(path)) {
    return JsonError(404, fmt::format("no route for {} {}", method, path));
  }
  const std::int64_t seconds = t.time_since_epoch().count();
  if (path == "/api/v1/nodes" || path == "/api/v1/pods") {
    const std::size_t question = target.find('?');
    return List(path, question == std::string_view::npos ? "" : target.substr(question + 1),
                seconds, path == "/api/v1/pods" && AcceptsProtobuf(accept));
  }
  return *Cached(seconds, std::string(path), [&] { return Render(seconds, path); });
}

Response Simulator::List(std::string_view path, std::string_view query, std::int64_t t,
                         bool protobuf) const {
  // Every answer, the errors too, in the encoding asked for.
  const auto encoded = [&](const Response& json) { return protobuf ? Protobuf(json) : json; };
  ListRequest request;
  if (std::optional<Response> bad = ParseListQuery(query, request)) return encoded(*bad);
  // The encodings are cached apart: the same target is either, by the Accept header.
  const std::string_view encoding = protobuf ? "#protobuf" : "";
  if (request.limit == 0 && !request.continue_from) {
    return *Cached(t, fmt::format("{}{}", path, encoding),
                   [&] { return encoded(Render(t, path)); });
  }
  // Every chunk is read from the snapshot of the first, like etcd at the token's revision,
  // which etcd keeps until it compacts it away.
  std::int64_t at = t;
  if (request.continue_from) {
    at = ListTimeOf(request.continue_from->resource_version);
    if (at < t - kContinueWindowSeconds) {
      return encoded(Make(410, kJson,
                          RenderStatus(410, "Expired",
                                       "The provided continue parameter is too old to display a "
                                       "consistent list result. You can start a new list without "
                                       "the continue parameter.")));
    }
  }
  const std::string key = fmt::format(
      "{}?limit={}&continue={}{}", path, request.limit,
      request.continue_from ? EncodeContinueToken(*request.continue_from) : "", encoding);
  return *Cached(at, key, [&] { return encoded(RenderChunk(at, path, request)); });
}

// A PodList or Status response in Kubernetes' protobuf encoding. A list goes to a recycled
// buffer like its JSON, whose buffer returns to the pool when the caller drops `json`.
Response Simulator::Protobuf(const Response& json) const {
  if (json.status != 200) {
    return Make(json.status, kKubernetesProtobuf, EncodeKubernetesProtobuf(*json.body));
  }
  BufferPool& buffers = *cache_->buffers;
  const std::string kind = "pods.protobuf";
  return Response{200, std::string(kKubernetesProtobuf),
                  buffers.Share(EncodeKubernetesProtobuf(*json.body, buffers.Take(kind)), kind)};
}

Response Simulator::VolumeList(std::size_t list, std::string_view query) const {
  ListRequest request;
  if (std::optional<Response> bad = ParseListQuery(query, request)) return *bad;
  if (request.limit == 0 && !request.continue_from) {
    return {200, std::string(kJson), volume_lists_[list]};
  }
  // The lists never change (resourceVersion 1): a chunk starts at the index its token names.
  const std::vector<std::string>& items = volume_items_[list];
  ListChunk chunk;
  if (request.continue_from) {
    const std::string& start = request.continue_from->start;
    const auto [end, ec] = std::from_chars(start.data(), start.data() + start.size(), chunk.begin);
    if (ec != std::errc() || end != start.data() + start.size() || chunk.begin > items.size()) {
      return Make(400, kJson,
                  RenderStatus(400, "BadRequest", "continue key is not valid: unknown start"));
    }
  }
  chunk.end = request.limit > 0
                  ? std::min(items.size(), chunk.begin + static_cast<std::size_t>(request.limit))
                  : items.size();
  if (chunk.end < items.size()) {
    chunk.continue_token = EncodeContinueToken({1, std::to_string(chunk.end)});
    chunk.remaining_items = static_cast<std::int64_t>(items.size() - chunk.end);
  }
  return Make(200, kJson,
              RenderVolumeList(list == 0 ? "PersistentVolumeList" : "PersistentVolumeClaimList",
                               items, chunk));
}

Response Simulator::RenderChunk(std::int64_t t, std::string_view path,
                                const ListRequest& request) const {
  const std::shared_ptr<const ClusterState> state =
      State(std::chrono::sys_seconds{std::chrono::seconds(t)});
  const bool pods = path == "/api/v1/pods";
  const std::size_t size = pods ? state->pods.size() : state->nodes.size();
  const auto key_of = [&](std::size_t i) {
    return pods ? PodKey(spec_, state->pods[i]) : state->nodes[i].name;
  };
  ListChunk chunk;
  if (request.continue_from) {
    // The first item at or after the start key, in the list's order: nodes by name, pods by
    // namespace and then name.
    const std::string& start = request.continue_from->start;
    const std::size_t slash = pods ? start.find('/') : std::string::npos;
    const std::string_view start_namespace =
        slash == std::string::npos ? std::string_view{} : std::string_view{start}.substr(0, slash);
    const std::string_view start_name = slash == std::string::npos
                                            ? std::string_view{start}
                                            : std::string_view{start}.substr(slash + 1);
    std::size_t lo = 0;
    std::size_t hi = size;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      bool before = false;
      if (pods) {
        const PodState& pod = state->pods[mid];
        const std::string& ns =
            spec_
                .workloads[static_cast<std::size_t>(
                    spec_.pod_slots[static_cast<std::size_t>(pod.slot)].workload)]
                .namespace_name;
        before = std::pair<std::string_view, std::string_view>(ns, pod.name) <
                 std::pair(start_namespace, start_name);
      } else {
        before = std::string_view{state->nodes[mid].name} < start_name;
      }
      if (before) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    chunk.begin = lo;
  }
  chunk.end = size;
  if (request.limit > 0 && static_cast<std::uint64_t>(request.limit) < size - chunk.begin) {
    chunk.end = chunk.begin + static_cast<std::size_t>(request.limit);
    std::string next = key_of(chunk.end - 1);
    next.push_back('\0');
    chunk.continue_token = EncodeContinueToken({ListResourceVersion(t), std::move(next)});
    chunk.remaining_items = static_cast<std::int64_t>(size - chunk.end);
  }
  BufferPool& buffers = *cache_->buffers;
  const std::string kind = pods ? "pods" : "nodes";
  std::string body = pods ? RenderPodList(spec_, *state, buffers.Take(kind), chunk)
                          : RenderNodeList(spec_, *state, buffers.Take(kind), chunk);
  return Response{200, std::string(kJson), buffers.Share(std::move(body), kind)};
}

}  // namespace costledger::simulator
