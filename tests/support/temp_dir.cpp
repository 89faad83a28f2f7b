#include "temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace costledger::testing {

TempDir::TempDir(std::string_view prefix, const std::filesystem::path& parent) {
  std::string templ = (parent / (std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + templ);
  }
  path_ = std::filesystem::absolute(templ).string();
}

TempDir::~TempDir() {
  if (keep_) return;
  std::error_code ignored;  // a destructor must not throw; nothing to do about a leftover
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Path(std::string_view name) const { return path_ + "/" + std::string(name); }

}  // namespace costledger::testing
