#include "costledger/postgres/postgres_notification_ledger.hpp"

#include <fmt/core.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <utility>

#include "costledger/model/errors.hpp"
#include "pg_session_pool.hpp"
#include "pg_time.hpp"

namespace costledger::postgres {
namespace {

// ---- SQL ----------------------------------------------------------------------------------
// $1 kind, $2 key, $3 owner, $4 now (epoch seconds), $5 lease (seconds), $6 payload ('' none).
// EXCLUDED.updated_at is `now`. The WHERE is evaluated on the row's latest version, locked:
// see the header and migration 0007.
constexpr std::string_view kClaim = R"(
INSERT INTO notifications AS n
  (kind, key, state, claimed_by, claimed_until, attempts, created_at, updated_at, payload)
VALUES ($1, $2, 'claimed', $3, to_timestamp($4::bigint) + $5::bigint * interval '1 second', 1,
        to_timestamp($4::bigint), to_timestamp($4::bigint), NULLIF($6::text, '')::jsonb)
ON CONFLICT (kind, key) DO UPDATE SET
  state = 'claimed', claimed_by = EXCLUDED.claimed_by, claimed_until = EXCLUDED.claimed_until,
  attempts = n.attempts + 1, next_attempt_at = NULL, updated_at = EXCLUDED.updated_at,
  payload = coalesce(EXCLUDED.payload, n.payload)
WHERE (n.state = 'failed' AND n.next_attempt_at <= EXCLUDED.updated_at)
   OR (n.state = 'claimed' AND n.claimed_until <= EXCLUDED.updated_at)
RETURNING attempts, extract(epoch FROM claimed_until)::bigint)";

// Outcomes, fenced by the claim: $1 kind, $2 key, $3 owner, $4 attempt, $5 now; $6 error;
// $7 next attempt time.
constexpr std::string_view kMarkSent = R"(
UPDATE notifications SET state = 'sent', sent_at = to_timestamp($5::bigint),
  claimed_until = NULL, updated_at = to_timestamp($5::bigint)
WHERE kind = $1 AND key = $2 AND state = 'claimed' AND claimed_by = $3 AND attempts = $4::integer)";
constexpr std::string_view kMarkFailed = R"(
UPDATE notifications SET state = 'failed', last_error = $6,
  next_attempt_at = to_timestamp($7::bigint), claimed_until = NULL,
  updated_at = to_timestamp($5::bigint)
WHERE kind = $1 AND key = $2 AND state = 'claimed' AND claimed_by = $3 AND attempts = $4::integer)";
constexpr std::string_view kMarkGivenUp = R"(
UPDATE notifications SET state = 'given_up', last_error = $6, claimed_until = NULL,
  updated_at = to_timestamp($5::bigint)
WHERE kind = $1 AND key = $2 AND state = 'claimed' AND claimed_by = $3 AND attempts = $4::integer)";

constexpr std::string_view kCountByState = R"(
SELECT kind, state, count(*) FROM notifications GROUP BY kind, state ORDER BY kind, state)";

constexpr std::string_view kList = R"(
SELECT kind, key, state, claimed_by, attempts, coalesce(last_error, ''),
  extract(epoch FROM claimed_until)::bigint, extract(epoch FROM next_attempt_at)::bigint,
  extract(epoch FROM sent_at)::bigint, extract(epoch FROM created_at)::bigint,
  extract(epoch FROM updated_at)::bigint, coalesce(payload::text, '')
FROM notifications WHERE kind = $1
ORDER BY updated_at DESC, key
LIMIT $2::bigint)";

model::NotificationState StateOf(const pqxx::field& f) {
  const auto text = f.as<std::string>();
  const std::optional<model::NotificationState> state = model::ParseNotificationState(text);
  if (!state) throw std::runtime_error(fmt::format("notifications: unknown state '{}'", text));
  return *state;
}

}  // namespace

struct PostgresNotificationLedger::Impl {
  Impl(std::string url, std::string password, std::size_t max_connections,
       std::chrono::milliseconds acquire_timeout)
      : pool(std::move(url), std::move(password), max_connections, acquire_timeout) {}

  // Runs one fenced outcome statement in its own transaction; true when it changed the row.
  template <typename... Extra>
  bool Finish(std::string_view operation, std::string_view sql,
              const model::NotificationClaim& claim, std::chrono::sys_seconds now,
              Extra&&... extra) {
    return pool.Run(operation, [&](pqxx::connection& c) {
      pqxx::work tx(c, "notification_outcome");
      const pqxx::result r =
          tx.exec_params(std::string(sql), claim.kind, claim.key, claim.owner, claim.attempt,
                         EpochSeconds(now), std::forward<Extra>(extra)...);
      tx.commit();
      return r.affected_rows() == 1;
    });
  }

  PgSessionPool pool;
};

PostgresNotificationLedger::PostgresNotificationLedger(std::string url, std::string password,
                                                       std::size_t max_connections,
                                                       std::chrono::milliseconds acquire_timeout)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(password), max_connections,
                                   acquire_timeout)) {}

PostgresNotificationLedger::~PostgresNotificationLedger() = default;

std::optional<model::NotificationClaim> PostgresNotificationLedger::Claim(
    std::string_view kind, std::string_view key, std::string_view owner, std::chrono::seconds lease,
    std::chrono::sys_seconds now, std::string_view payload_json) {
  if (kind.empty() || key.empty() || owner.empty()) {
    throw InvalidInput("notification claim: kind, key and owner must not be empty");
  }
  if (lease.count() <= 0) {
    throw InvalidInput(
        fmt::format("notification claim of {}/{}: the lease must be positive", kind, key));
  }
  if (!payload_json.empty() && !nlohmann::json::accept(payload_json)) {
    throw InvalidInput(
        fmt::format("notification claim of {}/{}: the payload is not JSON", kind, key));
  }
  return impl_->pool.Run(
      "claim notification", [&](pqxx::connection& c) -> std::optional<model::NotificationClaim> {
        pqxx::work tx(c, "claim_notification");
        const pqxx::result r = tx.exec_params(
            std::string(kClaim), std::string(kind), std::string(key), std::string(owner),
            EpochSeconds(now), static_cast<std::int64_t>(lease.count()), std::string(payload_json));
        tx.commit();
        if (r.empty()) return std::nullopt;
        return model::NotificationClaim{
            .kind = std::string(kind),
            .key = std::string(key),
            .owner = std::string(owner),
            .attempt = r[0][0].as<std::int32_t>(),
            .claimed_until = FromEpochSeconds(r[0][1].as<std::int64_t>()),
        };
      });
}

bool PostgresNotificationLedger::MarkSent(const model::NotificationClaim& claim,
                                          std::chrono::sys_seconds now) {
  return impl_->Finish("record notification sent", kMarkSent, claim, now);
}

bool PostgresNotificationLedger::MarkFailed(const model::NotificationClaim& claim,
                                            std::string_view error, std::chrono::sys_seconds now,
                                            std::chrono::sys_seconds next_attempt_at) {
  return impl_->Finish("record notification failed", kMarkFailed, claim, now, std::string(error),
                       EpochSeconds(next_attempt_at));
}

bool PostgresNotificationLedger::MarkGivenUp(const model::NotificationClaim& claim,
                                             std::string_view error, std::chrono::sys_seconds now) {
  return impl_->Finish("record notification given up", kMarkGivenUp, claim, now,
                       std::string(error));
}

std::vector<model::NotificationCount> PostgresNotificationLedger::CountByState() {
  return impl_->pool.Run("count notifications", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "count_notifications");
    std::vector<model::NotificationCount> out;
    for (const pqxx::row& r : tx.exec(std::string(kCountByState))) {
      out.push_back({.kind = r[0].as<std::string>(),
                     .state = StateOf(r[1]),
                     .count = r[2].as<std::int64_t>()});
    }
    return out;
  });
}

std::vector<model::NotificationRecord> PostgresNotificationLedger::List(std::string_view kind,
                                                                        std::size_t limit) {
  const auto max_rows = static_cast<std::int64_t>(
      std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
  return impl_->pool.Run("list notifications", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "list_notifications");
    std::vector<model::NotificationRecord> out;
    for (const pqxx::row& r : tx.exec_params(std::string(kList), std::string(kind), max_rows)) {
      model::NotificationRecord n;
      n.kind = r[0].as<std::string>();
      n.key = r[1].as<std::string>();
      n.state = StateOf(r[2]);
      n.owner = r[3].as<std::string>();
      n.attempts = r[4].as<std::int32_t>();
      n.last_error = r[5].as<std::string>();
      n.claimed_until = OptionalTime(r[6]);
      n.next_attempt_at = OptionalTime(r[7]);
      n.sent_at = OptionalTime(r[8]);
      n.created_at = FromEpochSeconds(r[9].as<std::int64_t>());
      n.updated_at = FromEpochSeconds(r[10].as<std::int64_t>());
      n.payload_json = r[11].as<std::string>();
      out.push_back(std::move(n));
    }
    return out;
  });
}

}  // namespace costledger::postgres
