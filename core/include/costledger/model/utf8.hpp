#pragma once

#include <cstddef>
#include <string_view>

namespace costledger::model {

/// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
/// above U+10FFFF). Pure and thread-safe.
bool IsValidUtf8(std::string_view text);

/// The longest prefix of `text` (valid UTF-8) of at most `max_bytes` bytes that ends on a
/// character boundary, so a cut never splits a character. Pure and thread-safe.
std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes);

}  // namespace costledger::model
