#pragma once

#include <string>

namespace costledger::testing {

/// What a command printed (stdout and stderr, interleaved) and its exit status.
struct CommandOutput {
  int exit_code = 0;
  std::string text;
};

/// Runs `command` through /bin/sh with stderr joined to stdout, as a person at a terminal sees
/// it, and waits for it. For tests that drive the real `costledger` binary. Not thread-safe.
CommandOutput RunShellCommand(const std::string& command);

}  // namespace costledger::testing
