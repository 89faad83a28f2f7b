#pragma once

#include <string>
#include <vector>

#include "costledger/common/logger.hpp"
#include "costledger/model/quota.hpp"
#include "costledger/ports/quota_store.hpp"

namespace costledger::cli {

/// Reads and validates a quotas file: JSON, `{"quotas": [...]}` or a bare list of quotas in the
/// contract's shape. Throws InvalidInput naming the file, the element and the field ("quotas
/// file q.json: quotas[1] (beta): period: 'year' is not one of day, week, month"), or saying
/// that YAML (.yaml, .yml) is not supported by this build. Nothing is returned unless the whole
/// file is valid.
std::vector<model::Quota> LoadQuotaFile(const std::string& path);

/// Applies `path` to `store` as the set of file-managed quotas (QuotaStore::Reconcile, one
/// transaction, recorded as "file:<path>") and logs what changed. A bad file changes nothing:
/// the error (naming the field) is logged and false returned. Throws what the store throws
/// (Unavailable, or another error when, say, the schema is not migrated yet).
bool ReconcileQuotaFile(const std::string& path, ports::QuotaStore& store, common::Logger& log);

}  // namespace costledger::cli
