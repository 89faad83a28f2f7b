#include "costledger/model/zone_rules.hpp"

#include <fmt/core.h>

#include <cstdlib>
#include <optional>
#include <utility>

namespace costledger::model {
using std::chrono::seconds;
using std::chrono::sys_seconds;

std::string UtcOffsetName(seconds offset) {
  if (offset == seconds{0}) return "UTC";
  const long long total = std::llabs(offset.count());
  const long long hours = total / 3600;
  const long long minutes = total % 3600 / 60;
  const long long rest = total % 60;
  const char sign = offset < seconds{0} ? '-' : '+';
  if (rest != 0) return fmt::format("UTC{}{:02}:{:02}:{:02}", sign, hours, minutes, rest);
  return fmt::format("UTC{}{:02}:{:02}", sign, hours, minutes);
}

FixedOffsetZone::FixedOffsetZone(seconds utc_offset, std::string abbreviation)
    : utc_offset_(utc_offset),
      abbreviation_(abbreviation.empty() ? UtcOffsetName(utc_offset) : std::move(abbreviation)) {}

ZoneOffset FixedOffsetZone::OffsetAt(sys_seconds /*utc*/) const {
  return {utc_offset_, abbreviation_};
}

std::chrono::local_seconds ToLocal(sys_seconds utc, const ZoneRules& zone) {
  return std::chrono::local_seconds{(utc + zone.OffsetAt(utc).utc_offset).time_since_epoch()};
}

sys_seconds FirstInstantAtOrAfter(std::chrono::local_seconds local, const ZoneRules& zone) {
  const sys_seconds naive{local.time_since_epoch()};
  // The instant of `local` lies within a day of `naive` for every real offset (|offset| < 24 h),
  // so the offsets a day either side are the ones that can apply.
  const seconds before = zone.OffsetAt(naive - std::chrono::days{1}).utc_offset;
  const seconds after = zone.OffsetAt(naive + std::chrono::days{1}).utc_offset;
  std::optional<sys_seconds> first;
  for (const seconds offset : {before, after}) {
    const sys_seconds candidate = naive - offset;
    if (zone.OffsetAt(candidate).utc_offset == offset && (!first || candidate < *first)) {
      first = candidate;
    }
  }
  if (first) return *first;
  // `local` falls in a gap: the transition lies in (naive - after, naive - before]; find the
  // first instant there whose offset is no longer `before`.
  sys_seconds low = naive - after;    // still `before`
  sys_seconds high = naive - before;  // already changed
  while (high - low > seconds{1}) {
    const sys_seconds middle = low + (high - low) / 2;
    if (zone.OffsetAt(middle).utc_offset == before) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return high;
}

}  // namespace costledger::model
