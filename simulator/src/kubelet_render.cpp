#include "costledger/simulator/kubelet_render.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <tuple>
#include <vector>

#include "costledger/simulator/lifecycle.hpp"
#include "costledger/simulator/random.hpp"
#include "costledger/simulator/smooth_signal.hpp"
#include "salts.hpp"
#include "text_format.hpp"

namespace costledger::simulator {
namespace {

constexpr double kTwoPi = 6.283185307179586;
constexpr double kMi = 1024.0 * 1024.0;

struct ContainerRow {
  std::string_view container;
  std::string_view namespace_name;
  std::string_view pod;
  double cpu_seconds = 0;
  double memory_bytes = 0;
  double start_seconds = 0;
  std::int64_t timestamp_ms = 0;
};

struct PodRow {
  std::string_view namespace_name;
  std::string_view pod;
  double cpu_seconds = 0;
  double memory_bytes = 0;
  std::int64_t timestamp_ms = 0;
};

// The kubelet serves stats cached up to ~10 s old, each container sampled at its own time (a
// fixed lag per container, so timestamps only move forward).
std::int64_t SampleTime(std::uint64_t h, std::int64_t now_ms, std::int64_t not_before_ms) {
  return std::max(now_ms - 200 - static_cast<std::int64_t>(h % 9000U), not_before_ms);
}

void Family(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out.push_back(' ');
  out += help;
  out += "\n# TYPE ";
  out += name;
  out.push_back(' ');
  out += type;
  out.push_back('\n');
}

void Sample(std::string& out, std::string_view name, const ContainerRow& row, double value,
            bool with_timestamp) {
  out += name;
  out += "{container=\"";
  AppendLabelValue(out, row.container);
  out += "\",namespace=\"";
  AppendLabelValue(out, row.namespace_name);
  out += "\",pod=\"";
  AppendLabelValue(out, row.pod);
  out += "\"} ";
  AppendGoFloat(out, value);
  if (with_timestamp) {
    out.push_back(' ');
    AppendInt(out, row.timestamp_ms);
  }
  out.push_back('\n');
}

void Sample(std::string& out, std::string_view name, const PodRow& row, double value) {
  out += name;
  out += "{namespace=\"";
  AppendLabelValue(out, row.namespace_name);
  out += "\",pod=\"";
  AppendLabelValue(out, row.pod);
  out += "\"} ";
  AppendGoFloat(out, value);
  out.push_back(' ');
  AppendInt(out, row.timestamp_ms);
  out.push_back('\n');
}

// Node-wide usage: system daemons plus a share of what the pods asked for.
SmoothSignal NodeCpu(const NodeSlot& slot) {
  const std::uint64_t h = Hash(slot.timeline.key(), kSaltSampleOffset);
  SmoothSignal s;
  s.base = 0.12 + 0.55 * static_cast<double>(slot.requested_millicores) / 1000.0;
  s.amplitude1 = 0.3 * s.base;
  s.omega1 = kTwoPi / 86'400;
  s.phase1 = Uniform(h, 0, kTwoPi);
  s.amplitude2 = 0.1 * s.base;
  s.omega2 = kTwoPi / 1800;
  s.phase2 = Uniform(Mix64(h), 0, kTwoPi);
  return s;
}

}  // namespace

std::string RenderKubeletResourceMetrics(const ClusterSpec& spec, const ClusterState& state,
                                         int node_index) {
  const NodeState& node = state.nodes.at(static_cast<std::size_t>(node_index));
  const NodeSlot& slot = spec.node_slots[static_cast<std::size_t>(node.slot)];
  const std::int64_t now_ms = state.time * 1000;

  std::vector<ContainerRow> containers;
  std::vector<PodRow> pods;
  for (const int index : state.pods_by_node[static_cast<std::size_t>(node_index)]) {
    const PodState& pod = state.pods[static_cast<std::size_t>(index)];
    if (pod.phase != PodPhase::kRunning) continue;
    const Workload& w = spec.workloads[static_cast<std::size_t>(
        spec.pod_slots[static_cast<std::size_t>(pod.slot)].workload)];
    PodRow pod_row{w.namespace_name, pod.name, 0, 0, 0};
    pod_row.timestamp_ms = SampleTime(Hash(spec.seed, kSaltSampleOffset, pod.slot, pod.incarnation),
                                      now_ms, pod.running_from * 1000);
    for (std::size_t i = 0; i < w.containers.size(); ++i) {
      const ContainerSpec& c = w.containers[i];
      const ContainerState& s = pod.containers[i];
      // The pod cgroup keeps counting across container restarts.
      ContainerState whole_run = s;
      whole_run.running = true;
      whole_run.started_at = pod.running_from;
      pod_row.cpu_seconds += ContainerCpuSeconds(c, whole_run, pod_row.timestamp_ms);
      if (!s.running) continue;
      ContainerRow row{c.name, w.namespace_name, pod.name, 0, 0, 0, 0};
      const std::uint64_t h = Hash(spec.seed, kSaltSampleOffset, pod.slot, pod.incarnation, i);
      row.timestamp_ms = SampleTime(h, now_ms, s.started_at * 1000);
      row.cpu_seconds = ContainerCpuSeconds(c, s, row.timestamp_ms);
      row.memory_bytes = ContainerMemoryBytes(c, s, row.timestamp_ms);
      row.start_seconds =
          static_cast<double>(s.started_at) + static_cast<double>(Mix64(h) % 1'000'000U) / 1e6;
      pod_row.memory_bytes += row.memory_bytes;
      containers.push_back(row);
    }
    pod_row.memory_bytes += 512 * 1024;  // the pause container
    pods.push_back(pod_row);
  }
  std::sort(containers.begin(), containers.end(), [](const ContainerRow& a, const ContainerRow& b) {
    return std::tie(a.container, a.namespace_name, a.pod) <
           std::tie(b.container, b.namespace_name, b.pod);
  });
  std::sort(pods.begin(), pods.end(), [](const PodRow& a, const PodRow& b) {
    return std::tie(a.namespace_name, a.pod) < std::tie(b.namespace_name, b.pod);
  });

  std::string out;
  out.reserve(1024 + containers.size() * 600 + pods.size() * 300);
  Family(out, "container_cpu_usage_seconds_total",
         "[STABLE] Cumulative cpu time consumed by the container in core-seconds", "counter");
  for (const ContainerRow& row : containers) {
    Sample(out, "container_cpu_usage_seconds_total", row, row.cpu_seconds, true);
  }
  Family(out, "container_memory_working_set_bytes",
         "[STABLE] Current working set of the container in bytes", "gauge");
  for (const ContainerRow& row : containers) {
    Sample(out, "container_memory_working_set_bytes", row, row.memory_bytes, true);
  }
  Family(out, "container_start_time_seconds",
         "[STABLE] Start time of the container since unix epoch in seconds", "gauge");
  for (const ContainerRow& row : containers) {
    Sample(out, "container_start_time_seconds", row, row.start_seconds, false);
  }
  Family(out, "container_swap_usage_bytes",
         "[ALPHA] Current amount of the container swap usage in bytes. Reported only on "
         "non-windows systems",
         "gauge");
  for (const ContainerRow& row : containers) {
    Sample(out, "container_swap_usage_bytes", row, 0, true);
  }

  const NodeLife life = LifeOf(slot, node.generation);
  const std::int64_t node_ms = SampleTime(
      Hash(slot.timeline.key(), kSaltSampleOffset, node.generation), now_ms, life.birth * 1000);
  const double node_cpu =
      std::floor(NodeCpu(slot).Integral(SignalSeconds(life.birth * 1000), SignalSeconds(node_ms)) *
                 1e9) /
      1e9;
  const double node_memory =
      std::floor((600 * kMi + 0.6 * static_cast<double>(slot.requested_memory_bytes)) / 4096) *
      4096;
  Family(out, "node_cpu_usage_seconds_total",
         "[STABLE] Cumulative cpu time consumed by the node in core-seconds", "counter");
  out += "node_cpu_usage_seconds_total ";
  AppendGoFloat(out, node_cpu);
  out.push_back(' ');
  AppendInt(out, node_ms);
  out.push_back('\n');
  Family(out, "node_memory_working_set_bytes", "[STABLE] Current working set of the node in bytes",
         "gauge");
  out += "node_memory_working_set_bytes ";
  AppendGoFloat(out, node_memory);
  out.push_back(' ');
  AppendInt(out, node_ms);
  out.push_back('\n');
  Family(out, "node_swap_usage_bytes",
         "[ALPHA] Current swap usage of the node in bytes. Reported only on non-windows systems",
         "gauge");
  out += "node_swap_usage_bytes 0 ";
  AppendInt(out, node_ms);
  out.push_back('\n');

  Family(out, "pod_cpu_usage_seconds_total",
         "[STABLE] Cumulative cpu time consumed by the pod in core-seconds", "counter");
  for (const PodRow& row : pods) Sample(out, "pod_cpu_usage_seconds_total", row, row.cpu_seconds);
  Family(out, "pod_memory_working_set_bytes", "[STABLE] Current working set of the pod in bytes",
         "gauge");
  for (const PodRow& row : pods) {
    Sample(out, "pod_memory_working_set_bytes", row, row.memory_bytes);
  }
  Family(out, "pod_swap_usage_bytes",
         "[ALPHA] Current amount of the pod swap usage in bytes. Reported only on non-windows "
         "systems",
         "gauge");
  for (const PodRow& row : pods) Sample(out, "pod_swap_usage_bytes", row, 0);
  Family(out, "resource_scrape_error",
         "[STABLE] 1 if there was an error while getting container metrics, 0 otherwise", "gauge");
  out += "resource_scrape_error 0\n";
  return out;
}

}  // namespace costledger::simulator
