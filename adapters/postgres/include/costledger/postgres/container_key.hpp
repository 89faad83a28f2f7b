#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "costledger/model/interval_attribution.hpp"

namespace costledger::postgres {

/// A stable 64-bit key for a container within one interval of one cluster: FNV-1a of
/// "namespace/pod/container" (the same on every build and machine), as a signed bigint.
std::int64_t ContainerKey(std::string_view namespace_name, std::string_view pod,
                          std::string_view container);

/// Keys for every row of one batch, unique within it. Should two containers hash alike, the
/// one whose name sorts later is re-keyed with a salt, deterministically, so the same batch
/// always gets the same keys (replays and a second collector collide with themselves only).
std::vector<std::int64_t> ContainerKeys(std::span<const model::ContainerCostRow> rows);

}  // namespace costledger::postgres
