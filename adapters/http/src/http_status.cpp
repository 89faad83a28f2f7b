#include "costledger/http/http_status.hpp"

#include "costledger/model/errors.hpp"

namespace costledger::http {

ErrorStatus ToErrorStatus(const std::exception& error) {
  if (dynamic_cast<const InvalidInput*>(&error) != nullptr) return {400, error.what()};
  if (dynamic_cast<const NotFound*>(&error) != nullptr) return {404, error.what()};
  if (dynamic_cast<const Conflict*>(&error) != nullptr) return {409, error.what()};
  if (dynamic_cast<const TooLarge*>(&error) != nullptr) return {422, error.what()};
  if (dynamic_cast<const Unavailable*>(&error) != nullptr) return {503, error.what()};
  if (dynamic_cast<const TimedOut*>(&error) != nullptr) return {504, error.what()};
  return {500, "internal error"};
}

HttpResponse ErrorResponse(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    const ErrorStatus status = ToErrorStatus(e);
    HttpResponse response = JsonError(status.code, status.message);
    // The client learns little of an internal error; the log learns why.
    if (status.code >= 500) response.error_detail = e.what();
    return response;
  } catch (...) {
    HttpResponse response = JsonError(500, "internal error");
    response.error_detail = "an exception of unknown type";
    return response;
  }
}

}  // namespace costledger::http
