#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/simulator/cluster_spec.hpp"
#include "costledger/simulator/cluster_state.hpp"
#include "costledger/simulator/list_chunks.hpp"

namespace costledger::simulator {

struct SimulatorOptions {
  std::uint64_t seed = 1;
  ClusterSize size;
};

/// An HTTP response without the transport: the body is shared, so a large cached body is sent
/// to many clients without copies.
struct Response {
  int status = 200;
  std::string content_type;
  std::shared_ptr<const std::string> body;
};

/// The simulated cluster behind every endpoint: routes a request to the renderers at a given
/// simulated time. Responses are a pure function of (seed, size, method, target, t); the state
/// and each body are computed once per second of t and cached (the last few seconds).
/// Thread-safe.
///
/// Routes (GET or HEAD; query strings are ignored but for the lists' limit and continue):
///   /healthz                                      "ok"
///   /api/v1/nodes, /api/v1/nodes/{node}           NodeList, Node (404 Status when missing)
///   /api/v1/pods                                  PodList; in Kubernetes' protobuf encoding
///                                                 (kubernetes_protobuf.hpp), its Status
///                                                 errors too, when `accept` names
///                                                 application/vnd.kubernetes.protobuf with a
///                                                 q above 0, as client-go's Accept does
///   /api/v1/persistentvolumes, /api/v1/persistentvolumeclaims,
///   /apis/storage.k8s.io/v1/storageclasses        the platform's volumes (volume_render.hpp),
///                                                 whole lists whatever the limit
///
/// The lists are chunked as the API server chunks them: `?limit=N` gives at most N items and,
/// when more follow, `metadata.continue` (and `remainingItemCount`); `?limit=N&continue=TOKEN`
/// gives the next chunk from the same snapshot (the token's resourceVersion). Chunks concatenate
/// to the list of that second. A malformed token or limit is a 400 Status (BadRequest), a token
/// older than 300 simulated seconds a 410 Status (Expired). Without a limit, the whole list.
///   /api/v1/nodes/{node}/proxy/metrics/resource   kubelet resource metrics
///   /dcgm/metrics, /dcgm/{node}/metrics           DCGM exporter metrics (all or one node)
///   /pricing/ec2_offer.json                       EC2 offer file, us-east-1
///   /pricing/spot_price_history.json              spot price changes of the last 24 h
///   /athena/query_executions.json                 queries submitted in the last hour
///   anything else                                 404 {"code":404,"message":...}
/// Every route but /api/v1/pods ignores `accept` and answers JSON (or text), as an API server
/// does for a type it has no protobuf for: a client accepting both reads either.
class Simulator {
 public:
  /// Builds the cluster spec; throws InvalidInput when a size is out of range.
  explicit Simulator(SimulatorOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;
  Simulator(Simulator&&) = delete;
  Simulator& operator=(Simulator&&) = delete;

  /// `accept` is the request's Accept header (empty without one).
  Response Handle(std::string_view method, std::string_view target, std::chrono::sys_seconds t,
                  std::string_view accept = {}) const;

  /// The state at `t`, shared with the response cache. Keep the pointer while using the state:
  /// the cache drops it a few seconds later (`for (auto& n : sim.State(t)->nodes)` dangles).
  std::shared_ptr<const ClusterState> State(std::chrono::sys_seconds t) const;

  const ClusterSpec& spec() const { return spec_; }
  const SimulatorOptions& options() const { return options_; }

 private:
  struct Cache;

  std::shared_ptr<const Response> Cached(std::int64_t t, const std::string& key,
                                         const std::function<Response()>& render) const;
  Response Render(std::int64_t t, std::string_view path) const;
  Response List(std::string_view path, std::string_view query, std::int64_t t, bool protobuf) const;
  Response RenderChunk(std::int64_t t, std::string_view path, const ListRequest& request) const;
  Response Protobuf(const Response& json) const;
  Response VolumeList(std::size_t list, std::string_view query) const;

  SimulatorOptions options_;
  ClusterSpec spec_;
  std::shared_ptr<const std::string> offer_file_;
  std::shared_ptr<const std::string> volume_lists_[3];  ///< PVs, PVCs, storage classes
  std::vector<std::string> volume_items_[2];            ///< PVs', PVCs', for chunks of them
  std::unique_ptr<Cache> cache_;
};

}  // namespace costledger::simulator
