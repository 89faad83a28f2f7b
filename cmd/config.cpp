#include "config.hpp"

#include <fmt/core.h>
#include <unistd.h>  // environ

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "costledger/common/secrets.hpp"
#include "costledger/common/time_zone.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::cli {
namespace {

using nlohmann::json;

enum class Kind { kString, kInt, kBool, kMoney, kStringList };

// Every scalar key of the contract, with its type: drives env overrides and unknown-key checks.
struct KeySpec {
  const char* path;
  Kind kind;
};
constexpr auto kScalarKeys = std::to_array<KeySpec>({
    {"cluster", Kind::kString},
    {"database_url", Kind::kString},
    {"database_password_file", Kind::kString},
    {"database_read_url", Kind::kString},
    {"database_read_max_lag_seconds", Kind::kInt},
    {"listen", Kind::kString},
    {"interval_seconds", Kind::kInt},
    {"scrape_timeout_seconds", Kind::kInt},
    {"team_label", Kind::kString},
    {"spool_dir", Kind::kString},
    {"split_weights.cpu_per_core_hour", Kind::kMoney},
    {"split_weights.ram_per_gib_hour", Kind::kMoney},
    {"split_weights.gpu_per_device_hour", Kind::kMoney},
    {"sources.kubernetes.api_url", Kind::kString},
    {"sources.kubernetes.token_file", Kind::kString},
    {"sources.kubernetes.ca_file", Kind::kString},
    {"sources.kubernetes.kubelet_concurrency", Kind::kInt},
    {"sources.kubernetes.kubelet_deadline_seconds", Kind::kInt},
    {"sources.dcgm.urls", Kind::kStringList},
    {"sources.pricing.region", Kind::kString},
    {"sources.pricing.on_demand", Kind::kString},
    {"sources.pricing.spot_history", Kind::kString},
    {"sources.pricing.refresh_seconds", Kind::kInt},
    {"sources.pricing.wait_seconds", Kind::kInt},
    {"sources.athena.executions", Kind::kString},
    {"sources.athena.price_per_tb", Kind::kMoney},
    {"auth.tokens_file", Kind::kString},
    {"auth.protect_metrics", Kind::kBool},
    {"auth.anonymous_role", Kind::kString},
    {"opencost.label_mapping.department", Kind::kString},
    {"opencost.label_mapping.environment", Kind::kString},
    {"opencost.label_mapping.owner", Kind::kString},
    {"opencost.label_mapping.product", Kind::kString},
    {"api.threads", Kind::kInt},
    {"api.workers", Kind::kInt},
    {"api.queue", Kind::kInt},
    {"api.cache_seconds", Kind::kInt},
    {"api.cache_max_mib", Kind::kInt},
    {"api.statement_timeout_seconds", Kind::kInt},
    {"api.max_concurrent_per_token", Kind::kInt},
    {"api.max_steps", Kind::kInt},
    {"api.max_aggregate_keys", Kind::kInt},
    {"api.max_rows", Kind::kInt},
    {"api.max_response_mib", Kind::kInt},
    {"api.allowed_hosts", Kind::kStringList},
    {"api.tls_cert_file", Kind::kString},
    {"api.tls_key_file", Kind::kString},
    {"tls.cert_file", Kind::kString},
    {"tls.key_file", Kind::kString},
    {"tls.client_ca_file", Kind::kString},
    {"admission.failure_policy", Kind::kString},
    {"admission.stale_after_seconds", Kind::kInt},
    {"admission.contact", Kind::kString},
    {"retention.raw_days", Kind::kInt},
    {"retention.hourly_days", Kind::kInt},
    {"retention.queries_days", Kind::kInt},
    {"time_zone", Kind::kString},
    {"quotas_file", Kind::kString},
    {"reports.enabled", Kind::kBool},
    {"reports.weekday", Kind::kString},
    {"reports.hour", Kind::kInt},
    {"reports.base_url", Kind::kString},
    {"reports.from", Kind::kString},
    {"reports.out_dir", Kind::kString},
    {"reports.top_workloads", Kind::kInt},
    {"reports.share_idle", Kind::kBool},
    {"reports.poll_seconds", Kind::kInt},
    {"reports.retry_seconds", Kind::kInt},
    {"smtp.url", Kind::kString},
    {"smtp.username", Kind::kString},
    {"smtp.password_file", Kind::kString},
    {"smtp.starttls", Kind::kString},
    {"smtp.timeout_seconds", Kind::kInt},
    {"quotas.enabled", Kind::kBool},
    {"quotas.evaluate_seconds", Kind::kInt},
    {"quotas.query_lookback_seconds", Kind::kInt},
    {"quotas.alerts.retry_seconds", Kind::kInt},
    {"quotas.alerts.mail", Kind::kStringList},
    {"efficiency.window", Kind::kString},
    {"efficiency.refresh_seconds", Kind::kInt},
    {"efficiency.lost_work_seconds", Kind::kInt},
    {"efficiency.percentile", Kind::kInt},
    {"efficiency.headroom_percent", Kind::kInt},
    {"efficiency.expander_namespace", Kind::kString},
});
// Objects whose keys are free-form (maps).
constexpr std::array<std::string_view, 7> kMapKeys{"sources.pricing.custom_hourly",
                                                   "sources.pricing.custom_storage",
                                                   "sources.athena.workgroup_teams",
                                                   "reports.teams",
                                                   "efficiency.work_counters",
                                                   "quotas.alerts.webhooks",
                                                   "quotas.alerts.quotas"};
constexpr std::array<std::string_view, 7> kWeekdays{"monday", "tuesday",  "wednesday", "thursday",
                                                    "friday", "saturday", "sunday"};

std::vector<std::string> Split(const std::string& path, char sep);
std::string GetString(const json& root, const std::string& path, const std::string& fallback);
int GetInt(const json& root, const std::string& path, int fallback, int min, int max);

// tls.* (the same files as api.tls_cert_file/api.tls_key_file, which stay accepted) and
// admission.* (the webhook's failure policy and staleness, issue 11).
void ParseTlsAndAdmission(const json& root, Config& c) {
  const auto either = [&root](const std::string& key, const std::string& legacy) {
    const std::string value = GetString(root, key, "");
    const std::string old = GetString(root, legacy, "");
    if (!value.empty() && !old.empty() && value != old) {
      throw InvalidInput(
          fmt::format("configuration keys '{}' and '{}' name different files; set "
                      "one of them",
                      key, legacy));
    }
    return value.empty() ? old : value;
  };
  c.api.tls_cert_file = either("tls.cert_file", "api.tls_cert_file");
  c.api.tls_key_file = either("tls.key_file", "api.tls_key_file");
  if (c.api.tls_cert_file.empty() != c.api.tls_key_file.empty()) {
    throw InvalidInput("tls.cert_file and tls.key_file must be set together");
  }
  c.api.tls_client_ca_file = GetString(root, "tls.client_ca_file", "");
  if (!c.api.tls_client_ca_file.empty() && c.api.tls_cert_file.empty()) {
    throw InvalidInput("tls.client_ca_file needs tls.cert_file and tls.key_file (HTTPS)");
  }
  c.admission.failure_policy =
      GetString(root, "admission.failure_policy", c.admission.failure_policy);
  if (c.admission.failure_policy != "fail-open" && c.admission.failure_policy != "fail-closed") {
    throw InvalidInput(fmt::format(
        "configuration key 'admission.failure_policy' is '{}'; allowed: fail-open, fail-closed",
        c.admission.failure_policy));
  }
  c.admission.stale_after_seconds =
      GetInt(root, "admission.stale_after_seconds", c.admission.stale_after_seconds, 60, 7 * 86400);
  c.admission.contact = GetString(root, "admission.contact", c.admission.contact);
}

std::vector<std::string> Split(const std::string& path, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

std::string EnvName(const std::string& path) {
  std::string name = "COSTLEDGER_";
  for (const char c : path) {
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

const json* Find(const json& root, const std::string& path) {
  const json* node = &root;
  for (const std::string& part : Split(path, '.')) {
    if (!node->is_object()) return nullptr;
    const auto it = node->find(part);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

json& Make(json& root, const std::string& path) {
  json* node = &root;
  for (const std::string& part : Split(path, '.')) {
    if (!node->is_object()) *node = json::object();
    node = &(*node)[part];
  }
  return *node;
}

void ApplyEnv(json& root, const std::map<std::string, std::string>& env) {
  for (const KeySpec& key : kScalarKeys) {
    const auto it = env.find(EnvName(key.path));
    if (it == env.end()) continue;
    const std::string& value = it->second;
    json& target = Make(root, key.path);
    switch (key.kind) {
      case Kind::kString:
      case Kind::kMoney:
        target = value;
        break;
      case Kind::kInt:
        try {
          std::size_t used = 0;
          const long long parsed = std::stoll(value, &used);
          if (used != value.size()) throw std::invalid_argument("trailing");
          target = parsed;
        } catch (const std::exception&) {
          throw InvalidInput(fmt::format("{}: '{}' is not an integer", EnvName(key.path), value));
        }
        break;
      case Kind::kStringList:
        target = Split(value, ',');
        break;
      case Kind::kBool:
        if (value != "true" && value != "false") {
          throw InvalidInput(
              fmt::format("{}: '{}' is not true or false", EnvName(key.path), value));
        }
        target = value == "true";
        break;
    }
  }
}

void CollectUnknown(const json& node, const std::string& prefix, std::vector<std::string>& out) {
  std::set<std::string> known;
  for (const KeySpec& key : kScalarKeys) known.insert(key.path);
  for (const std::string_view key : kMapKeys) known.emplace(key);
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (known.contains(path)) continue;
    const bool is_prefix =
        std::any_of(
            std::begin(kScalarKeys), std::end(kScalarKeys),
            [&](const KeySpec& k) { return std::string(k.path).rfind(path + ".", 0) == 0; }) ||
        std::any_of(kMapKeys.begin(), kMapKeys.end(),
                    [&](std::string_view k) { return k.starts_with(path + "."); });
    if (is_prefix && it->is_object()) {
      CollectUnknown(*it, path, out);
    } else if (!is_prefix) {
      out.push_back(fmt::format("unknown configuration key '{}' ignored", path));
    } else {
      throw InvalidInput(fmt::format("configuration key '{}' must be an object", path));
    }
  }
}

std::string TypeName(const json& value) { return value.type_name(); }

std::string GetString(const json& root, const std::string& path, const std::string& fallback) {
  const json* v = Find(root, path);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_string()) {
    throw InvalidInput(
        fmt::format("configuration key '{}' must be a string, not {}", path, TypeName(*v)));
  }
  return v->get<std::string>();
}

int GetInt(const json& root, const std::string& path, int fallback, int min, int max) {
  const json* v = Find(root, path);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_number_integer()) {
    throw InvalidInput(
        fmt::format("configuration key '{}' must be an integer, not {}", path, TypeName(*v)));
  }
  const auto value = v->get<long long>();
  if (value < min || value > max) {
    throw InvalidInput(
        fmt::format("configuration key '{}' is {}; allowed {}..{}", path, value, min, max));
  }
  return static_cast<int>(value);
}

bool GetBool(const json& root, const std::string& path, bool fallback) {
  const json* v = Find(root, path);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_boolean()) {
    throw InvalidInput(
        fmt::format("configuration key '{}' must be true or false, not {}", path, TypeName(*v)));
  }
  return v->get<bool>();
}

model::Money GetMoney(const json& root, const std::string& path, model::Money fallback) {
  const json* v = Find(root, path);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_number() && !v->is_string()) {
    throw InvalidInput(
        fmt::format("configuration key '{}' must be a dollar amount, not {}", path, TypeName(*v)));
  }
  try {
    const model::Money parsed =
        model::Money::ParseDollars(v->is_string() ? v->get<std::string>() : v->dump());
    if (parsed.nanos() < 0) throw InvalidInput("negative");
    return parsed;
  } catch (const InvalidInput&) {
    throw InvalidInput(
        fmt::format("configuration key '{}': '{}' is not a non-negative dollar "
                    "amount",
                    path, v->is_string() ? v->get<std::string>() : v->dump()));
  }
}

std::vector<std::string> GetStringList(const json& root, const std::string& path) {
  const json* v = Find(root, path);
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_array()) {
    throw InvalidInput(fmt::format("configuration key '{}' must be an array of strings, not {}",
                                   path, TypeName(*v)));
  }
  std::vector<std::string> out;
  for (const json& item : *v) {
    if (!item.is_string()) {
      throw InvalidInput(fmt::format("configuration key '{}' must contain only strings", path));
    }
    if (!item.get<std::string>().empty()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::string ReadFileOrThrow(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidInput(fmt::format("cannot read {} '{}'", what, path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string TrimmedFile(const std::string& path, const std::string& what) {
  std::string text = ReadFileOrThrow(path, what);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

void ParseReports(const json& root, Config::Reports& r) {
  r.enabled = GetBool(root, "reports.enabled", r.enabled);
  const std::string weekday = GetString(root, "reports.weekday", "monday");
  const auto* const day = std::find(kWeekdays.begin(), kWeekdays.end(), weekday);
  if (day == kWeekdays.end()) {
    throw InvalidInput(fmt::format(
        "configuration key 'reports.weekday' is '{}'; allowed: monday, tuesday, wednesday, "
        "thursday, friday, saturday, sunday",
        weekday));
  }
  r.weekday = static_cast<int>(day - kWeekdays.begin()) + 1;
  r.hour = GetInt(root, "reports.hour", r.hour, 0, 23);
  r.base_url = GetString(root, "reports.base_url", r.base_url);
  r.from = GetString(root, "reports.from", r.from);
  r.out_dir = GetString(root, "reports.out_dir", r.out_dir);
  r.top_workloads = GetInt(root, "reports.top_workloads", r.top_workloads, 1, 1000);
  r.share_idle = GetBool(root, "reports.share_idle", r.share_idle);
  r.poll_seconds = GetInt(root, "reports.poll_seconds", r.poll_seconds, 1, 86400);
  r.retry_seconds = GetInt(root, "reports.retry_seconds", r.retry_seconds, 1, 86400);
  const json* teams = Find(root, "reports.teams");
  if (teams == nullptr) return;
  if (!teams->is_object()) {
    throw InvalidInput(
        "configuration key 'reports.teams' must be an object: team -> "
        "{\"mail\": [addresses], \"webhook\": URL}");
  }
  for (auto it = teams->begin(); it != teams->end(); ++it) {
    const std::string path = "reports.teams." + it.key();
    if (!it->is_object())
      throw InvalidInput(fmt::format("configuration key '{}' must be an object", path));
    for (auto field = it->begin(); field != it->end(); ++field) {
      if (field.key() != "mail" && field.key() != "webhook") {
        throw InvalidInput(fmt::format(
            "configuration key '{}.{}' is unknown; allowed: mail, webhook", path, field.key()));
      }
    }
    Config::Reports::Team team;
    team.mail = GetStringList(root, path + ".mail");
    for (const std::string& address : team.mail) {
      const auto at = address.find('@');
      if (at == std::string::npos || at == 0 || at + 1 == address.size() ||
          address.find_first_of(" <>\r\n") != std::string::npos) {
        throw InvalidInput(fmt::format(
            "configuration key '{}.mail' has '{}', which is not a mail address", path, address));
      }
    }
    team.webhook = GetString(root, path + ".webhook", "");
    if (!team.webhook.empty() && team.webhook.rfind("http://", 0) != 0 &&
        team.webhook.rfind("https://", 0) != 0) {
      throw InvalidInput(
          fmt::format("configuration key '{}.webhook' must be an http:// or https:// URL", path));
    }
    r.teams[it.key()] = std::move(team);
  }
}

void ParseEfficiency(const json& root, Config::Efficiency& e) {
  e.window = GetString(root, "efficiency.window", e.window);
  e.refresh_seconds = GetInt(root, "efficiency.refresh_seconds", e.refresh_seconds, 10, 86400);
  e.lost_work_seconds =
      GetInt(root, "efficiency.lost_work_seconds", e.lost_work_seconds, 0, 7 * 86400);
  e.percentile = GetInt(root, "efficiency.percentile", e.percentile, 1, 100);
  e.headroom_percent = GetInt(root, "efficiency.headroom_percent", e.headroom_percent, 0, 1000);
  e.expander_namespace = GetString(root, "efficiency.expander_namespace", e.expander_namespace);
  const json* counters = Find(root, "efficiency.work_counters");
  if (counters == nullptr) return;
  if (!counters->is_object()) {
    throw InvalidInput(
        "configuration key 'efficiency.work_counters' must be an object: workload -> "
        "{\"url\": URL, \"counter\": name}");
  }
  for (auto it = counters->begin(); it != counters->end(); ++it) {
    const std::string path = "efficiency.work_counters." + it.key();
    Config::Efficiency::WorkCounter w;
    w.url = GetString(root, path + ".url", "");
    w.counter = GetString(root, path + ".counter", "");
    if (w.url.rfind("http://", 0) != 0 && w.url.rfind("https://", 0) != 0) {
      throw InvalidInput(
          fmt::format("configuration key '{}.url' must be an http:// or https:// URL", path));
    }
    if (w.counter.empty()) {
      throw InvalidInput(fmt::format("configuration key '{}.counter' is required", path));
    }
    e.work_counters[it.key()] = std::move(w);
  }
}

void ParseSmtp(const json& root, const std::map<std::string, std::string>& env, Config::Smtp& s) {
  s.url = GetString(root, "smtp.url", s.url);
  if (!s.url.empty() && s.url.rfind("smtp://", 0) != 0 && s.url.rfind("smtps://", 0) != 0) {
    throw InvalidInput("configuration key 'smtp.url' must start with smtp:// or smtps://");
  }
  if (common::HasConnectionSecret(s.url)) {
    throw InvalidInput(
        "smtp.url contains a password; secrets go in COSTLEDGER_SMTP_PASSWORD or "
        "smtp.password_file, never in the file");
  }
  s.username = GetString(root, "smtp.username", s.username);
  s.starttls = GetString(root, "smtp.starttls", s.starttls);
  if (s.starttls != "required" && s.starttls != "try" && s.starttls != "none") {
    throw InvalidInput(fmt::format(
        "configuration key 'smtp.starttls' is '{}'; allowed: required, try, none", s.starttls));
  }
  s.timeout_seconds = GetInt(root, "smtp.timeout_seconds", s.timeout_seconds, 1, 600);
  if (const auto it = env.find("COSTLEDGER_SMTP_PASSWORD"); it != env.end()) {
    s.password = it->second;
  } else if (const std::string file = GetString(root, "smtp.password_file", ""); !file.empty()) {
    s.password = TrimmedFile(file, "smtp.password_file");
  }
}

void CheckMailAddresses(const std::string& key, const std::vector<std::string>& addresses) {
  for (const std::string& address : addresses) {
    const auto at = address.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == address.size() ||
        address.find_first_of(" <>\r\n") != std::string::npos) {
      throw InvalidInput(fmt::format("configuration key '{}' has '{}', which is not a mail address",
                                     key, address));
    }
  }
}

// {"webhooks": [{"url": ..., "format": "json"|"slack"}], "mail": [addresses]} at `path`.
Config::QuotaEvaluation::Destinations ParseAlertDestinations(const json& root,
                                                             const std::string& path,
                                                             bool allow_other_keys) {
  Config::QuotaEvaluation::Destinations d;
  const json* node = Find(root, path);
  if (node == nullptr || node->is_null()) return d;
  if (!node->is_object()) {
    throw InvalidInput(
        fmt::format("configuration key '{}' must be an object: {{\"webhooks\": [{{\"url\": URL, "
                    "\"format\": \"json\"|\"slack\"}}], \"mail\": [addresses]}}",
                    path));
  }
  if (!allow_other_keys) {
    for (auto it = node->begin(); it != node->end(); ++it) {
      if (it.key() != "webhooks" && it.key() != "mail") {
        throw InvalidInput(fmt::format(
            "configuration key '{}.{}' is unknown; allowed: webhooks, mail", path, it.key()));
      }
    }
  }
  d.mail = GetStringList(root, path + ".mail");
  CheckMailAddresses(path + ".mail", d.mail);
  const json* hooks = Find(root, path + ".webhooks");
  if (hooks == nullptr || hooks->is_null()) return d;
  if (!hooks->is_array()) {
    throw InvalidInput(fmt::format(
        R"(configuration key '{}.webhooks' must be an array of {{"url", "format"}})", path));
  }
  for (std::size_t i = 0; i < hooks->size(); ++i) {
    const std::string key = fmt::format("{}.webhooks[{}]", path, i);
    const json& h = (*hooks)[i];
    Config::QuotaEvaluation::Webhook w;  // a bare URL is taken as {"url": URL}
    if (h.is_string()) {
      w.url = h.get<std::string>();
    } else if (h.is_object()) {
      for (auto it = h.begin(); it != h.end(); ++it) {
        if (it.key() != "url" && it.key() != "format") {
          throw InvalidInput(
              fmt::format("configuration key '{}.{}' is unknown; allowed: url, "
                          "format",
                          key, it.key()));
        }
        if (!it->is_string()) {
          throw InvalidInput(
              fmt::format("configuration key '{}.{}' must be a string", key, it.key()));
        }
      }
      w.url = h.value("url", "");
      w.format = h.value("format", "json");
    } else {
      throw InvalidInput(
          fmt::format(R"(configuration key '{}' must be an object {{"url", "format"}})", key));
    }
    if (w.url.rfind("http://", 0) != 0 && w.url.rfind("https://", 0) != 0) {
      throw InvalidInput(
          fmt::format("configuration key '{}.url' must be an http:// or https:// URL", key));
    }
    if (w.format != "json" && w.format != "slack") {
      throw InvalidInput(fmt::format("configuration key '{}.format' is '{}'; allowed: json, slack",
                                     key, w.format));
    }
    d.webhooks.push_back(std::move(w));
  }
  return d;
}

void ParseQuotaEvaluation(const json& root, Config::QuotaEvaluation& q) {
  q.enabled = GetBool(root, "quotas.enabled", q.enabled);
  q.evaluate_seconds = GetInt(root, "quotas.evaluate_seconds", q.evaluate_seconds, 1, 3600);
  q.query_lookback_seconds =
      GetInt(root, "quotas.query_lookback_seconds", q.query_lookback_seconds, 0, 7 * 86400);
  q.alert_retry_seconds =
      GetInt(root, "quotas.alerts.retry_seconds", q.alert_retry_seconds, 1, 86400);
  q.alerts = ParseAlertDestinations(root, "quotas.alerts", true);
  const json* per_quota = Find(root, "quotas.alerts.quotas");
  if (per_quota == nullptr || per_quota->is_null()) return;
  if (!per_quota->is_object()) {
    throw InvalidInput(
        "configuration key 'quotas.alerts.quotas' must be an object: quota name -> "
        "{\"webhooks\": [...], \"mail\": [...]}");
  }
  for (auto it = per_quota->begin(); it != per_quota->end(); ++it) {
    q.alerts_by_quota[it.key()] =
        ParseAlertDestinations(root, "quotas.alerts.quotas." + it.key(), false);
  }
}

}  // namespace

LoadedConfig ParseConfig(const std::string& json_text,
                         const std::map<std::string, std::string>& env) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    throw InvalidInput(fmt::format("configuration is not valid JSON: {}", e.what()));
  }
  if (!root.is_object()) throw InvalidInput("configuration must be a JSON object");
  LoadedConfig loaded;
  CollectUnknown(root, "", loaded.warnings);
  const bool password_in_file = common::HasConnectionSecret(GetString(root, "database_url", ""));
  const bool read_password_in_file =
      common::HasConnectionSecret(GetString(root, "database_read_url", ""));
  ApplyEnv(root, env);

  Config& c = loaded.config;
  c.cluster = GetString(root, "cluster", c.cluster);
  c.database_url = GetString(root, "database_url", c.database_url);
  c.database_read_url = GetString(root, "database_read_url", "");
  c.database_read_max_lag_seconds =
      GetInt(root, "database_read_max_lag_seconds", c.database_read_max_lag_seconds, 1, 86400);
  c.listen = GetString(root, "listen", c.listen);
  c.interval_seconds = GetInt(root, "interval_seconds", c.interval_seconds, 1, 3600);
  c.scrape_timeout_seconds =
      GetInt(root, "scrape_timeout_seconds", std::min(c.scrape_timeout_seconds, c.interval_seconds),
             1, 3600);
  c.team_label = GetString(root, "team_label", c.team_label);
  c.spool_dir = GetString(root, "spool_dir", c.spool_dir);
  c.weights.cpu_per_core_hour =
      GetMoney(root, "split_weights.cpu_per_core_hour", c.weights.cpu_per_core_hour);
  c.weights.ram_per_gib_hour =
      GetMoney(root, "split_weights.ram_per_gib_hour", c.weights.ram_per_gib_hour);
  c.weights.gpu_per_device_hour =
      GetMoney(root, "split_weights.gpu_per_device_hour", c.weights.gpu_per_device_hour);
  c.kubernetes.api_url = GetString(root, "sources.kubernetes.api_url", "");
  c.kubernetes.token_file = GetString(root, "sources.kubernetes.token_file", "");
  c.kubernetes.ca_file = GetString(root, "sources.kubernetes.ca_file", "");
  c.kubernetes.kubelet_concurrency = GetInt(root, "sources.kubernetes.kubelet_concurrency",
                                            c.kubernetes.kubelet_concurrency, 1, 1024);
  c.kubernetes.kubelet_deadline_seconds =
      GetInt(root, "sources.kubernetes.kubelet_deadline_seconds",
             std::max(c.scrape_timeout_seconds, c.interval_seconds / 2), 1, c.interval_seconds);
  c.dcgm.urls = GetStringList(root, "sources.dcgm.urls");
  c.pricing.region = GetString(root, "sources.pricing.region", c.pricing.region);
  c.pricing.on_demand = GetString(root, "sources.pricing.on_demand", "");
  c.pricing.spot_history = GetString(root, "sources.pricing.spot_history", "");
  c.pricing.refresh_seconds =
      GetInt(root, "sources.pricing.refresh_seconds", c.pricing.refresh_seconds, 1, 7 * 86400);
  c.pricing.wait_seconds =
      GetInt(root, "sources.pricing.wait_seconds",
             std::max(c.scrape_timeout_seconds, c.interval_seconds / 2), 1, c.interval_seconds);
  if (const json* custom = Find(root, "sources.pricing.custom_storage")) {
    if (!custom->is_object()) {
      throw InvalidInput("configuration key 'sources.pricing.custom_storage' must be an object");
    }
    for (auto it = custom->begin(); it != custom->end(); ++it) {
      c.pricing.custom_storage[it.key()] =
          GetMoney(root, "sources.pricing.custom_storage." + it.key(), {});
    }
  }
  if (const json* custom = Find(root, "sources.pricing.custom_hourly")) {
    if (!custom->is_object()) {
      throw InvalidInput("configuration key 'sources.pricing.custom_hourly' must be an object");
    }
    for (auto it = custom->begin(); it != custom->end(); ++it) {
      c.pricing.custom_hourly[it.key()] =
          GetMoney(root, "sources.pricing.custom_hourly." + it.key(), {});
    }
  }
  c.athena.executions = GetString(root, "sources.athena.executions", "");
  c.athena.price_per_tb = GetMoney(root, "sources.athena.price_per_tb", c.athena.price_per_tb);
  if (const json* teams = Find(root, "sources.athena.workgroup_teams")) {
    if (!teams->is_object()) {
      throw InvalidInput("configuration key 'sources.athena.workgroup_teams' must be an object");
    }
    for (auto it = teams->begin(); it != teams->end(); ++it) {
      if (!it->is_string()) {
        throw InvalidInput(fmt::format(
            "configuration key 'sources.athena.workgroup_teams.{}' must be a string", it.key()));
      }
      c.athena.workgroup_teams[it.key()] = it->get<std::string>();
    }
  }
  c.retention.raw_days = GetInt(root, "retention.raw_days", c.retention.raw_days, 1, 36500);
  c.retention.hourly_days =
      GetInt(root, "retention.hourly_days", c.retention.hourly_days, 1, 36500);
  c.retention.queries_days =
      GetInt(root, "retention.queries_days", c.retention.queries_days, 1, 36500);
  c.time_zone = GetString(root, "time_zone", c.time_zone);
  try {
    common::LoadTimeZone(c.time_zone);
  } catch (const InvalidInput& e) {
    throw InvalidInput(fmt::format("configuration key 'time_zone': {}", e.what()));
  }
  c.quotas_file = GetString(root, "quotas_file", "");
  ParseReports(root, c.reports);
  ParseEfficiency(root, c.efficiency);
  ParseSmtp(root, env, c.smtp);
  ParseQuotaEvaluation(root, c.quota_evaluation);
  if (c.smtp.url.empty()) {
    bool mails = !c.quota_evaluation.alerts.mail.empty();
    for (const auto& [name, d] : c.quota_evaluation.alerts_by_quota) mails |= !d.mail.empty();
    if (mails) {
      loaded.warnings.emplace_back(
          "quotas.alerts has mail recipients but smtp.url is not set: quota alert mails are not "
          "sent");
    }
  }
  c.tokens_file = GetString(root, "auth.tokens_file", "");
  c.api.protect_metrics = GetBool(root, "auth.protect_metrics", c.api.protect_metrics);
  c.anonymous_role = GetString(root, "auth.anonymous_role", "");
  if (!c.anonymous_role.empty() && c.anonymous_role != "viewer") {
    throw InvalidInput(fmt::format(
        "auth.anonymous_role '{}' is not allowed: only \"viewer\" (read-only, OpenCost's "
        "paths only) or unset",
        c.anonymous_role));
  }
  for (auto [key, field] : {std::pair{"department", &model::LabelAliases::department},
                            std::pair{"environment", &model::LabelAliases::environment},
                            std::pair{"owner", &model::LabelAliases::owner},
                            std::pair{"product", &model::LabelAliases::product}}) {
    const std::string path = fmt::format("opencost.label_mapping.{}", key);
    c.label_aliases.*field = GetString(root, path, c.label_aliases.*field);
    if ((c.label_aliases.*field).empty()) {
      throw InvalidInput(fmt::format("configuration key '{}' must not be empty", path));
    }
  }
  c.api.threads = GetInt(root, "api.threads", c.api.threads, 1, 64);
  c.api.workers = GetInt(root, "api.workers", c.api.workers, 1, 64);
  c.api.queue = GetInt(root, "api.queue", c.api.queue, 0, 10000);
  c.api.cache_seconds = GetInt(root, "api.cache_seconds", c.api.cache_seconds, 0, 3600);
  c.api.cache_max_mib = GetInt(root, "api.cache_max_mib", c.api.cache_max_mib, 0, 65536);
  c.api.statement_timeout_seconds =
      GetInt(root, "api.statement_timeout_seconds", c.api.statement_timeout_seconds, 0, 86400);
  c.api.max_concurrent_per_token =
      GetInt(root, "api.max_concurrent_per_token", c.api.max_concurrent_per_token, 0, 1024);
  c.api.max_steps = GetInt(root, "api.max_steps", c.api.max_steps, 1, 1'000'000);
  c.api.max_aggregate_keys =
      GetInt(root, "api.max_aggregate_keys", c.api.max_aggregate_keys, 1, 64);
  c.api.max_rows = GetInt(root, "api.max_rows", c.api.max_rows, 1, 100'000'000);
  c.api.max_response_mib = GetInt(root, "api.max_response_mib", c.api.max_response_mib, 1, 65536);
  c.api.allowed_hosts = GetStringList(root, "api.allowed_hosts");
  c.api.tls_cert_file = GetString(root, "api.tls_cert_file", "");
  c.api.tls_key_file = GetString(root, "api.tls_key_file", "");
  ParseTlsAndAdmission(root, c);

  if (c.cluster.empty()) throw InvalidInput("configuration key 'cluster' must not be empty");
  if (c.database_url.empty()) {
    throw InvalidInput(
        "configuration key 'database_url' is required (or set COSTLEDGER_DATABASE_URL)");
  }
  if (read_password_in_file && !env.contains("COSTLEDGER_DATABASE_READ_URL")) {
    throw InvalidInput(
        "database_read_url in the configuration file contains a password; secrets go in "
        "COSTLEDGER_DATABASE_PASSWORD or database_password_file, never in the file");
  }
  if (password_in_file && !env.contains("COSTLEDGER_DATABASE_URL")) {
    throw InvalidInput(
        "database_url in the configuration file contains a password; secrets go in "
        "COSTLEDGER_DATABASE_PASSWORD or database_password_file, never in the file");
  }
  if (c.kubernetes.api_url.empty()) {
    throw InvalidInput("configuration key 'sources.kubernetes.api_url' is required");
  }
  if (const auto it = env.find("COSTLEDGER_DATABASE_PASSWORD"); it != env.end()) {
    c.database_password = it->second;
  } else if (const std::string file = GetString(root, "database_password_file", "");
             !file.empty()) {
    c.database_password = TrimmedFile(file, "database_password_file");
  }
  return loaded;
}

LoadedConfig LoadConfigFile(const std::string& path,
                            const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    if (entry.rfind("COSTLEDGER_", 0) != 0) continue;
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [name, value] : overrides) env[name] = value;
  return ParseConfig(ReadFileOrThrow(path, "configuration file"), env);
}

std::string ConfigPath(const std::string& flag_value) {
  std::string path = flag_value;
  if (path.empty()) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read at startup, before any thread is started
    if (const char* env = std::getenv("COSTLEDGER_CONFIG")) path = env;
  }
  if (path.empty()) {
    throw InvalidInput("no configuration: pass --config FILE or set COSTLEDGER_CONFIG");
  }
  return path;
}

std::string DescribeConfig(const Config& c) {
  json out;
  out["cluster"] = c.cluster;
  out["database_url"] = common::MaskConnectionSecrets(c.database_url);
  out["database_password"] = c.database_password.empty() ? "" : "***";
  out["database_read_url"] = common::MaskConnectionSecrets(c.database_read_url);
  out["database_read_max_lag_seconds"] = c.database_read_max_lag_seconds;
  out["listen"] = c.listen;
  out["interval_seconds"] = c.interval_seconds;
  out["scrape_timeout_seconds"] = c.scrape_timeout_seconds;
  out["team_label"] = c.team_label;
  out["spool_dir"] = c.spool_dir;
  out["split_weights"] = {{"cpu_per_core_hour", c.weights.cpu_per_core_hour.Dollars()},
                          {"ram_per_gib_hour", c.weights.ram_per_gib_hour.Dollars()},
                          {"gpu_per_device_hour", c.weights.gpu_per_device_hour.Dollars()}};
  out["sources"]["kubernetes"] = {
      {"api_url", c.kubernetes.api_url},
      {"token_file", c.kubernetes.token_file},
      {"ca_file", c.kubernetes.ca_file},
      {"kubelet_concurrency", c.kubernetes.kubelet_concurrency},
      {"kubelet_deadline_seconds", c.kubernetes.kubelet_deadline_seconds}};
  out["sources"]["dcgm"]["urls"] = c.dcgm.urls;
  out["sources"]["pricing"] = {{"region", c.pricing.region},
                               {"on_demand", c.pricing.on_demand},
                               {"spot_history", c.pricing.spot_history},
                               {"refresh_seconds", c.pricing.refresh_seconds},
                               {"wait_seconds", c.pricing.wait_seconds}};
  for (const auto& [type, price] : c.pricing.custom_storage) {
    out["sources"]["pricing"]["custom_storage"][type] = price.Dollars();
  }
  for (const auto& [type, price] : c.pricing.custom_hourly) {
    out["sources"]["pricing"]["custom_hourly"][type] = price.Dollars();
  }
  out["sources"]["athena"] = {{"executions", c.athena.executions},
                              {"price_per_tb", c.athena.price_per_tb.Dollars()},
                              {"workgroup_teams", c.athena.workgroup_teams}};
  out["retention"] = {{"raw_days", c.retention.raw_days},
                      {"hourly_days", c.retention.hourly_days},
                      {"queries_days", c.retention.queries_days}};
  out["time_zone"] = c.time_zone;
  out["quotas_file"] = c.quotas_file;
  out["reports"] = {{"enabled", c.reports.enabled},
                    {"weekday", kWeekdays.at(static_cast<std::size_t>(c.reports.weekday - 1))},
                    {"hour", c.reports.hour},
                    {"base_url", c.reports.base_url},
                    {"from", c.reports.from},
                    {"out_dir", c.reports.out_dir},
                    {"top_workloads", c.reports.top_workloads},
                    {"share_idle", c.reports.share_idle},
                    {"poll_seconds", c.reports.poll_seconds},
                    {"retry_seconds", c.reports.retry_seconds},
                    {"teams", json::object()}};
  for (const auto& [team, t] : c.reports.teams) {
    out["reports"]["teams"][team] = {{"mail", t.mail}, {"webhook", t.webhook}};
  }
  out["smtp"] = {{"url", c.smtp.url},
                 {"username", c.smtp.username},
                 {"password", c.smtp.password.empty() ? "" : "***"},
                 {"starttls", c.smtp.starttls},
                 {"timeout_seconds", c.smtp.timeout_seconds}};
  const auto destinations = [](const Config::QuotaEvaluation::Destinations& d) {
    json hooks = json::array();
    for (const auto& w : d.webhooks) hooks.push_back({{"url", w.url}, {"format", w.format}});
    return json{{"webhooks", hooks}, {"mail", d.mail}};
  };
  const Config::QuotaEvaluation& q = c.quota_evaluation;
  out["quotas"] = {{"enabled", q.enabled},
                   {"evaluate_seconds", q.evaluate_seconds},
                   {"query_lookback_seconds", q.query_lookback_seconds},
                   {"alerts", destinations(q.alerts)}};
  out["quotas"]["alerts"]["retry_seconds"] = q.alert_retry_seconds;
  out["quotas"]["alerts"]["quotas"] = json::object();
  for (const auto& [name, d] : q.alerts_by_quota) {
    out["quotas"]["alerts"]["quotas"][name] = destinations(d);
  }
  out["auth"]["tokens_file"] = c.tokens_file;
  out["auth"]["protect_metrics"] = c.api.protect_metrics;
  out["auth"]["anonymous_role"] = c.anonymous_role;
  out["opencost"]["label_mapping"] = {{"department", c.label_aliases.department},
                                      {"environment", c.label_aliases.environment},
                                      {"owner", c.label_aliases.owner},
                                      {"product", c.label_aliases.product}};
  out["api"] = {{"threads", c.api.threads},
                {"workers", c.api.workers},
                {"queue", c.api.queue},
                {"cache_seconds", c.api.cache_seconds},
                {"cache_max_mib", c.api.cache_max_mib},
                {"statement_timeout_seconds", c.api.statement_timeout_seconds},
                {"max_concurrent_per_token", c.api.max_concurrent_per_token},
                {"max_steps", c.api.max_steps},
                {"max_aggregate_keys", c.api.max_aggregate_keys},
                {"max_rows", c.api.max_rows},
                {"max_response_mib", c.api.max_response_mib},
                {"allowed_hosts", c.api.allowed_hosts},
                {"tls_cert_file", c.api.tls_cert_file},
                {"tls_key_file", c.api.tls_key_file}};
  out["tls"] = {{"cert_file", c.api.tls_cert_file},
                {"key_file", c.api.tls_key_file},
                {"client_ca_file", c.api.tls_client_ca_file}};
  out["admission"] = {{"failure_policy", c.admission.failure_policy},
                      {"stale_after_seconds", c.admission.stale_after_seconds},
                      {"contact", c.admission.contact}};
  out["efficiency"] = {{"window", c.efficiency.window},
                       {"refresh_seconds", c.efficiency.refresh_seconds},
                       {"lost_work_seconds", c.efficiency.lost_work_seconds},
                       {"percentile", c.efficiency.percentile},
                       {"headroom_percent", c.efficiency.headroom_percent},
                       {"expander_namespace", c.efficiency.expander_namespace}};
  for (const auto& [name, w] : c.efficiency.work_counters) {
    out["efficiency"]["work_counters"][name] = {{"url", common::MaskConnectionSecrets(w.url)},
                                                {"counter", w.counter}};
  }
  return out.dump(2);
}

}  // namespace costledger::cli
