// What the delivery adapter shows of a URL (private to the adapter: tested from its sources).
#include "redacted_url.hpp"

#include <gtest/gtest.h>

namespace costledger::delivery {
namespace {

TEST(RedactedUrlTest, KeepsSchemeHostAndPortOnly) {
  EXPECT_EQ(RedactedUrl("https://hooks.slack.com/services/T000/B000/XXXXsecret"),
            "https://hooks.slack.com/…");
  EXPECT_EQ(RedactedUrl("http://127.0.0.1:8080/hook?token=abc#x"), "http://127.0.0.1:8080/…");
  EXPECT_EQ(RedactedUrl("https://user:pw@example.com:8443/x"), "https://example.com:8443/…");
  EXPECT_EQ(RedactedUrl("smtp://relay.example.com:587"), "smtp://relay.example.com:587");
  EXPECT_EQ(RedactedUrl("smtp://relay.example.com/"), "smtp://relay.example.com");
  EXPECT_EQ(RedactedUrl("smtps://a:b@mail.example.com"), "smtps://mail.example.com");
  EXPECT_EQ(RedactedUrl("https://example.com?q=secret"), "https://example.com/…");
}

TEST(RedactedUrlTest, SaysSoWhenItIsNotAUrl) {
  EXPECT_EQ(RedactedUrl("hooks.slack.com/services/secret"), "(not a URL)");
  EXPECT_EQ(RedactedUrl("://x"), "(not a URL)");
  EXPECT_EQ(RedactedUrl(""), "(not a URL)");
}

}  // namespace
}  // namespace costledger::delivery
