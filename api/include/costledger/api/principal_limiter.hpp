#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "costledger/http/http_types.hpp"

namespace costledger::api {

/// At most `limit` database reads at once per principal (a token's name, a console login,
/// "anonymous"), so that one client cannot take every worker from the others: a read over the
/// limit gets 429 with `Retry-After`. Thread-safe.
class PrincipalLimiter {
 public:
  /// `limit` 0: no limit.
  explicit PrincipalLimiter(std::size_t limit,
                            std::chrono::seconds retry_after = std::chrono::seconds(1))
      : limit_(limit), retry_after_(retry_after) {}

  /// One read of `principal` begins: nullopt when it may (call Release when it ends), else the
  /// 429 response to send instead.
  std::optional<http::HttpResponse> Acquire(const std::string& principal);
  void Release(const std::string& principal);

  /// Reads of `principal` running now (for tests and metrics).
  std::size_t Running(const std::string& principal) const;

 private:
  std::size_t limit_;
  std::chrono::seconds retry_after_;
  mutable std::mutex mutex_;
  std::map<std::string, std::size_t> running_;
};

}  // namespace costledger::api
