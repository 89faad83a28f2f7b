#include "costledger/model/attribution.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "costledger/model/errors.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {
namespace {

constexpr std::int64_t kSecondsPerHour = 3600;
constexpr Int128 kBytesPerGiB = Int128{1} << 30;
constexpr Int128 kMillicoresPerCore = 1000;

// floor(pool * share / whole) for non-negative operands, exact. A per-node reciprocal replaces
// the hardware division on the hot path; the integer correction makes the result exact. The
// quotient never exceeds the pool (share <= whole), so while the pool is below 2^51 the double
// estimate is within one of the true quotient; below 2^62 the correction cannot overflow.
class ExactShare {
 public:
  ExactShare(std::int64_t pool, std::int64_t whole)
      : pool_(pool), whole_(whole), reciprocal_(whole > 0 ? 1.0 / static_cast<double>(whole) : 0) {}

  std::int64_t operator()(std::int64_t share) const {
    if (whole_ == 0) return 0;
    std::int64_t product = 0;
    if (__builtin_mul_overflow(pool_, share, &product) || product >= kFastLimit ||
        pool_ >= kPoolLimit) {
      return static_cast<std::int64_t>(static_cast<Int128>(pool_) * share / whole_);
    }
    auto quotient = static_cast<std::int64_t>(static_cast<double>(product) * reciprocal_);
    std::int64_t remainder = product - quotient * whole_;
    while (remainder < 0) {
      --quotient;
      remainder += whole_;
    }
    while (remainder >= whole_) {
      ++quotient;
      remainder -= whole_;
    }
    return quotient;
  }

 private:
  static constexpr std::int64_t kFastLimit = std::int64_t{1} << 62;
  static constexpr std::int64_t kPoolLimit = std::int64_t{1} << 51;
  std::int64_t pool_;
  std::int64_t whole_;
  double reciprocal_;
};

}  // namespace

Money IntervalCost(HourlyPrice price, std::chrono::seconds interval) {
  if (price.per_hour.nanos() < 0) throw InvalidInput("hourly price must not be negative");
  if (interval.count() < 0) throw InvalidInput("interval must not be negative");
  return Money::FromNanos(DivideRoundHalfEven(
      static_cast<Int128>(price.per_hour.nanos()) * interval.count(), kSecondsPerHour));
}

NodeAttribution AttributeNode(Money node_cost, const Capacity& capacity,
                              const SplitWeights& weights, std::span<const ContainerDemand> demands,
                              std::span<ResourceCosts> costs_out) {
  if (costs_out.size() != demands.size()) {
    throw InvalidInput(
        fmt::format("AttributeNode: {} demands but {} outputs", demands.size(), costs_out.size()));
  }
  if (node_cost.nanos() < 0) throw InvalidInput("node cost must not be negative");
  if (capacity.cpu_millicores < 0 || capacity.memory_bytes < 0 || capacity.gpu_devices < 0) {
    throw InvalidInput("node capacity must not be negative");
  }
  if (weights.cpu_per_core_hour.nanos() < 0 || weights.ram_per_gib_hour.nanos() < 0 ||
      weights.gpu_per_device_hour.nanos() < 0) {
    throw InvalidInput("split weights must not be negative");
  }

  NodeAttribution result;
  result.node_cost = node_cost;

  // Rule 2: pools in proportion to capacity x weight, in a common unit (n$/h per mcore*GiB).
  const Int128 cpu_term = static_cast<Int128>(capacity.cpu_millicores) *
                          weights.cpu_per_core_hour.nanos() * kBytesPerGiB;
  const Int128 ram_term = static_cast<Int128>(capacity.memory_bytes) *
                          weights.ram_per_gib_hour.nanos() * kMillicoresPerCore;
  const Int128 gpu_term = static_cast<Int128>(capacity.gpu_devices) *
                          weights.gpu_per_device_hour.nanos() * kMillicoresPerCore * kBytesPerGiB;
  const Int128 total_term = cpu_term + ram_term + gpu_term;
  if (total_term == 0) {
    // Nothing to price against: the whole node is idle.
    result.pools.cpu_nanos = node_cost.nanos();
    result.idle = result.pools;
    std::fill(costs_out.begin(), costs_out.end(), ResourceCosts{});
    return result;
  }
  result.pools.cpu_nanos = DivideFloor(cpu_term * node_cost.nanos(), total_term);
  result.pools.gpu_nanos = DivideFloor(gpu_term * node_cost.nanos(), total_term);
  result.pools.ram_nanos = node_cost.nanos() - result.pools.cpu_nanos - result.pools.gpu_nanos;

  // Rule 3: allocations, scaled down pro rata when they exceed capacity.
  std::int64_t cpu_sum = 0;
  std::int64_t memory_sum = 0;
  std::int64_t gpu_sum = 0;
  for (const ContainerDemand& d : demands) {
    if ((d.cpu_request_millicores | d.cpu_usage_millicores | d.memory_request_bytes |
         d.memory_usage_bytes | d.gpu_devices) < 0) {
      throw InvalidInput("container requests and usage must not be negative");
    }
    cpu_sum += d.CpuAllocationMillicores();
    memory_sum += d.MemoryAllocationBytes();
    gpu_sum += d.gpu_devices;
  }
  result.cpu_overcommitted = cpu_sum > capacity.cpu_millicores;
  result.memory_overcommitted = memory_sum > capacity.memory_bytes;
  result.gpu_overcommitted = gpu_sum > capacity.gpu_devices;
  const std::int64_t cpu_whole = std::max(cpu_sum, capacity.cpu_millicores);
  const std::int64_t memory_whole = std::max(memory_sum, capacity.memory_bytes);
  const std::int64_t gpu_whole = std::max(gpu_sum, capacity.gpu_devices);

  // Rules 4-5: each share rounded down once; idle takes the rest, so it can never go negative.
  const ExactShare cpu_share(result.pools.cpu_nanos, cpu_whole);
  const ExactShare memory_share(result.pools.ram_nanos, memory_whole);
  const ExactShare gpu_share(result.pools.gpu_nanos, gpu_whole);
  ResourceCosts allocated;
  for (std::size_t i = 0; i < demands.size(); ++i) {
    const ContainerDemand& d = demands[i];
    ResourceCosts& c = costs_out[i];
    c.cpu_nanos = cpu_share(d.CpuAllocationMillicores());
    c.ram_nanos = memory_share(d.MemoryAllocationBytes());
    c.gpu_nanos = gpu_share(d.gpu_devices);
    allocated.cpu_nanos += c.cpu_nanos;
    allocated.ram_nanos += c.ram_nanos;
    allocated.gpu_nanos += c.gpu_nanos;
  }
  result.idle.cpu_nanos = result.pools.cpu_nanos - allocated.cpu_nanos;
  result.idle.ram_nanos = result.pools.ram_nanos - allocated.ram_nanos;
  result.idle.gpu_nanos = result.pools.gpu_nanos - allocated.gpu_nanos;
  return result;
}

}  // namespace costledger::model
