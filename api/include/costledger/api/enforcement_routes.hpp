#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "costledger/api/auth.hpp"
#include "costledger/http/http_types.hpp"
#include "costledger/model/split_weights.hpp"
#include "costledger/model/zone_rules.hpp"

namespace costledger::quotas {
class QuotaBoard;
}

namespace costledger::api {

/// POST /v1/admission: the Kubernetes validating admission webhook.
inline constexpr std::string_view kAdmissionPath = "/v1/admission";
/// POST /v1/quotas/check: a job launcher asks before it starts a job.
inline constexpr std::string_view kQuotaCheckPath = "/v1/quotas/check";

/// What to do when the quota state is stale (no evaluation yet, or the last one, or the last
/// interval it counted, older than EnforcementSettings::stale_after).
enum class FailurePolicy {
  kFailOpen,    ///< allow, and say so in the warnings
  kFailClosed,  ///< deny what a deny quota covers (everything before the first evaluation)
};

/// "fail-open" | "fail-closed"; throws InvalidInput naming the allowed values otherwise.
FailurePolicy ParseFailurePolicy(std::string_view text);
std::string_view ToString(FailurePolicy policy);

/// What the enforcement routes decide from: the quota board's snapshot in memory (never a
/// database read), this service's cluster and team label, and how to price and phrase.
struct EnforcementSettings {
  /// The evaluator's board; nullptr: both routes answer 404 "quotas are not enabled". CostApi
  /// fills it from CostReaders::quota_board when left null.
  const quotas::QuotaBoard* board = nullptr;
  std::string cluster;              ///< config "cluster": the scope's cluster
  std::string team_label = "team";  ///< config "team_label": a pod's team is this label's value
  model::SplitWeights weights;      ///< rule 2, as the collector splits node prices
  std::shared_ptr<const model::ZoneRules> zone;  ///< quota periods' zone; nullptr: UTC
  std::string default_contact;  ///< whom to ask when a quota names no contact; may be empty
  std::chrono::seconds stale_after{600};
  FailurePolicy failure_policy = FailurePolicy::kFailOpen;
  /// A TLS client certificate the server verified (HttpRequest::client_certificate) is taken as
  /// the `admission` role.
  bool client_certificate_is_admission = true;
};

/// Whether `path` is one of the enforcement routes (answered by AnswerEnforcement, on the
/// calling I/O thread: both read memory only).
bool IsEnforcementPath(std::string_view path);

/// Whether AnswerEnforcement answers `request`: anything to /v1/admission, and POST to
/// /v1/quotas/check (other methods there are the quota routes' business: PUT of a quota named
/// "check" is refused as a reserved name).
bool IsEnforcementRequest(const http::HttpRequest& request);

/// Answers POST /v1/admission and POST /v1/quotas/check at `now`.
///
/// Access: with `tokens` null every caller is let in (as the other routes); otherwise a verified
/// client certificate (when enabled) or a Bearer token. /v1/admission needs role admission or
/// admin (401 without credentials, 403 for viewer); /v1/quotas/check takes any role, and a token
/// scoped to teams must name one of its teams in scope.team (403 otherwise).
///
/// /v1/admission: an admission.k8s.io/v1 AdmissionReview in, AdmissionReview out with the
/// request's uid. Only a Pod CREATE is judged (model::DecideAdmission with the snapshot's
/// quotas; the pod's scope from request.namespace, its labels, the team label and `cluster`; its
/// price from its requests and node selector at the snapshot's offering prices); anything else
/// is allowed. A denial is allowed=false with status {code 403, reason Forbidden, message}.
/// dryRun requests are judged alike (nothing is ever recorded per request). Stale state: per
/// failure_policy, with a warning saying so. A malformed review gets HTTP 400 with an
/// AdmissionReview body (allowed=false, status code 400 naming the field) plus "code" and
/// "message" at the top level, as every error of the API has.
///
/// /v1/quotas/check: sources::ParseLaunchCheck's body -> {"allowed","estimated_cost" (dollars,
/// null when no running offering can host the resources),"estimated_cost_nanos","price_per_hour",
/// "price_basis","remaining" (dollars, null when no dollar quota covers the scope),"quotas":[...],
/// "message","warnings"}; 400 naming the field for bad input.
///
/// Other methods: 405. Thread-safe; never blocks (reads the board's snapshot).
http::HttpResponse AnswerEnforcement(const EnforcementSettings& settings,
                                     const TokenRegistry* tokens, const http::HttpRequest& request,
                                     std::chrono::sys_seconds now);

}  // namespace costledger::api
