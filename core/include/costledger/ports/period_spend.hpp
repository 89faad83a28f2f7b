#pragma once

#include <chrono>
#include <cstddef>

#include "costledger/model/quota_usage.hpp"
#include "costledger/ports/cost_reader.hpp"

namespace costledger::ports {

/// The reads ReadPeriodSpend made.
struct SpendReads {
  std::size_t allocation_reads = 0;  ///< AllocationReader::ReadAllocationSums calls
  std::size_t query_reads = 0;       ///< QueryReader::ReadQueries calls
};

/// Counts into `usage` the spend stored for [usage.period().start, end) (`end` within the
/// period): container costs read as one step grouped by model::GroupingFor(scope) when the quota
/// counts them (model::CountsContainerSpend), queries submitted in the window when it counts
/// those (model::CountsQuerySpend). What a quota evaluator seeds a period from and a weekly
/// report reads a quota's status from. Nothing is read when `end` is not after the start.
/// Throws what the readers throw; `usage` may then hold part of the spend.
SpendReads ReadPeriodSpend(model::QuotaUsage& usage, std::chrono::sys_seconds end,
                           AllocationReader& allocations, QueryReader& queries);

}  // namespace costledger::ports
