// COPY encodings of the store (collector/src/copy_text.hpp, copy_binary.hpp): exact bytes.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "copy_binary.hpp"
#include "copy_text.hpp"

namespace costledger::postgres {
namespace {

using namespace std::string_literals;
using std::chrono::seconds;
using std::chrono::sys_seconds;

TEST(CopyTextTest, SeparatesFieldsWithTabsAndRowsWithNewlines) {
  CopyText text;
  text.Row("a"s, std::int64_t{1});
  text.Row("b"s, std::int64_t{2});
  EXPECT_EQ(text.data(), "a\t1\nb\t2\n");
  EXPECT_EQ(text.rows(), 2U);
}

TEST(CopyTextTest, EscapesBackslashNewlineCarriageReturnAndTab) {
  CopyText text;
  text.Row("a\\b\nc\rd\te"s);
  EXPECT_EQ(text.data(), "a\\\\b\\nc\\rd\\te\n");
}

TEST(CopyTextTest, PassesUtf8AndOtherBytesThrough) {
  CopyText text;
  text.Row("na\xC3\xAFve \xE2\x82\xAC \\."s, "\x01\x7F"s);
  EXPECT_EQ(text.data(), "na\xC3\xAFve \xE2\x82\xAC \\\\.\t\x01\x7F\n");
}

TEST(CopyTextTest, WritesNullsBoolsAndIntegers) {
  CopyText text;
  text.Row(std::nullopt, std::optional<double>(), true, false,
           std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::uint64_t>::max(),
           std::int32_t{-7});
  EXPECT_EQ(text.data(), "\\N\t\\N\tt\tf\t-9223372036854775808\t18446744073709551615\t-7\n");
}

TEST(CopyTextTest, WritesDoublesInTheirShortestExactForm) {
  CopyText text;
  text.Row(0.1, 1e300, -0.0, 5e-324, 123456.789, std::optional<double>(2.5));
  EXPECT_EQ(text.data(), "0.1\t1e+300\t-0\t5e-324\t123456.789\t2.5\n");
}

TEST(CopyTextTest, SpellsSpecialDoublesAsPostgresReadsThem) {
  CopyText text;
  text.Row(std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
           -std::numeric_limits<double>::infinity());
  EXPECT_EQ(text.data(), "NaN\tInfinity\t-Infinity\n");
}

TEST(CopyTextTest, WritesTimestampsInUtc) {
  CopyText text;
  text.Row(sys_seconds(seconds(1'763'287'205)), sys_seconds(seconds(0)));
  EXPECT_EQ(text.data(), "2025-11-16T10:00:05Z\t1970-01-01T00:00:00Z\n");
}

TEST(CopyTextTest, ClearForgetsRows) {
  CopyText text;
  text.Row("x"s);
  text.Clear();
  EXPECT_EQ(text.data(), "");
  EXPECT_EQ(text.rows(), 0U);
  text.Row("y"s);
  EXPECT_EQ(text.data(), "y\n");
}

// The signature, flags and header extension length of every binary COPY.
const std::string kHeader("PGCOPY\n\xFF\r\n\0\0\0\0\0\0\0\0\0"s);

TEST(CopyBinaryTest, StartsWithTheHeaderAndEndsWithTheTrailer) {
  CopyBinary binary;
  EXPECT_EQ(binary.data(), kHeader);
  binary.Finish();
  EXPECT_EQ(binary.data(), kHeader + "\xFF\xFF"s);
}

TEST(CopyBinaryTest, WritesEachTypeBigEndianWithItsLength) {
  CopyBinary binary;
  binary.Row("ab"s, std::int32_t{-2}, std::int64_t{0x0102030405060708}, true, 1.0, std::nullopt);
  const std::string row =
      "\x00\x06"s  // six fields
      "\x00\x00\x00\x02"
      "ab"s  // text
      "\x00\x00\x00\x04"
      "\xFF\xFF\xFF\xFE"s  // integer
      "\x00\x00\x00\x08"
      "\x01\x02\x03\x04\x05\x06\x07\x08"s  // bigint
      "\x00\x00\x00\x01"
      "\x01"s  // boolean
      "\x00\x00\x00\x08"
      "\x3F\xF0\x00\x00\x00\x00\x00\x00"s  // double precision 1.0
      "\xFF\xFF\xFF\xFF"s;                 // NULL
  EXPECT_EQ(binary.data(), kHeader + row);
  EXPECT_EQ(binary.rows(), 1U);
}

TEST(CopyBinaryTest, WritesTimestampsAsMicrosecondsSince2000) {
  CopyBinary binary;
  binary.Row(sys_seconds(seconds(946'684'800)), sys_seconds(seconds(946'684'801)),
             sys_seconds(seconds(0)));
  const std::string row =
      "\x00\x03"s
      "\x00\x00\x00\x08"
      "\x00\x00\x00\x00\x00\x00\x00\x00"s  // 2000-01-01: 0
      "\x00\x00\x00\x08"
      "\x00\x00\x00\x00\x00\x0F\x42\x40"s  // one second later: 10^6
      "\x00\x00\x00\x08"
      "\xFF\xFC\xA2\xFE\xC4\xC8\x20\x00"s;  // 1970: -946684800 * 10^6
  EXPECT_EQ(binary.data(), kHeader + row);
}

TEST(CopyBinaryTest, WritesEmptyOptionalsAsNull) {
  CopyBinary binary;
  binary.Row(std::optional<double>(), std::optional<std::int64_t>(3));
  EXPECT_EQ(binary.data(), kHeader + "\x00\x02\xFF\xFF\xFF\xFF\x00\x00\x00\x08"s +
                               "\x00\x00\x00\x00\x00\x00\x00\x03"s);
}

TEST(CopyBinaryTest, SendsTheHeaderOnlyWithTheFirstPart) {
  CopyBinary binary;
  binary.Row(std::int32_t{1});
  binary.Clear();
  EXPECT_EQ(binary.data(), "");
  binary.Row(std::int32_t{1});
  EXPECT_EQ(binary.data(), "\x00\x01\x00\x00\x00\x04\x00\x00\x00\x01"s);
}

}  // namespace
}  // namespace costledger::postgres
