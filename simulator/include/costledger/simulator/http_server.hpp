#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "costledger/simulator/simulator.hpp"

namespace costledger::simulator {

/// A request as the handler sees it.
struct HttpRequest {
  std::string method;  ///< "GET", "HEAD", ...
  std::string target;  ///< path and query, e.g. "/api/v1/pods?limit=500"
};

/// Turns a request into a response without touching a socket; called concurrently from the
/// server's threads, so it must be thread-safe. Exceptions become a 500 JSON error.
using HttpHandler = std::function<Response(const HttpRequest&)>;

/// HTTP/1.1 server (Boost.Beast) with keep-alive and many concurrent connections: asynchronous
/// sessions on an io_context run by `threads` threads. Idle connections close after 60 s, a
/// response not written within 60 s is abandoned.
class HttpServer {
 public:
  /// Binds and listens on host:port at once (port 0 picks a free port); throws Unavailable
  /// when it cannot. Serves after Start().
  HttpServer(const std::string& host, std::uint16_t port, HttpHandler handler, int threads = 2);
  /// Stops (see Stop).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  HttpServer(HttpServer&&) = delete;
  HttpServer& operator=(HttpServer&&) = delete;

  /// The port actually bound.
  std::uint16_t port() const;

  /// Starts the threads; returns at once.
  void Start();

  /// Stops accepting, closes every connection and joins the threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::simulator
