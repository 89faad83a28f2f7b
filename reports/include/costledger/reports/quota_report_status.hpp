#pragma once

#include <chrono>

#include "costledger/model/quota.hpp"
#include "costledger/model/weekly_report_input.hpp"
#include "costledger/model/zone_rules.hpp"
#include "costledger/ports/cost_reader.hpp"

namespace costledger::reports {

/// `quota` as a weekly report shows it: its status at `at` (the end of the report's week, or of
/// what is stored when that is earlier) in its period that holds the second before `at` (a
/// weekly quota in the report's zone: that very week; a monthly one: the month to that day), the
/// spend of [period start, at) read whole from the store with the quota evaluator's rules
/// (model::QuotaUsage), so a report made again later says the same. Thread-safe as the readers
/// are; throws what they throw.
model::QuotaReportInput ReadQuotaStatusAt(const model::Quota& quota, std::chrono::sys_seconds at,
                                          const model::ZoneRules& zone,
                                          ports::AllocationReader& allocations,
                                          ports::QueryReader& queries);

}  // namespace costledger::reports
