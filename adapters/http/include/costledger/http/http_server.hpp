#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "costledger/http/http_types.hpp"

namespace costledger::http {

/// One line of the access log: one per response the server writes (handler responses and the
/// server's own 4xx/5xx alike).
struct AccessLogEntry {
  /// Peer IP address.
  std::string remote;
  /// Empty when the request was too malformed to tell.
  std::string method;
  std::string target;
  int status = 0;
  /// Bytes of the response body (Content-Length), headers excluded.
  std::size_t response_bytes = 0;
  /// From the complete request having been read to the response having been written.
  std::chrono::microseconds duration{0};
  /// HttpResponse::principal and HttpResponse::error_detail of the response.
  std::string principal;
  std::string error;
};

struct ServerOptions {
  /// "host:port" ("[::1]:port" for IPv6; an empty host means 0.0.0.0); port 0 picks a free port,
  /// see HttpServer::port().
  std::string listen = "0.0.0.0:9003";
  /// Threads running the I/O loop and the handler (at least 1). A handler that may block
  /// should be an AsyncHandler that hands the work to threads of its own.
  int threads = 2;
  /// Larger request bodies get 413.
  std::size_t max_body_bytes = std::size_t{1} << 20U;
  /// Larger request lines plus headers get 431.
  std::size_t max_header_bytes = std::size_t{16} * 1024;
  /// Deadline for receiving one whole request (and for idle keep-alive connections, and for
  /// writing one response); a request not complete in time gets 408 and the connection closes.
  std::chrono::seconds request_timeout{30};
  /// PEM certificate chain and private key; when both are set the server speaks HTTPS only
  /// (TLS 1.2 or newer). Both files are watched: when either changes (modification time or
  /// size, checked at most every tls_reload_check on an accepted connection), they are loaded
  /// again and new connections get the new certificate; connections already open keep theirs.
  /// A pair that fails to load leaves the previous one in use (reported to tls_reload_log).
  std::string tls_cert_file;
  std::string tls_key_file;
  /// PEM CA bundle for client certificates (optional): a client may present a certificate, which
  /// must then verify against these CAs (else the handshake fails); its subject reaches the
  /// handler as HttpRequest::client_certificate. Clients without one are served as before.
  std::string tls_client_ca_file;
  std::chrono::milliseconds tls_reload_check{1000};
  /// Called (from a server thread) after each reload attempt with what happened, e.g.
  /// "TLS certificate reloaded from /etc/tls/tls.crt". Must be thread-safe; may be empty.
  std::function<void(bool ok, const std::string& message)> tls_reload_log;
  /// The Server header of every response.
  std::string server_name = "costledger";
  /// When not empty, a request whose Host header names a host (the part before the port)
  /// other than these (case-insensitive) gets 421 without reaching the handler, against DNS
  /// rebinding: a browser that resolves an attacker's name to this server sends that name.
  /// IP literals are always served (no rebinding can hide behind one; kubelet probes use the
  /// pod's IP), as are requests without a Host header (HTTP/1.0).
  std::vector<std::string> allowed_hosts;
  /// Called once per response from a server thread; must be thread-safe and should be quick.
  /// Exceptions it throws are ignored.
  std::function<void(const AccessLogEntry&)> access_log;
};

/// An asynchronous HTTP/1.1 (or HTTPS) server on Boost.Beast: keep-alive and pipelining, limits
/// on header and body size, per-request deadlines, and a JSON body {"code":..,"message":..} on
/// every 4xx/5xx it sends. Each complete request goes to the handler on one of the server's
/// threads: a Handler answers there; an AsyncHandler may answer later from any thread, and the
/// connection waits for that answer (reading no further request) while the I/O threads serve
/// the others. Exceptions from the handler map through ToErrorStatus (unknown ones become 500
/// "internal error"). Every method reaches the handler, whose routes know which they allow (and
/// say so in their 405's Allow). A target that repeats a query parameter gets 400 naming it
/// (one rule for every endpoint: no endpoint guesses which of two values was meant). HEAD
/// reaches the handler as "HEAD"; the server sends its headers but no body. Every response
/// carries `X-Content-Type-Options: nosniff` and, unless the handler set one,
/// `Cache-Control: no-store`.
/// Listen, Start, Stop and port may be called from any one thread (not concurrently with each
/// other).
class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  HttpServer(ServerOptions options, AsyncHandler handler);
  /// Stops the server (see Stop).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  HttpServer(HttpServer&&) = delete;
  HttpServer& operator=(HttpServer&&) = delete;

  /// Binds and listens without serving yet: connections wait in the backlog until Start, and
  /// port() is known. Throws InvalidInput for a malformed `listen` or a non-positive
  /// request_timeout or max_header_bytes; Unavailable (a std::runtime_error) naming the address
  /// when it cannot be bound; InvalidInput naming the file when the TLS certificate, key or client
  /// CA cannot be loaded (or only one of certificate and key is set, or a client CA without
  /// them); std::logic_error when called a second time.
  void Listen();
  /// Listens (unless Listen was called) and starts the threads. Throws what Listen throws, and
  /// std::logic_error when called a second time.
  void Start();
  /// The bound port (the chosen one when `listen` asked for port 0); 0 before Listen or Start.
  std::uint16_t port() const;
  /// Graceful stop: stops accepting, closes idle connections, lets requests already in the
  /// handler finish and their responses go out (waiting up to 5 seconds for them, asynchronous
  /// ones included), then joins the threads; responses that come later are dropped. Idempotent;
  /// a no-op before Start. Must not be called from the handler.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::http
