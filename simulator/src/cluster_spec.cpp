#include "costledger/simulator/cluster_spec.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <set>

#include "costledger/model/errors.hpp"
#include "costledger/simulator/identifiers.hpp"
#include "costledger/simulator/random.hpp"

namespace costledger::simulator {
namespace {

constexpr std::int64_t kMi = std::int64_t{1024} * 1024;
constexpr std::int64_t kGi = 1024 * kMi;
constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86'400;
constexpr double kTwoPi = 6.283185307179586;
// Addresses per /18 zone subnet that node names use (10.0.0.4 to 10.0.63.255).
constexpr int kZoneAddresses = 16'376;

enum : std::uint64_t {
  kSaltBuild = 0x6275696c64,
  kSaltNodeTimeline,
  kSaltUid,
  kSaltTemplate,
  kSaltBatch,
};

constexpr std::array<std::string_view, 3> kTeams{"alpha", "beta", "gamma"};

constexpr std::array<std::string_view, 24> kProjects{
    "churn", "ranker",   "recsys",  "fraud",    "forecast", "embeddings", "search", "pricing",
    "ltv",   "segments", "anomaly", "vision",   "nlp",      "ads",        "demand", "risk",
    "geo",   "catalog",  "reviews", "sessions", "supply",   "growth",     "credit", "sentiment"};

constexpr std::array<std::string_view, 30> kUsers{
    "alice", "bob",    "carol", "dave",   "erin",   "frank", "grace", "heidi",  "ivan",  "judy",
    "kate",  "liam",   "mia",   "noah",   "olivia", "peggy", "quinn", "rupert", "sofia", "trent",
    "uma",   "victor", "wendy", "xavier", "yasmin", "zoe",   "arjun", "mei",    "lucas", "ava"};

constexpr std::string_view kEcr = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
constexpr std::string_view kEksEcr = "602401143452.dkr.ecr.us-east-1.amazonaws.com";

enum class Behaviour : std::uint8_t { kIdle, kLow, kSteady, kBursty, kHeavy };
enum class LimitPolicy : std::uint8_t { kNone, kMemory, kBurstable, kGuaranteed };

struct GpuProfile {
  double low = 0;
  double high = 0;
};
constexpr GpuProfile kGpuTraining{80, 96};
constexpr GpuProfile kGpuInference{18, 55};
constexpr GpuProfile kGpuNotebook{1, 8};
constexpr GpuProfile kGpuRay{40, 88};

std::string Str(std::string_view s) { return std::string(s); }

std::int64_t RoundTo(double value, std::int64_t step, std::int64_t minimum) {
  const auto rounded =
      static_cast<std::int64_t>(std::llround(value / static_cast<double>(step))) * step;
  return std::max(rounded, minimum);
}

Resources Add(const Resources& a, const Resources& b) {
  return {a.cpu_millicores + b.cpu_millicores, a.memory_bytes + b.memory_bytes, a.gpus + b.gpus};
}

Resources Max(const Resources& a, const Resources& b) {
  return {std::max(a.cpu_millicores, b.cpu_millicores), std::max(a.memory_bytes, b.memory_bytes),
          std::max(a.gpus, b.gpus)};
}

class Builder {
 public:
  Builder(std::uint64_t seed, ClusterSize size) : rng_(Hash(seed, kSaltBuild)) {
    spec_.seed = seed;
    spec_.size = size;
  }

  ClusterSpec Build() {
    AddNodeSlots();
    AddFixedWorkloads();
    while (Remaining() > 0) AddRandomWorkload();
    AddDaemonSets();
    FitRequests();
    Schedule();
    return std::move(spec_);
  }

 private:
  // ---- nodes ----

  struct NodeChoice {
    std::string_view type;
    NodePool pool = NodePool::kGeneral;
    double spot_probability = 0;
  };

  void AddNodeSlots() {
    // The first slots cover every instance type, so even a small cluster has them all.
    static constexpr std::array<NodeChoice, 10> kFirst{{
        {"m5.xlarge", NodePool::kSystem, 0},
        {"m5.2xlarge", NodePool::kGeneral, 0},
        {"g5.2xlarge", NodePool::kGpu, 1},
        {"c5.2xlarge", NodePool::kCompute, 1},
        {"r5.2xlarge", NodePool::kMemory, 0},
        {"g5.12xlarge", NodePool::kGpu, 0},
        {"m5.2xlarge", NodePool::kGeneral, 1},
        {"p3.2xlarge", NodePool::kGpu, 1},
        {"c5.2xlarge", NodePool::kCompute, 1},
        {"r5.2xlarge", NodePool::kMemory, 1},
    }};
    static constexpr std::array<std::pair<NodeChoice, double>, 7> kWeighted{{
        {{"m5.xlarge", NodePool::kSystem, 0}, 0.05},
        {{"m5.2xlarge", NodePool::kGeneral, 0.5}, 0.25},
        {{"c5.2xlarge", NodePool::kCompute, 0.8}, 0.20},
        {{"r5.2xlarge", NodePool::kMemory, 0.3}, 0.20},
        {{"g5.2xlarge", NodePool::kGpu, 0.5}, 0.14},
        {{"g5.12xlarge", NodePool::kGpu, 0.2}, 0.07},
        {{"p3.2xlarge", NodePool::kGpu, 0.5}, 0.09},
    }};
    const int n = spec_.size.nodes;
    std::array<int, 3> per_zone{};
    const int zone_offset = static_cast<int>(spec_.seed % 3);
    for (int i = 0; i < n; ++i) {
      NodeChoice choice;
      if (i < static_cast<int>(kFirst.size())) {
        choice = kFirst[static_cast<std::size_t>(i)];
      } else {
        double r = rng_.Unit();
        choice = kWeighted.back().first;
        for (const auto& [c, weight] : kWeighted) {
          if (r < weight) {
            choice = c;
            break;
          }
          r -= weight;
        }
        choice.spot_probability = rng_.Chance(choice.spot_probability) ? 1 : 0;
      }
      NodeSlot slot;
      slot.index = i;
      slot.type = FindInstanceType(choice.type);
      slot.pool = choice.pool;
      slot.spot = choice.spot_probability >= 1;
      slot.zone = (i + zone_offset) % 3;
      slot.address_base = per_zone[static_cast<std::size_t>(slot.zone)]++;
      const std::uint64_t key = Hash(spec_.seed, kSaltNodeTimeline, i);
      if (slot.spot) {
        // Spot capacity is reclaimed every few hours to a day.
        const std::int64_t period = rng_.Int(4 * kHour, 20 * kHour);
        slot.timeline = Timeline(period, rng_.Int(0, period - 1), period * 4 / 5, key);
      } else {
        // On-demand nodes expire after about 30 days (Karpenter expireAfter: 720h).
        const std::int64_t period = 30 * kDay;
        slot.timeline = Timeline(period, rng_.Int(0, period - 1), 3 * kDay, key);
      }
      spec_.node_slots.push_back(slot);
      total_gpus_ += slot.type->gpus;
      if (slot.type->gpus >= 4) ++big_gpu_nodes_;
    }
    for (NodeSlot& slot : spec_.node_slots) {
      const int count = per_zone[static_cast<std::size_t>(slot.zone)];
      slot.address_block = std::max(2, kZoneAddresses / std::max(count, 1));
      slot.address_base *= slot.address_block;
    }
    gpu_budget_ = total_gpus_ * 85 / 100;
  }

  // ---- containers ----

  SmoothSignal CpuSignal(Behaviour behaviour, std::int64_t request_m, std::int64_t limit_m) {
    static constexpr std::array<std::pair<double, double>, 5> kShare{
        {{0.02, 0.10}, {0.12, 0.35}, {0.45, 0.85}, {0.80, 1.20}, {1.00, 1.45}}};
    const auto [lo, hi] = kShare[static_cast<std::size_t>(behaviour)];
    const double request = static_cast<double>(request_m) / 1000.0;
    SmoothSignal s;
    s.base = request > 0 ? request * rng_.Between(lo, hi) : rng_.Between(0.002, 0.02);
    const double diurnal = rng_.Between(0.10, 0.40);
    double fast =
        behaviour == Behaviour::kBursty ? rng_.Between(0.30, 0.50) : rng_.Between(0.05, 0.30);
    fast = std::min(fast, 0.9 - diurnal);
    s.amplitude1 = s.base * diurnal;
    s.omega1 = kTwoPi / static_cast<double>(kDay);
    s.phase1 = rng_.Between(0, kTwoPi);
    s.amplitude2 = s.base * fast;
    s.omega2 = kTwoPi / rng_.Between(600, 7200);
    s.phase2 = rng_.Between(0, kTwoPi);
    const double limit = static_cast<double>(limit_m) / 1000.0;
    if (limit > 0 && s.Max() > 0.95 * limit) s.Scale(0.95 * limit / s.Max());
    s.base += 0.001;  // never quite idle: counters strictly increase
    return s;
  }

  SmoothSignal MemorySignal(Behaviour behaviour, std::int64_t request, std::int64_t limit) {
    static constexpr std::array<std::pair<double, double>, 5> kShare{
        {{0.25, 0.50}, {0.35, 0.60}, {0.55, 0.85}, {0.85, 1.30}, {0.80, 1.15}}};
    const auto [lo, hi] = kShare[static_cast<std::size_t>(behaviour)];
    SmoothSignal s;
    s.base = request > 0 ? static_cast<double>(request) * rng_.Between(lo, hi)
                         : rng_.Between(24, 96) * static_cast<double>(kMi);
    s.amplitude1 = s.base * rng_.Between(0.02, 0.08);
    s.omega1 = kTwoPi / static_cast<double>(kDay);
    s.phase1 = rng_.Between(0, kTwoPi);
    s.amplitude2 = s.base * rng_.Between(0.01, 0.05);
    s.omega2 = kTwoPi / rng_.Between(1200, 10'800);
    s.phase2 = rng_.Between(0, kTwoPi);
    if (limit > 0 && s.Max() > 0.92 * static_cast<double>(limit)) {
      s.Scale(0.92 * static_cast<double>(limit) / s.Max());
    }
    return s;
  }

  SmoothSignal GpuSignal(GpuProfile profile) {
    SmoothSignal s;
    s.base = rng_.Between(profile.low, profile.high);
    const double room = std::min(s.base, 100 - s.base) * 0.9;
    s.amplitude1 = room * rng_.Between(0.2, 0.6);
    s.omega1 = kTwoPi / static_cast<double>(kDay);
    s.phase1 = rng_.Between(0, kTwoPi);
    s.amplitude2 = room - s.amplitude1;
    s.omega2 = kTwoPi / rng_.Between(300, 3600);
    s.phase2 = rng_.Between(0, kTwoPi);
    return s;
  }

  ContainerSpec Container(std::string_view name, std::string image, std::int64_t cpu_m,
                          std::int64_t memory, Behaviour behaviour, LimitPolicy limits) {
    ContainerSpec c;
    c.name = Str(name);
    c.image = std::move(image);
    c.requests = {cpu_m, memory, 0};
    switch (limits) {
      case LimitPolicy::kNone:
        break;
      case LimitPolicy::kMemory:
        c.limits.memory_bytes = behaviour == Behaviour::kBursty ? memory * 2 : memory;
        break;
      case LimitPolicy::kBurstable:
        c.limits.cpu_millicores = behaviour == Behaviour::kBursty ? 0 : cpu_m * 2;
        c.limits.memory_bytes = memory * 2;
        break;
      case LimitPolicy::kGuaranteed:
        c.limits = c.requests;
        break;
    }
    c.cpu_cores = CpuSignal(behaviour, cpu_m, c.limits.cpu_millicores);
    c.memory_bytes = MemorySignal(behaviour, memory, c.limits.memory_bytes);
    return c;
  }

  void AddGpu(ContainerSpec& c, std::int64_t gpus, GpuProfile profile) {
    c.requests.gpus = gpus;
    c.limits.gpus = gpus;
    c.gpu_percent = GpuSignal(profile);
    c.framebuffer_fraction = std::clamp(profile.low / 100 + rng_.Between(0.1, 0.5), 0.05, 0.96);
  }

  void MakeCrashy(ContainerSpec& c) {
    c.restart_period_seconds = rng_.Int(2 * kHour, 12 * kHour);
    c.restart_phase_seconds = rng_.Int(0, c.restart_period_seconds - 1);
    if (c.limits.memory_bytes == 0) c.limits.memory_bytes = c.requests.memory_bytes;
  }

  Behaviour ServiceBehaviour() {
    const double r = rng_.Unit();
    if (r < 0.35) return Behaviour::kIdle;
    if (r < 0.60) return Behaviour::kLow;
    if (r < 0.85) return Behaviour::kSteady;
    return Behaviour::kBursty;
  }

  LimitPolicy ServiceLimits() {
    const double r = rng_.Unit();
    if (r < 0.50) return LimitPolicy::kMemory;
    if (r < 0.80) return LimitPolicy::kBurstable;
    if (r < 0.90) return LimitPolicy::kNone;
    return LimitPolicy::kGuaranteed;
  }

  std::int64_t PickCpu() {
    static constexpr std::array<std::int64_t, 6> kCpu{100, 250, 500, 1000, 1500, 2000};
    return kCpu[static_cast<std::size_t>(rng_.Index(kCpu.size()))];
  }

  std::int64_t PickMemory() {
    static constexpr std::array<std::int64_t, 6> kMemory{256 * kMi, 512 * kMi, 1 * kGi,
                                                         2 * kGi,   3 * kGi,   4 * kGi};
    return kMemory[static_cast<std::size_t>(rng_.Index(kMemory.size()))];
  }

  std::string Image(std::string_view team, std::string_view name) {
    const std::int64_t major = rng_.Int(1, 4);
    const std::int64_t minor = rng_.Int(0, 30);
    const std::int64_t patch = rng_.Int(0, 9);
    return fmt::format("{}/{}/{}:{}.{}.{}", kEcr, team, name, major, minor, patch);
  }

  std::string_view Team() { return kTeams[static_cast<std::size_t>(rng_.Index(kTeams.size()))]; }

  std::string_view Project() {
    return kProjects[static_cast<std::size_t>(rng_.Index(kProjects.size()))];
  }

  // ---- workloads ----

  int Remaining() const { return spec_.size.pods - workload_pods_; }

  // How many pods of `gpus_per_pod` devices the GPU budget still allows.
  int GpuPodsAvailable(std::int64_t gpus_per_pod) const {
    const std::int64_t left = gpu_budget_ - gpus_used_;
    if (gpus_per_pod >= 4) {
      return static_cast<int>(
          std::min<std::int64_t>(big_gpu_nodes_ - big_gpu_used_, left / gpus_per_pod));
    }
    return static_cast<int>(std::max<std::int64_t>(0, left / gpus_per_pod));
  }

  std::string UniqueName(const std::string& namespace_name, std::string_view base) {
    std::string name(base);
    for (int i = 2; !names_.insert(fmt::format("{}/{}", namespace_name, name)).second; ++i) {
      name = fmt::format("{}-{}", base, i);
    }
    return name;
  }

  // Adds the workload with as many replicas as there is room for; returns its index, or -1.
  int Commit(Workload w, bool counted = true) {
    const int replicas = counted ? std::min(w.replicas, Remaining()) : w.replicas;
    if (counted && replicas <= 0) return -1;
    w.replicas = replicas;
    const int index = static_cast<int>(spec_.workloads.size());
    w.uid_key = Hash(spec_.seed, kSaltUid, index);
    if (w.template_hash.empty()) {
      const std::uint64_t h = Hash(spec_.seed, kSaltTemplate, index);
      AppendK8sSuffix(w.template_hash, h, w.kind == WorkloadKind::kDeployment ? 10 : 9);
    }
    if (w.service_account.empty()) w.service_account = "default";
    const Resources per_pod = w.PodRequests();
    if (per_pod.gpus > 0) {
      gpus_used_ += per_pod.gpus * replicas;
      if (per_pod.gpus >= 4) big_gpu_used_ += replicas;
    }
    if (counted) {
      for (int i = 0; i < replicas; ++i) spec_.pod_slots.push_back({index, i, -1});
      workload_pods_ += replicas;
    }
    spec_.workloads.push_back(std::move(w));
    return index;
  }

  Workload NewWorkload(WorkloadKind kind, std::string_view namespace_name, std::string_view name,
                       std::string_view team, int replicas) {
    Workload w;
    w.kind = kind;
    w.namespace_name = Str(namespace_name);
    w.name = UniqueName(w.namespace_name, name);
    w.team = Str(team);
    w.app = w.name;
    w.replicas = replicas;
    w.pull_seconds = rng_.Int(3, 25);
    return w;
  }

  BatchSchedule Batch(std::int64_t period, double min_share, double max_share, std::int64_t ttl) {
    BatchSchedule b;
    b.period_seconds = period;
    b.phase_seconds = rng_.Int(0, period - 1);
    b.min_run_seconds = static_cast<std::int64_t>(static_cast<double>(period) * min_share);
    b.max_run_seconds = static_cast<std::int64_t>(static_cast<double>(period) * max_share);
    b.ttl_seconds = ttl;
    b.failure_rate = 0.05;
    b.key = Hash(spec_.seed, kSaltBatch, spec_.workloads.size());
    return b;
  }

  void AddService(std::string_view namespace_name, std::string_view name, std::string_view team,
                  int replicas, NodePool pool, std::string image, std::int64_t cpu_m,
                  std::int64_t memory, Behaviour behaviour, LimitPolicy limits,
                  bool sidecar = false, bool crashy = false) {
    Workload w = NewWorkload(WorkloadKind::kDeployment, namespace_name, name, team, replicas);
    w.pool = pool;
    w.part_of = team == "platform" ? Str(namespace_name) : std::string();
    ContainerSpec& app = w.containers.emplace_back(
        Container("app", std::move(image), cpu_m, memory, behaviour, limits));
    app.port = 8080;
    if (crashy) MakeCrashy(app);
    if (sidecar) {
      w.containers.push_back(Container("fluent-bit",
                                       "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.2",
                                       50, 64 * kMi, Behaviour::kLow, LimitPolicy::kMemory));
    }
    Commit(std::move(w));
  }

  void AddStatefulSet(std::string_view namespace_name, std::string_view name, std::string_view team,
                      int replicas, NodePool pool, std::string_view container, std::string image,
                      std::int64_t cpu_m, std::int64_t memory, Behaviour behaviour,
                      LimitPolicy limits) {
    Workload w = NewWorkload(WorkloadKind::kStatefulSet, namespace_name, name, team, replicas);
    w.pool = pool;
    w.on_demand_only = true;
    w.part_of = team == "platform" ? Str(namespace_name) : std::string();
    ContainerSpec& c = w.containers.emplace_back(
        Container(container, std::move(image), cpu_m, memory, behaviour, limits));
    c.port = 5432;
    Commit(std::move(w));
  }

  void AddGpuService(std::string_view namespace_name, std::string_view name, std::string_view team,
                     int replicas) {
    replicas = std::min(replicas, GpuPodsAvailable(1));
    if (replicas <= 0) {
      AddService(namespace_name, name, team, 2, NodePool::kGeneral, Image(team, name), 1000,
                 2 * kGi, Behaviour::kSteady, LimitPolicy::kMemory);
      return;
    }
    Workload w = NewWorkload(WorkloadKind::kDeployment, namespace_name, name, team, replicas);
    w.pool = NodePool::kGpu;
    w.gpu = true;
    w.pull_seconds = rng_.Int(60, 180);
    ContainerSpec& c = w.containers.emplace_back(Container(
        "vllm", "vllm/vllm-openai:v0.4.2", 4000, 16 * kGi, Behaviour::kLow, LimitPolicy::kMemory));
    c.port = 8000;
    AddGpu(c, 1, kGpuInference);
    Commit(std::move(w));
  }

  void AddHub() {
    AddService("jupyterhub", "hub", "platform", 1, NodePool::kSystem,
               "quay.io/jupyterhub/k8s-hub:3.3.7", 200, 512 * kMi, Behaviour::kLow,
               LimitPolicy::kMemory);
    AddService("jupyterhub", "proxy", "platform", 1, NodePool::kSystem,
               "quay.io/jupyterhub/configurable-http-proxy:4.6.1", 100, 256 * kMi, Behaviour::kIdle,
               LimitPolicy::kMemory);
  }

  void AddNotebooks(int count, bool with_gpu) {
    for (int i = 0; i < count && Remaining() > 0; ++i) {
      const std::size_t n = next_user_++;
      std::string user(kUsers[n % kUsers.size()]);
      if (n >= kUsers.size()) user += std::to_string(n / kUsers.size() + 1);
      std::string_view team = kTeams[static_cast<std::size_t>(Hash(spec_.seed, n) % 3)];
      Workload w = NewWorkload(WorkloadKind::kNotebook, "jupyterhub", "jupyter-" + user, team, 1);
      w.user = user;
      w.app = "jupyterhub";
      w.part_of = "jupyterhub";
      w.service_account = "default";
      const bool gpu = (with_gpu || rng_.Chance(0.15)) && GpuPodsAvailable(1) > 0;
      if (gpu) {
        w.pool = NodePool::kGpu;
        w.gpu = true;
        w.pull_seconds = rng_.Int(60, 150);
        ContainerSpec& c = w.containers.emplace_back(
            Container("notebook", "quay.io/jupyter/pytorch-notebook:cuda12-2024-04-29", 3000,
                      16 * kGi, Behaviour::kIdle, LimitPolicy::kBurstable));
        AddGpu(c, 1, kGpuNotebook);
      } else {
        static constexpr std::array<std::int64_t, 4> kCpu{500, 1000, 2000, 4000};
        static constexpr std::array<std::int64_t, 4> kMemory{2 * kGi, 4 * kGi, 8 * kGi, 16 * kGi};
        const auto size = static_cast<std::size_t>(rng_.Index(kCpu.size()));
        w.pool = rng_.Chance(0.5) ? NodePool::kMemory : NodePool::kGeneral;
        const Behaviour behaviour = rng_.Chance(0.7)   ? Behaviour::kIdle
                                    : rng_.Chance(0.6) ? Behaviour::kLow
                                                       : Behaviour::kBursty;
        w.containers.push_back(
            Container("notebook", "quay.io/jupyter/datascience-notebook:2024-04-29", kCpu[size],
                      kMemory[size], behaviour, LimitPolicy::kBurstable));
      }
      w.containers.back().port = 8888;
      Commit(std::move(w));
    }
  }

  void AddRayCluster(std::string_view team, std::string_view name, int workers,
                     std::int64_t gpus_per_worker) {
    if (Remaining() < 2) return;
    Workload head = NewWorkload(WorkloadKind::kRayHead, "ray", name, team, 1);
    const std::string cluster = head.name;
    head.app = "kuberay";
    head.group = "headgroup";
    head.pool = NodePool::kGeneral;
    head.on_demand_only = true;
    head.pull_seconds = rng_.Int(40, 90);
    ContainerSpec& c =
        head.containers.emplace_back(Container("ray-head", "rayproject/ray-ml:2.20.0-py310", 2000,
                                               8 * kGi, Behaviour::kLow, LimitPolicy::kGuaranteed));
    c.port = 6379;
    if (Commit(std::move(head)) < 0) return;

    Workload w;
    w.kind = WorkloadKind::kRayWorker;
    w.namespace_name = "ray";
    w.name = cluster;
    w.team = Str(team);
    w.app = "kuberay";
    w.pull_seconds = rng_.Int(60, 180);
    w.replicas = std::min(workers, Remaining());
    const int gpu_workers = std::min(w.replicas, GpuPodsAvailable(gpus_per_worker));
    if (gpu_workers > 0) {
      w.replicas = gpu_workers;
      w.group = "gpu-group";
      w.pool = NodePool::kGpu;
      w.gpu = true;
      const bool big = gpus_per_worker >= 4;
      ContainerSpec& worker = w.containers.emplace_back(
          Container("ray-worker", "rayproject/ray-ml:2.20.0-py310-gpu", big ? 44'000 : 6000,
                    big ? 160 * kGi : 24 * kGi, Behaviour::kSteady, LimitPolicy::kGuaranteed));
      AddGpu(worker, gpus_per_worker, kGpuRay);
    } else {
      w.group = "cpu-group";
      w.pool = NodePool::kCompute;
      w.containers.push_back(Container("ray-worker", "rayproject/ray:2.20.0-py310", 4000, 12 * kGi,
                                       Behaviour::kHeavy, LimitPolicy::kMemory));
    }
    Commit(std::move(w));
  }

  void AddSparkApp(std::string_view team, std::string_view name, int executors) {
    if (Remaining() < 2) return;
    static constexpr std::array<std::int64_t, 5> kPeriods{kHour, 2 * kHour, 3 * kHour, 4 * kHour,
                                                          6 * kHour};
    Workload driver = NewWorkload(WorkloadKind::kSparkDriver, "spark", name, team, 1);
    const std::string app = driver.name;
    driver.app = "spark";
    driver.service_account = "spark-operator-spark";
    driver.pool = NodePool::kMemory;
    driver.on_demand_only = true;
    const std::int64_t period = kPeriods[static_cast<std::size_t>(rng_.Index(kPeriods.size()))];
    driver.batch = Batch(period, 0.35, 0.75, 0);
    driver.batch.ttl_seconds = driver.batch.period_seconds;  // kept until the next run
    driver.pull_seconds = rng_.Int(10, 40);
    driver.containers.push_back(Container("spark-kubernetes-driver",
                                          "apache/spark:3.5.1-scala2.12-java17-python3-ubuntu",
                                          1000, 4 * kGi, Behaviour::kLow, LimitPolicy::kMemory));
    const BatchSchedule schedule = driver.batch;
    const int driver_index = Commit(std::move(driver));
    if (driver_index < 0) return;

    Workload w;
    w.kind = WorkloadKind::kSparkExecutor;
    w.namespace_name = "spark";
    w.name = app;
    w.team = Str(team);
    w.app = "spark";
    w.service_account = "spark-operator-spark";
    w.driver = driver_index;
    w.pool = NodePool::kCompute;
    w.replicas = executors;
    w.batch = schedule;
    w.batch.start_delay_seconds = 25;
    w.batch.end_early_seconds = 20;
    w.batch.ttl_seconds = 0;  // the driver deletes executors when the application ends
    w.pull_seconds = rng_.Int(10, 40);
    const std::int64_t cpu = rng_.Int(2, 3) * 1000;
    w.containers.push_back(
        Container("spark-kubernetes-executor", "apache/spark:3.5.1-scala2.12-java17-python3-ubuntu",
                  cpu, cpu * 4 * kGi / 1000, Behaviour::kHeavy, LimitPolicy::kMemory));
    Commit(std::move(w));
  }

  void AddCronJob(std::string_view namespace_name, std::string_view name, std::string_view team,
                  std::int64_t period, bool gpu) {
    Workload w = NewWorkload(WorkloadKind::kCronJob, namespace_name, name, team, 1);
    w.part_of = team == "platform" ? Str(namespace_name) : std::string();
    if (gpu && GpuPodsAvailable(1) > 0) {
      w.pool = NodePool::kGpu;
      w.gpu = true;
      w.pull_seconds = rng_.Int(60, 180);
      const std::int64_t ttl = rng_.Int(10, 60) * kMinute;
      w.batch = Batch(period, 0.40, 0.80, ttl);
      ContainerSpec& c = w.containers.emplace_back(Container(
          "trainer", Image(team, name), 6000, 24 * kGi, Behaviour::kSteady, LimitPolicy::kMemory));
      AddGpu(c, 1, kGpuTraining);
    } else {
      w.pool = rng_.Chance(0.7) ? NodePool::kCompute : NodePool::kGeneral;
      const std::int64_t ttl = std::min(period, rng_.Int(5, 60) * kMinute);
      w.batch = Batch(period, 0.10, 0.70, ttl);
      std::string image = Image(team, name);
      const std::int64_t cpu = PickCpu() * 2;
      const std::int64_t memory = PickMemory() * 2;
      w.containers.push_back(Container("main", std::move(image), cpu, memory, Behaviour::kHeavy,
                                       LimitPolicy::kMemory));
    }
    Commit(std::move(w));
  }

  void AddFixedWorkloads() {
    AddHub();
    {
      Workload w =
          NewWorkload(WorkloadKind::kDeployment, "airflow", "airflow-scheduler", "platform", 1);
      w.pool = NodePool::kSystem;
      w.part_of = "airflow";
      w.service_account = "airflow-scheduler";
      w.containers.push_back(Container("scheduler", "apache/airflow:2.9.1-python3.11", 500, 1 * kGi,
                                       Behaviour::kSteady, LimitPolicy::kMemory));
      w.containers.push_back(Container("scheduler-log-groomer", "apache/airflow:2.9.1-python3.11",
                                       50, 128 * kMi, Behaviour::kIdle, LimitPolicy::kMemory));
      Commit(std::move(w));
    }
    AddService("airflow", "airflow-webserver", "platform", 1, NodePool::kSystem,
               "apache/airflow:2.9.1-python3.11", 250, 1 * kGi, Behaviour::kLow,
               LimitPolicy::kMemory);
    {
      Workload w =
          NewWorkload(WorkloadKind::kStatefulSet, "airflow", "airflow-worker", "platform", 2);
      w.pool = NodePool::kGeneral;
      w.part_of = "airflow";
      w.service_account = "airflow-worker";
      w.init_containers.push_back(Container("wait-for-airflow-migrations",
                                            "apache/airflow:2.9.1-python3.11", 100, 256 * kMi,
                                            Behaviour::kIdle, LimitPolicy::kMemory));
      w.containers.push_back(Container("worker", "apache/airflow:2.9.1-python3.11", 1000, 4 * kGi,
                                       Behaviour::kBursty, LimitPolicy::kMemory));
      Commit(std::move(w));
    }
    AddService("mlflow", "mlflow-server", "platform", 2, NodePool::kSystem,
               "ghcr.io/mlflow/mlflow:v2.12.1", 500, 1 * kGi, Behaviour::kIdle,
               LimitPolicy::kMemory);
    AddStatefulSet("mlflow", "mlflow-postgresql", "platform", 1, NodePool::kSystem, "postgresql",
                   "docker.io/bitnami/postgresql:16.2.0-debian-12-r15", 500, 2 * kGi,
                   Behaviour::kLow, LimitPolicy::kGuaranteed);
    AddRayCluster("alpha", "bert-finetune", 2, 1);
    AddSparkApp("beta", "daily-features", 4);
    AddGpuService("model-serving", "llm-serving", "gamma", 1);
    AddCronJob("analytics", "report-builder", "gamma", 15 * kMinute, false);
    AddNotebooks(1, true);
    AddNotebooks(3, false);
    AddCronJob("ml-training", "nightly-retrain", "alpha", 6 * kHour, true);
    AddService("feature-store", "feast-server", "beta", 2, NodePool::kGeneral,
               "feastdev/feature-server:0.37.1", 500, 1 * kGi, Behaviour::kSteady,
               LimitPolicy::kBurstable, true);
    AddStatefulSet("feature-store", "redis", "beta", 1, NodePool::kMemory, "redis",
                   "docker.io/bitnami/redis:7.2.4-debian-12-r16", 500, 4 * kGi, Behaviour::kSteady,
                   LimitPolicy::kMemory);
    AddService("team-gamma", "churn-scorer", "gamma", 2, NodePool::kGeneral,
               Image("gamma", "churn-scorer"), 250, 512 * kMi, Behaviour::kSteady,
               LimitPolicy::kMemory, false, true);
    AddStatefulSet("kafka", "kafka", "platform", 3, NodePool::kSystem, "kafka",
                   "docker.io/bitnami/kafka:3.7.0-debian-12-r6", 1000, 4 * kGi, Behaviour::kSteady,
                   LimitPolicy::kMemory);
  }

  void AddRandomWorkload() {
    const std::string_view team = Team();
    const std::string_view project = Project();
    const std::string team_namespace = fmt::format("team-{}", team);
    const double r = rng_.Unit();
    if (r < 0.30) {
      static constexpr std::array<std::string_view, 5> kRoles{"api", "scorer", "ranker", "features",
                                                              "worker"};
      const std::string name = fmt::format(
          "{}-{}", project, kRoles[static_cast<std::size_t>(rng_.Index(kRoles.size()))]);
      const std::string_view ns =
          rng_.Chance(0.6) ? std::string_view{team_namespace} : std::string_view{"model-serving"};
      const int replicas = static_cast<int>(rng_.Int(1, 6));
      std::string image = Image(team, name);
      const std::int64_t cpu = PickCpu();
      const std::int64_t memory = PickMemory();
      const Behaviour behaviour = ServiceBehaviour();
      const LimitPolicy limits = ServiceLimits();
      const bool sidecar = rng_.Chance(0.3);
      const bool crashy = rng_.Chance(0.06);
      AddService(ns, name, team, replicas, NodePool::kGeneral, std::move(image), cpu, memory,
                 behaviour, limits, sidecar, crashy);
    } else if (r < 0.42) {
      AddNotebooks(static_cast<int>(rng_.Int(1, 3)), false);
    } else if (r < 0.57) {
      static constexpr std::array<std::string_view, 4> kRoles{"etl", "backfill", "report",
                                                              "export"};
      static constexpr std::array<std::int64_t, 6> kPeriods{
          10 * kMinute, 15 * kMinute, 30 * kMinute, kHour, 2 * kHour, 4 * kHour};
      const std::string name = fmt::format(
          "{}-{}", project, kRoles[static_cast<std::size_t>(rng_.Index(kRoles.size()))]);
      const std::string_view ns =
          rng_.Chance(0.7) ? std::string_view{team_namespace} : std::string_view{"analytics"};
      const std::int64_t period = kPeriods[static_cast<std::size_t>(rng_.Index(kPeriods.size()))];
      AddCronJob(ns, name, team, period, false);
    } else if (r < 0.65) {
      static constexpr std::array<std::string_view, 3> kRoles{"features", "aggregates",
                                                              "sessionize"};
      const std::string name = fmt::format(
          "{}-{}", project, kRoles[static_cast<std::size_t>(rng_.Index(kRoles.size()))]);
      AddSparkApp(team, name, static_cast<int>(rng_.Int(3, 12)));
    } else if (r < 0.73) {
      static constexpr std::array<std::string_view, 3> kRoles{"train", "tune", "batch-infer"};
      const std::int64_t gpus = rng_.Chance(0.25) ? 4 : 1;
      const std::string name = fmt::format(
          "{}-{}", project, kRoles[static_cast<std::size_t>(rng_.Index(kRoles.size()))]);
      AddRayCluster(team, name, static_cast<int>(rng_.Int(2, gpus >= 4 ? 2 : 6)), gpus);
    } else if (r < 0.82) {
      const bool redis = rng_.Chance(0.5);
      const int replicas = redis ? static_cast<int>(rng_.Int(1, 3)) : 1;
      const Behaviour behaviour = ServiceBehaviour();
      if (redis) {
        AddStatefulSet(team_namespace, fmt::format("{}-redis", project), team, replicas,
                       NodePool::kMemory, "redis", "docker.io/bitnami/redis:7.2.4-debian-12-r16",
                       250, 2 * kGi, behaviour, LimitPolicy::kMemory);
      } else {
        AddStatefulSet(team_namespace, fmt::format("{}-postgresql", project), team, replicas,
                       NodePool::kMemory, "postgresql",
                       "docker.io/bitnami/postgresql:16.2.0-debian-12-r15", 1000, 4 * kGi,
                       behaviour, LimitPolicy::kGuaranteed);
      }
    } else if (r < 0.90) {
      static constexpr std::array<std::string_view, 2> kRoles{"llm", "embedder"};
      const std::string name = fmt::format(
          "{}-{}", project, kRoles[static_cast<std::size_t>(rng_.Index(kRoles.size()))]);
      AddGpuService("model-serving", name, team, static_cast<int>(rng_.Int(1, 3)));
    } else {
      static constexpr std::array<std::int64_t, 3> kPeriods{6 * kHour, 12 * kHour, 24 * kHour};
      const std::int64_t period = kPeriods[static_cast<std::size_t>(rng_.Index(kPeriods.size()))];
      AddCronJob("ml-training", fmt::format("{}-finetune", project), team, period, true);
    }
  }

  void AddDaemonSet(std::string_view namespace_name, std::string_view name, bool gpu_only,
                    std::vector<ContainerSpec> init, std::vector<ContainerSpec> containers,
                    std::string_view team) {
    Workload w;
    w.kind = WorkloadKind::kDaemonSet;
    w.namespace_name = Str(namespace_name);
    w.name = UniqueName(w.namespace_name, name);
    w.app = w.name;
    w.team = Str(team);
    w.gpu = true;  // DaemonSets tolerate every taint
    w.priority_class = "system-node-critical";
    w.service_account = w.name;
    w.init_containers = std::move(init);
    w.containers = std::move(containers);
    w.pull_seconds = rng_.Int(2, 8);
    w.replicas = 0;
    const int index = Commit(std::move(w), false);
    for (const NodeSlot& slot : spec_.node_slots) {
      if (gpu_only && slot.type->gpus == 0) continue;
      spec_.pod_slots.push_back({index, slot.index, slot.index});
    }
  }

  void AddDaemonSets() {
    daemon_pod_start_ = spec_.pod_slots.size();
    const auto eks = [](std::string_view image) { return fmt::format("{}/{}", kEksEcr, image); };
    AddDaemonSet("kube-system", "kube-proxy", false, {},
                 {Container("kube-proxy", eks("eks/kube-proxy:v1.29.3-minimal-eksbuild.2"), 100, 0,
                            Behaviour::kLow, LimitPolicy::kNone)},
                 "");
    AddDaemonSet(
        "kube-system", "aws-node", false,
        {Container("aws-vpc-cni-init", eks("amazon-k8s-cni-init:v1.18.1-eksbuild.1"), 25, 0,
                   Behaviour::kIdle, LimitPolicy::kNone)},
        {Container("aws-node", eks("amazon-k8s-cni:v1.18.1-eksbuild.1"), 25, 0, Behaviour::kLow,
                   LimitPolicy::kNone),
         Container("aws-eks-nodeagent", eks("amazon/aws-network-policy-agent:v1.1.1-eksbuild.1"),
                   25, 0, Behaviour::kIdle, LimitPolicy::kNone)},
        "");
    AddDaemonSet(
        "kube-system", "ebs-csi-node", false, {},
        {Container("ebs-plugin", eks("eks/aws-ebs-csi-driver:v1.30.0"), 10, 40 * kMi,
                   Behaviour::kLow, LimitPolicy::kNone),
         Container("node-driver-registrar", eks("eks/csi-node-driver-registrar:v2.10.1-eks-1-30-2"),
                   10, 40 * kMi, Behaviour::kIdle, LimitPolicy::kNone),
         Container("liveness-probe", eks("eks/livenessprobe:v2.12.0-eks-1-30-2"), 10, 40 * kMi,
                   Behaviour::kIdle, LimitPolicy::kNone)},
        "");
    AddDaemonSet("gpu-operator", "nvidia-dcgm-exporter", true, {},
                 {Container("nvidia-dcgm-exporter",
                            "nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.1-ubuntu22.04", 100,
                            128 * kMi, Behaviour::kLow, LimitPolicy::kMemory)},
                 "platform");
    AddDaemonSet("gpu-operator", "nvidia-device-plugin-daemonset", true, {},
                 {Container("nvidia-device-plugin", "nvcr.io/nvidia/k8s-device-plugin:v0.15.0", 50,
                            64 * kMi, Behaviour::kIdle, LimitPolicy::kMemory)},
                 "platform");
  }

  // ---- placement ----

  struct Free {
    std::int64_t cpu_millicores = 0;
    std::int64_t memory_bytes = 0;
    std::int64_t gpus = 0;
    int pods = 0;
  };

  bool Fits(const Free& f, const Resources& r) const {
    return f.pods > 0 && f.cpu_millicores >= r.cpu_millicores && f.memory_bytes >= r.memory_bytes &&
           f.gpus >= r.gpus;
  }

  void Take(Free& f, const Resources& r) const {
    f.cpu_millicores -= r.cpu_millicores;
    f.memory_bytes -= r.memory_bytes;
    f.gpus -= r.gpus;
    --f.pods;
  }

  void ScaleWorkload(Workload& w, double cpu_factor, double memory_factor) {
    const auto scale = [&](ContainerSpec& c) {
      const auto cpu = [&](std::int64_t m) {
        return m == 0 ? 0 : RoundTo(static_cast<double>(m) * cpu_factor, 5, 5);
      };
      const auto memory = [&](std::int64_t b) {
        return b == 0 ? 0 : RoundTo(static_cast<double>(b) * memory_factor, kMi, 16 * kMi);
      };
      c.requests.cpu_millicores = cpu(c.requests.cpu_millicores);
      c.limits.cpu_millicores = cpu(c.limits.cpu_millicores);
      c.requests.memory_bytes = memory(c.requests.memory_bytes);
      c.limits.memory_bytes = memory(c.limits.memory_bytes);
      c.cpu_cores.Scale(cpu_factor);
      c.cpu_cores.base += 0.001;
      c.memory_bytes.Scale(memory_factor);
    };
    for (ContainerSpec& c : w.init_containers) scale(c);
    for (ContainerSpec& c : w.containers) scale(c);
  }

  // Shrinks the requests of CPU-only workloads (and their usage alike) when the pods asked
  // for would not fit the CPU nodes, so that a dense cluster still schedules.
  void FitRequests() {
    std::vector<Free> free = InitialFree();
    Free cpu_nodes;
    Free on_demand;
    for (const NodeSlot& slot : spec_.node_slots) {
      if (slot.type->gpus > 0) continue;
      const Free& f = free[static_cast<std::size_t>(slot.index)];
      cpu_nodes.cpu_millicores += f.cpu_millicores;
      cpu_nodes.memory_bytes += f.memory_bytes;
      if (!slot.spot) {
        on_demand.cpu_millicores += f.cpu_millicores;
        on_demand.memory_bytes += f.memory_bytes;
      }
    }
    Resources demand;
    Resources on_demand_demand;
    for (std::size_t i = 0; i < daemon_pod_start_; ++i) {
      const Workload& w = spec_.workloads[static_cast<std::size_t>(spec_.pod_slots[i].workload)];
      if (w.gpu) continue;
      demand = Add(demand, w.PodRequests());
      if (w.on_demand_only) on_demand_demand = Add(on_demand_demand, w.PodRequests());
    }
    const auto factor = [](std::int64_t capacity, std::int64_t wanted) {
      if (wanted <= 0) return 1.0;
      return std::min(1.0, 0.85 * static_cast<double>(capacity) / static_cast<double>(wanted));
    };
    const double cpu_factor = factor(cpu_nodes.cpu_millicores, demand.cpu_millicores);
    const double memory_factor = factor(cpu_nodes.memory_bytes, demand.memory_bytes);
    if (cpu_factor < 1 || memory_factor < 1) {
      for (Workload& w : spec_.workloads) {
        if (!w.gpu) ScaleWorkload(w, cpu_factor, memory_factor);
      }
    }
    // Too little on-demand capacity for the pods that insist on it: let them use spot too.
    if (static_cast<double>(on_demand_demand.cpu_millicores) * cpu_factor >
            0.8 * static_cast<double>(on_demand.cpu_millicores) ||
        static_cast<double>(on_demand_demand.memory_bytes) * memory_factor >
            0.8 * static_cast<double>(on_demand.memory_bytes)) {
      for (Workload& w : spec_.workloads) w.on_demand_only = false;
    }
  }

  std::vector<Free> InitialFree() const {
    std::vector<Free> free;
    for (const NodeSlot& slot : spec_.node_slots) {
      free.push_back({AllocatableMillicores(*slot.type), AllocatableMemoryKib(*slot.type) * 1024,
                      slot.type->gpus, slot.type->max_pods});
    }
    for (std::size_t i = daemon_pod_start_; i < spec_.pod_slots.size(); ++i) {
      const PodSlot& p = spec_.pod_slots[i];
      Take(free[static_cast<std::size_t>(p.node_slot)],
           spec_.workloads[static_cast<std::size_t>(p.workload)].PodRequests());
    }
    return free;
  }

  void Schedule() {
    std::vector<Free> free = InitialFree();
    std::vector<Resources> requests(spec_.workloads.size());
    for (std::size_t i = 0; i < spec_.workloads.size(); ++i) {
      requests[i] = spec_.workloads[i].PodRequests();
    }
    std::vector<std::size_t> order(daemon_pod_start_);
    std::iota(order.begin(), order.end(), std::size_t{0});
    const auto request_of = [&](std::size_t slot) -> const Resources& {
      return requests[static_cast<std::size_t>(spec_.pod_slots[slot].workload)];
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const Resources& ra = request_of(a);
      const Resources& rb = request_of(b);
      if (ra.gpus != rb.gpus) return ra.gpus > rb.gpus;
      if (ra.cpu_millicores != rb.cpu_millicores) return ra.cpu_millicores > rb.cpu_millicores;
      return ra.memory_bytes > rb.memory_bytes;
    });
    // Candidate node slots per (GPU or not, pool): pods go to the least allocated node that
    // fits (the largest of its CPU, memory and pod-count shares after placing), preferring
    // their pool; ties go to the lower slot index, so placement is deterministic.
    std::vector<int> cpu_nodes;
    std::vector<int> gpu_nodes;
    for (const NodeSlot& node : spec_.node_slots) {
      (node.type->gpus > 0 ? gpu_nodes : cpu_nodes).push_back(node.index);
    }
    std::vector<double> capacity_cpu(spec_.node_slots.size());
    std::vector<double> capacity_memory(spec_.node_slots.size());
    for (const NodeSlot& node : spec_.node_slots) {
      capacity_cpu[static_cast<std::size_t>(node.index)] =
          static_cast<double>(AllocatableMillicores(*node.type));
      capacity_memory[static_cast<std::size_t>(node.index)] =
          static_cast<double>(AllocatableMemoryKib(*node.type) * 1024);
    }
    for (const std::size_t s : order) {
      PodSlot& pod = spec_.pod_slots[s];
      const Workload& w = spec_.workloads[static_cast<std::size_t>(pod.workload)];
      const Resources& r = request_of(s);
      const std::vector<int>& candidates = r.gpus > 0 ? gpu_nodes : cpu_nodes;
      for (int pass = 0; pass < 2 && pod.node_slot < 0; ++pass) {
        double best_score = 2;
        int best = -1;
        for (const int index : candidates) {
          const NodeSlot& node = spec_.node_slots[static_cast<std::size_t>(index)];
          if (w.on_demand_only && node.spot) continue;
          if (pass == 0 && node.pool != w.pool) continue;
          const Free& f = free[static_cast<std::size_t>(index)];
          if (!Fits(f, r)) continue;
          const auto i = static_cast<std::size_t>(index);
          const double cpu_share =
              1 - static_cast<double>(f.cpu_millicores - r.cpu_millicores) / capacity_cpu[i];
          const double memory_share =
              1 - static_cast<double>(f.memory_bytes - r.memory_bytes) / capacity_memory[i];
          const double pods_share =
              1 - static_cast<double>(f.pods - 1) / static_cast<double>(node.type->max_pods);
          const double score = std::max({cpu_share, memory_share, pods_share});
          if (score < best_score) {
            best_score = score;
            best = index;
          }
        }
        if (best >= 0) {
          Take(free[static_cast<std::size_t>(best)], r);
          pod.node_slot = best;
        }
      }
    }
    spec_.pod_slots_by_node.assign(spec_.node_slots.size(), {});
    for (std::size_t s = 0; s < spec_.pod_slots.size(); ++s) {
      const PodSlot& pod = spec_.pod_slots[s];
      if (pod.node_slot < 0) continue;
      NodeSlot& node = spec_.node_slots[static_cast<std::size_t>(pod.node_slot)];
      const Resources& r = requests[static_cast<std::size_t>(pod.workload)];
      node.requested_millicores += r.cpu_millicores;
      node.requested_memory_bytes += r.memory_bytes;
      spec_.pod_slots_by_node[static_cast<std::size_t>(pod.node_slot)].push_back(
          static_cast<int>(s));
    }
  }

  ClusterSpec spec_;
  Rng rng_;
  std::set<std::string> names_;
  int workload_pods_ = 0;
  std::size_t daemon_pod_start_ = 0;
  std::size_t next_user_ = 0;
  std::int64_t total_gpus_ = 0;
  std::int64_t gpu_budget_ = 0;
  std::int64_t gpus_used_ = 0;
  std::int64_t big_gpu_nodes_ = 0;
  std::int64_t big_gpu_used_ = 0;
};

}  // namespace

std::string_view NodePoolName(NodePool pool) {
  switch (pool) {
    case NodePool::kSystem:
      return "system";
    case NodePool::kGeneral:
      return "general";
    case NodePool::kCompute:
      return "compute";
    case NodePool::kMemory:
      return "memory";
    case NodePool::kGpu:
      return "gpu";
  }
  return "general";
}

Resources Workload::PodRequests() const {
  Resources sidecars;
  Resources init_peak;
  for (const ContainerSpec& c : init_containers) {
    if (c.sidecar) {
      sidecars = Add(sidecars, c.requests);
      init_peak = Max(init_peak, sidecars);
    } else {
      init_peak = Max(init_peak, Add(sidecars, c.requests));
    }
  }
  Resources running = sidecars;
  for (const ContainerSpec& c : containers) running = Add(running, c.requests);
  return Max(running, init_peak);
}

ClusterSpec BuildClusterSpec(std::uint64_t seed, ClusterSize size) {
  if (size.nodes < 1 || size.nodes > kMaxNodes) {
    throw InvalidInput(
        fmt::format("nodes must be between 1 and {}, got {}", kMaxNodes, size.nodes));
  }
  if (size.pods < 0 || size.pods > kMaxPods) {
    throw InvalidInput(fmt::format("pods must be between 0 and {}, got {}", kMaxPods, size.pods));
  }
  return Builder(seed, size).Build();
}

}  // namespace costledger::simulator
