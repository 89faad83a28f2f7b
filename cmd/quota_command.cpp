#include "quota_command.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>

#include "command_line.hpp"
#include "config.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/quota_text.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/postgres/postgres_quota_store.hpp"
#include "costledger/sources/quota_json.hpp"
#include "quota_file.hpp"

namespace costledger::cli {

const char* const kQuotaHelp = R"(usage: costledger quota <list|apply|delete> [options]

Manages quotas (DESIGN "Quotas") in the configured PostgreSQL directly, as
PUT/DELETE /v1/quotas/{name} do; every change is recorded in the quota's history as
cli:<user>. Quotas only stored so far: nothing evaluates or enforces them yet.

  costledger quota list [--json]        every quota: name, scope, period, limit, action, who
                                        manages it (api or file); --json prints the specs
  costledger quota apply -f FILE        creates or replaces each quota of FILE (JSON:
                                        {"quotas": [...]} or a list); the whole file is
                                        validated first, so a bad one changes nothing
  costledger quota delete NAME          deletes one quota

options:
  --config FILE   JSON configuration (also COSTLEDGER_CONFIG): database_url and its password
  -f, --file FILE the quotas to apply
)";

namespace {

std::string User() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any thread is started
  for (const char* name : {"USER", "LOGNAME"}) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): as above
    if (const char* value = std::getenv(name); value != nullptr && *value != '\0') return value;
  }
  return "unknown";
}

std::string Limit(const model::Quota& q) {
  return model::FormatQuotaAmount(q.limit.unit, q.limit.amount);
}

int List(ports::QuotaStore& store, bool as_json) {
  const std::vector<ports::StoredQuota> quotas = store.List();
  if (as_json) {
    fmt::print("[");
    for (std::size_t i = 0; i < quotas.size(); ++i) {
      fmt::print("{}{}", i == 0 ? "\n  " : ",\n  ", sources::QuotaToJson(quotas[i].quota));
    }
    fmt::print("{}]\n", quotas.empty() ? "" : "\n");
    return 0;
  }
  if (quotas.empty()) {
    fmt::print("no quotas\n");
    return 0;
  }
  fmt::print("{:<24} {:<28} {:<6} {:<22} {:<6} {:<6} {}\n", "NAME", "SCOPE", "PERIOD", "LIMIT",
             "ACTION", "SOURCE", "UPDATED");
  for (const ports::StoredQuota& s : quotas) {
    const model::Quota& q = s.quota;
    fmt::print("{:<24} {:<28} {:<6} {:<22} {:<6} {:<6} {} by {}\n", q.name,
               model::DescribeScope(q.scope), model::ToString(q.period), Limit(q),
               model::ToString(q.action), ports::ToString(s.source),
               model::FormatTimestamp(s.updated_at), s.updated_by);
  }
  return 0;
}

int Apply(ports::QuotaStore& store, const std::string& file, const std::string& who) {
  const std::vector<model::Quota> quotas = LoadQuotaFile(file);
  for (const model::Quota& q : quotas) {
    const ports::QuotaPutOutcome outcome = store.Put(q, who, ports::QuotaSource::kApi);
    fmt::print("quota/{} {}\n", q.name,
               outcome == ports::QuotaPutOutcome::kCreated    ? "created"
               : outcome == ports::QuotaPutOutcome::kReplaced ? "replaced"
                                                              : "unchanged");
  }
  if (quotas.empty()) fmt::print("{}: no quotas\n", file);
  return 0;
}

}  // namespace

int RunQuota(const std::vector<std::string>& args) {
  if (args.empty()) throw InvalidInput("quota: give list, apply -f FILE or delete NAME");
  const std::string& action = args[0];
  std::vector<std::string> rest;
  std::string name;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "-f") {
      rest.emplace_back("--file");
    } else if (action == "delete" && name.empty() && !args[i].starts_with("-") &&
               args[i - 1] != "--config" && args[i - 1] != "--file" && args[i - 1] != "-f") {
      name = args[i];
    } else {
      rest.push_back(args[i]);
    }
  }
  if (action != "list" && action != "apply" && action != "delete") {
    throw InvalidInput(
        fmt::format("quota: '{}' is not one of list, apply -f FILE, delete NAME", action));
  }
  const CommandLine cl(rest, {"config", "file"}, {"json"});
  const std::string path = ConfigPath(cl.OptionOr("config", ""));
  if (action == "apply" && !cl.Option("file")) throw InvalidInput("quota apply: give -f FILE");
  if (action == "delete" && name.empty()) throw InvalidInput("quota delete: give the NAME");
  const LoadedConfig loaded = LoadConfigFile(path);
  for (const std::string& w : loaded.warnings) fmt::print(stderr, "warning: {}\n", w);
  const Config& c = loaded.config;
  postgres::PostgresQuotaStore store(c.database_url, c.database_password, 1);
  const std::string who = fmt::format("cli:{}", User());
  if (action == "list") return List(store, cl.Flag("json"));
  if (action == "apply") return Apply(store, *cl.Option("file"), who);
  if (!store.Delete(name, who, ports::QuotaSource::kApi)) {
    throw NotFound(fmt::format("no quota '{}'", name));
  }
  fmt::print("quota/{} deleted\n", name);
  return 0;
}

}  // namespace costledger::cli
