#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "costledger/ports/quota_store.hpp"

namespace costledger::postgres {

/// Quotas and their history in PostgreSQL (tables quotas and quota_changes, migration 0008).
/// Each write and its history row commit in one transaction; writes of one quota are serialized
/// by its row lock, Reconcile by a table lock (so two reconciling replicas apply one file after
/// the other). Thread-safe: calls share a pool of at most `max_connections` sessions, opened as
/// needed, waiting at most `acquire_timeout` for a free one. Throws Unavailable when the server
/// is out of reach or no session became free in time.
class PostgresQuotaStore final : public ports::QuotaStore {
 public:
  static constexpr std::chrono::milliseconds kDefaultAcquireTimeout{10'000};

  /// Connects lazily (nothing happens here). Throws InvalidInput when `max_connections` is 0
  /// or `acquire_timeout` is negative.
  PostgresQuotaStore(std::string url, std::string password, std::size_t max_connections = 2,
                     std::chrono::milliseconds acquire_timeout = kDefaultAcquireTimeout);
  ~PostgresQuotaStore() override;
  PostgresQuotaStore(const PostgresQuotaStore&) = delete;
  PostgresQuotaStore& operator=(const PostgresQuotaStore&) = delete;
  PostgresQuotaStore(PostgresQuotaStore&&) = delete;
  PostgresQuotaStore& operator=(PostgresQuotaStore&&) = delete;

  std::vector<ports::StoredQuota> List() override;
  std::optional<ports::StoredQuota> Get(const std::string& name) override;
  ports::QuotaPutOutcome Put(const model::Quota& quota, const std::string& who,
                             ports::QuotaSource source) override;
  bool Delete(const std::string& name, const std::string& who, ports::QuotaSource source) override;
  ports::QuotaReconcileResult Reconcile(const std::vector<model::Quota>& quotas,
                                        const std::string& who) override;
  std::vector<ports::QuotaChange> History(const std::string& name, std::size_t limit) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::postgres
