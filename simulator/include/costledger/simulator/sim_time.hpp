#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace costledger::simulator {

/// Floor division (rounds towards negative infinity); `divisor` > 0.
constexpr std::int64_t FloorDiv(std::int64_t value, std::int64_t divisor) {
  const std::int64_t q = value / divisor;
  return (value % divisor != 0 && value < 0) ? q - 1 : q;
}

/// Appends "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339, UTC), as the Kubernetes API writes times.
void AppendRfc3339(std::string& out, std::int64_t unix_seconds);

/// Appends "YYYY-MM-DDTHH:MM:SS+00:00", as the AWS CLI prints whole-second datetimes.
void AppendAwsDateTime(std::string& out, std::int64_t unix_seconds);

/// Appends "YYYY-MM-DDTHH:MM:SS.mmm000+00:00", as the AWS CLI prints Athena datetimes.
void AppendAwsDateTimeMillis(std::string& out, std::int64_t unix_millis);

/// Maps wall-clock time to simulated time: sim = sim_start + (wall - wall_start) x scale.
/// With scale 1 and sim_start = wall_start, simulated time is wall-clock time. Thread-safe
/// (immutable).
class SimClock {
 public:
  using Millis = std::chrono::sys_time<std::chrono::milliseconds>;

  /// `scale` > 0: simulated seconds per wall-clock second.
  SimClock(std::chrono::system_clock::time_point wall_start, Millis sim_start, double scale);

  /// Simulated time at wall-clock time `wall`.
  Millis SimAt(std::chrono::system_clock::time_point wall) const;

  /// Simulated time now.
  Millis Now() const { return SimAt(std::chrono::system_clock::now()); }

  double scale() const { return scale_; }

 private:
  std::chrono::system_clock::time_point wall_start_;
  Millis sim_start_;
  double scale_;
};

}  // namespace costledger::simulator
