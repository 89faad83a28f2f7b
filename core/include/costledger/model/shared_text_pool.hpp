#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "costledger/model/shared_text.hpp"

namespace costledger::model {

/// One SharedText per distinct value: texts interned here share one allocation, so that rows
/// made together (an interval's cost rows) hold each node, namespace, controller or instance
/// type once. Not thread-safe; the texts handed out outlive the pool.
class SharedTextPool {
 public:
  /// The pool's text equal to `text`, added when new.
  const SharedText& Intern(std::string_view text) {
    if (const auto it = texts_.find(text); it != texts_.end()) return it->second;
    SharedText interned{text};
    const std::string_view key = interned;  // the text's own characters: they never move
    return texts_.emplace(key, std::move(interned)).first->second;
  }

 private:
  std::unordered_map<std::string_view, SharedText> texts_;
};

}  // namespace costledger::model
