#include "promql_baseline.hpp"

#include <curl/curl.h>
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>

namespace costledger::bench {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::sys_seconds;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// timeutil.DurationString: whole days as "Nd", else hours, minutes, seconds.
std::string DurationString(std::chrono::seconds d) {
  const std::int64_t s = d.count();
  if (s % 86'400 == 0) return fmt::format("{}d", s / 86'400);
  if (s % 3'600 == 0) return fmt::format("{}h", s / 3'600);
  if (s % 60 == 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

std::size_t Append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// One series of a query's result, with the labels OpenCost's code reads.
struct Series {
  std::string namespace_name, pod, container, container_name, node;
  std::vector<std::pair<double, double>> values;  // one for a vector, several for a matrix
  double value() const { return values.empty() ? 0.0 : values.front().second; }
};

// Decodes a /api/v1/query answer ({"status":..,"data":{"resultType":..,"result":[{"metric":
// {..},"value":[t,"v"]} or "values":[[t,"v"],..]},..]}}) straight into Series, without a
// document tree: a real client's decoding, kept cheap so that it takes little CPU from
// Prometheus on the 2-core machine.
class ResultDecoder : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit ResultDecoder(std::vector<Series>& out) : out_(out) {}

  bool null() override { return true; }
  bool boolean(bool /*val*/) override { return true; }
  bool number_integer(number_integer_t v) override { return Number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t& /*s*/) override { return Number(v); }
  bool binary(binary_t& /*val*/) override { return true; }
  bool string(string_t& v) override {
    if (depth_ == 1 && key_ == "status") status_ = v;
    if (depth_ == 1 && key_ == "error") error_ = v;
    if (result_depth_ == 0) return true;
    if (depth_ == result_depth_ + 2 && section_ == kMetric) {
      Series& s = out_.back();
      if (key_ == "namespace") s.namespace_name = v;
      if (key_ == "pod") s.pod = v;
      if (key_ == "container") s.container = v;
      if (key_ == "container_name") s.container_name = v;
      if (key_ == "node") s.node = v;
    } else if (in_pair_) {
      out_.back().values.emplace_back(time_, std::strtod(v.c_str(), nullptr));
    }
    return true;
  }
  bool start_object(std::size_t /*elements*/) override {
    ++depth_;
    if (result_depth_ != 0 && depth_ == result_depth_ + 1) out_.emplace_back();
    return true;
  }
  bool key(string_t& k) override {
    key_ = k;
    if (result_depth_ != 0 && depth_ == result_depth_ + 1) {
      section_ = k == "metric" ? kMetric : k == "value" ? kValue : k == "values" ? kValues : kOther;
    }
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t /*elements*/) override {
    ++depth_;
    if (depth_ == 3 && key_ == "result") result_depth_ = depth_;
    if (result_depth_ != 0) {
      in_pair_ = (section_ == kValue && depth_ == result_depth_ + 2) ||
                 (section_ == kValues && depth_ == result_depth_ + 3);
    }
    return true;
  }
  bool end_array() override {
    if (depth_ == result_depth_) result_depth_ = 0;
    in_pair_ = false;
    --depth_;
    return true;
  }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) override {
    throw std::runtime_error(fmt::format("invalid JSON at {}: {}", position, e.what()));
  }

  const std::string& status() const { return status_; }
  const std::string& error() const { return error_; }

 private:
  enum Section { kOther, kMetric, kValue, kValues };
  bool Number(double v) {
    if (in_pair_) time_ = v;
    return true;
  }

  std::vector<Series>& out_;
  int depth_ = 0;
  int result_depth_ = 0;  // the depth of data.result's array while inside it
  std::string key_;
  Section section_ = kOther;
  bool in_pair_ = false;
  double time_ = 0;
  std::string status_, error_;
};

}  // namespace

void PromqlGroup::Add(const PromqlGroup& o) {
  cpu_cost += o.cpu_cost;
  ram_cost += o.ram_cost;
  gpu_cost += o.gpu_cost;
  cpu_core_hours += o.cpu_core_hours;
  ram_byte_hours += o.ram_byte_hours;
  gpu_hours += o.gpu_hours;
  cpu_request_core_hours += o.cpu_request_core_hours;
  ram_request_byte_hours += o.ram_request_byte_hours;
  cpu_usage_core_hours += o.cpu_usage_core_hours;
  ram_usage_byte_hours += o.ram_usage_byte_hours;
}

// One keep-alive connection to Prometheus, as each of the Go client's pooled connections.
class OpenCostPromql::Client {
 public:
  Client(std::string url, bool gzip) : url_(std::move(url)), curl_(curl_easy_init()) {
    if (curl_ == nullptr) throw std::runtime_error("curl_easy_init failed");
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Append);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 600'000L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_NOPROXY, "*");
    if (gzip) curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, "gzip");
  }
  ~Client() { curl_easy_cleanup(curl_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&&) = delete;
  Client& operator=(Client&&) = delete;

  // GET /api/v1/query?query=..&time=..: the body; throws unless HTTP 200.
  const std::string& Query(const std::string& promql, std::int64_t time, std::int64_t* received) {
    char* escaped = curl_easy_escape(curl_, promql.c_str(), static_cast<int>(promql.size()));
    const std::string url = fmt::format("{}/api/v1/query?query={}&time={}", url_, escaped, time);
    curl_free(escaped);
    body_.clear();
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    const CURLcode rc = curl_easy_perform(curl_);
    if (rc != CURLE_OK) {
      throw std::runtime_error(fmt::format("query {}: {}", promql, curl_easy_strerror(rc)));
    }
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
      throw std::runtime_error(
          fmt::format("query {}: HTTP {}: {}", promql, status, body_.substr(0, 1000)));
    }
    curl_off_t size = 0;
    curl_easy_getinfo(curl_, CURLINFO_SIZE_DOWNLOAD_T, &size);
    *received = size;
    return body_;
  }

 private:
  std::string url_;
  CURL* curl_;
  std::string body_;
};

// A decoded answer: data.result, a vector or (subqueries) a matrix.
struct OpenCostPromql::Result {
  std::string name;
  std::vector<Series> result;
};

OpenCostPromql::OpenCostPromql(std::string url, Options options)
    : url_(std::move(url)), options_(options) {
  for (int i = 0; i < options_.concurrency; ++i) {
    clients_.push_back(std::make_unique<Client>(url_, options_.gzip));
  }
}

OpenCostPromql::~OpenCostPromql() = default;

// The queries of computeAllocation (buildPodMap's first) with OpenCost's templates
// (modules/prometheus-source metricsquerier.go); the cluster filter is empty and the cluster
// label is cluster_id, the defaults. Only those the answer needs: the label, annotation,
// owner, PV, network, load balancer and max-usage queries OpenCost also sends are left out
// (generous to Prometheus).
std::vector<std::pair<std::string, std::string>> OpenCostPromql::BatchQueries(
    sys_seconds start, sys_seconds end) const {
  const std::string d = DurationString(end - start);
  const auto res = options_.resolution.count();
  return {
      {"Pods", fmt::format("avg(kube_pod_container_status_running{{}} != 0) by (pod, namespace, "
                           "cluster_id)[{}:{}m]",
                           d, res)},
      {"RAMBytesAllocated",
       fmt::format("avg(avg_over_time(container_memory_allocation_bytes{{container!=\"\", "
                   "container!=\"POD\", node!=\"\", }}[{}])) by (container, pod, namespace, "
                   "node, cluster_id, provider_id)",
                   d)},
      {"RAMRequests",
       fmt::format("avg(avg_over_time(kube_pod_container_resource_requests{{resource=\"memory\", "
                   "unit=\"byte\", container!=\"\", container!=\"POD\", node!=\"\", }}[{}])) by "
                   "(container, pod, namespace, node, cluster_id)",
                   d)},
      {"RAMUsageAvg",
       fmt::format("avg(avg_over_time(container_memory_working_set_bytes{{container!=\"\", "
                   "container_name!=\"POD\", container!=\"POD\", }}[{}])) by (container_name, "
                   "container, pod_name, pod, namespace, node, instance, cluster_id)",
                   d)},
      {"CPUCoresAllocated",
       fmt::format("avg(avg_over_time(container_cpu_allocation{{container!=\"\", "
                   "container!=\"POD\", node!=\"\", }}[{}])) by (container, pod, namespace, "
                   "node, cluster_id)",
                   d)},
      {"CPURequests",
       fmt::format("avg(avg_over_time(kube_pod_container_resource_requests{{resource=\"cpu\", "
                   "unit=\"core\", container!=\"\", container!=\"POD\", node!=\"\", }}[{}])) by "
                   "(container, pod, namespace, node, cluster_id)",
                   d)},
      {"CPUUsageAvg",
       fmt::format("avg(rate(container_cpu_usage_seconds_total{{container!=\"\", "
                   "container_name!=\"POD\", container!=\"POD\", }}[{}])) by (container_name, "
                   "container, pod_name, pod, namespace, node, instance, cluster_id)",
                   d)},
      {"GPUsAllocated",
       fmt::format("avg(avg_over_time(container_gpu_allocation{{container!=\"\", "
                   "container!=\"POD\", node!=\"\", }}[{}])) by (container, pod, namespace, "
                   "node, cluster_id)",
                   d)},
      {"NodeCPUPricePerHr",
       fmt::format("avg(avg_over_time(node_cpu_hourly_cost{{}}[{}])) by (node, cluster_id, "
                   "instance_type, provider_id)",
                   d)},
      {"NodeRAMPricePerGiBHr",
       fmt::format("avg(avg_over_time(node_ram_hourly_cost{{}}[{}])) by (node, cluster_id, "
                   "instance_type, provider_id)",
                   d)},
      {"NodeGPUPricePerHr",
       fmt::format("avg(avg_over_time(node_gpu_hourly_cost{{}}[{}])) by (node, cluster_id, "
                   "instance_type, provider_id)",
                   d)},
      {"NodeIsSpot", fmt::format("avg_over_time(kubecost_node_is_spot{{}}[{}])", d)},
  };
}

// ClusterNodes' queries (ComputeAssets, once for the whole step window), for idle: those of
// prices, capacities, GPU counts, active minutes and spot; the allocatable, CPU mode, RAM
// user/system and node label queries are left out.
std::vector<std::pair<std::string, std::string>> OpenCostPromql::AssetQueries(
    sys_seconds start, sys_seconds end) const {
  const std::string d = DurationString(end - start);
  const auto res = options_.resolution.count();
  return {
      {"NodeCPUHourlyCost",
       fmt::format("avg(avg_over_time(node_cpu_hourly_cost{{}}[{}])) by (cluster_id, node, "
                   "instance_type, provider_id)",
                   d)},
      {"NodeCPUCoresCapacity",
       fmt::format("avg(avg_over_time(kube_node_status_capacity_cpu_cores{{}}[{}])) by "
                   "(cluster_id, node)",
                   d)},
      {"NodeRAMHourlyCost",
       fmt::format("avg(avg_over_time(node_ram_hourly_cost{{}}[{}])) by (cluster_id, node, "
                   "instance_type, provider_id) / 1024 / 1024 / 1024",
                   d)},
      {"NodeRAMBytesCapacity",
       fmt::format("avg(avg_over_time(kube_node_status_capacity_memory_bytes{{}}[{}])) by "
                   "(cluster_id, node)",
                   d)},
      {"NodeGPUCount",
       fmt::format("avg(avg_over_time(node_gpu_count{{}}[{}])) by (cluster_id, node, "
                   "provider_id)",
                   d)},
      {"NodeGPUHourlyCost",
       fmt::format("avg(avg_over_time(node_gpu_hourly_cost{{}}[{}])) by (cluster_id, node, "
                   "instance_type, provider_id)",
                   d)},
      {"NodeActiveMins",
       fmt::format("avg(node_total_hourly_cost{{}}) by (node, cluster_id, provider_id)[{}:{}m]", d,
                   res)},
      {"NodeIsSpot", fmt::format("avg_over_time(kubecost_node_is_spot{{}}[{}:{}m])", d, res)},
  };
}

// Sends `queries` at once through the pool (at most `concurrency` in flight, as OpenCost's
// rate-limited client), each decoded by the thread that fetched it; waits for all.
std::vector<OpenCostPromql::Result> OpenCostPromql::Run(
    const std::vector<std::pair<std::string, std::string>>& queries, std::int64_t time,
    PromqlTimings* timings) {
  std::vector<Result> results(queries.size());
  std::vector<double> http_ms(queries.size());
  std::vector<double> decode_ms(queries.size());
  std::vector<std::int64_t> bytes(queries.size());
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto work = [&](Client& client) {
    for (;;) {
      const std::size_t i = next++;
      if (i >= queries.size()) return;
      try {
        auto t0 = Clock::now();
        const std::string& body = client.Query(queries[i].second, time, &bytes[i]);
        const auto t1 = Clock::now();
        ResultDecoder decoder(results[i].result);
        nlohmann::json::sax_parse(body, &decoder);
        if (decoder.status() != "success") {
          throw std::runtime_error("query " + queries[i].second + ": " + decoder.error());
        }
        results[i].name = queries[i].first;
        http_ms[i] = Ms(t1 - t0);
        decode_ms[i] = Ms(Clock::now() - t1);
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  };
  const std::size_t threads = std::min(queries.size(), clients_.size());
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work, std::ref(*clients_[t]));
  work(*clients_[0]);
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  if (timings != nullptr) {
    for (std::size_t i = 0; i < queries.size(); ++i) {
      ++timings->queries;
      timings->response_bytes += bytes[i];
      timings->http_ms += http_ms[i];
      timings->decode_ms += decode_ms[i];
      auto& [ms, count] = timings->by_query[queries[i].first];
      ms += http_ms[i];
      ++count;
    }
  }
  return results;
}

namespace {

// First and last running timestamps in the window, the start moved back one resolution
// (calculateStartEndFromIsRunning / calculateStartAndEnd); minutes between them.
double RunningMinutes(const Series& series, std::int64_t resolution, std::int64_t ws,
                      std::int64_t we) {
  std::int64_t s = 0;
  std::int64_t e = 0;
  bool found = false;
  for (const auto& [time, value] : series.values) {
    const auto t = static_cast<std::int64_t>(time);
    if (value <= 0 || t < ws || t > we) continue;
    if (!found) s = t;
    e = t;
    found = true;
  }
  if (!found) return 0;
  s = std::max(s - resolution, ws);
  e = std::min(e, we);
  return static_cast<double>(e - s) / 60.0;
}

std::string PodKey(const Series& series) { return series.namespace_name + '/' + series.pod; }

const std::string& ContainerOf(const Series& series) {
  return series.container.empty() ? series.container_name : series.container;
}

struct NodePricing {
  double cpu = 0, ram = 0, gpu = 0;  // per core-hour, GiB-hour, GPU-hour
};

}  // namespace

PromqlContainers OpenCostPromql::Compute(sys_seconds start, sys_seconds end,
                                         PromqlTimings* timings) {
  const auto started = Clock::now();
  const std::int64_t resolution = std::chrono::seconds(options_.resolution).count();
  // container key -> accumulated allocation, over the batches (AllocationSetRange.Accumulate).
  std::unordered_map<std::string, std::size_t> index;
  PromqlContainers out;
  PromqlGroup allocated;
  for (sys_seconds s = start; s < end;) {
    const sys_seconds e = std::min<sys_seconds>(s + options_.batch, end);
    const std::int64_t ws = s.time_since_epoch().count();
    const std::int64_t we = e.time_since_epoch().count();
    const auto queries = BatchQueries(s, e);
    // (1) buildPodMap: the pods and their running minutes, before anything else.
    const std::vector<Result> pods_result = Run({queries.front()}, we, timings);
    struct Pod {
      double minutes = 0;
      // container -> its allocation in this batch
      std::unordered_map<std::string, std::pair<std::string, PromqlGroup>> containers;
    };
    std::unordered_map<std::string, Pod> pods;
    for (const Series& series : pods_result.front().result) {
      const double minutes = RunningMinutes(series, resolution, ws, we);
      if (minutes > 0) pods[PodKey(series)].minutes = minutes;
    }
    // (2) The other queries at once; then applied to the pods (applyCPUCoresAllocated, ...).
    const std::vector<Result> results =
        Run(std::vector(queries.begin() + 1, queries.end()), we, timings);
    std::unordered_map<std::string, NodePricing> nodes;
    for (const Result& r : results) {
      for (const Series& series : r.result) {
        const double v = series.value();
        if (r.name.starts_with("Node")) {
          NodePricing& node = nodes[series.node];
          if (r.name == "NodeCPUPricePerHr") node.cpu = v;
          if (r.name == "NodeRAMPricePerGiBHr") node.ram = v;
          if (r.name == "NodeGPUPricePerHr") node.gpu = v;
          continue;  // NodeIsSpot: no discount is configured, so it changes no price
        }
        const auto pod = pods.find(PodKey(series));
        if (pod == pods.end()) continue;  // not running in the window: OpenCost skips it
        const double hours = pod->second.minutes / 60.0;
        auto& [node, a] = pod->second.containers[ContainerOf(series)];
        if (r.name == "CPUCoresAllocated") {
          a.cpu_core_hours = v * hours;
          node = series.node;
        } else if (r.name == "RAMBytesAllocated") {
          a.ram_byte_hours = v * hours;
          node = series.node;
        } else if (r.name == "GPUsAllocated") {
          a.gpu_hours = v * hours;
        } else if (r.name == "CPURequests") {
          a.cpu_request_core_hours = v * hours;
        } else if (r.name == "RAMRequests") {
          a.ram_request_byte_hours = v * hours;
        } else if (r.name == "CPUUsageAvg") {
          a.cpu_usage_core_hours = v * hours;
        } else if (r.name == "RAMUsageAvg") {
          a.ram_usage_byte_hours = v * hours;
        }
      }
    }
    // (3) Costs: hours x the node's hourly prices, then accumulated.
    for (auto& [pod_key, pod] : pods) {
      for (auto& [container, entry] : pod.containers) {
        auto& [node_name, a] = entry;
        const NodePricing& price = nodes[node_name];
        a.cpu_cost = a.cpu_core_hours * price.cpu;
        a.ram_cost = a.ram_byte_hours / 1024 / 1024 / 1024 * price.ram;
        a.gpu_cost = a.gpu_hours * price.gpu;
        allocated.Add(a);
        std::string key = pod_key;
        key += '/';
        key += container;
        auto [it, inserted] = index.try_emplace(key, out.containers.size());
        if (inserted) {
          const std::size_t slash = pod_key.find('/');
          out.containers.push_back(
              {pod_key.substr(0, slash), pod_key.substr(slash + 1), container, node_name, {}});
        }
        out.containers[it->second].sums.Add(a);
      }
    }
    s = e;
  }
  // Idle: ClusterNodes over the whole window; each node's cost per resource is its hourly
  // price x active hours x capacity; idle = assets - allocations, per resource.
  struct Asset {
    double cpu_price = 0, ram_price_per_byte = 0, gpu_price = 0, cores = 0, bytes = 0, gpus = 0,
           minutes = 0;
  };
  std::unordered_map<std::string, Asset> assets;
  const std::int64_t ws = start.time_since_epoch().count();
  const std::int64_t we = end.time_since_epoch().count();
  for (const Result& r : Run(AssetQueries(start, end), we, timings)) {
    for (const Series& series : r.result) {
      Asset& a = assets[series.node];
      if (r.name == "NodeActiveMins") {
        a.minutes = RunningMinutes(series, resolution, ws, we);
        continue;
      }
      const double v = series.value();
      if (r.name == "NodeCPUHourlyCost") a.cpu_price = v;
      if (r.name == "NodeCPUCoresCapacity") a.cores = v;
      if (r.name == "NodeRAMHourlyCost") a.ram_price_per_byte = v;
      if (r.name == "NodeRAMBytesCapacity") a.bytes = v;
      if (r.name == "NodeGPUCount") a.gpus = v;
      if (r.name == "NodeGPUHourlyCost") a.gpu_price = v;
    }
  }
  PromqlGroup total;
  for (const auto& [node, a] : assets) {
    const double hours = a.minutes / 60;
    total.cpu_cost += a.cpu_price * hours * a.cores;
    total.ram_cost += a.ram_price_per_byte * hours * a.bytes;
    total.gpu_cost += a.gpu_price * a.gpus * hours;
  }
  out.idle.cpu_cost = total.cpu_cost - allocated.cpu_cost;
  out.idle.ram_cost = total.ram_cost - allocated.ram_cost;
  out.idle.gpu_cost = total.gpu_cost - allocated.gpu_cost;
  if (timings != nullptr) timings->wall_ms = Ms(Clock::now() - started);
  return out;
}

PromqlAnswer Aggregate(const PromqlContainers& containers, const std::string& aggregate) {
  PromqlAnswer answer;
  for (const PromqlContainers::Container& c : containers.containers) {
    answer[aggregate == "pod" ? c.pod : c.namespace_name].Add(c.sums);
  }
  answer["__idle__"].Add(containers.idle);
  return answer;
}

}  // namespace costledger::bench
