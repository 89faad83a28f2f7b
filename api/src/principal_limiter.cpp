#include "costledger/api/principal_limiter.hpp"

#include <fmt/core.h>

namespace costledger::api {

std::optional<http::HttpResponse> PrincipalLimiter::Acquire(const std::string& principal) {
  {
    const std::lock_guard lock(mutex_);
    std::size_t& running = running_[principal];
    if (limit_ == 0 || running < limit_) {
      ++running;
      return std::nullopt;
    }
  }
  http::HttpResponse r = http::JsonError(
      429, fmt::format("'{}' already has {} requests reading the database (the limit per token, "
                       "api.max_concurrent_per_token); retry when one has finished",
                       principal, limit_));
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_.count()));
  return r;
}

void PrincipalLimiter::Release(const std::string& principal) {
  const std::lock_guard lock(mutex_);
  const auto it = running_.find(principal);
  if (it == running_.end()) return;
  if (--it->second == 0) running_.erase(it);
}

std::size_t PrincipalLimiter::Running(const std::string& principal) const {
  const std::lock_guard lock(mutex_);
  const auto it = running_.find(principal);
  return it == running_.end() ? 0 : it->second;
}

}  // namespace costledger::api
