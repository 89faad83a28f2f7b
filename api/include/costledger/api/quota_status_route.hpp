#pragma once

#include <string_view>

#include "costledger/api/auth.hpp"
#include "costledger/http/http_types.hpp"
#include "costledger/ports/cost_reader.hpp"
#include "costledger/ports/quota_store.hpp"

namespace costledger::quotas {
class QuotaBoard;
}  // namespace costledger::quotas

namespace costledger::api {

/// Whether `path` is /v1/quotas/{name}/status.
bool IsQuotaStatusPath(std::string_view path);

/// How many namespaces, workloads and workgroups GET /v1/quotas/{name}/status lists as top
/// spenders.
inline constexpr std::size_t kTopSpenders = 5;

/// GET /v1/quotas/{name}/status from the evaluator's latest snapshot on `board` (no database
/// read for the figures), plus who in the scope spends most this period (one AllocationReader
/// read each for containers and queries, on the caller's worker thread):
///   {"code":200,"data":{"name","unit","baseUnit","period","action","since","until",
///    "spent","limit","remaining","ratio","forecast" (null before an hour of the period),
///    "spentBase","limitBase","remainingBase","forecastBase" (exact integers of baseUnit),
///    "limitReached","evaluatedAt","countedThrough",
///    "topSpenders":{"namespaces":[{"name","spent","spentBase"}],"workloads":[...],
///                   "workgroups":[...]}}}
/// Amounts are in the quota's unit (dollars, hours, bytes) as JSON numbers. 404 for an unknown
/// quota; 503 naming why when the evaluator has not published yet (or not since the quota was
/// created), or does not run in this process (`board` null); 403 for a team-scoped token and a
/// quota of another team. Throws what the readers throw. Thread-safe.
http::HttpResponse AnswerQuotaStatus(ports::QuotaStore& store, const quotas::QuotaBoard* board,
                                     ports::AllocationReader& allocations,
                                     ports::QueryReader& queries, const http::HttpRequest& request,
                                     const Principal& who);

}  // namespace costledger::api
