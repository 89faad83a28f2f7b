#include "costledger/http/http_types.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "costledger/model/errors.hpp"

namespace costledger::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::ThrowsMessage;

TEST(ParseTargetTest, SplitsPathAndQuery) {
  const ParsedTarget t = ParseTarget("/v1/allocation?window=7d&aggregate=namespace");
  EXPECT_EQ(t.path, "/v1/allocation");
  EXPECT_THAT(t.query, ElementsAre(Pair("aggregate", "namespace"), Pair("window", "7d")));
}

TEST(ParseTargetTest, PathWithoutQuery) {
  EXPECT_EQ(ParseTarget("/healthz").path, "/healthz");
  EXPECT_TRUE(ParseTarget("/healthz").query.empty());
  EXPECT_TRUE(ParseTarget("/healthz?").query.empty());
  EXPECT_EQ(ParseTarget("/").path, "/");
}

TEST(ParseTargetTest, DecodesPercentAndPlusInQuery) {
  const ParsedTarget t =
      ParseTarget("/q?filter=namespace%3A%22kube-system%22&name=a+b%2Bc&%C3%A9=%e2%82%ac");
  EXPECT_EQ(t.query.find("filter")->second, "namespace:\"kube-system\"");
  EXPECT_EQ(t.query.find("name")->second, "a b+c");
  EXPECT_EQ(t.query.find("\xC3\xA9")->second, "\xE2\x82\xAC");
}

TEST(ParseTargetTest, DecodesPathButKeepsPlus) {
  EXPECT_EQ(ParseTarget("/v1/reports/2024-W19/team%20a+b.html").path,
            "/v1/reports/2024-W19/team a+b.html");
}

TEST(ParseTargetTest, KeepsRepeatedParametersInOrder) {
  const ParsedTarget t = ParseTarget("/x?a=1&b=2&a=3&a");
  std::vector<std::string> values;
  const auto [begin, end] = t.query.equal_range("a");
  for (auto it = begin; it != end; ++it) values.push_back(it->second);
  EXPECT_THAT(values, ElementsAre("1", "3", ""));
}

TEST(ParseTargetTest, SkipsEmptyPiecesAndKeepsEmptyValues) {
  const ParsedTarget t = ParseTarget("/x?&&a=&=v&b=c=d");
  EXPECT_THAT(t.query, ElementsAre(Pair("", "v"), Pair("a", ""), Pair("b", "c=d")));
}

TEST(ParseTargetTest, DropsFragmentAndAcceptsAbsoluteForm) {
  EXPECT_EQ(ParseTarget("/a?b=c#frag").query.find("b")->second, "c");
  const ParsedTarget t = ParseTarget("http://example.com:9003/v1/assets?window=1d");
  EXPECT_EQ(t.path, "/v1/assets");
  EXPECT_EQ(t.query.find("window")->second, "1d");
  EXPECT_EQ(ParseTarget("https://example.com").path, "/");
}

TEST(ParseTargetTest, RejectsBadPercentEncoding) {
  for (const char* target : {"/x?a=%", "/x?a=%4", "/x?a=%zz", "/x?%g0=1", "/bad%2", "/b%x1"}) {
    EXPECT_THROW(ParseTarget(target), InvalidInput) << target;
  }
  EXPECT_THAT([] { ParseTarget("/x?window=7d%2"); },
              ThrowsMessage<InvalidInput>(HasSubstr("7d%2")));
}

TEST(ParseTargetTest, RejectsNonOriginTargetsAndNulInPath) {
  EXPECT_THROW(ParseTarget(""), InvalidInput);
  EXPECT_THROW(ParseTarget("*"), InvalidInput);
  EXPECT_THROW(ParseTarget("v1/allocation"), InvalidInput);
  EXPECT_THROW(ParseTarget("/a%00b"), InvalidInput);
}

TEST(HttpRequestTest, QueryReturnsTheFirstValue) {
  HttpRequest request;
  request.query = ParseTarget("/x?a=1&a=2&empty=").query;
  EXPECT_EQ(request.Query("a"), "1");
  EXPECT_EQ(request.Query("empty"), "");
  EXPECT_FALSE(request.Query("missing").has_value());
}

TEST(HttpRequestTest, HeaderReturnsEmptyWhenAbsent) {
  HttpRequest request;
  request.headers["authorization"] = "Bearer x";
  EXPECT_EQ(request.Header("authorization"), "Bearer x");
  EXPECT_EQ(request.Header("x-missing"), "");
}

TEST(JsonErrorTest, BodyIsCodeAndMessage) {
  const HttpResponse r = JsonError(404, "no such quota");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"code":404,"message":"no such quota"})");
}

TEST(JsonErrorTest, EscapesTheMessage) {
  EXPECT_EQ(JsonError(400, "bad \"window\"\n\\ \x01").body,
            R"({"code":400,"message":"bad \"window\"\n\\ \u0001"})");
}

TEST(JsonErrorTest, ReplacesInvalidUtf8InsteadOfThrowing) {
  EXPECT_EQ(JsonError(400, "bad \xff byte").body,
            "{\"code\":400,\"message\":\"bad \xEF\xBF\xBD byte\"}");
}

}  // namespace
}  // namespace costledger::http
