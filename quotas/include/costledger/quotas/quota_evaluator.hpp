#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "costledger/model/quota_alerts.hpp"
#include "costledger/model/quota_usage.hpp"
#include "costledger/model/zone_rules.hpp"
#include "costledger/ports/cost_reader.hpp"
#include "costledger/ports/notification_ledger.hpp"
#include "costledger/ports/quota_store.hpp"
#include "costledger/quotas/quota_board.hpp"

namespace costledger::quotas {

/// Where the evaluator reads: the stored quotas and the costs the collector stores.
struct EvaluatorPorts {
  ports::QuotaStore& quotas;
  ports::AllocationReader& allocations;
  ports::QueryReader& queries;
  ports::AssetReader& assets;
  ports::StoreHealth& health;
  /// The notification ledger's records (optional): read once, at the first evaluation, to know
  /// which alerts were sent before this process started (see SentAlerts).
  ports::NotificationLog* alert_log = nullptr;
};

struct EvaluatorSettings {
  /// The collector's interval (config interval_seconds): the newest stored interval ends this
  /// long after StoreHealth::LatestInterval.
  std::chrono::seconds interval_length{60};
  /// Queries are stored when they finish, under the time they were submitted: each evaluation
  /// reads again the queries submitted this long before what it has counted (a query is
  /// counted once per period all the same).
  std::chrono::seconds query_lookback{std::chrono::hours{6}};
};

/// What one evaluation did (for logs and tests).
struct Evaluation {
  std::shared_ptr<const QuotaSnapshot> snapshot;
  /// Alerts decided by this evaluation, in quota order; they are recorded as decided, so
  /// deliver them (QuotaAlerter) before the next evaluation decides more.
  std::vector<model::QuotaAlert> alerts;
  std::size_t seeded = 0;            ///< quotas whose period was read whole (new, changed, first)
  std::size_t allocation_reads = 0;  ///< AllocationReader::ReadAllocations(Sums) calls
  std::size_t query_reads = 0;       ///< QueryReader::ReadQueries calls
};

/// Keeps every stored quota's usage in its current period up to date from what the collector
/// stores, incrementally: a quota is read whole once (at the first evaluation, or when it is
/// created or changed), and afterwards each evaluation reads only the intervals stored since
/// the last one (up to StoreHealth::LatestInterval + interval), one read per scope grouping,
/// cut where a period ends. Periods roll when the data or the clock passes their end; alerts
/// (model::DecideAlerts) are decided for each quota after each evaluation and before a period
/// rolls. Each evaluation publishes a QuotaSnapshot to `board`.
///
/// Not thread-safe: one thread evaluates. Evaluate throws what the ports throw (Unavailable
/// when the database is down); the state stays as before the failed evaluation's reads, so
/// the next evaluation catches up.
class QuotaEvaluator {
 public:
  QuotaEvaluator(EvaluatorPorts ports, EvaluatorSettings settings,
                 std::shared_ptr<const model::ZoneRules> zone, QuotaBoard& board);

  /// One evaluation at wall-clock instant `now`.
  Evaluation Evaluate(std::chrono::sys_seconds now);

  /// End of the last interval counted; nullopt before any interval is stored.
  std::optional<std::chrono::sys_seconds> counted_through() const { return through_; }

 private:
  struct Tracked {
    model::QuotaUsage usage;
    model::QuotaAlertLedger alerts;
    bool seeded = false;
  };

  void Sync(std::chrono::sys_seconds now, Evaluation& out);
  void ReadNewIntervals(std::chrono::sys_seconds from, std::chrono::sys_seconds to,
                        Evaluation& out);
  void ReadNewQueries(std::chrono::sys_seconds from, std::chrono::sys_seconds to, Evaluation& out);
  void Seed(Tracked& t, std::chrono::sys_seconds now, Evaluation& out);
  void RollAll(std::chrono::sys_seconds at, Evaluation& out);
  void Decide(Tracked& t, std::chrono::sys_seconds at, Evaluation& out);
  model::QuotaStatus StatusOf(const Tracked& t) const;
  std::vector<model::OfferingPrice> Offerings(std::chrono::sys_seconds latest);

  EvaluatorPorts ports_;
  EvaluatorSettings settings_;
  std::shared_ptr<const model::ZoneRules> zone_;
  QuotaBoard& board_;
  std::map<std::string, Tracked> tracked_;  ///< by quota name
  std::optional<std::chrono::sys_seconds> through_;
  bool alert_log_read_ = false;
  std::vector<model::NotificationRecord> alert_records_;  ///< as they were at the start
};

}  // namespace costledger::quotas
