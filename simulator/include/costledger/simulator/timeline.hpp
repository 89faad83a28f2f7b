#pragma once

#include <cstdint>

namespace costledger::simulator {

/// Jittered periodic boundaries: Boundary(g) = phase + g x period + jitter(g), with jitter(g) a
/// hash of (key, g) in [0, max_jitter) and max_jitter < period, so boundaries increase strictly
/// and the generation holding any time is found in O(1). Generation g spans
/// [Boundary(g), Boundary(g + 1)). Times are Unix seconds.
class Timeline {
 public:
  Timeline() = default;
  /// `period_seconds` > 0; `max_jitter_seconds` in [0, period_seconds).
  Timeline(std::int64_t period_seconds, std::int64_t phase_seconds, std::int64_t max_jitter_seconds,
           std::uint64_t key);

  std::int64_t Boundary(std::int64_t generation) const;
  std::int64_t GenerationAt(std::int64_t unix_seconds) const;
  std::int64_t period_seconds() const { return period_; }
  std::uint64_t key() const { return key_; }

 private:
  std::int64_t period_ = 1;
  std::int64_t phase_ = 0;
  std::int64_t max_jitter_ = 0;
  std::uint64_t key_ = 0;
};

}  // namespace costledger::simulator
