#include "hour_rollup.hpp"

#include <algorithm>

#include "costledger/model/shared_text_pool.hpp"

namespace costledger::postgres {
namespace {

using std::chrono::sys_seconds;

// The labels of the columns folded as `kKind` (Rollup::kKey or kLabel), in column order, each
// followed by a NUL.
template <Rollup kKind>
void Pack(const model::CostLabels& labels, std::string& out) {
  out.clear();
  ForEachContainerColumn([&](auto i) {
    constexpr const ContainerColumn& kColumn = kContainerColumns[i];
    if constexpr (kColumn.rollup == kKind) {
      out += (labels.*kColumn.label).str();
      out += '\0';
    }
  });
}

// Whether `packed` (Pack<kKind>) holds exactly `labels`' labels of those columns.
template <Rollup kKind>
bool SamePacked(std::string_view packed, const model::CostLabels& labels) {
  std::size_t at = 0;
  bool same = true;
  ForEachContainerColumn([&](auto i) {
    constexpr const ContainerColumn& kColumn = kContainerColumns[i];
    if constexpr (kColumn.rollup == kKind) {
      const std::string_view value = labels.*kColumn.label;
      same = same && packed.size() > at + value.size() &&
             packed.compare(at, value.size(), value) == 0 && packed[at + value.size()] == '\0';
      at += value.size() + 1;
    }
  });
  return same && at == packed.size();
}

// The labels of `packed` (Pack<kKind>) into `labels`, interned in `texts`.
template <Rollup kKind>
void Unpack(std::string_view packed, model::CostLabels& labels, model::SharedTextPool& texts) {
  std::size_t at = 0;
  ForEachContainerColumn([&](auto i) {
    constexpr const ContainerColumn& kColumn = kContainerColumns[i];
    if constexpr (kColumn.rollup == kKind) {
      const std::size_t end = packed.find('\0', at);
      labels.*kColumn.label = texts.Intern(packed.substr(at, end - at));
      at = end + 1;
    }
  });
}

// Each carried label the bytewise least of the rows' (min() over COLLATE "C" columns).
void KeepLeastLabels(std::string& packed, const model::CostLabels& labels) {
  if (SamePacked<Rollup::kLabel>(packed, labels)) return;  // nearly always
  model::CostLabels kept;
  model::SharedTextPool texts;
  Unpack<Rollup::kLabel>(packed, kept, texts);
  ForEachContainerColumn([&](auto i) {
    constexpr const ContainerColumn& kColumn = kContainerColumns[i];
    if constexpr (kColumn.rollup == Rollup::kLabel) {
      if (labels.*kColumn.label < kept.*kColumn.label) kept.*kColumn.label = labels.*kColumn.label;
    }
  });
  Pack<Rollup::kLabel>(kept, packed);
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
    const std::string& cluster = r.labels.cluster.empty() ? batch.cluster : r.labels.cluster.str();
    if (cluster != *cluster_of_hour) {
      cluster_of_hour = &cluster;
      h = &HourOf(cluster, hour);
      h->intervals.insert(start);
    }
    // Batches of a collector list mostly the same containers in the same order: the row at
    // this position last time, when its key labels are the same, saves building the key and
    // looking it up (half the time here).
    Entry* row = at < h->row_at.size() ? h->row_at[at] : nullptr;
    if (row == nullptr || !SamePacked<Rollup::kKey>(row->first, r.labels)) {
      Pack<Rollup::kKey>(r.labels, key);
      const auto [it, inserted] = h->rows.try_emplace(key);
      row = &*it;
      if (inserted) Pack<Rollup::kLabel>(r.labels, row->second.labels);
      if (h->row_at.size() <= at) h->row_at.resize(costs.containers.size(), nullptr);
      h->row_at[at] = row;
      if (!inserted) KeepLeastLabels(row->second.labels, r.labels);
    } else {
      KeepLeastLabels(row->second.labels, r.labels);
    }
    if (!FoldContainerInterval(row->second.values, {r, start, seconds})) h->unusable = true;
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
  std::vector<Entry*> by_key;
  by_key.reserve(h.rows.size());
  for (Entry& entry : h.rows) by_key.push_back(&entry);
  std::sort(by_key.begin(), by_key.end(),
            [](const Entry* a, const Entry* b) { return a->first < b->first; });
  std::vector<HourlyContainerRow> rows;
  rows.reserve(by_key.size());
  model::SharedTextPool texts;
  for (Entry* entry : by_key) {
    HourlyContainerRow& row = rows.emplace_back();
    Unpack<Rollup::kKey>(entry->first, row.labels, texts);
    Unpack<Rollup::kLabel>(entry->second.labels, row.labels, texts);
    row.values = entry->second.values;
    std::string().swap(entry->second.labels);  // let go as it goes
  }
  return rows;
}

void HourRollup::ForgetBefore(sys_seconds hour) {
  std::erase_if(hours_, [&](const auto& entry) { return entry.first.second < hour; });
}

}  // namespace costledger::postgres
