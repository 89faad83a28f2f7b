#pragma once

#include <string>
#include <vector>

#include "costledger/model/header_field.hpp"

namespace costledger::ports {

/// One webhook call: a JSON body POSTed to a URL.
struct WebhookRequest {
  std::string url;        ///< http:// or https://
  std::string json_body;  ///< e.g. model::SlackPayload(...); sent as application/json
  /// Sent as "Authorization: Bearer <token>" when not empty. A secret (read from the
  /// environment or a file): never logged, never in an error message.
  std::string bearer_token;
  /// More request headers, e.g. {"X-Costledger-Event", "quota_alert"}. Content-Type and
  /// Authorization are set from the fields above and may not be given here.
  std::vector<model::HeaderField> headers;
};

/// Where webhook notifications go (Slack-compatible or generic JSON receivers).
class WebhookSender {
 public:
  WebhookSender() = default;
  virtual ~WebhookSender() = default;
  // An interface: implementations are used through references, never copied or moved.
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;
  WebhookSender(WebhookSender&&) = delete;
  WebhookSender& operator=(WebhookSender&&) = delete;

  /// POSTs the request once; returns when the receiver answered 2xx. Throws
  /// TransientDeliveryError (no connection, timeout, 408, 429 with its Retry-After, 5xx) or
  /// PermanentDeliveryError (other statuses, a malformed request), neither holding the token
  /// or the body. Retrying is the caller's (model::CallWithRetries). Thread-safe in the
  /// adapters.
  virtual void Post(const WebhookRequest& request) = 0;
};

}  // namespace costledger::ports
