#include "costledger/api/enforcement_routes.hpp"

#include <fmt/core.h>

#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"
#include "enforcement_state.hpp"

namespace costledger::api {
namespace {

const model::FixedOffsetZone& Utc() {
  static const model::FixedOffsetZone kUtc = model::FixedOffsetZone::Utc();
  return kUtc;
}

http::HttpResponse Unauthenticated(std::string_view message) {
  http::HttpResponse r = http::JsonError(401, message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"costledger\"");
  return r;
}

// Who calls, or the refusal.
std::optional<http::HttpResponse> Authorize(const EnforcementSettings& settings,
                                            const TokenRegistry* tokens,
                                            const http::HttpRequest& request, bool admission,
                                            Principal& who) {
  if (settings.client_certificate_is_admission && !request.client_certificate.empty()) {
    who =
        Principal{"cert:" + request.client_certificate, Role::kAdmission, model::TeamScope::All()};
    return std::nullopt;
  }
  if (tokens == nullptr) {
    who = Principal{"anonymous", Role::kAdmin, model::TeamScope::All()};
    return std::nullopt;
  }
  const std::string header = request.Header("authorization");
  const auto token = BearerToken(header);
  const auto found = token ? tokens->Authenticate(*token) : std::nullopt;
  if (!found) {
    return Unauthenticated(token ? "the bearer token is not valid"
                                 : "an 'Authorization: Bearer <token>' header or a client "
                                   "certificate is required");
  }
  who = *found;
  if (who.role == Role::kMetrics || (admission && who.role == Role::kViewer)) {
    return http::JsonError(403, fmt::format("token '{}' has role {}; {} needs role admission "
                                            "or admin",
                                            who.name, RoleName(who.role), request.path));
  }
  return std::nullopt;
}

std::string Ago(std::chrono::sys_seconds then, std::chrono::sys_seconds now) {
  return fmt::format("{} ({} s ago)", model::FormatTimestamp(then), (now - then).count());
}

}  // namespace

FailurePolicy ParseFailurePolicy(std::string_view text) {
  if (text == "fail-open") return FailurePolicy::kFailOpen;
  if (text == "fail-closed") return FailurePolicy::kFailClosed;
  throw InvalidInput(fmt::format("failure policy '{}' is not one of fail-open, fail-closed", text));
}

std::string_view ToString(FailurePolicy policy) {
  return policy == FailurePolicy::kFailOpen ? "fail-open" : "fail-closed";
}

bool IsEnforcementPath(std::string_view path) {
  return path == kAdmissionPath || path == kQuotaCheckPath;
}

bool IsEnforcementRequest(const http::HttpRequest& request) {
  return request.path == kAdmissionPath ||
         (request.path == kQuotaCheckPath && request.method == "POST");
}

EnforcementState CurrentState(const EnforcementSettings& settings, std::chrono::sys_seconds now) {
  EnforcementState s;
  s.zone = settings.zone ? settings.zone.get() : &Utc();
  s.snapshot = settings.board->Current();
  if (!s.snapshot) {
    s.stale_reason = "no quota evaluation has run yet";
  } else if (now - s.snapshot->evaluated_at > settings.stale_after) {
    s.stale_reason =
        fmt::format("the last quota evaluation ran at {}", Ago(s.snapshot->evaluated_at, now));
  } else if (!s.snapshot->counted_through) {
    s.stale_reason = "no collector interval has been stored yet";
  } else if (now - *s.snapshot->counted_through > settings.stale_after) {
    s.stale_reason = fmt::format("the last collector interval counted ended at {}",
                                 Ago(*s.snapshot->counted_through, now));
  }
  if (!s.stale_reason.empty()) {
    s.stale_reason += fmt::format(" (stale after {} s)", settings.stale_after.count());
  }
  return s;
}

std::string StaleWarning(const EnforcementSettings& settings, const EnforcementState& state,
                         bool allowed) {
  return fmt::format(
      "costledger: quota state is stale: {}; failure policy {}: {}", state.stale_reason,
      ToString(settings.failure_policy),
      allowed ? "allowed without a quota check" : "denied because quotas cannot be checked");
}

http::HttpResponse AnswerEnforcement(const EnforcementSettings& settings,
                                     const TokenRegistry* tokens, const http::HttpRequest& request,
                                     std::chrono::sys_seconds now) {
  const bool admission = request.path == kAdmissionPath;
  if (request.method != "POST") {
    http::HttpResponse r = http::JsonError(405, fmt::format("{} supports POST only", request.path));
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  Principal who;
  if (auto refused = Authorize(settings, tokens, request, admission, who)) return *refused;
  if (settings.board == nullptr) {
    return http::JsonError(404, "quotas are not enabled in this process");
  }
  if (admission) return AnswerAdmission(settings, request, now);
  try {
    return AnswerLaunchCheck(settings, request, who, now);
  } catch (const InvalidInput& e) {
    return http::JsonError(400, e.what());
  }
}

}  // namespace costledger::api
