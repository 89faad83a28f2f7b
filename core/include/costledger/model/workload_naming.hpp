#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "costledger/model/kubernetes_records.hpp"

namespace costledger::model {

/// The platform that launched a pod and the workload its people know it by (rule 8): a
/// JupyterHub user's server, an Airflow task, a Spark application, a Ray cluster or job, else
/// the pod's Kubernetes controller. Both are plain text so that cost rows group by them.
struct WorkloadName {
  std::string platform;  ///< one of the kPlatform* names below
  std::string workload;  ///< "<kind>:<name>", e.g. "notebook:alice", "dag:etl/load"
  friend bool operator==(const WorkloadName&, const WorkloadName&) = default;
};

inline constexpr std::string_view kPlatformAirflow = "airflow";
inline constexpr std::string_view kPlatformJupyterHub = "jupyterhub";
inline constexpr std::string_view kPlatformSpark = "spark";
inline constexpr std::string_view kPlatformRay = "ray";
inline constexpr std::string_view kPlatformKubernetes = "kubernetes";

/// What the collector may know besides the pod itself; every member is optional and an empty
/// one is simply not used.
struct WorkloadHints {
  /// The controlling owner of the pod's controller, one level up, when the collector knows it:
  /// the CronJob of a Job, the RayJob or RayService of a RayCluster, the
  /// ScheduledSparkApplication of a SparkApplication. The pod alone does not say so.
  std::string_view controller_owner_kind;
  std::string_view controller_owner_name;
  /// The pod's metadata.creationTimestamp. With it, a Job named by the CronJob controller
  /// (<cronjob>-<scheduled minute since the epoch>) is recognised without `controller_owner_*`.
  std::optional<std::chrono::sys_seconds> pod_created;
};

/// Names the workload of one pod from the labels each platform sets on the pods it launches.
/// The first rule that applies wins:
///  1. Airflow (dag_id and task_id): "dag:<dag_id>/<task_id>"; runs, retries and mapped
///     indexes of a task are one workload. Airflow wins over the engines it launches: its
///     SparkKubernetesOperator puts its labels on the driver and every executor, whose Spark
///     application name changes with each run.
///  2. JupyterHub single-user server (hub.jupyter.org/username, or component or
///     app.kubernetes.io/component singleuser-server): "notebook:<user>" or
///     "notebook:<user>/<server>" for a named server; "notebook:<pod name>" without a user label.
///  3. Spark driver or executor: "spark:<name>", the name being the ScheduledSparkApplication
///     (sparkoperator.k8s.io/scheduled-app-name), else the SparkApplication
///     (sparkoperator.k8s.io/app-name), else spark-app-name, else the application id
///     (spark-app-selector), else the SparkApplication that controls the pod.
///  4. KubeRay: "rayjob:<name>" or "rayservice:<name>" from ray.io/originated-from-crd and
///     ray.io/originated-from-cr-name, or from `hints` for a RayCluster's pods (KubeRay does not
///     put those labels on head and worker pods); else "raycluster:<ray.io/cluster>".
///  5. The controller: "<kind>:<name>" as given (the parser already names a Deployment for its
///     ReplicaSet); a CronJob's Job as "CronJob:<cronjob>" when `hints` show it; a pod with no
///     controller, or a static pod (owned by its Node), as "pod:<pod name>".
/// Label values are reported as the platforms wrote them (escaped, truncated or hashed);
/// an empty value counts as absent. `namespace_name` is not part of the name (rows carry it).
/// Never throws, except std::bad_alloc.
WorkloadName NameWorkload(const Labels& pod_labels, std::string_view namespace_name,
                          std::string_view pod_name, std::string_view controller_kind,
                          std::string_view controller_name, const WorkloadHints& hints = {});

/// The same for a parsed pod: its labels, names and controller, and its creation time as
/// `hints.pod_created` unless `hints` give one.
WorkloadName NameWorkload(const Pod& pod, const WorkloadHints& hints = {});

/// Whether NameWorkload reads the pod label `key`: a pod keeping only the labels for which this
/// is true is named as with all of them. (The collector keeps just these, and the team, on pods
/// it may have to price again from a stale list.) Never throws.
bool IsWorkloadNamingLabel(std::string_view key);

}  // namespace costledger::model
