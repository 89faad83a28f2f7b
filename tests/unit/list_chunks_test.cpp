// The simulator's chunked lists: continue tokens as the API server writes them, and the query
// parameters of a list request.
#include "costledger/simulator/list_chunks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "costledger/model/errors.hpp"

namespace costledger::simulator {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(ListChunksTest, TokenIsTheApiServersEncoding) {
  // base64url (unpadded) of {"v":"meta.k8s.io/v1","rv":19544825900,"start":"airflow/x\u0000"}
  const ContinueToken token{19'544'825'900, std::string("airflow/x\0", 10)};
  const std::string encoded = EncodeContinueToken(token);
  EXPECT_EQ(
      encoded,
      "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTk1NDQ4MjU5MDAsInN0YXJ0IjoiYWlyZmxvdy94XHUwMDAwIn0");
  EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(DecodeContinueToken(encoded), token);
}

TEST(ListChunksTest, InvalidTokensSayWhy) {
  EXPECT_THAT([] { DecodeContinueToken("not base64!"); },
              ThrowsMessage<InvalidInput>(HasSubstr("continue key is not valid: illegal base64")));
  EXPECT_THAT(
      [] {
        DecodeContinueToken(EncodeContinueToken({0, "a"}));
      },
      ThrowsMessage<InvalidInput>(HasSubstr("incorrect encoded start resourceVersion")));
  EXPECT_THAT(
      [] {
        DecodeContinueToken(EncodeContinueToken({5, ""}));
      },
      ThrowsMessage<InvalidInput>(HasSubstr("encoded start key empty")));
  // {"v":"x"}
  EXPECT_THAT([] { DecodeContinueToken("eyJ2IjoieCJ9"); },
              ThrowsMessage<InvalidInput>(HasSubstr("does not recognize this encoded version")));
  // "[]"
  EXPECT_THAT([] { DecodeContinueToken("W10"); },
              ThrowsMessage<InvalidInput>(HasSubstr("not a JSON object")));
}

TEST(ListChunksTest, ParsesLimitAndContinue) {
  EXPECT_EQ(ParseListRequest("").limit, 0);
  EXPECT_FALSE(ParseListRequest("").continue_from.has_value());
  EXPECT_EQ(ParseListRequest("limit=500").limit, 500);
  EXPECT_EQ(ParseListRequest("limit=-3").limit, 0);  // no limit, as the API server reads it
  EXPECT_EQ(ParseListRequest("watch=false&limit=2&resourceVersion=0").limit, 2);
  const ContinueToken token{42'00, "ns/pod-1"};
  // Percent-encoded as a client may send it.
  std::string escaped;
  for (const char c : EncodeContinueToken(token)) {
    escaped += c == 'e' ? std::string("%65") : std::string(1, c);
  }
  const ListRequest request = ParseListRequest("limit=10&continue=" + escaped);
  EXPECT_EQ(request.limit, 10);
  ASSERT_TRUE(request.continue_from.has_value());
  EXPECT_EQ(*request.continue_from, token);
}

TEST(ListChunksTest, BadParametersAreErrors) {
  EXPECT_THAT([] { ParseListRequest("limit=lots"); },
              ThrowsMessage<InvalidInput>(HasSubstr("limit: invalid value")));
  EXPECT_THAT([] { ParseListRequest("limit=500&continue=bogus!"); },
              ThrowsMessage<InvalidInput>(HasSubstr("invalid continue token")));
  EXPECT_THAT([] { ParseListRequest("continue=%zz"); },
              ThrowsMessage<InvalidInput>(HasSubstr("invalid URL escape")));
}

TEST(ListChunksTest, ResourceVersionsMapToTimesAndBack) {
  EXPECT_EQ(ListTimeOf(ListResourceVersion(1'714'564'800)), 1'714'564'800);
  EXPECT_LT(ListResourceVersion(1'714'564'800), ListResourceVersion(1'714'564'801));
}

}  // namespace
}  // namespace costledger::simulator
