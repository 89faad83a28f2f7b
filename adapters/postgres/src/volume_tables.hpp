#pragma once

// Internal to the PostgreSQL adapter: the volume tables of migration 0012 (rule 9) as the
// store writes, rolls up and retains them. All SQL of volumes but the reader's lives here.

#include <chrono>
#include <cstdint>
#include <pqxx/pqxx>
#include <string>

#include "costledger/model/interval_batch.hpp"

namespace costledger::postgres {

/// Inserts the batch's volumes and their shares (through staging, skipping rows already
/// stored: idempotent). Nothing when the batch has none.
void WriteVolumes(pqxx::dbtransaction& tx, const model::IntervalBatch& batch, int interval_seconds);

/// Recomputes the hourly volume rollups of `cluster` for the hour starting at `hour` (epoch
/// seconds) from the raw rows.
void RollUpVolumeHour(pqxx::dbtransaction& tx, const std::string& cluster, std::int64_t hour);

/// Recomputes the daily volume rollups of the day starting at `day` from its hours.
void RollUpVolumeDay(pqxx::dbtransaction& tx, const std::string& cluster, std::int64_t day);

/// Deletes raw volume rows before `raw_cutoff` and rollups whose hour (day) ended at or before
/// `rollup_cutoff` (epoch seconds); returns the rows deleted.
std::int64_t DeleteVolumeRows(pqxx::dbtransaction& tx, std::int64_t raw_cutoff,
                              std::int64_t rollup_cutoff);

}  // namespace costledger::postgres
