#pragma once

// Internal to the PostgreSQL adapter: a bounded pool of PgSessions shared by threads (the cost
// reader's).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pg_session.hpp"

namespace costledger::postgres {

/// At most `max_sessions` sessions (so connections) open at once. A session is opened when a
/// caller finds none idle and fewer than `max_sessions` open, and is kept for the next caller;
/// a caller that finds all of them busy waits until one is returned, at most `acquire_timeout`.
/// Thread-safe.
class PgSessionPool {
 public:
  /// Throws InvalidInput when `max_sessions` is 0 or `acquire_timeout` is negative.
  /// `statement_timeout` > 0: each statement of its sessions is cancelled after that long
  /// (PgSession then throws TimedOut).
  PgSessionPool(std::string url, std::string password, std::size_t max_sessions,
                std::chrono::milliseconds acquire_timeout,
                std::chrono::milliseconds statement_timeout = std::chrono::milliseconds(0));
  PgSessionPool(const PgSessionPool&) = delete;
  PgSessionPool& operator=(const PgSessionPool&) = delete;
  PgSessionPool(PgSessionPool&&) = delete;
  PgSessionPool& operator=(PgSessionPool&&) = delete;
  ~PgSessionPool() = default;

  /// Runs `body` on a session of the pool (PgSession::Run: failures translated and retried
  /// there), which returns to the pool afterwards. Throws Unavailable, naming `operation`,
  /// when no session became free within the acquire timeout.
  template <typename Body>
  auto Run(std::string_view operation, Body&& body) {
    const Lease lease(*this, Acquire(operation));
    return lease.session->Run(operation, std::forward<Body>(body));
  }

  std::size_t max_sessions() const { return max_sessions_; }

 private:
  // Gives its session back to the pool when it goes out of scope.
  struct Lease {
    Lease(PgSessionPool& pool, std::unique_ptr<PgSession> leased)
        : owner(pool), session(std::move(leased)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease(Lease&&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() { owner.Release(std::move(session)); }

    PgSessionPool& owner;
    std::unique_ptr<PgSession> session;
  };

  std::unique_ptr<PgSession> Acquire(std::string_view operation);
  void Release(std::unique_ptr<PgSession> session) noexcept;

  const std::string url_;
  std::string setup_;  // SQL each new session runs first
  const std::string password_;
  const std::size_t max_sessions_;
  const std::chrono::milliseconds acquire_timeout_;

  std::mutex mutex_;
  std::condition_variable session_released_;
  std::vector<std::unique_ptr<PgSession>> idle_sessions_;  // open, not leased
  std::size_t open_sessions_ = 0;                          // idle and leased
};

}  // namespace costledger::postgres
