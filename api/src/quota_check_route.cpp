#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "costledger/model/admission_decision.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/pod_price_estimate.hpp"
#include "costledger/model/quota_usage.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/sources/launch_check_json.hpp"
#include "enforcement_state.hpp"

namespace costledger::api {
namespace {

using nlohmann::ordered_json;

http::HttpResponse Json(const ordered_json& body) {
  http::HttpResponse r;
  r.body = body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  return r;
}

ordered_json CheckJson(const model::QuotaCheck& c) {
  const auto amount = [&c](std::int64_t base) { return model::ToContractUnits(c.unit, base); };
  return {{"name", c.name},
          {"action", model::ToString(c.action)},
          {"unit", model::ToString(c.unit)},
          {"spent", amount(c.spent)},
          {"limit", amount(c.limit)},
          {"remaining", amount(c.remaining)},
          {"would_add", amount(c.would_add)},
          {"fits", c.fits},
          {"since", model::FormatTimestamp(c.period.start)},
          {"resets", model::FormatTimestamp(c.period.end)}};
}

}  // namespace

http::HttpResponse AnswerLaunchCheck(const EnforcementSettings& settings,
                                     const http::HttpRequest& request, const Principal& who,
                                     std::chrono::sys_seconds now) {
  const sources::LaunchCheckRequest check = sources::ParseLaunchCheck(request.body);
  if (!who.scope.all_teams && (!check.scope.team || !who.SeesTeam(*check.scope.team))) {
    return http::JsonError(
        403,
        fmt::format("token '{}' is scoped to teams: scope.team must be one of them", who.name));
  }
  model::LaunchPlan plan;
  plan.cluster = check.scope.cluster.value_or(settings.cluster);
  plan.namespace_name = check.scope.namespace_name.value_or("");
  plan.team = check.scope.team.value_or("");
  plan.labels = check.scope.labels;
  plan.resources = check.resources;
  plan.duration = check.duration;

  const EnforcementState state = CurrentState(settings, now);
  static const quotas::QuotaSnapshot kEmpty;
  const quotas::QuotaSnapshot& snapshot = state.snapshot ? *state.snapshot : kEmpty;
  ordered_json warnings = ordered_json::array();
  const std::optional<model::HourlyEstimate> estimate = model::EstimateHourlyPrice(
      check.resources, check.placement, snapshot.offerings, settings.weights);
  if (estimate) {
    plan.price = estimate->price;
  } else {
    warnings.push_back(
        "costledger: no running offering can host these resources, so their cost is unknown; "
        "dollar quotas are checked as if the job cost nothing");
  }
  const std::vector<model::QuotaWithStatus> quotas = snapshot.WithStatus();
  model::LaunchCheck result =
      model::CheckLaunch(plan, quotas, *state.zone, settings.default_contact);

  if (!state.Fresh()) {
    const bool covered =
        !state.snapshot ||
        std::any_of(result.quotas.begin(), result.quotas.end(), [](const model::QuotaCheck& q) {
          return q.action == model::QuotaAction::kDeny;
        });
    if (covered) {
      result.allowed = settings.failure_policy == FailurePolicy::kFailOpen;
      warnings.push_back(StaleWarning(settings, state, result.allowed));
      if (!result.allowed) {
        result.message = fmt::format(
            "denied: costledger cannot check quotas now ({}) and its failure policy is "
            "fail-closed; try again later",
            state.stale_reason);
      }
    }
  }

  ordered_json body;
  body["allowed"] = result.allowed;
  body["estimated_cost"] =
      estimate ? ordered_json(result.estimated_cost.Dollars()) : ordered_json(nullptr);
  body["estimated_cost_nanos"] =
      estimate ? ordered_json(result.estimated_cost.nanos()) : ordered_json(nullptr);
  body["price_per_hour"] =
      estimate ? ordered_json(estimate->price.per_hour.Dollars()) : ordered_json(nullptr);
  body["price_basis"] = estimate ? ordered_json(estimate->basis) : ordered_json(nullptr);
  body["hours"] = static_cast<double>(check.duration.count()) / 3600.0;
  body["remaining"] =
      result.remaining ? ordered_json(result.remaining->Dollars()) : ordered_json(nullptr);
  ordered_json list = ordered_json::array();
  for (const model::QuotaCheck& q : result.quotas) list.push_back(CheckJson(q));
  body["quotas"] = std::move(list);
  body["message"] = result.message;
  body["warnings"] = std::move(warnings);
  return Json(body);
}

}  // namespace costledger::api
