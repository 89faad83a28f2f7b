#include "costledger/api/cost_api.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <future>
#include <nlohmann/json.hpp>

#include "costledger/api/allocation_json.hpp"
#include "costledger/api/allocation_read.hpp"
#include "costledger/api/quota_routes.hpp"
#include "costledger/api/quota_status_route.hpp"
#include "costledger/api/report_routes.hpp"
#include "costledger/model/allocation_filter.hpp"
#include "costledger/model/allocation_set.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/prometheus_label_name.hpp"
#include "costledger/model/timestamp.hpp"
#include "query_params.hpp"

namespace costledger::api {
namespace {

using nlohmann::json;
using std::chrono::sys_seconds;

constexpr std::size_t kTopQueries = 5;

http::HttpResponse ReportsDisabled() {
  return http::JsonError(404, "reports are not enabled in this process");
}

http::HttpResponse QuotasDisabled() {
  return http::JsonError(404, "quotas are not enabled in this process");
}

http::HttpResponse Json(const json& body) {
  http::HttpResponse r;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

model::TimeWindow WindowParam(const http::HttpRequest& request, sys_seconds now) {
  const auto w = request.Query("window");
  if (!w || w->empty()) throw InvalidInput("parameter 'window' is required, e.g. window=7d");
  return model::ParseWindow(*w, now);
}

// OpenCost's path without the /model prefix.
std::string_view OpenCostRoute(std::string_view path) {
  if (path.rfind("/model/", 0) == 0) path.remove_prefix(6);
  return path;
}

json NodeAssetJson(const model::NodeAssetRow& n, const model::TimeWindow& w) {
  const double hours = n.seconds / 3600.0;
  const model::Money idle = n.idle_cpu + n.idle_ram + n.idle_gpu;
  return {
      {"type", "Node"},
      {"properties", {{"cluster", n.cluster}, {"name", n.node}, {"category", "Compute"}}},
      {"window",
       {{"start", model::FormatTimestamp(w.start)}, {"end", model::FormatTimestamp(w.end)}}},
      {"start", model::FormatTimestamp(n.first_start)},
      {"end", model::FormatTimestamp(n.last_end)},
      {"minutes", n.seconds / 60.0},
      {"nodeType", n.instance_type},
      {"capacityType", n.capacity_type},
      {"zone", n.zone},
      {"nodeGroup", n.node_group},  // "" when the node carried none
      {"preemptible", n.capacity_type == "spot" ? 1.0 : 0.0},
      {"cpuCores", static_cast<double>(n.cpu_millicores) / 1000.0},
      {"ramBytes", static_cast<double>(n.memory_bytes)},
      {"gpuCount", static_cast<double>(n.gpu_devices)},
      {"cpuCoreHours", static_cast<double>(n.cpu_millicores) / 1000.0 * hours},
      {"ramByteHours", static_cast<double>(n.memory_bytes) * hours},
      {"gpuHours", static_cast<double>(n.gpu_devices) * hours},
      {"hourlyPrice", n.max_price_per_hour.Dollars()},
      {"cpuCost", n.cpu_cost.Dollars()},
      {"ramCost", n.ram_cost.Dollars()},
      {"gpuCost", n.gpu_cost.Dollars()},
      {"idleCost", idle.Dollars()},
      {"totalCost", n.cost.Dollars()},
      {"totalCostNanos", n.cost.nanos()},
      {"idleCostNanos", idle.nanos()},
  };
}

// The labels last collected of each of `nodes`, in their order (none when none are stored).
std::vector<model::Labels> NodeLabelsOf(ports::AssetReader& reader,
                                        const std::vector<model::NodeAssetRow>& nodes) {
  std::vector<std::pair<std::string, std::string>> keys;
  keys.reserve(nodes.size());
  for (const model::NodeAssetRow& n : nodes) keys.emplace_back(n.cluster, n.node);
  std::map<std::pair<std::string, std::string>, model::Labels> stored;
  for (ports::StoredNodeLabels& l : reader.ReadNodeLabels(keys)) {
    stored[{std::move(l.cluster), std::move(l.node.node)}] = std::move(l.node.labels);
  }
  std::vector<model::Labels> out(nodes.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (const auto it = stored.find(keys[i]); it != stored.end()) out[i] = std::move(it->second);
  }
  return out;
}

json VolumeAssetJson(const model::VolumeAssetRow& v, const model::TimeWindow& w) {
  return {
      {"type", "Disk"},
      {"properties",
       {{"cluster", v.cluster},
        {"name", v.volume},
        {"providerID", v.provider_id},
        {"category", "Storage"},
        {"service", "Kubernetes"}}},
      {"window",
       {{"start", model::FormatTimestamp(w.start)}, {"end", model::FormatTimestamp(w.end)}}},
      {"start", model::FormatTimestamp(v.first_start)},
      {"end", model::FormatTimestamp(v.last_end)},
      {"minutes", v.seconds / 60.0},
      {"storageClass", v.storage_class},
      {"volumeType", v.price_key},
      {"volumeName", v.volume},
      {"claimNamespace", v.claim_namespace},
      {"claimName", v.claim},
      {"zone", v.zone},
      {"bytes", static_cast<double>(v.size_bytes)},
      {"byteHours", v.byte_seconds / 3600.0},
      {"pricePerGiBMonth", v.per_gib_month.Dollars()},
      {"adjustment", 0.0},
      {"totalCost", v.cost.Dollars()},
      {"totalCostNanos", v.cost.nanos()},
  };
}

}  // namespace

bool IsOpenCostPath(std::string_view path) {
  const std::string_view route = OpenCostRoute(path);
  return route == "/allocation" || route == "/allocation/compute" || route == "/assets" ||
         route == "/allocation/summary";
}

CostApi::CostApi(CostReaders readers, CostMetrics* metrics, CostApiSettings settings, Clock clock)
    : readers_(readers),
      metrics_(metrics),
      settings_(std::move(settings)),
      clock_(std::move(clock)) {
  // One board for the status route and enforcement, unless the settings name another.
  if (settings_.enforcement.board == nullptr) settings_.enforcement.board = readers_.quota_board;
}

std::string CostApi::RouteOf(const std::string& path) {
  for (const char* route :
       {"/healthz", "/readyz", "/metrics", "/v1/allocation", "/v1/assets", "/v1/queries"}) {
    if (path == route) return route;
  }
  if (IsOpenCostPath(path)) return path;
  if (IsEnforcementPath(path)) return path;
  if (path == kReportsPath) return std::string(kReportsPath);
  if (IsReportsPath(path)) return "/v1/reports/{week}/{team}.{format}";
  if (std::string route = QuotaRouteOf(path); !route.empty()) return route;
  if (std::string route = EfficiencyRouteOf(path); !route.empty()) return route;
  return "other";
}

std::optional<http::HttpResponse> CostApi::Authorize(const http::HttpRequest& request,
                                                     Principal& who, bool metrics) const {
  if (!settings_.tokens) {
    who = Principal{"anonymous", Role::kAdmin, model::TeamScope::All()};
    return std::nullopt;
  }
  const std::string header = request.Header("authorization");  // the token views into it
  if (header.empty() && settings_.session &&
      (request.method == "GET" || request.method == "HEAD")) {
    if (auto session = settings_.session(request)) {
      who = std::move(*session);
      return std::nullopt;  // the console admits only viewer and admin logins
    }
  }
  if (header.empty() && settings_.anonymous_role && IsOpenCostPath(request.path)) {
    who = Principal{"anonymous", *settings_.anonymous_role, model::TeamScope::All()};
    return std::nullopt;
  }
  const auto token = BearerToken(header);
  const auto found = token ? settings_.tokens->Authenticate(*token) : std::nullopt;
  if (!found) {
    http::HttpResponse r =
        http::JsonError(401, token ? "the bearer token is not valid"
                                   : "an 'Authorization: Bearer <token>' header is required");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"costledger\"");
    return r;
  }
  who = *found;
  if (who.role == Role::kMetrics && !metrics) {
    return http::JsonError(403, fmt::format("token '{}' has role metrics, which may only read "
                                            "/metrics; cost data needs viewer or admin",
                                            who.name));
  }
  if (who.role == Role::kAdmission) {
    return http::JsonError(403,
                           fmt::format("token '{}' has role admission, which may only call the "
                                       "admission webhook; cost data needs viewer or admin",
                                       who.name));
  }
  return std::nullopt;
}

CostApi::Decision CostApi::Decide(const http::HttpRequest& request) {
  Decision d;
  const std::string& path = request.path;
  if (IsEnforcementRequest(request)) {  // from memory, on this (I/O) thread: never behind a read
    d.response = AnswerEnforcement(
        settings_.enforcement, settings_.tokens ? &*settings_.tokens : nullptr, request, clock_());
    return d;
  }
  if (const std::string route = QuotaRouteOf(path); !route.empty()) {
    const std::string_view allowed = QuotaRouteMethods(route);
    if (allowed.find(request.method) == std::string_view::npos) {
      http::HttpResponse r =
          http::JsonError(405, fmt::format("{} supports {} only", route, allowed));
      r.headers.emplace_back("Allow", std::string(allowed));
      d.response = std::move(r);
      return d;
    }
  } else if (request.method != "GET" && request.method != "HEAD") {
    if (RouteOf(path) != "other") {
      http::HttpResponse r = http::JsonError(405, fmt::format("{} supports GET only", path));
      r.headers.emplace_back("Allow", "GET, HEAD");
      d.response = std::move(r);
      return d;
    }
  }
  if (path == "/healthz") {
    d.response = Json({{"code", 200}, {"status", "ok"}});
    return d;
  }
  if (path == "/readyz") return d;  // asks the database, never cached
  if (path == "/metrics") {
    if (settings_.protect_metrics && settings_.tokens) {
      if (auto denied = Authorize(request, d.who, /*metrics=*/true)) {
        d.response = std::move(denied);
        return d;
      }
      if (!d.who.scope.all_teams) {
        d.response = http::JsonError(
            403, fmt::format("token '{}' is scoped to teams; /metrics holds every team's costs, "
                             "so it needs an unscoped token or one of role metrics",
                             d.who.name));
        return d;
      }
    }
    if (metrics_ == nullptr) {
      d.response = http::JsonError(404, "metrics are not enabled in this process");
      return d;
    }
    d.render_metrics = true;
    return d;
  }
  if (RouteOf(path) == "other") {
    d.response = http::JsonError(
        404, fmt::format("no route {}; try /v1/allocation, /v1/assets, /v1/queries, "
                         "/v1/reports, /v1/quotas, /metrics, /healthz or /readyz",
                         path));
    return d;
  }
  if (auto denied = Authorize(request, d.who)) {
    d.response = std::move(denied);
    return d;
  }
  if (IsReportsPath(path)) {
    // Read from the archive on the pool, never cached (see Decision::cache_key).
    if (readers_.reports == nullptr) d.response = ReportsDisabled();
    return d;
  }
  if (IsQuotasPath(path)) {
    // Read and written on the pool, never cached: a change shows at once.
    if (readers_.quotas == nullptr) d.response = QuotasDisabled();
    return d;
  }
  // Identical requests of the same scope within the TTL share one answer: the data changes
  // once per collector interval.
  if (settings_.cache_ttl.count() > 0) {
    d.cache_key = request.target + '\n' + (d.who.scope.all_teams ? "*" : "");
    for (const std::string& t : d.who.scope.teams) d.cache_key += t + ',';
    const std::lock_guard lock(cache_mutex_);
    const auto it = cache_.find(d.cache_key);
    if (it != cache_.end() &&
        std::chrono::steady_clock::now() - it->second.at < settings_.cache_ttl) {
      d.response = it->second.response;
    }
  }
  return d;
}

http::HttpResponse CostApi::Answer(const http::HttpRequest& request, const Decision& decision) {
  if (decision.response) return *decision.response;
  if (decision.render_metrics && metrics_ != nullptr) {
    http::HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_->Serialize();
    return r;
  }
  const std::string& path = request.path;
  if (path == "/readyz") return Ready();
  if (IsReportsPath(path)) {
    if (readers_.reports == nullptr) return ReportsDisabled();
    return path == kReportsPath ? ListReports(*readers_.reports, request, decision.who)
                                : ServeReport(*readers_.reports, request, decision.who);
  }
  if (IsQuotasPath(path)) {
    if (readers_.quotas == nullptr) return QuotasDisabled();
    if (IsQuotaStatusPath(path)) {
      return AnswerQuotaStatus(*readers_.quotas, readers_.quota_board, readers_.allocations,
                               readers_.queries, request, decision.who);
    }
    return AnswerQuotas(*readers_.quotas, request, decision.who);
  }
  http::HttpResponse response =
      path == "/v1/assets"               ? Assets(request, decision.who)
      : OpenCostRoute(path) == "/assets" ? OpenCostAssets(request, decision.who)
      : path == "/v1/queries"            ? Queries(request, decision.who)
      : !EfficiencyRouteOf(path).empty()
          ? AnswerEfficiency({readers_.allocations, readers_.assets, readers_.usage, readers_.work},
                             settings_.efficiency, request, decision.who, clock_())
          : Allocation(request, decision.who);
  if (!decision.cache_key.empty()) {
    const std::lock_guard lock(cache_mutex_);
    Remember(decision.cache_key, response);
  }
  return response;
}

void CostApi::Remember(const std::string& key, const http::HttpResponse& response) {
  const auto size_of = [](const std::string& k, const http::HttpResponse& r) {
    return k.size() + r.body.size() + (r.shared_body ? r.shared_body->size() : 0);
  };
  const auto now = std::chrono::steady_clock::now();
  const auto erase = [&](std::map<std::string, Cached>::iterator it) {
    cache_bytes_ -= size_of(it->first, it->second.response);
    return cache_.erase(it);
  };
  if (const auto it = cache_.find(key); it != cache_.end()) erase(it);
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = now - it->second.at >= settings_.cache_ttl ? erase(it) : std::next(it);
  }
  const std::size_t size = size_of(key, response);
  if (size > settings_.cache_max_bytes) return;  // larger than the whole cache: not kept
  while (cache_bytes_ + size > settings_.cache_max_bytes && !cache_.empty()) {
    erase(std::min_element(cache_.begin(), cache_.end(),
                           [](const auto& a, const auto& b) { return a.second.at < b.second.at; }));
  }
  cache_.emplace(key, Cached{now, response});
  cache_bytes_ += size;
}

http::HttpResponse CostApi::Handle(const http::HttpRequest& request) {
  return Answer(request, Decide(request));
}

http::HttpResponse CostApi::Allocation(const http::HttpRequest& request, const Principal& who) {
  model::AllocationParseOptions options;
  options.aliases = settings_.label_aliases;
  options.max_steps = settings_.max_steps;
  options.max_aggregate_keys = settings_.max_aggregate_keys;
  if (IsOpenCostPath(request.path)) {
    // OpenCost's endpoints: its defaults, and what it does not know is ignored.
    options.ignore_unknown = true;
    options.include_idle_default = false;
  }
  const model::AllocationRequest r =
      model::ParseAllocationRequest(request.query, clock_(), options);
  http::HttpResponse out;
  auto sets = ReadAllocationSets(readers_.allocations, r, who.scope);
  if (IsOpenCostPath(request.path)) {
    // OpenCost reads labels and annotations from kube-state-metrics' series: its clients see
    // (and send back) their Prometheus names.
    for (model::AllocationSet& set : sets) {
      for (model::Allocation& a : set.allocations) {
        a.labels = model::WithPrometheusLabelNames(a.labels);
        a.annotations = model::WithPrometheusLabelNames(a.annotations);
      }
    }
  }
  std::size_t rows = 0;
  for (const model::AllocationSet& set : sets) rows += set.allocations.size();
  if (rows > settings_.max_rows) {
    throw TooLarge(fmt::format(
        "the answer has {} allocations over {} sets; at most {} are allowed (api.max_rows): "
        "use a coarser aggregate, a filter, a larger step or a shorter window",
        rows, sets.size(), settings_.max_rows));
  }
  out.body = OpenCostRoute(request.path) == "/allocation/summary"
                 ? RenderAllocationSummaryResponse(sets, r.accumulate ? r.window.length() : r.step,
                                                   r.warnings)
                 : RenderAllocationResponse(sets, r.warnings);
  if (out.body.size() > settings_.max_response_bytes) {
    throw TooLarge(fmt::format(
        "the answer takes {} bytes; at most {} are allowed (api.max_response_bytes): use a "
        "coarser aggregate, a filter, a larger step or a shorter window",
        out.body.size(), settings_.max_response_bytes));
  }
  return out;
}

http::HttpResponse CostApi::Assets(const http::HttpRequest& request, const Principal& who) {
  RejectUnknown(request, {"window"});
  if (!who.scope.all_teams) {
    return http::JsonError(403,
                           fmt::format("token '{}' is scoped to teams; nodes are shared by every "
                                       "team, so assets need an unscoped token",
                                       who.name));
  }
  const model::TimeWindow w = WindowParam(request, clock_());
  json data = json::object();
  const std::vector<model::NodeAssetRow> nodes = readers_.assets.ReadAssets(w.start, w.end);
  const std::vector<model::Labels> node_labels = NodeLabelsOf(readers_.assets, nodes);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const model::NodeAssetRow& n = nodes[i];
    json a = NodeAssetJson(n, w);
    a["labels"] = node_labels[i].empty() ? json::object() : json(node_labels[i]);
    data[n.cluster + "/" + n.node] = std::move(a);
  }
  // Persistent volumes (rule 9), as OpenCost's Disk assets.
  for (const model::VolumeAssetRow& v : readers_.assets.ReadVolumeAssets(w.start, w.end)) {
    data[v.cluster + "/" + v.volume] = VolumeAssetJson(v, w);
  }
  return Json({{"code", 200}, {"data", std::move(data)}});
}

http::HttpResponse CostApi::OpenCostAssets(const http::HttpRequest& request, const Principal& who) {
  // OpenCost's /assets (its UI, kubectl-cost node, its integration tests): Node assets in its
  // shape. What it does not know is ignored and listed in `warnings`.
  static constexpr std::array<std::string_view, 8> kKnown{
      "window",     "filter", "filterTypes", "aggregate",
      "accumulate", "step",   "includeIdle", "format"};
  static constexpr std::array<std::string_view, 4> kAccepted{"disableAdjustments", "resolution",
                                                             "offset", "shareIdle"};
  json warnings = json::array();
  for (auto it = request.query.begin(); it != request.query.end();
       it = request.query.upper_bound(it->first)) {
    const std::string& key = it->first;
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end() &&
        std::find(kAccepted.begin(), kAccepted.end(), key) == kAccepted.end()) {
      warnings.push_back(fmt::format("parameter '{}' is not supported and was ignored", key));
    }
  }
  if (!who.scope.all_teams) {
    return http::JsonError(403,
                           fmt::format("token '{}' is scoped to teams; nodes are shared by every "
                                       "team, so assets need an unscoped token",
                                       who.name));
  }
  const model::TimeWindow w = WindowParam(request, clock_());
  const model::FilterNode filter = model::ParseAssetFilter(request.Query("filter").value_or(""));
  if (const auto a = request.Query("accumulate"); a && !a->empty()) {
    static constexpr std::array<std::string_view, 9> kAccumulate{
        "true", "false", "all", "hour", "day", "week", "month", "quarter", "none"};
    if (std::find(kAccumulate.begin(), kAccumulate.end(), *a) == kAccumulate.end()) {
      throw InvalidInput(
          fmt::format("accumulate='{}' is not supported; use true, false, all, "
                      "hour, day, week, month or quarter",
                      *a));
    }
  }
  if (const auto v = request.Query("includeIdle"); v && !v->empty()) {
    model::ParseBool("includeIdle", *v);
  }
  if (const auto v = request.Query("step"); v && !v->empty()) model::ParseDuration(*v);
  // filterTypes (kubectl-cost, Kubecost's API): asset types; this store has nodes and disks.
  bool nodes_wanted = true;
  bool disks_wanted = true;
  const auto types = request.Query("filterTypes");
  if (types && !types->empty()) {
    nodes_wanted = false;
    disks_wanted = false;
    std::string_view rest = *types;
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string_view type = rest.substr(0, comma);
      nodes_wanted |= model::CompareValue(model::FilterOp::kEquals, type, "node", true);
      disks_wanted |= model::CompareValue(model::FilterOp::kEquals, type, "disk", true);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  // OpenCost's asset properties every asset type has.
  const auto opencost_properties = [](json& a) {
    a["properties"]["service"] = "Kubernetes";
    a["properties"]["provider"] = "";
    a["properties"]["project"] = "";
    a["properties"]["account"] = "";
    a["labels"] = json::object();
    a["adjustment"] = 0.0;
  };
  json set = json::object();
  if (nodes_wanted) {
    const std::vector<model::NodeAssetRow> nodes = readers_.assets.ReadAssets(w.start, w.end);
    const std::vector<model::Labels> node_labels = NodeLabelsOf(readers_.assets, nodes);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const model::NodeAssetRow& n = nodes[i];
      const model::Labels& labels = node_labels[i];
      const bool selected = model::Evaluate(
          filter, [&](const model::PropertyRef& p) -> std::optional<std::string_view> {
            if (p.label == "assetType") return "Node";
            if (p.label == "category") return "Compute";
            if (p.label == "cluster") return n.cluster;
            if (p.label == "name") return n.node;
            if (p.label == "service") return "Kubernetes";
            if (p.label.starts_with("label[") && p.label.ends_with("]")) {
              const std::string_view filtered = p.label;
              const std::string* v =
                  model::FindLabel(labels, filtered.substr(6, filtered.size() - 7));
              return v == nullptr ? std::string_view{} : std::string_view{*v};
            }
            return std::string_view{};  // provider, account, project: not collected
          });
      if (!selected) continue;
      json a = NodeAssetJson(n, w);
      const auto breakdown = [](model::Money idle, model::Money cost) {
        const double idle_share = cost.nanos() > 0 ? idle.Dollars() / cost.Dollars() : 0.0;
        return json{
            {"idle", idle_share}, {"other", 0.0}, {"system", 0.0}, {"user", 1.0 - idle_share}};
      };
      opencost_properties(a);
      a["labels"] = model::WithPrometheusLabelNames(labels);  // as OpenCost, from kube_node_labels
      a["properties"]["providerID"] = "";
      a["GPUHours"] = a["gpuHours"];
      a["cpuBreakdown"] = breakdown(n.idle_cpu, n.cpu_cost);
      a["ramBreakdown"] = breakdown(n.idle_ram, n.ram_cost);
      a["discount"] = 0.0;
      a["cpuCostAdjustment"] = 0.0;
      a["ramCostAdjustment"] = 0.0;
      a["gpuCostAdjustment"] = 0.0;
      a["overhead"] = nullptr;
      a["carbonEmissions"] = 0.0;
      set[n.cluster + "/" + n.node] = std::move(a);
    }
  }
  if (disks_wanted) {
    for (const model::VolumeAssetRow& v : readers_.assets.ReadVolumeAssets(w.start, w.end)) {
      const bool selected = model::Evaluate(
          filter, [&](const model::PropertyRef& p) -> std::optional<std::string_view> {
            if (p.label == "assetType") return "Disk";
            if (p.label == "category") return "Storage";
            if (p.label == "cluster") return v.cluster;
            if (p.label == "name") return v.volume;
            if (p.label == "service") return "Kubernetes";
            if (p.label == "providerID") return v.provider_id;
            return std::string_view{};
          });
      if (!selected) continue;
      json a = VolumeAssetJson(v, w);
      opencost_properties(a);
      // Mounted or not, a volume's cost is its pods' or __unmounted__'s: none of it is idle.
      a["breakdown"] = {{"idle", 0.0}, {"other", 0.0}, {"system", 0.0}, {"user", 1.0}};
      a["local"] = 0.0;
      set[v.cluster + "/" + v.volume] = std::move(a);
    }
  }
  // OpenCost answers one set as an object; kubectl-cost (which sends filterTypes, as for
  // Kubecost) reads a list of sets.
  json data = types ? json::array({std::move(set)}) : std::move(set);
  json body{{"code", 200}, {"data", std::move(data)}};
  if (!warnings.empty()) body["warnings"] = std::move(warnings);
  return Json(body);
}

http::HttpResponse CostApi::Queries(const http::HttpRequest& request, const Principal& who) {
  RejectUnknown(request, {"window", "aggregate"});
  const model::TimeWindow w = WindowParam(request, clock_());
  const std::string aggregate = request.Query("aggregate").value_or("workgroup");
  if (aggregate != "workgroup" && aggregate != "team") {
    throw InvalidInput(fmt::format(
        "aggregate '{}' is not supported for queries; allowed: workgroup, team", aggregate));
  }
  struct Group {
    std::int64_t queries = 0;
    std::int64_t bytes = 0;
    model::Money cost;
    json top = json::array();
  };
  std::map<std::string, Group> groups;
  // Rows come most expensive first, so the first few of a group are its top queries.
  for (const model::QueryCostRow& q : readers_.queries.ReadQueries(w.start, w.end)) {
    if (!who.SeesTeam(q.team)) continue;
    const std::string name = aggregate == "team"
                                 ? (q.team.empty() ? std::string(model::kUnallocated) : q.team)
                                 : q.work_group;
    Group& g = groups[name];
    ++g.queries;
    g.bytes += q.data_scanned_bytes;
    g.cost += q.cost;
    if (g.top.size() < kTopQueries) {
      g.top.push_back({{"queryExecutionId", q.query_execution_id},
                       {"workGroup", q.work_group},
                       {"team", q.team},
                       {"state", q.state},
                       {"submitted", model::FormatTimestamp(q.submitted)},
                       {"bytesScanned", q.data_scanned_bytes},
                       {"engineExecutionMillis", q.engine_execution_millis},
                       {"cost", q.cost.Dollars()},
                       {"costNanos", q.cost.nanos()},
                       {"query", q.query.substr(0, 300)}});
    }
  }
  json data = json::object();
  for (auto& [name, g] : groups) {
    data[name] = {{"name", name},
                  {"queries", g.queries},
                  {"bytesScanned", g.bytes},
                  {"cost", g.cost.Dollars()},
                  {"costNanos", g.cost.nanos()},
                  {"topQueries", std::move(g.top)}};
  }
  return Json(
      {{"code", 200},
       {"window",
        {{"start", model::FormatTimestamp(w.start)}, {"end", model::FormatTimestamp(w.end)}}},
       {"data", std::move(data)}});
}

http::HttpResponse CostApi::Ready() {
  if (!readers_.health.Ping()) return http::JsonError(503, "the database is not reachable");
  // A replica far behind the primary would answer with costs that are not there yet.
  const ports::ReplicationStatus replication = readers_.health.Replication();
  json lag = nullptr;
  if (replication.standby) {
    if (!replication.lag) {
      return http::JsonError(503,
                             "the read replica's replication lag is unknown (no WAL replayed)");
    }
    const double lag_seconds = static_cast<double>(replication.lag->count()) / 1000.0;
    if (*replication.lag > settings_.max_replication_lag) {
      return http::JsonError(
          503, fmt::format("the read replica is {:.3f} s behind the primary (limit {:.3f} s)",
                           lag_seconds,
                           static_cast<double>(settings_.max_replication_lag.count()) / 1000.0));
    }
    lag = lag_seconds;
  }
  const auto latest = readers_.health.LatestInterval();
  if (!latest) return http::JsonError(503, "no interval has been stored yet");
  const auto age = clock_() - *latest;
  if (age > settings_.ready_max_age) {
    return http::JsonError(
        503, fmt::format("the newest stored interval started {} s ago (limit {} s)", age.count(),
                         settings_.ready_max_age.count()));
  }
  return Json({{"code", 200},
               {"status", "ready"},
               {"latestInterval", model::FormatTimestamp(*latest)},
               {"database", replication.standby ? "replica" : "primary"},
               {"replicationLagSeconds", std::move(lag)}});
}

}  // namespace costledger::api
