// The configuration an operator writes: the JSON file, and the COSTLEDGER_* environment that
// overrides its keys (here the input as the value of an integer key and of the database URL, on a
// minimal file).
#include <map>
#include <string>

#include "config.hpp"
#include "fuzz_input.hpp"

namespace {

const std::string kMinimal =
    R"({"database_url": "postgresql://costledger@localhost/costledger",
        "sources": {"kubernetes": {"api_url": "http://127.0.0.1:1"}}})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace costledger;  // NOLINT(google-build-using-namespace): a fuzz driver
  const std::string text(fuzz::Text(data, size));
  fuzz::Refusable([&] { cli::ParseConfig(text, {}); });
  for (const char* key : {"COSTLEDGER_INTERVAL_SECONDS", "COSTLEDGER_DATABASE_URL"}) {
    fuzz::Refusable([&] { cli::ParseConfig(kMinimal, {{key, text}}); });
  }
  return 0;
}
