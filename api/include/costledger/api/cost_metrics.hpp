#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "costledger/model/admission_decision.hpp"
#include "costledger/model/notification.hpp"
#include "costledger/model/tick_report.hpp"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace costledger::api {

struct CostMetricsSettings {
  /// Region label of nodes whose zone does not name one (AWS "us-east-1a" and GCP
  /// "us-central1-a" do); usually sources.pricing.region.
  std::string region;
  /// The `arch` label of node series (node rows do not carry kubernetes.io/arch).
  std::string arch = "amd64";
};

/// The Prometheus exposition of costs. Node and container families use OpenCost's names, types
/// and label names (pkg/costmodel/metrics.go) so OpenCost dashboards work unchanged:
///   gauges node_cpu_hourly_cost ($/core-hour), node_ram_hourly_cost ($/GiB-hour),
///   node_gpu_hourly_cost ($/device-hour), node_total_hourly_cost ($/hour),
///   kubecost_node_is_spot (0|1), node_gpu_count
///     {instance, node, instance_type, region, provider_id, arch, uid};
///   gauges container_cpu_allocation (cores), container_memory_allocation_bytes,
///   container_gpu_allocation (devices) {namespace, pod, container, instance, node, uid},
///     allocation = max(request, usage) (rule 3, before any pro-rata scaling);
///   opencost_build_info{version} (1), from which the OpenCost dashboards take their job;
///   kube-state-metrics' families the dashboards join on, from each fresh scrape
///     (TickReport::inventory): kube_node_status_capacity and kube_node_status_allocatable
///     {node, resource ("cpu"|"memory"|"nvidia_com_gpu"), unit ("core"|"byte"|"integer")},
///     kube_node_labels {node, label_*}, kube_pod_labels {namespace, pod, uid, label_*},
///     kube_namespace_labels {namespace}, kube_namespace_status_phase {namespace, phase},
///     kube_pod_owner {namespace, pod, uid, owner_kind, owner_name, owner_is_controller},
///     kube_pod_container_status_running {namespace, pod, uid, container} (per container with
///     a cost row: 1 when its pod's phase is Running, else 0),
///     kube_replicaset_owner {namespace, replicaset, owner_kind, owner_name,
///     owner_is_controller} (the ReplicaSets that own pods; "" when not a Deployment's),
///     kube_pod_spec_volumes_persistentvolumeclaims_info {namespace, pod, uid, volume,
///     persistentvolumeclaim};
///     node series carry the node's provider_id and uid, container series the pod's uid;
///   persistent volumes (rule 9): pv_hourly_cost ($/GiB-hour)
///     {volumename, persistentvolume, provider_id}, kube_persistentvolume_capacity_bytes
///     {persistentvolume}, kube_persistentvolumeclaim_info {namespace, persistentvolumeclaim,
///     storageclass, volumename}, kube_persistentvolumeclaim_resource_requests_storage_bytes
///     {namespace, persistentvolumeclaim}, pod_pvc_allocation (bytes) {namespace, pod,
///     persistentvolumeclaim, persistentvolume}.
/// costledger's own families:
///   counters costledger_container_cost_dollars_total{namespace,team},
///   costledger_idle_cost_dollars_total{cluster},
///   costledger_volume_cost_dollars_total{namespace,storageclass},
///   costledger_query_cost_dollars_total {workgroup,team},
///   costledger_queries_total{workgroup,team,state}, costledger_source_errors_total{source},
///   costledger_http_requests_total{route,code}; histograms costledger_interval_duration_seconds,
///   costledger_http_request_duration_seconds{route};
///   gauges costledger_interval_start_timestamp_seconds, costledger_spool_depth,
///   costledger_database_up; costledger_report_deliveries_total{outcome},
///   costledger_notifications{kind,state}; costledger_quota_spent, costledger_quota_limit,
///   costledger_quota_usage_ratio {quota,unit} (ObserveQuotas).
/// Dollar counters are summed exactly in nano-dollars and converted to a double only when
/// serialized. Thread-safe: every method may be called concurrently with every other.
class CostMetrics {
 public:
  explicit CostMetrics(CostMetricsSettings settings = {});
  ~CostMetrics();
  CostMetrics(const CostMetrics&) = delete;
  CostMetrics& operator=(const CostMetrics&) = delete;
  CostMetrics(CostMetrics&&) = delete;
  CostMetrics& operator=(CostMetrics&&) = delete;

  /// Takes one collector tick. When it was attributed, node and container gauges are replaced
  /// by the tick's (series of nodes and containers gone since are removed) and cost counters
  /// grow by the interval's costs; when it was not, those gauges keep their last values. Query,
  /// source error and health metrics are updated either way. Throws std::overflow_error when a
  /// dollar counter would exceed int64 nano-dollars.
  void Observe(const model::TickReport& tick);

  /// Counts one API request: `route` is the route's pattern ("/v1/reports/{week}/{team}"),
  /// never the raw target, so the series stay few; `status` becomes the `code` label and
  /// `duration` (time to respond) is observed in seconds.
  void CountHttpRequest(std::string_view route, int status, std::chrono::microseconds duration);

  /// Counts the outcome of one weekly-report delivery run (costledger_report_deliveries_total
  /// {outcome="sent"|"failed"|"given_up"}) and replaces costledger_notifications{kind,state}
  /// with the ledger's `counts` (states not listed read 0), so a failing delivery is visible.
  void ObserveReportDeliveries(int sent, int failed, int given_up,
                               std::span<const model::NotificationCount> counts);

  /// Replaces the quota gauges with the evaluator's latest statuses: costledger_quota_spent,
  /// costledger_quota_limit (in the quota's unit: dollars, hours or bytes) and
  /// costledger_quota_usage_ratio (spent / limit) {quota, unit}; deleted quotas' series go.
  void ObserveQuotas(std::span<const model::QuotaWithStatus> quotas);

  /// Every family in the text exposition format 0.0.4 (Content-Type
  /// "text/plain; version=0.0.4; charset=utf-8").
  std::string Serialize() const;

  /// The registry behind Serialize(), for other exporters of this process to add families to
  /// (include prometheus/registry.h and link prometheus-cpp::core to use it).
  prometheus::Registry& registry();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The region of an availability zone: "us-east-1a" -> "us-east-1", "us-central1-a" ->
/// "us-central1"; empty when the zone has neither shape.
std::string RegionOfZone(std::string_view zone);

}  // namespace costledger::api
