#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "costledger/model/errors.hpp"

namespace costledger {

/// A mail or webhook that was not delivered. Thrown as one of the two kinds below, so a caller
/// retries exactly the transient ones: `catch (const TransientDeliveryError&)` to retry,
/// `catch (const DeliveryError&)` for both. The message never holds a password or token.
class DeliveryError : public Error {
 public:
  /// The SMTP reply code (e.g. 451, 550) or HTTP status (e.g. 503) that refused it; 0 when no
  /// answer came (refused connection, timeout, TLS failure, invalid input).
  int reply_code() const { return reply_code_; }
  /// True for TransientDeliveryError.
  bool transient() const { return transient_; }
  /// How long the receiver asked to wait (HTTP Retry-After in seconds), when it did.
  std::optional<std::chrono::seconds> retry_after() const { return retry_after_; }

 protected:
  DeliveryError(const std::string& message, bool transient, int reply_code,
                std::optional<std::chrono::seconds> retry_after)
      : Error(message), reply_code_(reply_code), transient_(transient), retry_after_(retry_after) {}

 private:
  int reply_code_;
  bool transient_;
  std::optional<std::chrono::seconds> retry_after_;
};

/// Sending again later may succeed: the server could not be reached or timed out, answered
/// SMTP 4xx, HTTP 5xx, 408 or 429.
class TransientDeliveryError : public DeliveryError {
 public:
  explicit TransientDeliveryError(const std::string& message, int reply_code = 0,
                                  std::optional<std::chrono::seconds> retry_after = {})
      : DeliveryError(message, true, reply_code, retry_after) {}
};

/// Sending the same again will fail the same way: SMTP 5xx (unknown recipient, bad
/// credentials), HTTP 4xx other than 408 and 429, a malformed mail, URL or address, a TLS
/// certificate that does not verify, STARTTLS required and not offered.
class PermanentDeliveryError : public DeliveryError {
 public:
  explicit PermanentDeliveryError(const std::string& message, int reply_code = 0)
      : DeliveryError(message, false, reply_code, {}) {}
};

namespace model {

enum class DeliveryOutcome { kDelivered, kTransient, kPermanent };

/// What an HTTP status says about a webhook POST: 2xx delivered; 408, 429 and 5xx transient;
/// anything else (3xx, since redirects are not followed; other 4xx; nonsense) permanent.
DeliveryOutcome OutcomeOfHttpStatus(long status);

/// What an SMTP reply code says (RFC 5321 4.2.1): 2xx and 3xx delivered (or go on), 4xx
/// transient, 5xx and anything else permanent.
DeliveryOutcome OutcomeOfSmtpReply(long code);

}  // namespace model
}  // namespace costledger
