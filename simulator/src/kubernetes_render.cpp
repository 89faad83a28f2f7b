#include "costledger/simulator/kubernetes_render.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <utility>
#include <vector>

#include "costledger/simulator/identifiers.hpp"
#include "costledger/simulator/list_chunks.hpp"
#include "costledger/simulator/random.hpp"
#include "costledger/simulator/sim_time.hpp"
#include "costledger/simulator/volume_render.hpp"
#include "salts.hpp"
#include "text_format.hpp"

namespace costledger::simulator {
namespace {

using Label = std::pair<std::string_view, std::string_view>;

constexpr std::array<std::string_view, 3> kZoneIds{"use1-az4", "use1-az6", "use1-az1"};
constexpr std::string_view kKubeletVersion = "v1.29.3-eks-ae9a62a";
// EKS managed node groups: `<pool>-on-demand`, on the EKS optimized AMIs (GPU nodes: the
// accelerated one).
constexpr std::string_view kManagedNodeGroupSuffix = "-on-demand";
constexpr std::string_view kManagedNodeGroupImage = "ami-0c1e8a7d3f5b2a946";
constexpr std::string_view kManagedNodeGroupGpuImage = "ami-07a9e4c1d5b3f8e21";

void WriteTime(JsonWriter& json, std::string_view key, std::int64_t unix_seconds) {
  json.Key(key).StringWith([&](std::string& out) { AppendRfc3339(out, unix_seconds); });
}

void WriteLabels(JsonWriter& json, std::vector<Label>& labels) {
  std::sort(labels.begin(), labels.end());
  json.Key("labels").BeginObject();
  for (const auto& [key, value] : labels) json.Member(key, value);
  json.EndObject();
}

void WriteResourceVersion(JsonWriter& json, std::int64_t unix_seconds, std::uint64_t salt) {
  json.Key("resourceVersion").StringWith([&](std::string& out) {
    AppendInt(out, ListResourceVersion(unix_seconds) + static_cast<std::int64_t>(salt % 100));
  });
}

// A list's metadata: its resourceVersion and, for a chunk that is not the last, where to go on.
void WriteListMeta(JsonWriter& json, std::int64_t unix_seconds, const ListChunk& chunk) {
  json.Key("metadata").BeginObject();
  WriteResourceVersion(json, unix_seconds, 0);
  if (!chunk.continue_token.empty()) {
    json.Member("continue", chunk.continue_token)
        .Key("remainingItemCount")
        .Int(chunk.remaining_items);
  }
  json.EndObject();
}

// [begin, end) of a list of `size` items.
std::pair<std::size_t, std::size_t> Range(const ListChunk& chunk, std::size_t size) {
  const std::size_t end = std::min(chunk.end, size);
  return {std::min(chunk.begin, end), end};
}

// ---- nodes ----

void WriteNode(JsonWriter& json, const ClusterSpec& spec, const ClusterState& state,
               const NodeState& node, bool with_kind) {
  const NodeSlot& slot = spec.node_slots[static_cast<std::size_t>(node.slot)];
  const InstanceType& type = *slot.type;
  const std::string_view zone = kZones[static_cast<std::size_t>(slot.zone)];
  const std::uint64_t key = Hash(slot.timeline.key(), kSaltNode, node.generation);
  const std::int64_t t = state.time;
  const bool gpu = type.gpus > 0;

  const std::string category(type.family.substr(0, 1));
  const std::string generation(type.family.substr(1));
  const std::string cpus = std::to_string(type.vcpus);
  const std::string memory = std::to_string(type.memory_mib);
  const std::string gpu_count = std::to_string(type.gpus);
  const std::string gpu_memory = std::to_string(type.gpu_short_name == "v100" ? 16'384 : 24'576);
  std::string cluster_tag;
  AppendHex(cluster_tag, Hash(spec.seed, kSaltNode), 16);
  AppendHex(cluster_tag, Hash(spec.seed, kSaltNode, 1), 16);

  // On-demand nodes come from EKS managed node groups, one per pool (`general-on-demand`, ...);
  // spot nodes from Karpenter NodePools named after the pool (`general`, ...), as clusters that
  // keep an on-demand base under Karpenter's spot capacity run them. Each carries only its own
  // provisioner's labels.
  const std::string node_group =
      slot.spot ? std::string(NodePoolName(slot.pool))
                : std::string(NodePoolName(slot.pool)) + std::string(kManagedNodeGroupSuffix);
  std::vector<Label> labels{
      {"beta.kubernetes.io/arch", "amd64"},
      {"beta.kubernetes.io/instance-type", type.name},
      {"beta.kubernetes.io/os", "linux"},
      {"failure-domain.beta.kubernetes.io/region", "us-east-1"},
      {"failure-domain.beta.kubernetes.io/zone", zone},
      {"k8s.io/cloud-provider-aws", cluster_tag},
      {"kubernetes.io/arch", "amd64"},
      {"kubernetes.io/hostname", node.name},
      {"kubernetes.io/os", "linux"},
      {"node.kubernetes.io/instance-type", type.name},
      {"topology.ebs.csi.aws.com/zone", zone},
      {"topology.k8s.aws/zone-id", kZoneIds[static_cast<std::size_t>(slot.zone)]},
      {"topology.kubernetes.io/region", "us-east-1"},
      {"topology.kubernetes.io/zone", zone},
  };
  if (slot.spot) {
    labels.insert(labels.end(),
                  {{"karpenter.k8s.aws/instance-category", category},
                   {"karpenter.k8s.aws/instance-cpu", cpus},
                   {"karpenter.k8s.aws/instance-family", type.family},
                   {"karpenter.k8s.aws/instance-generation", generation},
                   {"karpenter.k8s.aws/instance-hypervisor", type.family == "p3" ? "xen" : "nitro"},
                   {"karpenter.k8s.aws/instance-memory", memory},
                   {"karpenter.k8s.aws/instance-size", type.size},
                   {"karpenter.sh/capacity-type", "spot"},
                   {"karpenter.sh/initialized", "true"},
                   {"karpenter.sh/nodepool", node_group},
                   {"karpenter.sh/registered", "true"}});
    if (gpu) {
      labels.insert(labels.end(), {{"karpenter.k8s.aws/instance-gpu-count", gpu_count},
                                   {"karpenter.k8s.aws/instance-gpu-manufacturer", "nvidia"},
                                   {"karpenter.k8s.aws/instance-gpu-memory", gpu_memory},
                                   {"karpenter.k8s.aws/instance-gpu-name", type.gpu_short_name}});
    }
  } else {
    labels.insert(labels.end(), {{"eks.amazonaws.com/capacityType", "ON_DEMAND"},
                                 {"eks.amazonaws.com/nodegroup", node_group},
                                 {"eks.amazonaws.com/nodegroup-image",
                                  gpu ? kManagedNodeGroupGpuImage : kManagedNodeGroupImage}});
  }
  if (gpu) labels.emplace_back("nvidia.com/gpu.present", "true");

  json.BeginObject();
  if (with_kind) json.Member("kind", "Node").Member("apiVersion", "v1");
  json.Key("metadata").BeginObject().Member("name", node.name);
  json.Key("uid").StringWith([&](std::string& out) { AppendUuid(out, key, Mix64(key)); });
  WriteResourceVersion(json, t, key);
  WriteTime(json, "creationTimestamp", node.created);
  WriteLabels(json, labels);
  json.Key("annotations").BeginObject().Member("alpha.kubernetes.io/provided-node-ip", node.ip);
  if (slot.spot) {
    json.Key("karpenter.k8s.aws/ec2nodeclass-hash")
        .StringWith([&](std::string& out) {
          AppendInt(out, static_cast<std::int64_t>(Hash(spec.seed, 7) >> 2U));
        })
        .Member("karpenter.sh/nodepool-hash-version", "v2");
  }
  json.Member("node.alpha.kubernetes.io/ttl", "0")
      .Member("volumes.kubernetes.io/controller-managed-attach-detach", "true")
      .EndObject();
  if (slot.spot) json.Key("finalizers").BeginArray().String("karpenter.sh/termination").EndArray();
  json.EndObject();

  json.Key("spec").BeginObject();
  json.Key("providerID").StringWith([&](std::string& out) {
    out += "aws:///";
    out += zone;
    out.push_back('/');
    out += node.instance_id;
  });
  if (gpu) {
    json.Key("taints")
        .BeginArray()
        .BeginObject()
        .Member("key", "nvidia.com/gpu")
        .Member("value", "true")
        .Member("effect", "NoSchedule")
        .EndObject()
        .EndArray();
  }
  json.EndObject();

  const std::int64_t storage_kib = gpu ? 209'702'892 : 83'873'772;
  json.Key("status").BeginObject();
  json.Key("capacity").BeginObject();
  json.Member("cpu", std::to_string(type.vcpus));
  json.Key("ephemeral-storage").StringWith([&](std::string& out) {
    AppendInt(out, storage_kib);
    out += "Ki";
  });
  json.Member("hugepages-1Gi", "0").Member("hugepages-2Mi", "0");
  json.Key("memory").StringWith(
      [&](std::string& out) { AppendMemoryQuantity(out, type.memory_capacity_kib * 1024); });
  if (gpu) json.Member("nvidia.com/gpu", gpu_count);
  json.Member("pods", std::to_string(type.max_pods));
  json.EndObject();
  json.Key("allocatable").BeginObject();
  json.Key("cpu").StringWith(
      [&](std::string& out) { AppendCpuQuantity(out, AllocatableMillicores(type)); });
  json.Key("ephemeral-storage").StringWith([&](std::string& out) {
    AppendInt(out, storage_kib * 1024 / 100 * 91);
  });
  json.Member("hugepages-1Gi", "0").Member("hugepages-2Mi", "0");
  json.Key("memory").StringWith(
      [&](std::string& out) { AppendMemoryQuantity(out, AllocatableMemoryKib(type) * 1024); });
  if (gpu) json.Member("nvidia.com/gpu", gpu_count);
  json.Member("pods", std::to_string(type.max_pods));
  json.EndObject();

  const bool ready = t >= node.ready_at;
  const std::int64_t heartbeat = std::max(
      node.created, t - static_cast<std::int64_t>((static_cast<std::uint64_t>(t) + key) % 40U));
  const auto condition = [&](std::string_view type_name, bool status, std::int64_t transition,
                             std::string_view reason, std::string_view message) {
    json.BeginObject().Member("type", type_name).Member("status", status ? "True" : "False");
    WriteTime(json, "lastHeartbeatTime", heartbeat);
    WriteTime(json, "lastTransitionTime", transition);
    json.Member("reason", reason).Member("message", message).EndObject();
  };
  json.Key("conditions").BeginArray();
  condition("MemoryPressure", false, node.created, "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available");
  condition("DiskPressure", false, node.created, "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure");
  condition("PIDPressure", false, node.created, "KubeletHasSufficientPID",
            "kubelet has sufficient PID available");
  if (ready) {
    condition("Ready", true, node.ready_at, "KubeletReady", "kubelet is posting ready status");
  } else {
    condition("Ready", false, node.created, "KubeletNotReady",
              "container runtime network not ready: NetworkReady=false "
              "reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not "
              "initialized");
  }
  json.EndArray();
  json.Key("addresses")
      .BeginArray()
      .BeginObject()
      .Member("type", "InternalIP")
      .Member("address", node.ip)
      .EndObject()
      .BeginObject()
      .Member("type", "InternalDNS")
      .Member("address", node.name)
      .EndObject()
      .BeginObject()
      .Member("type", "Hostname")
      .Member("address", node.name)
      .EndObject()
      .EndArray();
  json.Key("daemonEndpoints")
      .BeginObject()
      .Key("kubeletEndpoint")
      .BeginObject()
      .Member("Port", 10250)
      .EndObject()
      .EndObject();
  const std::uint64_t machine = Hash(key, 1);
  json.Key("nodeInfo").BeginObject();
  json.Key("machineID").StringWith([&](std::string& out) {
    AppendHex(out, machine, 16);
    AppendHex(out, Mix64(machine), 16);
  });
  json.Key("systemUUID").StringWith([&](std::string& out) {
    out += "ec2";
    std::string uuid;
    AppendUuid(uuid, machine, Mix64(machine));
    out += std::string_view{uuid}.substr(3);
  });
  json.Key("bootID").StringWith(
      [&](std::string& out) { AppendUuid(out, Hash(key, 2), Hash(key, 3)); });
  json.Member("kernelVersion", "5.10.215-203.850.amzn2.x86_64")
      .Member("osImage", "Amazon Linux 2")
      .Member("containerRuntimeVersion", "containerd://1.7.11")
      .Member("kubeletVersion", kKubeletVersion)
      .Member("kubeProxyVersion", kKubeletVersion)
      .Member("operatingSystem", "linux")
      .Member("architecture", "amd64")
      .EndObject();
  json.EndObject();  // status
  json.EndObject();
}

// ---- pods ----

// JSON fragments of a workload that do not change between its pods.
struct WorkloadJson {
  bool ready = false;
  std::string owner_uid;
  std::string containers;              // the "containers" array
  std::string init_containers;         // the "initContainers" array, or empty
  std::string spec_tail;               // spec members after nodeName
  std::vector<std::string> image_ids;  // per container, then per init container
  std::string_view qos_class;
  std::string spark_selector;  // spark-app-selector
};

void WriteResources(JsonWriter& json, const ContainerSpec& c) {
  const auto list = [&](std::string_view key, const Resources& r) {
    if (r.cpu_millicores == 0 && r.memory_bytes == 0 && r.gpus == 0) return;
    json.Key(key).BeginObject();
    if (r.cpu_millicores > 0) {
      json.Key("cpu").StringWith(
          [&](std::string& out) { AppendCpuQuantity(out, r.cpu_millicores); });
    }
    if (r.memory_bytes > 0) {
      json.Key("memory").StringWith(
          [&](std::string& out) { AppendMemoryQuantity(out, r.memory_bytes); });
    }
    if (r.gpus > 0) {
      json.Key("nvidia.com/gpu").StringWith([&](std::string& out) { AppendInt(out, r.gpus); });
    }
    json.EndObject();
  };
  json.Key("resources").BeginObject();
  list("limits", c.limits);
  list("requests", c.requests);
  json.EndObject();
}

void WriteContainerSpecs(std::string& out, const std::vector<ContainerSpec>& containers) {
  JsonWriter json(out);
  json.BeginArray();
  for (const ContainerSpec& c : containers) {
    json.BeginObject().Member("name", c.name).Member("image", c.image);
    if (c.port > 0) {
      json.Key("ports")
          .BeginArray()
          .BeginObject()
          .Member("containerPort", c.port)
          .Member("protocol", "TCP")
          .EndObject()
          .EndArray();
    }
    WriteResources(json, c);
    if (c.sidecar) json.Member("restartPolicy", "Always");
    json.Member("terminationMessagePath", "/dev/termination-log")
        .Member("terminationMessagePolicy", "File")
        .Member("imagePullPolicy", "IfNotPresent")
        .EndObject();
  }
  json.EndArray();
}

std::string_view QosClass(const Workload& w) {
  bool any = false;
  bool guaranteed = true;
  const auto check = [&](const ContainerSpec& c) {
    any = any || c.requests.cpu_millicores > 0 || c.requests.memory_bytes > 0 ||
          c.limits.cpu_millicores > 0 || c.limits.memory_bytes > 0;
    guaranteed = guaranteed && c.limits.cpu_millicores > 0 && c.limits.memory_bytes > 0 &&
                 c.limits.cpu_millicores == c.requests.cpu_millicores &&
                 c.limits.memory_bytes == c.requests.memory_bytes;
  };
  for (const ContainerSpec& c : w.init_containers) check(c);
  for (const ContainerSpec& c : w.containers) check(c);
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

std::string ImageId(const std::string& image, std::uint64_t h) {
  std::string id = image.substr(0, image.rfind(':'));
  if (id.find('/') == std::string::npos) id = "docker.io/library/" + id;
  id += "@sha256:";
  for (int i = 0; i < 4; ++i) AppendHex(id, Hash(h, i), 16);
  return id;
}

WorkloadJson BuildWorkloadJson(const ClusterSpec& spec, const Workload& w, int index) {
  WorkloadJson j;
  j.ready = true;
  AppendUuid(j.owner_uid, w.uid_key, Mix64(w.uid_key));
  WriteContainerSpecs(j.containers, w.containers);
  if (!w.init_containers.empty()) WriteContainerSpecs(j.init_containers, w.init_containers);
  for (const ContainerSpec& c : w.containers) {
    j.image_ids.push_back(ImageId(c.image, HashText(c.image)));
  }
  for (const ContainerSpec& c : w.init_containers) {
    j.image_ids.push_back(ImageId(c.image, HashText(c.image)));
  }
  j.qos_class = QosClass(w);
  if (w.kind == WorkloadKind::kSparkDriver || w.kind == WorkloadKind::kSparkExecutor) {
    j.spark_selector = "spark-";
    const int driver = w.kind == WorkloadKind::kSparkDriver ? index : w.driver;
    const std::uint64_t h = Hash(spec.seed, kSaltPodName, driver, 99);
    AppendHex(j.spark_selector, h, 16);
    AppendHex(j.spark_selector, Mix64(h), 16);
  }

  const bool batch = w.IsBatch();
  JsonWriter json(j.spec_tail);
  json.Member("restartPolicy", batch ? "Never" : "Always")
      .Member("terminationGracePeriodSeconds", batch ? 30 : 60)
      .Member("dnsPolicy",
              w.kind == WorkloadKind::kDaemonSet ? "ClusterFirstWithHostNet" : "ClusterFirst")
      .Member("serviceAccountName", w.service_account)
      .Member("serviceAccount", w.service_account);
  if (w.on_demand_only || w.pool == NodePool::kGpu) {
    // On-demand capacity is the managed node groups' (eks.amazonaws.com/capacityType); GPU
    // nodes of either provisioner carry nvidia.com/gpu.present.
    json.Key("nodeSelector").BeginObject();
    if (w.on_demand_only) json.Member("eks.amazonaws.com/capacityType", "ON_DEMAND");
    if (w.pool == NodePool::kGpu && w.kind != WorkloadKind::kDaemonSet) {
      json.Member("nvidia.com/gpu.present", "true");
    }
    json.EndObject();
  }
  json.Key("securityContext").BeginObject().EndObject();
  json.Member("schedulerName", "default-scheduler");
  json.Key("tolerations").BeginArray();
  if (w.kind == WorkloadKind::kDaemonSet) {
    json.BeginObject().Member("operator", "Exists").EndObject();
  } else {
    if (w.gpu) {
      json.BeginObject()
          .Member("key", "nvidia.com/gpu")
          .Member("operator", "Exists")
          .Member("effect", "NoSchedule")
          .EndObject();
    }
    for (const std::string_view taint :
         {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
      json.BeginObject()
          .Member("key", taint)
          .Member("operator", "Exists")
          .Member("effect", "NoExecute")
          .Member("tolerationSeconds", 300)
          .EndObject();
    }
  }
  json.EndArray();
  if (!w.priority_class.empty()) {
    json.Member("priorityClassName", w.priority_class).Member("priority", 2'000'001'000);
  } else {
    json.Member("priority", 0);
  }
  json.Member("enableServiceLinks", true).Member("preemptionPolicy", "PreemptLowerPriority");
  return j;
}

bool HostNetwork(const Workload& w) {
  return w.kind == WorkloadKind::kDaemonSet && (w.name == "kube-proxy" || w.name == "aws-node");
}

void WritePodIp(std::string& out, const ClusterSpec& spec, const PodState& pod, int zone) {
  const std::uint64_t h = Hash(spec.seed, kSaltPodIp, pod.slot, pod.incarnation);
  out += "10.0.";
  AppendInt(out, static_cast<std::int64_t>(zone) * 64 + static_cast<std::int64_t>(h % 64U));
  out.push_back('.');
  AppendInt(out, static_cast<std::int64_t>((h >> 8U) % 254U) + 1);
}

class PodListWriter {
 public:
  PodListWriter(const ClusterSpec& spec, const ClusterState& state, std::string& out)
      : spec_(spec), state_(state), json_(out), fragments_(spec.workloads.size()) {
    // Labels hold views into these strings: the vector must never reallocate.
    scratch_.reserve(kScratchStrings);
  }

  void Write(const ListChunk& chunk) {
    json_.BeginObject().Member("kind", "PodList").Member("apiVersion", "v1");
    WriteListMeta(json_, state_.time, chunk);
    json_.Key("items").BeginArray();
    const auto [begin, end] = Range(chunk, state_.pods.size());
    for (std::size_t i = begin; i < end; ++i) WritePod(state_.pods[i]);
    json_.EndArray().EndObject();
  }

 private:
  const WorkloadJson& Fragments(int workload) {
    std::unique_ptr<WorkloadJson>& f = fragments_[static_cast<std::size_t>(workload)];
    if (!f) {
      f = std::make_unique<WorkloadJson>(
          BuildWorkloadJson(spec_, spec_.workloads[static_cast<std::size_t>(workload)], workload));
    }
    return *f;
  }

  void WriteOwner(const Workload& w, const PodState& pod, const WorkloadJson& f) {
    std::string_view api_version = "apps/v1";
    std::string_view kind;
    std::string owner_name;
    std::string_view uid = f.owner_uid;
    switch (w.kind) {
      case WorkloadKind::kDeployment:
        kind = "ReplicaSet";
        owner_name = w.name + "-" + w.template_hash;
        break;
      case WorkloadKind::kStatefulSet:
        kind = "StatefulSet";
        owner_name = w.name;
        break;
      case WorkloadKind::kDaemonSet:
        kind = "DaemonSet";
        owner_name = w.name;
        break;
      case WorkloadKind::kCronJob:
        api_version = "batch/v1";
        kind = "Job";
        owner_name = pod.owner_name;
        uid = pod.owner_uid;
        break;
      case WorkloadKind::kRayHead:
      case WorkloadKind::kRayWorker:
        api_version = "ray.io/v1";
        kind = "RayCluster";
        owner_name = w.name;
        break;
      case WorkloadKind::kSparkDriver:
        api_version = "sparkoperator.k8s.io/v1beta2";
        kind = "SparkApplication";
        owner_name = pod.owner_name;
        uid = pod.owner_uid;
        break;
      case WorkloadKind::kSparkExecutor:
        api_version = "v1";
        kind = "Pod";
        owner_name = pod.owner_name;
        uid = pod.owner_uid;
        break;
      case WorkloadKind::kNotebook:
        return;
    }
    json_.Key("ownerReferences")
        .BeginArray()
        .BeginObject()
        .Member("apiVersion", api_version)
        .Member("kind", kind)
        .Member("name", owner_name)
        .Member("uid", uid)
        .Member("controller", true)
        .Member("blockOwnerDeletion", true)
        .EndObject()
        .EndArray();
  }

  void WriteMetadata(const Workload& w, const PodSlot& slot, const PodState& pod,
                     const WorkloadJson& f) {
    json_.Key("metadata").BeginObject().Member("name", pod.name);
    if (w.kind != WorkloadKind::kStatefulSet && w.kind != WorkloadKind::kNotebook &&
        w.kind != WorkloadKind::kSparkDriver) {
      json_.Key("generateName").StringWith([&](std::string& out) {
        out.append(pod.name, 0, pod.name.rfind('-') + 1);
      });
    }
    json_.Member("namespace", w.namespace_name).Member("uid", pod.uid);
    std::int64_t changed = pod.created;
    for (const std::int64_t when : {pod.scheduled_at, pod.running_from, pod.finished_at}) {
      if (when <= state_.time) changed = std::max(changed, when);
    }
    WriteResourceVersion(json_, changed, Hash(pod.slot));
    WriteTime(json_, "creationTimestamp", pod.created);

    labels_.clear();
    scratch_.clear();
    if (!w.team.empty()) labels_.emplace_back("team", w.team);
    switch (w.kind) {
      case WorkloadKind::kDeployment:
        labels_.emplace_back("app.kubernetes.io/name", w.app);
        labels_.emplace_back("pod-template-hash", w.template_hash);
        break;
      case WorkloadKind::kStatefulSet:
        labels_.emplace_back("app.kubernetes.io/name", w.app);
        labels_.emplace_back("statefulset.kubernetes.io/pod-name", pod.name);
        scratch_.push_back(std::to_string(slot.ordinal));
        labels_.emplace_back("apps.kubernetes.io/pod-index", scratch_.back());
        scratch_.push_back(w.name + "-" + w.template_hash);
        labels_.emplace_back("controller-revision-hash", scratch_.back());
        break;
      case WorkloadKind::kDaemonSet:
        labels_.emplace_back(w.namespace_name == "kube-system" ? "k8s-app" : "app", w.app);
        labels_.emplace_back("controller-revision-hash", w.template_hash);
        labels_.emplace_back("pod-template-generation", "1");
        break;
      case WorkloadKind::kCronJob:
        labels_.emplace_back("app.kubernetes.io/name", w.app);
        labels_.emplace_back("batch.kubernetes.io/controller-uid", pod.owner_uid);
        labels_.emplace_back("batch.kubernetes.io/job-name", pod.owner_name);
        labels_.emplace_back("controller-uid", pod.owner_uid);
        labels_.emplace_back("job-name", pod.owner_name);
        break;
      case WorkloadKind::kRayHead:
      case WorkloadKind::kRayWorker: {
        const bool head = w.kind == WorkloadKind::kRayHead;
        labels_.emplace_back("app.kubernetes.io/created-by", "kuberay-operator");
        labels_.emplace_back("app.kubernetes.io/name", "kuberay");
        labels_.emplace_back("ray.io/cluster", w.name);
        labels_.emplace_back("ray.io/group", w.group);
        scratch_.push_back(w.name + (head ? "-head" : "-worker"));
        labels_.emplace_back("ray.io/identifier", scratch_.back());
        labels_.emplace_back("ray.io/is-ray-node", "yes");
        labels_.emplace_back("ray.io/node-type", head ? "head" : "worker");
        break;
      }
      case WorkloadKind::kSparkDriver:
      case WorkloadKind::kSparkExecutor: {
        const bool driver = w.kind == WorkloadKind::kSparkDriver;
        const std::string_view app_name =
            driver ? std::string_view{pod.owner_name}
                   : std::string_view{pod.owner_name}.substr(0, pod.owner_name.size() - 7);
        labels_.emplace_back("spark-app-name", app_name);
        labels_.emplace_back("spark-app-selector", f.spark_selector);
        labels_.emplace_back("spark-role", driver ? "driver" : "executor");
        labels_.emplace_back("spark-version", "3.5.1");
        labels_.emplace_back("sparkoperator.k8s.io/app-name", app_name);
        labels_.emplace_back("sparkoperator.k8s.io/launched-by-spark-operator", "true");
        if (!driver) {
          const std::size_t dash = pod.name.rfind('-');
          labels_.emplace_back("spark-exec-id", std::string_view{pod.name}.substr(dash + 1));
          labels_.emplace_back("spark-exec-resourceprofile-id", "0");
        }
        break;
      }
      case WorkloadKind::kNotebook:
        labels_.emplace_back("app", "jupyterhub");
        labels_.emplace_back("chart", "jupyterhub-3.3.7");
        labels_.emplace_back("component", "singleuser-server");
        labels_.emplace_back("heritage", "jupyterhub");
        labels_.emplace_back("hub.jupyter.org/network-access-hub", "true");
        labels_.emplace_back("hub.jupyter.org/servername", "");
        labels_.emplace_back("hub.jupyter.org/username", w.user);
        labels_.emplace_back("release", "jupyterhub");
        break;
    }
    if (!w.part_of.empty()) labels_.emplace_back("app.kubernetes.io/part-of", w.part_of);
    WriteLabels(json_, labels_);
    WriteOwner(w, pod, f);
    json_.EndObject();
  }

  void WriteContainerStatus(const ContainerSpec& c, const ContainerState& s,
                            std::string_view image_id, const PodState& pod, bool init,
                            std::size_t index) {
    json_.BeginObject().Member("name", c.name);
    json_.Key("state").BeginObject();
    if (init) {
      if (pod.phase == PodPhase::kPending) {
        json_.Key("waiting").BeginObject().Member("reason", "PodInitializing").EndObject();
      } else {
        json_.Key("terminated").BeginObject().Member("exitCode", 0).Member("reason", "Completed");
        WriteTime(json_, "startedAt", pod.scheduled_at + 1);
        WriteTime(json_, "finishedAt", pod.running_from - 1);
        json_.EndObject();
      }
    } else if (s.running) {
      json_.Key("running").BeginObject();
      WriteTime(json_, "startedAt", s.started_at);
      json_.EndObject();
    } else if (s.terminated) {
      json_.Key("terminated")
          .BeginObject()
          .Member("exitCode", s.exit_code)
          .Member("reason", s.exit_code == 0 ? "Completed" : "Error");
      WriteTime(json_, "startedAt", s.started_at);
      WriteTime(json_, "finishedAt", s.finished_at);
      json_.EndObject();
    } else {
      json_.Key("waiting").BeginObject().Member("reason", s.waiting_reason);
      if (s.waiting_reason == "CrashLoopBackOff") {
        json_.Key("message").StringWith([&](std::string& out) {
          out += "back-off 10s restarting failed container=";
          out += c.name;
          out += " pod=";
          out += pod.name;
          out.push_back('_');
          out += spec_
                     .workloads[static_cast<std::size_t>(
                         spec_.pod_slots[static_cast<std::size_t>(pod.slot)].workload)]
                     .namespace_name;
          out.push_back('(');
          out += pod.uid;
          out.push_back(')');
        });
      }
      json_.EndObject();
    }
    json_.EndObject();
    json_.Key("lastState").BeginObject();
    if (s.restart_count > 0) {
      json_.Key("terminated").BeginObject().Member("exitCode", 137).Member("reason", "OOMKilled");
      WriteTime(json_, "startedAt", s.last_started_at);
      WriteTime(json_, "finishedAt", s.last_finished_at);
      json_.EndObject();
    }
    json_.EndObject();
    const bool started = init ? false : s.running;
    json_.Member("ready", init ? pod.phase != PodPhase::kPending : s.running)
        .Member("restartCount", s.restart_count)
        .Member("image", c.image)
        .Member("imageID", image_id);
    if (pod.phase != PodPhase::kPending || init) {
      json_.Key("containerID").StringWith([&](std::string& out) {
        out += "containerd://";
        const std::uint64_t h =
            Hash(spec_.seed, kSaltContainerId, pod.slot, pod.incarnation, index, s.restart_count);
        for (int i = 0; i < 4; ++i) AppendHex(out, Hash(h, i), 16);
      });
    }
    json_.Member("started", started).EndObject();
  }

  void WriteConditions(const PodState& pod, bool containers_ready) {
    const auto condition = [&](std::string_view type, bool status, std::int64_t when,
                               std::string_view reason) {
      json_.BeginObject().Member("type", type).Member("status", status ? "True" : "False");
      json_.Key("lastProbeTime").Null();
      WriteTime(json_, "lastTransitionTime", when);
      if (!reason.empty()) json_.Member("reason", reason);
      json_.EndObject();
    };
    json_.Key("conditions").BeginArray();
    if (pod.node < 0) {
      json_.BeginObject()
          .Member("type", "PodScheduled")
          .Member("status", "False")
          .Key("lastProbeTime")
          .Null();
      WriteTime(json_, "lastTransitionTime", pod.created);
      json_.Member("reason", "Unschedulable")
          .Key("message")
          .StringWith([&](std::string& out) {
            out += "0/";
            AppendInt(out, static_cast<std::int64_t>(state_.nodes.size()));
            out += pod.unschedulable
                       ? " nodes are available: 1 Insufficient cpu, 1 Insufficient memory. "
                         "preemption: not eligible due to preemptionPolicy=Never."
                       : " nodes are available: waiting for a node to be provisioned "
                         "(Karpenter is launching a replacement).";
          })
          .EndObject();
      json_.EndArray();
      return;
    }
    const bool done = pod.phase == PodPhase::kSucceeded || pod.phase == PodPhase::kFailed;
    const bool started = pod.phase != PodPhase::kPending;
    const std::int64_t ready_at = done ? pod.finished_at : pod.running_from;
    condition("PodReadyToStartContainers", started && !done,
              started ? pod.running_from : pod.scheduled_at, "");
    condition("Initialized", started, started ? pod.running_from - 1 : pod.scheduled_at,
              started ? "" : "ContainersNotInitialized");
    const std::string_view not_ready = done ? "PodCompleted" : "ContainersNotReady";
    condition("Ready", containers_ready, ready_at, containers_ready ? "" : not_ready);
    condition("ContainersReady", containers_ready, ready_at, containers_ready ? "" : not_ready);
    condition("PodScheduled", true, pod.scheduled_at, "");
    json_.EndArray();
  }

  void WritePod(const PodState& pod) {
    const PodSlot& slot = spec_.pod_slots[static_cast<std::size_t>(pod.slot)];
    const Workload& w = spec_.workloads[static_cast<std::size_t>(slot.workload)];
    const WorkloadJson& f = Fragments(slot.workload);
    const NodeState* node =
        pod.node >= 0 ? &state_.nodes[static_cast<std::size_t>(pod.node)] : nullptr;

    json_.BeginObject();
    WriteMetadata(w, slot, pod, f);

    json_.Key("spec").BeginObject();
    if (!f.init_containers.empty()) json_.Key("initContainers").Raw(f.init_containers);
    json_.Key("containers").Raw(f.containers);
    if (node != nullptr) json_.Member("nodeName", node->name);
    if (HostNetwork(w)) json_.Member("hostNetwork", true);
    if (const std::vector<std::string> claims = ClaimsOf(w, slot.ordinal); !claims.empty()) {
      json_.Key("volumes").BeginArray();
      for (std::size_t i = 0; i < claims.size(); ++i) {
        json_.BeginObject()
            .Member("name", i == 0 ? std::string("data") : "data-" + std::to_string(i))
            .Key("persistentVolumeClaim")
            .BeginObject()
            .Member("claimName", claims[i])
            .EndObject()
            .EndObject();
      }
      json_.EndArray();
    }
    json_.out().push_back(',');
    json_.out() += f.spec_tail;
    json_.EndObject();

    json_.Key("status").BeginObject().Member("phase", PodPhaseName(pod.phase));
    bool containers_ready = pod.phase == PodPhase::kRunning;
    for (const ContainerState& c : pod.containers) containers_ready = containers_ready && c.running;
    WriteConditions(pod, containers_ready);
    if (node != nullptr) {
      const int zone = spec_.node_slots[static_cast<std::size_t>(node->slot)].zone;
      json_.Member("hostIP", node->ip);
      json_.Key("hostIPs").BeginArray().BeginObject().Member("ip", node->ip).EndObject().EndArray();
      scratch_.clear();
      if (HostNetwork(w)) {
        scratch_.push_back(node->ip);
      } else {
        scratch_.emplace_back();
        WritePodIp(scratch_.back(), spec_, pod, zone);
      }
      if (pod.phase != PodPhase::kPending) {
        json_.Member("podIP", scratch_.back());
        json_.Key("podIPs")
            .BeginArray()
            .BeginObject()
            .Member("ip", scratch_.back())
            .EndObject()
            .EndArray();
      }
      WriteTime(json_, "startTime", pod.scheduled_at);
      if (!w.init_containers.empty()) {
        json_.Key("initContainerStatuses").BeginArray();
        for (std::size_t i = 0; i < w.init_containers.size(); ++i) {
          WriteContainerStatus(w.init_containers[i], ContainerState{},
                               f.image_ids[w.containers.size() + i], pod, true,
                               w.containers.size() + i);
        }
        json_.EndArray();
      }
      json_.Key("containerStatuses").BeginArray();
      for (std::size_t i = 0; i < w.containers.size(); ++i) {
        WriteContainerStatus(w.containers[i], pod.containers[i], f.image_ids[i], pod, false, i);
      }
      json_.EndArray();
    }
    json_.Member("qosClass", f.qos_class);
    json_.EndObject();  // status
    json_.EndObject();
  }

  const ClusterSpec& spec_;
  const ClusterState& state_;
  JsonWriter json_;
  std::vector<std::unique_ptr<WorkloadJson>> fragments_;
  static constexpr std::size_t kScratchStrings = 4;

  std::vector<Label> labels_;
  std::vector<std::string> scratch_;  // at most kScratchStrings per pod
};

}  // namespace

std::string RenderNodeList(const ClusterSpec& spec, const ClusterState& state, std::string buffer,
                           const ListChunk& chunk) {
  const auto [begin, end] = Range(chunk, state.nodes.size());
  std::string& out = buffer;
  out.clear();
  out.reserve((end - begin) * 4096 + 512);
  JsonWriter json(out);
  json.BeginObject().Member("kind", "NodeList").Member("apiVersion", "v1");
  WriteListMeta(json, state.time, chunk);
  json.Key("items").BeginArray();
  for (std::size_t i = begin; i < end; ++i) WriteNode(json, spec, state, state.nodes[i], false);
  json.EndArray().EndObject();
  return buffer;
}

std::string RenderNode(const ClusterSpec& spec, const ClusterState& state, int node) {
  std::string out;
  JsonWriter json(out);
  WriteNode(json, spec, state, state.nodes.at(static_cast<std::size_t>(node)), true);
  return out;
}

std::string RenderPodList(const ClusterSpec& spec, const ClusterState& state, std::string buffer,
                          const ListChunk& chunk) {
  const auto [begin, end] = Range(chunk, state.pods.size());
  std::string& out = buffer;
  out.clear();
  out.reserve((end - begin) * 3400 + 4096);
  PodListWriter(spec, state, out).Write(chunk);
  return buffer;
}

std::string PodKey(const ClusterSpec& spec, const PodState& pod) {
  const PodSlot& slot = spec.pod_slots[static_cast<std::size_t>(pod.slot)];
  std::string key = spec.workloads[static_cast<std::size_t>(slot.workload)].namespace_name;
  key.push_back('/');
  key += pod.name;
  return key;
}

std::string RenderStatus(int code, std::string_view reason, std::string_view message) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject()
      .Member("kind", "Status")
      .Member("apiVersion", "v1")
      .Key("metadata")
      .BeginObject()
      .EndObject()
      .Member("status", "Failure")
      .Member("message", message)
      .Member("reason", reason)
      .Member("code", code)
      .EndObject();
  return out;
}

std::string RenderNotFoundStatus(std::string_view resource, std::string_view name) {
  std::string out;
  JsonWriter json(out);
  std::string message(resource);
  message += " \"";
  message += name;
  message += "\" not found";
  json.BeginObject()
      .Member("kind", "Status")
      .Member("apiVersion", "v1")
      .Key("metadata")
      .BeginObject()
      .EndObject()
      .Member("status", "Failure")
      .Member("message", message)
      .Member("reason", "NotFound")
      .Key("details")
      .BeginObject()
      .Member("name", name)
      .Member("kind", resource)
      .EndObject()
      .Member("code", 404)
      .EndObject();
  return out;
}

}  // namespace costledger::simulator
