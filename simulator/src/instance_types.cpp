#include "costledger/simulator/instance_types.hpp"

#include <array>

namespace costledger::simulator {
namespace {

constexpr std::array<InstanceType, 7> kCatalogue{{
    {"m5.xlarge", "m5", "xlarge", 4, 16'384, 15'896'024, 58, 0, "", "", 0, "0.1920000000",
     "General purpose", "Intel Xeon Platinum 8175 (Skylake)", "Up to 10 Gigabit", "EBS only"},
    {"m5.2xlarge", "m5", "2xlarge", 8, 32'768, 32'408'072, 58, 0, "", "", 0, "0.3840000000",
     "General purpose", "Intel Xeon Platinum 8175 (Skylake)", "Up to 10 Gigabit", "EBS only"},
    {"c5.2xlarge", "c5", "2xlarge", 8, 16'384, 15'902'788, 58, 0, "", "", 0, "0.3400000000",
     "Compute optimized", "Intel Xeon Platinum 8124M", "Up to 10 Gigabit", "EBS only"},
    {"r5.2xlarge", "r5", "2xlarge", 8, 65'536, 64'765'976, 58, 0, "", "", 0, "0.5040000000",
     "Memory optimized", "Intel Xeon Platinum 8175 (Skylake)", "Up to 10 Gigabit", "EBS only"},
    {"g5.2xlarge", "g5", "2xlarge", 8, 32'768, 32'386'544, 58, 1, "NVIDIA A10G", "a10g", 22'502,
     "1.2120000000", "GPU instance", "AMD EPYC 7R32", "Up to 10 Gigabit", "1 x 450 NVMe SSD"},
    {"g5.12xlarge", "g5", "12xlarge", 48, 196'608, 195'286'808, 234, 4, "NVIDIA A10G", "a10g",
     22'502, "5.6720000000", "GPU instance", "AMD EPYC 7R32", "40 Gigabit", "1 x 3800 NVMe SSD"},
    {"p3.2xlarge", "p3", "2xlarge", 8, 62'464, 62'172'168, 58, 1, "Tesla V100-SXM2-16GB", "v100",
     16'160, "3.0600000000", "GPU instance", "Intel Xeon E5-2686 v4 (Broadwell)",
     "Up to 10 Gigabit", "EBS only"},
}};

}  // namespace

std::span<const InstanceType> InstanceCatalogue() { return kCatalogue; }

const InstanceType* FindInstanceType(std::string_view name) {
  for (const InstanceType& type : kCatalogue) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

std::int64_t OnDemandMicrosPerHour(const InstanceType& type) {
  std::int64_t whole = 0;
  std::int64_t fraction = 0;
  int digits = 0;
  bool after_point = false;
  for (const char c : type.on_demand_usd) {
    if (c == '.') {
      after_point = true;
    } else if (!after_point) {
      whole = whole * 10 + (c - '0');
    } else if (digits < 6) {
      fraction = fraction * 10 + (c - '0');
      ++digits;
    }
  }
  for (; digits < 6; ++digits) fraction *= 10;
  return whole * 1'000'000 + fraction;
}

std::int64_t AllocatableMillicores(const InstanceType& type) {
  // EKS: 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 % of the rest.
  std::int64_t reserved_tenths = 0;
  for (int core = 1; core <= type.vcpus; ++core) {
    reserved_tenths += core == 1 ? 600 : core == 2 ? 100 : core <= 4 ? 50 : 25;
  }
  return std::int64_t{type.vcpus} * 1000 - reserved_tenths / 10;
}

std::int64_t AllocatableMemoryKib(const InstanceType& type) {
  const std::int64_t reserved_mib = 255 + 11 * std::int64_t{type.max_pods} + 100;
  return type.memory_capacity_kib - reserved_mib * 1024;
}

}  // namespace costledger::simulator
