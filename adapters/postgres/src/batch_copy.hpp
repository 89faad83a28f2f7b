#pragma once

// Internal to the PostgreSQL adapter: the raw rows of one interval batch, written by binary
// COPY (the store's write path, and any table of the raw tables' layout).

#include <cstdint>
#include <pqxx/pqxx>
#include <string_view>

#include "costledger/model/interval_batch.hpp"

namespace costledger::postgres {

/// COPY of the batch's container rows, each with its container key (ContainerKeys), into
/// `table` within `tx`: a raw partition, the staging table, or any table with container_costs'
/// columns. Throws what CopyWriter throws.
void CopyContainerRows(pqxx::dbtransaction& tx, std::string_view table,
                       const model::IntervalBatch& batch, std::int32_t interval_seconds);

/// COPY of the batch's node rows into `table` (node_costs' columns) within `tx`. The caller
/// checks that every node's container count fits an integer. Throws what CopyWriter throws.
void CopyNodeRows(pqxx::dbtransaction& tx, std::string_view table,
                  const model::IntervalBatch& batch, std::int32_t interval_seconds);

}  // namespace costledger::postgres
