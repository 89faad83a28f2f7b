#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "child_process.hpp"

namespace costledger::testing {

/// One HTTP answer; status 0 when the server could not be reached.
struct HttpReply {
  long status = 0;
  std::string body;
  /// The body as JSON (discarded, not thrown, when it is not JSON).
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

/// One HTTP request with libcurl (30 s timeout); `token` as Bearer unless empty, `body` as JSON
/// unless empty. Never throws for HTTP or connection errors. Thread-safe.
HttpReply HttpCall(const std::string& method, const std::string& url, const std::string& token = {},
                   const std::string& body = {});

/// GETs `url` every 100 ms until it answers `status`, for at most `timeout`; the last reply.
HttpReply WaitForHttpStatus(const std::string& url, long status, std::chrono::milliseconds timeout);

/// `costledger simulate` as a child process on a free loopback port: a simulated cluster of
/// `nodes` nodes and `pods` workload pods (seed `seed`), logging to `log_path`. Killed by the
/// destructor. Throws std::runtime_error when it does not print its URL within 60 s.
class SimulatedCluster {
 public:
  SimulatedCluster(const std::string& binary, const std::string& log_path, int nodes, int pods,
                   int seed);
  /// http://127.0.0.1:PORT
  const std::string& url() const { return url_; }
  ChildProcess& process() { return *process_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string url_;
};

/// A `costledger serve` configuration collecting from the simulator at `sim_url` every second
/// into `database_url`, listening on 127.0.0.1:`port`, reports off, spool in `spool_dir`.
nlohmann::json ServeConfigFor(const std::string& cluster, const std::string& database_url,
                              const std::string& sim_url, int port, const std::string& spool_dir);

}  // namespace costledger::testing
