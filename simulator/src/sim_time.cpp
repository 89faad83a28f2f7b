#include "costledger/simulator/sim_time.hpp"

#include <array>
#include <cmath>

namespace costledger::simulator {
namespace {

struct CivilTime {
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
};

// Howard Hinnant's civil_from_days.
CivilTime ToCivil(std::int64_t unix_seconds) {
  const std::int64_t days = FloorDiv(unix_seconds, 86'400);
  const auto second_of_day = static_cast<unsigned>(unix_seconds - days * 86'400);
  const std::int64_t z = days + 719'468;
  const std::int64_t era = FloorDiv(z, 146'097);
  const auto doe = static_cast<unsigned>(z - era * 146'097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  CivilTime c;
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<std::int64_t>(yoe) + era * 400 + (c.month <= 2 ? 1 : 0);
  c.hour = second_of_day / 3600;
  c.minute = second_of_day / 60 % 60;
  c.second = second_of_day % 60;
  return c;
}

void AppendDigits(std::string& out, std::uint64_t value, int width) {
  std::array<char, 20> buffer{};
  for (int i = width - 1; i >= 0; --i) {
    buffer[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buffer.data(), static_cast<std::size_t>(width));
}

void AppendCivil(std::string& out, std::int64_t unix_seconds) {
  const CivilTime c = ToCivil(unix_seconds);
  AppendDigits(out, static_cast<std::uint64_t>(c.year), 4);
  out.push_back('-');
  AppendDigits(out, c.month, 2);
  out.push_back('-');
  AppendDigits(out, c.day, 2);
  out.push_back('T');
  AppendDigits(out, c.hour, 2);
  out.push_back(':');
  AppendDigits(out, c.minute, 2);
  out.push_back(':');
  AppendDigits(out, c.second, 2);
}

}  // namespace

void AppendRfc3339(std::string& out, std::int64_t unix_seconds) {
  AppendCivil(out, unix_seconds);
  out.push_back('Z');
}

void AppendAwsDateTime(std::string& out, std::int64_t unix_seconds) {
  AppendCivil(out, unix_seconds);
  out.append("+00:00");
}

void AppendAwsDateTimeMillis(std::string& out, std::int64_t unix_millis) {
  const std::int64_t seconds = FloorDiv(unix_millis, 1000);
  AppendCivil(out, seconds);
  out.push_back('.');
  AppendDigits(out, static_cast<std::uint64_t>(unix_millis - seconds * 1000), 3);
  out.append("000+00:00");
}

SimClock::SimClock(std::chrono::system_clock::time_point wall_start, Millis sim_start, double scale)
    : wall_start_(wall_start), sim_start_(sim_start), scale_(scale) {}

SimClock::Millis SimClock::SimAt(std::chrono::system_clock::time_point wall) const {
  const std::chrono::duration<double, std::milli> elapsed = wall - wall_start_;
  const auto sim_elapsed = static_cast<std::int64_t>(std::floor(elapsed.count() * scale_));
  return sim_start_ + std::chrono::milliseconds(sim_elapsed);
}

}  // namespace costledger::simulator
