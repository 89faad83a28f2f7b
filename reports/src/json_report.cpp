#include "costledger/reports/json_report.hpp"

#include <nlohmann/json.hpp>

#include "costledger/model/quota.hpp"
#include "costledger/model/report_text.hpp"
#include "costledger/model/timestamp.hpp"

namespace costledger::reports {
namespace {

using model::Money;
using nlohmann::json;

void PutMoney(json& j, const std::string& key, Money amount) {
  j[key] = amount.Dollars();
  j[key + "_nanos"] = amount.nanos();
}

void PutMoney(json& j, const std::string& key, const std::optional<Money>& amount) {
  if (amount) {
    PutMoney(j, key, *amount);
  } else {
    j[key] = nullptr;
    j[key + "_nanos"] = nullptr;
  }
}

json Optional(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

json Window(const model::TimeWindow& w) {
  return {{"start", model::FormatTimestamp(w.start)},
          {"end", model::FormatTimestamp(w.end)},
          {"hours", static_cast<double>(w.length().count()) / 3600}};
}

json Breakdown(const model::CostBreakdown& b) {
  json j = json::object();
  PutMoney(j, "cpu", b.cpu);
  PutMoney(j, "ram", b.ram);
  PutMoney(j, "gpu", b.gpu);
  PutMoney(j, "shared_idle", b.shared_idle);
  return j;
}

json Group(const model::GroupCost& g) {
  json j = {{"name", g.name}};
  PutMoney(j, "cost", g.cost);
  PutMoney(j, "previous_cost", g.previous_cost);
  PutMoney(j, "change", g.change);
  return j;
}

json Workload(const model::WorkloadLine& w) {
  json j = {{"namespace", w.namespace_name},
            {"platform", w.platform},
            {"workload", w.workload},
            {"clusters", w.clusters},
            {"workload_count", w.workload_count}};
  PutMoney(j, "cost", w.cost);
  j["cost_breakdown"] = Breakdown(w.breakdown);
  PutMoney(j, "previous_cost", w.previous_cost);
  PutMoney(j, "change", w.change);
  PutMoney(j, "spot_cost", w.spot_cost);
  j["spot_share"] = Optional(w.spot_share);
  j["cpu_efficiency"] = Optional(w.cpu_efficiency);
  j["ram_efficiency"] = Optional(w.ram_efficiency);
  j["gpu_efficiency"] = Optional(w.gpu_efficiency);
  j["container_hours"] = w.container_hours;
  j["cpu_request_core_hours"] = w.cpu_request_core_hours;
  j["cpu_usage_core_hours"] = w.cpu_usage_core_hours;
  j["memory_request_gib_hours"] = w.memory_request_gib_hours;
  j["memory_usage_gib_hours"] = w.memory_usage_gib_hours;
  j["gpu_hours"] = w.gpu_hours;
  j["gpu_busy_hours"] = w.gpu_busy_hours;
  return j;
}

json Day(const model::WeeklyReport& r, const model::DayCost& d) {
  json j = {{"date", model::FormatDate(d.day.date)},
            {"start", model::FormatTimestamp(d.day.window.start)},
            {"end", model::FormatTimestamp(d.day.window.end)},
            {"hours", static_cast<double>(d.day.window.length().count()) / 3600}};
  PutMoney(j, "cost", d.total);
  json by_namespace = json::array();
  for (std::size_t i = 0; i < d.by_namespace.size(); ++i) {
    json cell = {{"name", r.namespaces[i].name}};
    PutMoney(cell, "cost", d.by_namespace[i]);
    by_namespace.push_back(std::move(cell));
  }
  json by_platform = json::array();
  for (std::size_t i = 0; i < d.by_platform.size(); ++i) {
    json cell = {{"name", r.platforms[i].name}};
    PutMoney(cell, "cost", d.by_platform[i]);
    by_platform.push_back(std::move(cell));
  }
  j["by_namespace"] = std::move(by_namespace);
  j["by_platform"] = std::move(by_platform);
  return j;
}

json Change(const model::CostChange& c) {
  json j = {{"kind", c.kind == model::CostChange::Kind::kWorkload ? "workload" : "namespace"},
            {"namespace", c.namespace_name},
            {"platform", c.platform},
            {"workload", c.workload}};
  PutMoney(j, "previous_cost", c.previous_cost);
  PutMoney(j, "cost", c.cost);
  PutMoney(j, "change", c.change);
  return j;
}

std::string_view SharingName(model::IdleSharing s) {
  switch (s) {
    case model::IdleSharing::kSeparate:
      return "separate";
    case model::IdleSharing::kWeightedByCost:
      return "weighted";
    case model::IdleSharing::kEven:
      return "even";
  }
  return "separate";
}

json Idle(const model::IdleSection& idle) {
  json j = {{"sharing", SharingName(idle.sharing)}, {"clusters", idle.clusters}};
  PutMoney(j, "team_shared_idle", idle.team_shared_idle);
  j["team_idle_share"] = Optional(idle.team_idle_share);
  PutMoney(j, "cluster_idle", idle.cluster_idle);
  PutMoney(j, "cluster_total", idle.cluster_total);
  j["cluster_idle_share"] = Optional(idle.cluster_idle_share);
  return j;
}

json Queries(const model::QuerySection& q) {
  json j = json::object();
  PutMoney(j, "total_cost", q.total);
  PutMoney(j, "previous_total_cost", q.previous_total);
  PutMoney(j, "change", q.change);
  j["data_scanned_bytes"] = q.data_scanned_bytes;
  j["query_count"] = q.query_count;
  json groups = json::array();
  for (const model::WorkgroupQueries& g : q.workgroups) {
    json group = {{"work_group", g.work_group},
                  {"data_scanned_bytes", g.data_scanned_bytes},
                  {"query_count", g.query_count},
                  {"other_count", g.other_count}};
    PutMoney(group, "cost", g.cost);
    PutMoney(group, "other_cost", g.other_cost);
    json top = json::array();
    for (const model::QueryLine& line : g.top) {
      json item = {{"query_execution_id", line.query_execution_id},
                   {"state", line.state},
                   {"statement_type", line.statement_type},
                   {"submitted", model::FormatTimestamp(line.submitted)},
                   {"data_scanned_bytes", line.data_scanned_bytes},
                   {"engine_execution_millis", line.engine_execution_millis},
                   {"query", line.query},
                   {"query_truncated", line.query_truncated},
                   {"who_ran", line.who_ran.empty() ? json(nullptr) : json(line.who_ran)}};
      PutMoney(item, "cost", line.cost);
      top.push_back(std::move(item));
    }
    group["top"] = std::move(top);
    groups.push_back(std::move(group));
  }
  j["workgroups"] = std::move(groups);
  return j;
}

json Spot(const model::SpotSection& s) {
  json j = json::object();
  PutMoney(j, "team_spot_cost", s.team_spot_cost);
  j["spot_share"] = Optional(s.spot_share);
  PutMoney(j, "saving", s.saving);
  PutMoney(j, "unpriced_spot_cost", s.unpriced_spot_cost);
  json lines = json::array();
  for (const model::SpotSavingLine& l : s.by_instance_type) {
    json line = {{"instance_type", l.instance_type}};
    PutMoney(line, "team_spot_cost", l.team_spot_cost);
    PutMoney(line, "on_demand_cost", l.on_demand_cost);
    PutMoney(line, "saving", l.saving);
    lines.push_back(std::move(line));
  }
  j["by_instance_type"] = std::move(lines);
  return j;
}

json Storage(const model::StorageSection& s) {
  json j = {{"costed", s.costed}};
  PutMoney(j, "total_cost", s.total);
  json classes = json::array();
  for (const model::StorageClassCost& c : s.by_class) {
    json item = {{"storage_class", c.storage_class},
                 {"size_bytes", c.size_bytes},
                 {"volume_count", c.volume_count}};
    PutMoney(item, "cost", c.cost);
    classes.push_back(std::move(item));
  }
  json volumes = json::array();
  for (const model::StorageCostInput& v : s.top_volumes) {
    json item = {
        {"cluster", v.cluster}, {"namespace", v.namespace_name},    {"volume", v.volume},
        {"claim", v.claim},     {"storage_class", v.storage_class}, {"size_bytes", v.size_bytes}};
    PutMoney(item, "cost", v.cost);
    volumes.push_back(std::move(item));
  }
  j["by_class"] = std::move(classes);
  j["top_volumes"] = std::move(volumes);
  PutMoney(j, "other_cost", s.other_cost);
  j["other_count"] = s.other_count;
  return j;
}

json Quota(const model::QuotaLine& q) {
  const model::QuotaStatus& s = q.status;
  const model::QuotaUnit unit = s.unit;
  json j = {
      {"name", q.name},
      {"scope", q.scope},
      {"period", model::ToString(q.period)},
      {"action", model::ToString(q.action)},
      {"unit", model::ToString(unit)},
      {"period_start", model::FormatTimestamp(s.period.start)},
      {"period_end", model::FormatTimestamp(s.period.end)},
      {"spent", model::ToContractUnits(unit, s.spent)},
      {"limit", model::ToContractUnits(unit, s.limit)},
      {"remaining", model::ToContractUnits(unit, s.remaining)},
      {"ratio", s.ratio},
      {"forecast", s.forecast ? json(model::ToContractUnits(unit, *s.forecast)) : json(nullptr)},
      {"limit_reached", s.LimitReached()},
      {"spent_base_units", s.spent},
      {"limit_base_units", s.limit}};
  return j;
}

json Resource(const std::optional<model::ResourceRecommendation>& r) {
  if (!r) return nullptr;
  json j = {{"current_request", r->current_request},
            {"recommended", r->recommended},
            {"percentile_usage", r->percentile_usage},
            {"recent_peak", r->recent_peak ? json(*r->recent_peak) : json(nullptr)},
            {"samples", r->samples}};
  return j;
}

json Rightsizing(const model::RightsizingSection& s) {
  json j = {{"percentile", s.percentile},
            {"headroom_percent", s.headroom_percent},
            {"containers_considered", s.containers_considered},
            {"other_count", s.other_count}};
  PutMoney(j, "total_saving", s.total_saving);
  PutMoney(j, "total_extra_cost", s.total_extra_cost);
  PutMoney(j, "other_saving", s.other_saving);
  json lines = json::array();
  for (const model::RecommendationLine& l : s.top) {
    json line = {{"namespace", l.namespace_name},      {"workload", l.workload},
                 {"container", l.container},           {"cpu_millicores", Resource(l.cpu)},
                 {"memory_bytes", Resource(l.memory)}, {"container_hours", l.container_hours}};
    PutMoney(line, "price_per_core_hour", l.price_per_core_hour);
    PutMoney(line, "price_per_gib_hour", l.price_per_gib_hour);
    PutMoney(line, "weekly_saving", l.weekly_saving);
    PutMoney(line, "weekly_extra_cost", l.weekly_extra_cost);
    lines.push_back(std::move(line));
  }
  j["recommendations"] = std::move(lines);
  return j;
}

}  // namespace

std::string RenderJson(const model::WeeklyReport& r) {
  json j = {{"schema_version", 1},
            {"team", r.team},
            {"week", model::ToString(r.week.week)},
            {"time_zone", r.zone_name},
            {"window", Window(r.week.window)}};
  PutMoney(j, "total_cost", r.total);
  PutMoney(j, "previous_total_cost", r.previous_total);
  PutMoney(j, "change", r.change);
  j["change_ratio"] = Optional(r.change_ratio);
  PutMoney(j, "combined_cost", r.combined_total);
  j["cost_breakdown"] = Breakdown(r.breakdown);
  j["gpu_hours"] = r.gpu_hours;
  j["cpu_efficiency"] = Optional(r.cpu_efficiency);
  j["ram_efficiency"] = Optional(r.ram_efficiency);
  j["gpu_efficiency"] = Optional(r.gpu_efficiency);
  json days = json::array();
  for (const model::DayCost& d : r.days) days.push_back(Day(r, d));
  j["days"] = std::move(days);
  json namespaces = json::array();
  for (const model::GroupCost& g : r.namespaces) namespaces.push_back(Group(g));
  j["namespaces"] = std::move(namespaces);
  json platforms = json::array();
  for (const model::GroupCost& g : r.platforms) platforms.push_back(Group(g));
  j["platforms"] = std::move(platforms);
  json workloads = json::array();
  for (const model::WorkloadLine& w : r.workloads) workloads.push_back(Workload(w));
  j["workloads"] = std::move(workloads);
  j["top_workloads"] = r.top_workload_count;
  j["other_workloads"] = r.others ? Workload(*r.others) : json(nullptr);
  json changes = json::array();
  for (const model::CostChange& c : r.biggest_changes) changes.push_back(Change(c));
  j["biggest_changes"] = std::move(changes);
  j["idle"] = Idle(r.idle);
  j["queries"] = Queries(r.queries);
  j["spot"] = Spot(r.spot);
  j["storage"] = Storage(r.storage);
  json quotas = json::array();
  for (const model::QuotaLine& q : r.quotas) quotas.push_back(Quota(q));
  j["quotas"] = std::move(quotas);
  j["rightsizing"] = Rightsizing(r.rightsizing);
  j["summary"] = r.summary;
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace costledger::reports
