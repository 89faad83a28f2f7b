// Soak: mixed load against a real `costledger serve --role all` collecting a simulated cluster
// of 2,000 pods every second into a private PostgreSQL, for ten minutes (--seconds=N to
// change): OpenCost and /v1 allocations at every aggregation, /metrics, the admission webhook
// and console pages, from --clients=N threads, while a prober asks /healthz every 50 ms.
// Printed: p50/p99 per endpoint in the first and the last minute after a one-minute warm-up,
// errors (any answer but the expected status), the serve process's RSS at the end of warm-up
// and at the end, and /healthz's p99 under load against the same probe before the load began.
// Targets (issue 15): no errors, RSS growth < 10 % after warm-up, /healthz p99 < 20 ms.
#include <curl/curl.h>
#include <fmt/core.h>
#include <openssl/sha.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "admission_fixtures.hpp"
#include "bench_figures.hpp"
#include "child_process.hpp"
#include "free_tcp_port.hpp"
#include "private_postgres.hpp"
#include "served_cluster.hpp"
#include "temp_dir.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kAdminToken = "soak-admin-token-0123456789";
constexpr const char* kAdmissionToken = "soak-admission-token-0123456789";

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string hex;
  for (const unsigned char b : digest) hex += fmt::format("{:02x}", b);
  return hex;
}

std::size_t Discard(char* /*data*/, std::size_t size, std::size_t n, void* out) {
  *static_cast<std::size_t*>(out) += size * n;
  return size * n;
}

std::size_t CollectHeader(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// One kind of request of the mix.
struct Endpoint {
  std::string name;
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::string> headers;
  long expected = 200;
};

struct Sample {
  double at_seconds;  // since the load began
  double millis;
  bool ok;
};

// Requests on one keep-alive connection (one easy handle per thread).
class Client {
 public:
  explicit Client(std::string base) : base_(std::move(base)), curl_(curl_easy_init()) {}
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client() { curl_easy_cleanup(curl_); }

  // Milliseconds and the status (0 when the connection failed).
  std::pair<double, long> Send(const Endpoint& e, std::string* headers_out = nullptr) {
    curl_easy_reset(curl_);
    const std::string url = base_ + e.target;
    std::size_t bytes = 0;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &bytes);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, e.method.c_str());
    if (!e.body.empty()) curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, e.body.c_str());
    if (headers_out != nullptr) {
      curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, CollectHeader);
      curl_easy_setopt(curl_, CURLOPT_HEADERDATA, headers_out);
    }
    curl_slist* list = nullptr;
    for (const std::string& h : e.headers) list = curl_slist_append(list, h.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    const auto start = Clock::now();
    const CURLcode code = curl_easy_perform(curl_);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    long status = 0;
    if (code == CURLE_OK) curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(list);
    return {ms, status};
  }

 private:
  std::string base_;
  CURL* curl_;
};

double RssMiB(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::vector<double> Millis(const std::vector<Sample>& samples, double from, double to) {
  std::vector<double> out;
  for (const Sample& s : samples) {
    if (s.at_seconds >= from && s.at_seconds < to) out.push_back(s.millis);
  }
  return out;
}

// The mix: OpenCost's and costledger's allocation at every aggregation, /metrics, admission,
// console pages (with `cookie`).
std::vector<Endpoint> Mix(const std::string& cookie) {
  const std::vector<std::string> bearer{fmt::format("Authorization: Bearer {}", kAdminToken)};
  std::vector<Endpoint> mix;
  for (const char* aggregate :
       {"cluster", "node", "namespace", "controllerKind", "controller", "pod", "container", "team",
        "platform", "workload", "label:app", "namespace,team"}) {
    mix.push_back({fmt::format("/v1/allocation {}", aggregate), "GET",
                   fmt::format("/v1/allocation?window=1h&aggregate={}&accumulate=true", aggregate),
                   "", bearer});
  }
  mix.push_back({"/allocation (OpenCost UI)", "GET",
                 "/model/allocation?window=1d&aggregate=namespace&accumulate=true&"
                 "includeIdle=true&shareIdle=false",
                 "", bearer});
  mix.push_back({"/allocation/compute 10m steps", "GET",
                 "/allocation/compute?window=1h&aggregate=namespace&step=10m", "", bearer});
  mix.push_back({"/metrics", "GET", "/metrics", "", bearer});
  costledger::testing::ReviewPod pod;
  pod.owner_kind = "Job";
  mix.push_back({"/v1/admission",
                 "POST",
                 "/v1/admission",
                 costledger::testing::AdmissionReviewBody(pod),
                 {fmt::format("Authorization: Bearer {}", kAdmissionToken),
                  "Content-Type: application/json"}});
  for (const char* page : {"/console/", "/console/namespaces?window=1d", "/console/nodes",
                           "/console/teams?window=1d"}) {
    mix.push_back({fmt::format("console {}", page), "GET", page, "", {"Cookie: " + cookie}});
  }
  return mix;
}

int Run(const std::string& dir, int run_seconds, int pods, int clients) {
  costledger::testing::PrivatePostgres pg;
  const std::string db = pg.CreateDatabase("soak");
  costledger::testing::SimulatedCluster sim(COSTLEDGER_BINARY, dir + "/simulator.log",
                                            std::max(10, pods / 20), pods, 11);
  std::ofstream(dir + "/tokens.json") << fmt::format(
      R"([{{"name":"soak-admin","sha256":"{}","role":"admin","teams":["*"]}},
          {{"name":"kube-apiserver","sha256":"{}","role":"admission","teams":["*"]}}])",
      Sha256Hex(kAdminToken), Sha256Hex(kAdmissionToken));
  const int port = costledger::testing::FreeTcpPort();
  nlohmann::json config =
      costledger::testing::ServeConfigFor("soak", db, sim.url(), port, dir + "/spool");
  config["interval_seconds"] = 1;
  config["auth"]["tokens_file"] = dir + "/tokens.json";
  std::ofstream(dir + "/config.json") << config.dump(1);
  costledger::testing::ChildProcess serve(
      {COSTLEDGER_BINARY, "serve", "--config", dir + "/config.json", "--role", "all"},
      dir + "/serve.log");
  const std::string base = fmt::format("http://127.0.0.1:{}", port);
  if (costledger::testing::WaitForHttpStatus(base + "/readyz", 200, std::chrono::minutes(2))
          .status != 200) {
    throw std::runtime_error("serve did not become ready in 2 minutes:\n" + serve.Log());
  }

  // A console session, as a browser gets one.
  Client login(base);
  std::string headers;
  login.Send({"login",
              "POST",
              "/console/login",
              fmt::format("token={}&next=/console/", kAdminToken),
              {"Origin: " + base, "Content-Type: application/x-www-form-urlencoded"}},
             &headers);
  const auto cookie_at = headers.find("costledger_session=");
  if (cookie_at == std::string::npos) throw std::runtime_error("console login gave no cookie");
  const std::string cookie = headers.substr(cookie_at, headers.find(';', cookie_at) - cookie_at);
  const std::vector<Endpoint> mix = Mix(cookie);

  // /healthz before the load: the baseline.
  Client prober(base);
  const Endpoint health{"/healthz", "GET", "/healthz", "", {}};
  std::vector<double> quiet;
  for (int i = 0; i < 200; ++i) {
    quiet.push_back(prober.Send(health).first);
    std::this_thread::sleep_for(milliseconds(10));
  }

  const double warmup = std::min(60.0, run_seconds / 5.0);
  const double window = std::min(60.0, (run_seconds - warmup) / 2.0);
  std::mutex mutex;
  std::map<std::string, std::vector<Sample>> samples;
  std::map<std::string, int> errors;
  std::atomic<bool> stop{false};
  const auto began = Clock::now();
  const auto since = [&] { return std::chrono::duration<double>(Clock::now() - began).count(); };
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Client client(base);
      for (std::size_t i = static_cast<std::size_t>(c); !stop; ++i) {
        const Endpoint& e = mix[i % mix.size()];
        const auto [ms, status] = client.Send(e);
        const std::lock_guard lock(mutex);
        samples[e.name].push_back({since(), ms, status == e.expected});
        if (status != e.expected) ++errors[fmt::format("{} -> {}", e.name, status)];
      }
    });
  }
  std::vector<Sample> probes;
  double rss_warm = 0;
  double rss_end = 0;
  double rss_peak = 0;
  auto next_rss = Clock::now();
  while (since() < run_seconds) {
    const auto [ms, status] = prober.Send(health);
    probes.push_back({since(), ms, status == 200});
    if (status != 200) {
      const std::lock_guard lock(mutex);
      ++errors[fmt::format("/healthz -> {}", status)];
    }
    if (Clock::now() >= next_rss) {
      const double rss = RssMiB(serve.pid());
      if (since() < warmup) rss_warm = rss;
      rss_end = rss;
      rss_peak = std::max(rss_peak, rss);
      next_rss += seconds(1);
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  stop = true;
  for (std::thread& t : threads) t.join();

  const double end = since();
  fmt::print("soak: {} s, {} pods collected every second, {} clients, {} kinds of request\n",
             run_seconds, pods, clients, mix.size() + 1);
  fmt::print("{:<40} {:>8} {:>22} {:>22}\n", "endpoint", "requests", "first min p50/p99 ms",
             "last min p50/p99 ms");
  std::size_t total = 0;
  for (const auto& [name, s] : samples) {
    const auto first = Millis(s, warmup, warmup + window);
    const auto last = Millis(s, end - window, end);
    total += s.size();
    fmt::print("{:<40} {:>8} {:>10.1f}/{:<10.1f} {:>10.1f}/{:<10.1f}\n", name, s.size(),
               Percentile(first, 0.5), Percentile(first, 0.99), Percentile(last, 0.5),
               Percentile(last, 0.99));
  }
  const auto probe_ms = Millis(probes, warmup, end);
  fmt::print("{:<40} {:>8} quiet p99 {:.1f} ms; under load p50 {:.1f} / p99 {:.1f} / max {:.1f}\n",
             "/healthz (every 50 ms)", probes.size(), Percentile(quiet, 0.99),
             Percentile(probe_ms, 0.5), Percentile(probe_ms, 0.99), Percentile(probe_ms, 1.0));
  int error_count = 0;
  for (const auto& [what, n] : errors) {
    fmt::print("  error: {} x{}\n", what, n);
    error_count += n;
  }
  const double growth = rss_warm > 0 ? (rss_end - rss_warm) / rss_warm * 100 : 0;
  fmt::print(
      "requests {}, errors {}; serve RSS {:.0f} MiB after warm-up, {:.0f} MiB at the end "
      "(peak {:.0f}): growth {:.1f} %\n",
      total, error_count, rss_warm, rss_end, rss_peak, growth);
  fmt::print("targets: no errors {}, RSS growth < 10 % {}, /healthz p99 < 20 ms {}\n",
             error_count == 0 ? "met" : "MISSED", growth < 10 ? "met" : "MISSED",
             Percentile(probe_ms, 0.99) < 20 ? "met" : "MISSED");
  costledger::bench::PrintFigure("soak_rss", rss_end, "MiB", rss_warm, "RSS after warm-up");
  costledger::bench::PrintFigure("soak_healthz_p99", Percentile(probe_ms, 0.99), "ms",
                                 Percentile(quiet, 0.99), "/healthz p99 before the load");
  costledger::bench::PrintFigure("soak_errors", error_count, "requests", static_cast<double>(total),
                                 "requests sent");
  serve.Signal(SIGTERM);
  serve.Wait(std::chrono::minutes(1));
  return 0;
}

int Flag(int argc, char** argv, std::string_view name, int fallback) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.rfind(name, 0) == 0 && arg.size() > name.size() && arg[name.size()] == '=') {
      return std::atoi(argv[i] + name.size() + 1);
    }
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_ALL);
  const int run_seconds = std::max(30, Flag(argc, argv, "--seconds", 600));
  const int pods = std::max(100, Flag(argc, argv, "--pods", 2000));
  const int clients = std::max(1, Flag(argc, argv, "--clients", 4));
  try {
    costledger::testing::TempDir dir("costledger-soak");
    try {
      return Run(dir.path(), run_seconds, pods, clients);
    } catch (const std::exception& e) {
      dir.Keep();
      fmt::print(stderr, "soak_bench: {} (logs kept in {})\n", e.what(), dir.path());
      return 1;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "soak_bench: {}\n", e.what());
    return 1;
  }
}
