#include "costledger/collector/sent_labels.hpp"

#include <functional>

namespace costledger::collector {

bool SentLabels::Changed(std::string_view key, const model::Labels& labels) {
  text_.clear();
  for (const auto& [k, v] : labels) {
    text_.append(k).push_back('\0');
    text_.append(v).push_back('\0');
  }
  const std::size_t hash = std::hash<std::string>{}(text_);
  const auto sent = sent_.find(key);
  if (sent == sent_.end()) {
    sent_.emplace(std::string(key), Sent{hash, generation_});
    return true;
  }
  if (sent->second.generation == generation_) return false;  // listed twice: first counts
  const bool changed = sent->second.hash != hash;
  sent->second = {hash, generation_};
  return changed;
}

void SentLabels::EndPass() {
  std::erase_if(sent_,
                [this](const auto& entry) { return entry.second.generation != generation_; });
}

}  // namespace costledger::collector
