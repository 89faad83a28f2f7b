#pragma once

// Weekly report inputs for tests of the report content and its renderings: a realistic team week
// and a helper for hand-built rows.

#include <string>

#include "costledger/model/weekly_report_input.hpp"

namespace costledger::testing {

/// A row of `day` with the given costs in dollars (decimal text) and no quantities.
model::ReportCostRow CostRow(std::size_t day, std::string namespace_name, std::string platform,
                             std::string workload, const char* cpu_dollars,
                             const char* ram_dollars = "0", const char* gpu_dollars = "0",
                             std::string capacity_type = "on-demand",
                             std::string instance_type = "m5.xlarge",
                             std::string cluster = "prod-eu");

/// Team "data-science" in 2026-W48 (Europe/Berlin, CET all week): 3 namespaces (ml-training,
/// analytics, notebooks), 4 platforms (jupyterhub, airflow, spark, ray), 12 workloads on spot and
/// on-demand nodes with GPUs, the previous week (one workload new, one gone), cluster idle, spot
/// node prices, 11 Athena queries in 2 workgroups, 2 quotas, 4 containers to right-size and
/// 3 volumes. Deterministic.
model::WeeklyReportInput RealisticReportInput();

}  // namespace costledger::testing
