#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/kubernetes_records.hpp"

namespace costledger::collector {

/// Pods packed into one buffer, for the collector's stand-in state: the pods of the last
/// scrape are read again only when a later scrape fails, so they wait packed (about 230 bytes a
/// pod at 150k pods, instead of ~800 as records with their strings and vectors), and the next
/// scrape's lists are never read beside a second set of pod records.
class PackedPods {
 public:
  PackedPods() = default;
  explicit PackedPods(const std::vector<model::Pod>& pods);

  /// The pods as they were packed, every field.
  std::vector<model::Pod> Unpack() const;

  std::size_t size() const { return count_; }
  std::size_t bytes() const { return buffer_.size(); }

 private:
  std::string buffer_;
  std::size_t count_ = 0;
};

}  // namespace costledger::collector
