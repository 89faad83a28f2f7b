#pragma once

#include <stdexcept>
#include <string>

namespace costledger {

/// Base of every error costledger throws on purpose. The API maps each kind to one HTTP status
/// (InvalidInput 400, NotFound 404, Conflict 409, TooLarge 422, Unavailable 503,
/// TimedOut 504) in a single place.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Input that is malformed or out of range; the message names the field or line.
class InvalidInput : public Error {
 public:
  using Error::Error;
};

class NotFound : public Error {
 public:
  using Error::Error;
};

class Conflict : public Error {
 public:
  using Error::Error;
};

/// A valid request that asks for more than a configured bound allows (aggregate keys, steps,
/// rows, response bytes); the message says the bound and how to ask within it.
class TooLarge : public Error {
 public:
  using Error::Error;
};

/// A read that ran longer than its configured limit and was cancelled.
class TimedOut : public Error {
 public:
  using Error::Error;
};

/// A dependency (database, source) cannot be reached right now; retrying may succeed.
class Unavailable : public Error {
 public:
  using Error::Error;
};

}  // namespace costledger
