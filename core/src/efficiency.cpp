#include "costledger/model/efficiency.hpp"

namespace costledger::model {

double ResourceEfficiency(double average_usage, double average_request) {
  if (average_request > 0) return average_usage / average_request;
  return average_usage > 0 ? 1.0 : 0.0;
}

double GpuEfficiency(double average_busy_devices, double requested_devices) {
  if (requested_devices > 0) return average_busy_devices / requested_devices;
  return 0.0;
}

double TotalEfficiency(double cpu_efficiency, Money cpu_cost, double ram_efficiency,
                       Money ram_cost) {
  const double cpu = cpu_cost.Dollars();
  const double ram = ram_cost.Dollars();
  if (cpu + ram <= 0) return 0.0;
  return (cpu_efficiency * cpu + ram_efficiency * ram) / (cpu + ram);
}

}  // namespace costledger::model
