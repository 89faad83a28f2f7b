#include "test_data.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace costledger::testing {

std::string TestDataPath(std::string_view relative) {
  return std::string(COSTLEDGER_TEST_DATA_DIR) + "/" + std::string(relative);
}

std::string ReadTestData(std::string_view relative) {
  const std::string path = TestDataPath(relative);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data file " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace costledger::testing
