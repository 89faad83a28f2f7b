#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "python_server.hpp"
#include "temp_dir.hpp"

namespace costledger::testing {

struct PrivateWebhookReceiverOptions {
  int fail_first = 0;                        ///< answer the first N requests with fail_status
  int fail_status = 500;                     ///< e.g. 500, 503, 429, 400
  std::optional<int> retry_after_seconds{};  ///< sent as Retry-After with the failures
  std::chrono::milliseconds delay{0};        ///< hold every answer back (timeout tests)
  std::chrono::milliseconds start_timeout{20'000};
};

/// A request the receiver got.
struct ReceivedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  ///< names in lower case
  std::string body;
  int status = 0;  ///< what it was answered
};

/// A private webhook receiver for one test (tests/support/webhook_sink.py, Python's
/// http.server) on a free port of 127.0.0.1: records every request as a file in its TempDir and
/// answers 200 {"ok": true}, or fail_status for the first fail_first requests. Stopped by the
/// destructor. Throws std::runtime_error with the log when it cannot start. Not thread-safe.
class PrivateWebhookReceiver {
 public:
  explicit PrivateWebhookReceiver(const PrivateWebhookReceiverOptions& options = {});
  ~PrivateWebhookReceiver();
  PrivateWebhookReceiver(const PrivateWebhookReceiver&) = delete;
  PrivateWebhookReceiver& operator=(const PrivateWebhookReceiver&) = delete;
  PrivateWebhookReceiver(PrivateWebhookReceiver&&) = delete;
  PrivateWebhookReceiver& operator=(PrivateWebhookReceiver&&) = delete;

  /// "http://127.0.0.1:PORT" + `path` (e.g. "/hooks/alpha").
  std::string Url(const std::string& path = "/") const;
  int port() const { return server_.port; }

  /// The requests received so far, in order.
  std::vector<ReceivedRequest> Requests() const;
  /// Waits until at least `count` requests arrived; throws std::runtime_error after `timeout`.
  std::vector<ReceivedRequest> WaitForRequests(
      std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;
  std::string Log() const;

 private:
  TempDir dir_;  // destroyed after server_
  PythonServer server_;
};

}  // namespace costledger::testing
