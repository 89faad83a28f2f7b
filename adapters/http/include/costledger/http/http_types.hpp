#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace costledger::http {

/// One parsed HTTP request as handlers see it; no Beast types, so handlers are plain functions
/// that tests can call directly.
struct HttpRequest {
  /// Method as sent, e.g. "GET" (the server only passes GET, HEAD, POST, PUT and DELETE on).
  std::string method;
  /// The raw request target, e.g. "/v1/allocation?window=7d".
  std::string target;
  /// The percent-decoded path of `target` ("%2F" decodes to '/'), without the query.
  std::string path;
  /// Query parameters in the order sent; names and values percent-decoded, '+' read as space.
  std::multimap<std::string, std::string> query;
  /// Header fields by lower-cased name; repeated fields are joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;
  /// IP address of the peer, without the port.
  std::string remote_address;
  /// Subject (one-line form, e.g. "/CN=kube-apiserver") of the TLS client certificate the
  /// server verified against ServerOptions::tls_client_ca_file; empty without one.
  std::string client_certificate;

  /// The first value of query parameter `name` (when it is repeated, later values are ignored),
  /// or nullopt when absent.
  std::optional<std::string> Query(std::string_view name) const;
  /// The value of header `lower_name` (which must be lower case), or "" when absent.
  std::string Header(std::string_view lower_name) const;
};

/// What a handler returns. The server adds Content-Length, Server and Connection; `headers`
/// are extra fields (e.g. Location, Cache-Control, Retry-After).
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  /// When set, sent instead of `body` and without a copy: for a large body many responses
  /// share (e.g. one rendered answer cached for many clients).
  std::shared_ptr<const std::string> shared_body = nullptr;
  /// For the access log only, never sent: who made the request (a token's name, "anonymous"),
  /// empty when unknown (the request was refused before authentication).
  std::string principal{};
  /// For the access log only, never sent: why a 5xx happened (the exception's own text, which
  /// the client does not see).
  std::string error_detail{};
};

/// A response with status `status` and the JSON error body {"code":<status>,"message":"..."}.
/// The message is JSON-escaped; invalid UTF-8 in it is replaced by U+FFFD.
HttpResponse JsonError(int status, std::string_view message);

/// Turns one request into one response; called concurrently from the server's threads, so it
/// must be thread-safe. Exceptions are mapped by ToErrorStatus (http_status.hpp).
using Handler = std::function<HttpResponse(const HttpRequest&)>;

/// Sends the response to one request. Call it once, from any thread, at any time (before or
/// after the handler returned); later calls are ignored. When no copy of it has been called by
/// the time the last copy is destroyed, the client gets 500. After the server has stopped, a
/// response is dropped. Cheap to copy.
using Responder = std::function<void(HttpResponse)>;

/// `respond`, setting HttpResponse::principal to `principal` in each response that names none
/// (for the access log: handlers know who asked, the responses they share do not).
Responder NamingPrincipal(Responder respond, std::string principal);

/// The asynchronous form of Handler: starts handling `request` on a server (I/O) thread and
/// returns at once, handing the work to another thread when it may block; the response goes to
/// `respond`. Must be thread-safe. An exception it throws is mapped by ToErrorStatus and sent
/// unless a response was sent already.
using AsyncHandler = std::function<void(HttpRequest request, Responder respond)>;

/// A request target split into its decoded path and query.
struct ParsedTarget {
  std::string path;
  std::multimap<std::string, std::string> query;
};

/// Splits a request target (origin form "/p?q", or absolute form "http://host/p?q") into the
/// percent-decoded path and the decoded query parameters ('+' as space; "a" alone gives a = "";
/// empty pieces such as "&&" are skipped; a "#fragment" is dropped). Pure.
/// Throws InvalidInput for a target not starting with '/', a '%' not followed by two hex
/// digits, or a path that decodes to a NUL byte.
ParsedTarget ParseTarget(std::string_view target);

}  // namespace costledger::http
