#include "costledger/model/ascii_case.hpp"

#include <gtest/gtest.h>

namespace costledger::model {
namespace {

TEST(AsciiCaseTest, LowersAsciiCapitalsOnly) {
  EXPECT_EQ(AsciiLower('A'), 'a');
  EXPECT_EQ(AsciiLower('Z'), 'z');
  EXPECT_EQ(AsciiLower('a'), 'a');
  EXPECT_EQ(AsciiLower('@'), '@');        // just below 'A'
  EXPECT_EQ(AsciiLower('['), '[');        // just above 'Z'
  EXPECT_EQ(AsciiLower('\xC3'), '\xC3');  // a UTF-8 lead byte
}

TEST(AsciiCaseTest, EqualsIgnoringAsciiCase) {
  EXPECT_TRUE(EqualsIgnoringAsciiCase("", ""));
  EXPECT_TRUE(EqualsIgnoringAsciiCase("Application/VND.Kubernetes.Protobuf",
                                      "application/vnd.kubernetes.protobuf"));
  EXPECT_TRUE(EqualsIgnoringAsciiCase("+inf", "+Inf"));
  EXPECT_FALSE(EqualsIgnoringAsciiCase("NaN", "NaNs"));  // lengths differ
  EXPECT_FALSE(EqualsIgnoringAsciiCase("Inf", ""));
  EXPECT_FALSE(EqualsIgnoringAsciiCase("a@", "a`"));              // not letters: '@' + 32 is '`'
  EXPECT_FALSE(EqualsIgnoringAsciiCase("\xC3\x89", "\xC3\xA9"));  // É is not é here
}

}  // namespace
}  // namespace costledger::model
