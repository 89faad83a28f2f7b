#include "costledger/simulator/dcgm_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "costledger/simulator/identifiers.hpp"
#include "costledger/simulator/lifecycle.hpp"
#include "costledger/simulator/random.hpp"
#include "salts.hpp"
#include "text_format.hpp"

namespace costledger::simulator {
namespace {

constexpr std::string_view kDriverVersion = "535.161.08";

struct Device {
  std::string labels;  // everything between the braces
  bool busy = false;
  double utilisation = 0;  // percent
  double framebuffer_used_mib = 0;
  double framebuffer_total_mib = 0;
  double idle_watts = 0;
  double max_watts = 0;
  bool v100 = false;
  double energy_millijoules = 0;
  double temperature = 0;
};

struct FamilyInfo {
  std::string_view name;
  std::string_view help;
  std::string_view type;
};

constexpr FamilyInfo kFamilies[] = {
    {"DCGM_FI_DEV_SM_CLOCK", "SM clock frequency (in MHz).", "gauge"},
    {"DCGM_FI_DEV_MEM_CLOCK", "Memory clock frequency (in MHz).", "gauge"},
    {"DCGM_FI_DEV_GPU_TEMP", "GPU temperature (in C).", "gauge"},
    {"DCGM_FI_DEV_POWER_USAGE", "Power draw (in W).", "gauge"},
    {"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "Total energy consumption since boot (in mJ).",
     "counter"},
    {"DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "Total number of PCIe retries.", "counter"},
    {"DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %).", "gauge"},
    {"DCGM_FI_DEV_MEM_COPY_UTIL", "Memory utilization (in %).", "gauge"},
    {"DCGM_FI_DEV_XID_ERRORS", "Value of the last XID error encountered.", "gauge"},
    {"DCGM_FI_DEV_FB_FREE", "Framebuffer memory free (in MiB).", "gauge"},
    {"DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB).", "gauge"},
    {"DCGM_FI_PROF_GR_ENGINE_ACTIVE", "Ratio of time the graphics engine is active.", "gauge"},
};

void AddDevices(const ClusterSpec& spec, const ClusterState& state, int node_index,
                std::vector<Device>& devices) {
  const NodeState& node = state.nodes[static_cast<std::size_t>(node_index)];
  const NodeSlot& slot = spec.node_slots[static_cast<std::size_t>(node.slot)];
  const InstanceType& type = *slot.type;
  if (type.gpus == 0) return;
  const std::int64_t now_ms = state.time * 1000;
  const std::size_t first = devices.size();
  const bool v100 = type.gpu_short_name == "v100";
  const std::int64_t booted = LifeOf(slot, node.generation).birth;
  for (int i = 0; i < type.gpus; ++i) {
    Device& d = devices.emplace_back();
    const std::uint64_t h = Hash(slot.timeline.key(), kSaltGpu, node.generation, i);
    std::string uuid;
    AppendUuid(uuid, h, Mix64(h));
    const int bus = type.gpus == 1 ? 0x1e : 0x1b + i;
    d.labels = fmt::format(
        "gpu=\"{}\",UUID=\"GPU-{}\",pci_bus_id=\"00000000:00:{:02X}.0\",device=\"nvidia{}\","
        "modelName=\"{}\",Hostname=\"{}\",DCGM_FI_DRIVER_VERSION=\"{}\"",
        i, uuid, bus, i, type.gpu_model, node.name, kDriverVersion);
    d.v100 = v100;
    d.framebuffer_total_mib = static_cast<double>(type.gpu_memory_mib);
    d.idle_watts = v100 ? 24.5 : 24.9 + static_cast<double>(h % 100U) / 100.0;
    d.max_watts = 300;
    // The exporter's energy counter runs since the node booted; an average draw is enough here.
    const double average_watts = d.idle_watts + 0.4 * (d.max_watts - d.idle_watts);
    d.energy_millijoules = std::floor(
        average_watts * static_cast<double>(std::max<std::int64_t>(0, state.time - booted)) * 1000);
  }
  for (const int index : state.pods_by_node[static_cast<std::size_t>(node_index)]) {
    const PodState& pod = state.pods[static_cast<std::size_t>(index)];
    if (pod.first_gpu < 0 || pod.phase != PodPhase::kRunning) continue;
    const Workload& w = spec.workloads[static_cast<std::size_t>(
        spec.pod_slots[static_cast<std::size_t>(pod.slot)].workload)];
    int next = pod.first_gpu;
    for (std::size_t c = 0; c < w.containers.size(); ++c) {
      const ContainerSpec& container = w.containers[c];
      for (std::int64_t g = 0; g < container.requests.gpus && next < type.gpus; ++g, ++next) {
        Device& d = devices[first + static_cast<std::size_t>(next)];
        d.labels += fmt::format(R"(,container="{}",namespace="{}",pod="{}")", container.name,
                                w.namespace_name, pod.name);
        if (!pod.containers[c].running) continue;
        d.busy = true;
        const double jitter = static_cast<double>(Hash(spec.seed, kSaltGpu, pod.slot, g) % 5U) - 2;
        d.utilisation = std::clamp(ContainerGpuPercent(container, now_ms) + jitter, 0.0, 100.0);
        d.framebuffer_used_mib =
            std::round(d.framebuffer_total_mib * container.framebuffer_fraction *
                       (0.98 + 0.02 * d.utilisation / 100));
      }
    }
  }
  for (std::size_t i = first; i < devices.size(); ++i) {
    devices[i].temperature = std::round(28 + 0.4 * devices[i].utilisation);
  }
}

void Value(std::string& out, std::string_view family, const Device& d, std::string_view value) {
  out += family;
  out.push_back('{');
  out += d.labels;
  out += "} ";
  out += value;
  out.push_back('\n');
}

}  // namespace

std::string RenderDcgmMetrics(const ClusterSpec& spec, const ClusterState& state, int node) {
  std::vector<Device> devices;
  if (node >= 0) {
    AddDevices(spec, state, node, devices);
  } else {
    for (std::size_t i = 0; i < state.nodes.size(); ++i) {
      AddDevices(spec, state, static_cast<int>(i), devices);
    }
  }
  std::string out;
  out.reserve(devices.size() * 12 * 320 + 2048);
  std::string value;
  for (const FamilyInfo& family : kFamilies) {
    out += "# HELP ";
    out += family.name;
    out.push_back(' ');
    out += family.help;
    out += "\n# TYPE ";
    out += family.name;
    out.push_back(' ');
    out += family.type;
    out.push_back('\n');
    for (const Device& d : devices) {
      value.clear();
      const std::string_view name = family.name;
      if (name == "DCGM_FI_DEV_SM_CLOCK") {
        AppendInt(value, d.busy ? (d.v100 ? 1530 : 1710) : (d.v100 ? 135 : 210));
      } else if (name == "DCGM_FI_DEV_MEM_CLOCK") {
        AppendInt(value, d.v100 ? 877 : (d.busy ? 6251 : 405));
      } else if (name == "DCGM_FI_DEV_GPU_TEMP") {
        AppendInt(value, static_cast<std::int64_t>(d.temperature));
      } else if (name == "DCGM_FI_DEV_POWER_USAGE") {
        value = fmt::format("{:.6f}",
                            d.idle_watts + (d.max_watts - d.idle_watts) * d.utilisation / 100);
      } else if (name == "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION") {
        AppendInt(value, static_cast<std::int64_t>(d.energy_millijoules));
      } else if (name == "DCGM_FI_DEV_GPU_UTIL") {
        AppendInt(value, static_cast<std::int64_t>(d.utilisation));
      } else if (name == "DCGM_FI_DEV_MEM_COPY_UTIL") {
        AppendInt(value, static_cast<std::int64_t>(std::round(d.utilisation * 0.4)));
      } else if (name == "DCGM_FI_DEV_FB_FREE") {
        AppendInt(value,
                  static_cast<std::int64_t>(d.framebuffer_total_mib - d.framebuffer_used_mib));
      } else if (name == "DCGM_FI_DEV_FB_USED") {
        AppendInt(value, static_cast<std::int64_t>(d.framebuffer_used_mib));
      } else if (name == "DCGM_FI_PROF_GR_ENGINE_ACTIVE") {
        value = fmt::format("{:.6f}", d.utilisation / 100 * 0.97);
      } else {
        value.push_back('0');
      }
      Value(out, family.name, d, value);
    }
  }
  return out;
}

}  // namespace costledger::simulator
