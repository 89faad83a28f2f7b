#pragma once

// Internal to the PostgreSQL adapter: times cross the wire as epoch seconds (bigint), converted
// in SQL with to_timestamp($n::bigint) and extract(epoch FROM t)::bigint.

#include <chrono>
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>

namespace costledger::postgres {

inline std::int64_t EpochSeconds(std::chrono::sys_seconds t) {
  return t.time_since_epoch().count();
}

inline std::chrono::sys_seconds FromEpochSeconds(std::int64_t seconds) {
  return std::chrono::sys_seconds(std::chrono::seconds(seconds));
}

/// A nullable epoch-seconds column.
inline std::optional<std::chrono::sys_seconds> OptionalTime(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return FromEpochSeconds(f.as<std::int64_t>());
}

}  // namespace costledger::postgres
