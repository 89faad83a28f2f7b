#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "costledger/collector/packed_pods.hpp"
#include "costledger/collector/seen_queries.hpp"
#include "costledger/collector/sent_labels.hpp"
#include "costledger/collector/spool.hpp"
#include "costledger/common/logger.hpp"
#include "costledger/model/interval_batch.hpp"
#include "costledger/model/tick_report.hpp"
#include "costledger/model/usage.hpp"
#include "costledger/ports/cluster_source.hpp"
#include "costledger/ports/interval_store.hpp"
#include "costledger/ports/price_source.hpp"

namespace costledger::collector {

struct CollectorSettings {
  model::IntervalSettings interval;  ///< cluster, team label, split weights
  std::chrono::seconds interval_length{60};
  std::chrono::seconds price_refresh{3600};
  model::Money query_price_per_tb = model::kDefaultPricePerTb;
  std::map<std::string, std::string> workgroup_teams;
  /// Nodes and pods of an earlier scrape stand in for a failed one this many intervals at most.
  int stale_snapshot_intervals = 5;
  /// How long a tick waits for a price load it started (it runs beside the scrape): a source
  /// slower than this does not hold the interval up; the interval is priced with the prices
  /// loaded before and the new ones are taken at the first tick after they arrive.
  std::chrono::milliseconds price_wait{30'000};
  /// Whether each tick carries the cluster inventory (TickReport::inventory: the exporter's
  /// kube_* metrics, for `serve --role all`). Without it the pods' and nodes' labels move into
  /// the batch (changed ones) or are let go once attributed, instead of being copied: at 150k
  /// pods the first interval holds every pod's labels once, not twice.
  bool keep_inventory = true;
};

/// The collector: every interval it scrapes all sources, turns counters into rates, attributes
/// the interval with the cost model, appends the batch to the durable spool and drains the
/// spool into PostgreSQL in order. A failing source is logged and retried next interval; a
/// failing database leaves batches in the spool until it returns.
class Collector {
 public:
  Collector(CollectorSettings settings, ports::ClusterSource& cluster, ports::PriceSource& prices,
            Spool& spool, ports::IntervalStore& store, common::Logger& log);

  /// One interval ending at `boundary` (a multiple of the interval length since the epoch):
  /// attributes [boundary - length, boundary).
  model::TickReport Tick(std::chrono::sys_seconds boundary);

  /// Writes spooled batches to the database, oldest first; stops at the first failure.
  /// Returns how many were stored.
  std::size_t Drain(bool& database_available);

  /// Runs ticks at interval boundaries until `stop` becomes true; the tick in flight finishes
  /// and the spool is drained once more before returning. `on_tick` sees every report.
  void Run(const std::atomic<bool>& stop,
           const std::function<void(const model::TickReport&)>& on_tick);

 private:
  struct AppendedBatch {
    std::uint64_t sequence = 0;
    const model::IntervalBatch* batch = nullptr;
  };
  std::size_t Drain(bool& database_available, std::optional<AppendedBatch> appended);
  void StartPriceLoadIfDue(std::chrono::sys_seconds now);
  void TakeLoadedPrices(std::chrono::steady_clock::time_point wait_until);
  void StoreUnspooled(const model::IntervalBatch& batch, model::TickReport& report);
  std::vector<model::PricedQuery> PriceNewQueries(
      const std::vector<model::AthenaQueryExecution>& executions);
  void MaintainIfDue(std::chrono::sys_seconds now);
  // The nodes' labels new or changed since sent, copied (`take`: moved out of the nodes, which
  // keep none).
  std::vector<model::NodeLabelSet> ChangedNodeLabels(std::vector<model::Node>& nodes, bool take);
  // In a pass of pod_labels_sent_: adds the pod's labels to `changed` when new or changed since
  // sent, copied (`take`: moved, the pod left only KeptLabels).
  void CollectChangedLabels(model::Pod& pod, bool take, std::vector<model::PodLabelSet>& changed);
  model::Labels KeptLabels(const model::Labels& labels) const;
  std::shared_ptr<const model::ClusterInventory> KeepOnlyWhatLaterIntervalsNeed();

  CollectorSettings settings_;
  ports::ClusterSource& cluster_;
  ports::PriceSource& price_source_;
  Spool& spool_;
  ports::IntervalStore& store_;
  common::Logger& log_;
  model::PriceBook prices_;
  std::chrono::sys_seconds prices_loaded_at_{};
  bool prices_loaded_ = false;
  // A price load in flight on its own thread, the tick that started it and when.
  std::future<ports::LoadedPrices> price_load_;
  std::chrono::sys_seconds price_load_for_{};
  std::chrono::steady_clock::time_point price_load_started_{};
  std::chrono::sys_seconds maintained_at_{};
  // CPU counters of the previous kubelet scrape per node and when it was taken: counters
  // become rates against them.
  std::map<std::string, std::pair<std::chrono::sys_seconds, model::CpuCounters>> previous_kubelet_;
  // The latest nodes and pods, with only the labels later intervals read (node labels none,
  // pod labels the team and those the workload is named by): the rest is read when parsed or
  // sent to the store at once. The pods are records only within a tick; between ticks they
  // wait packed.
  std::optional<std::vector<model::Node>> last_nodes_;
  std::optional<std::vector<model::Pod>> last_pods_;
  std::optional<PackedPods> packed_pods_;
  std::chrono::sys_seconds last_state_at_{};
  // The latest persistent volumes, claims and storage classes, and when they were listed: they
  // stand in for a failed list like nodes and pods do.
  std::optional<std::vector<model::PersistentVolume>> last_volumes_;
  std::optional<std::vector<model::PersistentVolumeClaim>> last_claims_;
  std::vector<model::StorageClass> last_classes_;
  std::chrono::sys_seconds last_volumes_at_{};
  SeenQueries queries_seen_;
  // Labels go to the store when they change: per "namespace/pod" and per node.
  SentLabels pod_labels_sent_;
  SentLabels node_labels_sent_;
  std::string label_key_;  // scratch: "namespace/pod"
};

}  // namespace costledger::collector
