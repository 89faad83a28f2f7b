#include "costledger/common/logger.hpp"

#include <fmt/chrono.h>
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "costledger/model/errors.hpp"

namespace costledger::common {
namespace {

std::string Now() {
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", now);
}

std::string TextValue(const LogField& f) {
  if (const auto* s = std::get_if<std::string>(&f.value)) {
    // Printable ASCII other than '"' and '=' goes as it is; anything else quoted and escaped,
    // so that no value can split or forge a line.
    const bool plain = !s->empty() && std::all_of(s->begin(), s->end(), [](char c) {
      return c > ' ' && c < 0x7f && c != '"' && c != '=';
    });
    // Invalid UTF-8 (a client's bytes) is replaced, never a reason to lose the line.
    return plain
               ? *s
               : nlohmann::json(*s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (const auto* i = std::get_if<std::int64_t>(&f.value)) return std::to_string(*i);
  return fmt::format("{:.6g}", std::get<double>(f.value));
}

}  // namespace

Logger::Format Logger::ParseFormat(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "json") return Format::kJson;
  throw InvalidInput(fmt::format("log format '{}' is not 'text' or 'json'", name));
}

void Logger::Info(std::string_view message, const std::vector<LogField>& fields) {
  Write("info", message, fields);
}
void Logger::Warn(std::string_view message, const std::vector<LogField>& fields) {
  Write("warn", message, fields);
}
void Logger::Error(std::string_view message, const std::vector<LogField>& fields) {
  Write("error", message, fields);
}

void Logger::Write(std::string_view level, std::string_view message,
                   const std::vector<LogField>& fields) {
  std::string line;
  if (format_ == Format::kJson) {
    nlohmann::json j;
    j["ts"] = Now();
    j["level"] = level;
    j["msg"] = message;
    for (const LogField& f : fields) {
      std::visit([&](const auto& v) { j[f.name] = v; }, f.value);
    }
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = fmt::format("{} {:<5} {}", Now(), level, message);
    for (const LogField& f : fields) line += fmt::format(" {}={}", f.name, TextValue(f));
  }
  line += '\n';
  const std::lock_guard lock(mutex_);
  // A failed write of a log line has nowhere to be reported; the service keeps running.
  static_cast<void>(std::fwrite(line.data(), 1, line.size(), out_));
  static_cast<void>(std::fflush(out_));
}

}  // namespace costledger::common
