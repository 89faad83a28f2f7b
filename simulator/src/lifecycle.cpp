#include "costledger/simulator/lifecycle.hpp"

#include "costledger/simulator/random.hpp"
#include "salts.hpp"

namespace costledger::simulator {

NodeLife LifeOf(const NodeSlot& slot, std::int64_t generation) {
  const std::uint64_t key = slot.timeline.key();
  NodeLife life;
  life.generation = generation;
  life.start = slot.timeline.Boundary(generation);
  life.end = slot.timeline.Boundary(generation + 1);
  // Karpenter launches the replacement within a couple of minutes; it registers and turns
  // Ready about half a minute later.
  const std::uint64_t h = Hash(key, kSaltNodeGap, generation);
  life.birth = life.start + (slot.spot ? UniformInt(h, 40, 150) : UniformInt(h, 30, 90));
  life.ready = life.birth + UniformInt(Hash(key, kSaltNodeReady, generation), 25, 50);
  return life;
}

}  // namespace costledger::simulator
