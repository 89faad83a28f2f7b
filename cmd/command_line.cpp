#include "command_line.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "costledger/model/errors.hpp"

namespace costledger::cli {

CommandLine::CommandLine(const std::vector<std::string>& args,
                         const std::vector<std::string>& known_options,
                         const std::vector<std::string>& known_flags) {
  const auto known = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      throw InvalidInput(fmt::format("unexpected argument '{}'", arg));
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (known(known_flags, name) && !value) {
      flags_[name] = true;
    } else if (known(known_options, name)) {
      if (!value) {
        if (i + 1 >= args.size()) throw InvalidInput(fmt::format("--{} needs a value", name));
        value = args[++i];
      }
      options_[name] = *value;
    } else {
      std::vector<std::string> all;
      all.reserve(known_options.size() + known_flags.size());
      for (const auto& o : known_options) all.push_back("--" + o);
      for (const auto& f : known_flags) all.push_back("--" + f);
      throw InvalidInput(
          fmt::format("unknown option '--{}' (known: {})", name, fmt::join(all, ", ")));
    }
  }
}

std::optional<std::string> CommandLine::Option(const std::string& name) const {
  const auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

std::string CommandLine::OptionOr(const std::string& name, const std::string& fallback) const {
  return Option(name).value_or(fallback);
}

bool CommandLine::Flag(const std::string& name) const { return flags_.contains(name); }

}  // namespace costledger::cli
