#include "serve_command.hpp"

#include <fmt/core.h>
#include <malloc.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "command_line.hpp"
#include "config.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/api/efficiency_metrics.hpp"
#include "costledger/api/enforcement_routes.hpp"
#include "costledger/api/pooled_handler.hpp"
#include "costledger/api/worker_pool.hpp"
#include "costledger/collector/collector.hpp"
#include "costledger/common/log_target.hpp"
#include "costledger/common/secrets.hpp"
#include "costledger/common/thread_priority.hpp"
#include "costledger/common/time_zone.hpp"
#include "costledger/console/console.hpp"
#include "costledger/console/console_handler.hpp"
#include "costledger/fetch/cluster_scraper.hpp"
#include "costledger/fetch/price_loader.hpp"
#include "costledger/fetch/work_counter_scraper.hpp"
#include "costledger/http/http_server.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_quota_store.hpp"
#include "costledger/postgres/postgres_report_archive.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "costledger/postgres/postgres_usage_reader.hpp"
#include "costledger/quotas/quota_board.hpp"
#include "quota_file.hpp"
#include "quota_wiring.hpp"
#include "report_wiring.hpp"

namespace costledger::cli {

const char* const kServeHelp = R"(usage: costledger serve [--config FILE] [options]

Runs the collector and the HTTP API. The collector: every interval (aligned to multiples of the interval since the epoch) it
scrapes the Kubernetes API (nodes, pods, kubelet /metrics/resource through the node proxy),
DCGM exporters and Athena, attributes the interval's node costs to containers and idle,
appends the batch to a durable on-disk spool and writes it to PostgreSQL (COPY, idempotent,
hourly rollups). When PostgreSQL is down, batches wait in the spool and are replayed in order.
SIGTERM/SIGINT finish the interval in flight and flush.
The API (on `listen`, default 0.0.0.0:9003): GET /v1/allocation (OpenCost parameters and
shape; also /allocation), /v1/assets, /v1/queries, /v1/reports and
/v1/reports/{week}/{team}.{html,csv,json,txt} (archived weekly reports), GET/PUT/DELETE
/v1/quotas[/{name}] and /v1/quotas/{name}/history (quota management; PUT and DELETE need an
admin token), POST /v1/admission (the Kubernetes validating admission webhook: AdmissionReview v1;
see deploy/admission/) and POST /v1/quotas/check (a job launcher asks before it starts a job),
both answered from memory with admission.failure_policy when the quota state is older than
admission.stale_after_seconds, /metrics (Prometheus,
OpenCost names), /healthz, /readyz. Bearer tokens from auth.tokens_file (SHA-256 digests; roles
viewer, admin, admission; team scopes); TLS with tls.cert_file and tls.key_file (reloaded when
they change), client certificates verified against tls.client_ca_file act as role admission.
Database reads run on api.workers threads (default one per core, 2 to 8) with at most api.queue (default 64)
waiting; beyond that the answer is 503 with Retry-After. /healthz and /metrics never wait behind a read.
With quotas_file set, the API applies that JSON file as the set of file-managed quotas at start
and again on SIGHUP; a bad file changes nothing and its error is logged.

options:
  --config FILE             JSON configuration (default: $COSTLEDGER_CONFIG)
  --role all|collector|api  what to run (default all): collector only, or the API only (it
                            reads what a collector stores; scale it out separately)
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
and missing required keys are errors naming the key; quotas_file, when set, is read and
validated; the database is contacted and an unreachable one is reported. Prints the effective
settings with secrets masked.
)";

namespace {

constexpr int kMmapThresholdBytes = 2 << 20;
using api::kReadWorkerNice;

// Set by the SIGTERM/SIGINT handler, which can reach nothing but a global.
std::atomic<bool> g_stop{false};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

extern "C" void OnSignal(int /*signal*/) { g_stop = true; }

// Set by the SIGHUP handler: the quotas file is applied again.
std::atomic<bool> g_reload{false};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

extern "C" void OnReload(int /*signal*/) { g_reload = true; }

struct Loaded {
  LoadedConfig loaded;
  common::Logger::Format log_format = common::Logger::Format::kText;
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
  const std::string path = ConfigPath(cl.OptionOr("config", ""));
  Loaded out{LoadConfigFile(path, overrides),
             common::Logger::ParseFormat(cl.OptionOr("log-format", "text")), cl};
  return out;
}

collector::CollectorSettings ToCollectorSettings(const Config& c) {
  collector::CollectorSettings s;
  s.interval.cluster = c.cluster;
  s.interval.team_label = c.team_label;
  s.interval.weights = c.weights;
  s.interval_length = std::chrono::seconds(c.interval_seconds);
  s.price_refresh = std::chrono::seconds(c.pricing.refresh_seconds);
  s.price_wait = std::chrono::seconds(c.pricing.wait_seconds);
  s.query_price_per_tb = c.athena.price_per_tb;
  s.workgroup_teams = {c.athena.workgroup_teams.begin(), c.athena.workgroup_teams.end()};
  return s;
}

fetch::SourceSettings ToSourceSettings(const Config& c) {
  fetch::SourceSettings s;
  s.api_url = c.kubernetes.api_url;
  s.token_file = c.kubernetes.token_file;
  s.ca_file = c.kubernetes.ca_file;
  s.dcgm_urls = c.dcgm.urls;
  s.athena_executions = c.athena.executions;
  s.timeout = std::chrono::seconds(c.scrape_timeout_seconds);
  s.kubelet_concurrency = c.kubernetes.kubelet_concurrency;
  s.kubelet_deadline = std::chrono::seconds(c.kubernetes.kubelet_deadline_seconds);
  return s;
}

fetch::PriceSettings ToPriceSettings(const Config& c) {
  fetch::PriceSettings s;
  s.region = c.pricing.region;
  s.on_demand = c.pricing.on_demand;
  s.spot_history = c.pricing.spot_history;
  s.custom_hourly = c.pricing.custom_hourly;
  s.custom_storage_per_gib_month = c.pricing.custom_storage;
  return s;
}

postgres::RetentionPolicy ToRetention(const Config& c) {
  return {c.retention.raw_days, c.retention.hourly_days, c.retention.queries_days};
}

// The API of --role api and all: PostgreSQL behind the four reader ports and the report
// archive, the routes, and the Beast server on `listen`, started by the constructor. `metrics`
// (nullptr for --role api: no collector feeds it) is what /metrics serves and what counts
// requests.
class ApiWiring {
 public:
  ApiWiring(const Config& c, common::Logger& log, api::CostMetrics* metrics)
      : tokens_(Tokens(c, log)),
        // Reads go to the replica when there is one (ReadUrl); quota changes to the primary.
        // Two connections per worker: an allocation reads idle meanwhile.
        reader_(c.ReadUrl(), c.database_password, 2 * static_cast<std::size_t>(c.api.workers),
                postgres::PostgresCostReader::kDefaultAcquireTimeout,
                std::chrono::seconds(c.api.statement_timeout_seconds)),
        // A report request reads it once or twice in a row: one connection per worker.
        reports_(c.ReadUrl(), c.database_password, static_cast<std::size_t>(c.api.workers)),
        // A quota request reads or writes once or twice in a row: one connection per worker.
        quotas_(c.database_url, c.database_password, static_cast<std::size_t>(c.api.workers)),
        usage_(c.ReadUrl(), c.database_password),
        work_(WorkCounterTargets(c), {}, std::chrono::days(35)),
        cost_api_(
            api::CostReaders{reader_, reader_, reader_, reader_, &reports_, &quotas_, &usage_,
                             &work_, &quota_board_},
            metrics, Settings(c, tokens_, this),
            [] {
              return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            }),
        // The console reads through the same ports, behind the same tokens.
        console_(
            console::ConsoleReaders{
                reader_, reader_, reader_, &reports_, &quota_board_,
                api::EfficiencyReaders{reader_, reader_, &usage_, &work_},
                [this, &c, &log](std::string_view type) { return OnDemandPerHour(c, log, type); }},
            ConsoleSettings(c, tokens_),
            [] {
              return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            }),
        // The server's I/O threads only route; database reads run on the worker pool.
        // ... at a lower CPU priority, so /healthz and /v1/admission answer first on a busy node.
        workers_(c.api.workers, static_cast<std::size_t>(c.api.queue), kReadWorkerNice),
        limiter_(static_cast<std::size_t>(c.api.max_concurrent_per_token)),
        handler_(cost_api_, workers_, std::chrono::seconds(1), &limiter_, &metrics_pool_),
        console_handler_(console_, workers_, &limiter_),
        server_(Options(c, log, metrics),
                [this](http::HttpRequest request, const http::Responder& respond) {
                  if (console::IsConsolePath(request.path)) {
                    return console_handler_(std::move(request), respond);
                  }
                  handler_(std::move(request), respond);
                }) {
    if (!c.anonymous_role.empty()) {
      log.Info("auth.anonymous_role: OpenCost's paths answer requests without a token",
               {{"role", c.anonymous_role}});
    }
    server_.Start();
    log.Info("api listening", {{"listen", c.listen},
                               {"port", static_cast<std::int64_t>(server_.port())},
                               {"tls", c.api.tls_cert_file.empty() ? "off" : "on"},
                               {"workers", static_cast<std::int64_t>(c.api.workers)},
                               {"queue", static_cast<std::int64_t>(c.api.queue)}});
  }

  void Stop() {
    server_.Stop();
    workers_.Stop();
  }

  ports::QuotaStore& quotas() { return quotas_; }
  quotas::QuotaBoard& quota_board() { return quota_board_; }
  api::EfficiencyReaders efficiency_readers() { return {reader_, reader_, &usage_, &work_}; }
  fetch::WorkCounterScraper& work_counters() { return work_; }

  static api::EfficiencySettings Efficiency(const Config& c) {
    api::EfficiencySettings e;
    e.interval = std::chrono::seconds(c.interval_seconds);
    e.assumption.lost_work = std::chrono::seconds(c.efficiency.lost_work_seconds);
    e.rightsizing.percentile = c.efficiency.percentile;
    e.rightsizing.headroom_percent = c.efficiency.headroom_percent;
    e.default_window = c.efficiency.window;
    e.expander_namespace = c.efficiency.expander_namespace;
    return e;
  }

 private:
  static std::vector<fetch::WorkCounterTarget> WorkCounterTargets(const Config& c) {
    std::vector<fetch::WorkCounterTarget> targets;
    for (const auto& [workload, w] : c.efficiency.work_counters) {
      targets.push_back({workload, w.url, w.counter});
    }
    return targets;
  }

  static std::optional<api::TokenRegistry> Tokens(const Config& c, common::Logger& log) {
    if (!c.tokens_file.empty()) return api::TokenRegistry::LoadFile(c.tokens_file);
    log.Warn("no auth.tokens_file configured: the API is open to anyone who can reach it", {});
    return std::nullopt;
  }

  static console::ConsoleSettings ConsoleSettings(const Config& c,
                                                  const std::optional<api::TokenRegistry>& tokens) {
    console::ConsoleSettings s;
    s.tokens = tokens ? &*tokens : nullptr;
    s.secure_cookie = !c.api.tls_cert_file.empty();
    if (!c.anonymous_role.empty()) s.anonymous_role = api::ParseRole(c.anonymous_role);
    s.efficiency = Efficiency(c);
    return s;
  }

  // On-demand list prices for the console's spot savings, loaded once when first asked (on a
  // worker thread, never at start).
  std::optional<model::Money> OnDemandPerHour(const Config& c, common::Logger& log,
                                              std::string_view type) {
    std::call_once(prices_once_, [&] {
      fetch::PriceSettings s;
      s.region = c.pricing.region;
      s.on_demand = c.pricing.on_demand;
      s.custom_hourly = c.pricing.custom_hourly;
      ports::LoadedPrices loaded = fetch::LoadPrices(s);
      for (const std::string& e : loaded.errors) {
        log.Warn("console: on-demand prices not loaded; spot savings unknown", {{"error", e}});
      }
      prices_ = std::move(loaded.book);
    });
    const auto p = prices_.OnDemand(type);
    if (!p) return std::nullopt;
    return p->per_hour;
  }

  static api::CostApiSettings Settings(const Config& c,
                                       const std::optional<api::TokenRegistry>& tokens,
                                       ApiWiring* self) {
    api::CostApiSettings settings;
    // A figure's link to its API call opens in the browser logged in to the console.
    settings.session = [self](const http::HttpRequest& r) {
      return self->console_.SessionPrincipal(r);
    };
    // settings.enforcement.board: CostApi takes CostReaders::quota_board.
    settings.enforcement.cluster = c.cluster;
    settings.enforcement.team_label = c.team_label;
    settings.enforcement.weights = c.weights;
    settings.enforcement.zone = common::LoadTimeZone(c.time_zone);
    settings.enforcement.default_contact = c.admission.contact;
    settings.enforcement.stale_after = std::chrono::seconds(c.admission.stale_after_seconds);
    settings.enforcement.failure_policy = api::ParseFailurePolicy(c.admission.failure_policy);
    settings.tokens = tokens;
    settings.protect_metrics = c.api.protect_metrics;
    if (!c.anonymous_role.empty()) {
      settings.anonymous_role = api::ParseRole(c.anonymous_role);
    }
    settings.label_aliases = c.label_aliases;
    settings.cache_ttl = std::chrono::seconds(c.api.cache_seconds);
    settings.cache_max_bytes = static_cast<std::size_t>(c.api.cache_max_mib) << 20U;
    settings.max_steps = static_cast<std::size_t>(c.api.max_steps);
    settings.max_aggregate_keys = static_cast<std::size_t>(c.api.max_aggregate_keys);
    settings.max_rows = static_cast<std::size_t>(c.api.max_rows);
    settings.max_response_bytes = static_cast<std::size_t>(c.api.max_response_mib) << 20U;
    settings.ready_max_age = std::chrono::seconds(std::max(180, 3 * c.interval_seconds));
    settings.max_replication_lag = std::chrono::seconds(c.database_read_max_lag_seconds);
    settings.efficiency = Efficiency(c);
    return settings;
  }

  static http::ServerOptions Options(const Config& c, common::Logger& log,
                                     api::CostMetrics* metrics) {
    http::ServerOptions options;
    options.listen = c.listen;
    options.threads = c.api.threads;
    options.tls_cert_file = c.api.tls_cert_file;
    options.tls_key_file = c.api.tls_key_file;
    options.tls_client_ca_file = c.api.tls_client_ca_file;
    options.allowed_hosts = c.api.allowed_hosts;
    options.tls_reload_log = [&log](bool ok, const std::string& message) {
      if (ok) {
        log.Info("tls reloaded", {{"message", message}});
      } else {
        log.Error("tls reload failed", {{"error", message}});
      }
    };
    options.access_log = [&log, metrics](const http::AccessLogEntry& e) {
      if (metrics != nullptr) {
        const std::string path = e.target.substr(0, e.target.find('?'));
        const std::string route =
            console::IsConsolePath(path) ? std::string("/console") : api::CostApi::RouteOf(path);
        metrics->CountHttpRequest(route, e.status, e.duration);
      }
      std::vector<common::LogField> fields{
          {"remote", e.remote},
          {"method", common::LoggableTarget(e.method)},
          {"target", common::LoggableTarget(e.target)},
          {"principal", e.principal.empty() ? std::string("-") : e.principal},
          {"status", static_cast<std::int64_t>(e.status)},
          {"bytes", static_cast<std::int64_t>(e.response_bytes)},
          {"duration_us", static_cast<std::int64_t>(e.duration.count())}};
      if (e.status >= 500) {
        fields.push_back({"error", e.error.empty() ? std::string("-") : e.error});
        log.Error("access", fields);
      } else {
        log.Info("access", fields);
      }
    };
    return options;
  }

  std::optional<api::TokenRegistry> tokens_;  // the API's and the console's
  quotas::QuotaBoard quota_board_;  // published by the quota evaluator, read by the routes
  postgres::PostgresCostReader reader_;
  postgres::PostgresReportArchive reports_;
  postgres::PostgresQuotaStore quotas_;
  postgres::PostgresUsageReader usage_;
  fetch::WorkCounterScraper work_;
  api::CostApi cost_api_;
  console::Console console_;
  std::once_flag prices_once_;
  model::PriceBook prices_;
  api::WorkerPool workers_;
  api::PrincipalLimiter limiter_;  // the API's and the console's reads per principal
  // /metrics is rendered here: one thread, a few scrapes queued (more get 503; Prometheus
  // scrapes again).
  api::WorkerPool metrics_pool_{1, 4, kReadWorkerNice};
  api::PooledHandler handler_;
  console::ConsoleHandler console_handler_;
  http::HttpServer server_;
};

// The collector of --role collector and all: the HTTP sources and the configured prices behind
// their ports, the spool on disk, PostgreSQL as the interval store. Runs until a signal (or one
// interval with --once); `metrics` (nullptr when nobody serves them) observes every interval.
void RunCollector(const Config& c, common::Logger& log, bool once, api::CostMetrics* metrics) {
  postgres::PostgresStore store(c.database_url, c.database_password, ToRetention(c));
  // Container rollups by the reports' local days too (migration 0018): applied by Migrate,
  // here or (the database out of reach) before the first write.
  store.SetLocalDayZone(c.time_zone);
  try {
    for (const std::string& v : store.Migrate()) log.Info("migration applied", {{"version", v}});
    if (!store.SetLocalDayZone(c.time_zone)) {
      log.Warn("PostgreSQL does not know time_zone: reports read its local days from UTC rollups",
               {{"time_zone", c.time_zone}});
    }
  } catch (const Unavailable& e) {
    log.Error("database unreachable; collecting into the spool until it returns",
              {{"database", common::MaskConnectionSecrets(c.database_url)}, {"error", e.what()}});
  }
  collector::Spool spool(c.spool_dir);
  if (spool.depth() > 0) {
    log.Info("spool holds batches from an earlier run; replaying",
             {{"spool_depth", static_cast<std::int64_t>(spool.depth())}});
  }
  fetch::HttpClusterSource cluster(ToSourceSettings(c));
  fetch::ConfiguredPriceSource prices(ToPriceSettings(c));
  collector::CollectorSettings settings = ToCollectorSettings(c);
  settings.keep_inventory = metrics != nullptr;  // only an exporter reads it
  collector::Collector collector(std::move(settings), cluster, prices, spool, store, log);
  collector.Run(g_stop, [&](const model::TickReport& tick) {
    if (metrics != nullptr) metrics->Observe(tick);
    if (once) g_stop = true;
  });
}

int ServeCollector(const Config& c, common::Logger& log, bool once) {
  // The collector is one loop plus the thread that sums an interval while the database
  // stores it: a malloc arena of that thread's own would hold the hour's sums apart from
  // the rest and cost ~5 MiB of peak RSS at 10k pods (65 -> 60 MiB measured).
  // NOLINTNEXTLINE(concurrency-mt-unsafe): called before any thread starts
  mallopt(M_ARENA_MAX, 1);
  // No /metrics here: the collector's families would be built, at a cost growing with the
  // cluster, for nobody to read.
  RunCollector(c, log, once, nullptr);
  return 0;
}

// The weekly report scheduler on a thread of its own (every replica may run one: each
// delivery is claimed in PostgreSQL, so it happens once). Joined at destruction.
class ReportScheduler {
 public:
  ReportScheduler(const Config& c, common::Logger& log, api::CostMetrics* metrics) {
    if (!c.reports.enabled) return;
    wiring_ = std::make_unique<ReportWiring>(c, log);
    thread_ = std::thread([this, metrics, poll = std::chrono::seconds(c.reports.poll_seconds)] {
      wiring_->RunSchedule(g_stop, poll,
                           [metrics](const reports::DeliveryRun& run,
                                     std::span<const model::NotificationCount> counts) {
                             if (metrics == nullptr) return;
                             metrics->ObserveReportDeliveries(run.sent, run.failed, run.given_up,
                                                              counts);
                           });
    });
    log.Info("report scheduler started",
             {{"time_zone", c.time_zone},
              {"weekday", static_cast<std::int64_t>(c.reports.weekday)},
              {"hour", static_cast<std::int64_t>(c.reports.hour)},
              {"teams_with_recipients", static_cast<std::int64_t>(c.reports.teams.size())}});
  }
  ~ReportScheduler() {
    if (thread_.joinable()) thread_.join();  // RunSchedule returns once g_stop is set
  }
  ReportScheduler(const ReportScheduler&) = delete;
  ReportScheduler& operator=(const ReportScheduler&) = delete;
  ReportScheduler(ReportScheduler&&) = delete;
  ReportScheduler& operator=(ReportScheduler&&) = delete;

 private:
  std::unique_ptr<ReportWiring> wiring_;
  std::thread thread_;
};

// Applies quotas_file at start and on every SIGHUP, on a thread of its own. A start that finds
// the database unreachable (or not yet migrated) tries again every kRetry; a bad file is only
// logged (the quotas stay as they were) until the next SIGHUP. Joined at destruction.
class QuotaFileWatcher {
 public:
  QuotaFileWatcher(const Config& c, common::Logger& log, ports::QuotaStore& store) {
    if (c.quotas_file.empty()) return;
    thread_ = std::thread([&log, &store, path = c.quotas_file] {
      constexpr auto kTick = std::chrono::milliseconds(200);
      constexpr auto kRetry = std::chrono::seconds(5);
      bool due = true;
      auto next_try = std::chrono::steady_clock::now();
      while (!g_stop) {
        if (g_reload.exchange(false)) {
          log.Info("SIGHUP: applying the quotas file again", {{"file", path}});
          due = true;
          next_try = std::chrono::steady_clock::now();
        }
        if (due && std::chrono::steady_clock::now() >= next_try) {
          try {
            ReconcileQuotaFile(path, store, log);
            due = false;
          } catch (const std::exception& e) {
            log.Error("quotas file not applied; retrying",
                      {{"file", path}, {"error", e.what()}, {"retry_seconds", kRetry.count()}});
            next_try = std::chrono::steady_clock::now() + kRetry;
          }
        }
        std::this_thread::sleep_for(kTick);
      }
    });
  }
  ~QuotaFileWatcher() {
    if (thread_.joinable()) thread_.join();  // the loop ends once g_stop is set
  }
  QuotaFileWatcher(const QuotaFileWatcher&) = delete;
  QuotaFileWatcher& operator=(const QuotaFileWatcher&) = delete;
  QuotaFileWatcher(QuotaFileWatcher&&) = delete;
  QuotaFileWatcher& operator=(QuotaFileWatcher&&) = delete;

 private:
  std::thread thread_;
};

// The scaling-engine feed's background work, on a thread of its own: reads the work counters
// every interval and, when `metrics` is set, recomputes the costledger_offering_* and
// costledger_workload_* gauges every efficiency.refresh_seconds over efficiency.window.
class EfficiencyLoop {
 public:
  EfficiencyLoop(const Config& c, common::Logger& log, ApiWiring& api, api::CostMetrics* metrics) {
    if (metrics != nullptr) gauges_ = std::make_unique<api::EfficiencyGauges>(metrics->registry());
    thread_ = std::thread([this, &c, &log, &api] {
      const auto now = [] {
        return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
      };
      const api::EfficiencySettings settings = ApiWiring::Efficiency(c);
      std::chrono::sys_seconds next_scrape{};
      std::chrono::sys_seconds next_refresh = now() + std::chrono::seconds(c.interval_seconds);
      while (!g_stop) {
        if (!c.efficiency.work_counters.empty() && now() >= next_scrape) {
          next_scrape = now() + std::chrono::seconds(c.interval_seconds);
          for (const std::string& e : api.work_counters().Scrape(now())) {
            log.Warn("work counter", {{"detail", e}});
          }
        }
        if (gauges_ && now() >= next_refresh) {
          next_refresh = now() + std::chrono::seconds(c.efficiency.refresh_seconds);
          try {
            const model::TimeWindow w = model::ParseWindow(settings.default_window, now());
            const api::Principal all{"efficiency", api::Role::kAdmin, model::TeamScope::All()};
            gauges_->Publish(api::ReadOfferingFeed(api.efficiency_readers(), w, settings),
                             api::ReadWorkloadFeed(api.efficiency_readers(), w, settings, all));
          } catch (const std::exception& e) {
            log.Warn("efficiency gauges not refreshed", {{"detail", e.what()}});
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    });
  }
  ~EfficiencyLoop() {
    if (thread_.joinable()) thread_.join();  // the loop ends once g_stop is set
  }
  EfficiencyLoop(const EfficiencyLoop&) = delete;
  EfficiencyLoop& operator=(const EfficiencyLoop&) = delete;
  EfficiencyLoop(EfficiencyLoop&&) = delete;
  EfficiencyLoop& operator=(EfficiencyLoop&&) = delete;

 private:
  std::unique_ptr<api::EfficiencyGauges> gauges_;
  std::thread thread_;
};

int ServeApi(const Config& c, common::Logger& log) {
  ApiWiring api(c, log, nullptr);
  QuotaFileWatcher quota_file(c, log, api.quotas());
  ReportScheduler reports(c, log, nullptr);
  QuotaEvaluatorThread quota_evaluator(c, log, nullptr, api.quota_board(), g_stop);
  EfficiencyLoop efficiency(c, log, api, nullptr);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  api.Stop();
  return 0;
}

int ServeAll(const Config& c, common::Logger& log, bool once) {
  api::CostMetrics metrics({c.pricing.region, "amd64"});
  ApiWiring api(c, log, &metrics);
  QuotaFileWatcher quota_file(c, log, api.quotas());
  ReportScheduler reports(c, log, &metrics);
  QuotaEvaluatorThread quota_evaluator(c, log, &metrics, api.quota_board(), g_stop);
  EfficiencyLoop efficiency(c, log, api, &metrics);
  // The intervals are throughput work, like the reads: at the workers' priority, so that the
  // API's I/O threads (started above, not affected) answer /healthz and admission first. The
  // collector's own threads (the price load, the sums beside a write) inherit it.
  common::LowerThisThreadPriority(kReadWorkerNice);
  RunCollector(c, log, once, &metrics);
  g_stop = true;  // --once: the scheduler stops too
  api.Stop();
  return 0;
}

}  // namespace

int RunServe(const std::vector<std::string>& args) {
  // Blocks of 2 MiB and more (an interval's rows, a cluster's pods) get mappings of their own,
  // returned whole when freed, rather than settling in the heap among smaller long-lived
  // allocations and keeping it fragmented; a fixed threshold also stops glibc from raising it
  // after such a block is freed. Measured at 500 nodes / 10k pods: peak RSS 58-63 -> 55 MiB.
  // NOLINTNEXTLINE(concurrency-mt-unsafe): called before any thread starts
  mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
  Loaded l = Load(args, {"role"}, {"once"});
  const Config& c = l.loaded.config;
  common::Logger log(l.log_format);
  for (const std::string& w : l.loaded.warnings) log.Warn("config", {{"detail", w}});
  const std::string role = l.cl.OptionOr("role", "all");
  if (role != "all" && role != "collector" && role != "api") {
    throw InvalidInput(fmt::format("--role '{}' is not all, collector or api", role));
  }
  log.Info("starting", {{"cluster", c.cluster},
                        {"database", common::MaskConnectionSecrets(c.database_url)},
                        {"interval_seconds", static_cast<std::int64_t>(c.interval_seconds)},
                        {"role", role},
                        {"spool_dir", c.spool_dir}});
  if (std::signal(SIGTERM, OnSignal) == SIG_ERR || std::signal(SIGINT, OnSignal) == SIG_ERR ||
      std::signal(SIGHUP, OnReload) == SIG_ERR) {
    throw std::runtime_error("cannot install the SIGTERM, SIGINT and SIGHUP handlers");
  }
  const bool once = l.cl.Flag("once");
  if (role == "collector") return ServeCollector(c, log, once);
  if (role == "api") return ServeApi(c, log);
  return ServeAll(c, log, once);
}

int RunMigrate(const std::vector<std::string>& args) {
  Loaded l = Load(args, {}, {});
  const Config& c = l.loaded.config;
  postgres::PostgresStore store(c.database_url, c.database_password);
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
  if (!c.quotas_file.empty()) {
    try {
      fmt::print(stderr, "check-config: quotas_file {} holds {} valid quota(s)\n", c.quotas_file,
                 LoadQuotaFile(c.quotas_file).size());
    } catch (const InvalidInput& e) {
      fmt::print(stderr, "check-config: {}\n", e.what());
      return 1;
    }
  }
  postgres::PostgresStore store(c.database_url, c.database_password);
  if (!store.Ping()) {
    fmt::print(stderr, "check-config: database_url {} is unreachable\n",
               common::MaskConnectionSecrets(c.database_url));
    return 1;
  }
  fmt::print(stderr, "check-config: configuration valid; database reachable\n");
  return 0;
}

}  // namespace costledger::cli
