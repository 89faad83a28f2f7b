#include "costledger/sources/prometheus_text.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <system_error>

#include "costledger/model/ascii_case.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::sources {
namespace {

using model::EqualsIgnoringAsciiCase;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsLabelNameStart(char c) { return IsNameStart(c) && c != ':'; }

bool IsLabelNameChar(char c) { return IsNameChar(c) && c != ':'; }

// Parses lines into views of them: a label value is a view into the line unless it holds
// escapes, when it is unescaped into `unescaped_`. Nothing is allocated per sample once the
// buffers have grown to the longest line.
class LineParser {
 public:
  // `line` has no line terminator; the sample is valid until the next call.
  const PromSampleView& Parse(std::string_view line, std::size_t line_number) {
    line_ = line;
    line_number_ = line_number;
    pos_ = 0;
    labels_.clear();
    escaped_.clear();
    unescaped_.clear();
    PromSampleView& sample = sample_;
    sample = PromSampleView{};
    sample.name = ParseMetricName();
    const std::size_t after_name = pos_;
    SkipBlanks();
    if (Peek() == '{') {
      ++pos_;
      ParseLabels();
      if (pos_ < line_.size() && !IsBlank(line_[pos_])) {
        Fail(fmt::format("unexpected character '{}' after labels", line_[pos_]));
      }
      SkipBlanks();
    } else if (pos_ == after_name && pos_ < line_.size()) {
      Fail(fmt::format("unexpected character '{}' after metric name", line_[pos_]));
    }
    const std::string_view value_token = NextToken();
    if (value_token.empty()) Fail("missing value");
    sample.value = ParseValue(value_token);
    SkipBlanks();
    const std::string_view timestamp_token = NextToken();
    if (!timestamp_token.empty()) sample.timestamp_ms = ParseTimestampMs(timestamp_token);
    SkipBlanks();
    if (pos_ != line_.size()) {
      Fail(fmt::format("unexpected text '{}' after sample", line_.substr(pos_)));
    }
    // Escaped values point into `unescaped_` only now that it has stopped growing.
    for (const auto& [label, offset, length] : escaped_) {
      labels_[label].second = std::string_view{unescaped_}.substr(offset, length);
    }
    sample.labels = labels_;
    return sample;
  }

 private:
  [[noreturn]] void Fail(std::string_view what) const {
    throw InvalidInput(fmt::format("line {}: {}", line_number_, what));
  }

  char Peek() const { return pos_ < line_.size() ? line_[pos_] : '\0'; }

  void SkipBlanks() {
    while (pos_ < line_.size() && IsBlank(line_[pos_])) ++pos_;
  }

  std::string_view NextToken() {
    const std::size_t start = pos_;
    while (pos_ < line_.size() && !IsBlank(line_[pos_])) ++pos_;
    return line_.substr(start, pos_ - start);
  }

  std::string_view ParseMetricName() {
    const std::size_t start = pos_;
    if (!IsNameStart(Peek())) {
      Fail(fmt::format("invalid metric name starting at '{}'", line_.substr(pos_, 16)));
    }
    while (pos_ < line_.size() && IsNameChar(line_[pos_])) ++pos_;
    return line_.substr(start, pos_ - start);
  }

  void ParseLabels() {
    while (true) {
      SkipBlanks();
      if (pos_ >= line_.size()) Fail("unterminated label set");
      if (line_[pos_] == '}') {
        ++pos_;
        return;
      }
      if (!IsLabelNameStart(line_[pos_])) {
        Fail(fmt::format("invalid label name starting at '{}'", line_.substr(pos_, 16)));
      }
      const std::size_t name_start = pos_;
      while (pos_ < line_.size() && IsLabelNameChar(line_[pos_])) ++pos_;
      const std::string_view name = line_.substr(name_start, pos_ - name_start);
      SkipBlanks();
      if (Peek() != '=') Fail(fmt::format("expected '=' after label name '{}'", name));
      ++pos_;
      SkipBlanks();
      if (Peek() != '"') Fail(fmt::format("expected '\"' to open value of label '{}'", name));
      ++pos_;
      const std::string_view value = ParseLabelValue(name);
      for (const auto& [existing, unused] : labels_) {
        if (existing == name) Fail(fmt::format("duplicate label '{}'", name));
      }
      labels_.emplace_back(name, value);
      SkipBlanks();
      if (Peek() == ',') {
        ++pos_;  // a trailing comma before '}' is allowed, as in Prometheus.
      } else if (Peek() != '}') {
        if (pos_ >= line_.size()) Fail("unterminated label set");
        Fail(fmt::format("expected ',' or '}}' after value of label '{}'", name));
      }
    }
  }

  // The value after its opening quote: a view into the line, or, with escapes, a placeholder
  // that Parse points into `unescaped_` once every label is read.
  std::string_view ParseLabelValue(std::string_view name) {
    const std::size_t value_start = pos_;
    SkipPlain();
    if (pos_ >= line_.size()) Fail("unterminated label value");
    if (line_[pos_] == '"') {
      ++pos_;
      return line_.substr(value_start, pos_ - 1 - value_start);  // most values: no escapes
    }
    const std::size_t offset = unescaped_.size();
    unescaped_.append(line_.substr(value_start, pos_ - value_start));
    while (true) {
      ++pos_;  // backslash
      if (pos_ >= line_.size()) Fail("unterminated label value");
      switch (line_[pos_]) {
        case '\\':
          unescaped_.push_back('\\');
          break;
        case '"':
          unescaped_.push_back('"');
          break;
        case 'n':
          unescaped_.push_back('\n');
          break;
        default:
          Fail(fmt::format("invalid escape sequence '\\{}' in value of label '{}'", line_[pos_],
                           name));
      }
      ++pos_;
      const std::size_t run_start = pos_;  // plain characters are copied a run at a time
      SkipPlain();
      unescaped_.append(line_.substr(run_start, pos_ - run_start));
      if (pos_ >= line_.size()) Fail("unterminated label value");
      if (line_[pos_] == '"') {
        ++pos_;
        escaped_.push_back({labels_.size(), offset, unescaped_.size() - offset});
        return {};
      }
    }
  }

  // Past the characters of a label value that need no unescaping.
  void SkipPlain() {
    while (pos_ < line_.size() && line_[pos_] != '"' && line_[pos_] != '\\') ++pos_;
  }

  double ParseValue(std::string_view token) const {
    if (EqualsIgnoringAsciiCase(token, "NaN")) return std::numeric_limits<double>::quiet_NaN();
    if (EqualsIgnoringAsciiCase(token, "+Inf") || EqualsIgnoringAsciiCase(token, "Inf")) {
      return std::numeric_limits<double>::infinity();
    }
    if (EqualsIgnoringAsciiCase(token, "-Inf")) return -std::numeric_limits<double>::infinity();
    std::string_view digits = token;
    // from_chars rejects a leading '+', which Go's ParseFloat (and so Prometheus) accepts.
    if (digits.front() == '+') {
      digits.remove_prefix(1);
      if (digits.empty() || digits.front() == '+' || digits.front() == '-') {
        Fail(fmt::format("invalid value '{}'", token));
      }
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc::result_out_of_range) {
      Fail(fmt::format("value '{}' is out of range", token));
    }
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      Fail(fmt::format("invalid value '{}'", token));
    }
    return value;
  }

  std::int64_t ParseTimestampMs(std::string_view token) const {
    std::int64_t ms = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), ms);
    if (ec != std::errc() || end != token.data() + token.size()) {
      Fail(fmt::format("invalid timestamp '{}'", token));
    }
    return ms;
  }

  struct Escaped {
    std::size_t label;  // index into labels_
    std::size_t offset;
    std::size_t length;
  };

  std::string_view line_;
  std::size_t line_number_ = 0;
  std::size_t pos_ = 0;
  PromSampleView sample_;
  std::vector<std::pair<std::string_view, std::string_view>> labels_;
  std::vector<Escaped> escaped_;
  std::string unescaped_;
};

// The value of label `key` among `labels` (pairs of strings or of views), or empty.
template <typename Labels>
std::string_view LabelIn(const Labels& labels, std::string_view key) {
  for (const auto& [label_name, label_value] : labels) {
    if (label_name == key) return label_value;
  }
  return {};
}

}  // namespace

std::string_view PromSample::Label(std::string_view key) const { return LabelIn(labels, key); }

std::string_view PromSampleView::Label(std::string_view key) const { return LabelIn(labels, key); }

void ForEachPrometheusSample(std::string_view text,
                             const std::function<void(const PromSampleView&)>& visit) {
  LineParser parser;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    ++line_number;
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t first = 0;
    while (first < line.size() && IsBlank(line[first])) ++first;
    line.remove_prefix(first);
    if (line.empty() || line.front() == '#') continue;  // blank, HELP, TYPE or comment
    visit(parser.Parse(line, line_number));
  }
}

std::vector<PromSample> ParsePrometheusText(std::string_view text) {
  std::vector<PromSample> samples;
  ForEachPrometheusSample(text, [&](const PromSampleView& view) {
    PromSample& sample = samples.emplace_back();
    sample.name = view.name;
    sample.labels.reserve(view.labels.size());
    for (const auto& [name, value] : view.labels) sample.labels.emplace_back(name, value);
    sample.value = view.value;
    sample.timestamp_ms = view.timestamp_ms;
  });
  return samples;
}

}  // namespace costledger::sources
