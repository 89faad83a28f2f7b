#include "private_prometheus.hpp"

#include <curl/curl.h>
#include <fmt/core.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <thread>

#include "free_tcp_port.hpp"

namespace costledger::testing {
namespace {

constexpr int kStartAttempts = 3;

std::size_t Append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct HttpAnswer {
  long status = 0;
  std::string body;
  std::string error;  // transport error; empty when a response arrived
};

HttpAnswer HttpGet(const std::string& url) {
  HttpAnswer answer;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 10'000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    answer.error = curl_easy_strerror(rc);
    return answer;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

std::string Escape(const std::string& text) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  char* escaped = curl_easy_escape(curl.get(), text.c_str(), static_cast<int>(text.size()));
  if (escaped == nullptr) throw std::runtime_error("curl_easy_escape failed");
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

std::string Tail(const std::string& text, std::size_t max = 4000) {
  return text.size() > max ? text.substr(text.size() - max) : text;
}

std::string Duration(std::chrono::milliseconds d) { return fmt::format("{}ms", d.count()); }

}  // namespace

std::string PrometheusBinary() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): tests only read the environment, never set it
  if (const char* env = std::getenv("COSTLEDGER_PROMETHEUS")) return env;
  return "/usr/bin/prometheus";
}

std::string PromtoolBinary() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): tests only read the environment, never set it
  if (const char* env = std::getenv("COSTLEDGER_PROMTOOL")) return env;
  return (std::filesystem::path(PrometheusBinary()).parent_path() / "promtool").string();
}

PrivatePrometheus::PrivatePrometheus(const PrivatePrometheusOptions& options)
    : dir_("costledger-prom") {
  if (!std::filesystem::exists(PrometheusBinary())) {
    throw std::runtime_error(PrometheusBinary() +
                             " not found (install the Debian package prometheus)");
  }
  if (!options.blocks_from.empty()) LinkBlocks(options.blocks_from);
  // The port is free when chosen but may be taken before the server binds it: try again.
  for (int attempt = 1;; ++attempt) {
    port_ = FreeTcpPort();
    WriteConfig(options);
    if (Start(options)) return;
    const std::string log = Log();
    process_.reset();
    if (attempt == kStartAttempts || log.find("address already in use") == std::string::npos) {
      throw std::runtime_error("Prometheus did not start:\n" + Tail(log));
    }
  }
}

PrivatePrometheus::~PrivatePrometheus() {
  if (process_) {
    process_->Signal(SIGTERM);
    try {
      process_->Wait(std::chrono::seconds(10));
    } catch (const std::exception&) {
      // The ChildProcess destructor sends SIGKILL.
    }
    process_.reset();
  }
}

void PrivatePrometheus::WriteConfig(const PrivatePrometheusOptions& options) const {
  // YAML is a superset of JSON: writing JSON keeps every string properly quoted.
  nlohmann::json scrape_configs = nlohmann::json::array();
  if (!options.targets.empty()) {
    nlohmann::json job{{"job_name", options.job},
                       {"honor_labels", true},
                       {"scrape_interval", Duration(options.scrape_interval)},
                       {"scrape_timeout", Duration(options.scrape_interval)},
                       {"metrics_path", options.metrics_path},
                       {"static_configs", {{{"targets", options.targets}}}}};
    if (!options.bearer_token.empty()) {
      job["authorization"] = {{"type", "Bearer"}, {"credentials", options.bearer_token}};
    }
    scrape_configs.push_back(std::move(job));
  }
  if (options.scrape_self) {
    scrape_configs.push_back(
        {{"job_name", "prometheus"},
         {"scrape_interval", Duration(options.scrape_interval)},
         {"scrape_timeout", Duration(options.scrape_interval)},
         {"static_configs", {{{"targets", {fmt::format("127.0.0.1:{}", port_)}}}}}});
  }
  nlohmann::json config{{"global",
                         {{"scrape_interval", Duration(options.scrape_interval)},
                          {"evaluation_interval", Duration(options.scrape_interval)}}},
                        {"scrape_configs", scrape_configs}};
  if (!options.rule_groups.empty()) {
    std::ofstream rules(dir_.Path("rules.yml"), std::ios::trunc);
    rules << nlohmann::json{{"groups", options.rule_groups}}.dump(2) << '\n';
    if (!rules) throw std::runtime_error("cannot write " + dir_.Path("rules.yml"));
    config["rule_files"] = {dir_.Path("rules.yml")};
  }
  std::ofstream out(dir_.Path("prometheus.yml"), std::ios::trunc);
  out << config.dump(2) << '\n';
  if (!out) throw std::runtime_error("cannot write " + dir_.Path("prometheus.yml"));
}

void PrivatePrometheus::LinkBlocks(const std::string& from) const {
  namespace fs = std::filesystem;
  // A block is a directory named by its ULID (26 characters) holding meta.json.
  int blocks = 0;
  for (const fs::directory_entry& block : fs::directory_iterator(from)) {
    if (!block.is_directory() || block.path().filename().string().size() != 26 ||
        !fs::exists(block.path() / "meta.json")) {
      continue;
    }
    const fs::path target = fs::path(dir_.path()) / "data" / block.path().filename();
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(block.path())) {
      const fs::path to = target / fs::relative(entry.path(), block.path());
      if (entry.is_directory()) {
        fs::create_directories(to);
        continue;
      }
      fs::create_directories(to.parent_path());
      std::error_code link_error;
      fs::create_hard_link(entry.path(), to, link_error);
      if (link_error) fs::copy_file(entry.path(), to);  // another file system
    }
    ++blocks;
  }
  if (blocks == 0) throw std::runtime_error("no TSDB blocks in " + from);
}

bool PrivatePrometheus::Start(const PrivatePrometheusOptions& options) {
  std::vector<std::string> argv{PrometheusBinary(),
                                "--config.file=" + dir_.Path("prometheus.yml"),
                                "--storage.tsdb.path=" + dir_.Path("data"),
                                fmt::format("--web.listen-address=127.0.0.1:{}", port_),
                                "--web.enable-admin-api",
                                "--log.level=info"};
  if (!options.retention.empty()) {
    argv.push_back("--storage.tsdb.retention.time=" + options.retention);
  }
  argv.insert(argv.end(), options.extra_flags.begin(), options.extra_flags.end());
  process_ = std::make_unique<ChildProcess>(argv, dir_.Path("prometheus.log"));
  const auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->Running()) return false;
    const HttpAnswer ready = HttpGet(Url() + "/-/ready");
    if (ready.error.empty() && ready.status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string PrivatePrometheus::Url() const { return fmt::format("http://127.0.0.1:{}", port_); }

std::string PrivatePrometheus::Log() const {
  return ChildProcess::ReadFile(dir_.Path("prometheus.log"));
}

nlohmann::json PrivatePrometheus::Query(const std::string& promql) const {
  return QueryAt(promql, std::numeric_limits<double>::quiet_NaN());
}

nlohmann::json PrivatePrometheus::QueryAt(const std::string& promql, double unix_seconds) const {
  std::string url = Url() + "/api/v1/query?query=" + Escape(promql);
  if (!std::isnan(unix_seconds)) url += fmt::format("&time={:.3f}", unix_seconds);
  const HttpAnswer answer = HttpGet(url);
  if (!answer.error.empty()) {
    throw std::runtime_error("query " + promql + ": " + answer.error);
  }
  const nlohmann::json body = nlohmann::json::parse(answer.body, nullptr, false);
  if (body.is_discarded() || body.value("status", "") != "success") {
    throw std::runtime_error(
        fmt::format("query {}: HTTP {}: {}", promql, answer.status, Tail(answer.body, 1000)));
  }
  return body.at("data").at("result");
}

nlohmann::json PrivatePrometheus::WaitForSeries(const std::string& promql,
                                                std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last;
  for (;;) {
    try {
      nlohmann::json result = Query(promql);
      if (!result.empty()) return result;
      last = result.dump();
    } catch (const std::runtime_error& e) {
      last = e.what();
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(fmt::format("no series for {} after {} ms; last answer: {}\n{}",
                                           promql, timeout.count(), last, Tail(Log(), 2000)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

double PrivatePrometheus::SampleValue(const nlohmann::json& sample) {
  // Vector element: {"metric": {...}, "value": [ts, "v"]}; scalar: [ts, "v"].
  const nlohmann::json& pair = sample.is_array() ? sample : sample.at("value");
  return std::stod(pair.at(1).get<std::string>());
}

}  // namespace costledger::testing
