#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "costledger/api/auth.hpp"
#include "costledger/api/cost_metrics.hpp"
#include "costledger/api/efficiency_routes.hpp"
#include "costledger/api/enforcement_routes.hpp"
#include "costledger/http/http_types.hpp"
#include "costledger/model/allocation_filter.hpp"
#include "costledger/ports/cost_reader.hpp"
#include "costledger/ports/quota_store.hpp"
#include "costledger/ports/report_archive.hpp"

namespace costledger::quotas {
class QuotaBoard;
}  // namespace costledger::quotas

namespace costledger::api {

/// Where the routes read stored costs (one adapter usually implements all four) and archived
/// reports.
struct CostReaders {
  ports::AllocationReader& allocations;
  ports::AssetReader& assets;
  ports::QueryReader& queries;
  ports::StoreHealth& health;
  /// Serves /v1/reports; nullptr: those routes answer 404 "reports are not enabled".
  ports::ReportArchive* reports = nullptr;
  /// Serves /v1/quotas (quota_routes.hpp); nullptr: those routes answer 404 "quotas are not
  /// enabled".
  ports::QuotaStore* quotas = nullptr;
  /// Recommendations and cost per item in /v1/efficiency (efficiency_routes.hpp); nullptr:
  /// those parts are null.
  ports::UsageSeriesReader* usage = nullptr;
  ports::WorkCounterReader* work = nullptr;
  /// The quota evaluator's latest snapshot, for GET /v1/quotas/{name}/status
  /// (quota_status_route.hpp); nullptr: that route answers 503 (no evaluator in this process).
  const quotas::QuotaBoard* quota_board = nullptr;
};

struct CostApiSettings {
  /// No tokens configured: every endpoint is open (a warning is logged at start).
  std::optional<TokenRegistry> tokens;
  /// /metrics needs an unscoped viewer/admin token or one of role `metrics` when tokens are
  /// configured: its cost series are every team's.
  bool protect_metrics = true;
  std::chrono::seconds cache_ttl{5};  ///< identical requests reuse an answer this long
  /// Cached answers take at most this many bytes of bodies; the oldest go first, and expired
  /// ones as soon as another answer is stored.
  std::size_t cache_max_bytes = std::size_t{64} << 20U;
  /// Bounds of one allocation request (TooLarge, 422, with the bound and how to stay within
  /// it): sets or read steps, aggregate properties, allocations over all sets, response bytes.
  std::size_t max_steps = 2'500;
  std::size_t max_aggregate_keys = 8;
  std::size_t max_rows = 1'000'000;
  std::size_t max_response_bytes = std::size_t{256} << 20U;
  std::chrono::seconds ready_max_age{180};  ///< /readyz: the newest interval is this recent
  /// /readyz on a read replica (database_read_url): its replay lag is at most this; a standby
  /// whose lag is unknown is not ready either. A primary has no lag.
  std::chrono::milliseconds max_replication_lag{30'000};
  /// POST /v1/admission and /v1/quotas/check (enforcement_routes.hpp): answered by Decide from
  /// the quota board's memory, never on the worker pool.
  EnforcementSettings enforcement;
  EfficiencySettings efficiency;  ///< /v1/efficiency and below
  /// Config `auth.anonymous_role`: a request without an Authorization header to OpenCost's
  /// paths (/allocation, /allocation/compute, /assets, the same under /model/) is served as
  /// this role with every team in scope, so that OpenCost's token-less clients work. Only
  /// kViewer is allowed (config check); nullopt (the default): those paths need a token too.
  /// /v1/* and everything else always need a token.
  std::optional<Role> anonymous_role;
  /// The labels of OpenCost's department/environment/owner/product aggregates and filters
  /// (config `opencost.label_mapping`).
  model::LabelAliases label_aliases;
  /// The console's browser session (console/): for a GET or HEAD without an Authorization
  /// header, the principal of its session cookie, so that the API call behind a figure opens in
  /// the logged-in browser (SameSite=Strict cookie; never for PUT, POST or DELETE). Empty: bearer
  /// tokens only. Must be thread-safe.
  std::function<std::optional<Principal>(const http::HttpRequest&)> session;
};

/// Whether `path` is one of OpenCost's own paths: /allocation, /allocation/compute,
/// /allocation/summary, /assets, and the same under /model/ (the prefix OpenCost's UI and
/// kubectl-cost use).
bool IsOpenCostPath(std::string_view path);

/// The routes of the HTTP API (DESIGN "API"): turns a request into a response without touching
/// a socket. GET /healthz, /readyz, /metrics, /v1/allocation, OpenCost's /allocation,
/// /allocation/compute and /assets (also under /model/; unknown parameters are ignored and
/// listed in `warnings`, includeIdle defaults to false as OpenCost's), /v1/assets, /v1/queries,
/// /v1/reports and /v1/reports/{week}/{team}. {format} (report_routes.hpp), GET/PUT/DELETE
/// /v1/quotas[/{name}[/history]] (quota_routes.hpp; PUT and DELETE need admin), GET
/// /v1/efficiency[/priority-expander|/karpenter] (efficiency_routes.hpp). Access: a Bearer token
/// (viewer or admin) for /v1/*, scoped to its teams. In two steps, so that a server can keep
/// database reads off its I/O threads (PooledHandler): Decide answers what needs no database at
/// once, Answer does the rest. Thread-safe.
class CostApi {
 public:
  using Clock = std::function<std::chrono::sys_seconds()>;
  CostApi(CostReaders readers, CostMetrics* metrics, CostApiSettings settings, Clock clock);

  /// What Decide makes of a request.
  struct Decision {
    /// The response when no database read is needed: /healthz, /metrics, an unknown route or
    /// method, a refused token, reports when no archive is configured, or an answer still
    /// cached. Empty for /readyz and for reads (archived reports and quotas included).
    std::optional<http::HttpResponse> response;
    /// Who asked (for reads).
    Principal who;
    /// The key under which the answer is cached ("" when nothing is cached: /readyz, reports
    /// (conditional requests, and a rebuilt report shows at once), or cache_ttl 0). Requests with
    /// one key get one answer, so they may share one Answer call.
    std::string cache_key;
    /// /metrics, authorized: Answer renders the exposition (CPU work growing with the cluster,
    /// so PooledHandler gives it a thread of its own rather than an I/O thread).
    bool render_metrics = false;
  };

  /// Routes `request` without reading the database: quick and non-blocking (an SHA-256 per
  /// token, a cache lookup), so fit for an I/O thread.
  Decision Decide(const http::HttpRequest& request);
  /// Answers a request: `decision.response` when set, else the database read (which may take
  /// long), cached under `decision.cache_key`. Throws InvalidInput for invalid parameters and
  /// what the readers throw (Unavailable when the database cannot be reached).
  http::HttpResponse Answer(const http::HttpRequest& request, const Decision& decision);
  /// Decide and Answer on the calling thread.
  http::HttpResponse Handle(const http::HttpRequest& request);

  /// The route name of a path for metrics and logs ("/v1/allocation",
  /// "/v1/reports/{week}/{team}.{format}", "other").
  static std::string RouteOf(const std::string& path);

 private:
  http::HttpResponse Allocation(const http::HttpRequest& request, const Principal& who);
  http::HttpResponse Assets(const http::HttpRequest& request, const Principal& who);
  http::HttpResponse OpenCostAssets(const http::HttpRequest& request, const Principal& who);
  http::HttpResponse Queries(const http::HttpRequest& request, const Principal& who);
  http::HttpResponse Ready();
  // `metrics`: the request is for /metrics, which role metrics may read.
  std::optional<http::HttpResponse> Authorize(const http::HttpRequest& request, Principal& who,
                                              bool metrics = false) const;

  CostReaders readers_;
  CostMetrics* metrics_;
  CostApiSettings settings_;
  Clock clock_;

  struct Cached {
    std::chrono::steady_clock::time_point at;
    http::HttpResponse response;
  };
  // Stores `response` under `key`, first dropping expired answers and then the oldest until
  // the bytes fit. Call with cache_mutex_ held.
  void Remember(const std::string& key, const http::HttpResponse& response);

  std::mutex cache_mutex_;
  std::map<std::string, Cached> cache_;
  std::size_t cache_bytes_ = 0;  // bodies and keys of cache_
};

}  // namespace costledger::api
