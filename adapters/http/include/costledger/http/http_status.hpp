#pragma once

#include <exception>
#include <string>

#include "costledger/http/http_types.hpp"

namespace costledger::http {

/// An HTTP status and the message for its JSON error body {"code":..,"message":..}.
struct ErrorStatus {
  int code = 500;
  std::string message;
};

/// The one place that maps costledger's error kinds to HTTP statuses: InvalidInput 400,
/// NotFound 404, Conflict 409, TooLarge 422, Unavailable 503, TimedOut 504, anything else 500
/// (with a generic message, so internals never leak to clients).
ErrorStatus ToErrorStatus(const std::exception& error);

/// The JSON error response for a caught exception (`std::current_exception()` in a catch
/// block): ToErrorStatus for std::exception, 500 "internal error" for anything else. A 5xx
/// carries the exception's own text in HttpResponse::error_detail, for the access log.
HttpResponse ErrorResponse(const std::exception_ptr& error);

}  // namespace costledger::http
