// End-to-end exposition: a real Prometheus 2.42 scrapes `costledger serve --role all`, which
// collects a simulated cluster into a private PostgreSQL, and every OpenCost-compatible family
// (and costledger's own) must arrive with OpenCost's names and labels and sensible values.
// The simulator's cluster moves with wall-clock time (pods start and finish, spot nodes are
// replaced), so checks that compare with its state are retried until they hold or time out.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "private_postgres.hpp"
#include "private_prometheus.hpp"
#include "temp_dir.hpp"

namespace costledger::api {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ChildProcess;
using testing::PrivatePostgres;
using testing::PrivatePrometheus;
using testing::PrivatePrometheusOptions;

// Generous: a loaded 2-core machine, and Prometheus applies new targets only every ~5 s.
constexpr seconds kWait{60};
constexpr const char* kCluster = "prom-test";

std::size_t AppendBody(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// GET url -> parsed JSON; throws on transport errors, non-200 answers and bad JSON.
json GetJson(const std::string& url) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 20'000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) throw std::runtime_error("GET " + url + ": " + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    throw std::runtime_error("GET " + url + ": HTTP " + std::to_string(status) + ": " + body);
  }
  return json::parse(body);
}

// A Kubernetes quantity ("8", "7910m", "64765976Ki", "16Gi", "1.5") as a number of units.
double Quantity(const std::string& text) {
  static const std::map<std::string, double> kSuffix{{"", 1},
                                                     {"m", 1e-3},
                                                     {"k", 1e3},
                                                     {"M", 1e6},
                                                     {"G", 1e9},
                                                     {"T", 1e12},
                                                     {"Ki", 1024.0},
                                                     {"Mi", 1024.0 * 1024},
                                                     {"Gi", 1024.0 * 1024 * 1024},
                                                     {"Ti", 1024.0 * 1024 * 1024 * 1024}};
  std::size_t end = 0;
  const double number = std::stod(text, &end);
  const auto suffix = kSuffix.find(text.substr(end));
  if (suffix == kSuffix.end()) throw std::runtime_error("unknown quantity suffix in " + text);
  return number * suffix->second;
}

struct SimNode {
  double cores = 0;
  double gib = 0;
  double gpus = 0;
  bool spot = false;
  std::string instance_type;
};

std::map<std::string, SimNode> SimNodes(const std::string& sim_url) {
  std::map<std::string, SimNode> out;
  const json list = GetJson(sim_url + "/api/v1/nodes");  // owns what the loop visits
  for (const json& item : list.at("items")) {
    const json& labels = item.at("metadata").at("labels");
    const json& capacity = item.at("status").at("capacity");
    SimNode n;
    n.cores = Quantity(capacity.at("cpu").get<std::string>());
    n.gib = Quantity(capacity.at("memory").get<std::string>()) / (1024.0 * 1024 * 1024);
    n.gpus = capacity.contains("nvidia.com/gpu")
                 ? Quantity(capacity.at("nvidia.com/gpu").get<std::string>())
                 : 0.0;
    n.spot = labels.value("karpenter.sh/capacity-type", "") == "spot";
    n.instance_type = labels.value("node.kubernetes.io/instance-type", "");
    out[item.at("metadata").at("name").get<std::string>()] = n;
  }
  return out;
}

struct SimPod {
  std::string node;  // spec.nodeName; empty while unscheduled
  std::string phase;
  std::string team;
  bool requests_gpu = false;
};

// namespace/name -> pod.
std::map<std::string, SimPod> SimPods(const std::string& sim_url) {
  std::map<std::string, SimPod> out;
  const json list = GetJson(sim_url + "/api/v1/pods");  // owns what the loop visits
  for (const json& item : list.at("items")) {
    const json& meta = item.at("metadata");
    SimPod p;
    p.node = item.at("spec").value("nodeName", "");
    p.phase = item.at("status").value("phase", "");
    if (meta.contains("labels")) p.team = meta.at("labels").value("team", "");
    for (const json& c : item.at("spec").at("containers")) {
      if (c.contains("resources") && c.at("resources").contains("requests") &&
          c.at("resources").at("requests").contains("nvidia.com/gpu")) {
        p.requests_gpu =
            p.requests_gpu ||
            Quantity(c.at("resources").at("requests").at("nvidia.com/gpu").get<std::string>()) > 0;
      }
    }
    out[meta.at("namespace").get<std::string>() + "/" + meta.at("name").get<std::string>()] = p;
  }
  return out;
}

std::string Label(const json& sample, const std::string& name) {
  const json& metric = sample.at("metric");
  return metric.contains(name) ? metric.at(name).get<std::string>() : std::string();
}

double Value(const json& sample) { return PrivatePrometheus::SampleValue(sample); }

// Retries `check` (an empty answer means it holds) until it holds; fails with its last answer.
void Eventually(const std::string& what, const std::function<std::string()>& check,
                seconds timeout = kWait) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last;
  for (;;) {
    try {
      last = check();
    } catch (const std::exception& e) {
      last = std::string("exception: ") + e.what();
    }
    if (last.empty()) return;
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(milliseconds(500));
  }
  ADD_FAILURE() << what << " did not hold within " << timeout.count() << " s: " << last;
}

std::string Join(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
  return "{" + out + "}";
}

// Everything the tests share: started once for the suite.
struct Stack {
  testing::TempDir dir{"costledger-metrics-prom"};  // first, so removed after the servers stop
  std::unique_ptr<ChildProcess> simulator;
  std::string sim_url;
  std::unique_ptr<PrivatePostgres> postgres;
  std::string db_url;
  std::unique_ptr<ChildProcess> serve;
  int api_port = 0;
  std::unique_ptr<PrivatePrometheus> prometheus;
  bool serve_stopped = false;
  // Pods seen once serve has collected (counters keep the namespaces of pods gone since).
  std::map<std::string, SimPod> pods_at_start;

  std::string Path(const std::string& name) const { return dir.Path(name); }
};

std::string WriteServeConfig(const Stack& s) {
  const json config{{"cluster", kCluster},
                    {"database_url", s.db_url},
                    {"listen", "127.0.0.1:0"},
                    {"interval_seconds", 2},
                    {"scrape_timeout_seconds", 5},
                    {"spool_dir", s.Path("spool")},
                    {"sources",
                     {{"kubernetes", {{"api_url", s.sim_url}}},
                      {"dcgm", {{"urls", {s.sim_url + "/dcgm/metrics"}}}},
                      {"pricing",
                       {{"region", "us-east-1"},
                        {"on_demand", s.sim_url + "/pricing/ec2_offer.json"},
                        {"spot_history", s.sim_url + "/pricing/spot_price_history.json"}}},
                      {"athena",
                       {{"executions", s.sim_url + "/athena/query_executions.json"},
                        {"workgroup_teams",
                         {{"analytics", "alpha"},
                          {"ml-features", "beta"},
                          {"reporting", "gamma"},
                          {"platform-etl", "platform"}}}}}}}};
  std::string path = s.Path("serve.json");
  std::ofstream(path) << config.dump(2) << '\n';
  return path;
}

std::size_t CountIntervalLines(const std::string& log) {
  std::size_t count = 0;
  for (std::size_t at = log.find(R"("msg":"interval")"); at != std::string::npos;
       at = log.find(R"("msg":"interval")", at + 1)) {
    ++count;
  }
  return count;
}

class MetricsPrometheusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = std::make_unique<Stack>();
    try {
      Start(s.get());
    } catch (const std::exception&) {
      s->dir.Keep();
      std::cerr << "logs kept in " << s->dir.path() << "\n";
      throw;  // every test then fails in SetUp
    }
    stack_ = s.release();
  }

  // Simulator, PostgreSQL, serve (two intervals collected), then Prometheus scraping it.
  static void Start(Stack* s) {
    s->simulator = std::make_unique<ChildProcess>(
        std::vector<std::string>{COSTLEDGER_BINARY, "simulate", "--listen", "127.0.0.1:0",
                                 "--nodes", "6", "--pods", "40", "--seed", "3"},
        s->Path("simulator.log"));
    const std::string sim_log = s->simulator->WaitForLog("http://", kWait);
    std::smatch m;
    if (!std::regex_search(sim_log, m, std::regex(R"(http://[0-9.]+:\d+)"))) {
      throw std::runtime_error("no URL in the simulator's ready line: " + sim_log);
    }
    s->sim_url = m[0];

    s->postgres = std::make_unique<PrivatePostgres>();
    s->db_url = s->postgres->CreateDatabase("metrics");

    s->serve = std::make_unique<ChildProcess>(
        std::vector<std::string>{COSTLEDGER_BINARY, "serve", "--config", WriteServeConfig(*s),
                                 "--role", "all", "--log-format", "json"},
        s->Path("serve.log"));
    const std::string listening = s->serve->WaitForLog(R"("msg":"api listening")", kWait);
    const std::size_t line_start = listening.find(R"("msg":"api listening")");
    const std::string line =
        listening.substr(listening.rfind('\n', line_start) + 1,
                         listening.find('\n', line_start) - listening.rfind('\n', line_start) - 1);
    if (!std::regex_search(line, m, std::regex(R"("port":(\d+))"))) {
      throw std::runtime_error("no port in the 'api listening' line: " + line);
    }
    s->api_port = std::stoi(m[1].str());

    // Two collector intervals: costs attributed (the first has no CPU counter baseline).
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (CountIntervalLines(s->serve->Log()) < 2) {
      if (!s->serve->Running() || std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("serve logged fewer than two intervals:\n" + s->serve->Log());
      }
      std::this_thread::sleep_for(milliseconds(200));
    }

    PrivatePrometheusOptions options;
    options.targets = {"127.0.0.1:" + std::to_string(s->api_port)};
    options.job = "costledger";
    options.metrics_path = "/metrics";
    options.scrape_interval = milliseconds(1000);
    s->prometheus = std::make_unique<PrivatePrometheus>(options);
    s->pods_at_start = SimPods(s->sim_url);
  }

  static void TearDownTestSuite() {
    const std::unique_ptr<Stack> s(stack_);
    stack_ = nullptr;
    if (s == nullptr) return;
    s->prometheus.reset();
    if (s->serve && !s->serve_stopped && s->serve->Running()) {
      s->serve->Signal(SIGTERM);
      try {
        s->serve->Wait(seconds(30));
      } catch (const std::exception&) {
        // The ChildProcess destructor sends SIGKILL.
      }
    }
    s->serve.reset();
    if (s->simulator) s->simulator->Signal(SIGTERM);
    s->simulator.reset();
    s->postgres.reset();
    if (::testing::UnitTest::GetInstance()->Failed()) {
      s->dir.Keep();
      std::cerr << "logs kept in " << s->dir.path() << "\n";
    }
  }

  void SetUp() override {
    ASSERT_NE(stack_, nullptr) << "the suite's servers did not start";
    ASSERT_FALSE(stack_->serve_stopped) << "serve was stopped before this test (shuffled?)";
    ASSERT_TRUE(stack_->serve->Running()) << "serve died:\n" << stack_->serve->Log();
  }

  void TearDown() override {
    if (HasFailure() && stack_ != nullptr && stack_->serve) {
      const std::string log = stack_->serve->Log();
      std::cerr << "serve log (tail):\n"
                << log.substr(log.size() > 3000 ? log.size() - 3000 : 0) << "\n";
    }
  }

  static const PrivatePrometheus& prom() { return *stack_->prometheus; }
  static const std::string& sim_url() { return stack_->sim_url; }

  // The samples of `promql` once there are any (fails the test after kWait).
  static json Series(const std::string& promql) { return prom().WaitForSeries(promql, kWait); }

  // The single value of a query expected to give exactly one sample.
  static double OneValue(const std::string& promql) {
    const json result = Series(promql);
    if (result.size() != 1) {
      throw std::runtime_error(promql + " gave " + std::to_string(result.size()) +
                               " samples: " + result.dump());
    }
    return Value(result[0]);
  }

  static Stack* stack_;
};

Stack* MetricsPrometheusTest::stack_ = nullptr;

TEST_F(MetricsPrometheusTest, PrometheusScrapesServeSuccessfully) {
  const json up = Series(R"(up{job="costledger"})");
  ASSERT_EQ(up.size(), 1U) << up.dump();
  // The target answered a scrape at least once; it stays up.
  Eventually("up == 1", [] {
    const double v = OneValue(R"(up{job="costledger"})");
    return v == 1 ? "" : "up is " + std::to_string(v);
  });
}

// node_{cpu,ram,gpu,total}_hourly_cost: OpenCost's names and labels, one series per node of the
// cluster, and the unit prices add up to the node price over the node's capacity (rule 2).
TEST_F(MetricsPrometheusTest, NodeHourlyCostFamiliesSplitTheNodePrice) {
  Series("node_total_hourly_cost");
  Eventually("node hourly costs match the simulator's nodes", [] {
    const json result =
        prom().Query(R"({__name__=~"node_(cpu|ram|gpu|total)_hourly_cost",job="costledger"})");
    const auto sim = SimNodes(sim_url());
    std::map<std::string, std::map<std::string, double>> by_node;  // node -> family -> value
    std::ostringstream problems;
    for (const json& sample : result) {
      const std::string node = Label(sample, "node");
      const std::string family = Label(sample, "__name__");
      if (node.empty()) {
        problems << family << " without a node label: " << sample.dump() << "; ";
        continue;
      }
      if (Label(sample, "instance") != node) {
        problems << family << " instance label is not the node: " << sample.dump() << "; ";
      }
      if (Label(sample, "region") != "us-east-1") {
        problems << family << " region label is not us-east-1: " << sample.dump() << "; ";
      }
      if (Label(sample, "arch") != "amd64") {
        problems << family << " arch label is not amd64: " << sample.dump() << "; ";
      }
      const auto s = sim.find(node);
      if (s != sim.end() && Label(sample, "instance_type") != s->second.instance_type) {
        problems << family << " instance_type is not " << s->second.instance_type << ": "
                 << sample.dump() << "; ";
      }
      if (!by_node[node].emplace(family, Value(sample)).second) {
        problems << "two " << family << " series for node " << node << "; ";
      }
    }
    if (by_node.empty()) return std::string("no node series: ") + result.dump();
    std::set<std::string> sim_names;
    for (const auto& [name, n] : sim) sim_names.insert(name);
    std::set<std::string> prom_names;
    for (const auto& [name, f] : by_node) prom_names.insert(name);
    if (prom_names != sim_names) {
      problems << "nodes " << Join(prom_names) << " != simulator's " << Join(sim_names) << "; ";
    }
    for (const auto& [name, f] : by_node) {
      if (f.size() != 4) {
        problems << name << " has " << f.size() << " of the 4 families; ";
        continue;
      }
      const double total = f.at("node_total_hourly_cost");
      if (!(total > 0)) problems << name << " node_total_hourly_cost " << total << " <= 0; ";
      for (const char* unit : {"node_cpu_hourly_cost", "node_ram_hourly_cost"}) {
        if (!(f.at(unit) > 0)) problems << name << " " << unit << " " << f.at(unit) << "; ";
      }
      if (f.at("node_gpu_hourly_cost") < 0) problems << name << " node_gpu_hourly_cost < 0; ";
      const auto s = sim.find(name);
      if (s == sim.end()) continue;
      const double sum = f.at("node_cpu_hourly_cost") * s->second.cores +
                         f.at("node_ram_hourly_cost") * s->second.gib +
                         f.at("node_gpu_hourly_cost") * s->second.gpus;
      if (std::abs(sum - total) > 1e-6 * total) {
        problems << name << ": cpu*" << s->second.cores << " + ram*" << s->second.gib << " + gpu*"
                 << s->second.gpus << " = " << sum << " != node_total_hourly_cost " << total
                 << "; ";
      }
      if (s->second.gpus > 0 && !(f.at("node_gpu_hourly_cost") > 0)) {
        problems << name << " has GPUs but node_gpu_hourly_cost " << f.at("node_gpu_hourly_cost")
                 << "; ";
      }
    }
    return problems.str();
  });
}

TEST_F(MetricsPrometheusTest, SpotFlagAndGpuCountFollowTheNodes) {
  Series("kubecost_node_is_spot");
  Series("node_gpu_count");
  Eventually("kubecost_node_is_spot and node_gpu_count match the simulator", [] {
    const auto sim = SimNodes(sim_url());
    std::ostringstream problems;
    int spot_ones = 0;
    const json spot = prom().Query(R"(kubecost_node_is_spot{job="costledger"})");
    for (const json& sample : spot) {
      const std::string node = Label(sample, "node");
      const double v = Value(sample);
      if (v != 0 && v != 1) problems << node << " kubecost_node_is_spot " << v << "; ";
      if (v == 1) ++spot_ones;
      const auto s = sim.find(node);
      if (s == sim.end()) {
        problems << "kubecost_node_is_spot for unknown node '" << node << "'; ";
      } else if ((v == 1) != s->second.spot) {
        problems << node << " kubecost_node_is_spot " << v << " but capacity-type "
                 << (s->second.spot ? "spot" : "on-demand") << "; ";
      }
    }
    if (spot.size() != sim.size()) {
      problems << spot.size() << " kubecost_node_is_spot series for " << sim.size() << " nodes; ";
    }
    bool sim_has_spot = false;
    bool sim_has_gpu = false;
    for (const auto& [name, n] : sim) {
      sim_has_spot = sim_has_spot || n.spot;
      sim_has_gpu = sim_has_gpu || n.gpus > 0;
    }
    if (sim_has_spot && spot_ones == 0) problems << "no kubecost_node_is_spot == 1; ";

    int gpu_nodes = 0;
    const json gpus = prom().Query(R"(node_gpu_count{job="costledger"})");
    for (const json& sample : gpus) {
      const std::string node = Label(sample, "node");
      const auto s = sim.find(node);
      if (Value(sample) > 0) ++gpu_nodes;
      if (s != sim.end() && Value(sample) != s->second.gpus) {
        problems << node << " node_gpu_count " << Value(sample) << " != " << s->second.gpus << "; ";
      }
    }
    if (gpus.size() != sim.size()) {
      problems << gpus.size() << " node_gpu_count series for " << sim.size() << " nodes; ";
    }
    if (sim_has_gpu && gpu_nodes == 0) problems << "no node_gpu_count > 0; ";
    if (!sim_has_gpu) problems << "the simulated cluster has no GPU node (change the seed); ";
    return problems.str();
  });
}

// container_{cpu,memory,gpu}_allocation: one series per running container with OpenCost's
// labels, each on the node the simulator runs its pod on.
TEST_F(MetricsPrometheusTest, ContainerAllocationFamiliesHaveOpenCostLabels) {
  for (const char* family : {"container_cpu_allocation", "container_memory_allocation_bytes",
                             "container_gpu_allocation"}) {
    SCOPED_TRACE(family);
    Eventually(std::string(family) + " labels and pods", [family] {
      const json result = prom().Query(std::string(family) + R"({job="costledger"})");
      if (result.empty()) return std::string("no series");
      const auto pods = SimPods(sim_url());
      std::ostringstream problems;
      for (const json& sample : result) {
        for (const char* label : {"namespace", "pod", "container", "node", "instance"}) {
          if (Label(sample, label).empty()) {
            problems << "no " << label << " label: " << sample.dump() << "; ";
          }
        }
        if (Label(sample, "instance") != Label(sample, "node")) {
          problems << "instance is not the node: " << sample.dump() << "; ";
        }
        if (Value(sample) < 0) problems << "negative: " << sample.dump() << "; ";
        const auto pod = pods.find(Label(sample, "namespace") + "/" + Label(sample, "pod"));
        if (pod == pods.end()) {
          problems << "pod not in the simulator: " << sample.dump() << "; ";
        } else if (pod->second.node != Label(sample, "node")) {
          problems << "simulator runs the pod on '" << pod->second.node << "': " << sample.dump()
                   << "; ";
        }
      }
      return problems.str();
    });
  }
  EXPECT_GT(OneValue(R"(sum(container_cpu_allocation{job="costledger"}))"), 0);
  EXPECT_GT(OneValue(R"(sum(container_memory_allocation_bytes{job="costledger"}))"), 0);
  Eventually("GPU pods have container_gpu_allocation > 0", [] {
    const auto pods = SimPods(sim_url());
    bool gpu_pod = false;
    for (const auto& [key, p] : pods) {
      gpu_pod = gpu_pod || (p.requests_gpu && !p.node.empty() && p.phase == "Running");
    }
    if (!gpu_pod) return std::string("the simulator runs no GPU pod (change the seed)");
    const double sum = OneValue(R"(sum(container_gpu_allocation{job="costledger"}))");
    return sum > 0 ? std::string() : "sum(container_gpu_allocation) is " + std::to_string(sum);
  });
}

// OpenCost's documented query form works unchanged and yields the simulator's namespaces.
TEST_F(MetricsPrometheusTest, OpenCostSumByNamespaceGivesTheClustersNamespaces) {
  Series("sum by (namespace) (container_cpu_allocation)");
  Eventually("sum by (namespace) (container_cpu_allocation) == the simulator's namespaces", [] {
    const json result = prom().Query("sum by (namespace) (container_cpu_allocation)");
    const auto pods = SimPods(sim_url());
    std::set<std::string> got;
    std::ostringstream problems;
    for (const json& sample : result) {
      if (sample.at("metric").size() != 1) problems << "extra labels: " << sample.dump() << "; ";
      got.insert(Label(sample, "namespace"));
    }
    // Pods bound to a node and running hold their allocation; finished ones may still be
    // charged for the interval they ended in.
    std::set<std::string> must;
    std::set<std::string> may;
    for (const auto& [key, p] : pods) {
      if (p.node.empty()) continue;
      const std::string ns = key.substr(0, key.find('/'));
      may.insert(ns);
      if (p.phase == "Running") must.insert(ns);
    }
    for (const std::string& ns : must) {
      if (!got.contains(ns)) problems << "namespace " << ns << " missing; ";
    }
    for (const std::string& ns : got) {
      if (!may.contains(ns)) problems << "namespace '" << ns << "' not in the simulator; ";
    }
    if (!problems.str().empty()) {
      problems << "got " << Join(got) << ", simulator runs " << Join(must) << " (may " << Join(may)
               << ")";
    }
    return problems.str();
  });
}

TEST_F(MetricsPrometheusTest, ContainerCostCounterGrowsByNamespaceAndTeam) {
  const json series = Series(R"(costledger_container_cost_dollars_total{job="costledger"})");
  std::set<std::string> sim_namespaces;
  std::set<std::string> sim_teams;
  for (const auto& pods : {stack_->pods_at_start, SimPods(sim_url())}) {
    for (const auto& [key, p] : pods) {
      sim_namespaces.insert(key.substr(0, key.find('/')));
      if (!p.team.empty()) sim_teams.insert(p.team);
    }
  }
  std::set<std::string> teams;
  for (const json& sample : series) {
    EXPECT_FALSE(Label(sample, "namespace").empty()) << sample.dump();
    EXPECT_TRUE(sim_namespaces.contains(Label(sample, "namespace"))) << sample.dump();
    EXPECT_GE(Value(sample), 0) << sample.dump();
    const std::string team = Label(sample, "team");
    if (!team.empty()) {
      teams.insert(team);
      EXPECT_TRUE(sim_teams.contains(team)) << sample.dump() << " not in " << Join(sim_teams);
    }
  }
  EXPECT_FALSE(teams.empty()) << "no series has a team label: " << series.dump();
  const json by_team = Series(R"(sum by (team) (costledger_container_cost_dollars_total))");
  EXPECT_GE(by_team.size(), 2U) << by_team.dump();

  const double first = OneValue("sum(costledger_container_cost_dollars_total)");
  EXPECT_GT(first, 0);
  Eventually("sum(costledger_container_cost_dollars_total) increases", [first] {
    const double now = OneValue("sum(costledger_container_cost_dollars_total)");
    return now > first ? ""
                       : "still " + std::to_string(now) + " (was " + std::to_string(first) + ")";
  });
  // As a counter: rate() over the scrapes is positive for the cluster.
  Eventually("rate(costledger_container_cost_dollars_total[15s]) > 0", [] {
    const double rate = OneValue("sum(rate(costledger_container_cost_dollars_total[15s]))");
    return rate > 0 ? std::string() : "rate " + std::to_string(rate);
  });
}

TEST_F(MetricsPrometheusTest, IdleCostCounterIsPerCluster) {
  const json idle = Series(R"(costledger_idle_cost_dollars_total{job="costledger"})");
  ASSERT_EQ(idle.size(), 1U) << idle.dump();
  EXPECT_EQ(Label(idle[0], "cluster"), kCluster);
  EXPECT_GT(Value(idle[0]), 0);
}

TEST_F(MetricsPrometheusTest, QueryCostAndCountCountersCarryWorkgroupAndTeam) {
  const json cost = Series(R"(costledger_query_cost_dollars_total{job="costledger"})");
  std::map<std::string, std::string> team_of;
  for (const json& sample : cost) {
    EXPECT_FALSE(Label(sample, "workgroup").empty()) << sample.dump();
    EXPECT_GE(Value(sample), 0) << sample.dump();
    team_of[Label(sample, "workgroup")] = Label(sample, "team");
  }
  EXPECT_EQ(team_of["analytics"], "alpha") << cost.dump();
  EXPECT_EQ(team_of["ml-features"], "beta") << cost.dump();
  EXPECT_GT(OneValue(R"(costledger_query_cost_dollars_total{workgroup="analytics",team="alpha"})"),
            0);

  const json counts = Series(R"(costledger_queries_total{job="costledger"})");
  for (const json& sample : counts) {
    const std::string state = Label(sample, "state");
    EXPECT_TRUE(state == "SUCCEEDED" || state == "FAILED" || state == "CANCELLED")
        << "only final states are counted: " << sample.dump();
    EXPECT_FALSE(Label(sample, "workgroup").empty()) << sample.dump();
    EXPECT_GT(Value(sample), 0) << sample.dump();
  }
  EXPECT_GT(
      OneValue(R"(costledger_queries_total{workgroup="analytics",team="alpha",state="SUCCEEDED"})"),
      0);
  // Every workgroup with a cost has counted queries, and the other way round.
  std::set<std::string> cost_workgroups;
  for (const json& s : cost) cost_workgroups.insert(Label(s, "workgroup"));
  std::set<std::string> count_workgroups;
  for (const json& s : Series("sum by (workgroup) (costledger_queries_total)")) {
    count_workgroups.insert(Label(s, "workgroup"));
  }
  EXPECT_EQ(cost_workgroups, count_workgroups);
}

TEST_F(MetricsPrometheusTest, HealthFamilies) {
  EXPECT_GT(OneValue(R"(costledger_interval_duration_seconds_count{job="costledger"})"), 0);
  EXPECT_GT(OneValue(R"(costledger_interval_duration_seconds_sum{job="costledger"})"), 0);
  EXPECT_GT(OneValue(R"(costledger_interval_duration_seconds_bucket{job="costledger",le="+Inf"})"),
            0);
  EXPECT_EQ(OneValue(R"(costledger_spool_depth{job="costledger"})"), 0);
  EXPECT_EQ(OneValue(R"(costledger_database_up{job="costledger"})"), 1);
  EXPECT_GT(OneValue(R"(costledger_interval_start_timestamp_seconds{job="costledger"})"), 1.6e9);
  EXPECT_FALSE(Series(R"(costledger_source_errors_total{job="costledger"})").empty());
  Eventually("costledger_http_requests_total{route=\"/metrics\"} > 0", [] {
    const double v =
        OneValue(R"(costledger_http_requests_total{job="costledger",route="/metrics",code="200"})");
    return v > 0 ? std::string() : "value " + std::to_string(v);
  });
  EXPECT_FALSE(
      Series(R"(costledger_http_request_duration_seconds_count{route="/metrics"})").empty());
}

// opencost-integration-tests' allocation/pod_labels_test.go, namespace_labels_test.go and
// asset/node_labels_test.go, as they run: running pods (and namespaces) from Prometheus'
// kube_pod_container_status_running, their label_* series over the last 24 h, and
// /allocation?window=24h&aggregate=pod (namespace)&accumulate=true&includeAggregatedMetadata=
// true; every label Prometheus holds must be in the allocation's properties.labels under the
// same name with the same value. Nodes: kube_node_labels against /assets' node labels.
TEST_F(MetricsPrometheusTest, OpenCostIntegrationTestsLabelsMatchPrometheus) {
  const std::string api = "http://127.0.0.1:" + std::to_string(stack_->api_port);
  for (const std::string by : {"pod", "namespace"}) {
    SCOPED_TRACE(by);
    std::set<std::string> running;
    for (const json& s : Series("avg(avg_over_time(kube_pod_container_status_running{job="
                                "\"costledger\"}[24h])) by (" +
                                by + ")")) {
      if (Value(s) > 0) running.insert(Label(s, by));
    }
    ASSERT_FALSE(running.empty());
    const std::string family = by == "pod" ? "kube_pod_labels" : "kube_namespace_labels";
    std::map<std::string, std::map<std::string, std::string>> prom_labels;
    for (const json& s : Series("avg_over_time(" + family + "{job=\"costledger\"}[24h])")) {
      const std::string name = Label(s, by);
      if (!running.contains(name)) continue;
      auto& labels = prom_labels[name];
      for (const auto& [key, value] : s.at("metric").items()) {
        if (key.rfind("label_", 0) == 0) labels[key.substr(6)] = value.get<std::string>();
      }
    }
    ASSERT_FALSE(prom_labels.empty());
    const json data = GetJson(api + "/allocation?window=24h&aggregate=" + by +
                              "&accumulate=true&includeAggregatedMetadata=true")
                          .at("data")
                          .at(0);
    std::size_t compared = 0;
    for (const auto& [name, labels] : prom_labels) {
      if (!data.contains(name)) continue;  // the test logs these and goes on
      const json& alloc_labels = data.at(name).at("properties").at("labels");
      for (const auto& [key, value] : labels) {
        ASSERT_TRUE(alloc_labels.contains(key))
            << name << ": " << key << " not in " << alloc_labels.dump();
        EXPECT_EQ(alloc_labels.at(key), value) << name << " " << key;
        ++compared;
      }
    }
    // Pods carry labels with dots and slashes (app.kubernetes.io/name, hub.jupyter.org/...):
    // those are compared by their Prometheus names. Namespaces carry none here (costledger
    // lists no Namespace objects), so that half compares nothing and only must answer.
    if (by == "pod") {
      EXPECT_GT(compared, 50U);
    }
  }
  // api/asset/node_labels_test.go: kube_node_labels' label_* against /assets' node labels.
  const json assets = GetJson(api + "/assets?window=24h&filter=assetType:%22node%22").at("data");
  std::size_t compared = 0;
  for (const json& s : Series(R"(avg_over_time(kube_node_labels{job="costledger"}[24h]))")) {
    const std::string node = Label(s, "node");
    const json* labels = nullptr;
    for (const auto& [key, a] : assets.items()) {
      if (a.at("properties").at("name") == node) labels = &a.at("labels");
    }
    ASSERT_NE(labels, nullptr) << node << " not in /assets";
    for (const auto& [key, value] : s.at("metric").items()) {
      if (key.rfind("label_", 0) != 0) continue;
      ASSERT_TRUE(labels->contains(key.substr(6)))
          << node << ": " << key << " not in " << labels->dump();
      EXPECT_EQ(labels->at(key.substr(6)), value) << node << " " << key;
      ++compared;
    }
  }
  EXPECT_GT(compared, 10U);  // nodes carry instance type, zone, capacity type, ...
}

// Last: stops serve. Prometheus keeps the data, but the checks above need a live target.
// The OpenCost mixin's dashboards (adinhodovic/opencost-mixin: "OpenCost / Overview" and
// "OpenCost / Namespace", defaults: dynamic job discovery, kube-state-metrics families under the
// OpenCost job, no cluster label) against a Prometheus that scrapes serve as job "opencost"
// with honor_labels, as OpenCost's own chart configures it. Every panel query is written down
// below as a fact (whitespace condensed; $cluster is "" as label_values gives without a cluster
// label, $opencost_job and $ksm_job "opencost", $namespace a namespace with claims and pods), and
// must return data now. Not checked, as they need history by nature: the overview's "Total Cost
// Variance" and "Resource Cost Variance" panels (the current day against 7-day and 30-day
// averages, subqueries at whole hours: no point before the first whole hour of data), its
// namespace table columns "vs 7d/30d ago" (offset 7d/30d), and the namespace dashboard's pod and
// container table columns "vs 7d/30d ago". The workload dashboard: the next test.
TEST_F(MetricsPrometheusTest, OpenCostMixinDashboardPanelsReturnData) {
  PrivatePrometheusOptions options;
  options.targets = {"127.0.0.1:" + std::to_string(stack_->api_port)};
  options.job = "opencost";
  options.scrape_interval = milliseconds(1000);
  const PrivatePrometheus oc(options);
  // The dashboards' variables: cluster and job from opencost_build_info, namespaces from
  // kube_namespace_status_phase.
  oc.WaitForSeries(R"(opencost_build_info{cluster=""})", kWait);
  const json jobs = oc.WaitForSeries(R"(count by (job) (opencost_build_info{cluster=""}))", kWait);
  ASSERT_EQ(Label(jobs.at(0), "job"), "opencost");
  oc.WaitForSeries(R"(kube_namespace_status_phase{cluster="", job="opencost"})", kWait);
  oc.WaitForSeries(R"(pod_pvc_allocation{job="opencost"})", kWait);
  const json with_claims = oc.WaitForSeries(
      R"(count by (namespace) (kube_persistentvolumeclaim_info{job="opencost"})
         and on(namespace) count by (namespace) (container_cpu_allocation{job="opencost"}))",
      kWait);
  const std::string ns = Label(with_claims.at(0), "namespace");
  const std::string oc_filter = R"(cluster="", job="opencost")";
  const std::string ns_filter = oc_filter + R"(, namespace=")" + ns + R"(")";
  const auto fill = [&](std::string q) {
    for (std::size_t at = q.find("{NS}"); at != std::string::npos; at = q.find("{NS}")) {
      q.replace(at, 4, "{" + ns_filter + "}");
    }
    for (std::size_t at = q.find("{OC"); at != std::string::npos; at = q.find("{OC")) {
      q.replace(at, 3, "{" + oc_filter);
    }
    return q;
  };
  const std::string hourly =
      "sum(node_total_hourly_cost{OC}) + sum(sum(kube_persistentvolume_capacity_bytes{OC} / (1024 "
      "* 1024 * 1024)) by (persistentvolume) * on(persistentvolume) group_left() "
      "sum(pv_hourly_cost{OC}) by (persistentvolume))";
  const std::string ram =
      "sum(sum(kube_node_status_capacity{OC, resource=\"memory\", unit=\"byte\"}) by (node) / "
      "(1024 * 1024 * 1024) * on(node) group_left() sum(node_ram_hourly_cost{OC}) by (node) * 730)";
  const std::string cpu =
      "sum(sum(kube_node_status_capacity{OC, resource=\"cpu\", unit=\"core\"}) by (node) * "
      "on(node) "
      "group_left() sum(node_cpu_hourly_cost{OC}) by (node) * 730)";
  const std::string pv =
      "sum(sum(kube_persistentvolume_capacity_bytes{OC} / (1024 * 1024 * 1024)) by "
      "(persistentvolume) * on(persistentvolume) group_left() sum(pv_hourly_cost{OC}) by "
      "(persistentvolume)) * 730";
  const std::string ns_ram =
      "sum(sum(container_memory_allocation_bytes{NS}) by (namespace, instance) * on(instance) "
      "group_left() (avg(node_ram_hourly_cost{OC}) by (instance) / (1024 * 1024 * 1024) * 730))";
  const std::string ns_cpu =
      "sum(sum(container_cpu_allocation{NS}) by (namespace, instance) * on(instance) group_left() "
      "(avg(node_cpu_hourly_cost{OC}) by (instance) * 730))";
  const std::string ns_gpu =
      "sum(sum(container_gpu_allocation{NS}) by (namespace, instance) * on(instance) group_left() "
      "(avg(node_gpu_hourly_cost{OC}) by (instance) * 730))";
  const std::string claims =
      "label_replace(kube_persistentvolumeclaim_info{NS}, \"persistentvolume\", \"$1\", "
      "\"volumename\", \"(.*)\")";
  const std::string ns_pv_sum =
      "sum(sum(kube_persistentvolume_capacity_bytes{OC} / (1024 * 1024 * 1024)) by "
      "(persistentvolume) * sum(pv_hourly_cost{OC}) by (persistentvolume) * on(persistentvolume) "
      "group_left(cluster, namespace, persistentvolumeclaim) (" +
      claims + ")";
  const std::string ns_pv = ns_pv_sum + ") * 730";
  const std::string ns_pv_no_nil = ns_pv_sum + " or vector(0)) * 730";
  const std::string ns_monthly = ns_ram + " + " + ns_cpu + " + " + ns_gpu + " + " + ns_pv_no_nil;
  std::string ns_hourly = ns_monthly;
  for (std::size_t at = ns_hourly.find(") * 730"); at != std::string::npos;
       at = ns_hourly.find(") * 730", at)) {
    ns_hourly.replace(at, 7, ") * 1");
  }
  const auto top_by = [](const std::string& by) {
    return "topk(10, sum((sum(container_memory_allocation_bytes{NS}) by (instance, " + by +
           ") * on(instance) group_left() (avg(node_ram_hourly_cost{OC}) by (instance) / (1024 * "
           "1024 * 1024) * 730)) + (sum(container_cpu_allocation{NS}) by (instance, " +
           by +
           ") * on(instance) group_left() (avg(node_cpu_hourly_cost{OC}) by (instance) * "
           "730))) by (" +
           by + "))";
  };
  const std::map<std::string, std::string> panels{
      // OpenCost / Overview.
      {"overview: Hourly Cost", hourly},
      {"overview: Monthly Cost", "(" + hourly + ") * 730"},
      {"overview: Monthly Ram Cost", ram},
      {"overview: Monthly CPU Cost", cpu},
      {"overview: Monthly PV Cost", pv},
      {"overview: Monthly GPU Cost", "sum(node_gpu_hourly_cost{OC}) * 730"},
      {"overview: Namespace Monthly Cost",
       "topk(10, sum(sum(container_memory_allocation_bytes{OC}) by (cluster, namespace, instance) "
       "* on(cluster, instance) group_left() (node_ram_hourly_cost{OC} / (1024 * 1024 * 1024) * "
       "730) + sum(container_cpu_allocation{OC}) by (cluster, namespace, instance) * on(cluster, "
       "instance) group_left() (node_cpu_hourly_cost{OC} * 730)) by (cluster, namespace))"},
      {"overview: Instance Type Cost",
       "topk(10, sum(node_total_hourly_cost{OC}) by (instance_type) * 730)"},
      {"overview: Node Total Cost",
       "sum(node_total_hourly_cost{OC}) by (node, instance_type, arch) * 730"},
      {"overview: Node CPU Cost",
       "sum(kube_node_status_capacity{OC, resource=\"cpu\", unit=\"core\"}) by (node) * on(node) "
       "group_left(cluster, instance_type, arch) sum(node_cpu_hourly_cost{OC}) by (node, "
       "instance_type, arch) * 730"},
      {"overview: Node RAM Cost",
       "sum(kube_node_status_capacity{OC, resource=\"memory\", unit=\"byte\"}) by (node) / (1024 * "
       "1024 * 1024) * on(node) group_left(cluster, instance_type, arch) "
       "sum(node_ram_hourly_cost{OC}) by (node, instance_type, arch) * 730"},
      {"overview: PV Total GiB",
       "sum(kube_persistentvolume_capacity_bytes{OC} / 1024 / 1024 / 1024) by (persistentvolume)"},
      {"overview: PV Monthly Cost",
       "sum(kube_persistentvolume_capacity_bytes{OC} / 1024 / 1024 / 1024) by (persistentvolume) "
       "* sum(pv_hourly_cost{OC} * 730) by (persistentvolume)"},
      // OpenCost / Namespace.
      {"namespace: Hourly Cost", ns_hourly},
      {"namespace: Monthly Cost", ns_monthly},
      {"namespace: Monthly Ram Cost", ns_ram},
      {"namespace: Monthly CPU Cost", ns_cpu},
      {"namespace: Monthly PV Cost", ns_pv},
      {"namespace: Monthly GPU Cost", ns_gpu},
      {"namespace: Pod Monthly Cost", top_by("pod")},
      {"namespace: Container Monthly Cost", top_by("container")},
      {"namespace: PVC Total GiB",
       "sum(sum(kube_persistentvolume_capacity_bytes{OC} / (1024 * 1024 * 1024)) by "
       "(persistentvolume) * on(persistentvolume) group_left(cluster, namespace, "
       "persistentvolumeclaim) " +
           claims + ") by (persistentvolumeclaim)"},
      {"namespace: PV Monthly Cost by PV", ns_pv_sum + ") by (persistentvolume) * 730"},
      {"namespace: PVC Monthly Cost by Claim", ns_pv_sum + ") by (persistentvolumeclaim) * 730"},
  };
  for (const auto& [panel, query] : panels) {
    const std::string promql = fill(query);
    Eventually(panel, [&]() -> std::string {
      const json result = oc.Query(promql);
      if (result.empty()) return "no data for " + promql;
      for (const json& sample : result) {
        if (!std::isfinite(Value(sample))) return "not a number in " + result.dump();
      }
      return {};
    });
  }
  // Storage is priced: the namespace's claims cost something.
  EXPECT_GT(Value(oc.Query(fill(ns_pv)).at(0)), 0.0);
}

// The OpenCost mixin's third dashboard, "OpenCost / Workload": its panels read the mixin's
// recording rules workload:opencost_{ram,cpu,gpu,pvc}_cost:sum, which join the costs on the
// kubernetes-mixin rule namespace_workload_pod:kube_pod_owner:relabel (pods to workloads from
// kube_pod_owner and kube_replicaset_owner). Both rule sets are written down below as facts, with
// the selector both mixins make configurable (kubeStateMetricsSelector) set to job="opencost",
// as where OpenCost's own KSM families stand in for kube-state-metrics; evaluated every second.
// Not loaded: the kubernetes-mixin's Job rule (it needs kube_job_owner: costledger does not list
// Jobs, so a Job's CronJob is unknown) and its static-pod rule (owner Node). Every panel averages
// its rule over the last hour at 5-minute steps ([1h:5m]): it shows data from the first 5-minute
// boundary after the rules first ran, so the panels are evaluated at the next boundary (the
// query's time), not waited for up to five minutes.
TEST_F(MetricsPrometheusTest, OpenCostMixinWorkloadDashboardPanelsReturnData) {
  const std::string ksm = R"(job="opencost")";
  const auto owner_rule = [](const std::string& type, const std::string& expr) {
    return json{{"record", "namespace_workload_pod:kube_pod_owner:relabel"},
                {"expr", expr},
                {"labels", {{"workload_type", type}}}};
  };
  const auto replicaset_join = [&](const std::string& rs_owner_kind, const std::string& from) {
    return "max by (cluster, namespace, workload, pod) (label_replace(label_replace("
           "kube_pod_owner{" +
           ksm +
           R"(, owner_kind="ReplicaSet"}, "replicaset", "$1", )"
           R"q("owner_name", "(.*)") * on (cluster, replicaset, namespace) group_left(owner_name) )q"
           "topk by(cluster, replicaset, namespace) (1, max by (cluster, replicaset, namespace, "
           "owner_name) (kube_replicaset_owner{" +
           ksm + R"(, owner_kind=")" + rs_owner_kind + R"("})), "workload", "$1", ")" + from +
           R"q(", "(.*)")))q";
  };
  const auto direct = [&](const std::string& kind, const std::string& extra,
                          const std::string& from, const std::string& regex) {
    return "max by (cluster, namespace, workload, pod) (label_replace(kube_pod_owner{" + ksm +
           R"(, owner_kind=")" + kind + "\"" + extra + R"(}, "workload", "$1", ")" + from +
           R"(", ")" + regex + R"q(")))q";
  };
  const json pod_owner_rules{
      owner_rule("replicaset", replicaset_join("", "replicaset")),
      owner_rule("deployment", replicaset_join("Deployment", "owner_name")),
      owner_rule("daemonset", direct("DaemonSet", "", "owner_name", "(.*)")),
      owner_rule("statefulset", direct("StatefulSet", "", "owner_name", "(.*)")),
      owner_rule("barepod", direct("", R"(, owner_name="")", "pod", "(.+)")),
  };
  const std::string workloads =
      "max by (cluster, namespace, pod, workload_type, workload) "
      "(namespace_workload_pod:kube_pod_owner:relabel)";
  const auto cost_rule = [&](const std::string& record, const std::string& allocation,
                             const std::string& price) {
    return json{{"record", record},
                {"expr",
                 "sum by (cluster, namespace, workload_type, workload) ((sum by (cluster, "
                 "namespace, pod, instance) (" +
                     allocation + ") * on(cluster, instance) group_left() " + price +
                     ") * on(cluster, namespace, pod) group_left(workload_type, "
                     "workload) " +
                     workloads + ")"}};
  };
  const std::string pvc_rule =
      "sum by (cluster, namespace, persistentvolumeclaim, workload_type, workload) (max by "
      "(cluster, namespace, persistentvolumeclaim, workload_type, workload) (max by (cluster, "
      "namespace, pod, persistentvolumeclaim) (kube_pod_spec_volumes_persistentvolumeclaims_info{" +
      ksm + "}) * on(cluster, namespace, pod) group_left(workload_type, workload) " + workloads +
      ") * on(cluster, namespace, persistentvolumeclaim) group_left() sum by (cluster, namespace, "
      "persistentvolumeclaim) ((sum by (cluster, persistentvolume) "
      "(kube_persistentvolume_capacity_bytes{" +
      ksm +
      "} / 1024 / 1024 / 1024) * sum by (cluster, persistentvolume) (pv_hourly_cost)) * "
      "on(cluster, persistentvolume) group_left(persistentvolumeclaim, namespace) max by "
      "(cluster, persistentvolume, persistentvolumeclaim, namespace) "
      "(label_replace(kube_persistentvolumeclaim_info{" +
      ksm + R"q(}, "persistentvolume", "$1", "volumename", "(.*)")))))q";
  const json workload_rules{
      cost_rule("workload:opencost_ram_cost:sum", "container_memory_allocation_bytes",
                "(avg by (cluster, instance) (node_ram_hourly_cost) / 1024 / 1024 / 1024)"),
      cost_rule("workload:opencost_cpu_cost:sum", "container_cpu_allocation",
                "avg by (cluster, instance) (node_cpu_hourly_cost)"),
      cost_rule("workload:opencost_gpu_cost:sum", "container_gpu_allocation",
                "avg by (cluster, instance) (node_gpu_hourly_cost)"),
      json{{"record", "workload:opencost_pvc_cost:sum"}, {"expr", pvc_rule}},
  };

  PrivatePrometheusOptions options;
  options.targets = {"127.0.0.1:" + std::to_string(stack_->api_port)};
  options.job = "opencost";
  options.scrape_interval = milliseconds(1000);
  options.rule_groups = json::array(
      {json{{"name", "k8s.rules.pod_owner"}, {"interval", "1s"}, {"rules", pod_owner_rules}},
       json{{"name", "opencost.rules.workload"}, {"interval", "1s"}, {"rules", workload_rules}}});
  const PrivatePrometheus oc(options);

  // Every owner kind the rules know that the simulated cluster runs becomes a workload type.
  const json types = oc.WaitForSeries(
      R"(count by (workload_type) (namespace_workload_pod:kube_pod_owner:relabel{cluster=""}))",
      kWait);
  std::set<std::string> type_names;
  for (const json& t : types) type_names.insert(Label(t, "workload_type"));
  for (const char* expected : {"deployment", "statefulset", "barepod"}) {
    EXPECT_TRUE(type_names.contains(expected)) << expected << " not in " << types.dump();
  }
  // A Deployment's pods are the Deployment's, not their ReplicaSet's.
  EXPECT_TRUE(
      oc.Query(R"(namespace_workload_pod:kube_pod_owner:relabel{workload_type="replicaset"})")
          .empty());

  // The dashboard's variables: $namespace (one whose workloads have claims), then all of its
  // workload types and workloads, as Grafana's "All" sends them: (a|b|...).
  const json with_claims = oc.WaitForSeries(
      R"(count by (namespace) (workload:opencost_pvc_cost:sum{cluster=""})
         and on(namespace) count by (namespace) (workload:opencost_cpu_cost:sum{cluster=""}))",
      kWait);
  const std::string ns = Label(with_claims.at(0), "namespace");
  const auto all_of = [&](const std::string& label, const std::string& selector) {
    std::string values;
    for (const json& s :
         oc.Query("count by (" + label + ") (namespace_workload_pod:kube_pod_owner:relabel{" +
                  selector + "})")) {
      values += (values.empty() ? "" : "|") + Label(s, label);
    }
    return "(" + values + ")";
  };
  const std::string in_ns = R"(cluster="", namespace=")" + ns + "\"";
  const std::string type_all = all_of("workload_type", in_ns);
  const std::string workload_all =
      all_of("workload", in_ns + R"(, workload_type=~")" + type_all + "\"");
  const std::string chosen =
      in_ns + R"(, workload_type=~")" + type_all + R"(", workload=~")" + workload_all + "\"";
  const auto avg = [&](const std::string& resource) {
    return "sum by (cluster, namespace, workload_type, workload) "
           "(avg_over_time(workload:opencost_" +
           resource + "_cost:sum{" + chosen + "}[1h:5m]))";
  };
  const std::string ram = avg("ram");
  const std::string cpu = avg("cpu");
  const std::string pvc = avg("pvc");
  const std::string gpu = avg("gpu");
  const std::string total = "((" + ram + " + " + cpu + ") + (" + pvc + " or (" + ram +
                            " * 0)) + (" + gpu + " or (" + ram + " * 0)))";
  const auto monthly = [](const std::string& q) { return "sum((" + q + ") * 730) or vector(0)"; };
  const std::map<std::string, std::string> panels{
      {"Hourly Cost", "sum(" + total + ") or vector(0)"},
      {"Monthly Cost", monthly(total)},
      {"Monthly CPU Cost", monthly(cpu)},
      {"Monthly Ram Cost", monthly(ram)},
      {"Monthly GPU Cost", monthly(gpu)},
      {"Monthly PV Cost", monthly(pvc)},
      {"Cost by Workload", "topk(10, " + total + " * 730)"},
      {"Cost by Workload Type", "sum by (workload_type) (" + total + " * 730)"},
      {"Workload Monthly Cost: RAM", "(" + ram + ") * 730"},
      {"Workload Monthly Cost: CPU", "(" + cpu + ") * 730"},
      {"Workload Monthly Cost: PV", "(" + pvc + ") * 730"},
      {"Workload Monthly Cost: GPU", "(" + gpu + ") * 730"},
      {"Workload Monthly Cost: total", total + " * 730"},
      {"Persistent Volume Claims Monthly Cost",
       "sum by (persistentvolumeclaim, workload_type, workload) (avg_over_time("
       "workload:opencost_pvc_cost:sum{" +
           chosen + "}[1h:5m])) * 730"},
  };
  const double now_seconds =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double next_step = std::ceil(now_seconds / 300.0) * 300.0;
  for (const auto& [panel, promql] : panels) {
    Eventually(panel, [&]() -> std::string {
      const json result = oc.QueryAt(promql, next_step);
      if (result.empty()) return "no data for " + promql;
      for (const json& sample : result) {
        if (!std::isfinite(Value(sample))) return "not a number in " + result.dump();
      }
      return {};
    });
  }
  // Not the vector(0) fallbacks: the namespace's workloads cost something, storage included.
  EXPECT_GT(Value(oc.QueryAt("sum(" + total + ")", next_step).at(0)), 0.0);
  EXPECT_GT(Value(oc.QueryAt("sum(" + pvc + ")", next_step).at(0)), 0.0);
  EXPECT_GT(Value(oc.QueryAt("sum(" + cpu + ")", next_step).at(0)), 0.0);
}

TEST_F(MetricsPrometheusTest, ServeExitsZeroOnSigterm) {
  stack_->serve->Signal(SIGTERM);
  stack_->serve_stopped = true;
  EXPECT_EQ(stack_->serve->Wait(seconds(30)), 0) << stack_->serve->Log();
  EXPECT_NE(stack_->serve->Log().find("collector stopped"), std::string::npos)
      << stack_->serve->Log();
}

}  // namespace
}  // namespace costledger::api
