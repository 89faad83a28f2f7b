#pragma once

#include <exception>
#include <string>

namespace costledger::http {

/// An HTTP status and the message for its JSON error body {"code":..,"message":..}.
struct ErrorStatus {
  int code = 500;
  std::string message;
};

/// The one place that maps costledger's error kinds to HTTP statuses: InvalidInput 400,
/// NotFound 404, Conflict 409, Unavailable 503, anything else 500 (with a generic message, so
/// internals never leak to clients).
ErrorStatus ToErrorStatus(const std::exception& error);

}  // namespace costledger::http
