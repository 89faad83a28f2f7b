#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "costledger/model/notification.hpp"

namespace costledger::ports {

/// The record of what has been sent, shared by every process and replica, that makes delivery
/// (weekly report mails and webhooks, quota alerts) exactly-once. A sender does:
///
///     claim = Claim(kind, key, me, lease, now)   // nothing: someone else has it, or it is done
///     send                                        // within the lease
///     MarkSent(claim, now) | MarkFailed(claim, error, now, retry_at) | MarkGivenUp(...)
///
/// Guarantee: of any callers, concurrent or not, only the one holding the latest claim of a key
/// sends it, and once MarkSent has returned it is never claimed again. The send and MarkSent
/// cannot be one atomic step (a mail server is not part of the database transaction): a sender
/// that dies (or loses the database) after its send and before MarkSent leaves the key claimed
/// until its lease ends, and the next claim sends again. So delivery is exactly-once except in
/// that window, where it is at-least-once; senders should give each delivery a stable identity
/// (e.g. a Message-ID or idempotency key derived from kind and key) so a repeat is recognisable.
///
/// Times are the caller's (pass the clock in): the replicas' clocks must agree to well within
/// a lease. Every method is thread-safe and commits before it returns; throws Unavailable when
/// the store cannot be reached (the outcome of a Claim or Mark* is then unknown: treat it as not
/// claimed, and leave the key to the lease), InvalidInput as stated, std::runtime_error for
/// other failures.
class NotificationLedger {
 public:
  NotificationLedger() = default;
  virtual ~NotificationLedger() = default;
  // An interface: implementations are used by reference, never copied.
  NotificationLedger(const NotificationLedger&) = delete;
  NotificationLedger& operator=(const NotificationLedger&) = delete;
  NotificationLedger(NotificationLedger&&) = delete;
  NotificationLedger& operator=(NotificationLedger&&) = delete;

  /// Claims (kind, key) for `owner` until `now` + `lease`, when at `now` it is
  ///  - not in the ledger (attempt 1), or
  ///  - failed, and its next attempt time is at or before `now`, or
  ///  - claimed, and that claim's lease ended at or before `now` (its holder died or overran);
  /// the attempt is then one more than the previous claim's. Otherwise (claimed under a live
  /// lease, by anyone including `owner`: claims are not reentrant; sent; given up) returns
  /// nullopt and changes nothing. Atomic: of callers racing for the same key, exactly one gets
  /// the claim. `payload_json` (a JSON summary of what will be sent, or empty for none) is kept
  /// with the key, replacing an earlier one when given. Throws InvalidInput for an empty kind, key
  /// or owner, a lease that is not positive, or a payload that is not JSON.
  virtual std::optional<model::NotificationClaim> Claim(std::string_view kind, std::string_view key,
                                                        std::string_view owner,
                                                        std::chrono::seconds lease,
                                                        std::chrono::sys_seconds now,
                                                        std::string_view payload_json) = 0;

  /// Records `claim`'s notification as sent at `now`: it is never claimed again. True when
  /// `claim` was still the key's latest claim (also after its lease ended, if nobody took the
  /// key over); false, changing nothing, when another claim took it over (it may then have
  /// been sent twice: log it).
  virtual bool MarkSent(const model::NotificationClaim& claim, std::chrono::sys_seconds now) = 0;

  /// Records that `claim`'s attempt failed with `error` at `now`; the key can be claimed again
  /// from `next_attempt_at` (the caller's backoff, e.g. from claim.attempt). True/false as
  /// MarkSent.
  virtual bool MarkFailed(const model::NotificationClaim& claim, std::string_view error,
                          std::chrono::sys_seconds now,
                          std::chrono::sys_seconds next_attempt_at) = 0;

  /// Records that `claim`'s notification failed for good with `error` at `now`: it is never
  /// claimed again. True/false as MarkSent.
  virtual bool MarkGivenUp(const model::NotificationClaim& claim, std::string_view error,
                           std::chrono::sys_seconds now) = 0;
};

/// What the ledger holds, for /metrics and inspection. Thread-safe; throws as
/// NotificationLedger.
class NotificationLog {
 public:
  NotificationLog() = default;
  virtual ~NotificationLog() = default;
  // An interface: implementations are used by reference, never copied.
  NotificationLog(const NotificationLog&) = delete;
  NotificationLog& operator=(const NotificationLog&) = delete;
  NotificationLog(NotificationLog&&) = delete;
  NotificationLog& operator=(NotificationLog&&) = delete;

  /// How many notifications each kind has in each state (states without any are left out),
  /// ordered by kind, then by the state's name.
  virtual std::vector<model::NotificationCount> CountByState() = 0;

  /// The notifications of `kind`, most recently changed first, at most `limit`.
  virtual std::vector<model::NotificationRecord> List(std::string_view kind, std::size_t limit) = 0;
};

}  // namespace costledger::ports
