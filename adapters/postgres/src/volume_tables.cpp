#include "volume_tables.hpp"

#include <fmt/core.h>

#include <array>
#include <string_view>

#include "copy_text.hpp"
#include "copy_writer.hpp"
#include "costledger/model/volume_attribution.hpp"

namespace costledger::postgres {
namespace {

constexpr std::string_view kCreateStaging = R"(
CREATE TEMP TABLE IF NOT EXISTS staging_volume_costs (LIKE volume_costs) ON COMMIT DROP;
CREATE TEMP TABLE IF NOT EXISTS staging_volume_share_costs (LIKE volume_share_costs)
  ON COMMIT DROP)";
constexpr std::array<const char*, 19> kVolumeColumns{"cluster",
                                                     "interval_start",
                                                     "interval_seconds",
                                                     "volume",
                                                     "provider_id",
                                                     "storage_class",
                                                     "price_key",
                                                     "claim_namespace",
                                                     "claim",
                                                     "zone",
                                                     "size_bytes",
                                                     "billed_iops",
                                                     "billed_throughput_mibps",
                                                     "price_source",
                                                     "per_gib_month_nanos",
                                                     "per_iops_month_nanos",
                                                     "per_gibps_month_nanos",
                                                     "cost_nanos",
                                                     "mounts"};
constexpr std::array<const char*, 17> kShareColumns{
    "cluster",      "interval_start",  "interval_seconds", "volume",   "node",
    "namespace",    "controller_kind", "controller",       "pod",      "container",
    "team",         "capacity_type",   "instance_type",    "platform", "workload",
    "byte_seconds", "cost_nanos"};
// Sorted bytewise so concurrent writers lock in the same order.
constexpr std::string_view kInsertVolumes = R"(
INSERT INTO volume_costs SELECT * FROM staging_volume_costs
ORDER BY cluster COLLATE "C", interval_start, volume COLLATE "C" ON CONFLICT DO NOTHING)";
constexpr std::string_view kInsertShares = R"(
INSERT INTO volume_share_costs SELECT * FROM staging_volume_share_costs
ORDER BY cluster COLLATE "C", interval_start, volume COLLATE "C", namespace COLLATE "C",
  pod COLLATE "C", container COLLATE "C"
ON CONFLICT DO NOTHING)";

// $1 cluster, $2 epoch seconds of the hour.
constexpr std::array<std::string_view, 4> kRollUpVolumeHour{
    R"(DELETE FROM volume_costs_hourly WHERE cluster = $1 AND hour = to_timestamp($2::bigint))",
    R"(DELETE FROM volume_share_costs_hourly WHERE cluster = $1 AND hour = to_timestamp($2::bigint))",
    R"(INSERT INTO volume_costs_hourly
SELECT cluster, to_timestamp($2::bigint), volume, min(provider_id), min(storage_class),
  min(price_key), min(claim_namespace), min(claim), min(zone), max(size_bytes),
  max(per_gib_month_nanos), sum(interval_seconds), sum(size_bytes::numeric * interval_seconds),
  sum(cost_nanos), min(interval_start),
  max(interval_start + interval_seconds * interval '1 second')
FROM volume_costs
WHERE cluster = $1 AND interval_start >= to_timestamp($2::bigint)
  AND interval_start < to_timestamp($2::bigint) + interval '1 hour'
GROUP BY cluster, volume)",
    R"(INSERT INTO volume_share_costs_hourly
SELECT cluster, to_timestamp($2::bigint), volume, min(node), namespace, min(controller_kind),
  min(controller), pod, container, min(team), min(capacity_type), min(instance_type),
  min(platform), min(workload), sum(byte_seconds), sum(cost_nanos), min(interval_start),
  max(interval_start + interval_seconds * interval '1 second')
FROM volume_share_costs
WHERE cluster = $1 AND interval_start >= to_timestamp($2::bigint)
  AND interval_start < to_timestamp($2::bigint) + interval '1 hour'
GROUP BY cluster, volume, namespace, pod, container)"};

// $1 cluster, $2 epoch seconds of the day.
constexpr std::array<std::string_view, 4> kRollUpVolumeDay{
    R"(DELETE FROM volume_costs_daily WHERE cluster = $1 AND day = to_timestamp($2::bigint))",
    R"(DELETE FROM volume_share_costs_daily WHERE cluster = $1 AND day = to_timestamp($2::bigint))",
    R"(INSERT INTO volume_costs_daily
SELECT cluster, to_timestamp($2::bigint), volume, min(provider_id), min(storage_class),
  min(price_key), min(claim_namespace), min(claim), min(zone), max(size_bytes),
  max(per_gib_month_nanos), sum(seconds), sum(byte_seconds), sum(cost_nanos), min(first_start),
  max(last_end)
FROM volume_costs_hourly
WHERE cluster = $1 AND hour >= to_timestamp($2::bigint)
  AND hour < to_timestamp($2::bigint) + interval '1 day'
GROUP BY cluster, volume)",
    R"(INSERT INTO volume_share_costs_daily
SELECT cluster, to_timestamp($2::bigint), volume, min(node), namespace, min(controller_kind),
  min(controller), pod, container, min(team), min(capacity_type), min(instance_type),
  min(platform), min(workload), sum(byte_seconds), sum(cost_nanos), min(first_start),
  max(last_end)
FROM volume_share_costs_hourly
WHERE cluster = $1 AND hour >= to_timestamp($2::bigint)
  AND hour < to_timestamp($2::bigint) + interval '1 day'
GROUP BY cluster, volume, namespace, pod, container)"};

}  // namespace

void WriteVolumes(pqxx::dbtransaction& tx, const model::IntervalBatch& batch,
                  int interval_seconds) {
  const model::IntervalCosts& costs = batch.costs;
  if (costs.volumes.empty() && costs.volume_shares.empty()) return;
  tx.exec(std::string(kCreateStaging));
  {
    CopyWriter<CopyText> copy(tx, "staging_volume_costs", kVolumeColumns);
    for (const model::VolumeCostRow& v : costs.volumes) {
      copy.Row(batch.cluster, costs.start, interval_seconds, v.volume, v.provider_id,
               v.storage_class, v.price_key, v.claim_namespace, v.claim, v.zone, v.size_bytes,
               v.billed_iops, v.billed_throughput_mibps,
               std::string(model::ToString(v.price.source)), v.price.price.per_gib_month.nanos(),
               v.price.price.per_iops_month.nanos(), v.price.price.per_gibps_month.nanos(),
               v.cost.nanos(), static_cast<std::int64_t>(v.mounts));
    }
    copy.Complete();
  }
  {
    CopyWriter<CopyText> copy(tx, "staging_volume_share_costs", kShareColumns);
    for (const model::VolumeShareRow& s : costs.volume_shares) {
      const model::CostLabels& l = s.labels;
      copy.Row(l.cluster.empty() ? batch.cluster : l.cluster.str(), costs.start, interval_seconds,
               s.volume, l.node.str(), l.namespace_name.str(), l.controller_kind.str(),
               l.controller.str(), l.pod.str(), l.container.str(), l.team.str(),
               l.capacity_type.str(), l.instance_type.str(), l.platform.str(), l.workload.str(),
               s.byte_seconds, s.cost.nanos());
    }
    copy.Complete();
  }
  tx.exec(std::string(kInsertVolumes));
  tx.exec(std::string(kInsertShares));
  tx.exec("TRUNCATE staging_volume_costs, staging_volume_share_costs");
}

void RollUpVolumeHour(pqxx::dbtransaction& tx, const std::string& cluster, std::int64_t hour) {
  for (const std::string_view sql : kRollUpVolumeHour)
    tx.exec_params(std::string(sql), cluster, hour);
}

void RollUpVolumeDay(pqxx::dbtransaction& tx, const std::string& cluster, std::int64_t day) {
  for (const std::string_view sql : kRollUpVolumeDay)
    tx.exec_params(std::string(sql), cluster, day);
}

std::int64_t DeleteVolumeRows(pqxx::dbtransaction& tx, std::int64_t raw_cutoff,
                              std::int64_t rollup_cutoff) {
  std::int64_t removed = 0;
  for (const std::string_view table : {"volume_costs", "volume_share_costs"}) {
    removed += static_cast<std::int64_t>(
        tx.exec_params(
              fmt::format("DELETE FROM {} WHERE interval_start < to_timestamp($1::bigint)", table),
              raw_cutoff)
            .affected_rows());
  }
  for (const std::string_view table : {"volume_costs_hourly", "volume_share_costs_hourly"}) {
    removed += static_cast<std::int64_t>(
        tx.exec_params(fmt::format("DELETE FROM {} WHERE hour <= to_timestamp($1::bigint) - "
                                   "interval '1 hour'",
                                   table),
                       rollup_cutoff)
            .affected_rows());
  }
  for (const std::string_view table : {"volume_costs_daily", "volume_share_costs_daily"}) {
    removed += static_cast<std::int64_t>(
        tx.exec_params(fmt::format("DELETE FROM {} WHERE day <= to_timestamp($1::bigint) - "
                                   "interval '1 day'",
                                   table),
                       rollup_cutoff)
            .affected_rows());
  }
  return removed;
}

}  // namespace costledger::postgres
