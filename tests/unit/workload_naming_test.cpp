#include "costledger/model/workload_naming.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "costledger/model/kubernetes_rules.hpp"

namespace costledger::model {
namespace {

using std::chrono::sys_seconds;

sys_seconds At(std::int64_t epoch_seconds) {
  return sys_seconds(std::chrono::seconds(epoch_seconds));
}

WorkloadName Expect(std::string_view platform, std::string_view workload) {
  return {std::string(platform), std::string(workload)};
}

// A bare pod (no owner), as Airflow, JupyterHub and spark-submit create them.
WorkloadName BarePod(const Labels& labels, std::string_view pod_name) {
  return NameWorkload(labels, "default", pod_name, "", "");
}

Labels With(Labels labels, std::initializer_list<std::pair<const std::string, std::string>> more) {
  for (const auto& [key, value] : more) labels[key] = value;
  return labels;
}

// ---- JupyterHub ----

// The single-user server of the recorded PodList in tests/data/k8s/pods.json (z2jh 3.3.7,
// KubeSpawner 6): a default server, so servername is "".
TEST(WorkloadNamingTest, JupyterHubDefaultServerIsItsUsersNotebook) {
  const Labels labels{{"app", "jupyterhub"},
                      {"chart", "jupyterhub-3.3.7"},
                      {"component", "singleuser-server"},
                      {"heritage", "jupyterhub"},
                      {"hub.jupyter.org/network-access-hub", "true"},
                      {"hub.jupyter.org/servername", ""},
                      {"hub.jupyter.org/username", "alice"},
                      {"release", "jupyterhub"},
                      {"team", "research"}};
  EXPECT_EQ(BarePod(labels, "jupyter-alice"), Expect("jupyterhub", "notebook:alice"));
}

// A named server as z2jh 1.2.0 labels it (pod jupyter-test-5fuser--test1 of user "test_user",
// whose label value is KubeSpawner's escaped "test-5fuser"): the escaped value is kept.
TEST(WorkloadNamingTest, JupyterHubNamedServerIsUserSlashServer) {
  const Labels labels{{"app", "jupyterhub"},
                      {"chart", "jupyterhub-1.2.0"},
                      {"component", "singleuser-server"},
                      {"heritage", "jupyterhub"},
                      {"hub.jupyter.org/network-access-hub", "true"},
                      {"hub.jupyter.org/servername", "test1"},
                      {"hub.jupyter.org/username", "test-5fuser"},
                      {"release", "jupyterhub"}};
  EXPECT_EQ(BarePod(labels, "jupyter-test-5fuser--test1"),
            Expect("jupyterhub", "notebook:test-5fuser/test1"));
}

// z2jh 0.8.0 (KubeSpawner 0.10) put the user only in an annotation; the labels say
// component=singleuser-server. The pod's name is then the best name there is.
TEST(WorkloadNamingTest, JupyterHubServerWithoutUserLabelIsNamedByItsPod) {
  const Labels labels{{"app", "jupyterhub"},
                      {"chart", "jupyterhub-0.8.0"},
                      {"component", "singleuser-server"},
                      {"heritage", "jupyterhub"},
                      {"hub.jupyter.org/network-access-hub", "true"},
                      {"release", "jhub"}};
  EXPECT_EQ(BarePod(labels, "jupyter-may16-5f3"),
            Expect("jupyterhub", "notebook:jupyter-may16-5f3"));
}

// KubeSpawner 7 adds app.kubernetes.io/component; a spawner using only the modern label (and
// KubeSpawner 7's hashed safe slug for an unusual user name) is recognised as well.
TEST(WorkloadNamingTest, JupyterHubModernComponentLabelAndSafeSlug) {
  const Labels modern_only{{"app.kubernetes.io/component", "singleuser-server"},
                           {"app.kubernetes.io/managed-by", "kubetemplatespawner"},
                           {"hub.jupyter.org/network-access-hub", "true"},
                           {"hub.jupyter.org/servername", ""},
                           {"hub.jupyter.org/username", "user-1---751ab4e2"}};
  EXPECT_EQ(BarePod(modern_only, "jupyter-user-1---751ab4e2"),
            Expect("jupyterhub", "notebook:user-1---751ab4e2"));
  Labels no_user = modern_only;
  no_user.erase("hub.jupyter.org/username");
  EXPECT_EQ(BarePod(no_user, "jupyter-x"), Expect("jupyterhub", "notebook:jupyter-x"));
}

// KubeSpawner.component_label is configurable (several hubs in one namespace): the user label
// is what marks a server, whatever the component.
TEST(WorkloadNamingTest, JupyterHubConfiguredComponentStillNamesTheUser) {
  const Labels labels{{"app", "jupyterhub"},
                      {"component", "singleuser-server-staging"},
                      {"hub.jupyter.org/servername", ""},
                      {"hub.jupyter.org/username", "bob"}};
  EXPECT_EQ(BarePod(labels, "jupyter-bob"), Expect("jupyterhub", "notebook:bob"));
}

// The hub (a z2jh 0.8 dump: its ReplicaSet hub-776c457d95 does not end in the
// pod-template-hash 3327013851, an older hash encoding, so the parser keeps the ReplicaSet),
// the proxy and the placeholders are the platform's own infrastructure, not notebooks.
TEST(WorkloadNamingTest, JupyterHubInfrastructureIsNamedByItsController) {
  const Labels hub{{"app", "jupyterhub"},
                   {"component", "hub"},
                   {"hub.jupyter.org/network-access-proxy-api", "true"},
                   {"hub.jupyter.org/network-access-proxy-http", "true"},
                   {"hub.jupyter.org/network-access-singleuser", "true"},
                   {"pod-template-hash", "3327013851"},
                   {"release", "jhub"}};
  const ControllerRef hub_controller = ControllerOf("ReplicaSet", "hub-776c457d95", hub);
  EXPECT_EQ(
      NameWorkload(hub, "jhub", "hub-776c457d95-sbtd9", hub_controller.kind, hub_controller.name),
      Expect("kubernetes", "ReplicaSet:hub-776c457d95"));
  const Labels proxy{{"app", "jupyterhub"},
                     {"component", "proxy"},
                     {"hub.jupyter.org/network-access-hub", "true"},
                     {"pod-template-hash", "7d5c9b8f6c"},
                     {"release", "jhub"}};
  const ControllerRef proxy_controller = ControllerOf("ReplicaSet", "proxy-7d5c9b8f6c", proxy);
  EXPECT_EQ(NameWorkload(proxy, "jhub", "proxy-7d5c9b8f6c-q2x8z", proxy_controller.kind,
                         proxy_controller.name),
            Expect("kubernetes", "Deployment:proxy"));
  const Labels placeholder{
      {"app", "jupyterhub"}, {"component", "user-placeholder"}, {"release", "jhub"}};
  EXPECT_EQ(
      NameWorkload(placeholder, "jhub", "user-placeholder-0", "StatefulSet", "user-placeholder"),
      Expect("kubernetes", "StatefulSet:user-placeholder"));
}

// ---- Airflow ----

// PodGenerator.build_labels_for_k8s_executor_pod (Airflow 2, cncf.kubernetes provider): the
// run_id is make_safe_label_value("scheduled__2024-05-06T00:00:00+00:00"), the execution date
// datetime_to_label_safe_datestring of it.
TEST(WorkloadNamingTest, AirflowKubernetesExecutorPodIsItsDagAndTask) {
  const Labels labels{
      {"airflow-worker", "1234"},       {"airflow_version", "2.9.1"},
      {"dag_id", "sales_daily"},        {"execution_date", "2024-05-06T00_00_00_plus_00_00"},
      {"kubernetes_executor", "True"},  {"run_id", "scheduled__2024-05-06T0000000000-0e5b7c973"},
      {"task_id", "load_to_warehouse"}, {"try_number", "1"}};
  EXPECT_EQ(BarePod(labels, "sales-daily-load-to-warehouse-x7b2k9qd"),
            Expect("airflow", "dag:sales_daily/load_to_warehouse"));
}

// KubernetesPodOperator._get_ti_pod_labels, as an operator logged them ("Building pod
// export-action-log-4devg7t1 with labels: ...").
TEST(WorkloadNamingTest, AirflowKubernetesPodOperatorPodIsItsDagAndTask) {
  const Labels labels{{"dag_id", "foo-bar-dag-id"},
                      {"task_id", "foo-bar-task-id"},
                      {"run_id", "scheduled__2023-03-08T0130000000-77fa57adf"},
                      {"kubernetes_pod_operator", "True"},
                      {"try_number", "1"}};
  EXPECT_EQ(BarePod(labels, "export-action-log-4devg7t1"),
            Expect("airflow", "dag:foo-bar-dag-id/foo-bar-task-id"));
}

// A DAG's runs aggregate: another run, a retry, a mapped index (map_index) and Airflow 3's
// logical_date name the same workload as the first try of the first run.
TEST(WorkloadNamingTest, AirflowRunsRetriesAndMappedIndexesAreOneWorkload) {
  const Labels first{{"airflow_version", "2.9.1"},
                     {"dag_id", "dag"},
                     {"kubernetes_pod_operator", "True"},
                     {"airflow_kpo_in_cluster", "False"},
                     {"run_id", "manual__2016-01-01T0100000100-da4d1ce7b"},
                     {"task_id", "task"},
                     {"try_number", "1"}};
  const WorkloadName expected = Expect("airflow", "dag:dag/task");
  EXPECT_EQ(BarePod(first, "test-a1"), expected);
  EXPECT_EQ(BarePod(With(first, {{"try_number", "2"}}), "test-a2"), expected);
  EXPECT_EQ(
      BarePod(With(first, {{"run_id", "scheduled__2024-05-06T0000000000-0e5b7c973"}}), "test-b1"),
      expected);
  EXPECT_EQ(BarePod(With(first, {{"map_index", "10"}}), "test-m10"), expected);
  EXPECT_EQ(BarePod(With(first, {{"logical_date", "2024-05-06T00_00_00_plus_00_00"}}), "t"),
            expected);
}

// make_safe_label_value cuts a 77-character dag_id to 53 characters and appends '-' and the
// first 9 hex digits of its MD5; an id with spaces and brackets loses them and gets a hash. The
// names are reported as Airflow wrote them.
TEST(WorkloadNamingTest, AirflowSanitisedValuesAreReportedAsGiven) {
  const Labels labels{{"dag_id", "customer_lifetime_value.daily_rollup_for_every_region-26de443e8"},
                      {"task_id", "mydagv2-dec3166b4"},
                      {"kubernetes_executor", "True"},
                      {"try_number", "1"}};
  EXPECT_EQ(
      BarePod(labels, "p"),
      Expect(
          "airflow",
          "dag:customer_lifetime_value.daily_rollup_for_every_region-26de443e8/mydagv2-dec3166b4"));
}

TEST(WorkloadNamingTest, AirflowNeedsBothDagAndTask) {
  const Labels task_only{{"task_id", "load"}, {"try_number", "1"}};
  EXPECT_EQ(BarePod(task_only, "p1"), Expect("kubernetes", "pod:p1"));
  const Labels dag_only{{"dag_id", "etl"}, {"try_number", "1"}};
  EXPECT_EQ(BarePod(dag_only, "p2"), Expect("kubernetes", "pod:p2"));
  const Labels empty_dag{{"dag_id", ""}, {"task_id", "load"}};
  EXPECT_EQ(BarePod(empty_dag, "p3"), Expect("kubernetes", "pod:p3"));
  const Labels empty_task{{"dag_id", "etl"}, {"task_id", ""}};
  EXPECT_EQ(BarePod(empty_task, "p4"), Expect("kubernetes", "pod:p4"));
}

// ---- Spark ----

// spark-submit in cluster mode (Spark 3.5): the driver is a bare pod, executors are owned by
// it; spark-app-name is spark.app.name as a label value.
TEST(WorkloadNamingTest, SparkDriverAndExecutorsAreOneApplication) {
  const Labels driver{{"spark-app-name", "spark-pi"},
                      {"spark-app-selector", "spark-9f1c2b7e4d3a4f0c8b6e5d4c3b2a1f0e"},
                      {"spark-role", "driver"},
                      {"spark-version", "3.5.1"}};
  const Labels executor = With(
      driver,
      {{"spark-role", "executor"}, {"spark-exec-id", "1"}, {"spark-exec-resourceprofile-id", "0"}});
  const WorkloadName expected = Expect("spark", "spark:spark-pi");
  EXPECT_EQ(BarePod(driver, "spark-pi-0b1c2d8f4e5a6b7c-driver"), expected);
  EXPECT_EQ(NameWorkload(executor, "default", "spark-pi-0b1c2d8f4e5a6b7c-exec-1", "Pod",
                         "spark-pi-0b1c2d8f4e5a6b7c-driver"),
            expected);
}

// Before SPARK-36566 only the application id (spark-<uuid without dashes>) and the role were
// set: the id names the application, the same on its driver and executors.
TEST(WorkloadNamingTest, SparkWithoutAppNameLabelIsNamedByItsApplicationId) {
  const Labels driver{{"spark-app-selector", "spark-5a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5"},
                      {"spark-role", "driver"}};
  const Labels executor = With(driver, {{"spark-role", "executor"}, {"spark-exec-id", "3"}});
  const WorkloadName expected = Expect("spark", "spark:spark-5a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5");
  EXPECT_EQ(BarePod(driver, "pyspark-shell-1a2b-driver"), expected);
  EXPECT_EQ(NameWorkload(executor, "default", "pyspark-shell-1a2b-exec-3", "Pod",
                         "pyspark-shell-1a2b-driver"),
            expected);
}

// The Spark Operator's submission: sparkoperator.k8s.io/app-name is the SparkApplication, and a
// ScheduledSparkApplication's runs (SparkApplications <scheduled>-<nanoseconds>) carry
// sparkoperator.k8s.io/scheduled-app-name, copied from the SparkApplication to its pods.
TEST(WorkloadNamingTest, SparkOperatorApplicationsAndScheduledRuns) {
  const Labels one_off{
      {"spark-app-name", "pyspark-pi"},
      {"spark-app-selector", "spark-0123456789abcdef0123456789abcdef"},
      {"spark-role", "driver"},
      {"spark-version", "3.5.1"},
      {"sparkoperator.k8s.io/app-name", "pyspark-pi"},
      {"sparkoperator.k8s.io/launched-by-spark-operator", "true"},
      {"sparkoperator.k8s.io/submission-id", "6f3c3b7e-7a0e-4a8e-9a52-3f4b2c1d0e9f"}};
  EXPECT_EQ(NameWorkload(one_off, "spark", "pyspark-pi-driver", "SparkApplication", "pyspark-pi"),
            Expect("spark", "spark:pyspark-pi"));
  const Labels run =
      With(one_off, {{"spark-app-name", "nightly-report-1714953600000000000"},
                     {"sparkoperator.k8s.io/app-name", "nightly-report-1714953600000000000"},
                     {"sparkoperator.k8s.io/scheduled-app-name", "nightly-report"}});
  EXPECT_EQ(NameWorkload(run, "spark", "nightly-report-1714953600000000000-driver",
                         "SparkApplication", "nightly-report-1714953600000000000"),
            Expect("spark", "spark:nightly-report"));
}

// Which Spark label wins when several are set (the SparkApplication's name is what its owners
// see in kubectl; spark-app-name is spark.app.name lower-cased and made label-safe).
TEST(WorkloadNamingTest, SparkNamePrecedence) {
  Labels labels{{"spark-app-selector", "spark-id"}};
  EXPECT_EQ(BarePod(labels, "d").workload, "spark:spark-id");
  labels["spark-app-name"] = "app-name";
  EXPECT_EQ(BarePod(labels, "d").workload, "spark:app-name");
  labels["sparkoperator.k8s.io/app-name"] = "operator-app";
  EXPECT_EQ(BarePod(labels, "d").workload, "spark:operator-app");
  labels["sparkoperator.k8s.io/scheduled-app-name"] = "schedule";
  EXPECT_EQ(BarePod(labels, "d").workload, "spark:schedule");
  // Empty values count as absent: each falls back to the next.
  labels["sparkoperator.k8s.io/scheduled-app-name"] = "";
  labels["sparkoperator.k8s.io/app-name"] = "";
  EXPECT_EQ(BarePod(labels, "d").workload, "spark:app-name");
  labels["spark-app-name"] = "";
  EXPECT_EQ(BarePod(labels, "d").workload, "spark:spark-id");
  labels["spark-app-selector"] = "";
  EXPECT_EQ(BarePod(labels, "d"), Expect("kubernetes", "pod:d"));
}

// Without Spark's labels, a pod controlled by a SparkApplication is still that application,
// or its schedule's when the collector knows the SparkApplication's owner.
TEST(WorkloadNamingTest, SparkApplicationControllerWithoutLabels) {
  EXPECT_EQ(NameWorkload({}, "spark", "etl-driver", "SparkApplication", "etl"),
            Expect("spark", "spark:etl"));
  WorkloadHints hints;
  hints.controller_owner_kind = "ScheduledSparkApplication";
  hints.controller_owner_name = "etl-nightly";
  EXPECT_EQ(NameWorkload({}, "spark", "etl-driver", "SparkApplication", "etl-1714953600", hints),
            Expect("spark", "spark:etl-nightly"));
}

// ---- Precedence: Airflow over the engines it launches ----

// SparkKubernetesOperator copies the task's labels (dag_id, task_id, run_id, try_number,
// spark_kubernetes_operator=True) into the SparkApplication's driver and executor labels, and
// names the SparkApplication <task or name>-<random suffix>, so spark-app-name changes with every
// run. Naming by the task keeps driver and executors together and a DAG's runs in one workload.
TEST(WorkloadNamingTest, SparkLaunchedByAirflowIsTheAirflowTask) {
  const Labels airflow{{"dag_id", "features"},
                       {"task_id", "build_features"},
                       {"run_id", "scheduled__2024-05-06T0000000000-0e5b7c973"},
                       {"spark_kubernetes_operator", "True"},
                       {"try_number", "1"}};
  const Labels driver =
      With(airflow, {{"spark-app-name", "build-features-k3j9x2lq"},
                     {"spark-app-selector", "spark-aa11bb22cc33dd44ee55ff6677889900"},
                     {"spark-role", "driver"},
                     {"spark-version", "3.5.1"},
                     {"sparkoperator.k8s.io/app-name", "build-features-k3j9x2lq"},
                     {"sparkoperator.k8s.io/launched-by-spark-operator", "true"}});
  const Labels executor = With(driver, {{"spark-role", "executor"}, {"spark-exec-id", "2"}});
  const WorkloadName expected = Expect("airflow", "dag:features/build_features");
  EXPECT_EQ(NameWorkload(driver, "spark", "build-features-k3j9x2lq-driver", "SparkApplication",
                         "build-features-k3j9x2lq"),
            expected);
  EXPECT_EQ(NameWorkload(executor, "spark", "build-features-k3j9x2lq-exec-2", "Pod",
                         "build-features-k3j9x2lq-driver"),
            expected);
}

// Every combination of the platforms' marker labels: the first platform whose labels are
// present names the pod, in the order Airflow, JupyterHub, Spark, Ray, Kubernetes; unrelated
// labels (team, app.kubernetes.io/part-of) and the namespace never matter.
TEST(WorkloadNamingTest, PrecedenceHoldsForEveryCombinationOfLabels) {
  struct Marker {
    std::string_view key;
    std::string_view value;
  };
  constexpr std::array<Marker, 10> kMarkers{{
      {"dag_id", "d"},
      {"task_id", "t"},
      {"hub.jupyter.org/username", "u"},
      {"component", "singleuser-server"},
      {"spark-app-selector", "spark-1"},
      {"spark-app-name", "s"},
      {"ray.io/cluster", "r"},
      {"ray.io/originated-from-crd", "RayJob"},
      {"ray.io/originated-from-cr-name", "j"},
      {"team", "alpha"},
  }};
  for (std::uint32_t mask = 0; mask < (1U << kMarkers.size()); ++mask) {
    Labels labels;
    for (std::size_t i = 0; i < kMarkers.size(); ++i) {
      if ((mask & (1U << i)) != 0) labels.emplace(kMarkers[i].key, kMarkers[i].value);
    }
    const auto has = [&](std::string_view key) { return labels.contains(key); };
    std::string_view platform = "kubernetes";
    if (has("dag_id") && has("task_id")) {
      platform = "airflow";
    } else if (has("hub.jupyter.org/username") || has("component")) {
      platform = "jupyterhub";
    } else if (has("spark-app-selector") || has("spark-app-name")) {
      platform = "spark";
    } else if (has("ray.io/cluster") ||
               (has("ray.io/originated-from-crd") && has("ray.io/originated-from-cr-name"))) {
      platform = "ray";
    }
    const WorkloadName name = NameWorkload(labels, "ns-a", "pod-1", "", "");
    EXPECT_EQ(name.platform, platform) << "label mask " << mask;
    EXPECT_EQ(NameWorkload(labels, "another-namespace", "pod-1", "", ""), name);
    Labels more = labels;
    more.emplace("app.kubernetes.io/part-of", "x");
    EXPECT_EQ(NameWorkload(more, "ns-a", "pod-1", "", ""), name) << "label mask " << mask;
  }
}

// ---- KubeRay ----

// The worker of the recorded PodList (tests/data/k8s/pods.json) and its head.
TEST(WorkloadNamingTest, RayClusterHeadAndWorkersAreTheCluster) {
  const Labels worker{{"app.kubernetes.io/created-by", "kuberay-operator"},
                      {"app.kubernetes.io/name", "kuberay"},
                      {"ray.io/cluster", "raycluster-train"},
                      {"ray.io/group", "gpu-workers"},
                      {"ray.io/identifier", "raycluster-train-worker"},
                      {"ray.io/is-ray-node", "yes"},
                      {"ray.io/node-type", "worker"},
                      {"team", "ml"}};
  const Labels head = With(worker, {{"ray.io/group", "headgroup"},
                                    {"ray.io/identifier", "raycluster-train-head"},
                                    {"ray.io/node-type", "head"}});
  const WorkloadName expected = Expect("ray", "raycluster:raycluster-train");
  EXPECT_EQ(NameWorkload(worker, "ml", "raycluster-train-gpu-workers-worker-9tq2w", "RayCluster",
                         "raycluster-train"),
            expected);
  EXPECT_EQ(
      NameWorkload(head, "ml", "raycluster-train-head-x2v7p", "RayCluster", "raycluster-train"),
      expected);
}

// A RayJob's submitter: a Job named after the RayJob, whose pod template KubeRay labels
// ray.io/originated-from-cr-name and ray.io/originated-from-crd=RayJob.
TEST(WorkloadNamingTest, RayJobSubmitterIsTheRayJob) {
  const Labels labels{
      {"app.kubernetes.io/created-by", "kuberay-operator"},
      {"batch.kubernetes.io/controller-uid", "0f6e1c2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b"},
      {"batch.kubernetes.io/job-name", "rayjob-sample"},
      {"controller-uid", "0f6e1c2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b"},
      {"job-name", "rayjob-sample"},
      {"ray.io/originated-from-cr-name", "rayjob-sample"},
      {"ray.io/originated-from-crd", "RayJob"}};
  EXPECT_EQ(NameWorkload(labels, "default", "rayjob-sample-7x2kq", "Job", "rayjob-sample"),
            Expect("ray", "rayjob:rayjob-sample"));
  const Labels service{{"ray.io/originated-from-cr-name", "rayservice-sample"},
                       {"ray.io/originated-from-crd", "RayService"}};
  EXPECT_EQ(BarePod(service, "p"), Expect("ray", "rayservice:rayservice-sample"));
  // An unknown CRD, or a CRD without a name, says nothing.
  EXPECT_EQ(BarePod({{"ray.io/originated-from-crd", "RayCronJob"},
                     {"ray.io/originated-from-cr-name", "x"}},
                    "p"),
            Expect("kubernetes", "pod:p"));
  EXPECT_EQ(BarePod({{"ray.io/originated-from-crd", "RayJob"}}, "p"),
            Expect("kubernetes", "pod:p"));
}

// KubeRay does not put the originated-from labels on head and worker pods, and RayJob and
// RayService name their clusters alike (<name>-<5 random characters>; <name>-raycluster-<5>
// before KubeRay #3102): without the RayCluster's owner the pods are their cluster.
TEST(WorkloadNamingTest, RayJobClusterPodsNeedTheClustersOwner) {
  const Labels head{{"app.kubernetes.io/created-by", "kuberay-operator"},
                    {"app.kubernetes.io/name", "kuberay"},
                    {"ray.io/cluster", "rayjob-sample-raycluster-x7k2p"},
                    {"ray.io/group", "headgroup"},
                    {"ray.io/identifier", "rayjob-sample-raycluster-x7k2p-head"},
                    {"ray.io/is-ray-node", "yes"},
                    {"ray.io/node-type", "head"}};
  EXPECT_EQ(NameWorkload(head, "default", "rayjob-sample-raycluster-x7k2p-head-8d9fz", "RayCluster",
                         "rayjob-sample-raycluster-x7k2p"),
            Expect("ray", "raycluster:rayjob-sample-raycluster-x7k2p"));
  WorkloadHints job;
  job.controller_owner_kind = "RayJob";
  job.controller_owner_name = "rayjob-sample";
  EXPECT_EQ(NameWorkload(head, "default", "rayjob-sample-raycluster-x7k2p-head-8d9fz", "RayCluster",
                         "rayjob-sample-raycluster-x7k2p", job),
            Expect("ray", "rayjob:rayjob-sample"));
  WorkloadHints service;
  service.controller_owner_kind = "RayService";
  service.controller_owner_name = "rayservice-sample";
  EXPECT_EQ(
      NameWorkload(head, "default", "p", "RayCluster", "rayjob-sample-raycluster-x7k2p", service),
      Expect("ray", "rayservice:rayservice-sample"));
  // A hint about some other controller, or without a name, is not about this cluster.
  EXPECT_EQ(NameWorkload(head, "default", "p", "RayCluster", "another-cluster", job),
            Expect("ray", "raycluster:rayjob-sample-raycluster-x7k2p"));
  WorkloadHints nameless = job;
  nameless.controller_owner_name = "";
  EXPECT_EQ(
      NameWorkload(head, "default", "p", "RayCluster", "rayjob-sample-raycluster-x7k2p", nameless),
      Expect("ray", "raycluster:rayjob-sample-raycluster-x7k2p"));
}

TEST(WorkloadNamingTest, RayClusterControllerWithoutClusterLabel) {
  EXPECT_EQ(NameWorkload({{"ray.io/cluster", ""}}, "ray", "p", "RayCluster", "train"),
            Expect("ray", "raycluster:train"));
  WorkloadHints job;
  job.controller_owner_kind = "RayJob";
  job.controller_owner_name = "train-job";
  EXPECT_EQ(NameWorkload({}, "ray", "p", "RayCluster", "train", job),
            Expect("ray", "rayjob:train-job"));
}

// ---- Kubernetes controllers ----

// The recorded PodList's Deployment pod: the parser names the Deployment for the ReplicaSet
// <deployment>-<pod-template-hash>; the workload is that Deployment.
TEST(WorkloadNamingTest, ReplicaSetResolvedByTheParserIsTheDeployment) {
  const Labels labels{{"app.kubernetes.io/name", "api-server"},
                      {"app.kubernetes.io/part-of", "storefront"},
                      {"pod-template-hash", "7d4b9c8f6d"},
                      {"team", "web"}};
  const ControllerRef controller = ControllerOf("ReplicaSet", "api-server-7d4b9c8f6d", labels);
  EXPECT_EQ(
      NameWorkload(labels, "web", "api-server-7d4b9c8f6d-x8k2p", controller.kind, controller.name),
      Expect("kubernetes", "Deployment:api-server"));
}

TEST(WorkloadNamingTest, OtherControllersAreKindAndName) {
  const Labels postgres{{"app.kubernetes.io/component", "primary"},
                        {"app.kubernetes.io/instance", "postgres"},
                        {"app.kubernetes.io/name", "postgresql"},
                        {"apps.kubernetes.io/pod-index", "0"},
                        {"controller-revision-hash", "postgres-6b9f7c8d5f"},
                        {"statefulset.kubernetes.io/pod-name", "postgres-0"},
                        {"team", "data"}};
  EXPECT_EQ(NameWorkload(postgres, "db", "postgres-0", "StatefulSet", "postgres"),
            Expect("kubernetes", "StatefulSet:postgres"));
  const Labels exporter{{"app.kubernetes.io/component", "exporter"},
                        {"app.kubernetes.io/name", "node-exporter"},
                        {"app.kubernetes.io/part-of", "kube-prometheus"},
                        {"controller-revision-hash", "7b9d5c6f48"},
                        {"pod-template-generation", "3"},
                        {"team", "platform"}};
  EXPECT_EQ(
      NameWorkload(exporter, "monitoring", "node-exporter-4xk9d", "DaemonSet", "node-exporter"),
      Expect("kubernetes", "DaemonSet:node-exporter"));
  const Labels pytorch{{"training.kubeflow.org/job-name", "train-bert-large"},
                       {"training.kubeflow.org/job-role", "master"},
                       {"training.kubeflow.org/operator-name", "pytorchjob-controller"},
                       {"training.kubeflow.org/replica-index", "0"},
                       {"training.kubeflow.org/replica-type", "master"},
                       {"team", "ml"}};
  EXPECT_EQ(
      NameWorkload(pytorch, "ml", "train-bert-large-master-0", "PyTorchJob", "train-bert-large"),
      Expect("kubernetes", "PyTorchJob:train-bert-large"));
}

TEST(WorkloadNamingTest, BareAndStaticPodsAreThePod) {
  EXPECT_EQ(NameWorkload({{"run", "debug"}}, "default", "debug", "", ""),
            Expect("kubernetes", "pod:debug"));
  // kubelet makes a static pod's mirror owned (controller: true) by its Node.
  const Labels static_pod{{"component", "kube-scheduler"}, {"tier", "control-plane"}};
  EXPECT_EQ(NameWorkload(static_pod, "kube-system", "kube-scheduler-ip-10-0-1-20", "Node",
                         "ip-10-0-1-20"),
            Expect("kubernetes", "pod:kube-scheduler-ip-10-0-1-20"));
  // A kind without a name (or a name without a kind) is no controller.
  EXPECT_EQ(NameWorkload({}, "default", "p", "Deployment", ""), Expect("kubernetes", "pod:p"));
  EXPECT_EQ(NameWorkload({}, "default", "p", "", "web"), Expect("kubernetes", "pod:p"));
}

// The CronJob controller names a Job <cronjob>-<scheduled minute since the epoch>: the recorded
// PodList's nightly-etl-28582560 was scheduled at 28582560 x 60 s = 2024-05-06T00:00:00Z, the
// pod's creationTimestamp.
Labels JobPodLabels(std::string_view job) {
  return {{"batch.kubernetes.io/controller-uid", "6e7f8a9b-0c1d-4e2f-a3b4-c5d6e7f8a9b0"},
          {"batch.kubernetes.io/job-name", std::string(job)},
          {"controller-uid", "6e7f8a9b-0c1d-4e2f-a3b4-c5d6e7f8a9b0"},
          {"job-name", std::string(job)},
          {"team", "data"}};
}

WorkloadName JobPod(std::string_view job, std::optional<sys_seconds> created,
                    const Labels& labels) {
  WorkloadHints hints;
  hints.pod_created = created;
  return NameWorkload(labels, "data", std::string(job) + "-7xkqz", "Job", job, hints);
}

WorkloadName JobPod(std::string_view job, std::optional<sys_seconds> created) {
  return JobPod(job, created, JobPodLabels(job));
}

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kNightlyEtlScheduled = 28'582'560LL * 60;  // 2024-05-06T00:00:00Z

TEST(WorkloadNamingTest, CronJobsJobsAreTheCronJob) {
  EXPECT_EQ(JobPod("nightly-etl-28582560", At(kNightlyEtlScheduled)),
            Expect("kubernetes", "CronJob:nightly-etl"));
  // A later pod of the same Job (a retry) still is; the next run is another Job of the CronJob.
  EXPECT_EQ(JobPod("nightly-etl-28582560", At(kNightlyEtlScheduled + 3 * kHour)),
            Expect("kubernetes", "CronJob:nightly-etl"));
  EXPECT_EQ(JobPod("nightly-etl-28584000", At(kNightlyEtlScheduled + kDay + 2)),
            Expect("kubernetes", "CronJob:nightly-etl"));
  // Clusters before 1.27 set only job-name.
  Labels legacy = JobPodLabels("nightly-etl-28582560");
  legacy.erase("batch.kubernetes.io/job-name");
  EXPECT_EQ(JobPod("nightly-etl-28582560", At(kNightlyEtlScheduled), legacy),
            Expect("kubernetes", "CronJob:nightly-etl"));
}

TEST(WorkloadNamingTest, HandNamedJobsStayJobs) {
  // The recorded PodList's backfill-orders-2024-04 (created 2024-05-06T07:30:00Z).
  EXPECT_EQ(JobPod("backfill-orders-2024-04", At(1'714'980'600)),
            Expect("kubernetes", "Job:backfill-orders-2024-04"));
  // A date suffix is a number too, but 20240501 minutes is 2008-06-25, far from the pod.
  EXPECT_EQ(JobPod("etl-20240501", At(1'714'521'600)), Expect("kubernetes", "Job:etl-20240501"));
  // `kubectl create job --from=cronjob/backup backup-$(date +%s)`: seconds read as minutes lie
  // far in the future.
  EXPECT_EQ(JobPod("backup-1714953600", At(1'714'953'600)),
            Expect("kubernetes", "Job:backup-1714953600"));
  EXPECT_EQ(JobPod("migrate-2", At(kNightlyEtlScheduled)), Expect("kubernetes", "Job:migrate-2"));
  EXPECT_EQ(JobPod("migrate", At(kNightlyEtlScheduled)), Expect("kubernetes", "Job:migrate"));
}

TEST(WorkloadNamingTest, CronJobRecognitionBoundaries) {
  const std::string job = "nightly-etl-28582560";
  const auto name = [&](std::int64_t created) { return JobPod(job, At(created)).workload; };
  EXPECT_EQ(name(kNightlyEtlScheduled - 60), "CronJob:nightly-etl");  // a minute of skew
  EXPECT_EQ(name(kNightlyEtlScheduled - 61), "Job:" + job);
  EXPECT_EQ(name(kNightlyEtlScheduled + 7 * kDay - 1), "CronJob:nightly-etl");
  EXPECT_EQ(name(kNightlyEtlScheduled + 7 * kDay), "Job:" + job);
  // Without the pod's creation time nothing is guessed.
  EXPECT_EQ(JobPod(job, std::nullopt).workload, "Job:" + job);
  // The pod must be the Job's: its job-name label names it.
  EXPECT_EQ(JobPod(job, At(kNightlyEtlScheduled), {{"team", "data"}}).workload, "Job:" + job);
  EXPECT_EQ(JobPod(job, At(kNightlyEtlScheduled), JobPodLabels("other-28582560")).workload,
            "Job:" + job);
  // A CronJob's name has at most 52 characters.
  const std::string base52(52, 'a');
  EXPECT_EQ(JobPod(base52 + "-28582560", At(kNightlyEtlScheduled)).workload, "CronJob:" + base52);
  const std::string base53(53, 'a');
  EXPECT_EQ(JobPod(base53 + "-28582560", At(kNightlyEtlScheduled)).workload,
            "Job:" + base53 + "-28582560");
  // A number the controller does not write: leading zero, more than 10 digits, none at all.
  EXPECT_EQ(JobPod("etl-028582560", At(kNightlyEtlScheduled)).workload, "Job:etl-028582560");
  EXPECT_EQ(JobPod("etl-00000028582560", At(kNightlyEtlScheduled)).workload,
            "Job:etl-00000028582560");
  EXPECT_EQ(JobPod("-28582560", At(kNightlyEtlScheduled)).workload, "Job:-28582560");
  EXPECT_EQ(JobPod("etl-", At(kNightlyEtlScheduled)).workload, "Job:etl-");
  EXPECT_EQ(JobPod("etl-2858256x", At(kNightlyEtlScheduled)).workload, "Job:etl-2858256x");
  // Timestamps at the ends of the range overflow nothing.
  const auto extreme = [&](std::int64_t created) { return JobPod("etl-9999999999", At(created)); };
  EXPECT_EQ(extreme(std::numeric_limits<std::int64_t>::min() / 2).workload, "Job:etl-9999999999");
  EXPECT_EQ(extreme(std::numeric_limits<std::int64_t>::max() / 2).workload, "Job:etl-9999999999");
  EXPECT_EQ(extreme(9'999'999'999LL * 60).workload, "CronJob:etl");
}

// When the collector knows the Job's owner, that decides, whatever the name.
TEST(WorkloadNamingTest, CronJobHintNamesTheCronJob) {
  WorkloadHints hints;
  hints.controller_owner_kind = "CronJob";
  hints.controller_owner_name = "backfill";
  EXPECT_EQ(NameWorkload({}, "data", "backfill-x-7xkqz", "Job", "backfill-x", hints),
            Expect("kubernetes", "CronJob:backfill"));
  hints.controller_owner_kind = "Workflow";  // not a CronJob: no effect
  EXPECT_EQ(NameWorkload({}, "data", "backfill-x-7xkqz", "Job", "backfill-x", hints),
            Expect("kubernetes", "Job:backfill-x"));
}

// The Pod overload passes the parsed pod whole, its creation time included.
TEST(WorkloadNamingTest, ParsedPodOverload) {
  Pod pod;
  pod.namespace_name = "data";
  pod.name = "nightly-etl-28582560-7xkqz";
  pod.labels = JobPodLabels("nightly-etl-28582560");
  pod.controller_kind = "Job";
  pod.controller_name = "nightly-etl-28582560";
  pod.created = At(kNightlyEtlScheduled);
  EXPECT_EQ(NameWorkload(pod), Expect("kubernetes", "CronJob:nightly-etl"));
  WorkloadHints later;
  later.pod_created = At(kNightlyEtlScheduled + 30 * kDay);
  EXPECT_EQ(NameWorkload(pod, later), Expect("kubernetes", "Job:nightly-etl-28582560"));
  pod.created.reset();
  EXPECT_EQ(NameWorkload(pod), Expect("kubernetes", "Job:nightly-etl-28582560"));
}

// ---- The simulator's pods, with exactly the labels simulator/src/kubernetes_render.cpp
// writes for each kind of workload, and the owners it writes (resolved as the parser does). ----

struct SimulatedPod {
  Labels labels;
  std::string namespace_name;
  std::string name;
  std::string owner_kind;  // the ownerReference the simulator writes; empty for none
  std::string owner_name;
  std::int64_t created = 0;
};

WorkloadName NameSimulated(const SimulatedPod& p) {
  const ControllerRef controller = ControllerOf(p.owner_kind, p.owner_name, p.labels);
  WorkloadHints hints;
  hints.pod_created = At(p.created);
  return NameWorkload(p.labels, p.namespace_name, p.name, controller.kind, controller.name, hints);
}

TEST(WorkloadNamingTest, SimulatorNotebook) {
  const SimulatedPod pod{{{"team", "beta"},
                          {"app", "jupyterhub"},
                          {"chart", "jupyterhub-3.3.7"},
                          {"component", "singleuser-server"},
                          {"heritage", "jupyterhub"},
                          {"hub.jupyter.org/network-access-hub", "true"},
                          {"hub.jupyter.org/servername", ""},
                          {"hub.jupyter.org/username", "alice"},
                          {"release", "jupyterhub"},
                          {"app.kubernetes.io/part-of", "jupyterhub"}},
                         "jupyterhub",
                         "jupyter-alice",
                         "",
                         "",
                         1'714'953'600};
  EXPECT_EQ(NameSimulated(pod), Expect("jupyterhub", "notebook:alice"));
  SimulatedPod second_round = pod;  // the 31st user is alice2
  second_round.labels["hub.jupyter.org/username"] = "alice2";
  second_round.name = "jupyter-alice2";
  EXPECT_EQ(NameSimulated(second_round), Expect("jupyterhub", "notebook:alice2"));
}

TEST(WorkloadNamingTest, SimulatorRayClusterHeadAndWorkers) {
  const SimulatedPod head{{{"team", "alpha"},
                           {"app.kubernetes.io/created-by", "kuberay-operator"},
                           {"app.kubernetes.io/name", "kuberay"},
                           {"ray.io/cluster", "bert-finetune"},
                           {"ray.io/group", "headgroup"},
                           {"ray.io/identifier", "bert-finetune-head"},
                           {"ray.io/is-ray-node", "yes"},
                           {"ray.io/node-type", "head"}},
                          "ray",
                          "bert-finetune-head-4kq9z",
                          "RayCluster",
                          "bert-finetune",
                          1'714'953'600};
  SimulatedPod worker = head;
  worker.labels["ray.io/group"] = "gpu-group";
  worker.labels["ray.io/identifier"] = "bert-finetune-worker";
  worker.labels["ray.io/node-type"] = "worker";
  worker.name = "bert-finetune-gpu-group-worker-7m2xd";
  EXPECT_EQ(NameSimulated(head), Expect("ray", "raycluster:bert-finetune"));
  EXPECT_EQ(NameSimulated(worker), Expect("ray", "raycluster:bert-finetune"));
}

// The simulator's SparkApplications are <app>-<run start in Unix seconds> (a schedule's runs,
// as the Spark Operator names them with seconds precision) without the scheduled-app-name label,
// so each run is its own application; driver and executors agree.
TEST(WorkloadNamingTest, SimulatorSparkDriverAndExecutors) {
  const SimulatedPod driver{{{"team", "beta"},
                             {"spark-app-name", "daily-features-1714957523"},
                             {"spark-app-selector", "spark-3f9a0c2b7d1e4a6b8c5d9e0f1a2b3c4d"},
                             {"spark-role", "driver"},
                             {"spark-version", "3.5.1"},
                             {"sparkoperator.k8s.io/app-name", "daily-features-1714957523"},
                             {"sparkoperator.k8s.io/launched-by-spark-operator", "true"}},
                            "spark",
                            "daily-features-1714957523-driver",
                            "SparkApplication",
                            "daily-features-1714957523",
                            1'714'957'523};
  SimulatedPod executor = driver;
  executor.labels["spark-role"] = "executor";
  executor.labels["spark-exec-id"] = "3";
  executor.labels["spark-exec-resourceprofile-id"] = "0";
  executor.name = "daily-features-8c1d2e3f4a5b6c7d-exec-3";
  executor.owner_kind = "Pod";
  executor.owner_name = "daily-features-1714957523-driver";
  EXPECT_EQ(NameSimulated(driver), Expect("spark", "spark:daily-features-1714957523"));
  EXPECT_EQ(NameSimulated(executor), Expect("spark", "spark:daily-features-1714957523"));
}

// The simulator's CronJobs: Job <cronjob>-<floor(run start / 60)>, pod created at the run's
// start (or later, when its node went away mid-run, within the period).
TEST(WorkloadNamingTest, SimulatorCronJob) {
  const SimulatedPod pod{
      {{"team", "gamma"},
       {"app.kubernetes.io/name", "report-builder"},
       {"batch.kubernetes.io/controller-uid", "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"},
       {"batch.kubernetes.io/job-name", "report-builder-28582560"},
       {"controller-uid", "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"},
       {"job-name", "report-builder-28582560"}},
      "analytics",
      "report-builder-28582560-b7x2q",
      "Job",
      "report-builder-28582560",
      kNightlyEtlScheduled + 37};
  EXPECT_EQ(NameSimulated(pod), Expect("kubernetes", "CronJob:report-builder"));
  SimulatedPod replaced = pod;  // a node lost mid-run: a new pod, up to a period later
  replaced.created = kNightlyEtlScheduled + 6 * kHour;
  EXPECT_EQ(NameSimulated(replaced), Expect("kubernetes", "CronJob:report-builder"));
}

TEST(WorkloadNamingTest, SimulatorDeploymentsStatefulSetsAndDaemonSets) {
  // JupyterHub's hub and Airflow's scheduler: the platforms' own Deployments.
  const SimulatedPod hub{{{"team", "platform"},
                          {"app.kubernetes.io/name", "hub"},
                          {"pod-template-hash", "7c9d8f6b5d"},
                          {"app.kubernetes.io/part-of", "jupyterhub"}},
                         "jupyterhub",
                         "hub-7c9d8f6b5d-x2k9q",
                         "ReplicaSet",
                         "hub-7c9d8f6b5d",
                         1'714'953'600};
  EXPECT_EQ(NameSimulated(hub), Expect("kubernetes", "Deployment:hub"));
  const SimulatedPod scheduler{{{"team", "platform"},
                                {"app.kubernetes.io/name", "airflow-scheduler"},
                                {"pod-template-hash", "5b8d7c6f9c"},
                                {"app.kubernetes.io/part-of", "airflow"}},
                               "airflow",
                               "airflow-scheduler-5b8d7c6f9c-m4n8q",
                               "ReplicaSet",
                               "airflow-scheduler-5b8d7c6f9c",
                               1'714'953'600};
  EXPECT_EQ(NameSimulated(scheduler), Expect("kubernetes", "Deployment:airflow-scheduler"));
  const SimulatedPod service{{{"team", "beta"},
                              {"app.kubernetes.io/name", "feast-server"},
                              {"pod-template-hash", "6f9c8d7b5d"}},
                             "feature-store",
                             "feast-server-6f9c8d7b5d-2kx7w",
                             "ReplicaSet",
                             "feast-server-6f9c8d7b5d",
                             1'714'953'600};
  EXPECT_EQ(NameSimulated(service), Expect("kubernetes", "Deployment:feast-server"));
  // Airflow's Celery workers: a StatefulSet, not task pods.
  const SimulatedPod worker{{{"team", "platform"},
                             {"app.kubernetes.io/name", "airflow-worker"},
                             {"statefulset.kubernetes.io/pod-name", "airflow-worker-1"},
                             {"apps.kubernetes.io/pod-index", "1"},
                             {"controller-revision-hash", "airflow-worker-6d5f8b7c9"},
                             {"app.kubernetes.io/part-of", "airflow"}},
                            "airflow",
                            "airflow-worker-1",
                            "StatefulSet",
                            "airflow-worker",
                            1'714'953'600};
  EXPECT_EQ(NameSimulated(worker), Expect("kubernetes", "StatefulSet:airflow-worker"));
  // kube-proxy has no team; kube-system DaemonSets label k8s-app, others app.
  const SimulatedPod proxy{{{"k8s-app", "kube-proxy"},
                            {"controller-revision-hash", "5b7d9c6f8"},
                            {"pod-template-generation", "1"}},
                           "kube-system",
                           "kube-proxy-9xk2d",
                           "DaemonSet",
                           "kube-proxy",
                           1'714'953'600};
  EXPECT_EQ(NameSimulated(proxy), Expect("kubernetes", "DaemonSet:kube-proxy"));
  const SimulatedPod dcgm{{{"team", "platform"},
                           {"app", "nvidia-dcgm-exporter"},
                           {"controller-revision-hash", "6c8f7d9b5"},
                           {"pod-template-generation", "1"}},
                          "gpu-operator",
                          "nvidia-dcgm-exporter-q7w2e",
                          "DaemonSet",
                          "nvidia-dcgm-exporter",
                          1'714'953'600};
  EXPECT_EQ(NameSimulated(dcgm), Expect("kubernetes", "DaemonSet:nvidia-dcgm-exporter"));
}

// ---- The labels the rules read ----

// A pod that keeps only the labels IsWorkloadNamingLabel names (as the collector keeps them on a
// list it may price again) is named as with all its labels: for every combination of the
// labels each rule reads, among labels no rule reads, under controllers of each kind.
TEST(WorkloadNamingTest, KeepingOnlyTheNamingLabelsKeepsTheName) {
  constexpr std::array<std::pair<std::string_view, std::string_view>, 15> kRead{{
      {"dag_id", "etl"},
      {"task_id", "load"},
      {"hub.jupyter.org/username", "alice"},
      {"hub.jupyter.org/servername", "gpu"},
      {"component", "singleuser-server"},
      {"app.kubernetes.io/component", "singleuser-server"},
      {"sparkoperator.k8s.io/scheduled-app-name", "nightly"},
      {"sparkoperator.k8s.io/app-name", "nightly-1714953600"},
      {"spark-app-name", "nightly-run"},
      {"spark-app-selector", "spark-0f3c"},
      {"ray.io/originated-from-crd", "RayJob"},
      {"ray.io/originated-from-cr-name", "tune"},
      {"ray.io/cluster", "tune-x7k2p"},
      {"batch.kubernetes.io/job-name", "nightly-etl-28582560"},
      {"job-name", "nightly-etl-28582560"},
  }};
  const Labels unrelated{{"team", "alpha"},
                         {"app", "x"},
                         {"app.kubernetes.io/name", "x"},
                         {"pod-template-hash", "5d8c7b9f4"},
                         {"spark-role", "driver"},
                         {"ray.io/node-type", "head"},
                         {"run_id", "scheduled__2024-05-06T00:00:00+00:00"},
                         {"try_number", "2"},
                         {"hub.jupyter.org/network-access-hub", "true"}};
  for (const auto& [key, value] : unrelated) EXPECT_FALSE(IsWorkloadNamingLabel(key)) << key;
  const std::array<std::pair<std::string_view, std::string_view>, 5> kControllers{{
      {"", ""},
      {"Job", "nightly-etl-28582560"},
      {"SparkApplication", "nightly-1714953600"},
      {"RayCluster", "tune-x7k2p"},
      {"Deployment", "web"},
  }};
  WorkloadHints hints;
  hints.pod_created = At(kNightlyEtlScheduled + 60);
  for (const auto& [key, value] : kRead) EXPECT_TRUE(IsWorkloadNamingLabel(key)) << key;
  for (std::uint32_t mask = 0; mask < (1U << kRead.size()); ++mask) {
    Labels kept;
    for (std::size_t i = 0; i < kRead.size(); ++i) {
      if ((mask & (1U << i)) != 0) kept.emplace(kRead[i].first, kRead[i].second);
    }
    Labels all = kept;
    all.insert(unrelated.begin(), unrelated.end());
    for (const auto& [kind, name] : kControllers) {
      ASSERT_EQ(NameWorkload(kept, "ns", "pod-1", kind, name, hints),
                NameWorkload(all, "ns", "pod-1", kind, name, hints))
          << "label mask " << mask << ", controller " << kind;
    }
  }
}

}  // namespace
}  // namespace costledger::model
