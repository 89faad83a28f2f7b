#pragma once

#include <string>

namespace costledger::model {

/// One header of a mail or an HTTP request: a name (printable ASCII, no colon) and a value
/// (UTF-8 in mail, where non-ASCII is encoded; ASCII in HTTP). Neither may hold a line break.
struct HeaderField {
  std::string name;
  std::string value;
  friend bool operator==(const HeaderField&, const HeaderField&) = default;
};

}  // namespace costledger::model
