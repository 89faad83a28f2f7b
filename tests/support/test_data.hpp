#pragma once

#include <string>
#include <string_view>

namespace costledger::testing {

/// Absolute path of a file under tests/data.
std::string TestDataPath(std::string_view relative);

/// Whole contents of a file under tests/data; fails the test (throws) if missing.
std::string ReadTestData(std::string_view relative);

}  // namespace costledger::testing
