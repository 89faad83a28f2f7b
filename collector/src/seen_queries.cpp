#include "costledger/collector/seen_queries.hpp"

namespace costledger::collector {

void SeenQueries::Add(const std::string& query_execution_id, std::chrono::sys_seconds submitted) {
  submitted_.insert_or_assign(query_execution_id, submitted);
}

std::size_t SeenQueries::ForgetSubmittedBefore(std::chrono::sys_seconds cutoff) {
  return std::erase_if(submitted_, [&](const auto& entry) { return entry.second < cutoff; });
}

}  // namespace costledger::collector
