// The webhook adapter against a real HTTP receiver on loopback (tests/support/webhook_sink.py,
// started by the test), with the retry helper of the core.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "costledger/delivery/http_webhook_sender.hpp"
#include "costledger/model/delivery_error.hpp"
#include "costledger/model/retry_policy.hpp"
#include "costledger/model/webhook_payload.hpp"
#include "error_of.hpp"
#include "free_tcp_port.hpp"
#include "private_webhook_receiver.hpp"

namespace costledger::delivery {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using testing::ErrorOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::PrivateWebhookReceiver;
using testing::PrivateWebhookReceiverOptions;

model::Notification Summary() {
  model::Notification n;
  n.kind = "weekly_report";
  n.title = "alpha: $1,234.56 in 2026-W48 (+12%)";
  n.text = "Spend rose by $132.10, mostly from spark:nightly-etl <driver> & executors.";
  n.link = "https://costledger.example/v1/reports/2026-W48/alpha.html";
  n.link_text = "Open the report";
  n.fields = {{"Total", "$1,234.56"}, {"Change", "+12%"}, {"Top workload", "spark:nightly-etl"}};
  return n;
}

ports::WebhookRequest Request(const PrivateWebhookReceiver& receiver, std::string body,
                              std::string token = "tok-3f9a") {
  ports::WebhookRequest r;
  r.url = receiver.Url("/hooks/alpha?channel=costs");
  r.json_body = std::move(body);
  r.bearer_token = std::move(token);
  r.headers = {{"X-Costledger-Event", "weekly_report"}};
  return r;
}

// Retry hooks that record the waits instead of sleeping.
struct RecordedWaits {
  std::vector<milliseconds> waits;
  model::RetryHooks Hooks() {
    return {[this](milliseconds d) { waits.push_back(d); }, [] { return 0.0; }, {}};
  }
};

model::RetryPolicy Policy(int attempts) {
  model::RetryPolicy p;
  p.max_attempts = attempts;
  p.initial_delay = milliseconds(100);
  p.max_delay = milliseconds(5000);
  p.backoff_factor = 2.0;
  p.jitter = 0.0;
  return p;
}

int ReplyCodeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const DeliveryError& e) {
    return e.reply_code();
  }
  ADD_FAILURE() << "nothing was thrown";
  return -1;
}

TEST(WebhookDeliveryTest, PostsTheJsonWithContentTypeAndBearerToken) {
  PrivateWebhookReceiver receiver;
  HttpWebhookSender sender;
  const std::string body = model::GenericJsonPayload(Summary());
  sender.Post(Request(receiver, body));

  const std::vector<testing::ReceivedRequest> got = receiver.WaitForRequests(1);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].path, "/hooks/alpha?channel=costs");
  EXPECT_EQ(got[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(got[0].headers.at("authorization"), "Bearer tok-3f9a");
  EXPECT_EQ(got[0].headers.at("x-costledger-event"), "weekly_report");
  EXPECT_EQ(got[0].body, body);
  const nlohmann::json json = nlohmann::json::parse(got[0].body);
  EXPECT_EQ(json.at("title"), Summary().title);
  EXPECT_EQ(json.at("fields").at(2).at("value"), "spark:nightly-etl");
}

TEST(WebhookDeliveryTest, SlackPayloadArrivesAsSentAndWithoutTokenNoAuthorization) {
  PrivateWebhookReceiver receiver;
  HttpWebhookSender sender;
  sender.Post(Request(receiver, model::SlackPayload(Summary()), ""));
  const testing::ReceivedRequest got = receiver.WaitForRequests(1).at(0);
  EXPECT_EQ(got.headers.count("authorization"), 0U);
  const nlohmann::json json = nlohmann::json::parse(got.body);
  EXPECT_THAT(json.at("text").get<std::string>(), HasSubstr("alpha: $1,234.56"));
  EXPECT_EQ(json.at("blocks").at(0).at("type"), "header");
  EXPECT_EQ(json.at("blocks").back().at("elements").at(0).at("url"), Summary().link);
}

TEST(WebhookDeliveryTest, ServerErrorsThenSuccessWithTheRetryHelper) {
  PrivateWebhookReceiverOptions options;
  options.fail_first = 2;
  options.fail_status = 500;
  PrivateWebhookReceiver receiver(options);
  HttpWebhookSender sender;
  RecordedWaits waits;
  const ports::WebhookRequest request = Request(receiver, model::GenericJsonPayload(Summary()));

  const int attempts =
      model::CallWithRetries(Policy(5), waits.Hooks(), [&] { sender.Post(request); });

  EXPECT_EQ(attempts, 3);
  EXPECT_THAT(waits.waits, ElementsAre(milliseconds(100), milliseconds(200)));
  std::vector<int> statuses;
  for (const testing::ReceivedRequest& r : receiver.WaitForRequests(3)) {
    statuses.push_back(r.status);
    EXPECT_EQ(r.body, request.json_body);
  }
  EXPECT_THAT(statuses, ElementsAre(500, 500, 200));
}

TEST(WebhookDeliveryTest, RetriesStopAfterMaxAttemptsWithTheLastTransientError) {
  PrivateWebhookReceiverOptions options;
  options.fail_first = 100;
  options.fail_status = 503;
  PrivateWebhookReceiver receiver(options);
  HttpWebhookSender sender;
  RecordedWaits waits;
  const ports::WebhookRequest request = Request(receiver, "{}");
  EXPECT_EQ(ReplyCodeOf([&] {
              model::CallWithRetries(Policy(3), waits.Hooks(), [&] { sender.Post(request); });
            }),
            503);
  EXPECT_EQ(receiver.Requests().size(), 3U);
  EXPECT_EQ(waits.waits.size(), 2U);
}

TEST(WebhookDeliveryTest, ClientErrorIsPermanentAndNotRetried) {
  PrivateWebhookReceiverOptions options;
  options.fail_first = 100;
  options.fail_status = 404;
  PrivateWebhookReceiver receiver(options);
  HttpWebhookSender sender;
  RecordedWaits waits;
  const ports::WebhookRequest request = Request(receiver, "{}");
  const std::string message = ErrorOf<PermanentDeliveryError>(
      [&] { model::CallWithRetries(Policy(5), waits.Hooks(), [&] { sender.Post(request); }); });
  EXPECT_THAT(message, HasSubstr("HTTP 404"));
  EXPECT_THAT(message, HasSubstr("failing as told"));  // the start of the receiver's answer
  EXPECT_EQ(receiver.Requests().size(), 1U);
  EXPECT_TRUE(waits.waits.empty());
}

TEST(WebhookDeliveryTest, TooManyRequestsIsTransientAndItsRetryAfterIsHonoured) {
  PrivateWebhookReceiverOptions options;
  options.fail_first = 1;
  options.fail_status = 429;
  options.retry_after_seconds = 2;
  PrivateWebhookReceiver receiver(options);
  HttpWebhookSender sender;
  const ports::WebhookRequest request = Request(receiver, "{}");
  try {
    sender.Post(request);
    ADD_FAILURE() << "a 429 was taken for delivered";
  } catch (const TransientDeliveryError& e) {
    EXPECT_EQ(e.reply_code(), 429);
    EXPECT_EQ(e.retry_after(), std::chrono::seconds(2));
  }
  RecordedWaits waits;
  PrivateWebhookReceiver again(options);
  const ports::WebhookRequest second = Request(again, "{}");
  EXPECT_EQ(model::CallWithRetries(Policy(3), waits.Hooks(), [&] { sender.Post(second); }), 2);
  EXPECT_THAT(waits.waits, ElementsAre(milliseconds(2000)));  // not the policy's 100 ms
}

TEST(WebhookDeliveryTest, ConnectionRefusedIsTransient) {
  HttpWebhookSender sender;
  ports::WebhookRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(testing::FreeTcpPort()) + "/hook";
  request.json_body = "{}";
  EXPECT_EQ(ReplyCodeOf([&] {
              try {
                sender.Post(request);
              } catch (const PermanentDeliveryError&) {
                ADD_FAILURE() << "a refused connection was taken for permanent";
                throw;
              }
            }),
            0);
}

TEST(WebhookDeliveryTest, TimeoutIsTransient) {
  PrivateWebhookReceiverOptions options;
  options.delay = milliseconds(3000);
  PrivateWebhookReceiver receiver(options);
  WebhookOptions timeouts;
  timeouts.timeout = milliseconds(300);
  HttpWebhookSender sender(timeouts);
  const auto started = std::chrono::steady_clock::now();
  ErrorOf<TransientDeliveryError>([&] { sender.Post(Request(receiver, "{}")); });
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2500));
}

TEST(WebhookDeliveryTest, ErrorsNameTheHostButNeitherThePathNorTheToken) {
  PrivateWebhookReceiverOptions options;
  options.fail_first = 1;
  PrivateWebhookReceiver receiver(options);
  HttpWebhookSender sender;
  ports::WebhookRequest request = Request(receiver, "{}", "tok-very-secret");
  request.url = receiver.Url("/services/T000/B000/XXXXsecretXXXX");
  const std::string message = ErrorOf<TransientDeliveryError>([&] { sender.Post(request); });
  EXPECT_THAT(message, HasSubstr("http://127.0.0.1:" + std::to_string(receiver.port())));
  EXPECT_THAT(message, HasSubstr("HTTP 500"));
  EXPECT_THAT(message, Not(HasSubstr("secret")));
}

TEST(WebhookDeliveryTest, MalformedRequestsFailPermanentlyWithoutSending) {
  PrivateWebhookReceiver receiver;
  HttpWebhookSender sender;
  ports::WebhookRequest bad_header = Request(receiver, "{}");
  bad_header.headers = {{"X-Evil", "a\r\nX-Injected: 1"}};
  ErrorOf<PermanentDeliveryError>([&] { sender.Post(bad_header); });
  ports::WebhookRequest own_content_type = Request(receiver, "{}");
  own_content_type.headers = {{"content-type", "text/plain"}};
  ErrorOf<PermanentDeliveryError>([&] { sender.Post(own_content_type); });
  ports::WebhookRequest not_http = Request(receiver, "{}");
  not_http.url = "file:///etc/passwd";
  ErrorOf<PermanentDeliveryError>([&] { sender.Post(not_http); });
  EXPECT_TRUE(receiver.Requests().empty());
}

}  // namespace
}  // namespace costledger::delivery
