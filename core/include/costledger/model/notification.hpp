#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace costledger::model {

/// Where one notification (a team's weekly report to one recipient, a quota alert) stands in
/// the ledger that makes delivery exactly-once.
enum class NotificationState : std::uint8_t {
  kClaimed,  ///< a sender holds it until its lease ends
  kSent,     ///< delivered; never claimed again
  kFailed,   ///< the last attempt failed; claimable again from its next attempt time
  kGivenUp,  ///< failed for good; never claimed again
};

/// "claimed", "sent", "failed", "given_up" (as stored and exposed in /metrics).
constexpr std::string_view ToString(NotificationState state) {
  switch (state) {
    case NotificationState::kClaimed:
      return "claimed";
    case NotificationState::kSent:
      return "sent";
    case NotificationState::kFailed:
      return "failed";
    case NotificationState::kGivenUp:
      return "given_up";
  }
  return "";
}

/// The state ToString spells `text`; nullopt for anything else.
constexpr std::optional<NotificationState> ParseNotificationState(std::string_view text) {
  for (const NotificationState s : {NotificationState::kClaimed, NotificationState::kSent,
                                    NotificationState::kFailed, NotificationState::kGivenUp}) {
    if (ToString(s) == text) return s;
  }
  return std::nullopt;
}

/// A sender's claim on one notification: it alone may send it until `claimed_until`.
struct NotificationClaim {
  std::string kind;   ///< e.g. "report", "quota_alert"
  std::string key;    ///< unique within the kind, e.g. "2026-W48/alpha/mail:team-alpha@x"
  std::string owner;  ///< who claimed it, e.g. "host-a/pid-12"
  /// 1 for the first claim of the key, one more for every later claim (retries, takeovers of
  /// an expired lease). Fences the outcome: only the latest claim can record one.
  std::int32_t attempt = 0;
  std::chrono::sys_seconds claimed_until;  ///< the lease's end (the claim's `now` + lease)
  friend bool operator==(const NotificationClaim&, const NotificationClaim&) = default;
};

/// One row of the ledger, for inspection and /metrics.
struct NotificationRecord {
  std::string kind;
  std::string key;
  NotificationState state = NotificationState::kClaimed;
  std::string owner;  ///< the latest claimant
  std::int32_t attempts = 0;
  std::string last_error;  ///< of the latest failed attempt; empty when none failed
  std::optional<std::chrono::sys_seconds> claimed_until;    ///< kClaimed only
  std::optional<std::chrono::sys_seconds> next_attempt_at;  ///< kFailed only
  std::optional<std::chrono::sys_seconds> sent_at;          ///< kSent only
  std::chrono::sys_seconds created_at;                      ///< the first claim's time
  std::chrono::sys_seconds updated_at;                      ///< the latest change's time
  std::string payload_json;  ///< the latest claim's summary; empty when none
};

/// How many notifications of one kind are in one state.
struct NotificationCount {
  std::string kind;
  NotificationState state = NotificationState::kClaimed;
  std::int64_t count = 0;
  friend bool operator==(const NotificationCount&, const NotificationCount&) = default;
};

}  // namespace costledger::model
