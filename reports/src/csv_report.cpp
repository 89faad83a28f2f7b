#include "costledger/reports/csv_report.hpp"

#include <fmt/core.h>

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace costledger::reports {
namespace {

using model::Money;

constexpr std::array<std::string_view, 26> kColumns = {
    "team",
    "week",
    "namespace",
    "platform",
    "workload",
    "clusters",
    "cost",
    "cost_nanos",
    "previous_cost",
    "change",
    "cpu_cost",
    "ram_cost",
    "gpu_cost",
    "shared_idle_cost",
    "spot_cost",
    "spot_share",
    "cpu_efficiency",
    "ram_efficiency",
    "gpu_efficiency",
    "container_hours",
    "cpu_request_core_hours",
    "cpu_usage_core_hours",
    "memory_request_gib_hours",
    "memory_usage_gib_hours",
    "gpu_hours",
    "gpu_busy_hours",
};

/// A text field; one a spreadsheet would evaluate as a formula gets a leading apostrophe.
std::string Text(const std::string& text) {
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    return CsvField("'" + text);
  }
  return CsvField(text);
}

std::string Dollars(Money m) { return m.ToDecimalString(); }
std::string Dollars(const std::optional<Money>& m) { return m ? m->ToDecimalString() : ""; }
std::string Number(double value) { return fmt::format("{}", value); }
std::string Number(const std::optional<double>& value) { return value ? Number(*value) : ""; }

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ';';
    out += item;
  }
  return out;
}

}  // namespace

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string RenderCsv(const model::WeeklyReport& r) {
  std::string out;
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    if (i > 0) out += ',';
    out += kColumns[i];
  }
  out += "\r\n";
  const std::string week = model::ToString(r.week.week);
  for (const model::WorkloadLine& w : r.workloads) {
    const std::array<std::string, kColumns.size()> fields = {
        Text(r.team),
        week,
        Text(w.namespace_name),
        Text(w.platform),
        Text(w.workload),
        Text(Joined(w.clusters)),
        Dollars(w.cost),
        std::to_string(w.cost.nanos()),
        Dollars(w.previous_cost),
        Dollars(w.change),
        Dollars(w.breakdown.cpu),
        Dollars(w.breakdown.ram),
        Dollars(w.breakdown.gpu),
        Dollars(w.breakdown.shared_idle),
        Dollars(w.spot_cost),
        Number(w.spot_share),
        Number(w.cpu_efficiency),
        Number(w.ram_efficiency),
        Number(w.gpu_efficiency),
        Number(w.container_hours),
        Number(w.cpu_request_core_hours),
        Number(w.cpu_usage_core_hours),
        Number(w.memory_request_gib_hours),
        Number(w.memory_usage_gib_hours),
        Number(w.gpu_hours),
        Number(w.gpu_busy_hours),
    };
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += fields[i];
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace costledger::reports
