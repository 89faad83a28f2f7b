#include "costledger/model/mime_encoding.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "costledger/model/utf8.hpp"
#include "python_server.hpp"  // DecodeBase64

namespace costledger::model {
namespace {

using testing::DecodeBase64;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find("\r\n", start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return lines;
    start = end + 2;
  }
}

int Hex(char c) { return c <= '9' ? c - '0' : c - 'A' + 10; }

// Decodes quoted-printable as RFC 2045 6.7 says (the test's own reader, line breaks as "\n").
std::string DecodeQuotedPrintable(const std::string& encoded) {
  std::string out;
  const std::vector<std::string> lines = Lines(encoded);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const bool soft = !line.empty() && line.back() == '=';
    const std::size_t end = soft ? line.size() - 1 : line.size();
    for (std::size_t k = 0; k < end; ++k) {
      if (line[k] == '=') {
        out.push_back(static_cast<char>(Hex(line[k + 1]) * 16 + Hex(line[k + 2])));
        k += 2;
      } else {
        out.push_back(line[k]);
      }
    }
    if (!soft && i + 1 < lines.size()) out.push_back('\n');
  }
  return out;
}

TEST(MimeEncodingTest, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(EncodeBase64(""), "");
  EXPECT_EQ(EncodeBase64("f"), "Zg==");
  EXPECT_EQ(EncodeBase64("fo"), "Zm8=");
  EXPECT_EQ(EncodeBase64("foo"), "Zm9v");
  EXPECT_EQ(EncodeBase64("foob"), "Zm9vYg==");
  EXPECT_EQ(EncodeBase64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(EncodeBase64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(EncodeBase64(std::string("\xfb\xff\xbf", 3)), "+/+/");
}

TEST(MimeEncodingTest, Base64LinesAreAtMost76AndDecodeBack) {
  std::mt19937 random(11);
  for (const std::size_t size : {0U, 1U, 56U, 57U, 58U, 114U, 1000U, 4096U}) {
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    const std::string encoded = EncodeBase64Lines(bytes);
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      if (encoded[i] == '\n') {
        EXPECT_EQ(encoded[i - 1], '\r');
      }
    }
    const std::vector<std::string> lines = Lines(encoded);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      EXPECT_LE(lines[i].size(), kMimeLineLength);
      if (i + 1 < lines.size()) {
        EXPECT_EQ(lines[i].size(), kMimeLineLength);
      }
    }
    EXPECT_NE(encoded.substr(encoded.size() < 2 ? 0 : encoded.size() - 2), "\r\n");
    EXPECT_EQ(DecodeBase64(encoded), bytes) << size;
  }
}

TEST(MimeEncodingTest, QuotedPrintableEscapesWhatItMust) {
  EXPECT_EQ(EncodeQuotedPrintable("a=b"), "a=3Db");
  EXPECT_EQ(EncodeQuotedPrintable("Fr\xC3\xA9"
                                  "d\xC3\xA9ric"),
            "Fr=C3=A9d=C3=A9ric");
  EXPECT_EQ(EncodeQuotedPrintable("trailing space \nand tab\t\n"),
            "trailing space=20\r\nand tab=09\r\n");
  EXPECT_EQ(EncodeQuotedPrintable("in  the middle\tstays"), "in  the middle\tstays");
  EXPECT_EQ(EncodeQuotedPrintable("crlf\r\nlf\nend"), "crlf\r\nlf\r\nend");
  EXPECT_EQ(EncodeQuotedPrintable("lone\rcr"), "lone=0Dcr");
  EXPECT_EQ(EncodeQuotedPrintable(".\n.dot"), ".\r\n.dot");  // the SMTP client dot-stuffs
  EXPECT_EQ(EncodeQuotedPrintable(""), "");
}

TEST(MimeEncodingTest, QuotedPrintableSoftBreaksKeepLinesAt76AndNeverSplitAnEscape) {
  // 75 characters then "=C3=A9": the escape must move to the next line whole.
  const std::string text = std::string(74, 'a') + "\xC3\xA9" + "b";
  const std::string encoded = EncodeQuotedPrintable(text);
  EXPECT_EQ(encoded, std::string(74, 'a') + "=\r\n=C3=A9b");
  // Exactly 76 fits on one line without a soft break.
  EXPECT_EQ(EncodeQuotedPrintable(std::string(76, 'c')), std::string(76, 'c'));
  EXPECT_EQ(EncodeQuotedPrintable(std::string(77, 'c')), std::string(75, 'c') + "=\r\n" + "cc");
}

TEST(MimeEncodingTest, QuotedPrintableRoundTripsRandomText) {
  std::mt19937 random(5);
  const std::string pieces[] = {"a",
                                "Z",
                                " ",
                                "\t",
                                "=",
                                ".",
                                "\n",
                                "\r\n",
                                "é",
                                "€",
                                "\xF0\x9F\x93\x88",
                                "From ",
                                "=?",
                                "~",
                                std::string(90, 'w')};
  for (int round = 0; round < 400; ++round) {
    std::string text;
    const int count = static_cast<int>(random() % 60);
    for (int i = 0; i < count; ++i) text += pieces[random() % std::size(pieces)];
    const std::string encoded = EncodeQuotedPrintable(text);
    for (const std::string& line : Lines(encoded)) {
      EXPECT_LE(line.size(), kMimeLineLength);
      if (!line.empty()) {
        EXPECT_NE(line.back(), ' ');
      }
      if (!line.empty()) {
        EXPECT_NE(line.back(), '\t');
      }
      for (const char c : line) {
        const auto u = static_cast<unsigned char>(c);
        EXPECT_TRUE((u >= 33 && u <= 126) || c == ' ' || c == '\t') << static_cast<int>(u);
      }
    }
    std::string expected;  // line breaks as "\n"
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
      expected.push_back(text[i]);
    }
    EXPECT_EQ(DecodeQuotedPrintable(encoded), expected);
  }
}

TEST(MimeEncodingTest, EncodedWordsAreShortWholeCharactersThatDecodeBack) {
  EXPECT_FALSE(NeedsEncodedWords("Weekly report 2026-W48: $1,234.56"));
  EXPECT_TRUE(NeedsEncodedWords("Übersicht"));
  EXPECT_TRUE(NeedsEncodedWords("looks =?like?= a word"));
  EXPECT_TRUE(NeedsEncodedWords("tab\there"));
  EXPECT_EQ(EncodeWords("é"), "=?UTF-8?B?w6k=?=");

  const std::string text =
      "Kostenübersicht für Team Ærø — 2026-W48 — " + std::string(60, 'x') + "€€€";
  const std::string encoded = EncodeWords(text);
  std::string decoded;
  std::size_t start = 0;
  for (;;) {
    const std::size_t space = encoded.find(' ', start);
    const std::string word =
        encoded.substr(start, space == std::string::npos ? space : space - start);
    ASSERT_EQ(word.rfind("=?UTF-8?B?", 0), 0U) << word;
    ASSERT_EQ(word.substr(word.size() - 2), "?=");
    EXPECT_LE(word.size(), 60U);  // within RFC 2047's 75, and short enough after "Subject: "
    const std::string piece = DecodeBase64(word.substr(10, word.size() - 12));
    EXPECT_TRUE(IsValidUtf8(piece)) << "a word split a character";
    decoded += piece;
    if (space == std::string::npos) break;
    start = space + 1;
  }
  EXPECT_EQ(decoded, text);
  EXPECT_EQ(EncodeWords(""), "");
}

TEST(MimeEncodingTest, ExtendedParametersPercentEncodeAllButAttributeCharacters) {
  EXPECT_EQ(EncodeExtendedParameter("report.csv"), "UTF-8''report.csv");
  EXPECT_EQ(EncodeExtendedParameter("résumé 1*2'%.csv"),
            "UTF-8''r%C3%A9sum%C3%A9%201%2A2%27%25.csv");
}

}  // namespace
}  // namespace costledger::model
