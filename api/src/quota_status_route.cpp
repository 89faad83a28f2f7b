#include "costledger/api/quota_status_route.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "costledger/api/quota_routes.hpp"
#include "costledger/model/quota_usage.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/quotas/quota_board.hpp"
#include "query_params.hpp"

namespace costledger::api {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kStatusSuffix = "/status";

std::string_view BaseUnitName(model::QuotaUnit unit) {
  switch (unit) {
    case model::QuotaUnit::kDollars:
      return "nano-dollars";
    case model::QuotaUnit::kCpuHours:
      return "millicore-seconds";
    case model::QuotaUnit::kGpuHours:
      return "device-seconds";
    case model::QuotaUnit::kBytesScanned:
      return "bytes";
  }
  return "";
}

struct Spender {
  std::string name;
  std::int64_t amount = 0;
};

ordered_json TopJson(const std::map<std::string, std::int64_t>& sums, model::QuotaUnit unit) {
  std::vector<Spender> all;
  for (const auto& [name, amount] : sums) {
    if (amount != 0) all.push_back({name, amount});
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Spender& a, const Spender& b) { return a.amount > b.amount; });
  if (all.size() > kTopSpenders) all.resize(kTopSpenders);
  ordered_json out = ordered_json::array();
  for (const Spender& s : all) {
    out.push_back({{"name", s.name},
                   {"spent", model::ToContractUnits(unit, s.amount)},
                   {"spentBase", s.amount}});
  }
  return out;
}

// Who in the scope spends most this period, by namespace, workload and Athena workgroup, in the
// quota's unit.
// Each row is measured by the model's own rule (a QuotaUsage fed that row alone), so the scope
// and the unit are those the evaluator counts.
ordered_json TopSpenders(ports::AllocationReader& allocations, ports::QueryReader& queries,
                         const model::Quota& quota, const model::QuotaStatus& status,
                         std::optional<std::chrono::sys_seconds> counted_through) {
  ordered_json out = {{"namespaces", ordered_json::array()},
                      {"workloads", ordered_json::array()},
                      {"workgroups", ordered_json::array()}};
  if (!counted_through) return out;
  const auto end = std::min(*counted_through, status.period.end);
  if (end <= status.period.start) return out;
  if (quota.scope.CoversQueries() && (status.unit == model::QuotaUnit::kDollars ||
                                      status.unit == model::QuotaUnit::kBytesScanned)) {
    std::map<std::string, std::int64_t> by_workgroup;
    model::QuotaUsage all(quota, status.period);  // counts each execution once
    for (const model::QueryCostRow& row : queries.ReadQueries(status.period.start, end)) {
      const std::int64_t before = all.spent();
      if (all.AddQuery(model::ToQuerySpend(row))) {
        by_workgroup[row.work_group] += all.spent() - before;
      }
    }
    out["workgroups"] = TopJson(by_workgroup, status.unit);
  }
  if (!quota.scope.CoversContainers()) return out;
  std::vector<model::PropertyRef> grouping = model::GroupingFor(quota.scope);
  const std::size_t ns_index = grouping.size();
  grouping.push_back({model::CostProperty::kNamespace, ""});
  grouping.push_back({model::CostProperty::kWorkload, ""});
  std::map<std::string, std::int64_t> by_namespace;
  std::map<std::string, std::int64_t> by_workload;
  for (const model::AllocationRow& row :
       allocations.ReadAllocations(status.period.start, end, end - status.period.start, grouping)) {
    model::QuotaUsage one(quota, status.period);
    one.AddStored(row, grouping);
    if (one.spent() == 0) continue;
    by_namespace[row.values[ns_index]] += one.spent();
    by_workload[row.values[ns_index + 1]] += one.spent();
  }
  out["namespaces"] = TopJson(by_namespace, status.unit);
  out["workloads"] = TopJson(by_workload, status.unit);
  return out;
}

std::optional<double> Contract(model::QuotaUnit unit, const std::optional<std::int64_t>& v) {
  if (!v) return std::nullopt;
  return model::ToContractUnits(unit, *v);
}

}  // namespace

bool IsQuotaStatusPath(std::string_view path) {
  if (!IsQuotasPath(path) || !path.ends_with(kStatusSuffix)) return false;
  const std::string_view name = path.substr(
      kQuotasPath.size() + 1, path.size() - kQuotasPath.size() - 1 - kStatusSuffix.size());
  return !name.empty() && name.find('/') == std::string_view::npos;
}

http::HttpResponse AnswerQuotaStatus(ports::QuotaStore& store, const quotas::QuotaBoard* board,
                                     ports::AllocationReader& allocations,
                                     ports::QueryReader& queries, const http::HttpRequest& request,
                                     const Principal& who) {
  RejectUnknown(request, {});
  const std::string_view path = request.path;
  const std::string name(path.substr(kQuotasPath.size() + 1,
                                     path.size() - kQuotasPath.size() - 1 - kStatusSuffix.size()));
  const auto snapshot = board != nullptr ? board->Current() : nullptr;
  const model::Quota* quota = nullptr;
  const model::QuotaStatus* status = nullptr;
  if (snapshot) {
    for (std::size_t i = 0; i < snapshot->quotas.size() && i < snapshot->statuses.size(); ++i) {
      if (snapshot->quotas[i].name == name) {
        quota = &snapshot->quotas[i];
        status = &snapshot->statuses[i];
      }
    }
  }
  const auto sees = [&](const model::Quota& q) {
    return who.scope.all_teams || (q.scope.team && who.SeesTeam(*q.scope.team));
  };
  if (quota == nullptr) {
    const auto stored = model::IsValidQuotaName(name) ? store.Get(name) : std::nullopt;
    if (!stored) {
      return http::JsonError(
          404, fmt::format("no quota '{}'; GET {} lists them", name.substr(0, 64), kQuotasPath));
    }
    if (!sees(stored->quota)) {
      return http::JsonError(403, fmt::format("token '{}' may not see quota '{}'", who.name, name));
    }
    http::HttpResponse r = http::JsonError(
        503, board == nullptr
                 ? "quota status is not available: the quota evaluator does not run in this "
                   "process (serve --role all or api runs it)"
             : !snapshot
                 ? "quota status is not available yet: the quota evaluator has not finished its "
                   "first evaluation (it runs every quotas.evaluate_seconds)"
                 : fmt::format("quota '{}' was stored after the last evaluation; its status is "
                               "ready after the next one (every quotas.evaluate_seconds)",
                               name));
    r.headers.emplace_back("Retry-After", "30");
    return r;
  }
  if (!sees(*quota)) {
    return http::JsonError(403, fmt::format("token '{}' may not see quota '{}'", who.name, name));
  }
  const model::QuotaStatus& s = *status;
  const model::QuotaUnit unit = s.unit;
  ordered_json data = {
      {"name", quota->name},
      {"unit", model::ToString(unit)},
      {"baseUnit", BaseUnitName(unit)},
      {"period", model::ToString(quota->period)},
      {"action", model::ToString(quota->action)},
      {"since", model::FormatTimestamp(s.period.start)},
      {"until", model::FormatTimestamp(s.period.end)},
      {"spent", model::ToContractUnits(unit, s.spent)},
      {"limit", model::ToContractUnits(unit, s.limit)},
      {"remaining", model::ToContractUnits(unit, s.remaining)},
      {"ratio", s.ratio},
      {"forecast",
       Contract(unit, s.forecast) ? ordered_json(*Contract(unit, s.forecast)) : ordered_json()},
      {"spentBase", s.spent},
      {"limitBase", s.limit},
      {"remainingBase", s.remaining},
      {"forecastBase", s.forecast ? ordered_json(*s.forecast) : ordered_json()},
      {"limitReached", s.LimitReached()},
      {"evaluatedAt", model::FormatTimestamp(snapshot->evaluated_at)},
      {"countedThrough", snapshot->counted_through
                             ? ordered_json(model::FormatTimestamp(*snapshot->counted_through))
                             : ordered_json()},
  };
  data["topSpenders"] = TopSpenders(allocations, queries, *quota, s, snapshot->counted_through);
  http::HttpResponse r;
  r.body = ordered_json{{"code", 200}, {"data", std::move(data)}}.dump(
      -1, ' ', false, ordered_json::error_handler_t::replace);
  return r;
}

}  // namespace costledger::api
