#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/ports/notification_ledger.hpp"

namespace costledger::postgres {

/// The notification ledger in PostgreSQL (table notifications, migration 0007): every process
/// and replica that shares the database shares the ledger, so the ports' exactly-once
/// guarantee holds across restarts and replicas.
///
/// Claim is one statement in its own transaction, committed before Claim returns:
///     INSERT ... VALUES (kind, key, 'claimed', owner, now + lease, attempts 1, ...)
///     ON CONFLICT (kind, key) DO UPDATE SET state 'claimed', attempts + 1, ...
///     WHERE (state = 'failed' AND next_attempt_at <= now)
///        OR (state = 'claimed' AND claimed_until <= now)
///     RETURNING attempts, claimed_until
/// Of racing transactions, one inserts a new key and the others wait for it, then find its
/// committed row under a live lease; an existing row is locked, and each racer evaluates the
/// WHERE on the version left by the one before, so only the first finds it claimable. MarkSent,
/// MarkFailed and MarkGivenUp update the row only while it is still `claimed` by the same owner
/// and attempt (a fencing token).
///
/// Thread-safe: calls share a pool of at most `max_connections` sessions; a call that finds
/// every session busy waits for one, at most `acquire_timeout`. Throws Unavailable when the
/// server is out of reach or no session became free in time.
class PostgresNotificationLedger final : public ports::NotificationLedger,
                                         public ports::NotificationLog {
 public:
  static constexpr std::chrono::milliseconds kDefaultAcquireTimeout{10'000};

  /// Connects lazily (nothing happens here). Throws InvalidInput when `max_connections` is 0
  /// or `acquire_timeout` is negative.
  PostgresNotificationLedger(std::string url, std::string password, std::size_t max_connections = 2,
                             std::chrono::milliseconds acquire_timeout = kDefaultAcquireTimeout);
  ~PostgresNotificationLedger() override;
  PostgresNotificationLedger(const PostgresNotificationLedger&) = delete;
  PostgresNotificationLedger& operator=(const PostgresNotificationLedger&) = delete;
  PostgresNotificationLedger(PostgresNotificationLedger&&) = delete;
  PostgresNotificationLedger& operator=(PostgresNotificationLedger&&) = delete;

  std::optional<model::NotificationClaim> Claim(std::string_view kind, std::string_view key,
                                                std::string_view owner, std::chrono::seconds lease,
                                                std::chrono::sys_seconds now,
                                                std::string_view payload_json) override;
  bool MarkSent(const model::NotificationClaim& claim, std::chrono::sys_seconds now) override;
  bool MarkFailed(const model::NotificationClaim& claim, std::string_view error,
                  std::chrono::sys_seconds now, std::chrono::sys_seconds next_attempt_at) override;
  bool MarkGivenUp(const model::NotificationClaim& claim, std::string_view error,
                   std::chrono::sys_seconds now) override;

  std::vector<model::NotificationCount> CountByState() override;
  std::vector<model::NotificationRecord> List(std::string_view kind, std::size_t limit) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::postgres
