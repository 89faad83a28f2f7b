#include "opencost_tsdb.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "allocation_cluster.hpp"
#include "child_process.hpp"
#include "private_prometheus.hpp"

namespace costledger::bench {
namespace {

namespace fs = std::filesystem;
namespace c = cluster;
using Clock = std::chrono::steady_clock;

// Bump when the generated series or samples change, so that cached TSDBs are remade.
constexpr int kGeneratorVersion = 1;
// Block length: 2h x 3^4, the longest block a Prometheus compacts to with a retention of 68 days
// or more (its maximum block is a tenth of the retention); each range of text becomes one block.
constexpr std::int64_t kBlockHours = 162;
constexpr std::int64_t kBlockSeconds = kBlockHours * 3600;
// promtool parses on one core: two run at once (the machine has two cores) while the next range
// is written.
constexpr std::size_t kParallelPromtool = 2;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string Gib(double bytes) { return fmt::format("{:.2f} GiB", bytes / (1 << 30)); }

std::uint64_t Fnv1a(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char ch : text) {
    h ^= static_cast<unsigned char>(ch);
    h *= 1099511628211ULL;
  }
  return h;
}

// A deterministic pod UID and container ID, so that labels look like a real cluster's.
std::string PodUid(int p) {
  const std::uint64_t h = Fnv1a(fmt::format("uid-{}", p));
  return fmt::format("{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}", h >> 32, (h >> 16) & 0xffff,
                     (h >> 4) & 0xfff, h & 0xfff, Fnv1a(fmt::format("uid2-{}", p)) >> 16);
}

std::string ContainerId(int p) {
  std::string id;
  for (int i = 0; i < 4; ++i) id += fmt::format("{:016x}", Fnv1a(fmt::format("cid-{}-{}", p, i)));
  return id;
}

std::string NodeIp(int k) { return fmt::format("10.0.{}.{}", k / 250, k % 250 + 1); }

std::string ProviderId(int k) {
  return fmt::format("aws:///us-east-1a/i-0{:015x}", Fnv1a(fmt::format("node-{}", k)) >> 4);
}

// Waits for `process` (at most two hours); its log, or throws with the log's tail.
std::string Finish(testing::ChildProcess& process, const std::string& program) {
  const int status = process.Wait(std::chrono::hours(2));
  std::string text = process.Log();
  if (status != 0) {
    throw std::runtime_error(fmt::format("{} exited with {}:\n{}", program, status,
                                         text.substr(text.size() > 4000 ? text.size() - 4000 : 0)));
  }
  return text;
}

std::string RunToFile(const std::vector<std::string>& argv, const std::string& log) {
  testing::ChildProcess process(argv, log);
  return Finish(process, argv.front());
}

// Buffered output of OpenMetrics lines.
class OpenMetricsWriter {
 public:
  explicit OpenMetricsWriter(const std::string& path) : file_(std::fopen(path.c_str(), "w")) {
    if (file_ == nullptr) throw std::runtime_error("cannot write " + path);
    buffer_.reserve(kFlushAt + 4096);
  }
  ~OpenMetricsWriter() {
    // Close() reports a failing close; here the writer is abandoned after an error was thrown.
    if (file_ != nullptr) static_cast<void>(std::fclose(file_));
  }
  OpenMetricsWriter(const OpenMetricsWriter&) = delete;
  OpenMetricsWriter& operator=(const OpenMetricsWriter&) = delete;
  OpenMetricsWriter(OpenMetricsWriter&&) = delete;
  OpenMetricsWriter& operator=(OpenMetricsWriter&&) = delete;

  void Type(std::string_view family, std::string_view type) {
    fmt::format_to(std::back_inserter(buffer_), "# TYPE {} {}\n", family, type);
  }
  // `series` is the name and labels, e.g. `up{job="x"}`; the value in its shortest exact form.
  template <typename Value>
  void Sample(std::string_view series, Value value, std::int64_t time) {
    buffer_.append(series);
    fmt::format_to(std::back_inserter(buffer_), " {} {}\n", value, time);
    ++samples_;
    if (buffer_.size() >= kFlushAt) Flush();
  }
  void Close() {
    buffer_.append("# EOF\n");
    Flush();
    if (std::fclose(std::exchange(file_, nullptr)) != 0) {
      throw std::runtime_error("cannot write OpenMetrics (disk full?)");
    }
  }
  std::int64_t samples() const { return samples_; }
  std::int64_t bytes() const { return bytes_; }

 private:
  static constexpr std::size_t kFlushAt = std::size_t{8} << 20;
  void Flush() {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      throw std::runtime_error("cannot write OpenMetrics (disk full?)");
    }
    bytes_ += static_cast<std::int64_t>(buffer_.size());
    buffer_.clear();
  }

  std::FILE* file_;
  std::string buffer_;
  std::int64_t samples_ = 0;
  std::int64_t bytes_ = 0;
};

// The labels of each series, made once.
struct PodSeries {
  c::Pod pod;
  std::string opencost;  // {container,instance,job,namespace,node,pod}: OpenCost's exporter
  std::string cadvisor;  // kubelet /metrics/cadvisor as kube-prometheus scrapes it, less `cpu`
  std::string ksm;       // kube-state-metrics labels, less `node`, `resource`, `unit`
};

struct NodeSeries {
  c::Node node;
  std::string opencost;  // node_*_hourly_cost labels
  std::string gpu_count;
  std::string ksm;
  double cpu_price = 0, ram_price = 0, gpu_price = 0, total_price = 0;  // per core/GiB/GPU-hour
};

std::vector<PodSeries> MakePodSeries() {
  std::vector<PodSeries> out;
  out.reserve(c::kPods);
  for (int p = 0; p < c::kPods; ++p) {
    PodSeries s;
    s.pod = c::PodAt(p);
    const c::Node node = c::NodeAt(s.pod.k);
    const std::string uid = PodUid(p);
    s.opencost = fmt::format(
        R"(container="main",instance="{0}",job="opencost",namespace="{1}",node="{0}",pod="{2}")",
        node.name, s.pod.namespace_name, s.pod.pod);
    s.cadvisor = fmt::format(
        R"(container="main",endpoint="https-metrics",id="/kubepods/burstable/pod{0}/{1}",)"
        R"(image="registry.example.com/{2}:1.{3}.0",instance="{4}:10250",job="kubelet",)"
        R"(metrics_path="/metrics/cadvisor",namespace="{5}",node="{6}",pod="{7}",)"
        R"(service="kubelet")",
        uid, ContainerId(p), s.pod.controller, p % 7, NodeIp(s.pod.k), s.pod.namespace_name,
        node.name, s.pod.pod);
    s.ksm = fmt::format(R"(container="main",instance="10.0.200.7:8080",job="kube-state-metrics",)"
                        R"(namespace="{}",pod="{}",uid="{}")",
                        s.pod.namespace_name, s.pod.pod, uid);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<NodeSeries> MakeNodeSeries() {
  std::vector<NodeSeries> out;
  for (int k = 0; k < c::kNodes; ++k) {
    NodeSeries s;
    s.node = c::NodeAt(k);
    s.opencost =
        fmt::format(R"(arch="amd64",instance="{0}",instance_type="{1}",job="opencost",node="{0}",)"
                    R"(provider_id="{2}",region="us-east-1")",
                    s.node.name, s.node.instance_type, ProviderId(k));
    s.gpu_count = fmt::format(
        R"(instance="{0}",instance_type="{1}",job="opencost",node="{0}",provider_id="{2}",)"
        R"(region="us-east-1")",
        s.node.name, s.node.instance_type, ProviderId(k));
    s.ksm = fmt::format(R"(instance="10.0.200.7:8080",job="kube-state-metrics",node="{}")",
                        s.node.name);
    // The unit prices of kCreatePods, in dollars: per core-hour (rate per millicore-hour x
    // 1000), per GiB-hour (per MiB-hour x 1024) and per device-hour.
    s.cpu_price = static_cast<double>(s.node.cpu_rate) * 1000 / 1e9;
    s.ram_price = static_cast<double>(s.node.ram_rate) * 1024 / 1e9;
    s.gpu_price = s.node.gpu_node ? static_cast<double>(s.node.gpu_rate) / 1e9 : 0.0;
    s.total_price = (static_cast<double>(c::kNodeMillicores) / 1000) * s.cpu_price +
                    static_cast<double>(c::kNodeMemoryBytes >> 30) * s.ram_price + s.gpu_price;
    out.push_back(std::move(s));
  }
  return out;
}

// Writes the samples of hours [h0, h1). `cpu_seconds` carries each pod's counter across calls.
void WriteHours(OpenMetricsWriter& out, const std::vector<PodSeries>& pods,
                const std::vector<NodeSeries>& nodes, int h0, int h1,
                std::vector<double>& cpu_seconds) {
  std::string name;
  const auto series = [&name](std::string_view metric, std::string_view labels,
                              std::string_view extra = {}) -> std::string_view {
    name.assign(metric);
    name += '{';
    name += labels;
    name += extra;
    name += '}';
    return name;
  };
  const auto t = [](int h) { return SampleTime(c::kFirstDay, h); };

  // OpenCost's exporter (pkg/costmodel/metrics.go): allocation = max(request, usage).
  out.Type("container_cpu_allocation", "gauge");
  for (const PodSeries& s : pods) {
    series("container_cpu_allocation", s.opencost);
    for (int h = h0; h < h1; ++h) {
      out.Sample(name, static_cast<double>(c::CpuAllocatedMillicores(s.pod, h)) / 1000, t(h));
    }
  }
  out.Type("container_memory_allocation_bytes", "gauge");
  for (const PodSeries& s : pods) {
    series("container_memory_allocation_bytes", s.opencost);
    for (int h = h0; h < h1; ++h) out.Sample(name, c::MemoryAllocatedBytes(s.pod, h), t(h));
  }
  out.Type("container_gpu_allocation", "gauge");
  for (const PodSeries& s : pods) {
    if (s.pod.gpus == 0) continue;
    series("container_gpu_allocation", s.opencost);
    for (int h = h0; h < h1; ++h) out.Sample(name, s.pod.gpus, t(h));
  }
  // cAdvisor through the kubelet: the CPU counter (seconds) and the working set.
  out.Type("container_cpu_usage_seconds", "counter");
  for (const PodSeries& s : pods) {
    series("container_cpu_usage_seconds_total", s.cadvisor, R"(,cpu="total")");
    double& total = cpu_seconds[static_cast<std::size_t>(s.pod.p)];
    for (int h = h0; h < h1; ++h) {
      total += static_cast<double>(c::CpuUsageMillicores(s.pod.p, h)) * 3.6;
      out.Sample(name, total, t(h));
    }
  }
  out.Type("container_memory_working_set_bytes", "gauge");
  for (const PodSeries& s : pods) {
    series("container_memory_working_set_bytes", s.cadvisor);
    for (int h = h0; h < h1; ++h) out.Sample(name, c::MemoryUsageBytes(s.pod.p, h), t(h));
  }
  // kube-state-metrics (OpenCost emits the same families itself when KSM is absent).
  out.Type("kube_pod_container_status_running", "gauge");
  for (const PodSeries& s : pods) {
    series("kube_pod_container_status_running", s.ksm);
    for (int h = h0; h < h1; ++h) out.Sample(name, 1, t(h));
  }
  out.Type("kube_pod_container_resource_requests", "gauge");
  for (const PodSeries& s : pods) {
    const std::string node = fmt::format(R"(,node="{}")", c::NodeAt(s.pod.k).name);
    series("kube_pod_container_resource_requests", s.ksm, node + R"(,resource="cpu",unit="core")");
    for (int h = h0; h < h1; ++h) {
      out.Sample(name, static_cast<double>(s.pod.cpu_request_millicores) / 1000, t(h));
    }
    series("kube_pod_container_resource_requests", s.ksm,
           node + R"(,resource="memory",unit="byte")");
    for (int h = h0; h < h1; ++h) out.Sample(name, s.pod.memory_request_bytes, t(h));
    if (s.pod.gpus == 0) continue;
    series("kube_pod_container_resource_requests", s.ksm,
           node + R"(,resource="nvidia_com_gpu",unit="integer")");
    for (int h = h0; h < h1; ++h) out.Sample(name, s.pod.gpus, t(h));
  }
  // Nodes: OpenCost's prices and spot flag, capacities as kube-state-metrics has them.
  const auto node_family = [&](std::string_view metric, auto value, auto labels) {
    out.Type(metric, "gauge");
    for (const NodeSeries& s : nodes) {
      series(metric, labels(s));
      for (int h = h0; h < h1; ++h) out.Sample(name, value(s), t(h));
    }
  };
  const auto opencost = [](const NodeSeries& s) -> const std::string& { return s.opencost; };
  const auto ksm = [](const NodeSeries& s) -> const std::string& { return s.ksm; };
  node_family(
      "node_cpu_hourly_cost", [](const NodeSeries& s) { return s.cpu_price; }, opencost);
  node_family(
      "node_ram_hourly_cost", [](const NodeSeries& s) { return s.ram_price; }, opencost);
  node_family(
      "node_gpu_hourly_cost", [](const NodeSeries& s) { return s.gpu_price; }, opencost);
  node_family(
      "node_total_hourly_cost", [](const NodeSeries& s) { return s.total_price; }, opencost);
  node_family(
      "kubecost_node_is_spot", [](const NodeSeries& s) { return s.node.spot ? 1 : 0; }, opencost);
  node_family(
      "node_gpu_count", [](const NodeSeries& s) { return s.node.gpu_node ? 1 : 0; },
      [](const NodeSeries& s) -> const std::string& { return s.gpu_count; });
  node_family(
      "kube_node_status_capacity_cpu_cores",
      [](const NodeSeries&) { return c::kNodeMillicores / 1000; }, ksm);
  node_family(
      "kube_node_status_capacity_memory_bytes",
      [](const NodeSeries&) { return c::kNodeMemoryBytes; }, ksm);
}

std::string PromtoolVersion(const std::string& work) {
  const std::string text =
      RunToFile({testing::PromtoolBinary(), "--version"}, work + "/promtool-version.log");
  return text.substr(0, text.find('\n'));
}

}  // namespace

OpenCostTsdb EnsureOpenCostTsdb(const std::string& cache_root, const ProgressFn& progress) {
  fs::create_directories(cache_root);
  const std::string version = PromtoolVersion(cache_root);
  const std::string key = fmt::format(
      "OpenCost-style metrics v{}: {} days from {} x {} pods, {} nodes, {} namespaces; one "
      "sample per series per hour; {}h blocks; {}",
      kGeneratorVersion, c::kDays, c::kFirstDay, c::kPods, c::kNodes, c::kNamespaces, kBlockHours,
      version);
  const fs::path dir = fs::path(cache_root) / fmt::format("opencost-tsdb-{:016x}", Fnv1a(key));
  OpenCostTsdb result;
  result.blocks_dir = (dir / "blocks").string();
  if (fs::exists(dir / "complete")) {
    result.cached = true;
    std::ifstream in(dir / "complete");
    std::getline(in, result.summary);
    progress(fmt::format("TSDB cached in {}: {}", dir.string(), result.summary));
    return result;
  }

  const auto started = Clock::now();
  const fs::path tmp = dir.string() + ".partial";
  fs::remove_all(tmp);
  fs::create_directories(tmp / "blocks");
  // The text of one block range is ~3.3 GiB; up to three are on disk at once.
  constexpr double kBytesPerPodHour = 2200;
  const double needed = 3.5 * kBytesPerPodHour * c::kPods * kBlockHours;
  const auto available = static_cast<double>(fs::space(cache_root).available);
  if (available < needed) {
    throw std::runtime_error(fmt::format("{} has {} free; making the TSDB needs about {}",
                                         cache_root, Gib(available), Gib(needed)));
  }
  progress(fmt::format("making the TSDB ({}) in {}", key, dir.string()));
  const std::vector<PodSeries> pods = MakePodSeries();
  const std::vector<NodeSeries> nodes = MakeNodeSeries();
  std::vector<double> cpu_seconds(static_cast<std::size_t>(c::kPods), 0.0);

  // Block ranges are multiples of the block length since the epoch, as promtool aligns them.
  const auto range_of = [](int h) { return SampleTime(c::kFirstDay, h) / kBlockSeconds; };
  std::int64_t samples = 0;
  std::int64_t text_bytes = 0;
  double write_seconds = 0;
  double promtool_seconds = 0;
  const std::int64_t ranges = range_of(c::kHours - 1) - range_of(0) + 1;
  struct Promtool {
    std::unique_ptr<testing::ChildProcess> process;
    std::string text;
    std::int64_t index = 0;
    Clock::time_point started;
  };
  std::vector<Promtool> running;
  // Reaps the promtools that have exited (all of them with `all`, else at least one when
  // `wait`); their times are to when they were seen to exit.
  const auto reap = [&](bool wait, bool all) {
    for (;;) {
      for (auto it = running.begin(); it != running.end();) {
        if (it->process->Running()) {
          ++it;
          continue;
        }
        Finish(*it->process, testing::PromtoolBinary());
        fs::remove(it->text);
        const double seconds = Seconds(Clock::now() - it->started);
        promtool_seconds += seconds;
        progress(
            fmt::format("  range {}/{}: promtool tsdb create-blocks-from openmetrics: "
                        "{:.1f} s",
                        it->index, ranges, seconds));
        it = running.erase(it);
        wait = false;
      }
      if ((!wait && !all) || running.empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  for (int h0 = 0; h0 < c::kHours;) {
    int h1 = h0;
    while (h1 < c::kHours && range_of(h1) == range_of(h0)) ++h1;
    const std::int64_t index = range_of(h0) - range_of(0) + 1;
    const std::string text = (tmp / fmt::format("hours-{:03d}-{:03d}.om", h0, h1)).string();
    auto t0 = Clock::now();
    {
      OpenMetricsWriter out(text);
      WriteHours(out, pods, nodes, h0, h1, cpu_seconds);
      out.Close();
      samples += out.samples();
      text_bytes += out.bytes();
      write_seconds += Seconds(Clock::now() - t0);
      progress(
          fmt::format("  range {}/{}: hours {}..{}: {:.1f}M samples, {} of OpenMetrics "
                      "written in {:.1f} s",
                      index, ranges, h0, h1 - 1, static_cast<double>(out.samples()) / 1e6,
                      Gib(static_cast<double>(out.bytes())), Seconds(Clock::now() - t0)));
    }
    reap(running.size() == kParallelPromtool, false);
    running.push_back(
        {std::make_unique<testing::ChildProcess>(
             std::vector<std::string>{testing::PromtoolBinary(), "tsdb", "create-blocks-from",
                                      "openmetrics", "-q",
                                      fmt::format("--max-block-duration={}h", kBlockHours), text,
                                      (tmp / "blocks").string()},
             (tmp / fmt::format("promtool-{}.log", index)).string()),
         text, index, Clock::now()});
    h0 = h1;
  }
  reap(true, true);
  std::int64_t blocks = 0;
  std::int64_t block_bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(tmp / "blocks")) {
    if (entry.is_regular_file()) block_bytes += static_cast<std::int64_t>(entry.file_size());
    if (entry.is_directory() && entry.path().parent_path() == tmp / "blocks") ++blocks;
  }
  result.summary = fmt::format(
      "{} series, {:.1f}M samples, {} of OpenMetrics text, {} blocks of {}; made in {:.0f} s "
      "(writing the text {:.0f} s; promtool {:.0f} s, {} at a time)",
      // Per pod 7 series, 2 more with a GPU; per node 8.
      pods.size() * 7 +
          2 * static_cast<std::size_t>(std::count_if(
                  pods.begin(), pods.end(), [](const PodSeries& s) { return s.pod.gpus > 0; })) +
          nodes.size() * 8,
      static_cast<double>(samples) / 1e6, Gib(static_cast<double>(text_bytes)), blocks,
      Gib(static_cast<double>(block_bytes)), Seconds(Clock::now() - started), write_seconds,
      promtool_seconds, kParallelPromtool);
  {
    std::ofstream marker(tmp / "complete");
    marker << result.summary << '\n' << key << '\n';
  }
  fs::remove_all(dir);
  fs::rename(tmp, dir);
  progress("TSDB made: " + result.summary);
  return result;
}

}  // namespace costledger::bench
