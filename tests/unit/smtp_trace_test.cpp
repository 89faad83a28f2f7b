// The SMTP adapter's trace masking (private to the adapter: tested from its sources).
#include "smtp_trace.hpp"

#include <gtest/gtest.h>

namespace costledger::delivery {
namespace {

TEST(SmtpTraceTest, CommandsWithoutCredentialsShowAsSent) {
  EXPECT_EQ(MaskSmtpCommand("EHLO costledger.example\r\n"), "EHLO costledger.example");
  EXPECT_EQ(MaskSmtpCommand("MAIL FROM:<reports@costledger.test>"),
            "MAIL FROM:<reports@costledger.test>");
  EXPECT_EQ(MaskSmtpCommand("rcpt TO:<alice@example.com>"), "rcpt TO:<alice@example.com>");
  for (const char* verb : {"DATA", "QUIT", "STARTTLS", "RSET", "NOOP", "HELO x"}) {
    EXPECT_EQ(MaskSmtpCommand(verb), verb);
  }
}

TEST(SmtpTraceTest, CredentialsAreMasked) {
  EXPECT_EQ(MaskSmtpCommand("AUTH PLAIN AHJlcG9ydHMAczNjcjN0\r\n"), "AUTH PLAIN ***");
  EXPECT_EQ(MaskSmtpCommand("AUTH LOGIN cmVwb3J0cw=="), "AUTH LOGIN ***");
  EXPECT_EQ(MaskSmtpCommand("AUTH PLAIN"), "AUTH PLAIN");
  EXPECT_EQ(MaskSmtpCommand("auth xoauth2 dXNlcj1..."), "AUTH xoauth2 ***");
  // What follows a 334 challenge is a bare base64 line: the user, the password, a digest.
  EXPECT_EQ(MaskSmtpCommand("czNjcjN0IHBAc3Mh\r\n"), "***");
  EXPECT_EQ(MaskSmtpCommand("reports 5f4dcc3b5aa765d61d8327deb882cf99"), "***");
  EXPECT_EQ(MaskSmtpCommand(""), "***");
}

}  // namespace
}  // namespace costledger::delivery
