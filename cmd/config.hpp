#pragma once

#include <map>
#include <string>
#include <vector>

#include "costledger/common/worker_threads.hpp"
#include "costledger/model/allocation_filter.hpp"
#include "costledger/model/money.hpp"
#include "costledger/model/split_weights.hpp"

namespace costledger::cli {

/// The configuration contract of DESIGN.md, parsed and validated once in main and passed on
/// by const&. Durations in seconds; money exact.
struct Config {
  struct Kubernetes {
    std::string api_url;
    std::string token_file;
    std::string ca_file;
    /// sources.kubernetes.kubelet_concurrency: kubelets read at once through the node proxy.
    int kubelet_concurrency = 64;
    /// sources.kubernetes.kubelet_deadline_seconds: the whole kubelet round's bound (default
    /// the larger of scrape_timeout_seconds and half the interval).
    int kubelet_deadline_seconds = 0;
  };
  struct Dcgm {
    std::vector<std::string> urls;
  };
  struct Pricing {
    std::string region = "us-east-1";
    std::string on_demand;     ///< URL or path of an EC2 offer file
    std::string spot_history;  ///< URL or path of DescribeSpotPriceHistory JSON
    int refresh_seconds = 3600;
    /// How long an interval waits for a price load it started; set from the interval.
    int wait_seconds = 30;
    std::map<std::string, model::Money> custom_hourly;  ///< instance type -> $/h override
    /// EBS volume type (or, not EBS, storage class) -> $ per GiB-month override.
    std::map<std::string, model::Money> custom_storage;
  };
  struct Athena {
    std::string executions;  ///< URL or path of BatchGetQueryExecution JSON
    model::Money price_per_tb = model::Money::FromNanos(5'000'000'000);
    std::map<std::string, std::string> workgroup_teams;
  };
  struct Retention {
    int raw_days = 35;       ///< per-interval rows (container_costs, node_costs)
    int hourly_days = 800;   ///< hourly rollups
    int queries_days = 800;  ///< priced Athena queries
  };

  std::string cluster = "default";
  std::string database_url;
  std::string database_password;  ///< secret: only from env or a file, never logged
  /// A streaming read replica (hot standby) of database_url: the API, reports and the quota
  /// evaluator read costs there; the collector, quota changes, archived reports and delivery
  /// claims go to database_url. Empty: everything uses database_url. Same password.
  std::string database_read_url;
  /// /readyz of a process reading from a replica turns 503 past this replay lag.
  int database_read_max_lag_seconds = 30;
  /// Where cost reads go: database_read_url when set, else database_url.
  const std::string& ReadUrl() const {
    return database_read_url.empty() ? database_url : database_read_url;
  }
  std::string listen = "0.0.0.0:9003";
  int interval_seconds = 60;
  int scrape_timeout_seconds = 10;
  std::string team_label = "team";
  std::string spool_dir = "/var/lib/costledger/spool";
  model::SplitWeights weights;
  Kubernetes kubernetes;
  Dcgm dcgm;
  Pricing pricing;
  Athena athena;
  Retention retention;
  std::string time_zone = "UTC";  ///< IANA name: report weeks and quota periods
  std::string tokens_file;
  /// auth.anonymous_role: "viewer" serves OpenCost's paths (/allocation, /allocation/compute,
  /// /assets, also under /model/) to requests without a token, for OpenCost's token-less
  /// clients; "" (default): every path needs a token when tokens_file is set.
  std::string anonymous_role;
  /// opencost.label_mapping: the labels of OpenCost's department/environment/owner/product.
  model::LabelAliases label_aliases;
  /// JSON file of quotas managed in Git ({"quotas": [...]} or a list; DESIGN "Quotas"),
  /// reconciled by serve at start and on SIGHUP; empty: none.
  std::string quotas_file;
  /// Weekly reports (issue 12): built for the previous ISO week in `time_zone` once
  /// `weekday` `hour` (local) has passed and that week's last interval is stored.
  struct Reports {
    bool enabled = true;   ///< build, archive and (with recipients) deliver on schedule
    int weekday = 1;       ///< ISO: 1 = Monday .. 7 = Sunday
    int hour = 6;          ///< local hour of `weekday`
    std::string base_url;  ///< links in mails and webhooks, e.g. https://cost.example.com
    std::string from = "costledger@localhost";  ///< the mails' From address
    std::string out_dir;                        ///< also writes every built report here when set
    int top_workloads = 10;                     ///< workloads listed before "others"
    bool share_idle = false;                    ///< teams' costs include their share of idle
    int poll_seconds = 60;                      ///< how often serve checks whether reports are due
    int retry_seconds = 300;  ///< a failed delivery is tried again after this, doubling
    struct Team {
      std::vector<std::string> mail;  ///< recipients
      std::string webhook;            ///< Slack-compatible incoming webhook URL
    };
    std::map<std::string, Team> teams;  ///< team -> recipients; other teams are archived only
  };
  /// SMTP for reports and alerts; the password only from COSTLEDGER_SMTP_PASSWORD or a file.
  struct Smtp {
    std::string url;  ///< smtp://host:587 or smtps://host:465; empty: no mail
    std::string username;
    std::string password;          ///< secret, never logged
    std::string starttls = "try";  ///< required | try | none (smtp:// only)
    int timeout_seconds = 30;
  };
  Reports reports;
  Smtp smtp;

  /// The quota evaluator (issue 11), JSON keys under "quotas": serve (roles all and api)
  /// evaluates every quota every `evaluate_seconds` and sends its alerts.
  struct QuotaEvaluation {
    bool enabled = true;                 ///< quotas.enabled
    int evaluate_seconds = 30;           ///< quotas.evaluate_seconds
    int query_lookback_seconds = 21600;  ///< quotas.query_lookback_seconds: late Athena queries
    int alert_retry_seconds = 60;        ///< quotas.alerts.retry_seconds, doubling per attempt
    struct Webhook {
      std::string url;              ///< http:// or https://
      std::string format = "json";  ///< json (costledger's generic JSON) or slack
    };
    struct Destinations {
      std::vector<Webhook> webhooks;
      std::vector<std::string> mail;  ///< one mail to all of them per alert (smtp.url)
    };
    Destinations alerts;  ///< quotas.alerts {webhooks, mail}: every quota's
    /// quotas.alerts.quotas.<name> {webhooks, mail}: that quota's alerts go there instead.
    std::map<std::string, Destinations> alerts_by_quota;
  };
  QuotaEvaluation quota_evaluation;

  struct Api {
    int threads = 2;  ///< HTTP server (I/O) threads
    int workers =
        common::DefaultWorkerThreads();  ///< threads reading the database: one per core, 2..8
    int queue = 64;                      ///< requests waiting for a worker; more get 503
    int cache_seconds = 5;               ///< answers are reused this long (0: never)
    int cache_max_mib = 64;              ///< cached answers take at most this much memory
    /// A database statement of a request running longer is cancelled: 504 (0: no limit).
    int statement_timeout_seconds = 60;
    /// Database reads one token (or console login) may have running at once; more get 429.
    int max_concurrent_per_token = 4;
    /// Bounds of one allocation request; more gets 422 saying the bound.
    int max_steps = 2'500;
    int max_aggregate_keys = 8;
    int max_rows = 1'000'000;
    int max_response_mib = 256;
    /// Host names the server answers to (IP literals always); empty: any (DNS rebinding).
    std::vector<std::string> allowed_hosts;
    /// auth.protect_metrics: /metrics needs an unscoped or metrics-role token when tokens are
    /// configured (its series hold every team's costs).
    bool protect_metrics = true;
    std::string tls_cert_file;  ///< with tls_key_file: HTTPS only (tls.cert_file)
    std::string tls_key_file;   ///< tls.key_file
    /// tls.client_ca_file: client certificates verified against it authenticate as `admission`.
    std::string tls_client_ca_file;
  } api;

  /// The admission webhook and POST /v1/quotas/check (issue 11).
  struct Admission {
    /// fail-open | fail-closed: what to answer while the quota state is stale.
    std::string failure_policy = "fail-open";
    /// The state is stale when the last evaluation, or the last interval it counted, is older.
    int stale_after_seconds = 600;
    std::string contact;  ///< whom denial messages name when a quota names nobody
  } admission;
  /// The scaling-engine feed (issue 14): /v1/efficiency and the costledger_offering_* and
  /// costledger_workload_* gauges.
  struct Efficiency {
    std::string window = "7d";     ///< window of the gauges and of formats asked without one
    int refresh_seconds = 300;     ///< how often the gauges are recomputed
    int lost_work_seconds = 1800;  ///< work an interruption loses (InterruptionAssumption)
    int percentile = 95;           ///< recommended requests: usage percentile ...
    int headroom_percent = 15;     ///< ... plus this headroom
    std::string expander_namespace = "kube-system";
    struct WorkCounter {
      std::string url;      ///< Prometheus text endpoint, e.g. http://worker:9100/metrics
      std::string counter;  ///< counter name, e.g. items_processed_total (series summed)
    };
    std::map<std::string, WorkCounter> work_counters;  ///< feed workload name -> its counter
  } efficiency;
};

struct LoadedConfig {
  Config config;
  std::vector<std::string> warnings;  ///< e.g. unknown keys; printed, not fatal
};

/// Parses the JSON configuration text, then applies environment overrides from `env`
/// (COSTLEDGER_DATABASE_URL, COSTLEDGER_LISTEN, COSTLEDGER_INTERVAL_SECONDS, and every scalar
/// key as COSTLEDGER_<PATH> with dots as underscores, e.g. COSTLEDGER_SOURCES_PRICING_REGION;
/// COSTLEDGER_DATABASE_PASSWORD / database_password_file for the secret). Throws InvalidInput
/// naming the key for wrong types, out-of-range values and missing required keys.
LoadedConfig ParseConfig(const std::string& json_text,
                         const std::map<std::string, std::string>& env);

/// Reads FILE and calls ParseConfig with the process environment, then `overrides` (from
/// command-line flags, same COSTLEDGER_* names) on top.
LoadedConfig LoadConfigFile(const std::string& path,
                            const std::map<std::string, std::string>& overrides = {});

/// The configuration file to read: `flag_value` (--config) when not empty, else
/// $COSTLEDGER_CONFIG. Throws InvalidInput saying how to give one when neither is set.
/// Call before any thread starts (reads the environment).
std::string ConfigPath(const std::string& flag_value);

/// The effective configuration as JSON text with secrets masked (check-config prints it).
std::string DescribeConfig(const Config& config);

}  // namespace costledger::cli
