#include "costledger/collector/collector.hpp"

#include <fmt/core.h>

#include <future>
#include <map>
#include <thread>

#include "costledger/model/errors.hpp"
#include "costledger/model/query_cost.hpp"
#include "costledger/model/volume_attribution.hpp"
#include "costledger/model/workload_naming.hpp"

namespace costledger::collector {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

std::int64_t Ms(std::chrono::milliseconds d) { return d.count(); }

// How long CPU counters of a node that is no longer scraped are kept as its rate baseline.
constexpr std::chrono::hours kKubeletBaselineLifetime{1};
// How long a stored query execution is remembered (by its submission time): longer than any
// source lists executions (the simulator an hour, an Athena export typically a day).
constexpr std::chrono::hours kQueryMemory{48};

}  // namespace

Collector::Collector(CollectorSettings settings, ports::ClusterSource& cluster,
                     ports::PriceSource& prices, Spool& spool, ports::IntervalStore& store,
                     common::Logger& log)
    : settings_(std::move(settings)),
      cluster_(cluster),
      price_source_(prices),
      spool_(spool),
      store_(store),
      log_(log) {}

void Collector::StartPriceLoadIfDue(sys_seconds now) {
  if (price_load_.valid()) return;  // the last load is still under way
  if (prices_loaded_ && now - prices_loaded_at_ < settings_.price_refresh) return;
  ports::PriceSource& source = price_source_;
  try {
    price_load_ = std::async(std::launch::async, [&source] { return source.Load(); });
  } catch (const std::system_error&) {  // no thread to be had: load on this one
    price_load_ = std::async(std::launch::deferred, [&source] { return source.Load(); });
  }
  price_load_for_ = now;
  price_load_started_ = std::chrono::steady_clock::now();
}

void Collector::TakeLoadedPrices(std::chrono::steady_clock::time_point wait_until) {
  if (!price_load_.valid()) return;
  const auto loading = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - price_load_started_);
  if (price_load_.wait_until(wait_until) == std::future_status::timeout) {
    log_.Warn(prices_loaded_ ? "prices still loading; this interval is priced with the prices "
                               "loaded before"
                             : "prices still loading; nodes of this interval are unpriced",
              {{"sources", price_source_.Describe()},
               {"loading_ms", Ms(loading)},
               {"price_wait_ms", Ms(settings_.price_wait)}});
    return;
  }
  ports::LoadedPrices loaded;
  try {
    loaded = price_load_.get();
  } catch (const std::exception& e) {  // the port reports failures in `errors`; be safe
    loaded.errors.emplace_back(e.what());
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - price_load_started_);
  for (const std::string& e : loaded.errors) log_.Error("price source failed", {{"error", e}});
  // Keep the previous book when a refresh loaded nothing at all.
  if (loaded.on_demand_types > 0 || loaded.spot_entries > 0 || !prices_loaded_) {
    prices_ = std::move(loaded.book);
  }
  prices_loaded_ = true;
  prices_loaded_at_ = price_load_for_;
  log_.Info("prices loaded",
            {{"on_demand_types", static_cast<std::int64_t>(loaded.on_demand_types)},
             {"spot_entries", static_cast<std::int64_t>(loaded.spot_entries)},
             {"volume_types", static_cast<std::int64_t>(loaded.volume_types)},
             {"duration_ms", Ms(took)}});
}

std::vector<model::PricedQuery> Collector::PriceNewQueries(
    const std::vector<model::AthenaQueryExecution>& executions) {
  std::vector<model::PricedQuery> out;
  for (const model::AthenaQueryExecution& e : executions) {
    if (!model::IsFinal(e.state) || queries_seen_.Contains(e.query_execution_id)) continue;
    model::PricedQuery q;
    q.execution = e;
    if (const auto it = settings_.workgroup_teams.find(e.work_group);
        it != settings_.workgroup_teams.end()) {
      q.team = it->second;
    }
    q.cost =
        model::QueryCost(e.state, e.IsDdl(), e.data_scanned_bytes, settings_.query_price_per_tb);
    out.push_back(std::move(q));
  }
  return out;
}

std::size_t Collector::Drain(bool& database_available) {
  return Drain(database_available, std::nullopt);
}

std::size_t Collector::Drain(bool& database_available, std::optional<AppendedBatch> appended) {
  std::size_t stored = 0;
  database_available = true;
  while (true) {
    // The batch this tick appended is written from memory when its turn comes: reading it back
    // would decode the same batch (the codec is lossless) at a cost growing with the cluster.
    std::optional<Spool::Entry> read;
    std::uint64_t sequence = 0;
    const model::IntervalBatch* batch = nullptr;
    if (appended && spool_.OldestSequence() == appended->sequence) {
      sequence = appended->sequence;
      batch = appended->batch;
    } else {
      read = spool_.Oldest();
      if (!read) break;
      sequence = read->sequence;
      batch = &read->batch;
    }
    try {
      store_.Write(*batch);
    } catch (const Unavailable& e) {
      database_available = false;
      log_.Warn("database unavailable; batches stay in the spool",
                {{"error", e.what()}, {"spool_depth", static_cast<std::int64_t>(spool_.depth())}});
      break;
    } catch (const std::exception& e) {
      // Refused for good (not a connection problem): keep it for inspection, go on.
      spool_.MoveAside(sequence, "rejected", e.what());
      continue;
    }
    for (const model::PricedQuery& q : batch->queries) {
      queries_seen_.Add(q.execution.query_execution_id, q.execution.submitted);
    }
    spool_.Remove(sequence);
    ++stored;
  }
  if (!spool_.last_error().empty()) {
    log_.Error("spool", {{"error", spool_.last_error()}});
  }
  return stored;
}

void Collector::StoreUnspooled(const model::IntervalBatch& batch, model::TickReport& report) {
  // Only after the spool drained whole, so that batches still reach the store in order.
  std::string error = "the database is unavailable and older batches wait in the spool";
  if (report.database_available && spool_.depth() == 0) {
    try {
      store_.Write(batch);
      for (const model::PricedQuery& q : batch.queries) {
        queries_seen_.Add(q.execution.query_execution_id, q.execution.submitted);
      }
      ++report.stored_batches;
      return;
    } catch (const Unavailable& e) {
      report.database_available = false;
      error = e.what();
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  ++report.lost_batches;
  log_.Error(
      "interval lost: the spool cannot hold it and the database did not take it",
      {{"interval_start", static_cast<std::int64_t>(batch.costs.start.time_since_epoch().count())},
       {"spool_error", report.spool_error},
       {"error", error}});
}

void Collector::MaintainIfDue(sys_seconds now) {
  if (now - maintained_at_ < std::chrono::hours(1)) return;
  queries_seen_.ForgetSubmittedBefore(now - kQueryMemory);
  try {
    const std::int64_t removed = store_.Maintain(now);
    maintained_at_ = now;
    if (removed > 0) log_.Info("retention applied", {{"removed", removed}});
  } catch (const Unavailable&) {
    // Retried at the next tick.
  }
}

void Collector::CollectChangedLabels(model::Pod& pod, bool take,
                                     std::vector<model::PodLabelSet>& changed) {
  label_key_.assign(pod.namespace_name).append("/").append(pod.name);
  const bool send = pod_labels_sent_.Changed(label_key_, pod.labels);
  if (!take) {
    if (send) changed.push_back({pod.namespace_name, pod.name, pod.labels});
    return;
  }
  model::Labels kept = KeptLabels(pod.labels);
  if (send) changed.push_back({pod.namespace_name, pod.name, std::move(pod.labels)});
  pod.labels = std::move(kept);
}

std::vector<model::NodeLabelSet> Collector::ChangedNodeLabels(std::vector<model::Node>& nodes,
                                                              bool take) {
  std::vector<model::NodeLabelSet> changed;
  node_labels_sent_.BeginPass();
  for (model::Node& node : nodes) {
    const bool send = node_labels_sent_.Changed(node.name, node.labels);
    if (send) changed.push_back({node.name, take ? std::move(node.labels) : node.labels});
    // Read when parsed (instance type, zone, capacity type): not needed again.
    if (take) node.labels = model::Labels();
  }
  node_labels_sent_.EndPass();
  return changed;
}

model::Labels Collector::KeptLabels(const model::Labels& labels) const {
  model::Labels kept;
  for (const auto& [key, value] : labels) {
    if (key == settings_.interval.team_label || model::IsWorkloadNamingLabel(key)) {
      kept.emplace(key, value);
    }
  }
  return kept;
}

std::shared_ptr<const model::ClusterInventory> Collector::KeepOnlyWhatLaterIntervalsNeed() {
  // Node labels were read when parsed (instance type, zone, capacity type); of a pod's labels
  // only the team and those its workload is named by are read again, should this state stand
  // in for a failed scrape. The rest moves to the tick's inventory (for the exporter) rather
  // than staying with the state: that halves what is held while the next scrape is read.
  auto inventory = std::make_shared<model::ClusterInventory>();
  inventory->nodes.reserve(last_nodes_->size());
  for (model::Node& node : *last_nodes_) {
    inventory->nodes.push_back({node.name, node.uid, node.provider_id, std::move(node.labels),
                                node.capacity, node.allocatable});
    node.labels = model::Labels();
  }
  inventory->pods.reserve(last_pods_->size());
  for (model::Pod& pod : *last_pods_) {
    model::Labels kept = KeptLabels(pod.labels);
    inventory->pods.push_back({pod.namespace_name, pod.name, pod.uid, std::move(pod.labels),
                               pod.controller_kind, pod.controller_name, pod.claims,
                               pod.phase == model::PodPhase::kRunning});
    pod.labels = std::move(kept);
  }
  return inventory;
}

model::TickReport Collector::Tick(sys_seconds boundary) {
  const auto started = std::chrono::steady_clock::now();
  model::TickReport report;
  const seconds length = settings_.interval_length;
  report.interval_start = boundary - length;
  // Prices load beside the scrape; the attribution waits for them at most until price_wait.
  StartPriceLoadIfDue(boundary);

  // The scrape in its two rounds (ScrapeCluster): the state of the previous interval is let go
  // in between, so that it is never held together with both this one's lists and kubelets.
  // Pod labels changed since sent are collected as each chunk of the pod list is read; without
  // an inventory to keep, they are taken (moved) and the rest but those later intervals read
  // (team, workload naming) let go, never held for every pod at once.
  const bool take_labels = !settings_.keep_inventory;
  std::vector<model::PodLabelSet> changed_pod_labels;
  pod_labels_sent_.BeginPass();
  model::ClusterSnapshot snap = cluster_.ScrapeStateVisitingPods(boundary, [&](model::Pod& pod) {
    CollectChangedLabels(pod, take_labels, changed_pod_labels);
  });
  const bool fresh_state = snap.nodes && snap.pods;
  if (fresh_state) {
    pod_labels_sent_.EndPass();
  } else {  // not sent after all: found changed again by the next pass
    pod_labels_sent_.AbandonPass();
    std::vector<model::PodLabelSet>().swap(changed_pod_labels);
  }
  std::optional<std::vector<model::Node>> listed_nodes;  // nodes listed without their pods
  // Cluster state: this scrape, or a recent one when the API server failed just now.
  if (fresh_state) {
    last_nodes_ = std::move(snap.nodes);
    last_pods_ = std::move(snap.pods);
    packed_pods_.reset();
    last_state_at_ = boundary;
  } else {
    listed_nodes = std::move(snap.nodes);
  }
  snap.nodes.reset();
  snap.pods.reset();
  // Volumes: a claim list that failed leaves binding to the volumes' claimRefs; storage classes
  // that failed, the last ones listed.
  if (snap.volumes) {
    last_volumes_ = std::move(snap.volumes);
    last_claims_ = std::move(snap.claims);
    if (snap.storage_classes) last_classes_ = std::move(*snap.storage_classes);
    last_volumes_at_ = boundary;
  } else if (last_volumes_ &&
             boundary - last_volumes_at_ > length * settings_.stale_snapshot_intervals) {
    last_volumes_.reset();
    last_claims_.reset();
  }
  snap.volumes.reset();
  snap.claims.reset();
  snap.storage_classes.reset();
  if (fresh_state || listed_nodes) {
    cluster_.ScrapeKubelets(fresh_state ? *last_nodes_ : *listed_nodes, snap);
  }
  listed_nodes.reset();
  for (const model::SourceStatus& s : snap.statuses) {
    if (s.error.empty()) continue;
    ++report.source_errors;
    log_.Error("source failed", {{"source", s.source}, {"error", s.error}});
  }
  if (!fresh_state) {
    if (last_nodes_ && boundary - last_state_at_ <= length * settings_.stale_snapshot_intervals) {
      log_.Warn("using nodes and pods of an earlier scrape",
                {{"age_seconds", static_cast<std::int64_t>((boundary - last_state_at_).count())}});
      if (packed_pods_) last_pods_ = packed_pods_->Unpack();
    } else {
      last_nodes_.reset();
      packed_pods_.reset();
    }
  }

  TakeLoadedPrices(started + settings_.price_wait);

  model::UsageIndex usage;
  for (auto& [node, samples] : snap.kubelet) {
    const auto prev = previous_kubelet_.find(node);
    if (prev != previous_kubelet_.end()) {
      model::AddKubeletUsageSince(prev->second.second, samples, boundary - prev->second.first,
                                  usage);
    } else {
      model::AddKubeletUsageSince(model::CpuCounters(), samples, length, usage);
    }
    previous_kubelet_[node] = {boundary, model::CpuCounters(samples)};
    std::vector<model::KubeletContainerSample>().swap(samples);  // counters kept, samples dropped
  }
  // Nodes not scraped for an hour are gone (spot nodes come and go): their counters would
  // otherwise stay for the life of the process.
  std::erase_if(previous_kubelet_, [&](const auto& entry) {
    return boundary - entry.second.first > kKubeletBaselineLifetime;
  });
  model::AddGpuUsage(snap.gpus, usage);

  model::IntervalBatch batch;
  batch.cluster = settings_.interval.cluster;
  if (last_nodes_ && last_pods_) {
    // Labels first: the attribution reads only those kept (team, workload naming), so the
    // rest is let go (or moved into the batch) before the interval's rows are made, rather
    // than held beside them. Stale state has no labels that were not sent when it was fresh.
    if (fresh_state) {
      batch.pod_labels = std::move(changed_pod_labels);
      batch.node_labels = ChangedNodeLabels(*last_nodes_, take_labels);
      if (!take_labels) report.inventory = KeepOnlyWhatLaterIntervalsNeed();
    }
    batch.costs = model::AttributeInterval(report.interval_start, length, *last_nodes_, *last_pods_,
                                           usage, prices_, settings_.interval);
    usage = model::UsageIndex();  // read by the attribution only: let go before the write
    report.attributed = true;
    report.nodes = batch.costs.nodes.size();
    report.pods = last_pods_->size();
    report.containers = batch.costs.containers.size();
    if (last_volumes_) {
      model::AttributeVolumes(report.interval_start, length, *last_nodes_, *last_pods_,
                              *last_volumes_, last_claims_ ? &*last_claims_ : nullptr,
                              last_classes_, prices_, settings_.interval, batch.costs);
    }
    // Until the next scrape, the pods wait packed: they are read again only should it fail.
    if (fresh_state) packed_pods_.emplace(*last_pods_);
    last_pods_.reset();
    report.cost = batch.costs.TotalCost();
    report.idle = batch.costs.IdleCost();
    for (const std::string& w : batch.costs.warnings) log_.Warn("attribution", {{"detail", w}});
  } else {
    batch.costs.start = report.interval_start;
    batch.costs.length = length;
    log_.Error("interval not attributed: no nodes and pods from the API server",
               {{"interval_start",
                 static_cast<std::int64_t>(report.interval_start.time_since_epoch().count())}});
  }
  if (snap.queries) batch.queries = PriceNewQueries(*snap.queries);
  report.queries = batch.queries.size();

  std::optional<AppendedBatch> appended;
  bool unspooled = false;
  if (report.attributed || !batch.queries.empty()) {
    try {
      appended = {spool_.Append(batch), &batch};
    } catch (const std::exception& e) {  // a full or failing disk: the spool is unchanged
      unspooled = true;
      report.spool_error = e.what();
      log_.Error("spool write failed; the interval goes straight to the database",
                 {{"error", e.what()}, {"spool_depth", static_cast<std::int64_t>(spool_.depth())}});
    }
  }
  report.stored_batches = Drain(report.database_available, appended);
  if (unspooled) StoreUnspooled(batch, report);
  report.spool_depth = spool_.depth();
  if (report.database_available) {
    try {
      const std::int64_t hours = store_.RollUp(boundary);
      if (hours > 0) log_.Info("hourly rollup", {{"hours", hours}});
    } catch (const Unavailable&) {
      // Marked hours stay marked; rolled up at a later tick.
    }
    MaintainIfDue(boundary);
  }

  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  report.duration = took;
  std::vector<common::LogField> fields{
      {"interval_start",
       static_cast<std::int64_t>(report.interval_start.time_since_epoch().count())},
      {"nodes", static_cast<std::int64_t>(report.nodes)},
      {"pods", static_cast<std::int64_t>(report.pods)},
      {"containers", static_cast<std::int64_t>(report.containers)},
      {"cost_usd", report.cost.ToDecimalString()},
      {"idle_usd", report.idle.ToDecimalString()},
      {"volumes", static_cast<std::int64_t>(batch.costs.volumes.size())},
      {"volume_usd", batch.costs.VolumeCost().ToDecimalString()},
      {"queries", static_cast<std::int64_t>(report.queries)},
      {"source_errors", static_cast<std::int64_t>(report.source_errors)},
      {"spool_depth", static_cast<std::int64_t>(report.spool_depth)},
      {"duration_ms", Ms(took)}};
  // Per-target sources ("kubelet/<node>", "dcgm/<url>") are many; log the slowest of each kind.
  std::map<std::string, std::chrono::milliseconds> slowest;
  for (const model::SourceStatus& s : snap.statuses) {
    const std::size_t slash = s.source.find('/');
    if (slash == std::string::npos) {
      fields.push_back({s.source + "_ms", Ms(s.elapsed)});
    } else {
      auto& worst = slowest[s.source.substr(0, slash)];
      worst = std::max(worst, s.elapsed);
    }
  }
  for (const auto& [kind, elapsed] : slowest) fields.push_back({kind + "_max_ms", Ms(elapsed)});
  log_.Info("interval", fields);
  report.statuses = std::move(snap.statuses);
  report.batch = std::make_shared<const model::IntervalBatch>(std::move(batch));
  return report;
}

void Collector::Run(const std::atomic<bool>& stop,
                    const std::function<void(const model::TickReport&)>& on_tick) {
  const seconds length = settings_.interval_length;
  while (!stop) {
    const auto now = std::chrono::system_clock::now();
    const auto since_epoch = std::chrono::duration_cast<seconds>(now.time_since_epoch());
    const sys_seconds next{(since_epoch / length + 1) * length};
    while (!stop && std::chrono::system_clock::now() < next) {
      std::this_thread::sleep_for(std::min<std::chrono::system_clock::duration>(
          next - std::chrono::system_clock::now(), std::chrono::milliseconds(100)));
    }
    if (stop) break;
    const model::TickReport report = Tick(next);
    if (on_tick) on_tick(report);
  }
  bool available = true;
  const std::size_t stored = Drain(available);
  log_.Info("collector stopped", {{"stored_on_exit", static_cast<std::int64_t>(stored)},
                                  {"spool_depth", static_cast<std::int64_t>(spool_.depth())}});
}

}  // namespace costledger::collector
