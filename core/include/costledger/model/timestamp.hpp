#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace costledger::model {

/// Parses an RFC 3339 / ISO 8601 timestamp ("2024-05-01T12:00:00Z", "2024-05-01T12:00:00.123Z",
/// "2024-05-01T14:00:00+02:00"); fractional seconds are truncated. Throws InvalidInput.
std::chrono::sys_seconds ParseTimestamp(std::string_view text);

/// Formats as RFC 3339 UTC with a Z suffix, e.g. "2024-05-01T12:00:00Z".
std::string FormatTimestamp(std::chrono::sys_seconds t);

}  // namespace costledger::model
