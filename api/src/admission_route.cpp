#include <fmt/core.h>

#include <algorithm>

#include "costledger/model/admission_decision.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/pod_price_estimate.hpp"
#include "costledger/model/quota_usage.hpp"
#include "costledger/sources/admission_review.hpp"
#include "enforcement_state.hpp"

namespace costledger::api {
namespace {

http::HttpResponse Review(const sources::AdmissionReviewAnswer& answer, int http_status = 200) {
  http::HttpResponse r;
  r.status = http_status;
  r.body = sources::AdmissionReviewToJson(answer);
  return r;
}

// A malformed review: 400, in AdmissionReview form so the API server (and a person reading its
// log) sees which field, with the API's {"code","message"} too.
http::HttpResponse Malformed(const std::string& uid, const std::string& message) {
  sources::AdmissionReviewAnswer a;
  a.uid = uid;
  a.allowed = false;
  a.status_code = 400;
  a.status_reason = "BadRequest";
  a.status_message = message;
  http::HttpResponse r = Review(a, 400);
  // {"apiVersion":...} -> {"code":400,"message":"...","apiVersion":...}
  std::string head = http::JsonError(400, message).body;
  head.pop_back();  // its closing brace
  r.body = head + "," + r.body.substr(1);
  return r;
}

model::PodToAdmit PodOf(const EnforcementSettings& settings,
                        const sources::AdmissionReviewRequest& review) {
  const model::Pod& pod = review.pod->pod;
  model::PodToAdmit p;
  p.cluster = settings.cluster;
  p.namespace_name = review.namespace_name;
  if (const auto it = pod.labels.find(settings.team_label); it != pod.labels.end()) {
    p.team = it->second;
  }
  p.labels = pod.labels;
  p.requests = pod.effective_requests;
  return p;
}

// Whether a deny quota of the last snapshot covers the pod (fail-closed on stale state).
bool CoveredByDenyQuota(const quotas::QuotaSnapshot& snapshot, const model::PodToAdmit& pod) {
  return std::ranges::any_of(snapshot.quotas, [&pod](const model::Quota& q) {
    return q.action == model::QuotaAction::kDeny &&
           model::ScopeMatchesContainer(q.scope, pod.cluster, pod.namespace_name, pod.team,
                                        pod.labels);
  });
}

}  // namespace

http::HttpResponse AnswerAdmission(const EnforcementSettings& settings,
                                   const http::HttpRequest& request, std::chrono::sys_seconds now) {
  std::string uid;
  sources::AdmissionReviewRequest review;
  try {
    review = sources::ParseAdmissionReview(request.body, &uid);
  } catch (const InvalidInput& e) {
    return Malformed(uid, e.what());
  }
  sources::AdmissionReviewAnswer answer;
  answer.api_version = review.api_version;
  answer.uid = review.uid;
  if (!review.IsPodCreate()) return Review(answer);  // only new pods are judged

  model::PodToAdmit pod = PodOf(settings, review);
  const EnforcementState state = CurrentState(settings, now);
  if (!state.Fresh()) {
    const bool covered = state.snapshot ? CoveredByDenyQuota(*state.snapshot, pod) : true;
    answer.allowed = settings.failure_policy == FailurePolicy::kFailOpen || !covered;
    if (covered) answer.warnings.push_back(StaleWarning(settings, state, answer.allowed));
    if (!answer.allowed) {
      answer.status_code = 403;
      answer.status_reason = "Forbidden";
      answer.status_message = fmt::format(
          "costledger cannot check quotas now ({}) and its failure policy is fail-closed; try "
          "again later or ask the platform team",
          state.stale_reason);
    }
    return Review(answer);
  }

  const quotas::QuotaSnapshot& snapshot = *state.snapshot;
  if (const auto estimate = model::EstimateHourlyPrice(pod.requests, review.pod->placement,
                                                       snapshot.offerings, settings.weights)) {
    pod.estimated_price = estimate->price;
  }
  const std::vector<model::QuotaWithStatus> quotas = snapshot.WithStatus();
  const model::AdmissionDecision decision =
      model::DecideAdmission(pod, quotas, *state.zone, settings.default_contact);
  answer.allowed = decision.allowed;
  if (!decision.allowed) {
    answer.status_code = 403;
    answer.status_reason = "Forbidden";
    answer.status_message = decision.message;
  }
  return Review(answer);
}

}  // namespace costledger::api
