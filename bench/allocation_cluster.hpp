#pragma once

// The generated cluster of the allocation bench: 30 days x 10,000 pods on 500 nodes. The
// PostgreSQL data (kCreatePods and kPodHoursFunction in allocation_bench.cpp, generated
// server-side in SQL) and the OpenCost-style Prometheus metrics (opencost_tsdb.cpp, generated
// here) follow these definitions; a change to one must be made to the other (the bench checks
// that the PromQL answer agrees with the API's).
#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace costledger::bench::cluster {

inline constexpr int kDays = 30;
inline constexpr int kHours = kDays * 24;
inline constexpr int kPods = 10'000;
inline constexpr int kNodes = 500;       // 20 pods per node, one of each namespace
inline constexpr int kNamespaces = 20;   // ns-00 .. ns-19
inline constexpr int kTeams = 5;         // team-0 .. team-4, by namespace
inline constexpr int kPodsPerNode = 20;  // pod p runs on node p / 20 % kNodes
// 2025-10-17T00:00:00Z: the first generated day; the 30 days end at 2025-11-16T00:00:00Z.
inline constexpr std::int64_t kFirstDay = 1'760'659'200;

// A node: 8 cores, 32 GiB and, one in 25 (g5.2xlarge), one GPU; one in 4 is spot, at 40% of
// the on-demand unit prices. Rates in nano-dollars per millicore-hour, MiB-hour and
// device-hour, as in kCreatePods.
struct Node {
  int k = 0;
  std::string name;  // ip-10-0-{k/250}-{k%250}.ec2.internal
  bool spot = false;
  bool gpu_node = false;
  std::string instance_type;
  std::int64_t cpu_rate = 0, ram_rate = 0, gpu_rate = 0;
};

inline constexpr std::int64_t kNodeMillicores = 8000;
inline constexpr std::int64_t kNodeMemoryBytes = std::int64_t{32} << 30;

inline Node NodeAt(int k) {
  Node n;
  n.k = k;
  n.name = fmt::format("ip-10-0-{}-{}.ec2.internal", k / 250, k % 250);
  n.spot = k % 4 == 3;
  n.gpu_node = k % 25 == 0;
  n.instance_type = n.gpu_node ? "g5.2xlarge" : "m5.2xlarge";
  n.cpu_rate = n.spot ? 12'500 : 31'250;
  n.ram_rate = n.spot ? 1'600 : 4'000;
  n.gpu_rate = n.spot ? 320'000'000 : 800'000'000;
  return n;
}

// A pod with one container, "main", of a Deployment.
struct Pod {
  int p = 0;
  int k = 0;  // its node
  std::string namespace_name, pod, controller, team;
  std::int64_t cpu_request_millicores = 0, memory_request_bytes = 0, gpus = 0;
};

inline Pod PodAt(int p) {
  Pod pod;
  pod.p = p;
  pod.k = p / kPodsPerNode % kNodes;
  pod.namespace_name = fmt::format("ns-{:02d}", p % kNamespaces);
  pod.controller = fmt::format("app-{}", p / kPodsPerNode % 25);
  pod.pod = fmt::format("{}-7d9f8b6c4-{:05d}", pod.controller, p);
  pod.team = fmt::format("team-{}", p % kNamespaces % kTeams);
  pod.cpu_request_millicores = 50 + p * 37 % 300;
  pod.memory_request_bytes = std::int64_t{128 + p * 13 % 1024} << 20;
  pod.gpus = pod.k % 25 == 0 && p % kPodsPerNode == 0 ? 1 : 0;
  return pod;
}

// The usage of hour h (0 .. kHours-1, counted from kFirstDay), as in kPodHoursFunction.
inline std::int64_t CpuUsageMillicores(int p, int h) { return (p * 53 + h * 7) % 400; }
inline std::int64_t MemoryUsageBytes(int p, int h) {
  return std::int64_t{(p * 29 + h * 11) % 1536} << 20;
}

// What the cost model allocates (rule 3; no node is overcommitted).
inline std::int64_t CpuAllocatedMillicores(const Pod& pod, int h) {
  return std::max(pod.cpu_request_millicores, CpuUsageMillicores(pod.p, h));
}
inline std::int64_t MemoryAllocatedBytes(const Pod& pod, int h) {
  return std::max(pod.memory_request_bytes, MemoryUsageBytes(pod.p, h));
}

}  // namespace costledger::bench::cluster
