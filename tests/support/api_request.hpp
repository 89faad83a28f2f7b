#pragma once

#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "costledger/http/http_types.hpp"

namespace costledger::testing {

/// A request as the HTTP server hands it to the API: the raw `target`, its percent-decoded path
/// and query (http::ParseTarget), and `Authorization: Bearer <bearer_token>` unless it is
/// nullptr. Header-only, for tests that link the HTTP adapter.
inline http::HttpRequest ApiRequest(const std::string& target, const char* bearer_token,
                                    std::string method = "GET") {
  http::HttpRequest request;
  request.method = std::move(method);
  request.target = target;
  http::ParsedTarget parsed = http::ParseTarget(target);
  request.path = std::move(parsed.path);
  request.query = std::move(parsed.query);
  if (bearer_token != nullptr) {
    request.headers["authorization"] = fmt::format("Bearer {}", bearer_token);
  }
  return request;
}

/// Expects `response` to be the API's JSON error: status `status`, a body starting with
/// {"code":<status>,"message":" and holding `message_part`.
inline void ExpectJsonError(const http::HttpResponse& response, int status,
                            const std::string& message_part) {
  EXPECT_EQ(response.status, status) << response.body;
  EXPECT_THAT(response.body,
              ::testing::StartsWith(fmt::format(R"({{"code":{},"message":")", status)));
  EXPECT_THAT(response.body, ::testing::HasSubstr(message_part));
}

}  // namespace costledger::testing
