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
    sent_.emplace(std::string(key), Sent{hash, generation_, 0, 0});
    return true;
  }
  Sent& s = sent->second;
  if (s.generation == generation_) return false;  // listed twice: first counts
  const bool changed = s.hash != hash;
  s = {hash, generation_, s.hash, s.generation};
  return changed;
}

void SentLabels::AbandonPass() {
  for (auto it = sent_.begin(); it != sent_.end();) {
    Sent& s = it->second;
    if (s.generation == generation_) {
      if (s.previous_generation == 0) {
        it = sent_.erase(it);
        continue;
      }
      s = {s.previous_hash, s.previous_generation, 0, 0};
    }
    ++it;
  }
}

void SentLabels::EndPass() {
  std::erase_if(sent_,
                [this](const auto& entry) { return entry.second.generation != generation_; });
}

}  // namespace costledger::collector
