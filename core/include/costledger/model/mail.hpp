#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "costledger/model/header_field.hpp"

namespace costledger::model {

/// A mailbox: `address` is the addr-spec ("alice@example.com", ASCII); `display_name` is
/// optional UTF-8 ("Alice Ørsted").
struct MailAddress {
  std::string address;
  std::string display_name;
  friend bool operator==(const MailAddress&, const MailAddress&) = default;
};

/// A file sent with a mail, e.g. a report's CSV.
struct MailAttachment {
  std::string filename;      ///< UTF-8, without a directory: "2026-W48-alpha.csv"
  std::string content_type;  ///< a MIME type with optional parameters: "text/csv; charset=utf-8"
  std::string bytes;         ///< the content, any bytes
};

/// A mail as the reports and the quota alerts compose it; BuildMimeMessage makes it an RFC 5322
/// message and a MailSender delivers it. No I/O, no clock: the caller gives the Date and the
/// Message-ID, so building the same mail twice gives the same bytes.
struct Mail {
  MailAddress from;
  std::vector<MailAddress> to;
  std::vector<MailAddress> cc;
  std::vector<MailAddress> bcc;  ///< receive the mail; written in no header
  std::string subject;           ///< UTF-8, one line
  std::string text_body;         ///< UTF-8; lines end in "\n" or "\r\n"
  std::string html_body;         ///< UTF-8; empty: the mail is text only
  std::vector<MailAttachment> attachments;
  /// "<2026-W48.alpha.report@costledger.example>" (the angle brackets may be left out). The same
  /// id for the same report lets mail clients and archives see a resend as the same message.
  std::string message_id;
  std::chrono::sys_seconds date{};  ///< the Date header (written in UTC)
  /// More headers, e.g. {"X-Costledger-Report", "2026-W48/alpha"}, {"Reply-To", ...}; none of
  /// the headers the builder writes itself (From, To, Cc, Bcc, Subject, Date, Message-ID,
  /// MIME-Version, Content-*).
  std::vector<HeaderField> extra_headers;
};

}  // namespace costledger::model
