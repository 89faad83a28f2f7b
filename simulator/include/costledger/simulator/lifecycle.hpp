#pragma once

#include <cstdint>

#include "costledger/simulator/cluster_spec.hpp"

namespace costledger::simulator {

/// The life of one node generation of a slot, in Unix seconds: the previous node goes away at
/// `start` (its pods with it), the replacement is created at `birth` (a minute or two later),
/// becomes Ready at `ready`, and goes away at `end` (the next generation's start).
struct NodeLife {
  std::int64_t generation = 0;
  std::int64_t start = 0;
  std::int64_t birth = 0;
  std::int64_t ready = 0;
  std::int64_t end = 0;
};

/// Generation `generation` of `slot`.
NodeLife LifeOf(const NodeSlot& slot, std::int64_t generation);

}  // namespace costledger::simulator
