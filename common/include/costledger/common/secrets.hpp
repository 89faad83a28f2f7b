#pragma once

#include <string>
#include <string_view>

namespace costledger::common {

/// `connection` (a libpq connection URI such as `postgresql://user:pw@host/db?sslmode=require`,
/// or a keyword/value string such as `host=db password='se cret'`) with every password replaced
/// by `***`, for logs and messages:
/// - URI: the password of the user info (with or without a user, percent-encoded or not, up to
///   the last `@` before the query), and the value of every query parameter whose name ends in
///   `password` (`password`, `sslpassword`; the name percent-decoded, as libpq does) up to the
///   next `&`;
/// - keyword/value: the value of every keyword ending in `password`, unquoted (up to white
///   space, backslash escapes honoured) or single-quoted (`'it\'s'`, up to the closing quote,
///   or the end when there is none), with or without spaces around `=`.
/// Masks whole values, so no part of a secret is left; when in doubt it masks more. Pure and
/// thread-safe; never throws except std::bad_alloc.
std::string MaskConnectionSecrets(std::string_view connection);

/// True when `connection` carries a password (even an empty one) in any place that
/// MaskConnectionSecrets masks. Pure and thread-safe.
bool HasConnectionSecret(std::string_view connection);

}  // namespace costledger::common
