#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "costledger/simulator/instance_types.hpp"
#include "costledger/simulator/smooth_signal.hpp"
#include "costledger/simulator/timeline.hpp"

namespace costledger::simulator {

/// How big the simulated cluster is. Workload pods are exactly `pods` slots; DaemonSet pods
/// (kube-proxy, aws-node, ebs-csi-node on every node, NVIDIA DCGM exporter and device plugin on
/// GPU nodes) come on top.
struct ClusterSize {
  int nodes = 20;
  int pods = 200;
};

/// Largest sizes accepted by BuildClusterSpec.
inline constexpr int kMaxNodes = 5000;
inline constexpr int kMaxPods = 200'000;

/// Node pools; workloads prefer one. A pool's spot nodes are a Karpenter NodePool of its name
/// (karpenter.sh/nodepool), its on-demand nodes an EKS managed node group `<name>-on-demand`
/// (eks.amazonaws.com/nodegroup).
enum class NodePool : std::uint8_t { kSystem, kGeneral, kCompute, kMemory, kGpu };

std::string_view NodePoolName(NodePool pool);

inline constexpr std::string_view kZones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};

/// A place for one node. Its node is replaced at each boundary of `timeline` (spot
/// interruption, or expiry after about 30 days for on-demand nodes); the replacement gets a
/// new name and instance id.
struct NodeSlot {
  int index = 0;
  const InstanceType* type = nullptr;
  int zone = 0;  ///< index into kZones
  bool spot = false;
  NodePool pool = NodePool::kGeneral;
  Timeline timeline;
  int address_base = 0;   ///< first host offset of this slot's addresses in the zone subnet
  int address_block = 1;  ///< how many addresses the slot cycles through
  /// Sums of the requests of the pods placed on this slot (for node-level usage).
  std::int64_t requested_millicores = 0;
  std::int64_t requested_memory_bytes = 0;
};

/// CPU in millicores, memory in bytes, GPUs in devices. 0 means "not set" for limits.
struct Resources {
  std::int64_t cpu_millicores = 0;
  std::int64_t memory_bytes = 0;
  std::int64_t gpus = 0;
};

struct ContainerSpec {
  std::string name;
  std::string image;
  Resources requests;
  Resources limits;
  bool sidecar = false;             ///< init container with restartPolicy Always
  SmoothSignal cpu_cores;           ///< usage in cores
  SmoothSignal memory_bytes;        ///< working set
  SmoothSignal gpu_percent;         ///< per device utilisation, 0-100
  double framebuffer_fraction = 0;  ///< share of GPU memory used
  /// A container that gets OOMKilled every `restart_period_seconds` (0: never): its memory
  /// climbs to its limit, then it restarts and its CPU counter starts again from zero.
  std::int64_t restart_period_seconds = 0;
  std::int64_t restart_phase_seconds = 0;
  int port = 0;  ///< containerPort, 0 for none
};

enum class WorkloadKind : std::uint8_t {
  kDeployment,     ///< pods owned by ReplicaSet <name>-<pod-template-hash>
  kStatefulSet,    ///< pods <name>-<ordinal>
  kDaemonSet,      ///< one pod per node slot
  kCronJob,        ///< a Job <name>-<scheduled minute> per period, one pod per Job
  kRayHead,        ///< KubeRay RayCluster head
  kRayWorker,      ///< KubeRay RayCluster worker group
  kSparkDriver,    ///< spark-operator driver, owned by SparkApplication <name>-<run time>
  kSparkExecutor,  ///< executors, owned by the driver pod
  kNotebook,       ///< JupyterHub single-user server: a bare pod
};

/// Runs of a batch workload: a run starts every `period_seconds`; its pod runs for a
/// duration in [min_run_seconds, max_run_seconds], then Succeeded (or Failed), is kept
/// `ttl_seconds` and removed; a run still going when the next starts is replaced.
struct BatchSchedule {
  std::int64_t period_seconds = 0;
  std::int64_t phase_seconds = 0;
  std::int64_t min_run_seconds = 0;
  std::int64_t max_run_seconds = 0;
  std::int64_t start_delay_seconds = 0;  ///< pod created this long after the run starts
  std::int64_t end_early_seconds = 0;    ///< ends this long before the run's duration
  std::int64_t ttl_seconds = 0;          ///< finished pod kept this long; 0: removed at once
  double failure_rate = 0;
  std::uint64_t key = 0;  ///< draws durations; shared by a Spark driver and its executors
};

struct Workload {
  WorkloadKind kind = WorkloadKind::kDeployment;
  std::string namespace_name;
  std::string name;           ///< controller name (RayCluster, CronJob, SparkApplication base, ...)
  std::string team;           ///< pod label `team`; empty for cluster add-ons
  std::string app;            ///< app.kubernetes.io/name
  std::string part_of;        ///< app.kubernetes.io/part-of; may be empty
  std::string template_hash;  ///< pod-template-hash / controller-revision-hash
  std::string group;          ///< Ray worker group
  std::string user;           ///< JupyterHub user
  std::string service_account;
  std::string priority_class;
  std::uint64_t uid_key = 0;  ///< derives the owner's uid
  std::vector<ContainerSpec> init_containers;
  std::vector<ContainerSpec> containers;
  NodePool pool = NodePool::kGeneral;
  bool on_demand_only = false;  ///< nodeSelector karpenter.sh/capacity-type: on-demand
  bool gpu = false;             ///< tolerates the nvidia.com/gpu taint
  BatchSchedule batch;          ///< kCronJob, kSparkDriver, kSparkExecutor
  int replicas = 1;
  int driver = -1;                 ///< kSparkExecutor: index of the driver workload
  std::int64_t pull_seconds = 10;  ///< image pull and start-up

  bool IsBatch() const {
    return kind == WorkloadKind::kCronJob || kind == WorkloadKind::kSparkDriver ||
           kind == WorkloadKind::kSparkExecutor;
  }
  Resources PodRequests() const;
};

/// A place for one pod: the workload's `ordinal`-th replica, on node slot `node_slot`
/// (-1: no node fits, the pod stays Pending).
struct PodSlot {
  int workload = 0;
  int ordinal = 0;
  int node_slot = -1;
};

/// Everything about the simulated cluster that does not change with time. A pure function of
/// (seed, size); see BuildClusterSpec.
struct ClusterSpec {
  std::uint64_t seed = 1;
  ClusterSize size;
  std::vector<NodeSlot> node_slots;
  std::vector<Workload> workloads;
  std::vector<PodSlot> pod_slots;  ///< `size.pods` workload pods first, then DaemonSet pods
  std::vector<std::vector<int>> pod_slots_by_node;  ///< pod slot indices per node slot
};

/// Builds the cluster: node slots (instance types, zones, spot or on-demand), workloads of a
/// data-science platform (JupyterHub, Ray, Spark, model serving, Airflow, Kafka, CronJobs, ...)
/// for teams alpha, beta, gamma and platform, and where each pod goes (requests fit each
/// node's allocatable). Throws InvalidInput when a size is out of range.
ClusterSpec BuildClusterSpec(std::uint64_t seed, ClusterSize size);

}  // namespace costledger::simulator
