#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace costledger::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPrefix = "costledger-temp-dir-test";

TEST(TempDirTest, CreatesAFreshPrivateDirectoryAndRemovesItWithItsContents) {
  std::string path;
  {
    const TempDir a(kPrefix);
    const TempDir b(kPrefix);
    path = a.path();
    EXPECT_NE(a.path(), b.path());
    ASSERT_TRUE(fs::is_directory(a.path()));
    EXPECT_TRUE(fs::path(a.path()).is_absolute());
    EXPECT_EQ(fs::path(a.path()).parent_path(), fs::temp_directory_path());
    EXPECT_EQ(fs::path(a.path()).filename().string().rfind(std::string(kPrefix) + "-", 0), 0U);
    EXPECT_EQ(fs::status(a.path()).permissions() & fs::perms::all, fs::perms::owner_all);
    EXPECT_EQ(a.Path("server.log"), a.path() + "/server.log");
    std::ofstream(a.Path("file")) << "x";
    fs::create_directories(a.Path("sub/deeper"));
    std::ofstream(a.Path("sub/deeper/file")) << "y";
    EXPECT_FALSE(a.kept());
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(TempDirTest, KeepLeavesItInPlace) {
  std::string path;
  {
    TempDir dir(kPrefix);
    std::ofstream(dir.Path("log")) << "kept";
    dir.Keep();
    EXPECT_TRUE(dir.kept());
    path = dir.path();
  }
  EXPECT_TRUE(fs::exists(path + "/log"));
  fs::remove_all(path);
}

TEST(TempDirTest, GoesUnderTheParentGivenAndThrowsWhenItIsMissing) {
  const TempDir parent(kPrefix);
  {
    const TempDir child("child", parent.path());
    EXPECT_EQ(fs::path(child.path()).parent_path(), fs::path(parent.path()));
  }
  EXPECT_TRUE(fs::is_empty(parent.path()));
  EXPECT_THROW(TempDir("child", parent.Path("missing")), std::system_error);
}

}  // namespace
}  // namespace costledger::testing
