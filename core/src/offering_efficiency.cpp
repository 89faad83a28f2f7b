#include "costledger/model/offering_efficiency.hpp"

#include <fmt/core.h>

#include <tuple>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

void RequireNonNegative(std::int64_t value, const char* field, const NodeIntervalRecord& record) {
  if (value < 0) {
    throw InvalidInput(
        fmt::format("node interval of '{}': negative {} ({})", record.node, field, value));
  }
}

void Validate(const NodeIntervalRecord& r) {
  RequireNonNegative(r.length.count(), "length", r);
  RequireNonNegative(r.hourly_price.per_hour.nanos(), "hourly price", r);
  RequireNonNegative(r.cpu_pool_cost.nanos(), "CPU pool cost", r);
  RequireNonNegative(r.ram_pool_cost.nanos(), "RAM pool cost", r);
  RequireNonNegative(r.gpu_pool_cost.nanos(), "GPU pool cost", r);
  RequireNonNegative(r.capacity.cpu_millicores, "CPU capacity", r);
  RequireNonNegative(r.capacity.memory_bytes, "memory capacity", r);
  RequireNonNegative(r.capacity.gpu_devices, "GPU capacity", r);
  RequireNonNegative(r.cpu_used_millicore_seconds, "CPU usage", r);
  RequireNonNegative(r.memory_used_byte_seconds, "memory usage", r);
  RequireNonNegative(r.gpu_busy_millidevice_seconds, "GPU busy time", r);
  RequireNonNegative(r.cpu_allocated_millicore_seconds, "CPU allocation", r);
  RequireNonNegative(r.memory_allocated_byte_seconds, "memory allocation", r);
  RequireNonNegative(r.gpu_allocated_device_seconds, "GPU allocation", r);
}

/// The latest record: greatest start, then greatest node name, then (the same node listed
/// twice for one interval) greatest price, so the choice never depends on the order of Add.
bool IsLater(std::chrono::sys_seconds start, const std::string& node, HourlyPrice price,
             std::chrono::sys_seconds than_start, const std::string& than_node,
             HourlyPrice than_price) {
  return std::tie(start, node, price) > std::tie(than_start, than_node, than_price);
}

}  // namespace

void OfferingEfficiencyAccumulator::Add(const NodeIntervalRecord& record) {
  Validate(record);
  Sums one;
  one.node_intervals = 1;
  one.node_seconds = record.length.count();
  one.cpu_pool_cost = record.cpu_pool_cost;
  one.ram_pool_cost = record.ram_pool_cost;
  one.gpu_pool_cost = record.gpu_pool_cost;
  one.capacity = ResourceSeconds::Of(record.capacity, record.length);
  one.used = {.cpu_millicore_seconds = record.cpu_used_millicore_seconds,
              .memory_byte_seconds = record.memory_used_byte_seconds,
              .gpu_millidevice_seconds = record.gpu_busy_millidevice_seconds};
  one.allocated = {.cpu_millicore_seconds = record.cpu_allocated_millicore_seconds,
                   .memory_byte_seconds = record.memory_allocated_byte_seconds,
                   .gpu_millidevice_seconds =
                       Int128{record.gpu_allocated_device_seconds} * kMillidevicesPerDevice};
  one.latest_start = record.start;
  one.latest_node = record.node;
  one.latest_hourly_price = record.hourly_price;

  const OfferingKey key = GroupedKey(record.offering, grouping_);
  const auto it = sums_.find(key);
  if (it == sums_.end()) {
    sums_.emplace(key, std::move(one));
  } else {
    MergeSums(it->second, one);
  }
}

void OfferingEfficiencyAccumulator::Merge(const OfferingEfficiencyAccumulator& other) {
  if (other.grouping_ != grouping_) {
    throw InvalidInput("OfferingEfficiencyAccumulator::Merge: different groupings");
  }
  for (const auto& [key, sums] : other.sums_) {
    const auto it = sums_.find(key);
    if (it == sums_.end()) {
      sums_.emplace(key, sums);
    } else {
      MergeSums(it->second, sums);
    }
  }
}

void OfferingEfficiencyAccumulator::MergeSums(Sums& into, const Sums& from) {
  // Add the money first: should it overflow, `into` is left as it was.
  Money cpu = into.cpu_pool_cost + from.cpu_pool_cost;
  Money ram = into.ram_pool_cost + from.ram_pool_cost;
  Money gpu = into.gpu_pool_cost + from.gpu_pool_cost;
  (void)(cpu + ram + gpu);  // the total must fit as well
  into.cpu_pool_cost = cpu;
  into.ram_pool_cost = ram;
  into.gpu_pool_cost = gpu;
  into.node_intervals += from.node_intervals;
  into.node_seconds += from.node_seconds;
  into.capacity += from.capacity;
  into.used += from.used;
  into.allocated += from.allocated;
  if (IsLater(from.latest_start, from.latest_node, from.latest_hourly_price, into.latest_start,
              into.latest_node, into.latest_hourly_price)) {
    into.latest_start = from.latest_start;
    into.latest_node = from.latest_node;
    into.latest_hourly_price = from.latest_hourly_price;
  }
}

OfferingEfficiency OfferingEfficiencyAccumulator::Derive(const OfferingKey& key, const Sums& sums) {
  OfferingEfficiency e;
  e.offering = key;
  e.node_intervals = sums.node_intervals;
  e.node_seconds = sums.node_seconds;
  e.cpu_pool_cost = sums.cpu_pool_cost;
  e.ram_pool_cost = sums.ram_pool_cost;
  e.gpu_pool_cost = sums.gpu_pool_cost;
  e.cost = sums.cpu_pool_cost + sums.ram_pool_cost + sums.gpu_pool_cost;
  e.capacity = sums.capacity;
  e.used = sums.used;
  e.allocated = sums.allocated;
  if (const auto per_node_hour = CostPerUnitHour(e.cost, sums.node_seconds, 1)) {
    e.average_hourly_price = HourlyPrice{*per_node_hour};
  }
  e.latest_hourly_price = sums.latest_hourly_price;
  e.latest_start = sums.latest_start;

  e.cpu_utilization = Fraction(e.used.cpu_millicore_seconds, e.capacity.cpu_millicore_seconds);
  e.ram_utilization = Fraction(e.used.memory_byte_seconds, e.capacity.memory_byte_seconds);
  e.gpu_utilization = Fraction(e.used.gpu_millidevice_seconds, e.capacity.gpu_millidevice_seconds);
  e.cpu_allocation = Fraction(e.allocated.cpu_millicore_seconds, e.capacity.cpu_millicore_seconds);
  e.ram_allocation = Fraction(e.allocated.memory_byte_seconds, e.capacity.memory_byte_seconds);
  e.gpu_allocation =
      Fraction(e.allocated.gpu_millidevice_seconds, e.capacity.gpu_millidevice_seconds);

  e.effective_cost_per_used_vcpu_hour =
      CostPerUnitHour(e.cpu_pool_cost, e.used.cpu_millicore_seconds, kMillicoresPerCore);
  e.effective_cost_per_used_gib_hour =
      CostPerUnitHour(e.ram_pool_cost, e.used.memory_byte_seconds, kBytesPerGiB);
  e.effective_cost_per_used_gpu_hour =
      CostPerUnitHour(e.gpu_pool_cost, e.used.gpu_millidevice_seconds, kMillidevicesPerDevice);
  return e;
}

std::vector<OfferingEfficiency> OfferingEfficiencyAccumulator::Results() const {
  std::vector<OfferingEfficiency> results;
  results.reserve(sums_.size());
  for (const auto& [key, sums] : sums_) results.push_back(Derive(key, sums));
  return results;
}

}  // namespace costledger::model
