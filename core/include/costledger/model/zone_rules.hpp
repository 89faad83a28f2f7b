#pragma once

#include <chrono>
#include <string>

namespace costledger::model {

/// The offset from UTC in effect at one instant, and its abbreviation.
struct ZoneOffset {
  std::chrono::seconds utc_offset{0};  ///< local time = UTC + utc_offset
  std::string abbreviation;            ///< "CET", "CEST", "UTC", ...; may be empty
};

/// The rules of a time zone, as the core needs them: which offset is in effect at a UTC instant.
/// The core never reads the tz database (that is file I/O); an edge adapter implements this over
/// `date::time_zone::get_info(sys_seconds)` (its `offset` and `abbrev`), tests use fixed offsets
/// or hand-written rules. Implementations must be pure (same answer for the same instant) and
/// safe to call from several threads at once.
class ZoneRules {
 public:
  virtual ~ZoneRules() = default;
  virtual ZoneOffset OffsetAt(std::chrono::sys_seconds utc) const = 0;
};

/// A zone whose offset never changes: UTC, or "UTC+05:30"-style zones. Thread-safe.
class FixedOffsetZone final : public ZoneRules {
 public:
  /// An empty abbreviation becomes "UTC" for offset 0 and "UTC+hh:mm" / "UTC-hh:mm" otherwise.
  explicit FixedOffsetZone(std::chrono::seconds utc_offset, std::string abbreviation = {});
  static FixedOffsetZone Utc() { return FixedOffsetZone(std::chrono::seconds{0}); }
  ZoneOffset OffsetAt(std::chrono::sys_seconds utc) const override;

 private:
  std::chrono::seconds utc_offset_;
  std::string abbreviation_;
};

/// "UTC" for 0, else "UTC+05:30" / "UTC-03:00" (seconds too when the offset has them).
std::string UtcOffsetName(std::chrono::seconds utc_offset);

/// The local wall-clock time of instant `utc` in `zone`.
std::chrono::local_seconds ToLocal(std::chrono::sys_seconds utc, const ZoneRules& zone);

/// The first UTC instant whose local time in `zone` is at or after `local`:
/// - `local` itself when it occurs once;
/// - its first occurrence when the clocks go back over it (the earlier offset);
/// - the instant of the transition when the clocks jump forward over it (it never occurs).
/// So the local day D starts at FirstInstantAtOrAfter(D 00:00) even where midnight is skipped.
/// Assumes at most one offset change within a day either side of `local`, as in real zones.
std::chrono::sys_seconds FirstInstantAtOrAfter(std::chrono::local_seconds local,
                                               const ZoneRules& zone);

}  // namespace costledger::model
