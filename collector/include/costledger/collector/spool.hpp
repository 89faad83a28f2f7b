#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "costledger/model/interval_batch.hpp"

namespace costledger::collector {

/// A durable FIFO of batches on local disk, for when the database is unreachable and so that a
/// batch survives `kill -9` between being computed and being stored. Each batch is one file,
/// written to a temporary name, fsync'd, renamed and the directory fsync'd, so a crash leaves
/// either the whole batch or nothing. Single process; not thread-safe.
class Spool {
 public:
  /// Creates the directory if needed; removes leftover temporary files of a crashed writer.
  explicit Spool(std::filesystem::path dir);

  /// Appends durably; returns the batch's sequence number (increasing).
  std::uint64_t Append(const model::IntervalBatch& batch);

  struct Entry {
    std::uint64_t sequence = 0;
    model::IntervalBatch batch;
  };
  /// The oldest batch, or nothing when empty. A corrupt file is moved aside to
  /// `<dir>/corrupt/` with an error logged by the caller (reported via `last_error()`), never
  /// silently dropped.
  std::optional<Entry> Oldest();

  /// The sequence of the oldest batch, without reading it; nothing when empty.
  std::optional<std::uint64_t> OldestSequence() const;

  /// Moves a batch the database refuses (not a transient failure) to `<dir>/<folder>/` and
  /// records why in last_error(), so one bad batch never blocks those behind it.
  void MoveAside(std::uint64_t sequence, const std::string& folder, const std::string& reason);

  /// Removes a batch once it is stored.
  void Remove(std::uint64_t sequence);

  /// Batches waiting in the spool.
  std::size_t depth() const;
  /// What went wrong with the spool's files (corrupt files moved aside) since the last Append,
  /// for the caller to log; empty when nothing did.
  const std::string& last_error() const { return last_error_; }

 private:
  std::filesystem::path dir_;
  std::uint64_t next_sequence_ = 1;
  std::string last_error_;
  std::set<std::uint64_t> sequences_;  // files present, oldest first (read once at start)
};

}  // namespace costledger::collector
