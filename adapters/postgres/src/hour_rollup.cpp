#include "hour_rollup.hpp"

#include <algorithm>

namespace costledger::postgres {
namespace {

using std::chrono::sys_seconds;

void KeepMin(std::string& kept, const std::string& value) {
  // Bytewise, as min() over the COLLATE "C" columns.
  if (value < kept) kept = value;
}

}  // namespace

void HourRollup::Add(const model::IntervalBatch& batch) {
  const model::IntervalCosts& costs = batch.costs;
  const sys_seconds hour = std::chrono::floor<std::chrono::hours>(costs.start);
  const std::int64_t start = costs.start.time_since_epoch().count();
  const std::int64_t seconds = costs.length.count();
  // The hour of the previous row's cluster: rows of one batch nearly always share it.
  const std::string* cluster_of_hour = &batch.cluster;
  Hour* h = &HourOf(batch.cluster, hour);
  h->intervals.insert(start);
  std::string key;
  for (std::size_t at = 0; at < costs.containers.size(); ++at) {
    const model::ContainerCostRow& r = costs.containers[at];
    const std::string& cluster = r.labels.cluster.empty() ? batch.cluster : r.labels.cluster;
    if (cluster != *cluster_of_hour) {
      cluster_of_hour = &cluster;
      h = &HourOf(cluster, hour);
      h->intervals.insert(start);
    }
    // Batches of a collector list mostly the same containers in the same order: the row at
    // this position last time, when its key labels are the same, saves building the key and
    // looking it up (half the time here).
    HourlyContainerRow* row = at < h->row_at.size() ? h->row_at[at] : nullptr;
    bool same = row != nullptr;
    ForEachContainerColumn([&](auto i) {
      constexpr const ContainerColumn& kColumn = kContainerColumns[i];
      if constexpr (kColumn.rollup == Rollup::kKey)
        same = same && row->labels.*kColumn.label == r.labels.*kColumn.label;
    });
    bool inserted = false;
    if (!same) {
      key.clear();
      ForEachContainerColumn([&](auto i) {
        constexpr const ContainerColumn& kColumn = kContainerColumns[i];
        if constexpr (kColumn.rollup == Rollup::kKey) {
          key += r.labels.*kColumn.label;
          key += '\0';
        }
      });
      const auto emplaced = h->rows.try_emplace(key);
      row = &emplaced.first->second;
      inserted = emplaced.second;
      if (h->row_at.size() <= at) h->row_at.resize(costs.containers.size(), nullptr);
      h->row_at[at] = row;
    }
    ForEachContainerColumn([&](auto i) {
      constexpr const ContainerColumn& kColumn = kContainerColumns[i];
      if constexpr (IsRollupLabel(kColumn)) {
        if (inserted) {
          row->labels.*kColumn.label = r.labels.*kColumn.label;
        } else if constexpr (kColumn.rollup == Rollup::kLabel) {
          KeepMin(row->labels.*kColumn.label, r.labels.*kColumn.label);
        }
      }
    });
    if (!FoldContainerInterval(row->values, {r, start, seconds})) h->unusable = true;
  }
}

void HourRollup::Discard(const model::IntervalBatch& batch) noexcept {
  try {
    const sys_seconds hour = std::chrono::floor<std::chrono::hours>(batch.costs.start);
    HourOf(batch.cluster, hour).unusable = true;
    for (const model::ContainerCostRow& r : batch.costs.containers) {
      if (!r.labels.cluster.empty()) HourOf(r.labels.cluster, hour).unusable = true;
    }
  } catch (...) {
    hours_.clear();
  }
}

HourRollup::Hour& HourRollup::HourOf(const std::string& cluster, sys_seconds hour) {
  auto [it, inserted] = hours_.try_emplace({cluster, hour});
  // A new hour will hold about as many containers as the last one did.
  if (inserted) it->second.rows.reserve(expected_rows_);
  return it->second;
}

std::optional<std::vector<HourlyContainerRow>> HourRollup::Take(
    const std::string& cluster, sys_seconds hour, const std::set<std::int64_t>& stored) {
  const auto it = hours_.find({cluster, hour});
  if (it == hours_.end()) return std::nullopt;
  Hour h = std::move(it->second);
  hours_.erase(it);
  expected_rows_ = std::max(expected_rows_, h.rows.size());
  if (h.unusable || h.intervals != stored) return std::nullopt;
  // In key order: the rollup's primary key then grows at its right edge as the rows are
  // copied in, instead of splitting pages all over (measured: about half the COPY's time).
  // Keys join the key labels with NULs (which no label holds), so they sort as the labels do,
  // bytewise as COLLATE "C".
  std::vector<std::pair<const std::string, HourlyContainerRow>*> by_key;
  by_key.reserve(h.rows.size());
  for (auto& entry : h.rows) by_key.push_back(&entry);
  std::sort(by_key.begin(), by_key.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::vector<HourlyContainerRow> rows;
  rows.reserve(by_key.size());
  for (auto* entry : by_key) rows.push_back(std::move(entry->second));
  return rows;
}

void HourRollup::ForgetBefore(sys_seconds hour) {
  std::erase_if(hours_, [&](const auto& entry) { return entry.first.second < hour; });
}

}  // namespace costledger::postgres
