#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace costledger::collector {

/// Query executions already stored, so that a source listing the same recent executions every
/// interval does not have them priced and sent again. Forgets executions submitted before a
/// cutoff, so it does not grow without bound: a source lists recent executions only, and
/// should an old one come back the store's key still counts it once. Pure; not thread-safe.
class SeenQueries {
 public:
  [[nodiscard]] bool Contains(std::string_view query_execution_id) const {
    return submitted_.contains(query_execution_id);
  }
  void Add(const std::string& query_execution_id, std::chrono::sys_seconds submitted);
  /// Forgets the executions submitted before `cutoff`; returns how many.
  std::size_t ForgetSubmittedBefore(std::chrono::sys_seconds cutoff);
  [[nodiscard]] std::size_t size() const { return submitted_.size(); }

 private:
  std::map<std::string, std::chrono::sys_seconds, std::less<>> submitted_;
};

}  // namespace costledger::collector
