#include "local_days.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "container_columns.hpp"

namespace costledger::postgres {
namespace {

std::string Sql(std::string_view s) { return std::string(s); }

// Takes the hourly rollups' writers out while the zone changes (an hour rolled up meanwhile
// would mark its local day by the old zone, or none, after the new zone's days were listed),
// and a second process changing it: the mode conflicts with writers and with itself.
constexpr std::string_view kLockHours =
    "LOCK TABLE container_costs_hourly IN SHARE ROW EXCLUSIVE MODE";
constexpr std::string_view kStoredZone = "SELECT zone FROM local_day_zone";
constexpr std::string_view kZoneKnown =
    "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)";
constexpr std::string_view kClear = R"(
TRUNCATE container_costs_local_daily, local_days;
DELETE FROM local_day_zone)";
constexpr std::string_view kStoreZone = "INSERT INTO local_day_zone (zone) VALUES ($1)";
// Every local day of $1 with an hour of node costs (a cluster's hours with containers have
// nodes; 24x fewer rows to list), as the hourly rollups would have marked them.
constexpr std::string_view kMarkStoredDays = R"(
INSERT INTO local_days (cluster, day, day_end, pending)
SELECT DISTINCT h.cluster, l.day, l.day_end, true
FROM (SELECT DISTINCT cluster, hour FROM node_costs_hourly) h, local_day_of($1, h.hour) l)";

// $1 cluster, $2 epoch seconds of the hour.
constexpr std::string_view kMarkPending = R"(
INSERT INTO local_days (cluster, day, day_end, pending)
SELECT $1, l.day, l.day_end, true
FROM local_day_zone z, local_day_of(z.zone, to_timestamp($2::bigint)) l
ON CONFLICT (cluster, day) DO UPDATE SET pending = true WHERE NOT local_days.pending)";

// $1 epoch seconds: the oldest pending local day ended by then, none of its hours pending.
constexpr std::string_view kNextPending = R"(
SELECT d.cluster, extract(epoch FROM d.day)::bigint, extract(epoch FROM d.day_end)::bigint
FROM local_days d
WHERE d.pending AND d.day_end <= to_timestamp($1::bigint)
  AND NOT EXISTS (SELECT 1 FROM rollup_pending p WHERE p.cluster = d.cluster
                  AND p.hour >= d.day AND p.hour < d.day_end)
ORDER BY d.day, d.cluster LIMIT 1)";
// The row lock orders this rollup with a concurrent one of the same day (the second finds it
// taken) and with an hour's rollup marking it again (then rolled up once more).
constexpr std::string_view kTake = R"(
UPDATE local_days SET pending = false
WHERE cluster = $1 AND day = to_timestamp($2::bigint) AND pending)";
constexpr std::string_view kClearDay =
    "DELETE FROM container_costs_local_daily WHERE cluster = $1 AND day = to_timestamp($2::bigint)";

constexpr std::string_view kDeleteRows = R"(
DELETE FROM container_costs_local_daily x USING local_days d
WHERE d.cluster = x.cluster AND d.day = x.day AND d.day_end <= to_timestamp($1::bigint))";
constexpr std::string_view kDeleteDays =
    "DELETE FROM local_days WHERE day_end <= to_timestamp($1::bigint)";

// Whether `zone` names UTC (its local days are the UTC days the store keeps anyway).
bool IsUtcZoneName(const std::string& zone) {
  static constexpr std::array<std::string_view, 14> kUtc{
      "UTC",       "Etc/UTC",       "UCT",       "Etc/UCT",      "GMT",
      "Etc/GMT",   "GMT0",          "Etc/GMT0",  "Zulu",         "Etc/Zulu",
      "Universal", "Etc/Universal", "Greenwich", "Etc/Greenwich"};
  return std::ranges::find(kUtc, zone) != kUtc.end();
}

}  // namespace

bool ApplyLocalDayZone(pqxx::dbtransaction& tx, const std::string& zone) {
  const auto stored_zone = [&tx] {
    const pqxx::result stored = tx.exec(Sql(kStoredZone));
    return stored.empty() ? std::string() : stored[0][0].as<std::string>();
  };
  std::string wanted = IsUtcZoneName(zone) ? std::string() : zone;
  if (stored_zone() == wanted) return true;  // the common start: nothing changes
  const bool known = wanted.empty() || tx.exec_params1(Sql(kZoneKnown), wanted)[0].as<bool>();
  if (!known) wanted.clear();
  tx.exec(Sql(kLockHours));
  if (stored_zone() == wanted) return known;  // set meanwhile by another process
  tx.exec(Sql(kClear));
  if (!wanted.empty()) {
    tx.exec_params(Sql(kStoreZone), wanted);
    tx.exec_params(Sql(kMarkStoredDays), wanted);
  }
  return known;
}

void MarkLocalDayPending(pqxx::dbtransaction& tx, const std::string& cluster, std::int64_t hour) {
  tx.exec_params(Sql(kMarkPending), cluster, hour);
}

bool RollUpNextLocalDay(pqxx::dbtransaction& tx, std::int64_t complete_before) {
  const pqxx::result next = tx.exec_params(Sql(kNextPending), complete_before);
  if (next.empty()) return false;
  const auto cluster = next[0][0].as<std::string>();
  const auto day = next[0][1].as<std::int64_t>();
  const auto day_end = next[0][2].as<std::int64_t>();
  if (tx.exec_params(Sql(kTake), cluster, day).affected_rows() == 0) return true;
  tx.exec_params(Sql(kClearDay), cluster, day);
  tx.exec_params(ContainerLocalDayRollUpSql(), cluster, day, day_end);
  return true;
}

std::int64_t DeleteLocalDays(pqxx::dbtransaction& tx, std::int64_t cutoff) {
  const auto rows =
      static_cast<std::int64_t>(tx.exec_params(Sql(kDeleteRows), cutoff).affected_rows());
  tx.exec_params(Sql(kDeleteDays), cutoff);
  return rows;
}

}  // namespace costledger::postgres
