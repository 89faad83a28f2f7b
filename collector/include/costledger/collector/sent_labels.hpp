#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "costledger/model/kubernetes_records.hpp"

namespace costledger::collector {

/// Which objects' labels changed since they were last sent to the store: a hash of each one's
/// labels by key ("namespace/pod", a node's name). One pass per fresh scrape; keys a pass does
/// not see are forgotten, so an object gone and back is sent again. Updated in place:
/// rebuilding the map every interval would allocate a key per object.
class SentLabels {
 public:
  void BeginPass() { ++generation_; }
  /// Whether `labels` of `key` are new or changed since the last pass that saw the key. Of a key
  /// listed twice in one pass the first listing counts.
  bool Changed(std::string_view key, const model::Labels& labels);
  /// Forgets the keys this pass did not see.
  void EndPass();
  /// Undoes this pass, for labels it found changed that will not be sent after all (the list
  /// they came from failed part way): each key is as the pass before left it.
  void AbandonPass();

 private:
  struct Sent {
    std::size_t hash = 0;
    std::uint64_t generation = 0;  // the last pass that saw the key
    // As the pass before this key's last left it (0, 0: the key was new then).
    std::size_t previous_hash = 0;
    std::uint64_t previous_generation = 0;
  };
  std::map<std::string, Sent, std::less<>> sent_;
  std::uint64_t generation_ = 0;
  std::string text_;  // scratch for the hash
};

}  // namespace costledger::collector
