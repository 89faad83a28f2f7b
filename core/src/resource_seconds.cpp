#include "costledger/model/resource_seconds.hpp"

#include <limits>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

constexpr std::int64_t kMaxBaseUnitsPerUnit = std::int64_t{1} << 50;

}  // namespace

ResourceSeconds ResourceSeconds::Of(const Capacity& capacity, std::chrono::seconds length) {
  const Int128 seconds = length.count();
  return {
      .cpu_millicore_seconds = Int128{capacity.cpu_millicores} * seconds,
      .memory_byte_seconds = Int128{capacity.memory_bytes} * seconds,
      .gpu_millidevice_seconds = Int128{capacity.gpu_devices} * kMillidevicesPerDevice * seconds};
}

ResourceSeconds& ResourceSeconds::operator+=(const ResourceSeconds& other) {
  cpu_millicore_seconds += other.cpu_millicore_seconds;
  memory_byte_seconds += other.memory_byte_seconds;
  gpu_millidevice_seconds += other.gpu_millidevice_seconds;
  return *this;
}

double ResourceSeconds::CpuCoreHours() const {
  return static_cast<double>(cpu_millicore_seconds) /
         static_cast<double>(kMillicoresPerCore * kSecondsPerHour);
}

double ResourceSeconds::MemoryGibHours() const {
  return static_cast<double>(memory_byte_seconds) /
         (static_cast<double>(kBytesPerGiB) * static_cast<double>(kSecondsPerHour));
}

double ResourceSeconds::GpuDeviceHours() const {
  return static_cast<double>(gpu_millidevice_seconds) /
         static_cast<double>(kMillidevicesPerDevice * kSecondsPerHour);
}

std::optional<double> Fraction(Int128 numerator, Int128 denominator) {
  if (denominator <= 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

std::optional<Money> CostPerUnitHour(Money cost, Int128 quantity_base_unit_seconds,
                                     std::int64_t base_units_per_unit) {
  if (base_units_per_unit <= 0 || base_units_per_unit > kMaxBaseUnitsPerUnit) {
    throw InvalidInput("CostPerUnitHour: base_units_per_unit must be in (0, 2^50]");
  }
  if (quantity_base_unit_seconds <= 0) return std::nullopt;
  // |cost| < 2^63, 3600 < 2^12 and base units <= 2^50: the product fits in 125 bits.
  const Int128 numerator = Int128{cost.nanos()} * kSecondsPerHour * base_units_per_unit;
  const Int128 quotient = numerator / quantity_base_unit_seconds;
  if (quotient > std::numeric_limits<std::int64_t>::max() - 1 ||
      quotient < std::numeric_limits<std::int64_t>::min() + 1) {
    return std::nullopt;
  }
  return Money::FromNanos(DivideRoundHalfEven(numerator, quantity_base_unit_seconds));
}

}  // namespace costledger::model
