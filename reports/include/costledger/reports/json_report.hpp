#pragma once

#include <string>

#include "costledger/model/weekly_report.hpp"

namespace costledger::reports {

/// The report as one JSON object, for tools (`GET /v1/reports/{week}/{team}.json`, `costledger
/// report --format json`). Every amount appears twice, in dollars (a JSON number, for people and
/// OpenCost-style tools) and exactly as `<name>_nanos` (an integer): `total_cost` and
/// `total_cost_nanos`, `cost` and `cost_nanos`, ... A figure that cannot be computed (no request,
/// no previous week) is `null`. Top-level keys: `schema_version` (1), `team`, `week`
/// ("2026-W48"), `time_zone`, `window` {`start`, `end` (RFC 3339 UTC), `hours`}, `total_cost`,
/// `previous_total_cost`, `change`, `change_ratio`, `combined_cost` (with queries and storage),
/// `cost_breakdown` {cpu, ram, gpu, shared_idle}, `gpu_hours`, `cpu_efficiency`,
/// `ram_efficiency`, `gpu_efficiency`, `days` [{date, start, end, hours, cost, by_namespace,
/// by_platform}], `namespaces`, `platforms`, `workloads` (all, most expensive first),
/// `top_workloads` (how many the HTML lists), `other_workloads`, `biggest_changes`, `idle`,
/// `queries`, `spot`, `storage`, `quotas`, `rightsizing`, `summary`. Text that is not valid UTF-8
/// is written with U+FFFD in its place. Pure; thread-safe; throws only std::bad_alloc.
std::string RenderJson(const model::WeeklyReport& report);

}  // namespace costledger::reports
