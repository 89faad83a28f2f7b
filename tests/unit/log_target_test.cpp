// What the access log writes of a request target (issue 15, findings 5 and 6): every byte kept
// (percent-encoded when not printable ASCII), secrets masked; and the logger itself never loses
// a line to bytes a client sent.
#include "costledger/common/log_target.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "costledger/common/logger.hpp"

namespace costledger::common {
namespace {

TEST(LogTargetTest, PlainTargetsStayAsTheyAre) {
  EXPECT_EQ(LoggableTarget("/v1/allocation?window=7d&aggregate=namespace"),
            "/v1/allocation?window=7d&aggregate=namespace");
  EXPECT_EQ(LoggableTarget("/healthz"), "/healthz");
  EXPECT_EQ(LoggableTarget("/a?filter=namespace%3A%22x%22"), "/a?filter=namespace%3A%22x%22");
}

TEST(LogTargetTest, BytesOutsidePrintableAsciiArePercentEncodedNeverDropped) {
  EXPECT_EQ(LoggableTarget("/v1/allocation?window=7d\xff\xfe"), "/v1/allocation?window=7d%FF%FE");
  EXPECT_EQ(LoggableTarget("/caf\xc3\xa9"), "/caf%C3%A9");
  // A forged second log line or a terminal escape cannot get through.
  EXPECT_EQ(LoggableTarget("/x\r\nlevel=error msg=forged"), "/x%0D%0Alevel=error%20msg=forged");
  EXPECT_EQ(LoggableTarget(std::string("/x\0y\x1b[31m\x7f", 10)), "/x%00y%1B[31m%7F");
  EXPECT_EQ(LoggableTarget("/a?q=\"quoted\""), "/a?q=%22quoted%22");
}

TEST(LogTargetTest, ValuesOfParametersNamedLikeSecretsAreMasked) {
  EXPECT_EQ(LoggableTarget("/allocation?window=1d&token=abc123&aggregate=pod"),
            "/allocation?window=1d&token=***&aggregate=pod");
  EXPECT_EQ(LoggableTarget("/x?access_token=a&API_KEY=b&Password=c&client_secret=d&sig=e"),
            "/x?access_token=***&API_KEY=***&Password=***&client_secret=***&sig=e");
  // The name as the server decodes it: %74oken is token.
  EXPECT_EQ(LoggableTarget("/x?%74oken=abc&id_token%3D=z"), "/x?%74oken=***&id_token%3D=***");
  // Without '=' nothing is a value; an empty value stays visible as empty-masked.
  EXPECT_EQ(LoggableTarget("/x?token&window=1d"), "/x?token&window=1d");
  EXPECT_EQ(LoggableTarget("/x?token="), "/x?token=***");
  // Masked before encoding: a secret's own odd bytes never show.
  EXPECT_EQ(LoggableTarget("/x?session=\xff\xfe"), "/x?session=***");
}

// Reads back what the logger wrote to a temporary file.
std::string Written(Logger::Format format, const std::string& value) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::tmpfile(), &std::fclose);
  {
    Logger log(format, file.get());
    log.Info("access", {{"target", value}, {"status", std::int64_t{200}}});
  }
  std::rewind(file.get());
  std::string out(4096, '\0');
  out.resize(std::fread(out.data(), 1, out.size(), file.get()));
  return out;
}

TEST(LoggerTest, InvalidUtf8InAFieldIsReplacedAndTheLineIsWritten) {
  const std::string text = Written(Logger::Format::kText, "/v1/\xff?x=1");
  EXPECT_NE(text.find("target=\"/v1/\xef\xbf\xbd?x=1\" status=200"), std::string::npos) << text;
  const std::string json = Written(Logger::Format::kJson, "/v1/\xff");
  const nlohmann::json line = nlohmann::json::parse(json);
  EXPECT_EQ(line["target"], "/v1/\xef\xbf\xbd");
  EXPECT_EQ(line["status"], 200);
}

TEST(LoggerTest, ControlCharactersCannotSplitATextLine) {
  const std::string text = Written(Logger::Format::kText, "a\nlevel=error");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_NE(text.find(R"(target="a\nlevel=error")"), std::string::npos) << text;
  EXPECT_NE(Written(Logger::Format::kText, "a\rb").find(R"(target="a\rb")"), std::string::npos);
}

}  // namespace
}  // namespace costledger::common
