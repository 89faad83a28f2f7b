#pragma once

// What every fuzz target shares: the input as text, and the rule that a parser may refuse input
// only with costledger's own errors (InvalidInput and kin, which the API maps to a 4xx naming
// the field). Anything else escaping (std::out_of_range, a JSON library's exception, a crash, a
// sanitizer report) is a finding: libFuzzer stops and keeps the input.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "costledger/model/errors.hpp"

namespace costledger::fuzz {

inline std::string_view Text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Runs `parse`, swallowing costledger's documented errors only.
template <typename F>
void Refusable(F&& parse) {
  try {
    parse();
  } catch (const costledger::Error&) {  // NOLINT(bugprone-empty-catch): a clean refusal
  }
}

}  // namespace costledger::fuzz
