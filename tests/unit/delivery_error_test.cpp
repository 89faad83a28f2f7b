#include "costledger/model/delivery_error.hpp"

#include <gtest/gtest.h>

namespace costledger::model {
namespace {

TEST(DeliveryErrorTest, HttpStatusesSayWhetherToRetry) {
  for (const long s : {200L, 201L, 202L, 204L, 299L}) {
    EXPECT_EQ(OutcomeOfHttpStatus(s), DeliveryOutcome::kDelivered) << s;
  }
  for (const long s : {408L, 429L, 500L, 502L, 503L, 504L, 599L}) {
    EXPECT_EQ(OutcomeOfHttpStatus(s), DeliveryOutcome::kTransient) << s;
  }
  for (const long s : {0L, 100L, 301L, 302L, 400L, 401L, 403L, 404L, 410L, 413L, 422L, 600L}) {
    EXPECT_EQ(OutcomeOfHttpStatus(s), DeliveryOutcome::kPermanent) << s;
  }
}

TEST(DeliveryErrorTest, SmtpRepliesSayWhetherToRetry) {
  for (const long c : {220L, 250L, 354L}) {
    EXPECT_EQ(OutcomeOfSmtpReply(c), DeliveryOutcome::kDelivered) << c;
  }
  for (const long c : {421L, 450L, 451L, 452L, 454L}) {
    EXPECT_EQ(OutcomeOfSmtpReply(c), DeliveryOutcome::kTransient) << c;
  }
  for (const long c : {500L, 530L, 535L, 550L, 552L, 553L, 554L, 0L}) {
    EXPECT_EQ(OutcomeOfSmtpReply(c), DeliveryOutcome::kPermanent) << c;
  }
}

TEST(DeliveryErrorTest, EachKindIsADeliveryErrorThatSaysWhichItIs) {
  try {
    throw TransientDeliveryError("busy", 503, std::chrono::seconds(30));
  } catch (const DeliveryError& e) {
    EXPECT_TRUE(e.transient());
    EXPECT_EQ(e.reply_code(), 503);
    EXPECT_EQ(e.retry_after(), std::chrono::seconds(30));
    EXPECT_STREQ(e.what(), "busy");
  }
  try {
    throw PermanentDeliveryError("no such user", 550);
  } catch (const Error& e) {  // and a costledger::Error
    const auto* delivery = dynamic_cast<const DeliveryError*>(&e);
    ASSERT_NE(delivery, nullptr);
    EXPECT_FALSE(delivery->transient());
    EXPECT_EQ(delivery->reply_code(), 550);
    EXPECT_EQ(delivery->retry_after(), std::nullopt);
  }
}

}  // namespace
}  // namespace costledger::model
