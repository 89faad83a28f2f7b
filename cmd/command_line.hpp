#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace costledger::cli {

/// `--name value` / `--name=value` options and `--flag` switches after a subcommand.
/// Throws InvalidInput for options not in `known` (naming them and the known ones).
class CommandLine {
 public:
  CommandLine(const std::vector<std::string>& args, const std::vector<std::string>& known_options,
              const std::vector<std::string>& known_flags);

  std::optional<std::string> Option(const std::string& name) const;
  std::string OptionOr(const std::string& name, const std::string& fallback) const;
  bool Flag(const std::string& name) const;

 private:
  std::map<std::string, std::string> options_;
  std::map<std::string, bool> flags_;
};

}  // namespace costledger::cli
