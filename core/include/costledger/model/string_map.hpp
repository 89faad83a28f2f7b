#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace costledger::model {

/// Hashes std::string and std::string_view alike, so that a map keyed by std::string is looked
/// up by a view without building a string.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

/// A hash map by text, looked up by std::string_view. For the per-interval indexes of hundreds
/// of thousands of keys sharing long prefixes ("namespace/pod/container"), where an ordered
/// map's dozen-odd comparisons per lookup, each through the shared prefix, cost more than one
/// hash.
template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

}  // namespace costledger::model
