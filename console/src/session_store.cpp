#include "session_store.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace costledger::console {

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("the random generator failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes);
  for (const unsigned char b : raw) {
    out += kHex[b >> 4U];
    out += kHex[b & 0x0FU];
  }
  return out;
}

SessionStore::SessionStore(std::chrono::seconds ttl, std::size_t max_sessions)
    : ttl_(ttl), max_sessions_(std::max<std::size_t>(1, max_sessions)) {}

std::string SessionStore::Create(const api::Principal& who) {
  Session s{who, RandomHex(32), std::chrono::steady_clock::now() + ttl_};
  std::string id = RandomHex(32);
  const std::lock_guard lock(mutex_);
  if (sessions_.size() >= max_sessions_) {
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(sessions_, [now](const auto& e) { return e.second.expires <= now; });
  }
  if (sessions_.size() >= max_sessions_) {
    const auto soonest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    sessions_.erase(soonest);
  }
  sessions_.emplace(id, std::move(s));
  return id;
}

std::optional<Session> SessionStore::Find(const std::string& id) const {
  const std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.expires <= std::chrono::steady_clock::now()) {
    return std::nullopt;
  }
  return it->second;
}

void SessionStore::Remove(const std::string& id) {
  const std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

}  // namespace costledger::console
