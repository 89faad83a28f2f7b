#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace costledger::testing {

/// A child process for end-to-end tests: stdout and stderr go to files under `log_dir`.
/// The destructor kills it (SIGKILL) if it still runs.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path,
               const std::vector<std::string>& extra_env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ChildProcess(ChildProcess&&) = delete;
  ChildProcess& operator=(ChildProcess&&) = delete;

  /// Sends `signal`; with SIGKILL this is the `kill -9` of fault tests.
  void Signal(int signal) const;
  /// Waits for exit up to `timeout`; returns the exit status (or -signal), or throws.
  int Wait(std::chrono::milliseconds timeout);
  bool Running();
  pid_t pid() const { return pid_; }
  /// The log written so far.
  std::string Log() const;
  static std::string ReadFile(const std::string& path);
  /// Polls the log until it contains `text` or `timeout` passes; returns the log.
  std::string WaitForLog(const std::string& text, std::chrono::milliseconds timeout) const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  int status_ = 0;
  bool exited_ = false;
};

}  // namespace costledger::testing
