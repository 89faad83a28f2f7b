#include "costledger/api/allocation_json.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string_view>
#include <variant>

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

// The Allocation objects are written straight into the body: tens of thousands of them (one
// per pod) with some sixty fields each would otherwise go through a map per object.
void AppendString(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

/// JSON text written as it is.
struct RawJson {
  std::string text;
};
using FieldValue = std::variant<std::nullptr_t, double, std::int64_t, std::string, RawJson, json>;
struct Field {
  std::string_view key;
  FieldValue value;
};

void AppendValue(std::string& out, const FieldValue& value) {
  if (const auto* d = std::get_if<double>(&value)) {
    if (std::isfinite(*d)) {
      fmt::format_to(std::back_inserter(out), "{}", *d);
    } else {
      out += "null";  // as nlohmann writes NaN and infinities
    }
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    fmt::format_to(std::back_inserter(out), "{}", *i);
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    AppendString(out, *s);
  } else if (const auto* r = std::get_if<RawJson>(&value)) {
    out += r->text;
  } else if (const auto* j = std::get_if<json>(&value)) {
    out += j->dump(-1, ' ', false, json::error_handler_t::replace);
  } else {
    out += "null";
  }
}

void AppendObject(std::string& out, std::initializer_list<Field> fields) {
  out += '{';
  bool first = true;
  for (const Field& f : fields) {
    if (!first) out += ',';
    first = false;
    AppendString(out, f.key);
    out += ':';
    AppendValue(out, f.value);
  }
  out += '}';
}

RawJson StringMap(const std::map<std::string, std::string>& values) {
  RawJson out{"{"};
  for (const auto& [k, v] : values) {
    if (out.text.size() > 1) out.text += ',';
    AppendString(out.text, k);
    out.text += ':';
    AppendString(out.text, v);
  }
  out.text += '}';
  return out;
}

void AppendAllocationJson(std::string& out, const model::Allocation& a) {
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
  // OpenCost's clients read these maps and lists (the parquet exporter flattens labels).
  RawJson properties = StringMap(a.properties);
  properties.text.pop_back();
  if (properties.text.size() > 1) properties.text += ',';
  properties.text += R"("labels":)" + StringMap(a.labels).text + R"(,"annotations":)" +
                     StringMap(a.annotations).text + R"(,"services":[],"providerID":""})";
  AppendObject(
      out,
      {
          {"name", a.name},
          {"properties", std::move(properties)},
          {"window", RawJson{fmt::format(R"({{"start":"{}","end":"{}"}})",
                                         model::FormatTimestamp(a.window.start),
                                         model::FormatTimestamp(a.window.end))}},
          {"start", model::FormatTimestamp(span > 0 ? a.start : a.window.start)},
          {"end", model::FormatTimestamp(span > 0 ? a.end : a.window.end)},
          {"minutes", span / 60.0},
          {"cpuCores", per_span(s.cpu_allocated_millicore_seconds) / kMillicoresPerCore},
          {"cpuCoreRequestAverage", cpu_request},
          {"cpuCoreUsageAverage", cpu_usage},
          {"cpuCoreLimitAverage", 0.0},
          {"cpuCoreHours",
           s.cpu_allocated_millicore_seconds / kMillicoresPerCore / kSecondsPerHour},
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
      });
}

// {"<name>": Allocation, ...} of one set.
void AppendAllocations(std::string& out, const model::AllocationSet& set) {
  out += '{';
  for (std::size_t i = 0; i < set.allocations.size(); ++i) {
    if (i > 0) out += ',';
    AppendString(out, set.allocations[i].name);
    out += ':';
    AppendAllocationJson(out, set.allocations[i]);
  }
  out += '}';
}

}  // namespace

std::string RenderAllocationResponse(const std::vector<model::AllocationSet>& sets,
                                     const std::vector<std::string>& warnings) {
  std::string out = R"({"code":200,"data":[)";
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (i > 0) out += ',';
    AppendAllocations(out, sets[i]);
  }
  out += ']';
  if (!warnings.empty()) {
    out += R"(,"warnings":)";
    AppendValue(out, json(warnings));
  }
  out += '}';
  return out;
}

std::string RenderAllocationSummaryResponse(const std::vector<model::AllocationSet>& sets,
                                            std::chrono::seconds step,
                                            const std::vector<std::string>& warnings) {
  // OpenCost writes the step as a Go duration: nanoseconds.
  std::string out =
      fmt::format(R"({{"code":200,"data":{{"step":{},"sets":[)", step.count() * 1'000'000'000);
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"allocations":)";
    AppendAllocations(out, sets[i]);
    out += R"(,"window":)";
    AppendValue(out, WindowJson(sets[i].window));
    out += '}';
  }
  out += "]}";
  if (!warnings.empty()) {
    out += R"(,"warnings":)";
    AppendValue(out, json(warnings));
  }
  out += '}';
  return out;
}

}  // namespace costledger::api
