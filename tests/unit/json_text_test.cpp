#include "costledger/model/json_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

TEST(JsonTextTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(JsonString(""), R"("")");
  EXPECT_EQ(JsonString("say \"hi\" \\ bye"), R"("say \"hi\" \\ bye")");
  EXPECT_EQ(JsonString("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
  EXPECT_EQ(JsonString(std::string("\0\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(JsonString("Ørsted € </script>"), "\"Ørsted € </script>\"");
}

TEST(JsonTextTest, AppendsToWhatIsThere) {
  std::string out = "{\"k\":";
  AppendJsonString(out, "v");
  EXPECT_EQ(out, R"({"k":"v")");
}

TEST(JsonTextTest, RefusesTextThatIsNotUtf8) { EXPECT_THROW(JsonString("\xC3("), InvalidInput); }

TEST(JsonTextTest, AJsonParserReadsBackEveryString) {
  std::mt19937 random(7);
  const std::string pieces[] = {"a",
                                " ",
                                "\"",
                                "\\",
                                "\n",
                                "\t",
                                std::string(1, '\0'),
                                "\x7f",
                                "é",
                                "€",
                                "\xF0\x9F\x93\x88",
                                "/",
                                "\x1b"};
  for (int round = 0; round < 500; ++round) {
    std::string text;
    const int length = static_cast<int>(random() % 40);
    for (int i = 0; i < length; ++i) text += pieces[random() % std::size(pieces)];
    EXPECT_EQ(nlohmann::json::parse(JsonString(text)).get<std::string>(), text);
  }
}

}  // namespace
}  // namespace costledger::model
