#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "child_process.hpp"

namespace costledger::testing {

/// Debian's Python (it has python3-aiosmtpd; the python3 on PATH may be another one):
/// $COSTLEDGER_PYTHON or /usr/bin/python3.
std::string PythonBinary();

/// The path of a script beside this file, e.g. SupportScript("smtp_sink.py").
std::string SupportScript(std::string_view name);

/// A server script started by StartPythonServer, and the loopback port it listens on.
struct PythonServer {
  std::unique_ptr<ChildProcess> process;
  int port = 0;
};

/// Starts `python3 <script> --port P <args...>` on a free port of 127.0.0.1, its output
/// appended to `log_path`, and waits until it prints "ready P". A script that cannot listen
/// exits with status 3 (the port was taken meanwhile): it is started again on another port, up
/// to three times. Throws std::runtime_error with the log when it does not become ready within
/// `timeout` (tests fail, never skip).
PythonServer StartPythonServer(const std::string& script, const std::vector<std::string>& args,
                               const std::string& log_path, std::chrono::milliseconds timeout);

/// Sends SIGTERM and waits up to 10 s for the exit (the ChildProcess destructor kills it
/// otherwise). Never throws.
void StopPythonServer(PythonServer& server) noexcept;

/// RFC 4648 base64 (the scripts' records carry bytes so); throws std::runtime_error on a
/// character outside the alphabet.
std::string DecodeBase64(std::string_view text);

}  // namespace costledger::testing
