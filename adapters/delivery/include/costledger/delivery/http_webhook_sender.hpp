#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "costledger/ports/webhook_sender.hpp"

namespace costledger::delivery {

struct WebhookOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds timeout{10'000};  ///< the whole request
  std::string ca_file;  ///< PEM bundle that verifies https receivers; empty: the system's
  std::string user_agent = "costledger";
};

/// POSTs webhook requests with libcurl: Content-Type: application/json, the bearer token when
/// given, no redirects followed. 2xx is delivered; the rest throws as ports::WebhookSender says,
/// the message naming only the receiver's scheme, host and port (a webhook URL's path is often
/// a secret itself, e.g. Slack's), the status and the start of its answer.
/// Thread-safe: Post may run on several threads at once.
class HttpWebhookSender final : public ports::WebhookSender {
 public:
  explicit HttpWebhookSender(WebhookOptions options = {});

  void Post(const ports::WebhookRequest& request) override;

 private:
  WebhookOptions options_;
};

}  // namespace costledger::delivery
