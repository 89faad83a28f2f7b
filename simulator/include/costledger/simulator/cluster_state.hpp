#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/simulator/cluster_spec.hpp"

namespace costledger::simulator {

/// One node that exists at the state's time.
struct NodeState {
  int slot = 0;
  std::int64_t generation = 0;
  std::string name;           ///< "ip-10-0-12-34.ec2.internal"
  std::string ip;             ///< "10.0.12.34"
  std::string instance_id;    ///< "i-0a1b2c3d4e5f60718"
  std::int64_t created = 0;   ///< Unix seconds
  std::int64_t ready_at = 0;  ///< Unix seconds; Ready condition True from then on
};

enum class PodPhase : std::uint8_t { kPending, kRunning, kSucceeded, kFailed };

std::string_view PodPhaseName(PodPhase phase);

struct ContainerState {
  bool running = false;
  bool terminated = false;  ///< the pod finished
  int exit_code = 0;
  int restart_count = 0;
  std::int64_t started_at = 0;   ///< current (or last) run of the container, Unix seconds
  std::int64_t finished_at = 0;  ///< when terminated
  /// Previous run, when restart_count > 0 (lastState.terminated, OOMKilled).
  std::int64_t last_started_at = 0;
  std::int64_t last_finished_at = 0;
  std::string_view waiting_reason;  ///< "ContainerCreating", "CrashLoopBackOff", ...
};

/// One pod that exists at the state's time.
struct PodState {
  int slot = 0;
  std::int64_t incarnation = 0;  ///< node generation or batch run; names and uids derive from it
  std::string name;
  std::string uid;
  std::string owner_name;  ///< Job, SparkApplication or driver pod name when per-run
  std::string owner_uid;
  int node = -1;  ///< index into ClusterState::nodes; -1 while unscheduled
  PodPhase phase = PodPhase::kPending;
  bool unschedulable = false;  ///< no node fits: PodScheduled False, reason Unschedulable
  std::int64_t created = 0;
  std::int64_t scheduled_at = 0;  ///< bound to its node (startTime)
  std::int64_t running_from = 0;  ///< containers started
  std::int64_t finished_at = 0;   ///< Succeeded/Failed
  int first_gpu = -1;             ///< first device index assigned on the node (Running pods)
  std::vector<ContainerState> containers;  ///< parallel to Workload::containers
};

/// The cluster at one instant: a pure function of (spec, t).
struct ClusterState {
  std::int64_t time = 0;                       ///< Unix seconds
  std::vector<NodeState> nodes;                ///< sorted by name
  std::vector<PodState> pods;                  ///< sorted by namespace, then name
  std::vector<std::vector<int>> pods_by_node;  ///< indices into pods, per nodes[i]

  /// Index into nodes of the node named `name`, or -1.
  int FindNode(std::string_view name) const;
};

/// The state of every node and pod at `t`.
ClusterState StateAt(const ClusterSpec& spec, std::chrono::sys_seconds t);

/// CPU time of a container's current run at `unix_millis`, in core-seconds (a counter that
/// restarts from 0 when the container restarts). 0 when not running.
double ContainerCpuSeconds(const ContainerSpec& spec, const ContainerState& state,
                           std::int64_t unix_millis);

/// Working set of a running container at `unix_millis`, in bytes (whole pages).
double ContainerMemoryBytes(const ContainerSpec& spec, const ContainerState& state,
                            std::int64_t unix_millis);

/// Utilisation (0-100) of each GPU device assigned to a running container.
double ContainerGpuPercent(const ContainerSpec& spec, std::int64_t unix_millis);

}  // namespace costledger::simulator
