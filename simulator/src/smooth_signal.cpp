#include "costledger/simulator/smooth_signal.hpp"

#include <cmath>

namespace costledger::simulator {
namespace {

constexpr std::int64_t kSignalEpochMillis = 1'704'067'200'000;  // 2024-01-01T00:00:00Z

// Integral of a sin(w t + p) over [t0, t1].
double SineIntegral(double amplitude, double omega, double phase, double t0, double t1) {
  if (amplitude == 0) return 0;
  if (omega == 0) return amplitude * std::sin(phase) * (t1 - t0);
  return amplitude / omega * (std::cos(omega * t0 + phase) - std::cos(omega * t1 + phase));
}

}  // namespace

double SmoothSignal::At(double t) const {
  return base + amplitude1 * std::sin(omega1 * t + phase1) +
         amplitude2 * std::sin(omega2 * t + phase2);
}

double SmoothSignal::Integral(double t0, double t1) const {
  return base * (t1 - t0) + SineIntegral(amplitude1, omega1, phase1, t0, t1) +
         SineIntegral(amplitude2, omega2, phase2, t0, t1);
}

double SmoothSignal::Max() const { return base + std::abs(amplitude1) + std::abs(amplitude2); }

double SmoothSignal::Min() const { return base - std::abs(amplitude1) - std::abs(amplitude2); }

void SmoothSignal::Scale(double factor) {
  base *= factor;
  amplitude1 *= factor;
  amplitude2 *= factor;
}

double SignalSeconds(std::int64_t unix_millis) {
  return static_cast<double>(unix_millis - kSignalEpochMillis) / 1000.0;
}

}  // namespace costledger::simulator
