#include "costledger/api/cost_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "costledger/model/kubernetes_rules.hpp"
#include "costledger/model/prometheus_label_name.hpp"
#include "costledger/model/volume_attribution.hpp"

namespace costledger::api {
namespace {

using prometheus::Labels;

const prometheus::Histogram::BucketBoundaries kIntervalBuckets{0.1, 0.25, 0.5, 1,  2.5,
                                                               5,   10,   20,  30, 60};
const prometheus::Histogram::BucketBoundaries kHttpBuckets{
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// "kubelet/<node>" -> "kubelet", "dcgm/<url>" -> "dcgm": one series per kind of source.
std::string SourceKind(const std::string& source) { return source.substr(0, source.find('/')); }

// A gauge family whose series are replaced as a whole: series missing from the new set are
// removed, so gone nodes and pods do not linger.
class GaugeSet {
 public:
  GaugeSet(prometheus::Registry& registry, const std::string& name, const std::string& help)
      : family_(prometheus::BuildGauge().Name(name).Help(help).Register(registry)) {}

  void Replace(const std::map<Labels, double>& values) {
    std::map<Labels, prometheus::Gauge*> next;
    for (const auto& [labels, value] : values) {
      prometheus::Gauge& gauge = family_.Add(labels);
      gauge.Set(value);
      next.emplace(labels, &gauge);
    }
    for (const auto& [labels, gauge] : current_) {
      if (!next.contains(labels)) family_.Remove(gauge);
    }
    current_ = std::move(next);
  }

 private:
  prometheus::Family<prometheus::Gauge>& family_;
  std::map<Labels, prometheus::Gauge*> current_;
};

// A counter of dollars kept exactly in nano-dollars; a double only when collected.
class MoneyCounter {
 public:
  MoneyCounter(std::string name, std::string help)
      : name_(std::move(name)), help_(std::move(help)) {}

  void Add(const Labels& labels, model::Money amount) { series_[labels] += amount; }

  prometheus::MetricFamily Collect() const {
    prometheus::MetricFamily family;
    family.name = name_;
    family.help = help_;
    family.type = prometheus::MetricType::Counter;
    for (const auto& [labels, total] : series_) {
      prometheus::ClientMetric metric;
      for (const auto& [key, value] : labels) metric.label.push_back({key, value});
      metric.counter.value = total.Dollars();
      family.metric.push_back(std::move(metric));
    }
    return family;
  }

 private:
  std::string name_;
  std::string help_;
  std::map<Labels, model::Money> series_;
};

// A Kubernetes label as kube-state-metrics names it: "label_" + the key with every character
// outside [a-zA-Z0-9_] replaced by '_' ("app.kubernetes.io/name" ->
// "label_app_kubernetes_io_name").
std::string LabelName(std::string_view key) { return "label_" + model::PrometheusLabelName(key); }

// Labels of a *_labels series: `base` plus one label_<key> per Kubernetes label (the first of
// keys that sanitize alike wins, as kube-state-metrics keeps one).
Labels WithKubernetesLabels(Labels base, const model::Labels& labels) {
  for (const auto& [key, value] : labels) base.emplace(LabelName(key), value);
  return base;
}

}  // namespace

std::string RegionOfZone(std::string_view zone) {
  const auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const std::size_t n = zone.size();
  if (n >= 3 && is_lower(zone[n - 1]) && zone[n - 2] == '-' && is_digit(zone[n - 3])) {
    return std::string(zone.substr(0, n - 2));  // GCP: us-central1-a
  }
  if (n >= 2 && is_lower(zone[n - 1]) && is_digit(zone[n - 2])) {
    return std::string(zone.substr(0, n - 1));  // AWS: us-east-1a
  }
  return {};
}

struct CostMetrics::Impl {
  explicit Impl(CostMetricsSettings s) : settings(std::move(s)) {}

  Labels NodeLabels(const model::NodeCostRow& node) const {
    std::string region = RegionOfZone(node.zone);
    if (region.empty()) region = settings.region;
    const auto identity = node_identity.find(node.node);
    const bool known = identity != node_identity.end();
    return {{"instance", node.node},
            {"node", node.node},
            {"instance_type", node.instance_type},
            {"region", std::move(region)},
            {"provider_id", known ? identity->second.first : ""},
            {"arch", settings.arch},
            {"uid", known ? identity->second.second : ""}};
  }

  // kube-state-metrics' families OpenCost's dashboards join on, and the identities (provider
  // id, uid) node and container series carry. From fresh scrapes only: the gauges keep their
  // last values while the API server fails.
  void ObserveInventory(const model::ClusterInventory& inventory) {
    node_identity.clear();
    pod_uid.clear();
    running_pods.clear();
    std::map<Labels, double> capacity;
    std::map<Labels, double> allocatable;
    std::map<Labels, double> node_labels;
    std::map<Labels, double> pod_labels;
    std::map<Labels, double> namespace_labels;
    std::map<Labels, double> namespace_phase;
    const auto resources = [](std::map<Labels, double>& into, const std::string& node,
                              const model::Capacity& c) {
      into[{{"node", node}, {"resource", "cpu"}, {"unit", "core"}}] =
          static_cast<double>(c.cpu_millicores) / 1000.0;
      into[{{"node", node}, {"resource", "memory"}, {"unit", "byte"}}] =
          static_cast<double>(c.memory_bytes);
      if (c.gpu_devices > 0) {
        into[{{"node", node}, {"resource", "nvidia_com_gpu"}, {"unit", "integer"}}] =
            static_cast<double>(c.gpu_devices);
      }
    };
    for (const model::ClusterInventory::NodeInfo& n : inventory.nodes) {
      node_identity[n.name] = {n.provider_id, n.uid};
      resources(capacity, n.name, n.capacity);
      resources(allocatable, n.name, n.allocatable);
      node_labels[WithKubernetesLabels({{"node", n.name}}, n.labels)] = 1.0;
    }
    std::map<Labels, double> pod_owner;
    std::map<Labels, double> replicaset_owner;
    std::map<Labels, double> pod_claims;
    for (const model::ClusterInventory::PodInfo& p : inventory.pods) {
      pod_uid[p.namespace_name + "/" + p.name] = p.uid;
      if (p.running) running_pods.insert(p.namespace_name + "/" + p.name);
      pod_labels[WithKubernetesLabels(
          {{"namespace", p.namespace_name}, {"pod", p.name}, {"uid", p.uid}}, p.labels)] = 1.0;
      // Owners as kube-state-metrics v2 gives them (a bare pod's labels empty), for the
      // kubernetes-mixin's workload rule the OpenCost workload dashboard joins on.
      const model::ControllerRef owner =
          model::OwnerReferenceOf({p.controller_kind, p.controller_name}, p.labels);
      const std::string controls = owner.kind.empty() ? "" : "true";
      pod_owner[{{"namespace", p.namespace_name},
                 {"pod", p.name},
                 {"uid", p.uid},
                 {"owner_kind", owner.kind},
                 {"owner_name", owner.name},
                 {"owner_is_controller", controls}}] = 1.0;
      if (owner.kind == "ReplicaSet") {
        const bool deployment = p.controller_kind == "Deployment";
        replicaset_owner[{{"namespace", p.namespace_name},
                          {"replicaset", owner.name},
                          {"owner_kind", deployment ? p.controller_kind : ""},
                          {"owner_name", deployment ? p.controller_name : ""},
                          {"owner_is_controller", deployment ? "true" : ""}}] = 1.0;
      }
      for (const model::PodClaim& claim : p.claims) {
        pod_claims[{{"namespace", p.namespace_name},
                    {"pod", p.name},
                    {"uid", p.uid},
                    {"volume", claim.volume},
                    {"persistentvolumeclaim", claim.claim}}] = 1.0;
      }
      namespace_labels[{{"namespace", p.namespace_name}}] = 1.0;
      namespace_phase[{{"namespace", p.namespace_name}, {"phase", "Active"}}] = 1.0;
    }
    node_status_capacity.Replace(capacity);
    node_status_allocatable.Replace(allocatable);
    kube_node_labels.Replace(node_labels);
    kube_pod_labels.Replace(pod_labels);
    kube_pod_owner.Replace(pod_owner);
    kube_replicaset_owner.Replace(replicaset_owner);
    kube_pod_spec_volumes_claims.Replace(pod_claims);
    kube_namespace_labels.Replace(namespace_labels);
    kube_namespace_status_phase.Replace(namespace_phase);
  }

  void ObserveCosts(const model::IntervalBatch& batch) {
    std::map<Labels, double> cpu_price;
    std::map<Labels, double> ram_price;
    std::map<Labels, double> gpu_price;
    std::map<Labels, double> total_price;
    std::map<Labels, double> spot;
    std::map<Labels, double> gpu_count;
    for (const model::NodeCostRow& node : batch.costs.nodes) {
      const Labels labels = NodeLabels(node);
      cpu_price[labels] = node.unit_prices.cpu_per_core_hour;
      ram_price[labels] = node.unit_prices.ram_per_gib_hour;
      gpu_price[labels] = node.unit_prices.gpu_per_device_hour;
      total_price[labels] = node.price.price.per_hour.Dollars();
      spot[labels] = node.capacity_type == model::CapacityType::kSpot ? 1.0 : 0.0;
      gpu_count[labels] = static_cast<double>(node.capacity.gpu_devices);
    }
    node_cpu_hourly_cost.Replace(cpu_price);
    node_ram_hourly_cost.Replace(ram_price);
    node_gpu_hourly_cost.Replace(gpu_price);
    node_total_hourly_cost.Replace(total_price);
    node_is_spot.Replace(spot);
    node_gpu_count.Replace(gpu_count);

    std::map<Labels, double> cpu_alloc;
    std::map<Labels, double> memory_alloc;
    std::map<Labels, double> gpu_alloc;
    std::map<Labels, double> running;
    for (const model::ContainerCostRow& row : batch.costs.containers) {
      const model::CostLabels& l = row.labels;
      const std::string pod_key = l.namespace_name.str() + "/" + l.pod.str();
      const auto uid = pod_uid.find(pod_key);
      // kube-state-metrics' per container; from the pod's phase (container states are not read).
      running[{{"namespace", l.namespace_name},
               {"pod", l.pod},
               {"uid", uid != pod_uid.end() ? uid->second : ""},
               {"container", l.container}}] = running_pods.contains(pod_key) ? 1.0 : 0.0;
      const Labels labels{{"namespace", l.namespace_name},
                          {"pod", l.pod},
                          {"container", l.container},
                          {"instance", l.node},
                          {"node", l.node},
                          {"uid", uid != pod_uid.end() ? uid->second : ""}};
      // Rows of one container (should there be several) add up, as their costs do.
      cpu_alloc[labels] += static_cast<double>(row.demand.CpuAllocationMillicores()) / 1000.0;
      memory_alloc[labels] += static_cast<double>(row.demand.MemoryAllocationBytes());
      gpu_alloc[labels] += static_cast<double>(row.demand.gpu_devices);
      container_cost.Add({{"namespace", l.namespace_name}, {"team", l.team}},
                         model::Money::FromNanos(row.cost.cpu_nanos) +
                             model::Money::FromNanos(row.cost.ram_nanos) +
                             model::Money::FromNanos(row.cost.gpu_nanos));
    }
    container_cpu_allocation.Replace(cpu_alloc);
    container_memory_allocation_bytes.Replace(memory_alloc);
    container_gpu_allocation.Replace(gpu_alloc);
    kube_pod_container_status_running.Replace(running);
    idle_cost.Add({{"cluster", batch.cluster}}, batch.costs.IdleCost());
    ObserveVolumes(batch);
  }

  // Persistent volumes (rule 9) with OpenCost's names and labels (its pv and pvc metrics).
  void ObserveVolumes(const model::IntervalBatch& batch) {
    constexpr double kBytesPerGiB = 1024.0 * 1024.0 * 1024.0;
    const double hours = static_cast<double>(batch.costs.length.count()) / 3600.0;
    std::map<Labels, double> hourly;
    std::map<Labels, double> capacity;
    std::map<Labels, double> claim_info;
    std::map<Labels, double> claim_requests;
    std::map<Labels, double> pod_claims;
    std::map<std::string, const model::VolumeCostRow*, std::less<>> by_name;
    for (const model::VolumeCostRow& v : batch.costs.volumes) {
      by_name.emplace(v.volume, &v);
      const double gib = static_cast<double>(v.size_bytes) / kBytesPerGiB;
      hourly[{{"volumename", v.volume},
              {"persistentvolume", v.volume},
              {"provider_id", v.provider_id}}] =
          hours > 0 && gib > 0 ? v.cost.Dollars() / hours / gib : 0.0;
      capacity[{{"persistentvolume", v.volume}}] = static_cast<double>(v.size_bytes);
      if (!v.claim.empty()) {
        claim_info[{{"namespace", v.claim_namespace},
                    {"persistentvolumeclaim", v.claim},
                    {"storageclass", v.storage_class},
                    {"volumename", v.volume}}] = 1.0;
        claim_requests[{{"namespace", v.claim_namespace}, {"persistentvolumeclaim", v.claim}}] =
            static_cast<double>(v.size_bytes);
      }
      volume_cost.Add({{"namespace", v.claim_namespace.empty() ? std::string(model::kUnmountedName)
                                                               : v.claim_namespace},
                       {"storageclass", v.storage_class}},
                      v.cost);
    }
    for (const model::VolumeShareRow& s : batch.costs.volume_shares) {
      const auto v = by_name.find(s.volume);
      if (v == by_name.end() || v->second->claim.empty() || v->second->mounts == 0 ||
          s.labels.pod == model::kUnmountedName) {
        continue;
      }
      // One series per pod (its containers' shares are one claim's).
      pod_claims[{{"namespace", s.labels.namespace_name},
                  {"pod", s.labels.pod},
                  {"persistentvolumeclaim", v->second->claim},
                  {"persistentvolume", s.volume}}] =
          static_cast<double>(v->second->size_bytes) / static_cast<double>(v->second->mounts);
    }
    pv_hourly_cost.Replace(hourly);
    pv_capacity_bytes.Replace(capacity);
    pvc_info.Replace(claim_info);
    pvc_requests_bytes.Replace(claim_requests);
    pod_pvc_allocation.Replace(pod_claims);
  }

  void ObserveQueries(const model::IntervalBatch& batch) {
    for (const model::PricedQuery& q : batch.queries) {
      const std::string& workgroup = q.execution.work_group;
      query_cost.Add({{"workgroup", workgroup}, {"team", q.team}}, q.cost);
      queries_total
          .Add({{"workgroup", workgroup},
                {"team", q.team},
                {"state", std::string(model::QueryStateName(q.execution.state))}})
          .Increment();
    }
  }

  void ObserveHealth(const model::TickReport& tick) {
    for (const model::SourceStatus& status : tick.statuses) {
      prometheus::Counter& errors = source_errors.Add({{"source", SourceKind(status.source)}});
      if (!status.error.empty()) errors.Increment();
    }
    interval_duration.Observe(std::chrono::duration<double>(tick.duration).count());
    if (tick.attributed) {
      interval_start.Set(static_cast<double>(tick.interval_start.time_since_epoch().count()));
    }
    spool_depth.Set(static_cast<double>(tick.spool_depth));
    if (!tick.spool_error.empty()) spool_write_errors.Increment();
    intervals_lost.Increment(static_cast<double>(tick.lost_batches));
    database_up.Set(tick.database_available ? 1.0 : 0.0);
  }

  CostMetricsSettings settings;
  // From the latest inventory: node -> (provider id, uid), "namespace/pod" -> uid.
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> node_identity;
  std::map<std::string, std::string, std::less<>> pod_uid;
  std::set<std::string, std::less<>> running_pods;  // "namespace/pod" of phase Running
  prometheus::Registry registry;
  mutable std::mutex mutex;  // one Observe is seen by Serialize whole or not at all

  GaugeSet node_cpu_hourly_cost{registry, "node_cpu_hourly_cost",
                                "Hourly cost of one CPU core on this node in dollars"};
  GaugeSet node_ram_hourly_cost{registry, "node_ram_hourly_cost",
                                "Hourly cost of one GiB of RAM on this node in dollars"};
  GaugeSet node_gpu_hourly_cost{registry, "node_gpu_hourly_cost",
                                "Hourly cost of one GPU on this node in dollars"};
  GaugeSet node_total_hourly_cost{registry, "node_total_hourly_cost",
                                  "Total hourly cost of this node in dollars"};
  GaugeSet node_is_spot{registry, "kubecost_node_is_spot", "1 when the node is a spot instance"};
  GaugeSet node_gpu_count{registry, "node_gpu_count", "Number of GPUs on this node"};
  GaugeSet container_cpu_allocation{
      registry, "container_cpu_allocation",
      "CPU cores allocated to the container: max(request, usage) over the last interval"};
  GaugeSet container_memory_allocation_bytes{
      registry, "container_memory_allocation_bytes",
      "Bytes of RAM allocated to the container: max(request, usage) over the last interval"};
  GaugeSet container_gpu_allocation{registry, "container_gpu_allocation",
                                    "GPUs allocated to the container (requested devices)"};

  prometheus::Gauge& build_info = prometheus::BuildGauge()
                                      .Name("opencost_build_info")
                                      .Help("Build of the OpenCost-compatible exporter (always 1)")
                                      .Register(registry)
                                      .Add({{"version", "costledger"}});
  GaugeSet node_status_capacity{registry, "kube_node_status_capacity",
                                "Capacity of the node by resource (cores, bytes, devices)"};
  GaugeSet node_status_allocatable{registry, "kube_node_status_allocatable",
                                   "Allocatable resources of the node (cores, bytes, devices)"};
  GaugeSet kube_node_labels{registry, "kube_node_labels",
                            "Kubernetes labels of the node as label_<key> (always 1)"};
  GaugeSet kube_pod_labels{registry, "kube_pod_labels",
                           "Kubernetes labels of the pod as label_<key> (always 1)"};
  GaugeSet kube_pod_container_status_running{
      registry, "kube_pod_container_status_running",
      "Whether the container runs (1) or not (0): its pod's phase is Running"};
  GaugeSet kube_pod_owner{registry, "kube_pod_owner",
                          "The pod's controlling owner reference (always 1; empty: none)"};
  GaugeSet kube_replicaset_owner{
      registry, "kube_replicaset_owner",
      "The controlling owner of a ReplicaSet that owns pods (always 1; empty: none)"};
  GaugeSet kube_pod_spec_volumes_claims{
      registry, "kube_pod_spec_volumes_persistentvolumeclaims_info",
      "A pod volume backed by a persistent volume claim (always 1)"};
  GaugeSet kube_namespace_labels{registry, "kube_namespace_labels",
                                 "Namespaces that hold pods (always 1)"};
  GaugeSet kube_namespace_status_phase{registry, "kube_namespace_status_phase",
                                       "Phase of namespaces that hold pods (always 1)"};
  GaugeSet pv_hourly_cost{registry, "pv_hourly_cost",
                          "Hourly cost of one GiB of this persistent volume in dollars"};
  GaugeSet pv_capacity_bytes{registry, "kube_persistentvolume_capacity_bytes",
                             "Size of the persistent volume in bytes"};
  GaugeSet pvc_info{registry, "kube_persistentvolumeclaim_info",
                    "A persistent volume claim bound to a volume (always 1)"};
  GaugeSet pvc_requests_bytes{registry,
                              "kube_persistentvolumeclaim_resource_requests_storage_bytes",
                              "Storage of the claim's volume in bytes"};
  GaugeSet pod_pvc_allocation{registry, "pod_pvc_allocation",
                              "Bytes of a claimed volume attributed to a pod that mounts it "
                              "(the size split evenly over the pods)"};
  MoneyCounter volume_cost{"costledger_volume_cost_dollars_total",
                           "Cost of persistent volumes in dollars by claim namespace"};
  MoneyCounter container_cost{"costledger_container_cost_dollars_total",
                              "Cost of containers (CPU + RAM + GPU) in dollars"};
  MoneyCounter idle_cost{"costledger_idle_cost_dollars_total",
                         "Cost of node capacity left unallocated in dollars"};
  MoneyCounter query_cost{"costledger_query_cost_dollars_total",
                          "Cost of Athena queries in dollars"};
  prometheus::Family<prometheus::Counter>& queries_total =
      prometheus::BuildCounter()
          .Name("costledger_queries_total")
          .Help("Athena queries that reached a final state")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& source_errors =
      prometheus::BuildCounter()
          .Name("costledger_source_errors_total")
          .Help("Failed scrapes of a source (kubelet and dcgm collapsed over their targets)")
          .Register(registry);
  prometheus::Histogram& interval_duration =
      prometheus::BuildHistogram()
          .Name("costledger_interval_duration_seconds")
          .Help("Wall time of one collector interval (scrape, attribution, store)")
          .Register(registry)
          .Add({}, kIntervalBuckets);
  prometheus::Gauge& interval_start =
      prometheus::BuildGauge()
          .Name("costledger_interval_start_timestamp_seconds")
          .Help("Start of the last attributed interval, seconds since the epoch")
          .Register(registry)
          .Add({});
  prometheus::Gauge& spool_depth = prometheus::BuildGauge()
                                       .Name("costledger_spool_depth")
                                       .Help("Batches waiting in the spool for the database")
                                       .Register(registry)
                                       .Add({});
  prometheus::Counter& spool_write_errors =
      prometheus::BuildCounter()
          .Name("costledger_spool_write_errors_total")
          .Help("Interval batches the spool could not write (a full or failing disk)")
          .Register(registry)
          .Add({});
  prometheus::Counter& intervals_lost =
      prometheus::BuildCounter()
          .Name("costledger_intervals_lost_total")
          .Help("Interval batches neither the spool nor the database took")
          .Register(registry)
          .Add({});
  prometheus::Gauge& database_up = prometheus::BuildGauge()
                                       .Name("costledger_database_up")
                                       .Help("1 when the last write to the database worked")
                                       .Register(registry)
                                       .Add({});
  prometheus::Family<prometheus::Counter>& http_requests =
      prometheus::BuildCounter()
          .Name("costledger_http_requests_total")
          .Help("API requests by route and HTTP status")
          .Register(registry);
  prometheus::Family<prometheus::Histogram>& http_duration =
      prometheus::BuildHistogram()
          .Name("costledger_http_request_duration_seconds")
          .Help("Time to answer an API request")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& report_deliveries =
      prometheus::BuildCounter()
          .Name("costledger_report_deliveries_total")
          .Help("Weekly report mails and webhooks by outcome (failed ones are retried later)")
          .Register(registry);
  GaugeSet quota_spent{registry, "costledger_quota_spent",
                       "Spent by the quota in its current period, in its unit (dollars, hours, "
                       "bytes)"};
  GaugeSet quota_limit{registry, "costledger_quota_limit",
                       "The quota's limit per period, in its unit (dollars, hours, bytes)"};
  GaugeSet quota_usage_ratio{registry, "costledger_quota_usage_ratio",
                             "Spent / limit of the quota in its current period"};
  prometheus::Family<prometheus::Gauge>& notifications =
      prometheus::BuildGauge()
          .Name("costledger_notifications")
          .Help("Deliveries in the exactly-once ledger by kind and state")
          .Register(registry);
};

void CostMetrics::ObserveReportDeliveries(int sent, int failed, int given_up,
                                          std::span<const model::NotificationCount> counts) {
  impl_->report_deliveries.Add({{"outcome", "sent"}}).Increment(sent);
  impl_->report_deliveries.Add({{"outcome", "failed"}}).Increment(failed);
  impl_->report_deliveries.Add({{"outcome", "given_up"}}).Increment(given_up);
  std::set<std::string> kinds;
  for (const model::NotificationCount& c : counts) kinds.insert(c.kind);
  for (const std::string& kind : kinds) {
    for (const model::NotificationState state :
         {model::NotificationState::kClaimed, model::NotificationState::kSent,
          model::NotificationState::kFailed, model::NotificationState::kGivenUp}) {
      std::int64_t count = 0;
      for (const model::NotificationCount& c : counts) {
        if (c.kind == kind && c.state == state) count = c.count;
      }
      impl_->notifications.Add({{"kind", kind}, {"state", std::string(ToString(state))}})
          .Set(static_cast<double>(count));
    }
  }
}

void CostMetrics::ObserveQuotas(std::span<const model::QuotaWithStatus> quotas) {
  std::map<Labels, double> spent;
  std::map<Labels, double> limit;
  std::map<Labels, double> ratio;
  for (const model::QuotaWithStatus& q : quotas) {
    const model::QuotaStatus& s = q.status;
    const Labels labels{{"quota", q.quota->name}, {"unit", std::string(model::ToString(s.unit))}};
    spent[labels] = model::ToContractUnits(s.unit, s.spent);
    limit[labels] = model::ToContractUnits(s.unit, s.limit);
    ratio[labels] = s.ratio;
  }
  const std::lock_guard lock(impl_->mutex);
  impl_->quota_spent.Replace(spent);
  impl_->quota_limit.Replace(limit);
  impl_->quota_usage_ratio.Replace(ratio);
}

CostMetrics::CostMetrics(CostMetricsSettings settings)
    : impl_(std::make_unique<Impl>(std::move(settings))) {
  impl_->build_info.Set(1.0);
}

CostMetrics::~CostMetrics() = default;

void CostMetrics::Observe(const model::TickReport& tick) {
  const std::lock_guard lock(impl_->mutex);
  if (tick.inventory) impl_->ObserveInventory(*tick.inventory);
  if (tick.batch) {
    if (tick.attributed) impl_->ObserveCosts(*tick.batch);
    impl_->ObserveQueries(*tick.batch);
  }
  impl_->ObserveHealth(tick);
}

void CostMetrics::CountHttpRequest(std::string_view route, int status,
                                   std::chrono::microseconds duration) {
  const std::string route_label(route);
  impl_->http_requests.Add({{"route", route_label}, {"code", std::to_string(status)}}).Increment();
  impl_->http_duration.Add({{"route", route_label}}, kHttpBuckets)
      .Observe(std::chrono::duration<double>(duration).count());
}

std::string CostMetrics::Serialize() const {
  std::vector<prometheus::MetricFamily> families;
  {
    const std::lock_guard lock(impl_->mutex);
    families = impl_->registry.Collect();
    families.push_back(impl_->container_cost.Collect());
    families.push_back(impl_->idle_cost.Collect());
    families.push_back(impl_->volume_cost.Collect());
    families.push_back(impl_->query_cost.Collect());
  }
  std::stable_sort(families.begin(), families.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
  return prometheus::TextSerializer().Serialize(families);
}

prometheus::Registry& CostMetrics::registry() { return impl_->registry; }

}  // namespace costledger::api
