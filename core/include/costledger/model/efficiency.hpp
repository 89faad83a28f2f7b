#pragma once

#include "costledger/model/money.hpp"

namespace costledger::model {

/// Rule 6, as OpenCost defines it. Averages are over the same window.
/// CPU or RAM: usage / request; with no request, 1 if anything was used, else 0; may exceed 1.
double ResourceEfficiency(double average_usage, double average_request);

/// GPU: average busy devices (sum over devices of utilisation fraction) / requested devices;
/// with no devices requested, 0.
double GpuEfficiency(double average_busy_devices, double requested_devices);

/// CPU and RAM efficiencies weighted by their costs; 0 when both costs are 0.
double TotalEfficiency(double cpu_efficiency, Money cpu_cost, double ram_efficiency,
                       Money ram_cost);

}  // namespace costledger::model
