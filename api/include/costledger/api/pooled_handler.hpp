#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "costledger/api/cost_api.hpp"
#include "costledger/api/principal_limiter.hpp"
#include "costledger/api/worker_pool.hpp"
#include "costledger/http/http_types.hpp"

namespace costledger::api {

/// The API as http::HttpServer's asynchronous handler (DESIGN "API": no database work on the
/// I/O threads). What needs no database (CostApi::Decide: /healthz, /metrics, refusals, cached
/// answers) is answered at once on the calling I/O thread; database reads (/v1/allocation,
/// /allocation, /allocation/compute, /v1/assets, /v1/queries, /v1/reports and below, /readyz)
/// run on `pool`. Requests
/// with the cache key of a read in flight wait for its answer instead of queueing another
/// (so a burst of one query costs one read). When the pool's queue is full the answer is 503
/// with the JSON error body and `Retry-After`; a principal with `limiter`'s number of reads
/// running gets 429 (PrincipalLimiter). Errors of a read map through http::ErrorResponse. Every
/// response names its principal for the access log (HttpResponse::principal).
/// `api` and `pool` must outlive this handler, which must outlive the server. Thread-safe.
class PooledHandler {
 public:
  /// `limiter`: nullptr, no limit per principal; else it must outlive this handler.
  /// `metrics_pool`: where /metrics is rendered (a thread of its own, so that rendering never
  /// holds up an I/O thread and never waits behind a read); nullptr renders it on `pool`.
  PooledHandler(CostApi& api, WorkerPool& pool,
                std::chrono::seconds retry_after = std::chrono::seconds(1),
                PrincipalLimiter* limiter = nullptr, WorkerPool* metrics_pool = nullptr);

  void operator()(http::HttpRequest request, const http::Responder& sink);

  /// This handler in the form http::HttpServer takes (referring to this object).
  http::AsyncHandler AsHandler();

 private:
  http::HttpResponse Busy() const;
  // Sends `response` to every request waiting on `cache_key`.
  void Finish(const std::string& cache_key, http::HttpResponse response);

  CostApi& api_;
  WorkerPool& pool_;
  std::chrono::seconds retry_after_;
  PrincipalLimiter* limiter_;
  WorkerPool* metrics_pool_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<http::Responder>> in_flight_;
};

}  // namespace costledger::api
