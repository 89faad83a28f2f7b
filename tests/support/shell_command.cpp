#include "shell_command.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <memory>

namespace costledger::testing {

CommandOutput RunShellCommand(const std::string& command) {
  const std::string joined = command + " 2>&1";
  // NOLINTNEXTLINE(cert-env33-c): runs the binary under test through sh to capture 2>&1
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(joined.c_str(), "r"), ::pclose);
  CommandOutput out;
  if (!pipe) {
    out.exit_code = -1;
    out.text = "popen failed: " + command;
    return out;
  }
  char buffer[4096];
  while (std::fgets(buffer, sizeof(buffer), pipe.get()) != nullptr) out.text += buffer;
  out.exit_code = WEXITSTATUS(::pclose(pipe.release()));
  return out;
}

}  // namespace costledger::testing
