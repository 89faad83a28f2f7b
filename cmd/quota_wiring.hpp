#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "config.hpp"
#include "costledger/api/cost_metrics.hpp"
#include "costledger/common/logger.hpp"
#include "costledger/quotas/quota_board.hpp"

namespace costledger::cli {

/// The quota evaluator of serve (roles all and api) on a thread of its own: every
/// quotas.evaluate_seconds it evaluates every stored quota from PostgreSQL (incrementally),
/// publishes the snapshot to `board` (admission, checks, GET /v1/quotas/{name}/status), sets
/// the quota gauges on `metrics` (may be null) and delivers the alerts (webhooks from
/// quotas.alerts, mail through smtp.url), each exactly once across replicas through the
/// notification ledger. A failed evaluation (database down) is logged and tried again at the
/// next tick. Stops when `stop` is set; joined at destruction. Does nothing when
/// quotas.enabled is false.
class QuotaEvaluatorThread {
 public:
  QuotaEvaluatorThread(const Config& config, common::Logger& log, api::CostMetrics* metrics,
                       quotas::QuotaBoard& board, const std::atomic<bool>& stop);
  ~QuotaEvaluatorThread();
  QuotaEvaluatorThread(const QuotaEvaluatorThread&) = delete;
  QuotaEvaluatorThread& operator=(const QuotaEvaluatorThread&) = delete;
  QuotaEvaluatorThread(QuotaEvaluatorThread&&) = delete;
  QuotaEvaluatorThread& operator=(QuotaEvaluatorThread&&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace costledger::cli
