// How the delivery adapter reads libcurl's failures (private to the adapter: tested from its
// sources).
#include "curl_support.hpp"

#include <gtest/gtest.h>

namespace costledger::delivery {
namespace {

using model::DeliveryOutcome;

TEST(CurlSupportTest, NetworkTroubleIsTransient) {
  for (const CURLcode code :
       {CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT,
        CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SSL_CONNECT_ERROR,
        CURLE_WEIRD_SERVER_REPLY, CURLE_PARTIAL_FILE, CURLE_AGAIN}) {
    EXPECT_EQ(OutcomeOfCurlCode(code), DeliveryOutcome::kTransient) << curl_easy_strerror(code);
  }
}

TEST(CurlSupportTest, WhatWillFailAgainIsPermanent) {
  for (const CURLcode code :
       {CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_LOGIN_DENIED, CURLE_USE_SSL_FAILED,
        CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
        CURLE_TOO_MANY_REDIRECTS}) {
    EXPECT_EQ(OutcomeOfCurlCode(code), DeliveryOutcome::kPermanent) << curl_easy_strerror(code);
  }
  EXPECT_EQ(OutcomeOfCurlCode(CURLE_OK), DeliveryOutcome::kDelivered);
}

TEST(CurlSupportTest, HandlesAreFreshAndIndependent) {
  const EasyHandle a = NewEasyHandle();
  const EasyHandle b = NewEasyHandle();
  ASSERT_NE(a.get(), nullptr);
  EXPECT_NE(a.get(), b.get());
}

}  // namespace
}  // namespace costledger::delivery
