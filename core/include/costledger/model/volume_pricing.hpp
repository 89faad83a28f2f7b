#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "costledger/model/money.hpp"
#include "costledger/model/volume_records.hpp"

namespace costledger::model {

/// OpenCost's month: 730 hours. Storage prices per month become per-interval costs with it.
inline constexpr std::int64_t kHoursPerMonth = 730;

/// The prices of one volume type per month, as the EC2 offer file lists them: per GiB of size
/// ("GB-Mo"; AWS's GB is 2^30 bytes), per provisioned IOPS ("IOPS-Mo") and per GiB/s of
/// provisioned throughput ("GiBps-mo"). Zero where the type has no such charge.
struct VolumePrice {
  Money per_gib_month;
  Money per_iops_month;
  Money per_gibps_month;
  friend bool operator==(const VolumePrice&, const VolumePrice&) = default;
};

/// What a volume is billed for: its type (EBS volumeApiName, e.g. "gp3", or for volumes that
/// are not EBS, their storage class name), size and the IOPS and throughput provisioned beyond
/// what the type includes (gp3: 3000 IOPS and 125 MiB/s free; io1/io2: every IOPS billed).
struct VolumeSpec {
  std::string price_key;
  bool ebs = false;
  std::int64_t size_bytes = 0;
  std::int64_t billed_iops = 0;
  std::int64_t billed_throughput_mibps = 0;
};

/// The billing view of `pv`, given its storage class (nullptr when unknown). EBS volumes are
/// those of the CSI driver (`ebs.csi.aws.com`, type from the class parameter `type`, default
/// gp3) or the in-tree provisioner (`kubernetes.io/aws-ebs` or spec.awsElasticBlockStore, type
/// default gp2); IOPS from the class parameters `iops` or `iopsPerGB` x GiB, throughput from
/// `throughput` (MiB/s). Pure.
VolumeSpec VolumeSpecOf(const PersistentVolume& pv, const StorageClass* storage_class);

/// Cost of `spec` for `interval`: (GiB x per_gib_month + billed IOPS x per_iops_month + billed
/// GiB/s x per_gibps_month) x interval / 730 h, computed exactly and rounded half-even once.
/// Throws InvalidInput on negative sizes, prices or interval.
Money VolumeIntervalCost(const VolumeSpec& spec, const VolumePrice& price,
                         std::chrono::seconds interval);

}  // namespace costledger::model
