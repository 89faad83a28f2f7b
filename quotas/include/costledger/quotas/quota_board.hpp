#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "costledger/model/admission_decision.hpp"
#include "costledger/model/offering_price.hpp"
#include "costledger/model/quota.hpp"
#include "costledger/model/quota_status.hpp"

namespace costledger::quotas {

/// What the quota evaluator knew at one evaluation; immutable once published, so readers (the
/// admission webhook, POST /v1/quotas/check, /metrics) use it without locks or database reads.
struct QuotaSnapshot {
  std::vector<model::Quota> quotas;          ///< every stored quota, by name
  std::vector<model::QuotaStatus> statuses;  ///< statuses[i] is quotas[i]'s at `evaluated_at`
  std::chrono::sys_seconds evaluated_at{};   ///< when this evaluation ran (wall clock)
  /// End of the last collector interval counted; nullopt when none is stored yet. Admission
  /// compares it with the clock to decide whether this state is stale.
  std::optional<std::chrono::sys_seconds> counted_through;
  std::vector<model::OfferingPrice> offerings;  ///< nodes running at `counted_through`, by price

  /// quotas[i] with statuses[i], pointing into this snapshot (keep the snapshot alive).
  std::vector<model::QuotaWithStatus> WithStatus() const;
};

/// The latest snapshot, published by the evaluator and read by any thread.
/// Thread-safe: Publish and Current may be called concurrently.
class QuotaBoard {
 public:
  void Publish(std::shared_ptr<const QuotaSnapshot> snapshot);
  /// Null until the first evaluation has been published.
  std::shared_ptr<const QuotaSnapshot> Current() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const QuotaSnapshot> current_;
};

}  // namespace costledger::quotas
