#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "costledger/ports/cost_reader.hpp"

namespace costledger::testing {

/// Cost reader ports for API routes that must read no costs (reports, quotas): every cost read
/// throws, so a route that reads one fails its test loudly (a 500). The store reads as down.
/// Header-only.
class NoCostReads final : public ports::AllocationReader,
                          public ports::AssetReader,
                          public ports::QueryReader,
                          public ports::StoreHealth {
 public:
  std::vector<model::AllocationRow> ReadAllocations(
      std::chrono::sys_seconds /*start*/, std::chrono::sys_seconds /*end*/,
      std::chrono::seconds /*step*/, std::span<const model::PropertyRef> /*grouping*/) override {
    throw std::logic_error("cost read");
  }
  std::vector<model::IdleRow> ReadIdle(std::chrono::sys_seconds /*start*/,
                                       std::chrono::sys_seconds /*end*/,
                                       std::chrono::seconds /*step*/) override {
    throw std::logic_error("cost read");
  }
  std::vector<model::NodeAssetRow> ReadAssets(std::chrono::sys_seconds /*start*/,
                                              std::chrono::sys_seconds /*end*/) override {
    throw std::logic_error("cost read");
  }
  std::vector<model::QueryCostRow> ReadQueries(std::chrono::sys_seconds /*start*/,
                                               std::chrono::sys_seconds /*end*/) override {
    throw std::logic_error("cost read");
  }
  std::optional<std::chrono::sys_seconds> LatestInterval() override { return std::nullopt; }
  bool Ping() override { return false; }
};

}  // namespace costledger::testing
