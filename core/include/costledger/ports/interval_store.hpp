#pragma once

#include <chrono>
#include <cstdint>

#include "costledger/model/interval_batch.hpp"

namespace costledger::ports {

/// Where the collector writes intervals. Throws Unavailable when the store cannot be reached
/// (the collector keeps the batch in its spool and retries); anything else means the batch is
/// refused for good.
class IntervalStore {
 public:
  IntervalStore() = default;
  virtual ~IntervalStore() = default;
  // An interface: implementations are used through references, never copied or moved.
  IntervalStore(const IntervalStore&) = delete;
  IntervalStore& operator=(const IntervalStore&) = delete;
  IntervalStore(IntervalStore&&) = delete;
  IntervalStore& operator=(IntervalStore&&) = delete;
  /// Stores one batch, idempotently: a batch written twice counts once.
  virtual void Write(const model::IntervalBatch& batch) = 0;
  /// Brings every complete hour before `complete_before` into the rollups; returns the hours.
  virtual std::int64_t RollUp(std::chrono::sys_seconds complete_before) = 0;
  /// Hourly housekeeping (room for the coming days, retention); returns what it removed.
  virtual std::int64_t Maintain(std::chrono::sys_seconds now) = 0;
};

}  // namespace costledger::ports
