#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "container_columns.hpp"
#include "costledger/model/interval_batch.hpp"

namespace costledger::postgres {

/// The hourly container rollup of the batches one writer stored whole, folded in memory as
/// they are written (each column as kContainerColumns folds it in SQL), so that a complete
/// hour is written by one COPY of its containers instead of re-aggregating ~10^6 raw rows
/// (which cost more than the raw COPYs themselves). Only usable when the writer saw every
/// interval stored in the hour, unchanged: `Take` is given what the database holds and
/// answers nothing otherwise (the caller then aggregates in SQL). Pure (no I/O); not
/// thread-safe.
class HourRollup {
 public:
  /// Adds a batch whose rows were all stored, each under its cluster (`batch.cluster` for
  /// rows without one). The batch's interval must be whole within its hour.
  void Add(const model::IntervalBatch& batch);

  /// Makes the hours `batch` was (or was being) added to unusable, for a batch added before
  /// it was known to be stored whole when it was not (or when Add failed part way): their
  /// rollup then comes from SQL. Should even that fail (no memory), forgets every hour.
  void Discard(const model::IntervalBatch& batch) noexcept;

  /// The container rows of `cluster`'s `hour` when the intervals added for it are exactly
  /// `stored` (epoch seconds of every interval stored for it, none amended by another writer),
  /// no sum overflowed and nothing was discarded, in the order of their key (bytewise);
  /// forgets the hour either way.
  std::optional<std::vector<HourlyContainerRow>> Take(const std::string& cluster,
                                                      std::chrono::sys_seconds hour,
                                                      const std::set<std::int64_t>& stored);

  /// Forgets hours before `hour` (rolled up elsewhere, or never to be complete here).
  void ForgetBefore(std::chrono::sys_seconds hour);

  std::size_t hours() const { return hours_.size(); }

 private:
  // A container's hour as kept until Take: keyed by its key labels joined with NULs (which no
  // label holds), its other labels joined the same way. Two strings instead of a
  // HourlyContainerRow's twelve: at 150k containers, the rollup is ~45 % smaller.
  struct PackedRow {
    std::string labels;  // the Rollup::kLabel columns' labels, in column order
    RollupValues values = InitialRollupValues();
  };
  using Entry = std::pair<const std::string, PackedRow>;
  struct Hour {
    std::set<std::int64_t> intervals;
    std::unordered_map<std::string, PackedRow> rows;
    // The row of each position of the batch last added (nullptr: another hour's), by which
    // Add finds most rows of the next batch without a lookup. Rows never move in `rows`.
    std::vector<Entry*> row_at;
    bool unusable = false;  // a sum overflowed, or a batch was discarded
  };
  Hour& HourOf(const std::string& cluster, std::chrono::sys_seconds hour);

  std::map<std::pair<std::string, std::chrono::sys_seconds>, Hour> hours_;
  std::size_t expected_rows_ = 0;
};

}  // namespace costledger::postgres
