#pragma once

#include <chrono>
#include <set>
#include <vector>

namespace costledger::postgres {

/// Where a part of a window is read from: daily or hourly rollups, or raw intervals; or, for
/// container costs, the rollups by local day of the store's zone (migration 0018).
enum class ReadTier { kDaily, kHourly, kRaw, kLocalDaily };

struct ReadSegment {
  ReadTier tier = ReadTier::kRaw;
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
  /// Read only to be taken away again: hours of a day read whole that the window does not cover
  /// (see PlanReads' `complements`); always of the hourly tier.
  bool subtract = false;
  friend bool operator==(const ReadSegment&, const ReadSegment&) = default;
};

/// Cuts [start, end) into segments, each read from the coarsest tier that is exact for it
/// (pure): a whole UTC day whose daily rollup is current (not in `pending_days`, none of its
/// hours in `pending_hours`) from the daily tier, a whole hour whose rollup is current from
/// the hourly tier, and everything else from raw intervals. A rollup row can only be used when
/// it falls inside one step: with several steps, days need start and step to be whole days,
/// hours whole hours. Adjacent segments of one tier are merged.
///
/// With `complements` and a single step, a UTC day of which the window covers more than half,
/// from a whole hour to a whole hour, is read as the day's daily rollup less the hourly rollups
/// of the hours it does not cover (`subtract` segments), when all of those are current: a local
/// day of a report (e.g. 22:00 to 22:00 UTC) reads a day and 4 hours instead of 24 hours. Sums
/// stay exact; only the earliest start and latest end of a group become the day's.
std::vector<ReadSegment> PlanReads(std::chrono::sys_seconds start, std::chrono::sys_seconds end,
                                   std::chrono::seconds step,
                                   const std::set<std::chrono::sys_seconds>& pending_hours,
                                   const std::set<std::chrono::sys_seconds>& pending_days,
                                   bool complements = false);

/// A local day of the store's zone with container rollups: [start, end) and whether it waits
/// for its rollup.
struct LocalDay {
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
  bool pending = false;
};

/// PlanReads of one step with complements, but each local day of `local_days` that the window
/// covers whole and whose rollup is current (not pending, none of its hours in
/// `pending_hours`) is one kLocalDaily segment; the parts between them are planned by
/// PlanReads. `local_days` is ordered by start and its days do not overlap (one zone).
std::vector<ReadSegment> PlanReadsWithLocalDays(
    std::chrono::sys_seconds start, std::chrono::sys_seconds end,
    const std::set<std::chrono::sys_seconds>& pending_hours,
    const std::set<std::chrono::sys_seconds>& pending_days,
    const std::vector<LocalDay>& local_days);

}  // namespace costledger::postgres
