#include "pg_session_pool.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <utility>

#include "costledger/common/secrets.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::postgres {

PgSessionPool::PgSessionPool(std::string url, std::string password, std::size_t max_sessions,
                             std::chrono::milliseconds acquire_timeout,
                             std::chrono::milliseconds statement_timeout)
    : url_(std::move(url)),
      setup_(statement_timeout.count() > 0
                 ? fmt::format("SET statement_timeout = {}", statement_timeout.count())
                 : std::string()),
      password_(std::move(password)),
      max_sessions_(max_sessions),
      acquire_timeout_(acquire_timeout) {
  if (max_sessions_ == 0) throw InvalidInput("PostgreSQL reader: max_connections must be >= 1");
  if (acquire_timeout_.count() < 0) {
    throw InvalidInput("PostgreSQL reader: the acquire timeout must not be negative");
  }
  // Release never allocates (so never fails) for a pool of ordinary size.
  idle_sessions_.reserve(std::min<std::size_t>(max_sessions_, 256));
}

std::unique_ptr<PgSession> PgSessionPool::Acquire(std::string_view operation) {
  std::unique_lock lock(mutex_);
  const bool available = session_released_.wait_for(lock, acquire_timeout_, [&] {
    return !idle_sessions_.empty() || open_sessions_ < max_sessions_;
  });
  if (!available) {
    throw Unavailable(fmt::format(
        "PostgreSQL at {} is unavailable ({}): all {} connections of the reader stayed busy "
        "for {} ms",
        common::MaskConnectionSecrets(url_), operation, max_sessions_, acquire_timeout_.count()));
  }
  if (!idle_sessions_.empty()) {
    std::unique_ptr<PgSession> session = std::move(idle_sessions_.back());
    idle_sessions_.pop_back();
    return session;
  }
  // Connects on its first Run, outside the lock.
  auto session = std::make_unique<PgSession>();
  session->Open(url_, password_, setup_);
  ++open_sessions_;
  return session;
}

void PgSessionPool::Release(std::unique_ptr<PgSession> session) noexcept {
  {
    const std::lock_guard lock(mutex_);
    try {
      idle_sessions_.push_back(std::move(session));
    } catch (...) {  // no memory to keep it: close it, and its place is free again
      --open_sessions_;
    }
  }
  session_released_.notify_one();
}

}  // namespace costledger::postgres
