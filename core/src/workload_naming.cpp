#include "costledger/model/workload_naming.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

namespace costledger::model {
namespace {

using std::chrono::sys_seconds;

// An absent label and an empty one are the same thing here.
std::string_view LabelValue(const Labels& labels, std::string_view key) {
  const auto it = labels.find(key);
  return it == labels.end() ? std::string_view{} : std::string_view{it->second};
}

std::string Concat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (const std::string_view p : parts) size += p.size();
  std::string out;
  out.reserve(size);
  for (const std::string_view p : parts) out.append(p);
  return out;
}

WorkloadName Named(std::string_view platform, std::string_view prefix, std::string_view name) {
  return {std::string(platform), Concat({prefix, name})};
}

// Airflow. KubernetesExecutor worker pods carry dag_id, task_id, try_number,
// kubernetes_executor=True, airflow_version, airflow-worker (the scheduler job id), run_id,
// execution_date/logical_date and map_index (mapped tasks); KubernetesPodOperator pods dag_id,
// task_id, run_id, try_number, map_index, kubernetes_pod_operator=True; SparkKubernetesOperator
// puts dag_id, task_id, run_id, try_number, spark_kubernetes_operator=True on the
// SparkApplication's driver and executor pods. Values pass through make_safe_label_value: over
// 63 characters, or with characters a label cannot hold, they are cut and get a '-' and 9 hex
// digits of an MD5. Sources:
// https://airflow.apache.org/docs/apache-airflow-providers-cncf-kubernetes/stable/kubernetes_executor.html
// https://github.com/apache/airflow/blob/main/providers/cncf/kubernetes/src/airflow/providers/cncf/kubernetes/pod_generator.py
// https://github.com/apache/airflow/blob/main/providers/cncf/kubernetes/src/airflow/providers/cncf/kubernetes/operators/pod.py
// https://github.com/apache/airflow/blob/main/providers/cncf/kubernetes/src/airflow/providers/cncf/kubernetes/operators/spark_kubernetes.py
std::optional<WorkloadName> AirflowTask(const Labels& labels) {
  const std::string_view dag = LabelValue(labels, "dag_id");
  const std::string_view task = LabelValue(labels, "task_id");
  if (dag.empty() || task.empty()) return std::nullopt;
  return WorkloadName{std::string(kPlatformAirflow), Concat({"dag:", dag, "/", task})};
}

// JupyterHub single-user servers, as KubeSpawner labels them: hub.jupyter.org/username and
// hub.jupyter.org/servername (escaped, "" for the default server), component and (KubeSpawner
// 7+) app.kubernetes.io/component set to its component_label, "singleuser-server" unless
// configured otherwise (several hubs in one namespace), app=jupyterhub, heritage=jupyterhub.
// KubeSpawner before 0.10 (z2jh 0.8) set no username label, only component. The hub, proxy,
// user-scheduler and placeholder pods carry other components and no username: they are the
// platform's own Deployments and StatefulSets, named by rule 5. Sources:
// https://jupyterhub-kubespawner.readthedocs.io/en/latest/spawner.html (component_label,
// common_labels) and https://github.com/jupyterhub/kubespawner/blob/main/kubespawner/spawner.py
// (_build_common_labels, _build_pod_labels); https://z2jh.jupyter.org/en/stable/
std::optional<WorkloadName> JupyterHubServer(const Labels& labels, std::string_view pod_name) {
  constexpr std::string_view kSingleUser = "singleuser-server";
  const std::string_view user = LabelValue(labels, "hub.jupyter.org/username");
  if (user.empty()) {
    if (LabelValue(labels, "component") != kSingleUser &&
        LabelValue(labels, "app.kubernetes.io/component") != kSingleUser) {
      return std::nullopt;
    }
    return Named(kPlatformJupyterHub, "notebook:", pod_name);
  }
  const std::string_view server = LabelValue(labels, "hub.jupyter.org/servername");
  if (server.empty()) return Named(kPlatformJupyterHub, "notebook:", user);
  return WorkloadName{std::string(kPlatformJupyterHub), Concat({"notebook:", user, "/", server})};
}

// Spark on Kubernetes: spark-submit labels the driver and every executor with
// spark-app-selector (the application id, spark-<uuid hex>), spark-role (driver|executor),
// and since SPARK-36566 spark-app-name (spark.app.name made a valid label value) and
// spark-version; executors also spark-exec-id and spark-exec-resourceprofile-id, and are owned
// by the driver pod. The Spark Operator submits with --name <SparkApplication>, adds
// sparkoperator.k8s.io/app-name=<SparkApplication> and launched-by-spark-operator=true, and
// copies the SparkApplication's labels to both, among them
// sparkoperator.k8s.io/scheduled-app-name on the runs of a ScheduledSparkApplication (named
// <scheduled>-<timestamp>). So every label used here is on the driver and its executors alike.
// Sources: https://spark.apache.org/docs/latest/running-on-kubernetes.html
// https://github.com/apache/spark/blob/master/resource-managers/kubernetes/core/src/main/scala/org/apache/spark/deploy/k8s/KubernetesConf.scala
// https://www.kubeflow.org/docs/components/spark-operator/user-guide/using-sparkapplication/
// https://github.com/kubeflow/spark-operator/blob/master/internal/controller/sparkapplication/submission.go
// https://github.com/kubeflow/spark-operator/blob/master/internal/controller/scheduledsparkapplication/controller.go
std::optional<WorkloadName> SparkApplication(const Labels& labels, std::string_view controller_kind,
                                             std::string_view controller_name,
                                             const WorkloadHints& hints) {
  // Runs of a schedule aggregate, as a DAG's runs and a CronJob's Jobs do; then the name
  // people gave the application; the generated id last.
  constexpr std::array<std::string_view, 4> kNameLabels{"sparkoperator.k8s.io/scheduled-app-name",
                                                        "sparkoperator.k8s.io/app-name",
                                                        "spark-app-name", "spark-app-selector"};
  for (const std::string_view key : kNameLabels) {
    const std::string_view name = LabelValue(labels, key);
    if (!name.empty()) return Named(kPlatformSpark, "spark:", name);
  }
  if (controller_kind != "SparkApplication" || controller_name.empty()) return std::nullopt;
  if (hints.controller_owner_kind == "ScheduledSparkApplication" &&
      !hints.controller_owner_name.empty()) {
    return Named(kPlatformSpark, "spark:", hints.controller_owner_name);
  }
  return Named(kPlatformSpark, "spark:", controller_name);
}

// KubeRay labels head and worker pods ray.io/cluster, ray.io/node-type (head|worker),
// ray.io/group, ray.io/identifier, ray.io/is-ray-node=yes, app.kubernetes.io/name=kuberay,
// app.kubernetes.io/created-by=kuberay-operator, and the pod template's own labels; it puts
// ray.io/originated-from-crd (RayJob|RayService) and ray.io/originated-from-cr-name on the
// RayCluster it makes for a RayJob or RayService and on a RayJob's submitter Job pods, but not
// on head and worker pods: for those only `hints` (the RayCluster's owner) tell. The cluster's
// name is no help: RayJob and RayService both name it <name>-<5 random characters>
// (<name>-raycluster-<5> before KubeRay #3102), a shape any hand-named cluster may have.
// Sources: https://docs.ray.io/en/latest/cluster/kubernetes/index.html
// https://github.com/ray-project/kuberay/blob/master/ray-operator/controllers/ray/common/pod.go
// https://github.com/ray-project/kuberay/blob/master/ray-operator/controllers/ray/utils/constant.go
// https://github.com/ray-project/kuberay/blob/master/ray-operator/controllers/ray/rayjob_controller.go
std::optional<WorkloadName> RayOwner(std::string_view crd, std::string_view name) {
  if (name.empty()) return std::nullopt;
  if (crd == "RayJob") return Named(kPlatformRay, "rayjob:", name);
  if (crd == "RayService") return Named(kPlatformRay, "rayservice:", name);
  if (crd == "RayCluster") return Named(kPlatformRay, "raycluster:", name);
  return std::nullopt;
}

std::optional<WorkloadName> RayWorkload(const Labels& labels, std::string_view controller_kind,
                                        std::string_view controller_name,
                                        const WorkloadHints& hints) {
  if (auto owner = RayOwner(LabelValue(labels, "ray.io/originated-from-crd"),
                            LabelValue(labels, "ray.io/originated-from-cr-name"))) {
    return owner;
  }
  const bool owned_by_cluster = controller_kind == "RayCluster" && !controller_name.empty();
  std::string_view cluster = LabelValue(labels, "ray.io/cluster");
  if (cluster.empty() && owned_by_cluster) cluster = controller_name;
  if (cluster.empty()) return std::nullopt;
  // The hint speaks of the pod's controller: it applies when that is this cluster.
  if (owned_by_cluster && controller_name == cluster &&
      (hints.controller_owner_kind == "RayJob" || hints.controller_owner_kind == "RayService")) {
    return RayOwner(hints.controller_owner_kind, hints.controller_owner_name)
        .value_or(Named(kPlatformRay, "raycluster:", cluster));
  }
  return Named(kPlatformRay, "raycluster:", cluster);
}

// The CronJob controller names each Job <cronjob>-<scheduled time in minutes since the epoch>
// and creates it at or after that time; a CronJob's name has at most 52 characters, to leave
// room for the 11 it appends. The Job controller labels its pods batch.kubernetes.io/job-name
// (job-name before Kubernetes 1.27). A Job counts as its CronJob's only when all of this holds
// and the pod was created in the week after the name's minute (a minute of clock skew
// allowed): a hand-named "backfill-2024-04" or "etl-20240501" does not pass.
// Sources: https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
// https://kubernetes.io/docs/reference/labels-annotations-taints/#batchkubernetesiojob-name
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/cronjob/utils.go
constexpr std::size_t kMaxCronJobNameLength = 52;
constexpr std::size_t kMaxMinuteDigits = 10;
constexpr std::chrono::seconds kMaxScheduleToPod = std::chrono::hours(24 * 7);
constexpr std::chrono::seconds kClockSkew = std::chrono::minutes(1);

std::optional<std::string_view> CronJobOfJob(std::string_view job, const Labels& labels,
                                             std::optional<sys_seconds> pod_created) {
  if (!pod_created) return std::nullopt;
  if (LabelValue(labels, "batch.kubernetes.io/job-name") != job &&
      LabelValue(labels, "job-name") != job) {
    return std::nullopt;
  }
  const std::size_t dash = job.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash > kMaxCronJobNameLength) {
    return std::nullopt;
  }
  const std::string_view digits = job.substr(dash + 1);
  if (digits.empty() || digits.size() > kMaxMinuteDigits || digits.front() == '0') {
    return std::nullopt;
  }
  std::int64_t minutes = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    minutes = minutes * 10 + (c - '0');  // at most 10 digits: no overflow
  }
  const sys_seconds scheduled{std::chrono::minutes(minutes)};
  // Compared so that no timestamp, however far off, overflows.
  if (*pod_created < scheduled - kClockSkew || *pod_created - scheduled >= kMaxScheduleToPod) {
    return std::nullopt;
  }
  return job.substr(0, dash);
}

// Otherwise the controller. A static pod's mirror is owned by its Node (kubelet's
// mirror_client.go, KEP-1314): that names the node, not a workload, so it counts as a bare pod.
WorkloadName ControllerWorkload(const Labels& labels, std::string_view pod_name,
                                std::string_view controller_kind, std::string_view controller_name,
                                const WorkloadHints& hints) {
  if (controller_kind.empty() || controller_name.empty() || controller_kind == "Node") {
    return Named(kPlatformKubernetes, "pod:", pod_name);
  }
  if (controller_kind == "Job") {
    if (hints.controller_owner_kind == "CronJob" && !hints.controller_owner_name.empty()) {
      return Named(kPlatformKubernetes, "CronJob:", hints.controller_owner_name);
    }
    if (const auto cronjob = CronJobOfJob(controller_name, labels, hints.pod_created)) {
      return Named(kPlatformKubernetes, "CronJob:", *cronjob);
    }
  }
  return WorkloadName{std::string(kPlatformKubernetes),
                      Concat({controller_kind, ":", controller_name})};
}

}  // namespace

WorkloadName NameWorkload(const Labels& pod_labels, std::string_view /*namespace_name*/,
                          std::string_view pod_name, std::string_view controller_kind,
                          std::string_view controller_name, const WorkloadHints& hints) {
  if (auto name = AirflowTask(pod_labels)) return std::move(*name);
  if (auto name = JupyterHubServer(pod_labels, pod_name)) return std::move(*name);
  if (auto name = SparkApplication(pod_labels, controller_kind, controller_name, hints)) {
    return std::move(*name);
  }
  if (auto name = RayWorkload(pod_labels, controller_kind, controller_name, hints)) {
    return std::move(*name);
  }
  return ControllerWorkload(pod_labels, pod_name, controller_kind, controller_name, hints);
}

bool IsWorkloadNamingLabel(std::string_view key) {
  // Every label the rules above read.
  static constexpr std::array<std::string_view, 15> kRead{
      "dag_id",
      "task_id",
      "hub.jupyter.org/username",
      "hub.jupyter.org/servername",
      "component",
      "app.kubernetes.io/component",
      "sparkoperator.k8s.io/scheduled-app-name",
      "sparkoperator.k8s.io/app-name",
      "spark-app-name",
      "spark-app-selector",
      "ray.io/originated-from-crd",
      "ray.io/originated-from-cr-name",
      "ray.io/cluster",
      "batch.kubernetes.io/job-name",
      "job-name",
  };
  return std::find(kRead.begin(), kRead.end(), key) != kRead.end();
}

WorkloadName NameWorkload(const Pod& pod, const WorkloadHints& hints) {
  WorkloadHints with_created = hints;
  if (!with_created.pod_created) with_created.pod_created = pod.created;
  return NameWorkload(pod.labels, pod.namespace_name, pod.name, pod.controller_kind,
                      pod.controller_name, with_created);
}

}  // namespace costledger::model
