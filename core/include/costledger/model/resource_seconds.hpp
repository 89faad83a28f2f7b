#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "costledger/model/money.hpp"
#include "costledger/model/resources.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {

inline constexpr std::int64_t kSecondsPerHour = 3600;
inline constexpr std::int64_t kMillicoresPerCore = 1000;
inline constexpr std::int64_t kBytesPerGiB = std::int64_t{1} << 30;
inline constexpr std::int64_t kBytesPerMiB = std::int64_t{1} << 20;
/// GPU busy time is counted in thousandths of a device, so DCGM's integer utilisation percent
/// (DCGM_FI_DEV_GPU_UTIL) converts exactly: millidevices = percent x 10.
inline constexpr std::int64_t kMillidevicesPerDevice = 1000;

/// Resource-time in integer base units: millicore-seconds, byte-seconds and millidevice-seconds.
/// 128-bit so that byte-seconds of a large cluster over months cannot overflow; sums are exact
/// and independent of order.
struct ResourceSeconds {
  Int128 cpu_millicore_seconds = 0;
  Int128 memory_byte_seconds = 0;
  Int128 gpu_millidevice_seconds = 0;

  /// `capacity` held for `length`: millicores x s, bytes x s, devices x 1000 x s.
  static ResourceSeconds Of(const Capacity& capacity, std::chrono::seconds length);

  ResourceSeconds& operator+=(const ResourceSeconds& other);
  friend ResourceSeconds operator+(ResourceSeconds a, const ResourceSeconds& b) { return a += b; }
  friend bool operator==(const ResourceSeconds&, const ResourceSeconds&) = default;

  /// For presentation only (JSON, gauges).
  double CpuCoreHours() const;
  double MemoryGibHours() const;
  double GpuDeviceHours() const;
};

/// numerator / denominator as a double, or nullopt when denominator <= 0 (nothing to divide by:
/// no capacity, no usage), never a division by zero.
std::optional<double> Fraction(Int128 numerator, Int128 denominator);

/// What `cost` pays per unit-hour of a quantity given in base-unit-seconds, where one unit is
/// `base_units_per_unit` base units (e.g. millicore-seconds and 1000 for $ per core-hour):
/// cost x 3600 x base_units_per_unit / quantity, rounded half-even to the nano-dollar.
/// nullopt when the quantity is <= 0 (no usage), and when the quotient exceeds Money's range
/// (above about $9.2e9 per unit-hour, which only essentially-zero usage produces).
/// Throws InvalidInput unless 0 < base_units_per_unit <= 2^50.
std::optional<Money> CostPerUnitHour(Money cost, Int128 quantity_base_unit_seconds,
                                     std::int64_t base_units_per_unit);

}  // namespace costledger::model
