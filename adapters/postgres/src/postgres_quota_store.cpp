#include "costledger/postgres/postgres_quota_store.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <utility>

#include "costledger/model/errors.hpp"
#include "costledger/sources/quota_json.hpp"
#include "pg_session_pool.hpp"
#include "pg_time.hpp"

namespace costledger::postgres {
namespace {

using ports::QuotaPutOutcome;
using ports::QuotaSource;

// ---- SQL ----------------------------------------------------------------------------------

constexpr std::string_view kColumns =
    "name, spec::text, extract(epoch FROM created_at)::bigint, "
    "extract(epoch FROM updated_at)::bigint, updated_by, source";

const std::string kList = fmt::format("SELECT {} FROM quotas ORDER BY name", kColumns);
const std::string kGet = fmt::format("SELECT {} FROM quotas WHERE name = $1", kColumns);
const std::string kLockOne =
    fmt::format("SELECT {} FROM quotas WHERE name = $1 FOR UPDATE", kColumns);
const std::string kLockAll = fmt::format("SELECT {} FROM quotas ORDER BY name", kColumns);

// Reconcile takes the whole table: concurrent Puts wait, and so does another replica's
// Reconcile (SHARE ROW EXCLUSIVE conflicts with itself).
constexpr std::string_view kLockTable = "LOCK TABLE quotas IN SHARE ROW EXCLUSIVE MODE";

// A racing creation of the same name makes this insert nothing; the caller then locks the row.
constexpr std::string_view kInsert = R"(
INSERT INTO quotas (name, spec, created_at, updated_at, updated_by, source)
VALUES ($1, $2::jsonb, now(), now(), $3, $4)
ON CONFLICT (name) DO NOTHING RETURNING name)";

constexpr std::string_view kUpdate = R"(
UPDATE quotas SET spec = $2::jsonb, updated_at = now(), updated_by = $3, source = $4
WHERE name = $1)";

constexpr std::string_view kDelete = "DELETE FROM quotas WHERE name = $1";

constexpr std::string_view kRecord = R"(
INSERT INTO quota_changes (name, at, who, source, before, after)
VALUES ($1, now(), $2, $3, $4::jsonb, $5::jsonb))";

constexpr std::string_view kHistory = R"(
SELECT id, name, extract(epoch FROM at)::bigint, who, source, before::text, after::text
FROM quota_changes WHERE name = $1 ORDER BY id DESC LIMIT $2)";

// ---- rows ---------------------------------------------------------------------------------

QuotaSource SourceOf(const std::string& text) {
  return text == "file" ? QuotaSource::kFile : QuotaSource::kApi;
}

std::string SourceText(QuotaSource source) { return std::string(ports::ToString(source)); }

model::Quota QuotaOf(const std::string& spec) {
  return model::ValidateQuota(sources::ParseQuotaSpec(spec));
}

ports::StoredQuota StoredOf(const pqxx::row& r) {
  ports::StoredQuota q;
  q.quota = QuotaOf(r[1].as<std::string>());
  q.created_at = FromEpochSeconds(r[2].as<std::int64_t>());
  q.updated_at = FromEpochSeconds(r[3].as<std::int64_t>());
  q.updated_by = r[4].as<std::string>();
  q.source = SourceOf(r[5].as<std::string>());
  return q;
}

std::optional<model::Quota> OptionalQuota(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return QuotaOf(f.as<std::string>());
}

std::optional<std::string> OptionalJson(const std::optional<model::Quota>& quota) {
  if (!quota) return std::nullopt;
  return sources::QuotaToJson(*quota);
}

void Record(pqxx::work& tx, const std::string& name, const std::string& who, QuotaSource source,
            const std::optional<model::Quota>& before, const std::optional<model::Quota>& after) {
  tx.exec_params0(std::string(kRecord), name, who, SourceText(source), OptionalJson(before),
                  OptionalJson(after));
}

// Creates or replaces `quota` within `tx`; `current` is its locked row, if any.
QuotaPutOutcome Apply(pqxx::work& tx, const model::Quota& quota,
                      const std::optional<ports::StoredQuota>& current, const std::string& who,
                      QuotaSource source) {
  const std::string spec = sources::QuotaToJson(quota);
  if (!current) {
    tx.exec_params1(std::string(kInsert), quota.name, spec, who, SourceText(source));
    Record(tx, quota.name, who, source, std::nullopt, quota);
    return QuotaPutOutcome::kCreated;
  }
  if (current->quota == quota && current->source == source) return QuotaPutOutcome::kUnchanged;
  tx.exec_params0(std::string(kUpdate), quota.name, spec, who, SourceText(source));
  Record(tx, quota.name, who, source, current->quota, quota);
  return QuotaPutOutcome::kReplaced;
}

void CheckName(const std::string& name) {
  if (!model::IsValidQuotaName(name)) {
    throw InvalidInput(fmt::format("quota name '{}' is not a valid name", name));
  }
}

}  // namespace

struct PostgresQuotaStore::Impl {
  Impl(std::string url, std::string password, std::size_t max_connections,
       std::chrono::milliseconds acquire_timeout)
      : pool(std::move(url), std::move(password), max_connections, acquire_timeout) {}
  PgSessionPool pool;
};

PostgresQuotaStore::PostgresQuotaStore(std::string url, std::string password,
                                       std::size_t max_connections,
                                       std::chrono::milliseconds acquire_timeout)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(password), max_connections,
                                   acquire_timeout)) {}

PostgresQuotaStore::~PostgresQuotaStore() = default;

std::vector<ports::StoredQuota> PostgresQuotaStore::List() {
  return impl_->pool.Run("list quotas", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "list_quotas");
    std::vector<ports::StoredQuota> out;
    for (const pqxx::row& r : tx.exec(kList)) out.push_back(StoredOf(r));
    return out;
  });
}

std::optional<ports::StoredQuota> PostgresQuotaStore::Get(const std::string& name) {
  return impl_->pool.Run("read quota", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "read_quota");
    const pqxx::result r = tx.exec_params(kGet, name);
    return r.empty() ? std::nullopt : std::optional(StoredOf(r[0]));
  });
}

QuotaPutOutcome PostgresQuotaStore::Put(const model::Quota& quota, const std::string& who,
                                        QuotaSource source) {
  CheckName(quota.name);
  return impl_->pool.Run("store quota", [&](pqxx::connection& c) {
    pqxx::work tx(c, "store_quota");
    std::optional<ports::StoredQuota> current;
    if (const pqxx::result r = tx.exec_params(kLockOne, quota.name); !r.empty()) {
      current = StoredOf(r[0]);
    } else {
      // Insert now; when a concurrent transaction created the name first, lock its row.
      const std::string spec = sources::QuotaToJson(quota);
      if (!tx.exec_params(std::string(kInsert), quota.name, spec, who, SourceText(source))
               .empty()) {
        Record(tx, quota.name, who, source, std::nullopt, quota);
        tx.commit();
        return QuotaPutOutcome::kCreated;
      }
      current = StoredOf(tx.exec_params1(kLockOne, quota.name));
    }
    const QuotaPutOutcome outcome = Apply(tx, quota, current, who, source);
    tx.commit();
    return outcome;
  });
}

bool PostgresQuotaStore::Delete(const std::string& name, const std::string& who,
                                QuotaSource source) {
  return impl_->pool.Run("delete quota", [&](pqxx::connection& c) {
    pqxx::work tx(c, "delete_quota");
    const pqxx::result r = tx.exec_params(kLockOne, name);
    if (r.empty()) return false;
    const ports::StoredQuota current = StoredOf(r[0]);
    tx.exec_params0(std::string(kDelete), name);
    Record(tx, name, who, source, current.quota, std::nullopt);
    tx.commit();
    return true;
  });
}

ports::QuotaReconcileResult PostgresQuotaStore::Reconcile(const std::vector<model::Quota>& quotas,
                                                          const std::string& who) {
  std::set<std::string, std::less<>> names;
  for (const model::Quota& q : quotas) {
    CheckName(q.name);
    if (!names.insert(q.name).second) {
      throw InvalidInput(fmt::format("quota '{}' is given twice", q.name));
    }
  }
  return impl_->pool.Run("reconcile quotas", [&](pqxx::connection& c) {
    pqxx::work tx(c, "reconcile_quotas");
    tx.exec0(std::string(kLockTable));
    std::map<std::string, ports::StoredQuota, std::less<>> stored;
    for (const pqxx::row& r : tx.exec(kLockAll)) {
      ports::StoredQuota q = StoredOf(r);
      std::string name = q.quota.name;
      stored.emplace(std::move(name), std::move(q));
    }
    ports::QuotaReconcileResult result;
    std::vector<const model::Quota*> ordered;
    ordered.reserve(quotas.size());
    for (const model::Quota& q : quotas) ordered.push_back(&q);
    std::ranges::sort(ordered, [](const auto* a, const auto* b) { return a->name < b->name; });
    for (const model::Quota* q : ordered) {
      const auto it = stored.find(q->name);
      const std::optional<ports::StoredQuota> current =
          it == stored.end() ? std::nullopt : std::optional(it->second);
      switch (Apply(tx, *q, current, who, QuotaSource::kFile)) {
        case QuotaPutOutcome::kCreated:
          result.created.push_back(q->name);
          break;
        case QuotaPutOutcome::kReplaced:
          result.replaced.push_back(q->name);
          break;
        case QuotaPutOutcome::kUnchanged:
          result.unchanged.push_back(q->name);
          break;
      }
    }
    for (const auto& [name, q] : stored) {
      if (q.source != QuotaSource::kFile || names.contains(name)) continue;
      tx.exec_params0(std::string(kDelete), name);
      Record(tx, name, who, QuotaSource::kFile, q.quota, std::nullopt);
      result.deleted.push_back(name);
    }
    tx.commit();
    return result;
  });
}

std::vector<ports::QuotaChange> PostgresQuotaStore::History(const std::string& name,
                                                            std::size_t limit) {
  return impl_->pool.Run("read quota history", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "quota_history");
    std::vector<ports::QuotaChange> out;
    for (const pqxx::row& r :
         tx.exec_params(std::string(kHistory), name, static_cast<std::int64_t>(limit))) {
      ports::QuotaChange change;
      change.id = r[0].as<std::int64_t>();
      change.name = r[1].as<std::string>();
      change.at = FromEpochSeconds(r[2].as<std::int64_t>());
      change.who = r[3].as<std::string>();
      change.source = SourceOf(r[4].as<std::string>());
      change.before = OptionalQuota(r[5]);
      change.after = OptionalQuota(r[6]);
      out.push_back(std::move(change));
    }
    return out;
  });
}

}  // namespace costledger::postgres
