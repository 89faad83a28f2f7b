#include "costledger/reports/quota_report_status.hpp"

#include <algorithm>

#include "costledger/model/quota_period.hpp"
#include "costledger/model/quota_status.hpp"
#include "costledger/model/quota_usage.hpp"
#include "costledger/ports/period_spend.hpp"

namespace costledger::reports {

model::QuotaReportInput ReadQuotaStatusAt(const model::Quota& quota, std::chrono::sys_seconds at,
                                          const model::ZoneRules& zone,
                                          ports::AllocationReader& allocations,
                                          ports::QueryReader& queries) {
  const model::TimeWindow period =
      model::QuotaPeriodWindow(quota.period, at - std::chrono::seconds{1}, zone);
  const std::chrono::sys_seconds end = std::min(at, period.end);
  model::QuotaUsage usage(quota, period);
  ports::ReadPeriodSpend(usage, end, allocations, queries);
  return {quota, model::StatusAt(usage, end)};
}

}  // namespace costledger::reports
