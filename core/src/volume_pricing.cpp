#include "costledger/model/volume_pricing.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "costledger/model/errors.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {
namespace {

constexpr std::string_view kEbsCsiDriver = "ebs.csi.aws.com";
constexpr std::string_view kEbsInTree = "kubernetes.io/aws-ebs";
constexpr std::int64_t kBytesPerGiB = std::int64_t{1} << 30;
constexpr std::int64_t kMiBPerGiB = 1024;
constexpr std::int64_t kSecondsPerMonth = kHoursPerMonth * 3600;
// What gp3 includes in its GiB-month price (AWS: 3,000 IOPS and 125 MiB/s per volume).
constexpr std::int64_t kGp3FreeIops = 3000;
constexpr std::int64_t kGp3FreeThroughputMibps = 125;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A whole non-negative number from a StorageClass parameter; 0 when absent or not a number.
std::int64_t Parameter(const TextMap& parameters, std::string_view key) {
  const auto it = parameters.find(key);
  if (it == parameters.end()) return 0;
  std::int64_t value = 0;
  const std::string& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0) return 0;
  return value;
}

}  // namespace

VolumeSpec VolumeSpecOf(const PersistentVolume& pv, const StorageClass* storage_class) {
  VolumeSpec spec;
  spec.size_bytes = pv.capacity_bytes;
  const std::string_view provisioner =
      storage_class != nullptr ? std::string_view{storage_class->provisioner} : "";
  const bool csi = pv.csi_driver == kEbsCsiDriver || provisioner == kEbsCsiDriver;
  const bool in_tree = pv.aws_ebs_in_tree || provisioner == kEbsInTree;
  if (!csi && !in_tree) {
    spec.price_key = pv.storage_class;
    return spec;
  }
  spec.ebs = true;
  static const TextMap kNoParameters;
  const TextMap& parameters = storage_class != nullptr ? storage_class->parameters : kNoParameters;
  const auto type = parameters.find("type");
  if (type != parameters.end() && !type->second.empty()) {
    spec.price_key = Lower(type->second);
  } else if (!pv.in_tree_type.empty()) {
    spec.price_key = Lower(pv.in_tree_type);
  } else {
    spec.price_key = csi ? "gp3" : "gp2";  // each provisioner's default
  }
  std::int64_t iops = Parameter(parameters, "iops");
  if (iops == 0) {
    const std::int64_t per_gib =
        std::max(Parameter(parameters, "iopsPerGB"), Parameter(parameters, "iopspergb"));
    iops = per_gib * (pv.capacity_bytes / kBytesPerGiB);
  }
  const std::int64_t throughput = Parameter(parameters, "throughput");
  if (spec.price_key == "gp3") {
    spec.billed_iops = std::max<std::int64_t>(iops - kGp3FreeIops, 0);
    spec.billed_throughput_mibps = std::max<std::int64_t>(throughput - kGp3FreeThroughputMibps, 0);
  } else if (spec.price_key == "io1" || spec.price_key == "io2") {
    spec.billed_iops = iops;
  }
  return spec;
}

Money VolumeIntervalCost(const VolumeSpec& spec, const VolumePrice& price,
                         std::chrono::seconds interval) {
  if (spec.size_bytes < 0 || spec.billed_iops < 0 || spec.billed_throughput_mibps < 0) {
    throw InvalidInput("volume size, IOPS and throughput must not be negative");
  }
  if (price.per_gib_month.nanos() < 0 || price.per_iops_month.nanos() < 0 ||
      price.per_gibps_month.nanos() < 0) {
    throw InvalidInput("volume prices must not be negative");
  }
  if (interval.count() < 0) throw InvalidInput("interval must not be negative");
  // Per month, in nano-dollars x 2^30 x 1024 (GiB of size, MiB/s of throughput): exact.
  const Int128 monthly =
      static_cast<Int128>(spec.size_bytes) * price.per_gib_month.nanos() * kMiBPerGiB +
      static_cast<Int128>(spec.billed_iops) * price.per_iops_month.nanos() * kBytesPerGiB *
          kMiBPerGiB +
      static_cast<Int128>(spec.billed_throughput_mibps) * price.per_gibps_month.nanos() *
          kBytesPerGiB;
  return Money::FromNanos(
      DivideRoundHalfEven(monthly * interval.count(),
                          static_cast<Int128>(kSecondsPerMonth) * kBytesPerGiB * kMiBPerGiB));
}

}  // namespace costledger::model
