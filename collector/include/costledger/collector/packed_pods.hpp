#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/kubernetes_records.hpp"

namespace costledger::collector {

/// Pods packed into one buffer, for the collector's stand-in state: the pods of the last
/// scrape are read again only when a later scrape fails, so between ticks they wait packed
/// (about 21 MB for the bench's 150k pods, a fifth of them as records), and the next scrape's
/// lists are never read beside a second set of pod records.
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
