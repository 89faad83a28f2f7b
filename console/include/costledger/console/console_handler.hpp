#pragma once

#include "costledger/api/principal_limiter.hpp"
#include "costledger/api/worker_pool.hpp"
#include "costledger/console/console.hpp"
#include "costledger/http/http_types.hpp"

namespace costledger::console {

/// The console as part of http::HttpServer's asynchronous handler: what needs no database
/// (Console::Decide) is answered on the calling I/O thread, pages are read and rendered on the
/// API's worker pool (a full queue answers 503 with Retry-After, as the API does). `console`
/// and `pool` must outlive this handler. Thread-safe.
class ConsoleHandler {
 public:
  /// `limiter` (nullptr: none) bounds the page reads per login, shared with the API's.
  ConsoleHandler(Console& console, api::WorkerPool& pool, api::PrincipalLimiter* limiter = nullptr);
  void operator()(http::HttpRequest request, const http::Responder& sink);

 private:
  Console& console_;
  api::WorkerPool& pool_;
  api::PrincipalLimiter* limiter_;
};

}  // namespace costledger::console
