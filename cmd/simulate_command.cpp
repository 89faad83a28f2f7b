#include "simulate_command.hpp"

#include <fmt/core.h>
#include <pthread.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "command_line.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/simulator/http_server.hpp"
#include "costledger/simulator/sim_time.hpp"
#include "costledger/simulator/simulator.hpp"

namespace costledger::cli {

const char* const kSimulateHelp = R"(usage: costledger simulate [options]

Serves a synthetic data-science Kubernetes cluster over HTTP in the real wire formats, so the
collector can run without a cluster. Teams alpha, beta, gamma and platform run JupyterHub
notebooks, Ray clusters on GPUs, Spark applications, model serving, Airflow, Kafka and
CronJobs on m5/c5/r5/g5/p3 nodes in us-east-1a-c, spot and on-demand. Pods start and finish,
containers restart, spot nodes are interrupted and replaced, usage and spot prices move.
The state is a pure function of (seed, sizes, time): the same seed at the same time gives
byte-identical responses.

endpoints:
  GET /api/v1/nodes                              v1 NodeList
  GET /api/v1/nodes/{node}                       v1 Node
  GET /api/v1/pods                               v1 PodList
      (both lists in chunks with ?limit=N: metadata.continue gives the token for
      ?limit=N&continue=TOKEN, as the API server does; without a limit the whole list)
  GET /api/v1/nodes/{node}/proxy/metrics/resource  kubelet resource metrics (Prometheus text)
  GET /dcgm/metrics                              NVIDIA DCGM exporter metrics, every GPU node
  GET /dcgm/{node}/metrics                       the same for one node
  GET /pricing/ec2_offer.json                    AWS EC2 offer file, us-east-1
  GET /pricing/spot_price_history.json           DescribeSpotPriceHistory, the last 24 hours
  GET /athena/query_executions.json              BatchGetQueryExecution, the last hour
  GET /healthz                                   "ok"

options:
  --listen HOST:PORT     address to serve on (default 127.0.0.1:9100); port 0 picks a free
                         port, printed in the ready line
  --nodes N              number of nodes, 1-5000 (default 20)
  --pods N               number of workload pods, 0-200000 (default 200); DaemonSet pods
                         (3 per node, 2 more per GPU node) come on top
  --seed N               random seed; the same seed gives the same cluster (default 1)
  --time-scale X         simulated time runs X times faster than wall-clock time (default 1),
                         e.g. 60 turns an hour into a minute; it advances in steps of X
                         seconds (one step per wall-clock second)
  --start TIME           simulated time at start-up, RFC 3339 (default: now, so that with
                         --time-scale 1 simulated time is wall-clock time)
  --threads N            HTTP server threads (default 2)

Prints "simulate: serving N nodes / M pods (seed S) on http://HOST:PORT" on stdout when ready;
stops cleanly on SIGINT or SIGTERM.
)";

namespace {

template <typename Int>
Int ParseInteger(const CommandLine& cl, const std::string& name, Int fallback) {
  const std::optional<std::string> text = cl.Option(name);
  if (!text) return fallback;
  Int value{};
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    throw InvalidInput(fmt::format("--{} must be a whole number, got '{}'", name, *text));
  }
  return value;
}

double ParseScale(const CommandLine& cl) {
  const std::optional<std::string> text = cl.Option("time-scale");
  if (!text) return 1;
  double value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || !(value > 0) || value > 1e6) {
    throw InvalidInput(
        fmt::format("--time-scale must be a number above 0 and at most 1e6, got '{}'", *text));
  }
  return value;
}

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

ListenAddress ParseListen(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    throw InvalidInput(fmt::format("--listen must be HOST:PORT, got '{}'", text));
  }
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    throw InvalidInput(fmt::format("--listen port must be 0-65535, got '{}'", port));
  }
  address.port = static_cast<std::uint16_t>(value);
  return address;
}

// Blocks SIGINT and SIGTERM in this thread (and the threads it starts) so that Wait() takes
// them; restores the previous mask on destruction.
class TerminationSignals {
 public:
  TerminationSignals() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
  }
  ~TerminationSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  TerminationSignals(const TerminationSignals&) = delete;
  TerminationSignals& operator=(const TerminationSignals&) = delete;
  TerminationSignals(TerminationSignals&&) = delete;
  TerminationSignals& operator=(TerminationSignals&&) = delete;

  int Wait() const {
    int signal = 0;
    while (sigwait(&signals_, &signal) != 0) {
    }
    return signal;
  }

 private:
  sigset_t signals_{};
  sigset_t previous_{};
};

}  // namespace

int RunSimulate(const std::vector<std::string>& args) {
  const CommandLine cl(args, {"listen", "nodes", "pods", "seed", "time-scale", "start", "threads"},
                       {});
  simulator::SimulatorOptions options;
  options.seed = ParseInteger<std::uint64_t>(cl, "seed", 1);
  options.size.nodes = ParseInteger<int>(cl, "nodes", 20);
  options.size.pods = ParseInteger<int>(cl, "pods", 200);
  const double scale = ParseScale(cl);
  const int threads = ParseInteger<int>(cl, "threads", 2);
  if (threads < 1 || threads > 64) {
    throw InvalidInput(fmt::format("--threads must be between 1 and 64, got {}", threads));
  }
  const ListenAddress listen = ParseListen(cl.OptionOr("listen", "127.0.0.1:9100"));
  const auto wall_start = std::chrono::system_clock::now();
  simulator::SimClock::Millis sim_start = std::chrono::floor<std::chrono::milliseconds>(wall_start);
  if (const std::optional<std::string> start = cl.Option("start")) {
    sim_start = model::ParseTimestamp(*start);
  }

  const TerminationSignals signals;
  const simulator::Simulator sim(options);
  const simulator::SimClock clock(wall_start, sim_start, scale);
  // Simulated time advances in steps of about one wall-clock second, so a fast clock does not
  // make every request compute a new cluster state.
  const std::int64_t step_seconds = std::max<std::int64_t>(1, std::llround(scale));
  simulator::HttpServer server(
      listen.host, listen.port,
      [&sim, &clock, step_seconds](const simulator::HttpRequest& request) {
        const std::int64_t now =
            std::chrono::floor<std::chrono::seconds>(clock.Now()).time_since_epoch().count();
        const std::chrono::sys_seconds t{
            std::chrono::seconds(now - (now % step_seconds + step_seconds) % step_seconds)};
        return sim.Handle(request.method, request.target, t, request.accept);
      },
      threads);
  server.Start();
  const bool ipv6 = listen.host.find(':') != std::string::npos;
  fmt::print("simulate: serving {} nodes / {} pods (seed {}) on http://{}{}{}:{}\n",
             options.size.nodes, options.size.pods, options.seed, ipv6 ? "[" : "", listen.host,
             ipv6 ? "]" : "", server.port());
  static_cast<void>(std::fflush(stdout));  // the banner is informational
  if (scale != 1 || cl.Option("start")) {
    fmt::print(stderr, "simulate: simulated time starts at {} and runs {}x wall-clock time\n",
               model::FormatTimestamp(std::chrono::floor<std::chrono::seconds>(sim_start)), scale);
  }
  const int signal = signals.Wait();
  fmt::print(stderr, "simulate: {} received, shutting down\n",
             signal == SIGINT ? "SIGINT" : "SIGTERM");
  server.Stop();
  return 0;
}

}  // namespace costledger::cli
