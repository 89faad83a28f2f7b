#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace costledger::simulator {

/// Appends `text` as a JSON string literal (quoted, escaped).
void AppendJsonString(std::string& out, std::string_view text);

/// Appends a decimal integer.
void AppendInt(std::string& out, std::int64_t value);

/// Appends `value` as Go's strconv.FormatFloat(v, 'g', -1, 64) does, which is how the
/// Prometheus Go client writes sample values ("8234.120553311", "6.87448064e+08").
void AppendGoFloat(std::string& out, double value);

/// Appends a CPU quantity in canonical form: "4", "3920m".
void AppendCpuQuantity(std::string& out, std::int64_t millicores);

/// Appends a memory quantity in canonical binary-SI form: "2Gi", "512Mi", "15896024Ki", "1000".
void AppendMemoryQuantity(std::string& out, std::int64_t bytes);

/// Appends a Prometheus label value, escaped (\\, \", \n).
void AppendLabelValue(std::string& out, std::string_view value);

/// A streaming JSON writer appending to a string, commas placed automatically. Compact by
/// default; with `indent` > 0 it pretty-prints like Python's json.dumps(indent=N), as the AWS
/// CLI does. String values are escaped; keys are not (they are the caller's literals).
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out, int indent = 0) : out_(out), indent_(indent) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  /// `key` is written as is: keys are the caller's literals and need no escaping.
  JsonWriter& Key(std::string_view key) {
    Separate();
    out_.push_back('"');
    out_ += key;
    out_ += indent_ > 0 ? "\": " : "\":";
    after_key_ = true;
    return *this;
  }
  JsonWriter& String(std::string_view value) {
    Separate();
    AppendJsonString(out_, value);
    return *this;
  }
  JsonWriter& Int(std::int64_t value) {
    Separate();
    AppendInt(out_, value);
    return *this;
  }
  JsonWriter& Bool(bool value) {
    Separate();
    out_ += value ? "true" : "false";
    return *this;
  }
  JsonWriter& Null() {
    Separate();
    out_ += "null";
    return *this;
  }
  /// A value already in JSON form.
  JsonWriter& Raw(std::string_view json) {
    Separate();
    out_ += json;
    return *this;
  }
  /// A string value written by `append(out)` (no escaping: the caller writes safe text).
  template <typename Append>
  JsonWriter& StringWith(Append&& append) {
    Separate();
    out_.push_back('"');
    append(out_);
    out_.push_back('"');
    return *this;
  }

  JsonWriter& Member(std::string_view key, std::string_view value) {
    return Key(key).String(value);
  }
  JsonWriter& Member(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Member(std::string_view key, std::int64_t value) { return Key(key).Int(value); }
  JsonWriter& Member(std::string_view key, int value) { return Key(key).Int(value); }
  JsonWriter& Member(std::string_view key, bool value) { return Key(key).Bool(value); }

  std::string& out() { return out_; }

 private:
  JsonWriter& Open(char bracket) {
    Separate();
    out_.push_back(bracket);
    ++depth_;
    first_ = true;
    return *this;
  }
  JsonWriter& Close(char bracket) {
    --depth_;
    if (!first_) Newline();
    out_.push_back(bracket);
    first_ = false;
    return *this;
  }
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_.push_back(',');
    first_ = false;
    Newline();
  }
  void Newline() {
    if (indent_ <= 0 || depth_ <= 0) return;
    out_.push_back('\n');
    out_.append(static_cast<std::size_t>(indent_) * static_cast<std::size_t>(depth_), ' ');
  }

  std::string& out_;
  int indent_ = 0;
  int depth_ = 0;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace costledger::simulator
