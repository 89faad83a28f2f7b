#include "costledger/reports/quota_report_status.hpp"

#include <algorithm>
#include <vector>

#include "costledger/model/quota_period.hpp"
#include "costledger/model/quota_status.hpp"
#include "costledger/model/quota_usage.hpp"

namespace costledger::reports {

model::QuotaReportInput ReadQuotaStatusAt(const model::Quota& quota, std::chrono::sys_seconds at,
                                          const model::ZoneRules& zone,
                                          ports::AllocationReader& allocations,
                                          ports::QueryReader& queries) {
  const model::TimeWindow period =
      model::QuotaPeriodWindow(quota.period, at - std::chrono::seconds{1}, zone);
  const std::chrono::sys_seconds end = std::min(at, period.end);
  model::QuotaUsage usage(quota, period);
  if (model::CountsContainerSpend(quota)) {
    const std::vector<model::PropertyRef> grouping = model::GroupingFor(quota.scope);
    // One step over the whole period: the sums are what counts (AddStored uses no times).
    for (const model::AllocationRow& row :
         allocations.ReadAllocationSums(period.start, end, end - period.start, grouping)) {
      usage.AddStored(row, grouping);
    }
  }
  if (model::CountsQuerySpend(quota)) {
    for (const model::QueryCostRow& row : queries.ReadQueries(period.start, end)) {
      usage.AddQuery(model::ToQuerySpend(row));
    }
  }
  return {quota, model::StatusAt(usage, end)};
}

}  // namespace costledger::reports
