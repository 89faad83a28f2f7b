#include "costledger/simulator/cluster_state.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "costledger/simulator/identifiers.hpp"
#include "costledger/simulator/lifecycle.hpp"
#include "costledger/simulator/random.hpp"
#include "costledger/simulator/sim_time.hpp"
#include "salts.hpp"

namespace costledger::simulator {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kCrashBackoffSeconds = 10;
constexpr std::int64_t kUnschedulablePeriod = std::int64_t{7} * 86'400;

void AppendDecimal(std::string& out, std::int64_t value) { out += std::to_string(value); }

void NameNode(const ClusterSpec& spec, const NodeSlot& slot, std::int64_t generation,
              NodeState& node) {
  const std::uint64_t key = slot.timeline.key();
  const std::uint64_t offset = (Hash(key, kSaltNodeName) + static_cast<std::uint64_t>(generation)) %
                               static_cast<std::uint64_t>(slot.address_block);
  const std::uint64_t address = static_cast<std::uint64_t>(slot.address_base) + offset;
  // A bijection of the zone's address range, so addresses look scattered but stay unique.
  const std::uint64_t scrambled = (address * 10'007U + spec.seed % 16'376U) % 16'376U + 4U;
  const std::uint64_t x = static_cast<std::uint64_t>(slot.zone) * 64U + scrambled / 256U;
  const std::uint64_t y = scrambled % 256U;
  node.ip = "10.0.";
  node.ip += std::to_string(x);
  node.ip.push_back('.');
  node.ip += std::to_string(y);
  node.name = "ip-10-0-";
  node.name += std::to_string(x);
  node.name.push_back('-');
  node.name += std::to_string(y);
  node.name += ".ec2.internal";
  node.instance_id = "i-0";
  AppendHex(node.instance_id, Hash(key, kSaltInstance, generation), 16);
}

// When a pod of a slot exists and what it is doing; `exists` false when the slot is empty.
struct Incarnation {
  bool exists = false;
  std::int64_t key = 0;
  std::int64_t run = 0;        // batch run index
  std::int64_t run_start = 0;  // batch run start
  std::int64_t node_generation = 0;
  bool placed = false;  // has a node slot at all
  std::int64_t created = 0;
  std::int64_t scheduled = kNever;
  std::int64_t running = kNever;
  std::int64_t finished = kNever;
  bool failed = false;
};

std::int64_t InitSeconds(const Workload& w) {
  return static_cast<std::int64_t>(w.init_containers.size()) * 4;
}

Incarnation ServiceIncarnation(const ClusterSpec& spec, const Workload& w, const PodSlot& pod,
                               std::size_t slot_index, std::int64_t t) {
  Incarnation inc;
  if (pod.node_slot < 0) {
    const auto phase =
        static_cast<std::int64_t>(Hash(spec.seed, kSaltCreate, slot_index) % kUnschedulablePeriod);
    inc.exists = true;
    inc.key = FloorDiv(t - phase, kUnschedulablePeriod);
    inc.created = phase + inc.key * kUnschedulablePeriod;
    return inc;
  }
  const NodeSlot& node = spec.node_slots[static_cast<std::size_t>(pod.node_slot)];
  const std::int64_t g = node.timeline.GenerationAt(t);
  const NodeLife life = LifeOf(node, g);
  inc.placed = true;
  inc.key = g;
  inc.node_generation = g;
  const std::uint64_t h = Hash(spec.seed, kSaltSchedule, slot_index, g);
  if (w.kind == WorkloadKind::kDaemonSet) {
    // Created (already bound) as soon as the node object exists.
    inc.created = life.birth + UniformInt(h, 1, 4);
    if (t < inc.created) return inc;
    inc.scheduled = inc.created;
    inc.running = std::max(life.ready, inc.created) + w.pull_seconds + InitSeconds(w);
  } else {
    // The controller recreates the pod when the node it ran on goes away.
    inc.created = life.start;
    inc.scheduled = life.ready + UniformInt(h, 1, 8);
    inc.running = inc.scheduled + w.pull_seconds + InitSeconds(w);
  }
  inc.exists = true;
  return inc;
}

Incarnation BatchIncarnation(const ClusterSpec& spec, const Workload& w, const PodSlot& pod,
                             std::size_t slot_index, std::int64_t t) {
  const BatchSchedule& b = w.batch;
  Incarnation inc;
  inc.run = FloorDiv(t - b.phase_seconds - b.start_delay_seconds, b.period_seconds);
  inc.run_start = b.phase_seconds + inc.run * b.period_seconds;
  const std::int64_t next_run = inc.run_start + b.period_seconds;
  std::int64_t duration = UniformInt(Hash(b.key, kSaltDuration, inc.run), b.min_run_seconds,
                                     std::max(b.min_run_seconds, b.max_run_seconds));
  inc.failed = UnitInterval(Hash(b.key, kSaltFail, inc.run)) < b.failure_rate;
  if (inc.failed) {
    duration = static_cast<std::int64_t>(static_cast<double>(duration) *
                                         Uniform(Hash(b.key, kSaltFail, inc.run, 1), 0.1, 0.9));
  }
  duration = std::max<std::int64_t>(30, duration - b.end_early_seconds);
  std::int64_t created = inc.run_start + b.start_delay_seconds;
  if (pod.node_slot < 0) {
    inc.exists = t < next_run;
    inc.key = inc.run * 8;
    inc.created = created;
    return inc;
  }
  const NodeSlot& node = spec.node_slots[static_cast<std::size_t>(pod.node_slot)];
  std::int64_t g = node.timeline.GenerationAt(created);
  for (int attempt = 0; attempt < 8; ++attempt) {
    const NodeLife life = LifeOf(node, g);
    const std::uint64_t h = Hash(spec.seed, kSaltSchedule, slot_index, inc.run, attempt);
    const std::int64_t scheduled = std::max(created, life.ready) + UniformInt(h, 1, 5);
    const std::int64_t running = scheduled + w.pull_seconds + InitSeconds(w);
    const std::int64_t finished = running + duration;
    const bool interrupted = finished > life.end;
    std::int64_t removed = 0;
    if (interrupted) {
      removed = std::min(life.end, next_run);
    } else {
      removed = std::min({finished + b.ttl_seconds, next_run, life.end});
    }
    if (t < removed) {
      inc.exists = true;
      inc.placed = true;
      inc.key = inc.run * 8 + attempt;
      inc.node_generation = g;
      inc.created = created;
      inc.scheduled = scheduled;
      inc.running = running;
      inc.finished = interrupted ? kNever : finished;
      return inc;
    }
    if (!interrupted || life.end >= next_run) break;
    // The node went away during the run: the Job controller makes a new pod.
    created = life.end;
    g = g + 1;
  }
  return inc;
}

void SetContainers(const Workload& w, const Incarnation& inc, std::int64_t t, PodState& pod) {
  pod.containers.resize(w.containers.size());
  for (std::size_t i = 0; i < w.containers.size(); ++i) {
    const ContainerSpec& spec = w.containers[i];
    ContainerState& c = pod.containers[i];
    if (pod.phase == PodPhase::kPending) {
      c.waiting_reason = w.init_containers.empty() ? "ContainerCreating" : "PodInitializing";
      continue;
    }
    c.started_at = inc.running;
    if (pod.phase == PodPhase::kSucceeded || pod.phase == PodPhase::kFailed) {
      c.terminated = true;
      c.finished_at = inc.finished;
      c.exit_code = pod.phase == PodPhase::kFailed ? 1 : 0;
      continue;
    }
    c.running = true;
    if (spec.restart_period_seconds <= 0) continue;
    const std::int64_t period = spec.restart_period_seconds;
    const std::int64_t phase = spec.restart_phase_seconds;
    const std::int64_t kills_now = FloorDiv(t - phase, period);
    const std::int64_t restarts = kills_now - FloorDiv(inc.running - phase, period);
    if (restarts <= 0) continue;
    const std::int64_t last_kill = phase + kills_now * period;
    c.restart_count = static_cast<int>(restarts);
    c.last_started_at = restarts >= 2 ? last_kill - period + kCrashBackoffSeconds : inc.running;
    c.last_finished_at = last_kill;
    c.started_at = last_kill + kCrashBackoffSeconds;
    if (t < c.started_at) {
      c.running = false;
      c.waiting_reason = "CrashLoopBackOff";
    }
  }
}

void NamePod(const ClusterSpec& spec, const Workload& w, const PodSlot& slot, int workload,
             const Incarnation& inc, PodState& pod) {
  const std::uint64_t h = Hash(spec.seed, kSaltPodName, workload, slot.ordinal, inc.key);
  std::string& name = pod.name;
  name = w.name;
  switch (w.kind) {
    case WorkloadKind::kDeployment:
      name.push_back('-');
      name += w.template_hash;
      name.push_back('-');
      AppendUniqueSuffix(name, h, w.uid_key, slot.ordinal);
      break;
    case WorkloadKind::kStatefulSet:
      name.push_back('-');
      AppendDecimal(name, slot.ordinal);
      break;
    case WorkloadKind::kDaemonSet:
      name.push_back('-');
      AppendUniqueSuffix(name, h, w.uid_key, slot.node_slot);
      break;
    case WorkloadKind::kCronJob:
      name.push_back('-');
      AppendDecimal(name, FloorDiv(inc.run_start, 60));
      pod.owner_name = name;
      pod.owner_uid.clear();
      AppendUuid(pod.owner_uid, Hash(w.uid_key, inc.run), Hash(w.uid_key, inc.run, 1));
      name.push_back('-');
      AppendUniqueSuffix(name, h, w.uid_key, 0);
      break;
    case WorkloadKind::kRayHead:
      name += "-head-";
      AppendUniqueSuffix(name, h, w.uid_key, 0);
      break;
    case WorkloadKind::kRayWorker:
      name.push_back('-');
      name += w.group;
      name += "-worker-";
      AppendUniqueSuffix(name, h, w.uid_key, slot.ordinal);
      break;
    case WorkloadKind::kSparkDriver:
      name.push_back('-');
      AppendDecimal(name, inc.run_start);
      pod.owner_name = name;
      pod.owner_uid.clear();
      AppendUuid(pod.owner_uid, Hash(w.uid_key, inc.run), Hash(w.uid_key, inc.run, 1));
      name += "-driver";
      break;
    case WorkloadKind::kSparkExecutor: {
      const Workload& driver = spec.workloads[static_cast<std::size_t>(w.driver)];
      pod.owner_name = driver.name;
      pod.owner_name.push_back('-');
      AppendDecimal(pod.owner_name, inc.run_start);
      pod.owner_name += "-driver";
      const std::uint64_t dh = Hash(spec.seed, kSaltPodUid, w.driver, 0, inc.run * 8);
      pod.owner_uid.clear();
      AppendUuid(pod.owner_uid, dh, Mix64(dh));
      name.push_back('-');
      AppendHex(name, Hash(driver.uid_key, inc.run), 16);
      name += "-exec-";
      AppendDecimal(name, slot.ordinal + 1 + (inc.key % 8) * w.replicas);
      break;
    }
    case WorkloadKind::kNotebook:
      break;
  }
  const std::uint64_t uh = Hash(spec.seed, kSaltPodUid, workload, slot.ordinal, inc.key);
  AppendUuid(pod.uid, uh, Mix64(uh));
}

}  // namespace

std::string_view PodPhaseName(PodPhase phase) {
  switch (phase) {
    case PodPhase::kPending:
      return "Pending";
    case PodPhase::kRunning:
      return "Running";
    case PodPhase::kSucceeded:
      return "Succeeded";
    case PodPhase::kFailed:
      return "Failed";
  }
  return "Unknown";
}

int ClusterState::FindNode(std::string_view name) const {
  const auto it =
      std::lower_bound(nodes.begin(), nodes.end(), name,
                       [](const NodeState& n, std::string_view v) { return n.name < v; });
  if (it == nodes.end() || it->name != name) return -1;
  return static_cast<int>(it - nodes.begin());
}

ClusterState StateAt(const ClusterSpec& spec, std::chrono::sys_seconds at) {
  const std::int64_t t = at.time_since_epoch().count();
  ClusterState state;
  state.time = t;

  // Nodes, and for each slot the node generation present (or none during a replacement).
  std::vector<int> node_of_slot(spec.node_slots.size(), -1);
  std::vector<std::int64_t> generation_of_slot(spec.node_slots.size(), 0);
  for (const NodeSlot& slot : spec.node_slots) {
    const std::int64_t g = slot.timeline.GenerationAt(t);
    const NodeLife life = LifeOf(slot, g);
    generation_of_slot[static_cast<std::size_t>(slot.index)] = g;
    if (t < life.birth) continue;
    NodeState& node = state.nodes.emplace_back();
    node.slot = slot.index;
    node.generation = g;
    node.created = life.birth;
    node.ready_at = life.ready;
    NameNode(spec, slot, g, node);
  }
  std::sort(state.nodes.begin(), state.nodes.end(),
            [](const NodeState& a, const NodeState& b) { return a.name < b.name; });
  for (std::size_t i = 0; i < state.nodes.size(); ++i) {
    node_of_slot[static_cast<std::size_t>(state.nodes[i].slot)] = static_cast<int>(i);
  }

  state.pods.reserve(spec.pod_slots.size());
  for (std::size_t s = 0; s < spec.pod_slots.size(); ++s) {
    const PodSlot& slot = spec.pod_slots[s];
    const Workload& w = spec.workloads[static_cast<std::size_t>(slot.workload)];
    const Incarnation inc = w.IsBatch() ? BatchIncarnation(spec, w, slot, s, t)
                                        : ServiceIncarnation(spec, w, slot, s, t);
    if (!inc.exists) continue;
    PodState& pod = state.pods.emplace_back();
    pod.slot = static_cast<int>(s);
    pod.incarnation = inc.key;
    pod.created = inc.created;
    pod.scheduled_at = inc.scheduled;
    pod.running_from = inc.running;
    pod.unschedulable = !inc.placed;
    if (inc.placed && t >= inc.scheduled) {
      // Bound pods are on an existing node: the node generation they were bound to is the
      // current one (pods are removed when their node goes).
      pod.node = node_of_slot[static_cast<std::size_t>(slot.node_slot)];
    }
    if (pod.node < 0 || t < inc.running) {
      pod.phase = PodPhase::kPending;
    } else if (t < inc.finished) {
      pod.phase = PodPhase::kRunning;
    } else {
      pod.phase = inc.failed ? PodPhase::kFailed : PodPhase::kSucceeded;
      pod.finished_at = inc.finished;
    }
    NamePod(spec, w, slot, slot.workload, inc, pod);
    SetContainers(w, inc, t, pod);
  }

  // GPU devices go to running pods in slot order.
  std::vector<int> next_gpu(state.nodes.size(), 0);
  for (PodState& pod : state.pods) {
    if (pod.node < 0 || pod.phase != PodPhase::kRunning) continue;
    const Workload& w = spec.workloads[static_cast<std::size_t>(
        spec.pod_slots[static_cast<std::size_t>(pod.slot)].workload)];
    const std::int64_t gpus = w.PodRequests().gpus;
    if (gpus <= 0) continue;
    pod.first_gpu = next_gpu[static_cast<std::size_t>(pod.node)];
    next_gpu[static_cast<std::size_t>(pod.node)] += static_cast<int>(gpus);
  }

  std::vector<std::size_t> order(state.pods.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto namespace_of = [&](const PodState& p) -> const std::string& {
    return spec
        .workloads[static_cast<std::size_t>(
            spec.pod_slots[static_cast<std::size_t>(p.slot)].workload)]
        .namespace_name;
  };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const PodState& pa = state.pods[a];
    const PodState& pb = state.pods[b];
    const int c = namespace_of(pa).compare(namespace_of(pb));
    if (c != 0) return c < 0;
    return pa.name < pb.name;
  });
  std::vector<PodState> sorted;
  sorted.reserve(state.pods.size());
  for (const std::size_t i : order) sorted.push_back(std::move(state.pods[i]));
  state.pods = std::move(sorted);

  state.pods_by_node.assign(state.nodes.size(), {});
  for (std::size_t i = 0; i < state.pods.size(); ++i) {
    const PodState& pod = state.pods[i];
    if (pod.node >= 0) {
      state.pods_by_node[static_cast<std::size_t>(pod.node)].push_back(static_cast<int>(i));
    }
  }
  return state;
}

double ContainerCpuSeconds(const ContainerSpec& spec, const ContainerState& state,
                           std::int64_t unix_millis) {
  const std::int64_t start = state.started_at * 1000;
  if (!state.running || unix_millis <= start) return 0;
  const double seconds = spec.cpu_cores.Integral(SignalSeconds(start), SignalSeconds(unix_millis));
  // The kubelet reports nanoseconds.
  return std::floor(seconds * 1e9) / 1e9;
}

double ContainerMemoryBytes(const ContainerSpec& spec, const ContainerState& state,
                            std::int64_t unix_millis) {
  if (!state.running) return 0;
  double bytes = spec.memory_bytes.At(SignalSeconds(unix_millis));
  if (spec.restart_period_seconds > 0 && spec.limits.memory_bytes > 0) {
    // A leak: the working set climbs until the container is OOMKilled at the limit.
    const std::int64_t period_ms = spec.restart_period_seconds * 1000;
    const std::int64_t since_kill =
        unix_millis - spec.restart_phase_seconds * 1000 -
        FloorDiv(unix_millis - spec.restart_phase_seconds * 1000, period_ms) * period_ms;
    const double fraction = static_cast<double>(since_kill) / static_cast<double>(period_ms);
    bytes = static_cast<double>(spec.limits.memory_bytes) * (0.35 + 0.63 * fraction);
  }
  return std::floor(std::max(bytes, 0.0) / 4096) * 4096;
}

double ContainerGpuPercent(const ContainerSpec& spec, std::int64_t unix_millis) {
  return std::clamp(std::round(spec.gpu_percent.At(SignalSeconds(unix_millis))), 0.0, 100.0);
}

}  // namespace costledger::simulator
