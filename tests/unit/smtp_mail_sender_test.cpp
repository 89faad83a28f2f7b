// The SMTP sender's configuration rules (no server needed; delivery is in
// tests/integration/smtp_delivery_test.cpp).
#include "costledger/delivery/smtp_mail_sender.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "costledger/model/delivery_error.hpp"
#include "costledger/model/errors.hpp"
#include "error_of.hpp"

namespace costledger::delivery {
namespace {

using testing::ErrorOf;
using ::testing::HasSubstr;
using ::testing::Not;

SmtpOptions Options() {
  SmtpOptions o;
  o.url = "smtp://mail.example.com:587";
  o.starttls = StartTls::kRequired;
  o.username = "costledger";
  o.password = "Tr0ub4dor&3";
  return o;
}

TEST(SmtpMailSenderTest, StartTlsModesHaveConfigNames) {
  for (const StartTls mode : {StartTls::kNone, StartTls::kTry, StartTls::kRequired}) {
    EXPECT_EQ(ParseStartTls(ToString(mode)), mode);
  }
  EXPECT_THAT(ErrorOf<InvalidInput>([] { ParseStartTls("always"); }),
              HasSubstr("none, try, required"));
}

TEST(SmtpMailSenderTest, DescriptionNamesServerModeAndUserButNeverThePassword) {
  const SmtpMailSender sender(Options());
  EXPECT_EQ(sender.Description(),
            "smtp://mail.example.com:587 starttls=required auth=costledger password=***");
  SmtpOptions smtps = Options();
  smtps.url = "smtps://mail.example.com:465";
  EXPECT_EQ(SmtpMailSender(smtps).Description(),
            "smtps://mail.example.com:465 auth=costledger password=***");
  SmtpOptions relay;
  relay.url = "smtp://relay:25/costledger.example";
  relay.starttls = StartTls::kTry;
  EXPECT_EQ(SmtpMailSender(relay).Description(), "smtp://relay:25/… starttls=try");
}

TEST(SmtpMailSenderTest, RefusesConfigurationsThatWouldLeakOrCannotWork) {
  SmtpOptions http = Options();
  http.url = "https://mail.example.com";
  EXPECT_THAT(ErrorOf<InvalidInput>([&] { SmtpMailSender{http}; }), HasSubstr("smtp.url"));

  SmtpOptions in_url = Options();
  in_url.url = "smtp://costledger:Tr0ub4dor&3@mail.example.com:587";
  const std::string message = ErrorOf<InvalidInput>([&] { SmtpMailSender{in_url}; });
  EXPECT_THAT(message, HasSubstr("no user or password in the URL"));
  EXPECT_THAT(message, Not(HasSubstr("Tr0ub4dor")));

  SmtpOptions clear = Options();
  clear.starttls = StartTls::kTry;  // might go on in clear
  EXPECT_THAT(ErrorOf<InvalidInput>([&] { SmtpMailSender{clear}; }), HasSubstr("in clear"));
  clear.allow_auth_without_tls = true;
  EXPECT_NO_THROW(SmtpMailSender{clear});

  SmtpOptions no_password = Options();
  no_password.password.clear();
  EXPECT_THAT(ErrorOf<InvalidInput>([&] { SmtpMailSender{no_password}; }),
              HasSubstr("smtp.password"));

  SmtpOptions no_timeout = Options();
  no_timeout.timeout = std::chrono::milliseconds(0);
  EXPECT_THROW(SmtpMailSender{no_timeout}, InvalidInput);
}

TEST(SmtpMailSenderTest, AnInvalidMailFailsPermanentlyBeforeAnyConnection) {
  SmtpOptions o = Options();
  o.url = "smtp://127.0.0.1:1";  // nothing listens there: a connection would be transient
  SmtpMailSender sender(o);
  model::Mail mail;
  mail.from = {"reports@costledger.test", ""};
  mail.message_id = "<x@costledger.test>";
  EXPECT_THAT(ErrorOf<PermanentDeliveryError>([&] { sender.Send(mail); }),
              HasSubstr("no recipient"));
}

}  // namespace
}  // namespace costledger::delivery
