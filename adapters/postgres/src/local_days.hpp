#pragma once

// Internal to the PostgreSQL adapter: container costs per local day of one time zone
// (migration 0018) as the store marks, rolls up and retains them. The reader's side is in
// postgres_cost_reader.cpp (kLocalDays).

#include <cstdint>
#include <pqxx/pqxx>
#include <string>

namespace costledger::postgres {

/// Makes `zone` the zone of the local days ("" or a UTC zone: none). When it differs from the
/// stored one: clears the local days and marks every stored local day of `zone` pending (with
/// the hourly rollups locked, so none rolled up meanwhile is missed). Returns false, and keeps
/// no local days, when PostgreSQL does not know `zone`.
bool ApplyLocalDayZone(pqxx::dbtransaction& tx, const std::string& zone);

/// Marks the local day holding the hour starting at `hour` (epoch seconds) of `cluster`
/// pending; nothing without a zone. In the transaction that rolls up that hour.
void MarkLocalDayPending(pqxx::dbtransaction& tx, const std::string& cluster, std::int64_t hour);

/// Rolls up the oldest pending local day that ended by `complete_before` (epoch seconds) and
/// has no pending hour, from its hours. Returns false when there is none.
bool RollUpNextLocalDay(pqxx::dbtransaction& tx, std::int64_t complete_before);

/// Deletes the local days (and their rows) that ended at or before `cutoff` (epoch seconds);
/// returns the rows deleted.
std::int64_t DeleteLocalDays(pqxx::dbtransaction& tx, std::int64_t cutoff);

}  // namespace costledger::postgres
