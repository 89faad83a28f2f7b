#include "costledger/api/pooled_handler.hpp"

#include <fmt/core.h>

#include <exception>
#include <memory>
#include <utility>

#include "costledger/http/http_status.hpp"

namespace costledger::api {

PooledHandler::PooledHandler(CostApi& api, WorkerPool& pool, std::chrono::seconds retry_after,
                             PrincipalLimiter* limiter, WorkerPool* metrics_pool)
    : api_(api),
      pool_(pool),
      retry_after_(retry_after),
      limiter_(limiter),
      metrics_pool_(metrics_pool) {}

http::AsyncHandler PooledHandler::AsHandler() {
  return [this](http::HttpRequest request, const http::Responder& respond) {
    (*this)(std::move(request), respond);
  };
}

void PooledHandler::operator()(http::HttpRequest request, const http::Responder& sink) {
  CostApi::Decision decision = api_.Decide(request);
  // Each response names who asked, for the access log; waiters on a shared read each their own.
  const std::string principal = decision.who.name;
  const http::Responder respond = http::NamingPrincipal(sink, principal);
  if (decision.response) return respond(std::move(*decision.response));
  // /metrics renders on a thread of its own when there is one (outside the per-principal limit:
  // it reads no database); everything else reads on the pool.
  const bool own_thread = decision.render_metrics && metrics_pool_ != nullptr;
  WorkerPool& pool = own_thread ? *metrics_pool_ : pool_;
  PrincipalLimiter* const limiter = own_thread ? nullptr : limiter_;
  const std::string key = decision.cache_key;
  if (!key.empty()) {
    const std::lock_guard lock(mutex_);
    const auto [it, first] = in_flight_.try_emplace(key);
    it->second.push_back(respond);
    if (!first) return;  // the read in flight answers this one too, at no cost to any limit
  }
  // Answers this request and those that joined it meanwhile.
  const auto answer = [&](http::HttpResponse response) {
    if (key.empty()) return respond(std::move(response));
    Finish(key, std::move(response));
  };
  if (limiter != nullptr) {
    if (auto refused = limiter->Acquire(principal)) return answer(std::move(*refused));
  }
  // The job holds the request; shared, as std::function needs a copyable callable.
  auto work = std::make_shared<std::pair<http::HttpRequest, CostApi::Decision>>(
      std::move(request), std::move(decision));
  const bool queued = pool.TrySubmit([this, work, respond, principal, limiter] {
    http::HttpResponse response;
    try {
      response = api_.Answer(work->first, work->second);
    } catch (...) {
      response = http::ErrorResponse(std::current_exception());
    }
    if (limiter != nullptr) limiter->Release(principal);
    if (work->second.cache_key.empty()) return respond(std::move(response));
    Finish(work->second.cache_key, std::move(response));
  });
  if (queued) return;
  if (limiter != nullptr) limiter->Release(principal);
  answer(Busy());
}

void PooledHandler::Finish(const std::string& cache_key, http::HttpResponse response) {
  std::vector<http::Responder> waiting;
  {
    const std::lock_guard lock(mutex_);
    auto node = in_flight_.extract(cache_key);
    if (!node.empty()) waiting = std::move(node.mapped());
  }
  for (std::size_t i = 0; i + 1 < waiting.size(); ++i) waiting[i](response);
  if (!waiting.empty()) waiting.back()(std::move(response));
}

http::HttpResponse PooledHandler::Busy() const {
  http::HttpResponse r = http::JsonError(
      503, fmt::format("the API is busy: all {} database workers are busy and {} reads are "
                       "queued; retry in {} s",
                       pool_.threads(), pool_.waiting(), retry_after_.count()));
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_.count()));
  return r;
}

}  // namespace costledger::api
