#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/quota.hpp"

namespace costledger::ports {

/// Who manages a stored quota: the API (and the CLI), or the configured quotas_file.
enum class QuotaSource { kApi, kFile };

/// "api" or "file".
constexpr std::string_view ToString(QuotaSource source) {
  return source == QuotaSource::kFile ? "file" : "api";
}

/// A quota as stored, with who last changed it and when (UTC, whole seconds).
struct StoredQuota {
  model::Quota quota;
  std::chrono::sys_seconds created_at;
  std::chrono::sys_seconds updated_at;
  std::string updated_by;  ///< e.g. "token:platform", "cli:alice", "file:/etc/quotas.json"
  QuotaSource source = QuotaSource::kApi;
};

/// One change of a quota's history: `before` absent for a creation, `after` for a deletion.
struct QuotaChange {
  std::int64_t id = 0;  ///< increasing in commit order of one database
  std::string name;
  std::chrono::sys_seconds at;
  std::string who;
  QuotaSource source = QuotaSource::kApi;
  std::optional<model::Quota> before;
  std::optional<model::Quota> after;
};

/// What Put did: a new quota, a different spec or manager replacing the old, or nothing at all
/// (same spec and same source: no write, no history row).
enum class QuotaPutOutcome { kCreated, kReplaced, kUnchanged };

/// What Reconcile did, by quota name (each list sorted).
struct QuotaReconcileResult {
  std::vector<std::string> created;
  std::vector<std::string> replaced;
  std::vector<std::string> deleted;
  std::vector<std::string> unchanged;
};

/// Where quotas and their change history are kept. Every write and its history row commit in
/// one transaction, so nothing is ever half-applied. Thread-safe. Every method throws
/// Unavailable when the store cannot be reached, and std::runtime_error for other failures.
class QuotaStore {
 public:
  QuotaStore() = default;
  virtual ~QuotaStore() = default;
  // An interface: implementations are used by reference, never copied.
  QuotaStore(const QuotaStore&) = delete;
  QuotaStore& operator=(const QuotaStore&) = delete;
  QuotaStore(QuotaStore&&) = delete;
  QuotaStore& operator=(QuotaStore&&) = delete;

  /// Every stored quota, by name.
  virtual std::vector<StoredQuota> List() = 0;
  /// One quota, or nullopt when none has that name.
  virtual std::optional<StoredQuota> Get(const std::string& name) = 0;
  /// Creates or replaces `quota` (validated by model::ValidateQuota), now managed by `source`.
  virtual QuotaPutOutcome Put(const model::Quota& quota, const std::string& who,
                              QuotaSource source) = 0;
  /// Deletes quota `name`; false when there was none.
  virtual bool Delete(const std::string& name, const std::string& who, QuotaSource source) = 0;
  /// Makes the file-managed quotas exactly `quotas` (the whole content of the quotas file), in
  /// one transaction: creates or replaces each (a quota of that name created through the API
  /// is taken over by the file, and its history says so), and deletes the file-managed quotas
  /// no longer listed. Quotas created through the API and not named in `quotas` are never
  /// touched. Throws InvalidInput when a name is given twice (then nothing changes).
  virtual QuotaReconcileResult Reconcile(const std::vector<model::Quota>& quotas,
                                         const std::string& who) = 0;
  /// The newest `limit` changes of quota `name` (also of a deleted one), newest first.
  virtual std::vector<QuotaChange> History(const std::string& name, std::size_t limit) = 0;
};

}  // namespace costledger::ports
