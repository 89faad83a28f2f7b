#pragma once

#include <string>
#include <string_view>

namespace costledger::model {

/// Appends `utf8` to `out` as a JSON string literal with its quotes (RFC 8259): `"` and `\`
/// escaped, control characters as \n, \r, \t, \b, \f or \u00XX; everything else, non-ASCII
/// included, as is. Throws InvalidInput when `utf8` is not valid UTF-8 (a JSON text must be).
/// Pure and thread-safe.
void AppendJsonString(std::string& out, std::string_view utf8);

/// `utf8` as a JSON string literal (see AppendJsonString).
std::string JsonString(std::string_view utf8);

}  // namespace costledger::model
