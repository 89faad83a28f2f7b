#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/interval_attribution.hpp"
#include "costledger/model/volume_records.hpp"

namespace costledger::model {

/// Rule 9 for one interval [start, start + length): every PV with a size is priced
/// (VolumeSpecOf, PriceBook::VolumePriceOf, VolumeIntervalCost); its cost goes evenly to the
/// pods charged in the interval (bound to a node, running or not finished before `start`) that
/// mount its bound claim, and within a pod evenly to its app containers; when none mounts it,
/// the whole cost is one unmounted share. Splits are exact (DistributeExactly: remainders to
/// the smallest keys), so per volume the shares sum to its cost to the nano-dollar, whatever
/// the order of the inputs. A claim counts as bound to a PV when the PV's claimRef names it
/// and, when `claims` are known, the claim's volumeName names the PV.
/// Appends to out.volumes and out.volume_shares; warnings for unpriced volumes. Pure.
void AttributeVolumes(std::chrono::sys_seconds start, std::chrono::seconds length,
                      std::span<const Node> nodes, std::span<const Pod> pods,
                      std::span<const PersistentVolume> volumes,
                      const std::vector<PersistentVolumeClaim>* claims,
                      std::span<const StorageClass> classes, const PriceBook& prices,
                      const IntervalSettings& settings, IntervalCosts& out);

}  // namespace costledger::model
