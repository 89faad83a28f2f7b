#include "costledger/fetch/work_counter_scraper.hpp"

#include <fmt/core.h>

#include <cmath>
#include <exception>

#include "costledger/sources/prometheus_text.hpp"

namespace costledger::fetch {

WorkCounterScraper::WorkCounterScraper(std::vector<WorkCounterTarget> targets, FetchOptions options,
                                       std::chrono::seconds retention)
    : targets_(std::move(targets)), options_(std::move(options)), retention_(retention) {}

std::vector<std::string> WorkCounterScraper::Scrape(std::chrono::sys_seconds now) {
  std::vector<std::string> urls;
  urls.reserve(targets_.size());
  for (const WorkCounterTarget& t : targets_) urls.push_back(t.url);
  const std::vector<FetchResult> results = FetchAll(urls, options_, 16);
  std::vector<std::string> errors;
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const WorkCounterTarget& t = targets_[i];
    if (!results[i].ok()) {
      errors.push_back(fmt::format("{}: {}", t.workload, results[i].error));
      continue;
    }
    try {
      double sum = 0;
      bool found = false;
      for (const sources::PromSample& s : sources::ParsePrometheusText(results[i].body)) {
        if (s.name != t.counter || !std::isfinite(s.value) || s.value < 0) continue;
        sum += s.value;
        found = true;
      }
      if (!found) {
        errors.push_back(fmt::format("{}: no sample of {} at {}", t.workload, t.counter, t.url));
        continue;
      }
      Record(t.workload, now, sum);
    } catch (const std::exception& e) {
      errors.push_back(fmt::format("{}: {}", t.workload, e.what()));
    }
  }
  return errors;
}

void WorkCounterScraper::Record(const std::string& workload, std::chrono::sys_seconds at,
                                double value) {
  const std::lock_guard lock(mutex_);
  std::deque<model::CounterSample>& r = readings_[workload];
  if (!r.empty() && r.back().at >= at) return;  // one reading per instant, in time order
  r.push_back({at, value});
  while (!r.empty() && r.front().at < at - retention_) r.pop_front();
}

std::map<std::string, std::vector<model::CounterSample>, std::less<>>
WorkCounterScraper::ReadCounters(model::TimeWindow window) {
  std::map<std::string, std::vector<model::CounterSample>, std::less<>> out;
  const std::lock_guard lock(mutex_);
  for (const auto& [workload, readings] : readings_) {
    std::vector<model::CounterSample>& samples = out[workload];
    for (const model::CounterSample& s : readings) {
      if (s.at >= window.start && s.at <= window.end) samples.push_back(s);
    }
  }
  return out;
}

}  // namespace costledger::fetch
