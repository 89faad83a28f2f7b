#pragma once

#include <cstdint>
#include <string_view>

namespace costledger::simulator {

/// SplitMix64's finaliser: a bijection on 64-bit values with full avalanche.
constexpr std::uint64_t Mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27U)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31U);
}

/// Deterministic hash of a sequence of integers (or enums): the same on every platform and run.
/// The simulator draws every random quantity as `Hash(seed, purpose, ids...)`, so any value is
/// computed directly, without replaying a generator.
template <typename... Ints>
constexpr std::uint64_t Hash(std::uint64_t first, Ints... rest) {
  std::uint64_t h = Mix64(first);
  ((h = Mix64(h ^ static_cast<std::uint64_t>(rest))), ...);
  return h;
}

/// FNV-1a of `text`, mixed.
constexpr std::uint64_t HashText(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return Mix64(h);
}

/// Uniform in [0, 1), from the top 53 bits of `h`.
constexpr double UnitInterval(std::uint64_t h) { return static_cast<double>(h >> 11U) * 0x1.0p-53; }

/// Uniform in [lo, hi).
constexpr double Uniform(std::uint64_t h, double lo, double hi) {
  return lo + (hi - lo) * UnitInterval(h);
}

/// Uniform integer in [lo, hi] (inclusive; requires lo <= hi).
constexpr std::int64_t UniformInt(std::uint64_t h, std::int64_t lo, std::int64_t hi) {
  return lo + static_cast<std::int64_t>(h % (static_cast<std::uint64_t>(hi - lo) + 1U));
}

/// Sequential SplitMix64 generator, used only while building the static cluster spec.
/// Not thread-safe.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(Mix64(seed)) {}

  std::uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return Mix64(state_);
  }
  double Unit() { return UnitInterval(Next()); }
  double Between(double lo, double hi) { return Uniform(Next(), lo, hi); }
  std::int64_t Int(std::int64_t lo, std::int64_t hi) { return UniformInt(Next(), lo, hi); }
  int Index(std::size_t size) { return static_cast<int>(Next() % size); }
  bool Chance(double probability) { return Unit() < probability; }

 private:
  std::uint64_t state_;
};

}  // namespace costledger::simulator
