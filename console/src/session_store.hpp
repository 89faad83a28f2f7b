#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "costledger/api/auth.hpp"

namespace costledger::console {

/// A logged-in browser: who, and the token its forms must carry (CSRF).
struct Session {
  api::Principal who;
  std::string csrf_token;
  std::chrono::steady_clock::time_point expires;
};

/// The console's sessions, in memory: a random 256-bit id (the cookie) per login, expiring
/// `ttl` after it was made. The bearer token itself is never kept. Thread-safe.
class SessionStore {
 public:
  explicit SessionStore(std::chrono::seconds ttl, std::size_t max_sessions = 10'000);

  /// A new session of `who`; returns its id. When the store is full, expired sessions are
  /// dropped first, then the one that expires soonest.
  std::string Create(const api::Principal& who);
  /// The session of `id` while it has not expired.
  std::optional<Session> Find(const std::string& id) const;
  void Remove(const std::string& id);

 private:
  std::chrono::seconds ttl_;
  std::size_t max_sessions_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Session> sessions_;
};

/// `bytes` random bytes from OpenSSL's CSPRNG as lower-case hex. Throws std::runtime_error when
/// the generator fails.
std::string RandomHex(std::size_t bytes);

}  // namespace costledger::console
