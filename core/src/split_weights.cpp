#include "costledger/model/split_weights.hpp"

#include "costledger/model/errors.hpp"

namespace costledger::model {

UnitPrices SplitNodePrice(HourlyPrice node_price, const Capacity& capacity,
                          const SplitWeights& weights) {
  if (weights.cpu_per_core_hour.nanos() < 0 || weights.ram_per_gib_hour.nanos() < 0 ||
      weights.gpu_per_device_hour.nanos() < 0) {
    throw InvalidInput("split weights must not be negative");
  }
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  const double cores = static_cast<double>(capacity.cpu_millicores) / 1000.0;
  const double gib = static_cast<double>(capacity.memory_bytes) / kGiB;
  const auto gpus = static_cast<double>(capacity.gpu_devices);
  const double w_cpu = weights.cpu_per_core_hour.Dollars();
  const double w_ram = weights.ram_per_gib_hour.Dollars();
  const double w_gpu = weights.gpu_per_device_hour.Dollars();
  const double base = cores * w_cpu + gib * w_ram + gpus * w_gpu;
  if (base <= 0) return {};
  const double scale = node_price.per_hour.Dollars() / base;
  return {w_cpu * scale, w_ram * scale, w_gpu * scale};
}

}  // namespace costledger::model
