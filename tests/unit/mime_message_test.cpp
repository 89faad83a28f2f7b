#include "costledger/model/mime_message.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "costledger/model/errors.hpp"
#include "error_of.hpp"
#include "python_server.hpp"  // DecodeBase64

namespace costledger::model {
namespace {

using testing::DecodeBase64;
using ::testing::ElementsAre;
using testing::ErrorOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::chrono::sys_seconds At(int y, unsigned m, unsigned d, int h, int min, int s) {
  return std::chrono::sys_days(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}) +
         std::chrono::hours(h) + std::chrono::minutes(min) + std::chrono::seconds(s);
}

Mail SmallMail() {
  Mail m;
  m.from = {"reports@costledger.test", "Costledger"};
  m.to = {{"alice@example.com", ""}};
  m.subject = "Weekly report 2026-W48";
  m.text_body = "Total: $12.00\n";
  m.message_id = "w48.alpha@costledger.test";
  m.date = At(2026, 11, 30, 8, 0, 0);
  return m;
}

Mail FullMail() {
  Mail m = SmallMail();
  m.html_body = "<p>Total: <b>$12.00</b></p>\n";
  m.attachments = {{"w48.csv", "text/csv; charset=utf-8", "a,b\r\n1,2\r\n"}};
  return m;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// The header block's lines unfolded (a line starting with white space continues the last).
std::vector<std::string> UnfoldedHeaders(const std::string& message) {
  std::vector<std::string> headers;
  for (const std::string& line : Lines(message.substr(0, message.find("\r\n\r\n")))) {
    if (!line.empty() && line[0] == ' ') {
      headers.back() += line;
    } else {
      headers.push_back(line);
    }
  }
  return headers;
}

std::string Header(const std::string& message, const std::string& name) {
  for (const std::string& h : UnfoldedHeaders(message)) {
    if (h.rfind(name + ": ", 0) == 0) return h.substr(name.size() + 2);
  }
  return "(none)";
}

// Decodes a run of "=?UTF-8?B?...?=" words separated by spaces.
std::string DecodeWords(const std::string& words) {
  std::string out;
  std::size_t start = 0;
  while (start < words.size()) {
    std::size_t end = words.find(' ', start);
    if (end == std::string::npos) end = words.size();
    const std::string word = words.substr(start, end - start);
    EXPECT_THAT(word, StartsWith("=?UTF-8?B?"));
    out += DecodeBase64(word.substr(10, word.size() - 12));
    start = end + 1;
  }
  return out;
}

TEST(MimeMessageTest, ATextOnlyMailIsExactlyThis) {
  EXPECT_EQ(BuildMimeMessage(SmallMail()),
            "Date: Mon, 30 Nov 2026 08:00:00 +0000\r\n"
            "From: \"Costledger\" <reports@costledger.test>\r\n"
            "To: alice@example.com\r\n"
            "Subject: Weekly report 2026-W48\r\n"
            "Message-ID: <w48.alpha@costledger.test>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Total: $12.00\r\n"
            "\r\n");
}

TEST(MimeMessageTest, HtmlAndAttachmentsNestAlternativeInsideMixed) {
  const std::string message = BuildMimeMessage(FullMail());
  const std::string mixed = "=_costledger_mixed_";
  const std::string alt = "=_costledger_alt_";
  EXPECT_THAT(Header(message, "Content-Type"), StartsWith("multipart/mixed; boundary=\"" + mixed));
  // In order: mixed opens, alternative opens with text then html and closes, the attachment,
  // mixed closes; the message ends with CRLF.
  const std::size_t open_mixed = message.find("\r\n--" + mixed);
  const std::size_t alternative = message.find("Content-Type: multipart/alternative;");
  const std::size_t text = message.find("Content-Type: text/plain; charset=UTF-8");
  const std::size_t html = message.find("Content-Type: text/html; charset=UTF-8");
  const std::size_t close_alt = message.find("--\r\n--" + mixed);
  const std::size_t csv =
      message.find("Content-Type: text/csv; charset=utf-8;\r\n name=\"w48.csv\"");
  const std::size_t close_mixed = message.rfind("--\r\n");
  for (const std::size_t at : {open_mixed, alternative, text, html, close_alt, csv, close_mixed}) {
    ASSERT_NE(at, std::string::npos) << message;
  }
  EXPECT_LT(open_mixed, alternative);
  EXPECT_LT(alternative, text);
  EXPECT_LT(text, html);
  EXPECT_LT(html, close_alt);
  EXPECT_LT(close_alt, csv);
  EXPECT_LT(csv, close_mixed);
  EXPECT_EQ(close_mixed, message.size() - 4);
  EXPECT_THAT(message, HasSubstr("Content-Transfer-Encoding: base64\r\n"
                                 "Content-Disposition: attachment;\r\n filename=\"w48.csv\"\r\n\r\n"
                                 "YSxiDQoxLDINCg==\r\n--"));
}

TEST(MimeMessageTest, AnHtmlBodyWithoutAttachmentsIsAlternativeAtTheTop) {
  Mail mail = FullMail();
  mail.attachments.clear();
  const std::string message = BuildMimeMessage(mail);
  EXPECT_THAT(Header(message, "Content-Type"), StartsWith("multipart/alternative; boundary="));
  EXPECT_THAT(message, Not(HasSubstr("multipart/mixed")));
  EXPECT_EQ(message.substr(message.size() - 4), "--\r\n");
}

TEST(MimeMessageTest, EveryLineEndsInCrlfAndStaysShort) {
  Mail mail = FullMail();
  mail.subject =
      "A long subject line that goes on and on about the costs of team alpha in "
      "week 48, " +
      std::string(30, 'z') + " and more words to fold";
  mail.to.clear();
  for (int i = 0; i < 12; ++i) {
    mail.to.push_back(
        {"person" + std::to_string(i) + "@example.com", "Person Number " + std::to_string(i)});
  }
  mail.text_body = std::string(500, 'x') + "\n\n" + std::string(300, '=') + "\r\nend";
  mail.html_body = "<table>" + std::string(1000, 't') + "</table>";
  mail.attachments.push_back({"big.bin", "application/octet-stream", std::string(5000, '\xff')});
  const std::string message = BuildMimeMessage(mail);
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\n') {
      ASSERT_EQ(message[i - 1], '\r') << "bare LF at " << i;
    }
    if (message[i] == '\r') {
      ASSERT_EQ(message[i + 1], '\n') << "bare CR at " << i;
    }
  }
  for (const std::string& line : Lines(message)) EXPECT_LE(line.size(), 78U) << line;
  // Unfolding gives the values back.
  EXPECT_EQ(Header(message, "Subject"), mail.subject);
  EXPECT_THAT(Header(message, "To"),
              HasSubstr("\"Person Number 0\" <person0@example.com>, \"Person Number 1\""));
}

TEST(MimeMessageTest, NonAsciiSubjectAndNamesBecomeEncodedWords) {
  Mail mail = SmallMail();
  mail.subject = "Übersicht 2026-W48 — Team Ærø: 1 234,56 € (+12 %) und noch viel mehr Text";
  mail.from.display_name = "Kostenstelle Øst";
  mail.cc = {{"lead@example.com", "Équipe"}};
  mail.extra_headers = {{"X-Team", "Ærø"}, {"X-Plain", "alpha beta"}};
  const std::string message = BuildMimeMessage(mail);
  EXPECT_EQ(DecodeWords(Header(message, "Subject")), mail.subject);
  const std::string from = Header(message, "From");
  EXPECT_EQ(from.substr(from.find(" <")), " <reports@costledger.test>");
  EXPECT_EQ(DecodeWords(from.substr(0, from.find(" <"))), "Kostenstelle Øst");
  EXPECT_EQ(DecodeWords(Header(message, "X-Team")), "Ærø");
  EXPECT_EQ(Header(message, "X-Plain"), "alpha beta");
  for (const char c : message) EXPECT_LT(static_cast<unsigned char>(c), 128U);
}

TEST(MimeMessageTest, SpacesOfAPlainSubjectSurviveFolding) {
  Mail mail = SmallMail();
  mail.subject = "two  spaces " + std::string(60, 'a') + "  " + std::string(60, 'b') + " end";
  EXPECT_EQ(Header(BuildMimeMessage(mail), "Subject"), mail.subject);
}

TEST(MimeMessageTest, DisplayNamesAreQuotedWithTheirQuotesEscaped) {
  Mail mail = SmallMail();
  mail.from.display_name = R"(Ops "night" \ shift)";
  EXPECT_EQ(Header(BuildMimeMessage(mail), "From"),
            R"("Ops \"night\" \\ shift" <reports@costledger.test>)");
}

TEST(MimeMessageTest, LongOrNonAsciiFilenamesUseRfc2231Continuations) {
  Mail mail = FullMail();
  const std::string name = "Kostenübersicht für Team Ærø, Woche 2026-W48 (alle Workloads).csv";
  mail.attachments = {{name, "text/csv", "x"}};
  const std::string message = BuildMimeMessage(mail);
  // filename*0*=UTF-8''...; filename*1*=...; each on its own short line.
  std::string joined;
  int section = 0;
  for (const std::string& line : Lines(message)) {
    const std::size_t at = line.find("filename*");
    if (at == std::string::npos) continue;
    EXPECT_THAT(line, StartsWith(" filename*" + std::to_string(section++) + "*="));
    EXPECT_LE(line.size(), 78U);
    std::string value = line.substr(line.find('=') + 1);
    if (!value.empty() && value.back() == ';') value.pop_back();
    joined += value;
  }
  EXPECT_GE(section, 2);
  ASSERT_THAT(joined, StartsWith("UTF-8''"));
  std::string decoded;
  for (std::size_t i = 7; i < joined.size(); ++i) {
    if (joined[i] == '%') {
      decoded.push_back(static_cast<char>(std::stoi(joined.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      decoded.push_back(joined[i]);
    }
  }
  EXPECT_EQ(decoded, name);
  EXPECT_THAT(message, Not(HasSubstr("name=\"Kosten")));  // no raw 8-bit name= either
}

TEST(MimeMessageTest, BoundariesCannotOccurInEncodedContent) {
  Mail mail = FullMail();
  const std::string first = BuildMimeMessage(mail);
  const std::size_t at = first.find("boundary=\"") + 10;
  const std::string boundary = first.substr(at, first.find('"', at) - at);
  mail.text_body = "--" + boundary + "\n--" + boundary + "--\n";
  mail.html_body = mail.text_body;
  mail.attachments[0].bytes = mail.text_body;
  const std::string message = BuildMimeMessage(mail);
  std::size_t count = 0;
  for (std::size_t p = message.find("\r\n--" + boundary); p != std::string::npos;
       p = message.find("\r\n--" + boundary, p + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3U);  // the alternative part opens, the attachment, the close
}

TEST(MimeMessageTest, TheSameMailGivesTheSameBytes) {
  EXPECT_EQ(BuildMimeMessage(FullMail()), BuildMimeMessage(FullMail()));
  Mail other = FullMail();
  other.message_id = "<w48.beta@costledger.test>";
  EXPECT_NE(BuildMimeMessage(other).substr(300), BuildMimeMessage(FullMail()).substr(300));
}

TEST(MimeMessageTest, EnvelopeHasEveryRecipientOnceAndBccStaysOutOfTheHeaders) {
  Mail mail = SmallMail();
  mail.to = {{"a@example.com", ""}, {"b@example.com", "B"}};
  mail.cc = {{"c@example.com", ""}, {"a@example.com", "A again"}};
  mail.bcc = {{"archive@example.com", ""}};
  const MailEnvelope envelope = EnvelopeOf(mail);
  EXPECT_EQ(envelope.mail_from, "reports@costledger.test");
  EXPECT_THAT(envelope.recipients, ElementsAre("a@example.com", "b@example.com", "c@example.com",
                                               "archive@example.com"));
  const std::string message = BuildMimeMessage(mail);
  EXPECT_THAT(message, Not(HasSubstr("archive@")));
  EXPECT_THAT(message, Not(HasSubstr("Bcc")));
  Mail bcc_only = SmallMail();
  bcc_only.to.clear();
  bcc_only.bcc = {{"archive@example.com", ""}};
  EXPECT_THAT(BuildMimeMessage(bcc_only), Not(HasSubstr("\r\nTo:")));
}

TEST(MimeMessageTest, MailAddressesArePlainAddrSpecs) {
  for (const char* ok : {"alice@example.com", "a.b+tag@sub.example.co.uk", "root@localhost",
                         "o'brien@example.com", "x_y-z@ex-ample.com"}) {
    EXPECT_TRUE(IsMailAddress(ok)) << ok;
  }
  for (const char* bad :
       {"", "alice", "@example.com", "alice@", "al ice@example.com", "alice@exa mple.com",
        "<alice@example.com>", "Alice <alice@example.com>", ".alice@example.com",
        "alice.@example.com", "al..ice@example.com", "alice@-example.com", "alice@example..com",
        "ålice@example.com", "alice@exämple.com", "a\r\nb@example.com", "a@b@example.com",
        "\"quoted\"@example.com"}) {
    EXPECT_FALSE(IsMailAddress(bad)) << bad;
  }
  EXPECT_FALSE(IsMailAddress(std::string(65, 'a') + "@example.com"));
  EXPECT_TRUE(IsMailAddress(std::string(64, 'a') + "@example.com"));
}

TEST(MimeMessageTest, MalformedMailsAreRefusedNamingTheField) {
  const auto refused = [](const std::function<void(Mail&)>& change) {
    Mail mail = FullMail();
    change(mail);
    return ErrorOf<InvalidInput>([&] { BuildMimeMessage(mail); });
  };
  EXPECT_THAT(refused([](Mail& m) { m.from.address = "nobody"; }), HasSubstr("mail.from"));
  EXPECT_THAT(refused([](Mail& m) {
                m.to.push_back({"x@y.com>\r\nRCPT TO:<z@w.com", ""});
              }),
              HasSubstr("mail.to[1]"));
  EXPECT_THAT(refused([](Mail& m) { m.cc = {{"bad", ""}}; }), HasSubstr("mail.cc[0]"));
  EXPECT_THAT(refused([](Mail& m) { m.bcc = {{"bad", ""}}; }), HasSubstr("mail.bcc[0]"));
  EXPECT_THAT(refused([](Mail& m) { m.to.clear(); }), HasSubstr("no recipient"));
  EXPECT_THAT(refused([](Mail& m) { m.to[0].display_name = "A\r\nBcc: x@y.com"; }),
              HasSubstr("line break"));
  EXPECT_THAT(refused([](Mail& m) { m.subject = "Hi\r\nBcc: evil@example.com"; }),
              HasSubstr("mail.subject"));
  EXPECT_THAT(refused([](Mail& m) { m.subject = "\xC3("; }), HasSubstr("UTF-8"));
  EXPECT_THAT(refused([](Mail& m) { m.text_body = "\xFF"; }), HasSubstr("mail.text_body"));
  EXPECT_THAT(refused([](Mail& m) { m.html_body = "\xC0\x80"; }), HasSubstr("mail.html_body"));
  EXPECT_THAT(refused([](Mail& m) { m.message_id = ""; }), HasSubstr("mail.message_id"));
  EXPECT_THAT(refused([](Mail& m) { m.message_id = "<no-at-sign>"; }), HasSubstr("message_id"));
  EXPECT_THAT(refused([](Mail& m) { m.message_id = "a b@c"; }), HasSubstr("message_id"));
  EXPECT_THAT(refused([](Mail& m) {
                m.extra_headers = {{"Bcc", "x@y.com"}};
              }),
              HasSubstr("extra_headers[0]"));
  EXPECT_THAT(refused([](Mail& m) {
                m.extra_headers = {{"content-type", "text/plain"}};
              }),
              HasSubstr("written by the builder"));
  EXPECT_THAT(refused([](Mail& m) {
                m.extra_headers = {{"X-A", "1"}, {"Bad Name", "v"}};
              }),
              HasSubstr("extra_headers[1]"));
  EXPECT_THAT(refused([](Mail& m) {
                m.extra_headers = {{"X-A", "v\nX-B: w"}};
              }),
              HasSubstr("line break"));
  EXPECT_THAT(refused([](Mail& m) { m.attachments[0].filename = "../etc/passwd"; }),
              HasSubstr("attachments[0]"));
  EXPECT_THAT(refused([](Mail& m) { m.attachments[0].filename = ""; }),
              HasSubstr("attachments[0]"));
  EXPECT_THAT(refused([](Mail& m) { m.attachments[0].content_type = "csv"; }),
              HasSubstr("MIME type"));
  EXPECT_THAT(refused([](Mail& m) { m.attachments[0].content_type = "text/csv\r\nX: y"; }),
              HasSubstr("attachments[0]"));
}

TEST(MimeMessageTest, DatesAreRfc5322InUtc) {
  EXPECT_EQ(FormatMailDate(std::chrono::sys_seconds{}), "Thu, 1 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatMailDate(At(2024, 2, 29, 23, 59, 59)), "Thu, 29 Feb 2024 23:59:59 +0000");
  EXPECT_EQ(FormatMailDate(At(2026, 12, 28, 7, 5, 9)), "Mon, 28 Dec 2026 07:05:09 +0000");
  EXPECT_EQ(FormatMailDate(At(2027, 1, 3, 12, 0, 0)), "Sun, 3 Jan 2027 12:00:00 +0000");
}

}  // namespace
}  // namespace costledger::model
