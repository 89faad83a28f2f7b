#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/mail.hpp"

namespace costledger::model {

/// The SMTP envelope of a mail: MAIL FROM and one RCPT TO per recipient.
struct MailEnvelope {
  std::string mail_from;                ///< the From address
  std::vector<std::string> recipients;  ///< To, then Cc, then Bcc; each address once
};

/// `mail` as an RFC 5322 message with MIME (RFC 2045-2049), ready for SMTP DATA: CRLF line
/// endings, no line longer than 78 characters (header lines fold; bodies in quoted-printable,
/// attachments in base64, lines of at most 76 characters).
/// - Headers: Date (UTC, "Mon, 30 Nov 2026 08:00:00 +0000"), From, To, Cc (never Bcc), Subject
///   (RFC 2047 encoded-words when not plain ASCII), Message-ID, MIME-Version, extra headers.
/// - Body: text/plain and, with an HTML body, text/html (both UTF-8, quoted-printable) inside
///   multipart/alternative; with attachments, that inside multipart/mixed, followed by one part
///   per attachment (base64, Content-Disposition: attachment with its file name; RFC 2231 when
///   the name is not plain ASCII). Boundaries start with "=_", which neither quoted-printable
///   nor base64 can produce, so no content can end a part early.
/// Dot-stuffing is the SMTP client's job (libcurl does it), so lines starting with "." are
/// left as they are.
/// Throws InvalidInput naming the field when an address is not a plain ASCII addr-spec, there
/// is no recipient, the Message-ID is malformed, text is not UTF-8, a header name or value is
/// malformed or holds a line break, or an extra header is one the builder writes itself. Pure
/// and thread-safe: the same mail gives the same bytes.
std::string BuildMimeMessage(const Mail& mail);

/// The envelope for `mail` (validated as BuildMimeMessage does). Throws InvalidInput.
MailEnvelope EnvelopeOf(const Mail& mail);

/// True when `address` is an addr-spec this builder accepts: dot-atom local part of at most 64
/// characters, "@", a domain of letters, digits, hyphens and dots (e.g. "localhost"), at most
/// 254 characters in all; no display name, no angle brackets, no white space.
bool IsMailAddress(std::string_view address);

/// `time` as an RFC 5322 date-time in UTC: "Mon, 30 Nov 2026 08:00:00 +0000".
std::string FormatMailDate(std::chrono::sys_seconds time);

}  // namespace costledger::model
