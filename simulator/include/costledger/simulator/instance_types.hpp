#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace costledger::simulator {

/// An EC2 instance type the simulated cluster runs, with what a node of that type reports and
/// what the price list says about it.
struct InstanceType {
  std::string_view name;    ///< "g5.2xlarge"
  std::string_view family;  ///< "g5"
  std::string_view size;    ///< "2xlarge"
  int vcpus = 0;
  std::int64_t memory_mib = 0;           ///< nominal, as karpenter.k8s.aws/instance-memory
  std::int64_t memory_capacity_kib = 0;  ///< status.capacity.memory as the kubelet reports it
  int max_pods = 0;                      ///< VPC CNI limit
  int gpus = 0;
  std::string_view gpu_model;       ///< DCGM modelName, e.g. "NVIDIA A10G"; empty without GPUs
  std::string_view gpu_short_name;  ///< karpenter.k8s.aws/instance-gpu-name, e.g. "a10g"
  std::int64_t gpu_memory_mib = 0;  ///< framebuffer per device as DCGM reports it (free + used)
  std::string_view on_demand_usd;   ///< Linux on-demand price per hour in us-east-1, "0.1920000000"
  std::string_view description;     ///< price list instanceFamily
  std::string_view processor;       ///< price list physicalProcessor
  std::string_view network;         ///< price list networkPerformance
  std::string_view storage;         ///< price list storage
};

/// The instance types of the simulated cluster: m5.xlarge, m5.2xlarge, c5.2xlarge, r5.2xlarge,
/// g5.2xlarge (1 A10G), g5.12xlarge (4 A10G), p3.2xlarge (1 V100).
std::span<const InstanceType> InstanceCatalogue();

/// The catalogue entry named `name`, or nullptr.
const InstanceType* FindInstanceType(std::string_view name);

/// The on-demand price per hour of `type` (on_demand_usd) in micro-dollars, truncated past the
/// sixth decimal: 192'000 for "0.1920000000". The level spot prices move against, and the price
/// the offer file lists.
std::int64_t OnDemandMicrosPerHour(const InstanceType& type);

/// status.allocatable.cpu in millicores: capacity minus the EKS kube-reserved CPU.
std::int64_t AllocatableMillicores(const InstanceType& type);

/// status.allocatable.memory in KiB: capacity minus kube-reserved (255 MiB + 11 MiB per pod)
/// and the 100 MiB eviction threshold, as EKS AMIs configure the kubelet.
std::int64_t AllocatableMemoryKib(const InstanceType& type);

}  // namespace costledger::simulator
