#include "costledger/simulator/timeline.hpp"

#include "costledger/simulator/random.hpp"
#include "costledger/simulator/sim_time.hpp"

namespace costledger::simulator {

Timeline::Timeline(std::int64_t period_seconds, std::int64_t phase_seconds,
                   std::int64_t max_jitter_seconds, std::uint64_t key)
    : period_(period_seconds < 1 ? 1 : period_seconds),
      phase_(phase_seconds),
      max_jitter_(max_jitter_seconds < 0 ? 0 : max_jitter_seconds),
      key_(key) {
  if (max_jitter_ >= period_) max_jitter_ = period_ - 1;
}

std::int64_t Timeline::Boundary(std::int64_t generation) const {
  const std::int64_t jitter =
      max_jitter_ == 0 ? 0 : UniformInt(Hash(key_, generation), 0, max_jitter_ - 1);
  return phase_ + generation * period_ + jitter;
}

std::int64_t Timeline::GenerationAt(std::int64_t unix_seconds) const {
  const std::int64_t g = FloorDiv(unix_seconds - phase_, period_);
  return unix_seconds < Boundary(g) ? g - 1 : g;
}

}  // namespace costledger::simulator
