#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "costledger/simulator/simulator.hpp"

namespace costledger::http {
class HttpServer;
}  // namespace costledger::http

namespace costledger::simulator {

/// A request as the handler sees it.
struct HttpRequest {
  std::string method;  ///< "GET", "HEAD", ...
  std::string target;  ///< path and query as sent, e.g. "/api/v1/pods?limit=500"
  std::string accept;  ///< the Accept header (repeated ones joined by ", "); empty without one
};

/// Turns a request into a response without touching a socket; called concurrently from the
/// server's threads, so it must be thread-safe. An exception becomes a 500 JSON error
/// {"code":500,"message":<what()>}.
using HttpHandler = std::function<Response(const HttpRequest&)>;

/// The simulator's endpoints served by costledger::http::HttpServer (HTTP/1.1, keep-alive,
/// many concurrent connections on `threads` threads; a JSON body on every error it sends
/// itself, e.g. 400 for a malformed request or a target with invalid percent-encoding). Bodies
/// are sent without copies (Response::body is shared). A request not received within 60 s,
/// idle keep-alive connections included, is dropped; request bodies are limited to 1 MiB.
class HttpServer {
 public:
  /// Binds and listens on host:port at once (port 0 picks a free port; an IPv6 host without
  /// brackets); throws Unavailable when it cannot. Serves after Start().
  HttpServer(const std::string& host, std::uint16_t port, HttpHandler handler, int threads = 2);
  /// Stops (see Stop).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  HttpServer(HttpServer&&) = delete;
  HttpServer& operator=(HttpServer&&) = delete;

  /// The port actually bound.
  std::uint16_t port() const;

  /// Starts the threads; returns at once. A no-op when started or stopped already.
  void Start();

  /// Stops accepting, closes every connection (letting responses being written go out) and
  /// joins the threads. Idempotent.
  void Stop();

 private:
  std::unique_ptr<http::HttpServer> server_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace costledger::simulator
