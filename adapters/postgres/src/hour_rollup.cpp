#include "hour_rollup.hpp"

#include <algorithm>

namespace costledger::postgres {
namespace {

using std::chrono::sys_seconds;

// a += b * seconds, false on overflow (the SQL rollup would fail on it as well: bigint columns).
bool AddProduct(std::int64_t& a, std::int64_t b, std::int64_t seconds) {
  std::int64_t product = 0;
  return !__builtin_mul_overflow(b, seconds, &product) && !__builtin_add_overflow(a, product, &a);
}

bool AddChecked(std::int64_t& a, std::int64_t b) { return !__builtin_add_overflow(a, b, &a); }

void KeepMin(std::string& kept, const std::string& value) {
  // Bytewise, as min() over the COLLATE "C" columns.
  if (value < kept) kept = value;
}

}  // namespace

void HourRollup::Add(const model::IntervalBatch& batch) {
  const model::IntervalCosts& costs = batch.costs;
  const sys_seconds hour = std::chrono::floor<std::chrono::hours>(costs.start);
  const std::int64_t start = costs.start.time_since_epoch().count();
  const std::int64_t seconds = costs.length.count();
  const sys_seconds end = costs.start + costs.length;
  // The hour of the previous row's cluster: rows of one batch nearly always share it.
  const std::string* cluster_of_hour = &batch.cluster;
  Hour* h = &HourOf(batch.cluster, hour);
  h->intervals.insert(start);
  std::string key;
  for (const model::ContainerCostRow& r : costs.containers) {
    const std::string& cluster = r.labels.cluster.empty() ? batch.cluster : r.labels.cluster;
    if (cluster != *cluster_of_hour) {
      cluster_of_hour = &cluster;
      h = &HourOf(cluster, hour);
      h->intervals.insert(start);
    }
    const model::CostLabels& l = r.labels;
    key.clear();
    for (const std::string* part : {&l.namespace_name, &l.pod, &l.container, &l.node}) {
      key += *part;
      key += '\0';
    }
    auto [it, inserted] = h->rows.try_emplace(key);
    HourlyContainerRow& row = it->second;
    if (inserted) {
      row.namespace_name = l.namespace_name;
      row.pod = l.pod;
      row.container = l.container;
      row.node = l.node;
      row.controller_kind = l.controller_kind;
      row.controller = l.controller;
      row.team = l.team;
      row.capacity_type = l.capacity_type;
      row.instance_type = l.instance_type;
      row.first_start = costs.start;
      row.last_end = end;
    } else {
      KeepMin(row.controller_kind, l.controller_kind);
      KeepMin(row.controller, l.controller);
      KeepMin(row.team, l.team);
      KeepMin(row.capacity_type, l.capacity_type);
      KeepMin(row.instance_type, l.instance_type);
      row.first_start = std::min(row.first_start, costs.start);
      row.last_end = std::max(row.last_end, end);
    }
    const model::ContainerDemand& d = r.demand;
    bool ok = AddChecked(row.intervals, 1) && AddChecked(row.seconds, seconds) &&
              AddProduct(row.cpu_request_millicore_seconds, d.cpu_request_millicores, seconds) &&
              AddProduct(row.cpu_usage_millicore_seconds, d.cpu_usage_millicores, seconds) &&
              AddProduct(row.memory_request_byte_seconds, d.memory_request_bytes, seconds) &&
              AddProduct(row.memory_usage_byte_seconds, d.memory_usage_bytes, seconds) &&
              AddProduct(row.gpu_device_seconds, d.gpu_devices, seconds) &&
              AddChecked(row.cpu_cost_nanos, r.cost.cpu_nanos) &&
              AddChecked(row.ram_cost_nanos, r.cost.ram_nanos) &&
              AddChecked(row.gpu_cost_nanos, r.cost.gpu_nanos) &&
              AddProduct(row.cpu_allocated_millicore_seconds,
                         std::max(d.cpu_request_millicores, d.cpu_usage_millicores), seconds) &&
              AddProduct(row.memory_allocated_byte_seconds,
                         std::max(d.memory_request_bytes, d.memory_usage_bytes), seconds);
    if (r.usage_observed) ok = ok && AddChecked(row.usage_observed_seconds, seconds);
    if (r.gpu_busy_devices) {
      row.gpu_busy_device_seconds += *r.gpu_busy_devices * static_cast<double>(seconds);
      ok = ok && AddChecked(row.gpu_busy_observed_seconds, seconds);
    }
    if (!ok) h->unusable = true;
  }
}

void HourRollup::Discard(const model::IntervalBatch& batch) noexcept {
  try {
    const sys_seconds hour = std::chrono::floor<std::chrono::hours>(batch.costs.start);
    HourOf(batch.cluster, hour).unusable = true;
    for (const model::ContainerCostRow& r : batch.costs.containers) {
      if (!r.labels.cluster.empty()) HourOf(r.labels.cluster, hour).unusable = true;
    }
  } catch (...) {
    hours_.clear();
  }
}

HourRollup::Hour& HourRollup::HourOf(const std::string& cluster, sys_seconds hour) {
  auto [it, inserted] = hours_.try_emplace({cluster, hour});
  // A new hour will hold about as many containers as the last one did.
  if (inserted) it->second.rows.reserve(expected_rows_);
  return it->second;
}

std::optional<std::vector<HourlyContainerRow>> HourRollup::Take(
    const std::string& cluster, sys_seconds hour, const std::set<std::int64_t>& stored) {
  const auto it = hours_.find({cluster, hour});
  if (it == hours_.end()) return std::nullopt;
  Hour h = std::move(it->second);
  hours_.erase(it);
  expected_rows_ = std::max(expected_rows_, h.rows.size());
  if (h.unusable || h.intervals != stored) return std::nullopt;
  std::vector<HourlyContainerRow> rows;
  rows.reserve(h.rows.size());
  for (auto& [key, row] : h.rows) rows.push_back(std::move(row));
  return rows;
}

void HourRollup::ForgetBefore(sys_seconds hour) {
  std::erase_if(hours_, [&](const auto& entry) { return entry.first.second < hour; });
}

}  // namespace costledger::postgres
