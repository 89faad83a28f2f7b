#include "python_server.hpp"

#include <fmt/core.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "free_tcp_port.hpp"

namespace costledger::testing {
namespace {

constexpr int kStartAttempts = 3;
constexpr int kCannotListen = 3;  // the scripts' exit status when the port is taken

}  // namespace

std::string PythonBinary() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): tests only read the environment, never set it
  if (const char* env = std::getenv("COSTLEDGER_PYTHON")) return env;
  return "/usr/bin/python3";
}

std::string SupportScript(std::string_view name) {
  return (std::filesystem::path(COSTLEDGER_TEST_SUPPORT_DIR) / name).string();
}

PythonServer StartPythonServer(const std::string& script, const std::vector<std::string>& args,
                               const std::string& log_path, std::chrono::milliseconds timeout) {
  if (!std::filesystem::exists(PythonBinary())) {
    throw std::runtime_error(PythonBinary() + " not found (install the Debian package python3)");
  }
  for (int attempt = 1;; ++attempt) {
    PythonServer server;
    server.port = FreeTcpPort();
    std::vector<std::string> argv{PythonBinary(), script, "--port", std::to_string(server.port)};
    argv.insert(argv.end(), args.begin(), args.end());
    server.process = std::make_unique<ChildProcess>(argv, log_path,
                                                    std::vector<std::string>{"PYTHONNOUSERSITE=1"});
    const std::string ready = fmt::format("ready {}", server.port);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (server.process->Log().find(ready) != std::string::npos) return server;
      if (!server.process->Running()) break;
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error(fmt::format("{} did not become ready within {} ms:\n{}", script,
                                             timeout.count(), server.process->Log()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const int status = server.process->Wait(std::chrono::seconds(1));
    if (status != kCannotListen || attempt == kStartAttempts) {
      throw std::runtime_error(
          fmt::format("{} exited with status {}:\n{}", script, status, server.process->Log()));
    }
  }
}

void StopPythonServer(PythonServer& server) noexcept {
  if (!server.process) return;
  try {
    server.process->Signal(SIGTERM);
    server.process->Wait(std::chrono::seconds(10));
  } catch (const std::exception&) {
    // The ChildProcess destructor sends SIGKILL.
  }
  server.process.reset();
}

std::string DecodeBase64(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  unsigned bits = 0;
  int count = 0;
  for (const char c : text) {
    int value = 0;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else if (c == '=' || c == '\r' || c == '\n') {
      continue;
    } else {
      throw std::runtime_error(fmt::format("base64: unexpected byte {}", static_cast<int>(c)));
    }
    bits = (bits << 6U) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> static_cast<unsigned>(count)) & 0xFFU));
    }
  }
  return out;
}

}  // namespace costledger::testing
