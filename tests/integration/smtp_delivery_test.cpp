// The SMTP adapter against a real SMTP server on loopback (Debian's python3-aiosmtpd, started
// by the test): what arrives is parsed by Python's email module and compared with what was
// sent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "costledger/delivery/smtp_mail_sender.hpp"
#include "costledger/model/delivery_error.hpp"
#include "costledger/model/mail.hpp"
#include "costledger/model/mime_encoding.hpp"
#include "error_of.hpp"
#include "private_smtp.hpp"

namespace costledger::delivery {
namespace {

using model::Mail;
using ::testing::ElementsAre;
using testing::ErrorOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::PrivateSmtp;
using testing::PrivateSmtpOptions;
using ::testing::UnorderedElementsAre;

constexpr std::string_view kPassword = "s3cr3t p@ss!";

std::string Lf(std::string text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  return out;
}

std::string Csv() {
  std::string csv = "workload,platform,cost_dollars,cpu_efficiency,note\r\n";
  for (int i = 0; i < 40; ++i) {
    csv += "jupyter:user-" + std::to_string(i) + ",jupyterhub," + std::to_string(i * 17) +
           ".25,0.4" + std::to_string(i % 10) +
           ",\"a long note with, commas and \"\"quotes\"\" and ünïcödé that runs past 76 "
           "characters\"\r\n";
  }
  return csv;
}

Mail ReportMail() {
  Mail m;
  m.from = {"reports@costledger.test", "Costledger Reports"};
  m.to = {{"alice@example.com", "Alice Ørsted"}};
  m.subject = "Weekly cost report 2026-W48 — team alpha: $1,234.56 (+12 % on last week)";
  m.text_body =
      "Team alpha spent $1,234.56 in 2026-W48 (+12 %).\n"
      ".\n"
      ".a line that starts with a dot\n"
      "..two dots\n"
      "Ends with spaces   \n"
      "Equals = signs and € and a tab\there\n" +
      std::string(200, 'x') + "\n";
  m.html_body =
      "<!doctype html><html><body style=\"font-family:sans-serif;color:#222;background:#fff\">"
      "<h1>Team alpha — 2026-W48</h1><p>Total <b>$1,234.56</b> (+12&nbsp;%).</p>\n"
      ".\n<p>" +
      std::string(300, 'y') + "</p></body></html>\n";
  m.attachments = {{"2026-W48-alpha.csv", "text/csv; charset=utf-8", Csv()}};
  m.message_id = "<2026-W48.alpha.report@costledger.test>";
  m.date = std::chrono::sys_days(std::chrono::year{2026} / 11 / 30) + std::chrono::hours(8);
  m.extra_headers = {{"X-Costledger-Report", "2026-W48/alpha"}};
  return m;
}

SmtpOptions Plain(const PrivateSmtp& smtp) {
  SmtpOptions o;
  o.url = smtp.Url();
  o.starttls = StartTls::kNone;
  o.timeout = std::chrono::seconds(20);
  return o;
}

SmtpOptions WithAuth(const PrivateSmtp& smtp, std::string_view password) {
  SmtpOptions o;
  o.url = smtp.Url();
  o.starttls = StartTls::kRequired;
  o.ca_file = smtp.ca_file();
  o.username = "reports";
  o.password = std::string(password);
  o.timeout = std::chrono::seconds(20);
  return o;
}

PrivateSmtpOptions AuthServer(PrivateSmtpOptions::Tls tls) {
  PrivateSmtpOptions o;
  o.tls = tls;
  o.user = "reports";
  o.password = std::string(kPassword);
  return o;
}

// Nothing arrives within a short while (a refused mail must not be delivered).
void ExpectNothingArrives(const PrivateSmtp& smtp) {
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(smtp.Messages().empty());
}

TEST(SmtpDeliveryTest, TextHtmlAndCsvArriveOnceAndWellFormed) {
  PrivateSmtp smtp;
  SmtpMailSender sender(Plain(smtp));
  const Mail mail = ReportMail();
  sender.Send(mail);

  smtp.WaitForMessages(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // and no second copy
  const std::vector<testing::ReceivedMail> received = smtp.Messages();
  ASSERT_EQ(received.size(), 1U);
  const testing::ReceivedMail& m = received[0];
  EXPECT_EQ(m.mail_from, "reports@costledger.test");
  EXPECT_THAT(m.rcpt_tos, ElementsAre("alice@example.com"));

  const nlohmann::json& p = m.parsed;
  EXPECT_TRUE(p.at("defects").empty()) << p.at("defects").dump();
  EXPECT_FALSE(p.at("bare_line_feeds").get<bool>());
  EXPECT_TRUE(p.at("ends_with_crlf").get<bool>());
  EXPECT_LE(p.at("max_line_length").get<int>(), 78);
  EXPECT_EQ(p.at("structure"), nlohmann::json::parse(R"({"type": "multipart/mixed", "parts": [
              {"type": "multipart/alternative",
               "parts": [{"type": "text/plain"}, {"type": "text/html"}]},
              {"type": "text/csv"}]})"));

  const nlohmann::json& h = p.at("headers");
  EXPECT_EQ(h.at("Subject"), mail.subject);
  EXPECT_EQ(h.at("From"), "Costledger Reports <reports@costledger.test>");
  EXPECT_EQ(h.at("To"), "Alice Ørsted <alice@example.com>");
  EXPECT_EQ(h.at("Date"), "Mon, 30 Nov 2026 08:00:00 +0000");
  EXPECT_EQ(h.at("Message-ID"), "<2026-W48.alpha.report@costledger.test>");
  EXPECT_EQ(h.at("MIME-Version"), "1.0");
  EXPECT_EQ(h.at("X-Costledger-Report"), "2026-W48/alpha");

  ASSERT_EQ(m.parts.size(), 3U);
  EXPECT_EQ(m.parts[0].content_type, "text/plain");
  EXPECT_EQ(m.parts[0].charset, "utf-8");
  // The lines "." and ".a line..." arrive intact: libcurl dot-stuffed them, the server
  // unstuffed them.
  EXPECT_EQ(Lf(m.parts[0].text), mail.text_body);
  EXPECT_EQ(m.parts[1].content_type, "text/html");
  EXPECT_EQ(Lf(m.parts[1].text), mail.html_body);
  EXPECT_EQ(m.parts[2].content_type, "text/csv");
  EXPECT_EQ(m.parts[2].disposition, "attachment");
  EXPECT_EQ(m.parts[2].filename, "2026-W48-alpha.csv");
  EXPECT_EQ(m.parts[2].transfer_encoding, "base64");
  EXPECT_EQ(m.parts[2].bytes, mail.attachments[0].bytes);  // byte for byte, CRLFs included
}

TEST(SmtpDeliveryTest, NonAsciiNamesAndTextOnlyMailsDecodeAsSent) {
  PrivateSmtp smtp;
  SmtpMailSender sender(Plain(smtp));
  Mail mail = ReportMail();
  mail.html_body.clear();
  mail.from.display_name = "Kostenstelle \"Plattform\" Übersicht";
  mail.subject = std::string(3, ' ') + "Übersicht " + std::string(120, 'w') + " €";
  mail.attachments = {
      {"Kostenübersicht für Team Ærø, Woche 2026-W48 (alle Workloads) – vollständig.csv",
       "text/csv; charset=utf-8", "a,b\r\n1,2\r\n"},
      {"binary.bin", "application/octet-stream", std::string("\0\x01\xff\r\n.\r\n", 8)}};
  sender.Send(mail);

  const testing::ReceivedMail m = smtp.WaitForMessages(1).at(0);
  EXPECT_TRUE(m.parsed.at("defects").empty()) << m.parsed.at("defects").dump();
  EXPECT_LE(m.parsed.at("max_line_length").get<int>(), 78);
  EXPECT_EQ(m.parsed.at("headers").at("Subject"), mail.subject);
  EXPECT_EQ(m.parsed.at("headers").at("From"),
            "\"Kostenstelle \\\"Plattform\\\" Übersicht\" <reports@costledger.test>");
  EXPECT_EQ(m.parsed.at("structure").at("parts").at(0).at("type"), "text/plain");
  ASSERT_EQ(m.parts.size(), 3U);
  EXPECT_EQ(Lf(m.parts[0].text), mail.text_body);
  EXPECT_EQ(m.parts[1].filename, mail.attachments[0].filename);
  EXPECT_EQ(m.parts[1].bytes, mail.attachments[0].bytes);
  EXPECT_EQ(m.parts[2].filename, "binary.bin");
  EXPECT_EQ(m.parts[2].bytes, mail.attachments[1].bytes);
}

TEST(SmtpDeliveryTest, EveryRecipientGetsTheOneMessageAndBccStaysHidden) {
  PrivateSmtp smtp;
  SmtpMailSender sender(Plain(smtp));
  Mail mail = ReportMail();
  mail.to = {{"alice@example.com", ""}, {"bob@example.com", "Bob"}};
  mail.cc = {{"lead@example.com", "Team lead"}, {"alice@example.com", ""}};
  mail.bcc = {{"archive@costledger.test", ""}};
  sender.Send(mail);

  smtp.WaitForMessages(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::vector<testing::ReceivedMail> received = smtp.Messages();
  ASSERT_EQ(received.size(), 1U);
  EXPECT_THAT(received[0].rcpt_tos,
              UnorderedElementsAre("alice@example.com", "bob@example.com", "lead@example.com",
                                   "archive@costledger.test"));
  const nlohmann::json& h = received[0].parsed.at("headers");
  EXPECT_EQ(h.at("To"), "alice@example.com, Bob <bob@example.com>");
  EXPECT_EQ(h.at("Cc"), "Team lead <lead@example.com>, alice@example.com");
  EXPECT_THAT(received[0].parsed.at("header_names").get<std::vector<std::string>>(),
              Not(::testing::Contains("Bcc")));
  EXPECT_THAT(received[0].raw, Not(HasSubstr("archive@")));
}

TEST(SmtpDeliveryTest, AuthAfterStartTlsDelivers) {
  PrivateSmtp smtp(AuthServer(PrivateSmtpOptions::Tls::kStartTls));
  SmtpMailSender sender(WithAuth(smtp, kPassword));
  sender.Send(ReportMail());
  const testing::ReceivedMail m = smtp.WaitForMessages(1).at(0);
  EXPECT_EQ(m.auth_login, "reports");
  EXPECT_TRUE(m.tls);
  EXPECT_TRUE(m.parsed.at("defects").empty());
}

TEST(SmtpDeliveryTest, AuthOverImplicitTlsDelivers) {
  PrivateSmtp smtp(AuthServer(PrivateSmtpOptions::Tls::kImplicit));
  ASSERT_EQ(smtp.Url().rfind("smtps://", 0), 0U);
  SmtpMailSender sender(WithAuth(smtp, kPassword));
  sender.Send(ReportMail());
  const testing::ReceivedMail m = smtp.WaitForMessages(1).at(0);
  EXPECT_EQ(m.auth_login, "reports");
  EXPECT_TRUE(m.tls);
}

TEST(SmtpDeliveryTest, AuthWithoutTlsDeliversWhenAllowed) {
  PrivateSmtp smtp(AuthServer(PrivateSmtpOptions::Tls::kNone));
  SmtpOptions o = WithAuth(smtp, kPassword);
  o.starttls = StartTls::kNone;
  o.allow_auth_without_tls = true;
  SmtpMailSender sender(o);
  sender.Send(ReportMail());
  const testing::ReceivedMail m = smtp.WaitForMessages(1).at(0);
  EXPECT_EQ(m.auth_login, "reports");
  EXPECT_FALSE(m.tls);
}

TEST(SmtpDeliveryTest, WrongPasswordFailsPermanentlyAndIsNeverShown) {
  PrivateSmtp smtp(AuthServer(PrivateSmtpOptions::Tls::kStartTls));
  const std::string wrong = "wrong-Passw0rd";
  SmtpOptions o = WithAuth(smtp, wrong);
  std::vector<std::string> trace;
  o.trace = [&trace](std::string_view line) { trace.emplace_back(line); };
  SmtpMailSender sender(o);

  int reply = 0;
  const std::string message = ErrorOf<PermanentDeliveryError>([&] {
    try {
      sender.Send(ReportMail());
    } catch (const DeliveryError& e) {
      reply = e.reply_code();
      throw;
    }
  });
  EXPECT_EQ(reply, 535);
  EXPECT_THAT(message, HasSubstr("535"));
  EXPECT_THAT(message, Not(HasSubstr(wrong)));
  EXPECT_THAT(sender.Description(), Not(HasSubstr(wrong)));
  // The trace shows the conversation (so it was on) but no form of the credentials: neither
  // the password, nor its base64 (AUTH LOGIN), nor PLAIN's "\0user\0password" in base64.
  ASSERT_FALSE(trace.empty());
  EXPECT_THAT(trace, ::testing::Contains(HasSubstr("STARTTLS")));
  EXPECT_THAT(trace, ::testing::Contains(HasSubstr("AUTH")));
  const std::string plain = model::EncodeBase64(std::string("\0reports\0", 9) + wrong);
  const std::string login = model::EncodeBase64(wrong);
  for (const std::string& line : trace) {
    EXPECT_THAT(line, Not(HasSubstr(wrong)));
    EXPECT_THAT(line, Not(HasSubstr(plain)));
    EXPECT_THAT(line, Not(HasSubstr(login)));
  }
  ExpectNothingArrives(smtp);
}

TEST(SmtpDeliveryTest, StartTlsRequiredButNotOfferedFailsPermanently) {
  PrivateSmtp smtp;
  SmtpOptions o = Plain(smtp);
  o.starttls = StartTls::kRequired;
  SmtpMailSender sender(o);
  EXPECT_THAT(ErrorOf<PermanentDeliveryError>([&] { sender.Send(ReportMail()); }),
              HasSubstr("TLS"));
  ExpectNothingArrives(smtp);
}

TEST(SmtpDeliveryTest, CertificateThatDoesNotVerifyFailsPermanently) {
  PrivateSmtp smtp(AuthServer(PrivateSmtpOptions::Tls::kStartTls));
  SmtpOptions o = WithAuth(smtp, kPassword);
  o.ca_file.clear();  // the system's CAs do not know the test's self-signed certificate
  SmtpMailSender sender(o);
  ErrorOf<PermanentDeliveryError>([&] { sender.Send(ReportMail()); });
  ExpectNothingArrives(smtp);
}

TEST(SmtpDeliveryTest, DownServerIsTransient) {
  PrivateSmtp smtp;
  SmtpMailSender sender(Plain(smtp));
  smtp.Stop();
  int reply = -1;
  ErrorOf<TransientDeliveryError>([&] {
    try {
      sender.Send(ReportMail());
    } catch (const DeliveryError& e) {
      reply = e.reply_code();
      throw;
    }
  });
  EXPECT_EQ(reply, 0);
}

TEST(SmtpDeliveryTest, RefusedRecipientFailsPermanentlyAndNothingIsSent) {
  PrivateSmtp smtp;
  SmtpMailSender sender(Plain(smtp));
  Mail mail = ReportMail();
  mail.to.push_back({"refuse550-nobody@example.com", ""});
  int reply = 0;
  ErrorOf<PermanentDeliveryError>([&] {
    try {
      sender.Send(mail);
    } catch (const DeliveryError& e) {
      reply = e.reply_code();
      throw;
    }
  });
  EXPECT_EQ(reply, 550);
  ExpectNothingArrives(smtp);
}

TEST(SmtpDeliveryTest, DeferredRecipientIsTransient) {
  PrivateSmtp smtp;
  SmtpMailSender sender(Plain(smtp));
  Mail mail = ReportMail();
  mail.cc.push_back({"defer451-busy@example.com", ""});
  int reply = 0;
  ErrorOf<TransientDeliveryError>([&] {
    try {
      sender.Send(mail);
    } catch (const DeliveryError& e) {
      reply = e.reply_code();
      throw;
    }
  });
  EXPECT_EQ(reply, 451);
  ExpectNothingArrives(smtp);
}

TEST(SmtpDeliveryTest, MalformedAddressFailsPermanentlyBeforeAnythingIsSent) {
  PrivateSmtp smtp;
  SmtpMailSender sender(Plain(smtp));
  Mail mail = ReportMail();
  mail.to.push_back({"bob@example.com>\r\nRCPT TO:<evil@example.com", ""});
  EXPECT_THAT(ErrorOf<PermanentDeliveryError>([&] { sender.Send(mail); }), HasSubstr("to[1]"));
  ExpectNothingArrives(smtp);
}

TEST(SmtpDeliveryTest, SendsFromSeveralThreadsAtOnce) {
  PrivateSmtp smtp;
  SmtpMailSender sender(Plain(smtp));
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&sender, i] {
      Mail mail = ReportMail();
      mail.message_id = "<m" + std::to_string(i) + "@costledger.test>";
      sender.Send(mail);
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<std::string> ids;
  for (const testing::ReceivedMail& m : smtp.WaitForMessages(kThreads)) {
    ids.push_back(m.parsed.at("headers").at("Message-ID").get<std::string>());
  }
  EXPECT_THAT(ids, UnorderedElementsAre("<m0@costledger.test>", "<m1@costledger.test>",
                                        "<m2@costledger.test>", "<m3@costledger.test>"));
}

}  // namespace
}  // namespace costledger::delivery
