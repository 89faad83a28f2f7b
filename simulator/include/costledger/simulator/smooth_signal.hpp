#pragma once

#include <cstdint>

namespace costledger::simulator {

/// v(t) = base + a1 sin(w1 t + p1) + a2 sin(w2 t + p2), t in seconds since the signal epoch
/// (see SignalSeconds). Non-negative when base >= |a1| + |a2|. Its integral is closed-form, so
/// a cumulative counter (CPU core-seconds, energy) at any time costs O(1), and it is strictly
/// increasing when base > |a1| + |a2|.
struct SmoothSignal {
  double base = 0;
  double amplitude1 = 0;
  double omega1 = 0;  ///< radians per second
  double phase1 = 0;
  double amplitude2 = 0;
  double omega2 = 0;
  double phase2 = 0;

  double At(double t) const;
  /// Integral of v over [t0, t1].
  double Integral(double t0, double t1) const;
  double Max() const;
  double Min() const;
  /// Multiplies every term by `factor` (>= 0).
  void Scale(double factor);
};

/// Seconds since 2024-01-01T00:00:00Z of a Unix time in milliseconds; keeps the phase
/// arguments small so that counters keep their precision.
double SignalSeconds(std::int64_t unix_millis);

}  // namespace costledger::simulator
