#pragma once

#include <cstdint>

namespace costledger::simulator {

// Purposes mixed into Hash() so that independent quantities use independent draws.
enum : std::uint64_t {
  kSaltNodeGap = 0x6e6f6465,
  kSaltNodeReady,
  kSaltNodeName,
  kSaltInstance,
  kSaltCreate,
  kSaltSchedule,
  kSaltDuration,
  kSaltFail,
  kSaltPodName,
  kSaltPodUid,
  kSaltPodIp,
  kSaltContainerId,
  kSaltSampleOffset,
  kSaltGpu,
  kSaltNode,
};

}  // namespace costledger::simulator
