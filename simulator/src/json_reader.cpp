#include "json_reader.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cstddef>
#include <string>
#include <system_error>

#include "costledger/model/errors.hpp"

namespace costledger::simulator {
namespace {

constexpr int kMaxDepth = 64;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80U) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800U) {
    out.push_back(static_cast<char>(0xC0U | (code_point >> 6U)));
    out.push_back(static_cast<char>(0x80U | (code_point & 0x3FU)));
  } else if (code_point < 0x10000U) {
    out.push_back(static_cast<char>(0xE0U | (code_point >> 12U)));
    out.push_back(static_cast<char>(0x80U | ((code_point >> 6U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | (code_point & 0x3FU)));
  } else {
    out.push_back(static_cast<char>(0xF0U | (code_point >> 18U)));
    out.push_back(static_cast<char>(0x80U | ((code_point >> 12U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | ((code_point >> 6U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | (code_point & 0x3FU)));
  }
}

class Reader {
 public:
  Reader(std::string_view json, JsonHandler& handler) : json_(json), handler_(handler) {}

  void Read() {
    SkipBlanks();
    Value(0);
    SkipBlanks();
    if (at_ != json_.size()) Fail("text after the document");
  }

 private:
  [[noreturn]] void Fail(std::string_view what) const {
    throw InvalidInput(fmt::format("not JSON at byte {}: {}", at_, what));
  }

  // The next byte, or NUL at the end (which no JSON outside a string has).
  char Peek() const { return at_ < json_.size() ? json_[at_] : '\0'; }

  void SkipBlanks() {
    while (at_ < json_.size() &&
           (json_[at_] == ' ' || json_[at_] == '\n' || json_[at_] == '\r' || json_[at_] == '\t')) {
      ++at_;
    }
  }

  void Value(int depth) {
    switch (Peek()) {
      case '{':
        Object(depth + 1);
        return;
      case '[':
        Array(depth + 1);
        return;
      case '"':
        handler_.String(ReadString());
        return;
      case 't':
        Literal("true");
        handler_.Bool(true);
        return;
      case 'f':
        Literal("false");
        handler_.Bool(false);
        return;
      case 'n':
        Literal("null");
        handler_.Null();
        return;
      default:
        ReadNumber();
    }
  }

  void Object(int depth) {
    if (depth > kMaxDepth) Fail("nested too deeply");
    ++at_;
    handler_.StartObject();
    SkipBlanks();
    if (Peek() == '}') {
      ++at_;
      handler_.EndObject();
      return;
    }
    for (;;) {
      SkipBlanks();
      if (Peek() != '"') Fail("expected a key");
      handler_.Key(ReadString());
      SkipBlanks();
      if (Peek() != ':') Fail("expected ':'");
      ++at_;
      SkipBlanks();
      Value(depth);
      SkipBlanks();
      const char next = Peek();
      if (next == '}') break;
      if (next != ',') Fail("expected ',' or '}'");
      ++at_;
    }
    ++at_;
    handler_.EndObject();
  }

  void Array(int depth) {
    if (depth > kMaxDepth) Fail("nested too deeply");
    ++at_;
    handler_.StartArray();
    SkipBlanks();
    if (Peek() == ']') {
      ++at_;
      handler_.EndArray();
      return;
    }
    for (;;) {
      SkipBlanks();
      Value(depth);
      SkipBlanks();
      const char next = Peek();
      if (next == ']') break;
      if (next != ',') Fail("expected ',' or ']'");
      ++at_;
    }
    ++at_;
    handler_.EndArray();
  }

  void Literal(std::string_view word) {
    if (json_.substr(at_, word.size()) != word) Fail("expected a value");
    at_ += word.size();
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  void ReadNumber() {
    const std::size_t begin = at_;
    if (Peek() == '-') ++at_;
    if (Peek() == '0') {
      ++at_;
    } else if (IsDigit(Peek())) {
      while (IsDigit(Peek())) ++at_;
    } else {
      Fail("expected a value");
    }
    bool integer = true;
    if (Peek() == '.') {
      ++at_;
      if (!IsDigit(Peek())) Fail("expected a digit after '.'");
      while (IsDigit(Peek())) ++at_;
      integer = false;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++at_;
      if (Peek() == '+' || Peek() == '-') ++at_;
      if (!IsDigit(Peek())) Fail("expected a digit in the exponent");
      while (IsDigit(Peek())) ++at_;
      integer = false;
    }
    const std::string_view text = json_.substr(begin, at_ - begin);
    if (integer) {
      std::int64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc() && end == text.data() + text.size()) {
        handler_.Integer(value);
        return;
      }
    }
    handler_.Number(text);
  }

  // A string's contents, unescaped: a view of the input when it has no escapes.
  std::string_view ReadString() {
    ++at_;  // the opening quote
    const std::size_t begin = at_;
    while (at_ < json_.size()) {
      const auto c = static_cast<unsigned char>(json_[at_]);
      if (c == '"') {
        ++at_;
        return json_.substr(begin, at_ - 1 - begin);
      }
      if (c == '\\' || c < 0x20U || c >= 0x80U) break;
      ++at_;
    }
    unescaped_.assign(json_, begin, at_ - begin);
    for (;;) {
      if (at_ >= json_.size()) Fail("unterminated string");
      const auto c = static_cast<unsigned char>(json_[at_]);
      if (c == '"') {
        ++at_;
        return unescaped_;
      }
      if (c < 0x20U) Fail("control character in a string");
      if (c == '\\') {
        Escape();
      } else if (c >= 0x80U) {
        Utf8Sequence();
      } else {
        unescaped_.push_back(static_cast<char>(c));
        ++at_;
      }
    }
  }

  void Escape() {
    ++at_;  // the backslash
    const char c = Peek();
    ++at_;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        unescaped_.push_back(c);
        return;
      case 'b':
        unescaped_.push_back('\b');
        return;
      case 'f':
        unescaped_.push_back('\f');
        return;
      case 'n':
        unescaped_.push_back('\n');
        return;
      case 'r':
        unescaped_.push_back('\r');
        return;
      case 't':
        unescaped_.push_back('\t');
        return;
      case 'u':
        break;
      default:
        --at_;
        Fail("invalid escape");
    }
    std::uint32_t code_point = Hex4();
    if (code_point >= 0xDC00U && code_point <= 0xDFFFU) Fail("lone low surrogate");
    if (code_point >= 0xD800U && code_point <= 0xDBFFU) {  // a pair: \uD83D\uDE00
      if (json_.substr(at_, 2) != "\\u") Fail("high surrogate without its low surrogate");
      at_ += 2;
      const std::uint32_t low = Hex4();
      if (low < 0xDC00U || low > 0xDFFFU) Fail("high surrogate without its low surrogate");
      code_point = 0x10000U + ((code_point - 0xD800U) << 10U) + (low - 0xDC00U);
    }
    AppendUtf8(unescaped_, code_point);
  }

  std::uint32_t Hex4() {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = HexValue(Peek());
      if (digit < 0) Fail("expected 4 hex digits after \\u");
      value = (value << 4U) | static_cast<std::uint32_t>(digit);
      ++at_;
    }
    return value;
  }

  // One UTF-8 encoded character, checked (no overlong forms, surrogates or values beyond
  // U+10FFFF), copied.
  void Utf8Sequence() {
    const auto lead = static_cast<unsigned char>(json_[at_]);
    std::size_t size = 0;
    unsigned char low = 0x80U;  // the range of the second byte
    unsigned char high = 0xBFU;
    if (lead >= 0xC2U && lead <= 0xDFU) {
      size = 2;
    } else if (lead >= 0xE0U && lead <= 0xEFU) {
      size = 3;
      if (lead == 0xE0U) low = 0xA0U;
      if (lead == 0xEDU) high = 0x9FU;
    } else if (lead >= 0xF0U && lead <= 0xF4U) {
      size = 4;
      if (lead == 0xF0U) low = 0x90U;
      if (lead == 0xF4U) high = 0x8FU;
    } else {
      Fail("invalid UTF-8");
    }
    if (json_.size() - at_ < size) Fail("invalid UTF-8");
    for (std::size_t i = 1; i < size; ++i) {
      const auto byte = static_cast<unsigned char>(json_[at_ + i]);
      if (byte < low || byte > high) Fail("invalid UTF-8");
      low = 0x80U;
      high = 0xBFU;
    }
    unescaped_.append(json_, at_, size);
    at_ += size;
  }

  std::string_view json_;
  JsonHandler& handler_;
  std::size_t at_ = 0;
  std::string unescaped_;
};

}  // namespace

void ReadJson(std::string_view json, JsonHandler& handler) { Reader(json, handler).Read(); }

}  // namespace costledger::simulator
