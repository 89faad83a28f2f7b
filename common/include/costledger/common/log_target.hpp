#pragma once

#include <string>
#include <string_view>

namespace costledger::common {

/// A request target (path and query, as the client sent it) fit for the access log:
/// - the value of every query parameter whose name (percent-decoded, any case) contains
///   `token`, `password`, `passwd`, `secret`, `key`, `auth`, `credential`, `signature`,
///   `session` or `cookie` becomes `***` (clients put bearer tokens in `token=` and
///   `access_token=`; a log must not become a token store);
/// - every byte that is not printable ASCII (controls, DEL, bytes >= 0x80), space and `"` is
///   percent-encoded, so that no byte is lost, no log line can be split or forged, and the line
///   stays valid UTF-8 whatever the client sent.
/// Pure and thread-safe; never throws except std::bad_alloc.
std::string LoggableTarget(std::string_view target);

}  // namespace costledger::common
