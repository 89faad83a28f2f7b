#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "temp_dir.hpp"

namespace costledger::testing {

struct PrivatePrometheusOptions {
  /// host:port of each target of the scrape job; may be empty (e.g. with scrape_self).
  std::vector<std::string> targets{};
  std::string job = "costledger";
  std::string metrics_path = "/metrics";
  std::chrono::milliseconds scrape_interval{1000};
  /// Sent to the targets as Authorization: Bearer when not empty.
  std::string bearer_token{};
  /// Also scrape the server's own /metrics under job "prometheus".
  bool scrape_self = false;
  /// A TSDB directory whose blocks (e.g. made by `promtool tsdb create-blocks-from`) the
  /// server serves: each block is hard-linked (copied across file systems) into the server's
  /// own data directory, so the original is never written to and outlives the server.
  std::string blocks_from{};
  /// --storage.tsdb.retention.time, e.g. "10y". Retention counts back from the newest block,
  /// so blocks older than Prometheus' default 15 days before it are deleted at start unless
  /// this is long enough. Empty: the default.
  std::string retention{};
  /// More command-line flags, e.g. {"--storage.tsdb.max-block-duration=2h"}.
  std::vector<std::string> extra_flags{};
  /// Recording rules: the `groups` of a rule file (each {"name", "interval", "rules": [{"record",
  /// "expr", "labels"}]}), written beside the config and loaded. Empty: none.
  nlohmann::json rule_groups = nlohmann::json::array();
  /// How long to wait for /-/ready (opening a large TSDB takes a while).
  std::chrono::milliseconds start_timeout{60'000};
};

/// A private Prometheus server (/usr/bin/prometheus, Debian's 2.42) for one test: its own
/// config and TSDB in a TempDir, its own port on 127.0.0.1, the admin API enabled; stopped and
/// removed by the destructor. Throws std::runtime_error with the server log when it cannot
/// start or does not become ready within `start_timeout` (tests fail, never skip).
class PrivatePrometheus {
 public:
  explicit PrivatePrometheus(const PrivatePrometheusOptions& options);
  ~PrivatePrometheus();
  PrivatePrometheus(const PrivatePrometheus&) = delete;
  PrivatePrometheus& operator=(const PrivatePrometheus&) = delete;
  PrivatePrometheus(PrivatePrometheus&&) = delete;
  PrivatePrometheus& operator=(PrivatePrometheus&&) = delete;

  /// Instant query (GET /api/v1/query): the `data.result` of the answer, e.g. for a vector
  /// [{"metric": {"__name__": "up", ...}, "value": [1700000000.123, "1"]}, ...].
  /// Throws std::runtime_error when the request fails or the status is not "success".
  nlohmann::json Query(const std::string& promql) const;
  /// The same, evaluated at `unix_seconds` (the API's `time` parameter) instead of now.
  nlohmann::json QueryAt(const std::string& promql, double unix_seconds) const;

  /// Repeats Query until its result is a non-empty vector (or a scalar) and returns it; throws
  /// std::runtime_error naming the query and the last answer after `timeout`.
  nlohmann::json WaitForSeries(const std::string& promql,
                               std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

  /// The value of one element of a vector result, or of a scalar result.
  static double SampleValue(const nlohmann::json& sample);

  /// http://127.0.0.1:PORT
  std::string Url() const;
  int port() const { return port_; }
  const std::string& dir() const { return dir_.path(); }
  /// The server's log so far.
  std::string Log() const;

 private:
  void WriteConfig(const PrivatePrometheusOptions& options) const;
  void LinkBlocks(const std::string& from) const;
  bool Start(const PrivatePrometheusOptions& options);

  TempDir dir_;  // destroyed after process_: the server stops before its directory goes
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

/// Path of the Prometheus server binary: $COSTLEDGER_PROMETHEUS or /usr/bin/prometheus.
std::string PrometheusBinary();

/// Path of promtool (same package): $COSTLEDGER_PROMTOOL or promtool beside PrometheusBinary().
std::string PromtoolBinary();

}  // namespace costledger::testing
