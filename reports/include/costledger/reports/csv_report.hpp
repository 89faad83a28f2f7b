#pragma once

#include <string>

#include "costledger/model/weekly_report.hpp"

namespace costledger::reports {

/// One row per workload with all its figures, for spreadsheets (RFC 4180: CRLF line ends, a
/// header row, fields with a comma, quote, CR or LF in double quotes with quotes doubled).
/// Columns: team, week, namespace, platform, workload, clusters (';'-separated), cost,
/// cost_nanos, previous_cost, change, cpu_cost, ram_cost, gpu_cost, shared_idle_cost, spot_cost,
/// spot_share, cpu_efficiency, ram_efficiency, gpu_efficiency, container_hours,
/// cpu_request_core_hours, cpu_usage_core_hours, memory_request_gib_hours,
/// memory_usage_gib_hours, gpu_hours, gpu_busy_hours. Dollars are exact decimals with nine places
/// ("12.345678900"), fractions plain decimals (0.25 is 25%), unknown figures empty. A text field
/// that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) is prefixed
/// with ' (OWASP's advice against CSV injection). A team without workloads gets the header only.
/// Pure; thread-safe; throws only std::bad_alloc.
std::string RenderCsv(const model::WeeklyReport& report);

/// `text` as one RFC 4180 field (quoted when it must be), without the formula guard.
std::string CsvField(const std::string& text);

}  // namespace costledger::reports
