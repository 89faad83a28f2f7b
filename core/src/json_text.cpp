#include "costledger/model/json_text.hpp"

#include <fmt/core.h>

#include "costledger/model/errors.hpp"
#include "costledger/model/utf8.hpp"

namespace costledger::model {

void AppendJsonString(std::string& out, std::string_view utf8) {
  if (!IsValidUtf8(utf8)) throw InvalidInput("JSON text: not valid UTF-8");
  out.reserve(out.size() + utf8.size() + 2);
  out.push_back('"');
  for (const char c : utf8) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20U) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string JsonString(std::string_view utf8) {
  std::string out;
  AppendJsonString(out, utf8);
  return out;
}

}  // namespace costledger::model
