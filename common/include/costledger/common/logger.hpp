#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace costledger::common {

/// One structured log field: a name and a string, integer or floating value.
struct LogField {
  std::string name;
  std::variant<std::string, std::int64_t, double> value;
};

/// Line-oriented logs on stderr: `text` (timestamp, level, message, key=value pairs) or `json`
/// (one object per line, for log shippers). Thread-safe. Never give it a secret.
class Logger {
 public:
  enum class Format { kText, kJson };
  explicit Logger(Format format = Format::kText, std::FILE* out = stderr)
      : format_(format), out_(out) {}

  void Info(std::string_view message, const std::vector<LogField>& fields = {});
  void Warn(std::string_view message, const std::vector<LogField>& fields = {});
  void Error(std::string_view message, const std::vector<LogField>& fields = {});

  /// Parses "text" or "json"; throws InvalidInput otherwise.
  static Format ParseFormat(std::string_view name);

 private:
  void Write(std::string_view level, std::string_view message, const std::vector<LogField>& fields);
  Format format_;
  std::FILE* out_;
  std::mutex mutex_;
};

}  // namespace costledger::common
