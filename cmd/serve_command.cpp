#include "serve_command.hpp"

#include <fmt/core.h>

#include <atomic>
#include <csignal>
#include <cstdlib>

#include "command_line.hpp"
#include "config.hpp"
#include "costledger/collector/collector.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::cli {

const char* const kServeHelp = R"(usage: costledger serve [--config FILE] [options]

Runs the collector: every interval (aligned to multiples of the interval since the epoch) it
scrapes the Kubernetes API (nodes, pods, kubelet /metrics/resource through the node proxy),
DCGM exporters and Athena, attributes the interval's node costs to containers and idle,
appends the batch to a durable on-disk spool and writes it to PostgreSQL (COPY, idempotent,
hourly rollups). When PostgreSQL is down, batches wait in the spool and are replayed in order.
SIGTERM/SIGINT finish the interval in flight and flush.

options:
  --config FILE             JSON configuration (default: $COSTLEDGER_CONFIG)
  --role all|collector|api  what to run (default all; the API arrives in a later release)
  --log-format text|json    log line format (default text)
  --set KEY=VALUE           override any configuration key, e.g. --set interval_seconds=5
                            (same as the environment variable COSTLEDGER_<KEY>)
  --once                    run one interval at the next boundary, then exit
environment: COSTLEDGER_DATABASE_URL, COSTLEDGER_LISTEN, COSTLEDGER_INTERVAL_SECONDS,
  COSTLEDGER_DATABASE_PASSWORD and COSTLEDGER_<KEY> for every configuration key
)";

const char* const kMigrateHelp = R"(usage: costledger migrate [--config FILE] [--set KEY=VALUE]

Applies the pending versioned schema migrations to PostgreSQL and prints what it applied.
`serve` applies pending migrations at start as well.
)";

const char* const kCheckConfigHelp =
    R"(usage: costledger check-config [--config FILE] [--set KEY=VALUE]

Validates a configuration file: unknown keys are warned about; wrong types, out-of-range values
and missing required keys are errors naming the key; the database is contacted and an
unreachable one is reported. Prints the effective settings with secrets masked.
)";

namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnSignal(int /*signal*/) { g_stop = true; }

struct Loaded {
  LoadedConfig loaded;
  collector::Logger::Format log_format = collector::Logger::Format::kText;
  CommandLine cl;
};

Loaded Load(const std::vector<std::string>& args, const std::vector<std::string>& extra_options,
            const std::vector<std::string>& extra_flags) {
  std::vector<std::string> options{"config", "set", "log-format"};
  options.insert(options.end(), extra_options.begin(), extra_options.end());
  // --set may repeat: gather its values before the parser keeps only the last.
  std::map<std::string, std::string> overrides;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string value;
    if (args[i] == "--set" && i + 1 < args.size()) {
      value = args[++i];
    } else if (args[i].rfind("--set=", 0) == 0) {
      value = args[i].substr(6);
    } else {
      rest.push_back(args[i]);
      continue;
    }
    const auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InvalidInput(fmt::format("--set needs KEY=VALUE, got '{}'", value));
    }
    std::string env = "COSTLEDGER_";
    for (const char c : value.substr(0, eq)) {
      env += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    overrides[env] = value.substr(eq + 1);
  }
  CommandLine cl(rest, options, extra_flags);
  std::string path = cl.OptionOr("config", "");
  if (path.empty()) {
    if (const char* env = std::getenv("COSTLEDGER_CONFIG")) path = env;
  }
  if (path.empty())
    throw InvalidInput("no configuration: pass --config FILE or set COSTLEDGER_CONFIG");
  Loaded out{LoadConfigFile(path, overrides),
             collector::Logger::ParseFormat(cl.OptionOr("log-format", "text")), cl};
  return out;
}

collector::CollectorSettings ToCollectorSettings(const Config& c) {
  collector::CollectorSettings s;
  s.interval.cluster = c.cluster;
  s.interval.team_label = c.team_label;
  s.interval.weights = c.weights;
  s.interval_length = std::chrono::seconds(c.interval_seconds);
  s.sources.api_url = c.kubernetes.api_url;
  s.sources.token_file = c.kubernetes.token_file;
  s.sources.ca_file = c.kubernetes.ca_file;
  s.sources.dcgm_urls = c.dcgm.urls;
  s.sources.athena_executions = c.athena.executions;
  s.sources.timeout = std::chrono::seconds(c.scrape_timeout_seconds);
  s.prices.region = c.pricing.region;
  s.prices.on_demand = c.pricing.on_demand;
  s.prices.spot_history = c.pricing.spot_history;
  s.prices.custom_hourly = c.pricing.custom_hourly;
  s.price_refresh = std::chrono::seconds(c.pricing.refresh_seconds);
  s.query_price_per_tb = c.athena.price_per_tb;
  s.workgroup_teams = {c.athena.workgroup_teams.begin(), c.athena.workgroup_teams.end()};
  s.retention = {c.retention.raw_days, c.retention.hourly_days, c.retention.queries_days};
  return s;
}

}  // namespace

int RunServe(const std::vector<std::string>& args) {
  Loaded l = Load(args, {"role"}, {"once"});
  const Config& c = l.loaded.config;
  collector::Logger log(l.log_format);
  for (const std::string& w : l.loaded.warnings) log.Warn("config", {{"detail", w}});
  const std::string role = l.cl.OptionOr("role", "all");
  if (role != "all" && role != "collector" && role != "api") {
    throw InvalidInput(fmt::format("--role '{}' is not all, collector or api", role));
  }
  if (role == "api") {
    throw InvalidInput("--role api: the API is not part of this release yet; use all or collector");
  }
  log.Info("starting", {{"cluster", c.cluster},
                        {"database", MaskSecrets(c.database_url)},
                        {"interval_seconds", static_cast<std::int64_t>(c.interval_seconds)},
                        {"role", role},
                        {"spool_dir", c.spool_dir}});
  collector::PostgresStore store(c.database_url, c.database_password);
  try {
    for (const std::string& v : store.Migrate()) log.Info("migration applied", {{"version", v}});
  } catch (const Unavailable& e) {
    log.Error("database unreachable; collecting into the spool until it returns",
              {{"database", MaskSecrets(c.database_url)}, {"error", e.what()}});
  }
  collector::Spool spool(c.spool_dir);
  if (spool.depth() > 0) {
    log.Info("spool holds batches from an earlier run; replaying",
             {{"spool_depth", static_cast<std::int64_t>(spool.depth())}});
  }
  collector::Collector collector(ToCollectorSettings(c), spool, store, log);

  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  const bool once = l.cl.Flag("once");
  collector.Run(g_stop, [&](const collector::TickReport&) {
    if (once) g_stop = true;
  });
  return 0;
}

int RunMigrate(const std::vector<std::string>& args) {
  Loaded l = Load(args, {}, {});
  const Config& c = l.loaded.config;
  collector::PostgresStore store(c.database_url, c.database_password);
  const std::vector<std::string> applied = store.Migrate();
  if (applied.empty()) fmt::print("migrate: schema is up to date\n");
  for (const std::string& v : applied) fmt::print("migrate: applied {}\n", v);
  return 0;
}

int RunCheckConfig(const std::vector<std::string>& args) {
  Loaded l = Load(args, {}, {});
  const Config& c = l.loaded.config;
  for (const std::string& w : l.loaded.warnings) fmt::print(stderr, "warning: {}\n", w);
  fmt::print("{}\n", DescribeConfig(c));
  collector::PostgresStore store(c.database_url, c.database_password);
  if (!store.Ping()) {
    fmt::print(stderr, "check-config: database_url {} is unreachable\n",
               MaskSecrets(c.database_url));
    return 1;
  }
  fmt::print(stderr, "check-config: configuration valid; database reachable\n");
  return 0;
}

}  // namespace costledger::cli
