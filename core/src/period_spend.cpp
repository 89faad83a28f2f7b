#include "costledger/ports/period_spend.hpp"

#include <vector>

namespace costledger::ports {

SpendReads ReadPeriodSpend(model::QuotaUsage& usage, std::chrono::sys_seconds end,
                           AllocationReader& allocations, QueryReader& queries) {
  SpendReads reads;
  const std::chrono::sys_seconds start = usage.period().start;
  if (end <= start) return reads;
  const model::Quota& quota = usage.quota();
  if (model::CountsContainerSpend(quota)) {
    const std::vector<model::PropertyRef> grouping = model::GroupingFor(quota.scope);
    // One step over the window, sums only: AddStored counts a row by its values, not its times.
    const auto rows = allocations.ReadAllocationSums(start, end, end - start, grouping);
    ++reads.allocation_reads;
    for (const model::AllocationRow& row : rows) usage.AddStored(row, grouping);
  }
  if (model::CountsQuerySpend(quota)) {
    ++reads.query_reads;
    for (const model::QueryCostRow& row : queries.ReadQueries(start, end)) {
      usage.AddQuery(model::ToQuerySpend(row));
    }
  }
  return reads;
}

}  // namespace costledger::ports
