#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "costledger/api/auth.hpp"
#include "costledger/http/http_types.hpp"
#include "costledger/ports/quota_store.hpp"

namespace costledger::api {

/// Where quotas are managed (DESIGN "Quotas"); each quota is at kQuotasPath/{name}.
inline constexpr std::string_view kQuotasPath = "/v1/quotas";

/// Largest quota body a PUT accepts, bytes (a quota is a few hundred).
inline constexpr std::size_t kMaxQuotaBodyBytes = std::size_t{64} * 1024;

/// Names reserved for routes below /v1/quotas (POST /v1/quotas/check): no quota may have them.
bool IsReservedQuotaName(std::string_view name);

/// Whether `path` is /v1/quotas or below it.
bool IsQuotasPath(std::string_view path);

/// The route of a quotas path for metrics and logs: "/v1/quotas", "/v1/quotas/{name}",
/// "/v1/quotas/{name}/history", or "" when `path` is none of them.
std::string QuotaRouteOf(std::string_view path);

/// The methods a quotas route allows ("GET, HEAD" or "GET, HEAD, PUT, DELETE").
std::string_view QuotaRouteMethods(std::string_view route);

/// Answers a quota request (method and path already known to be one of the routes):
/// - GET /v1/quotas: {"code":200,"data":[<quota>...]} by name;
/// - GET /v1/quotas/{name}: {"code":200,"data":<quota>}, 404 when absent;
/// - PUT /v1/quotas/{name} (admin): the body is the contract's JSON; "name" in it is optional
///   and must equal the path's. 201 created (with Location) or 200 replaced/unchanged,
///   {"code":..,"status":"created"|"replaced"|"unchanged","data":<quota>}; 400 naming the
///   field and the allowed values for a bad spec, 415 for a body that is not JSON, 413 above
///   kMaxQuotaBodyBytes;
/// - DELETE /v1/quotas/{name} (admin): 204 without a body, 404 when absent;
/// - GET /v1/quotas/{name}/history?limit=N (default 100, at most 1000): {"code":200,"data":
///   [{"id","at","who","source","before":<spec>|null,"after":<spec>|null}]}, newest first.
/// <quota> is the canonical spec (every field) plus "createdAt", "updatedAt" (RFC 3339),
/// "updatedBy" and "source" ("api" or "file"). Changes are recorded as "token:<name>".
/// A token scoped to teams sees and changes only quotas whose scope.team is one of its teams
/// (403 otherwise); viewers may only read (403). Throws InvalidInput (400) for bad input and
/// what `store` throws. Thread-safe when `store` is.
http::HttpResponse AnswerQuotas(ports::QuotaStore& store, const http::HttpRequest& request,
                                const Principal& who);

}  // namespace costledger::api
