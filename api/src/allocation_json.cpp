#include "costledger/api/allocation_json.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "costledger/model/efficiency.hpp"
#include "costledger/model/timestamp.hpp"

namespace costledger::api {
namespace {

using nlohmann::json;

constexpr double kSecondsPerHour = 3600.0;
constexpr double kMillicoresPerCore = 1000.0;

double Seconds(std::chrono::sys_seconds a, std::chrono::sys_seconds b) {
  return static_cast<double>((b - a).count());
}

json WindowJson(const model::TimeWindow& w) {
  return {{"start", model::FormatTimestamp(w.start)}, {"end", model::FormatTimestamp(w.end)}};
}

// OpenCost's `pvs`: per volume, keyed "cluster=<cluster>:name=<volume>"; null when none.
json PvsJson(const std::vector<model::PvShare>& pvs) {
  if (pvs.empty()) return nullptr;
  json out = json::object();
  for (const model::PvShare& pv : pvs) {
    out[fmt::format("cluster={}:name={}", pv.cluster, pv.volume)] = {
        {"byteHours", pv.byte_seconds / kSecondsPerHour}, {"cost", pv.cost.Dollars()}};
  }
  return out;
}

json AllocationJson(const model::Allocation& a) {
  const model::AllocationRow& s = a.sums;
  const double span = a.end > a.start ? Seconds(a.start, a.end) : 0.0;
  const auto per_span = [&](double quantity_seconds) {
    return span > 0 ? quantity_seconds / span : 0.0;
  };
  // Usage was not scraped for every interval: average what was observed over the time seen.
  const double observed =
      s.usage_observed_seconds > 0 ? s.container_seconds / s.usage_observed_seconds : 0.0;
  const double cpu_request = per_span(s.cpu_request_millicore_seconds) / kMillicoresPerCore;
  const double cpu_usage = per_span(s.cpu_usage_millicore_seconds * observed) / kMillicoresPerCore;
  const double ram_request = per_span(s.memory_request_byte_seconds);
  const double ram_usage = per_span(s.memory_usage_byte_seconds * observed);
  const double cpu_eff = model::ResourceEfficiency(cpu_usage, cpu_request);
  const double ram_eff = model::ResourceEfficiency(ram_usage, ram_request);
  const double gpu_eff = model::GpuEfficiency(s.gpu_busy_device_seconds, s.gpu_device_seconds);
  json properties = json::object();
  for (const auto& [k, v] : a.properties) properties[k] = v;
  // OpenCost's clients read these maps and lists (the parquet exporter flattens labels).
  properties["labels"] = a.labels;
  properties["annotations"] = a.annotations;
  properties["services"] = json::array();
  properties["providerID"] = "";
  return {
      {"name", a.name},
      {"properties", properties},
      {"window", WindowJson(a.window)},
      {"start", model::FormatTimestamp(span > 0 ? a.start : a.window.start)},
      {"end", model::FormatTimestamp(span > 0 ? a.end : a.window.end)},
      {"minutes", span / 60.0},
      {"cpuCores", per_span(s.cpu_allocated_millicore_seconds) / kMillicoresPerCore},
      {"cpuCoreRequestAverage", cpu_request},
      {"cpuCoreUsageAverage", cpu_usage},
      {"cpuCoreLimitAverage", 0.0},
      {"cpuCoreHours", s.cpu_allocated_millicore_seconds / kMillicoresPerCore / kSecondsPerHour},
      {"cpuCost", s.cpu_cost.Dollars()},
      {"cpuCostAdjustment", 0.0},
      {"cpuCostIdle", a.cpu_idle_cost.Dollars()},
      {"cpuEfficiency", cpu_eff},
      {"gpuCount", per_span(s.gpu_device_seconds)},
      {"gpuHours", s.gpu_device_seconds / kSecondsPerHour},
      {"gpuCost", s.gpu_cost.Dollars()},
      {"gpuCostAdjustment", 0.0},
      {"gpuCostIdle", a.gpu_idle_cost.Dollars()},
      {"gpuEfficiency", gpu_eff},
      {"networkTransferBytes", 0.0},
      {"networkReceiveBytes", 0.0},
      {"networkCost", 0.0},
      {"networkCrossZoneCost", 0.0},
      {"networkCrossRegionCost", 0.0},
      {"networkInternetCost", 0.0},
      {"networkCostAdjustment", 0.0},
      {"loadBalancerCost", 0.0},
      {"loadBalancerCostAdjustment", 0.0},
      {"lbAllocations", nullptr},
      {"pvBytes", per_span(s.pv_byte_seconds)},
      {"pvByteHours", s.pv_byte_seconds / kSecondsPerHour},
      {"pvCost", s.pv_cost.Dollars()},
      {"pvs", PvsJson(s.pvs)},
      {"pvCostAdjustment", 0.0},
      {"ramBytes", per_span(s.memory_allocated_byte_seconds)},
      {"ramByteRequestAverage", ram_request},
      {"ramByteUsageAverage", ram_usage},
      {"ramByteLimitAverage", 0.0},
      {"ramByteHours", s.memory_allocated_byte_seconds / kSecondsPerHour},
      {"ramCost", s.ram_cost.Dollars()},
      {"ramCostAdjustment", 0.0},
      {"ramCostIdle", a.ram_idle_cost.Dollars()},
      {"ramEfficiency", ram_eff},
      {"sharedCost", a.shared_cost.Dollars()},
      {"externalCost", 0.0},
      {"totalCost", a.TotalCost().Dollars()},
      {"totalEfficiency", model::TotalEfficiency(cpu_eff, s.cpu_cost, ram_eff, s.ram_cost)},
      {"cpuCostNanos", s.cpu_cost.nanos()},
      {"ramCostNanos", s.ram_cost.nanos()},
      {"gpuCostNanos", s.gpu_cost.nanos()},
      {"pvCostNanos", s.pv_cost.nanos()},
      {"totalCostNanos", a.TotalCost().nanos()},
      {"sharedCostNanos", a.shared_cost.nanos()},
  };
}

}  // namespace

std::string RenderAllocationResponse(const std::vector<model::AllocationSet>& sets,
                                     const std::vector<std::string>& warnings) {
  json data = json::array();
  for (const model::AllocationSet& set : sets) {
    json entry = json::object();
    for (const model::Allocation& a : set.allocations) entry[a.name] = AllocationJson(a);
    data.push_back(std::move(entry));
  }
  json body{{"code", 200}, {"data", std::move(data)}};
  if (!warnings.empty()) body["warnings"] = warnings;
  return body.dump();
}

std::string RenderAllocationSummaryResponse(const std::vector<model::AllocationSet>& sets,
                                            std::chrono::seconds step,
                                            const std::vector<std::string>& warnings) {
  json out_sets = json::array();
  for (const model::AllocationSet& set : sets) {
    json allocations = json::object();
    for (const model::Allocation& a : set.allocations) allocations[a.name] = AllocationJson(a);
    out_sets.push_back(
        {{"allocations", std::move(allocations)}, {"window", WindowJson(set.window)}});
  }
  // OpenCost writes the step as a Go duration: nanoseconds.
  const std::int64_t step_nanos = step.count() * 1'000'000'000;
  json body{{"code", 200}, {"data", {{"step", step_nanos}, {"sets", std::move(out_sets)}}}};
  if (!warnings.empty()) body["warnings"] = warnings;
  return body.dump();
}

}  // namespace costledger::api
