#include "costledger/model/weekly_report_input.hpp"

#include <utility>

namespace costledger::model {

ReportCostRow MakeReportCostRow(std::size_t day, ReportRowKey key, const AllocationRow& sums,
                                Money shared_idle_cost) {
  ReportCostRow row;
  row.day = day;
  row.cluster = std::move(key.cluster);
  row.namespace_name = std::move(key.namespace_name);
  row.platform = std::move(key.platform);
  row.workload = std::move(key.workload);
  row.capacity_type = std::move(key.capacity_type);
  row.instance_type = std::move(key.instance_type);
  row.cpu_cost = sums.cpu_cost;
  row.ram_cost = sums.ram_cost;
  row.gpu_cost = sums.gpu_cost;
  row.shared_idle_cost = shared_idle_cost;
  row.container_seconds = sums.container_seconds;
  row.cpu_request_millicore_seconds = sums.cpu_request_millicore_seconds;
  row.cpu_usage_millicore_seconds = sums.cpu_usage_millicore_seconds;
  row.cpu_allocated_millicore_seconds = sums.cpu_allocated_millicore_seconds;
  row.memory_request_byte_seconds = sums.memory_request_byte_seconds;
  row.memory_usage_byte_seconds = sums.memory_usage_byte_seconds;
  row.memory_allocated_byte_seconds = sums.memory_allocated_byte_seconds;
  row.gpu_device_seconds = sums.gpu_device_seconds;
  row.gpu_busy_device_seconds = sums.gpu_busy_device_seconds;
  return row;
}

}  // namespace costledger::model
