#include "costledger/api/quota_routes.hpp"

#include <fmt/core.h>

#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "costledger/api/quota_status_route.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/sources/quota_json.hpp"
#include "query_params.hpp"

namespace costledger::api {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kHistorySuffix = "/history";
constexpr std::size_t kDefaultHistory = 100;
constexpr std::size_t kMaxHistory = 1000;

http::HttpResponse Json(const ordered_json& body, int status = 200) {
  http::HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  return r;
}

ordered_json SpecJson(const model::Quota& quota) {
  return ordered_json::parse(sources::QuotaToJson(quota));
}

ordered_json StoredJson(const ports::StoredQuota& q) {
  ordered_json out = SpecJson(q.quota);
  out["createdAt"] = model::FormatTimestamp(q.created_at);
  out["updatedAt"] = model::FormatTimestamp(q.updated_at);
  out["updatedBy"] = q.updated_by;
  out["source"] = ports::ToString(q.source);
  return out;
}

// What a path below /v1/quotas names.
struct QuotaTarget {
  std::string name;  // "" for the collection
  bool history = false;
};

QuotaTarget TargetOf(std::string_view path) {
  QuotaTarget t;
  if (path == kQuotasPath) return t;
  std::string_view rest = path.substr(kQuotasPath.size() + 1);
  if (rest.ends_with(kHistorySuffix)) {
    t.history = true;
    rest.remove_suffix(kHistorySuffix.size());
  }
  t.name = std::string(rest);
  return t;
}

void CheckName(const std::string& name) {
  if (!model::IsValidQuotaName(name)) {
    throw InvalidInput(
        fmt::format("name: '{}' is not a quota name: lowercase letters, digits and '-', at most 63 "
                    "characters, starting and ending with a letter or digit",
                    name.substr(0, 64)));
  }
}

std::string TeamsOf(const Principal& who) {
  std::string out;
  for (const std::string& t : who.scope.teams) {
    out += out.empty() ? "" : ", ";
    out += t;
  }
  return out;
}

// A scoped token sees a quota only when the quota is about one of its teams.
bool Sees(const Principal& who, const model::Quota& quota) {
  if (who.scope.all_teams) return true;
  return quota.scope.team && who.SeesTeam(*quota.scope.team);
}

http::HttpResponse OutOfScope(const Principal& who, const std::string& name) {
  return http::JsonError(
      403, fmt::format("token '{}' may only manage quotas whose scope.team is one of {}; quota "
                       "'{}' is not",
                       who.name, TeamsOf(who), name));
}

std::size_t HistoryLimit(const http::HttpRequest& request) {
  const auto text = request.Query("limit");
  if (!text || text->empty()) return kDefaultHistory;
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n == 0 || n > kMaxHistory) {
    throw InvalidInput(fmt::format("parameter 'limit': '{}' is not a whole number from 1 to {}",
                                   text->substr(0, 32), kMaxHistory));
  }
  return n;
}

// application/json, with parameters or none; a missing Content-Type is read as JSON.
bool IsJsonContentType(std::string_view type) {
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  std::string lower(type);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.empty() || lower == "application/json";
}

std::string Who(const Principal& who) { return fmt::format("token:{}", who.name); }

http::HttpResponse Put(ports::QuotaStore& store, const http::HttpRequest& request,
                       const Principal& who, const std::string& name) {
  if (request.body.size() > kMaxQuotaBodyBytes) {
    return http::JsonError(413, fmt::format("a quota body is at most {} bytes, got {}",
                                            kMaxQuotaBodyBytes, request.body.size()));
  }
  if (!IsJsonContentType(request.Header("content-type"))) {
    return http::JsonError(415, fmt::format("a quota is sent as Content-Type: application/json, "
                                            "not {}",
                                            request.Header("content-type").substr(0, 64)));
  }
  model::QuotaSpec spec = sources::ParseQuotaSpec(request.body);
  if (spec.name && *spec.name != name) {
    throw InvalidInput(fmt::format("name: '{}' in the body does not match '{}' in the path",
                                   spec.name->substr(0, 64), name));
  }
  spec.name = name;
  const model::Quota quota = model::ValidateQuota(spec);
  if (!Sees(who, quota)) return OutOfScope(who, name);
  if (!who.scope.all_teams) {
    if (const auto current = store.Get(name); current && !Sees(who, current->quota)) {
      return OutOfScope(who, name);
    }
  }
  const ports::QuotaPutOutcome outcome = store.Put(quota, Who(who), ports::QuotaSource::kApi);
  const auto stored = store.Get(name);
  const bool created = outcome == ports::QuotaPutOutcome::kCreated;
  const char* status = created                                        ? "created"
                       : outcome == ports::QuotaPutOutcome::kReplaced ? "replaced"
                                                                      : "unchanged";
  ordered_json body = {{"code", created ? 201 : 200}, {"status", status}};
  body["data"] = stored ? StoredJson(*stored) : SpecJson(quota);
  http::HttpResponse r = Json(body, created ? 201 : 200);
  if (created) r.headers.emplace_back("Location", fmt::format("{}/{}", kQuotasPath, name));
  return r;
}

}  // namespace

bool IsReservedQuotaName(std::string_view name) { return name == "check"; }

bool IsQuotasPath(std::string_view path) {
  return path == kQuotasPath ||
         (path.starts_with(kQuotasPath) && path.size() > kQuotasPath.size() + 1 &&
          path[kQuotasPath.size()] == '/');
}

std::string QuotaRouteOf(std::string_view path) {
  if (!IsQuotasPath(path)) return "";
  if (path == kQuotasPath) return std::string(kQuotasPath);
  if (IsQuotaStatusPath(path)) return "/v1/quotas/{name}/status";
  const QuotaTarget t = TargetOf(path);
  if (t.name.empty() || t.name.find('/') != std::string::npos) return "";
  return t.history ? "/v1/quotas/{name}/history" : "/v1/quotas/{name}";
}

std::string_view QuotaRouteMethods(std::string_view route) {
  return route == "/v1/quotas/{name}" ? "GET, HEAD, PUT, DELETE" : "GET, HEAD";
}

http::HttpResponse AnswerQuotas(ports::QuotaStore& store, const http::HttpRequest& request,
                                const Principal& who) {
  const QuotaTarget t = TargetOf(request.path);
  const bool writes = request.method == "PUT" || request.method == "DELETE";
  if (writes && who.role != Role::kAdmin) {
    return http::JsonError(403, fmt::format("token '{}' has role {}; changing quotas needs admin",
                                            who.name, RoleName(who.role)));
  }
  if (t.name.empty()) {
    RejectUnknown(request, {});
    ordered_json data = ordered_json::array();
    for (const ports::StoredQuota& q : store.List()) {
      if (Sees(who, q.quota)) data.push_back(StoredJson(q));
    }
    return Json({{"code", 200}, {"data", std::move(data)}});
  }
  CheckName(t.name);
  if (t.history) {
    RejectUnknown(request, {"limit"});
    const std::size_t limit = HistoryLimit(request);
    ordered_json data = ordered_json::array();
    for (const ports::QuotaChange& c : store.History(t.name, limit)) {
      const model::Quota& any = c.after ? *c.after : *c.before;
      if (!Sees(who, any)) return OutOfScope(who, t.name);
      data.push_back({{"id", c.id},
                      {"at", model::FormatTimestamp(c.at)},
                      {"who", c.who},
                      {"source", ports::ToString(c.source)},
                      {"before", c.before ? SpecJson(*c.before) : ordered_json()},
                      {"after", c.after ? SpecJson(*c.after) : ordered_json()}});
    }
    return Json({{"code", 200}, {"data", std::move(data)}});
  }
  RejectUnknown(request, {});
  if (request.method == "PUT") {
    if (IsReservedQuotaName(t.name)) {
      throw InvalidInput(fmt::format("name: '{}' is reserved for POST {}/{}; choose another name",
                                     t.name, kQuotasPath, t.name));
    }
    return Put(store, request, who, t.name);
  }
  const auto current = store.Get(t.name);
  const auto missing = [&] {
    return http::JsonError(404,
                           fmt::format("no quota '{}'; GET {} lists them", t.name, kQuotasPath));
  };
  if (!current) return missing();
  if (!Sees(who, current->quota)) return OutOfScope(who, t.name);
  if (request.method == "DELETE") {
    if (!store.Delete(t.name, Who(who), ports::QuotaSource::kApi)) return missing();
    http::HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
  return Json({{"code", 200}, {"data", StoredJson(*current)}});
}

}  // namespace costledger::api
