#include "costledger/quotas/quota_evaluator.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "costledger/model/enum_text.hpp"
#include "costledger/model/quota_period.hpp"
#include "costledger/model/quota_status.hpp"
#include "costledger/ports/period_spend.hpp"
#include "costledger/quotas/quota_alerter.hpp"

namespace costledger::quotas {
namespace {

using std::chrono::sys_seconds;

/// How many alert records a process reads at start (the newest; a few per quota and period).
constexpr std::size_t kAlertRecordsRead = 5000;

}  // namespace

QuotaEvaluator::QuotaEvaluator(EvaluatorPorts ports, EvaluatorSettings settings,
                               std::shared_ptr<const model::ZoneRules> zone, QuotaBoard& board)
    : ports_(ports), settings_(settings), zone_(std::move(zone)), board_(board) {}

Evaluation QuotaEvaluator::Evaluate(sys_seconds now) {
  Evaluation out;
  const std::optional<sys_seconds> latest = ports_.health.LatestInterval();
  const std::optional<sys_seconds> stored_through =
      latest ? std::optional(*latest + settings_.interval_length) : std::nullopt;

  // Work on copies and commit at the end: a read that throws half-way leaves nothing counted
  // twice or not at all.
  std::map<std::string, Tracked> previous = tracked_;
  const std::optional<sys_seconds> previous_through = through_;
  try {
    if (!alert_log_read_ && ports_.alert_log != nullptr) {
      alert_records_ = ports_.alert_log->List(kQuotaAlertKind, kAlertRecordsRead);
    }
    alert_log_read_ = true;
    Sync(now, out);
    if (through_ && stored_through && *stored_through > *through_) {
      ReadNewIntervals(*through_, *stored_through, out);
      ReadNewQueries(*through_, *stored_through, out);
    }
    if (stored_through && (!through_ || *stored_through > *through_)) through_ = stored_through;
    for (auto& [name, t] : tracked_) {
      if (!t.seeded) Seed(t, now, out);
    }
    RollAll(now, out);
    for (auto& [name, t] : tracked_) Decide(t, through_.value_or(now), out);  // clamped

    auto snapshot = std::make_shared<QuotaSnapshot>();
    for (const auto& [name, t] : tracked_) {
      snapshot->quotas.push_back(t.usage.quota());
      snapshot->statuses.push_back(StatusOf(t));
    }
    snapshot->evaluated_at = now;
    snapshot->counted_through = through_;
    if (latest) snapshot->offerings = Offerings(*latest);
    out.snapshot = snapshot;
  } catch (...) {
    tracked_ = std::move(previous);
    through_ = previous_through;
    throw;
  }
  board_.Publish(out.snapshot);
  return out;
}

void QuotaEvaluator::Sync(sys_seconds now, Evaluation& /*out*/) {
  std::map<std::string, Tracked> next;
  for (const ports::StoredQuota& stored : ports_.quotas.List()) {
    const model::Quota& q = stored.quota;
    const auto it = tracked_.find(q.name);
    // Before anything is stored there is nothing to count from: seed once there is.
    if (it != tracked_.end() && it->second.usage.quota() == q && through_) {
      next.emplace(q.name, std::move(it->second));
      continue;
    }
    Tracked t{model::QuotaUsage(q, model::QuotaPeriodWindow(q.period, now, *zone_)), {}, false};
    // A changed quota keeps what was sent this period: its thresholds are not sent again. A
    // quota new to this process starts from what the ledger says was sent.
    t.alerts = it != tracked_.end() ? it->second.alerts : SentAlerts(q, alert_records_);
    next.emplace(q.name, std::move(t));
  }
  tracked_ = std::move(next);
}

void QuotaEvaluator::ReadNewIntervals(sys_seconds from, sys_seconds to, Evaluation& out) {
  std::map<std::vector<model::PropertyRef>, std::vector<Tracked*>> groups;
  for (auto& [name, t] : tracked_) {
    if (t.seeded) groups[model::GroupingFor(t.usage.quota().scope)].push_back(&t);
  }
  for (auto& [grouping, members] : groups) {
    // Cut where a member's period starts or ends, so that each read lies within one period of
    // each (or wholly before it, when the clock rolled the period before the data came).
    std::set<sys_seconds> cuts{from, to};
    for (const Tracked* t : members) {
      for (const sys_seconds at : {t->usage.period().start, t->usage.period().end}) {
        if (at > from && at < to) cuts.insert(at);
      }
    }
    const bool needs_rows = std::ranges::any_of(
        members, [](const Tracked* t) { return model::CountsContainerSpend(t->usage.quota()); });
    for (auto a = cuts.begin(), b = std::next(a); b != cuts.end(); ++a, ++b) {
      for (Tracked* t : members) {
        if (*a >= t->usage.period().end) {
          Decide(*t, *a, out);  // the ending period's last word before it rolls
          t->usage.RollTo(*a, *zone_);
        }
      }
      if (!needs_rows) continue;
      const auto rows = ports_.allocations.ReadAllocations(*a, *b, *b - *a, grouping);
      ++out.allocation_reads;
      for (Tracked* t : members) {
        if (!model::CountsContainerSpend(t->usage.quota())) continue;
        for (const model::AllocationRow& row : rows) t->usage.AddStored(row, grouping);
      }
    }
    for (Tracked* t : members) t->usage.MarkCountedThrough(to);
  }
}

void QuotaEvaluator::ReadNewQueries(sys_seconds from, sys_seconds to, Evaluation& out) {
  std::optional<sys_seconds> earliest;
  for (const auto& [name, t] : tracked_) {
    if (!t.seeded || !model::CountsQuerySpend(t.usage.quota())) continue;
    const sys_seconds start = std::max(t.usage.period().start, from - settings_.query_lookback);
    earliest = earliest ? std::min(*earliest, start) : start;
  }
  if (!earliest || *earliest >= to) return;
  const auto rows = ports_.queries.ReadQueries(*earliest, to);
  ++out.query_reads;
  for (auto& [name, t] : tracked_) {
    if (!t.seeded || !model::CountsQuerySpend(t.usage.quota())) continue;
    for (const model::QueryCostRow& row : rows) t.usage.AddQuery(model::ToQuerySpend(row));
  }
}

void QuotaEvaluator::Seed(Tracked& t, sys_seconds now, Evaluation& out) {
  if (!through_) return;  // nothing stored yet: seeded once something is
  const model::Quota quota = t.usage.quota();
  // The period of the clock, or of the data when the store runs ahead of this clock.
  const sys_seconds at = std::max(now, *through_ - std::chrono::seconds{1});
  t.usage = model::QuotaUsage(quota, model::QuotaPeriodWindow(quota.period, at, *zone_));
  const ports::SpendReads reads = ports::ReadPeriodSpend(
      t.usage, std::min(*through_, t.usage.period().end), ports_.allocations, ports_.queries);
  out.allocation_reads += reads.allocation_reads;
  out.query_reads += reads.query_reads;
  t.usage.MarkCountedThrough(*through_);
  t.seeded = true;
  ++out.seeded;
}

void QuotaEvaluator::RollAll(sys_seconds at, Evaluation& out) {
  for (auto& [name, t] : tracked_) {
    if (!t.seeded || at < t.usage.period().end) continue;
    Decide(t, t.usage.period().end, out);
    t.usage.RollTo(at, *zone_);
  }
}

void QuotaEvaluator::Decide(Tracked& t, sys_seconds at, Evaluation& out) {
  if (!t.seeded) return;
  at = std::clamp(at, t.usage.period().start, t.usage.period().end);
  const model::QuotaStatus status = model::StatusAt(t.usage, at);
  model::AlertDecision d = model::DecideAlerts(t.usage.quota(), status, t.alerts, *zone_);
  t.alerts = std::move(d.ledger);
  for (model::QuotaAlert& a : d.alerts) out.alerts.push_back(std::move(a));
}

model::QuotaStatus QuotaEvaluator::StatusOf(const Tracked& t) const {
  // `at` is the end of what is counted, within the period (a status of a period just started
  // by the clock is at its start).
  sys_seconds at = through_.value_or(t.usage.period().start);
  at = std::clamp(at, t.usage.period().start, t.usage.period().end);
  return model::StatusAt(t.usage, at);
}

std::vector<model::OfferingPrice> QuotaEvaluator::Offerings(sys_seconds latest) {
  std::map<std::pair<std::string, model::CapacityType>, model::OfferingPrice> by_offering;
  for (const model::NodeAssetRow& n :
       ports_.assets.ReadAssets(latest, latest + settings_.interval_length)) {
    const model::CapacityType type =
        model::ParseCapacityType(n.capacity_type).value_or(model::CapacityType::kOnDemand);
    model::OfferingPrice& o = by_offering[{n.instance_type, type}];
    if (o.nodes == 0) {
      o.instance_type = n.instance_type;
      o.capacity_type = type;
      o.capacity = {n.cpu_millicores, n.memory_bytes, n.gpu_devices};
    }
    // The dearest node of an offering (spot prices differ by zone): estimates err high.
    o.node_price.per_hour = std::max(o.node_price.per_hour, n.max_price_per_hour);
    ++o.nodes;
  }
  std::vector<model::OfferingPrice> out;
  out.reserve(by_offering.size());
  for (auto& [key, o] : by_offering) out.push_back(std::move(o));
  return out;
}

}  // namespace costledger::quotas
