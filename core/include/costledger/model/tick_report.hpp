#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "costledger/model/cluster_inventory.hpp"
#include "costledger/model/cluster_snapshot.hpp"
#include "costledger/model/interval_batch.hpp"
#include "costledger/model/money.hpp"

namespace costledger::model {

/// What one tick did, for logs, metrics and tests.
struct TickReport {
  std::chrono::sys_seconds interval_start;
  bool attributed = false;
  std::size_t nodes = 0;
  std::size_t pods = 0;
  std::size_t containers = 0;
  Money cost;
  Money idle;
  std::size_t queries = 0;
  std::size_t source_errors = 0;
  std::size_t stored_batches = 0;  ///< batches drained from the spool into the database
  std::size_t spool_depth = 0;
  /// Why this interval's batch could not be written to the spool (a full disk); "" when it was.
  std::string spool_error;
  /// Intervals that neither the spool nor the database took (only with spool_error).
  std::size_t lost_batches = 0;
  bool database_available = true;
  std::chrono::milliseconds duration{0};  ///< wall time of the whole tick
  /// The interval's batch (also when it was only spooled) and every source's status, for
  /// observers such as the Prometheus exporter. Never null after Tick.
  std::shared_ptr<const IntervalBatch> batch;
  std::vector<SourceStatus> statuses;
  /// Nodes and pods of this tick's scrape with all their labels; null when the API server's
  /// lists failed (an earlier scrape stood in).
  std::shared_ptr<const ClusterInventory> inventory;
};

}  // namespace costledger::model
