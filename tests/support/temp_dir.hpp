#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace costledger::testing {

/// A fresh directory `<parent>/<prefix>-XXXXXX` (mkdtemp: mode 0700, a name nobody else has),
/// removed with everything in it by the destructor unless Keep() was called. The default parent
/// is std::filesystem::temp_directory_path() ($TMPDIR, else /tmp). Throws std::system_error
/// when the directory cannot be created. One owner; not thread-safe.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix,
                   const std::filesystem::path& parent = std::filesystem::temp_directory_path());
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;

  /// The directory's absolute path.
  const std::string& path() const { return path_; }
  /// `path()/name`, e.g. Path("server.log").
  std::string Path(std::string_view name) const;

  /// Leaves the directory in place when destroyed, e.g. so a failed test's logs can be read.
  void Keep() { keep_ = true; }
  bool kept() const { return keep_; }

 private:
  std::string path_;
  bool keep_ = false;
};

}  // namespace costledger::testing
