#include "batch_copy.hpp"

#include <array>
#include <vector>

#include "container_columns.hpp"
#include "copy_writer.hpp"
#include "costledger/model/enum_text.hpp"
#include "costledger/postgres/container_key.hpp"

namespace costledger::postgres {
namespace {

// node_costs' columns, in table order.
constexpr std::array<const char*, 27> kNodeColumns{"cluster",
                                                   "interval_start",
                                                   "interval_seconds",
                                                   "node",
                                                   "instance_type",
                                                   "zone",
                                                   "capacity_type",
                                                   "price_source",
                                                   "price_per_hour_nanos",
                                                   "cpu_millicores",
                                                   "memory_bytes",
                                                   "gpu_devices",
                                                   "cpu_per_core_hour",
                                                   "ram_per_gib_hour",
                                                   "gpu_per_device_hour",
                                                   "node_cost_nanos",
                                                   "pool_cpu_nanos",
                                                   "pool_ram_nanos",
                                                   "pool_gpu_nanos",
                                                   "idle_cpu_nanos",
                                                   "idle_ram_nanos",
                                                   "idle_gpu_nanos",
                                                   "containers",
                                                   "cpu_overcommitted",
                                                   "memory_overcommitted",
                                                   "gpu_overcommitted",
                                                   "node_group"};  // migration 0010

}  // namespace

void CopyContainerRows(pqxx::dbtransaction& tx, std::string_view table,
                       const model::IntervalBatch& batch, std::int32_t interval_seconds) {
  const std::vector<std::int64_t> keys = ContainerKeys(batch.costs.containers);
  CopyWriter<CopyBinary> copy(tx, table, kRawContainerColumnNames);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const model::ContainerCostRow& r = batch.costs.containers[i];
    const RawContainerRow row{r, r.labels.cluster.empty() ? batch.cluster : r.labels.cluster.str(),
                              batch.costs.start, interval_seconds, keys[i]};
    copy.EncodedRow([&](CopyBinary& out) { EncodeRawContainerRow(out, row); });
  }
  copy.Complete();
}

void CopyNodeRows(pqxx::dbtransaction& tx, std::string_view table,
                  const model::IntervalBatch& batch, std::int32_t interval_seconds) {
  CopyWriter<CopyBinary> copy(tx, table, kNodeColumns);
  for (const model::NodeCostRow& n : batch.costs.nodes) {
    const model::NodeAttribution& a = n.attribution;
    copy.Row(batch.cluster, batch.costs.start, interval_seconds, n.node, n.instance_type, n.zone,
             model::ToString(n.capacity_type), model::ToString(n.price.source),
             n.price.price.per_hour.nanos(), n.capacity.cpu_millicores, n.capacity.memory_bytes,
             n.capacity.gpu_devices, n.unit_prices.cpu_per_core_hour,
             n.unit_prices.ram_per_gib_hour, n.unit_prices.gpu_per_device_hour, a.node_cost.nanos(),
             a.pools.cpu_nanos, a.pools.ram_nanos, a.pools.gpu_nanos, a.idle.cpu_nanos,
             a.idle.ram_nanos, a.idle.gpu_nanos,
             static_cast<std::int32_t>(n.containers),  // checked by the caller
             a.cpu_overcommitted, a.memory_overcommitted, a.gpu_overcommitted, n.node_group);
  }
  copy.Complete();
}

}  // namespace costledger::postgres
