#include "costledger/model/mime_message.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include "costledger/model/errors.hpp"
#include "costledger/model/mime_encoding.hpp"
#include "costledger/model/utf8.hpp"

namespace costledger::model {
namespace {

constexpr std::size_t kFoldAt = 78;          // RFC 5322 2.1.1: SHOULD
constexpr std::size_t kMaxLine = 998;        // RFC 5322 2.1.1: MUST
constexpr std::size_t kMaxPlainWord = 70;    // a longer word is encoded so that it can fold
constexpr std::size_t kParameterChunk = 60;  // characters of an RFC 2231 continuation
constexpr std::size_t kMaxFilenameBytes = 255;

[[noreturn]] void Invalid(std::string_view field, std::string_view what) {
  throw InvalidInput(fmt::format("mail.{}: {}", field, what));
}

bool IsAtext(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)) != 0) return true;
  constexpr std::string_view kSymbols = "!#$%&'*+-/=?^_`{|}~";
  return kSymbols.find(c) != std::string_view::npos;
}

bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char previous = 0;
  for (const char c : s) {
    if (c == '.' ? previous == '.' : !IsAtext(c)) return false;
    previous = c;
  }
  return true;
}

bool IsDomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = s.find('.', start);
    const std::string_view label =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

void CheckUtf8(std::string_view field, std::string_view text) {
  if (!IsValidUtf8(text)) Invalid(field, "not valid UTF-8");
}

void CheckAddress(std::string_view field, const MailAddress& a) {
  if (!IsMailAddress(a.address)) {
    Invalid(field, fmt::format("'{}' is not a mail address (addr-spec such as alice@example.com)",
                               a.address));
  }
  CheckUtf8(field, a.display_name);
  if (HasLineBreak(a.display_name)) Invalid(field, "the display name holds a line break");
}

// The id inside the angle brackets.
std::string_view MessageIdCore(std::string_view id) {
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') return id.substr(1, id.size() - 2);
  return id;
}

void CheckMessageId(std::string_view id) {
  const std::string_view core = MessageIdCore(id);
  const std::size_t at = core.find('@');
  const bool ok = !core.empty() && core.size() <= 250 && at != 0 && at != std::string_view::npos &&
                  at + 1 < core.size() && core.find('@', at + 1) == std::string_view::npos &&
                  std::all_of(core.begin(), core.end(), [](char c) {
                    const auto u = static_cast<unsigned char>(c);
                    return u > 32 && u < 127 && c != '<' && c != '>' && c != '"' && c != '\\';
                  });
  if (!ok) Invalid("message_id", fmt::format("'{}' is not a Message-ID such as <id@host>", id));
}

bool IsReservedHeader(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  static constexpr std::array<std::string_view, 8> kReserved = {
      "from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version"};
  return std::find(kReserved.begin(), kReserved.end(), lower) != kReserved.end() ||
         lower.rfind("content-", 0) == 0;
}

void CheckHeader(std::size_t index, const HeaderField& h) {
  const std::string field = fmt::format("extra_headers[{}]", index);
  const bool name_ok = !h.name.empty() && h.name.size() <= 76 &&
                       std::all_of(h.name.begin(), h.name.end(), [](char c) {
                         const auto u = static_cast<unsigned char>(c);
                         return u > 32 && u < 127 && c != ':';
                       });
  if (!name_ok) Invalid(field, fmt::format("'{}' is not a header name", h.name));
  if (IsReservedHeader(h.name)) {
    Invalid(field, fmt::format("{} is written by the builder from the mail's fields", h.name));
  }
  CheckUtf8(field, h.value);
  if (HasLineBreak(h.value)) Invalid(field, "the value holds a line break");
}

void CheckFilename(std::string_view field, std::string_view name) {
  CheckUtf8(field, name);
  if (name.empty() || name.size() > kMaxFilenameBytes) {
    Invalid(field, fmt::format("a file name of 1 to {} bytes", kMaxFilenameBytes));
  }
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 32 || u == 127 || c == '/' || c == '\\') {
      Invalid(field, "the file name holds a control character or a directory separator");
    }
  }
}

void CheckContentType(std::string_view field, std::string_view type) {
  const std::size_t slash = type.find('/');
  const bool ok = slash != 0 && slash != std::string_view::npos && slash + 1 < type.size() &&
                  std::all_of(type.begin(), type.end(), [](char c) {
                    const auto u = static_cast<unsigned char>(c);
                    return u >= 32 && u < 127;
                  });
  if (!ok) Invalid(field, fmt::format("'{}' is not a MIME type such as text/csv", type));
}

void Validate(const Mail& mail) {
  CheckAddress("from", mail.from);
  for (std::size_t i = 0; i < mail.to.size(); ++i)
    CheckAddress(fmt::format("to[{}]", i), mail.to[i]);
  for (std::size_t i = 0; i < mail.cc.size(); ++i)
    CheckAddress(fmt::format("cc[{}]", i), mail.cc[i]);
  for (std::size_t i = 0; i < mail.bcc.size(); ++i) {
    CheckAddress(fmt::format("bcc[{}]", i), mail.bcc[i]);
  }
  if (mail.to.empty() && mail.cc.empty() && mail.bcc.empty()) {
    Invalid("to", "no recipient (to, cc and bcc are all empty)");
  }
  CheckUtf8("subject", mail.subject);
  if (HasLineBreak(mail.subject)) Invalid("subject", "holds a line break");
  CheckUtf8("text_body", mail.text_body);
  CheckUtf8("html_body", mail.html_body);
  CheckMessageId(mail.message_id);
  for (std::size_t i = 0; i < mail.extra_headers.size(); ++i) CheckHeader(i, mail.extra_headers[i]);
  for (std::size_t i = 0; i < mail.attachments.size(); ++i) {
    const std::string field = fmt::format("attachments[{}]", i);
    CheckFilename(field, mail.attachments[i].filename);
    CheckContentType(field, mail.attachments[i].content_type);
  }
}

// The words of `text` split at each space, so that joining them with single spaces (or with
// CRLF + space, which unfolds to a space) gives `text` back exactly.
std::vector<std::string> SplitAtSpaces(std::string_view text) {
  std::vector<std::string> words;
  std::size_t start = 0;
  for (;;) {
    const std::size_t space = text.find(' ', start);
    words.emplace_back(text.substr(
        start, space == std::string_view::npos ? std::string_view::npos : space - start));
    if (space == std::string_view::npos) return words;
    start = space + 1;
  }
}

// Unstructured text (a subject, a display name) as header words: plain ASCII words when they
// can fold, else RFC 2047 encoded-words.
std::vector<std::string> TextWords(std::string_view text) {
  if (text.empty()) return {};
  std::vector<std::string> words = SplitAtSpaces(text);
  const bool plain = !NeedsEncodedWords(text) &&
                     std::none_of(words.begin(), words.end(),
                                  [](const std::string& w) { return w.size() > kMaxPlainWord; });
  return plain ? words : SplitAtSpaces(EncodeWords(text));
}

// "Name: word word ..." folded before a word that would pass column 78 (RFC 5322 2.2.3).
void AppendHeader(std::string& out, std::string_view name, const std::vector<std::string>& words) {
  std::string line = fmt::format("{}:", name);
  bool line_has_word = false;
  for (const std::string& word : words) {
    if (line_has_word && line.size() + 1 + word.size() > kFoldAt) {
      if (line.size() > kMaxLine) throw InvalidInput(fmt::format("mail: header {} too long", name));
      out += line;
      out += "\r\n";
      line.clear();
    }
    line.push_back(' ');
    line += word;
    line_has_word = true;
  }
  if (line.size() > kMaxLine) throw InvalidInput(fmt::format("mail: header {} too long", name));
  out += line;
  out += "\r\n";
}

std::string QuotedString(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// A mailbox list as header words: `"Name" <addr>,` or `=?UTF-8?B?...?= <addr>,` or `addr,`.
std::vector<std::string> MailboxWords(const std::vector<MailAddress>& list) {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const MailAddress& a = list[i];
    const std::string separator = i + 1 < list.size() ? "," : "";
    if (a.display_name.empty()) {
      words.push_back(a.address + separator);
      continue;
    }
    if (!NeedsEncodedWords(a.display_name) && a.display_name.size() <= kMaxPlainWord) {
      words.push_back(QuotedString(a.display_name));
    } else {
      for (std::string& w : SplitAtSpaces(EncodeWords(a.display_name)))
        words.push_back(std::move(w));
    }
    words.push_back("<" + a.address + ">" + separator);
  }
  return words;
}

std::uint64_t Fnv1a(std::string_view s) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

bool IsPlainFilename(std::string_view name) {
  return name.size() <= kParameterChunk && !NeedsEncodedWords(name) &&
         name.find_first_of("\"\\") == std::string_view::npos;
}

// `; filename="x"` or RFC 2231 continuations `; filename*0*=UTF-8''...`, one per line.
void AppendFilenameParameter(std::string& out, std::string_view attribute, std::string_view name) {
  if (IsPlainFilename(name)) {
    out += fmt::format(";\r\n {}=\"{}\"", attribute, name);
    return;
  }
  const std::string value = EncodeExtendedParameter(name);
  std::size_t start = 0;
  for (int section = 0; start < value.size(); ++section) {
    std::size_t end = std::min(value.size(), start + kParameterChunk);
    // Never split a %XX between sections.
    if (end < value.size()) {
      if (value[end - 1] == '%') {
        end -= 1;
      } else if (end >= 2 && value[end - 2] == '%') {
        end -= 2;
      }
    }
    out += fmt::format(";\r\n {}*{}*={}", attribute, section, value.substr(start, end - start));
    start = end;
  }
}

void AppendTextEntity(std::string& out, std::string_view subtype, std::string_view text) {
  out += fmt::format(
      "Content-Type: text/{}; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
      subtype);
  out += EncodeQuotedPrintable(text);
}

// The text and HTML bodies: one text/plain entity, or both in multipart/alternative.
void AppendBodyEntity(std::string& out, const Mail& mail, std::string_view boundary) {
  if (mail.html_body.empty()) {
    AppendTextEntity(out, "plain", mail.text_body);
    return;
  }
  out += fmt::format("Content-Type: multipart/alternative;\r\n boundary=\"{}\"\r\n\r\n", boundary);
  out += fmt::format("--{}\r\n", boundary);
  AppendTextEntity(out, "plain", mail.text_body);
  out += fmt::format("\r\n--{}\r\n", boundary);
  AppendTextEntity(out, "html", mail.html_body);
  out += fmt::format("\r\n--{}--", boundary);
}

void AppendAttachmentEntity(std::string& out, const MailAttachment& a) {
  out += "Content-Type: " + a.content_type;
  if (IsPlainFilename(a.filename)) AppendFilenameParameter(out, "name", a.filename);
  out += "\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment";
  AppendFilenameParameter(out, "filename", a.filename);
  out += "\r\n\r\n";
  out += EncodeBase64Lines(a.bytes);
}

constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

bool IsMailAddress(std::string_view address) {
  const std::size_t at = address.rfind('@');
  if (at == std::string_view::npos || address.size() > 254) return false;
  const std::string_view local = address.substr(0, at);
  return local.size() <= 64 && IsDotAtom(local) && IsDomain(address.substr(at + 1));
}

std::string FormatMailDate(std::chrono::sys_seconds time) {
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss<std::chrono::seconds> clock(time - day);
  return fmt::format("{}, {} {} {:04} {:02}:{:02}:{:02} +0000",
                     kWeekdays[std::chrono::weekday(day).c_encoding()],
                     static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

MailEnvelope EnvelopeOf(const Mail& mail) {
  Validate(mail);
  MailEnvelope envelope{mail.from.address, {}};
  for (const auto* list : {&mail.to, &mail.cc, &mail.bcc}) {
    for (const MailAddress& a : *list) {
      if (std::find(envelope.recipients.begin(), envelope.recipients.end(), a.address) ==
          envelope.recipients.end()) {
        envelope.recipients.push_back(a.address);
      }
    }
  }
  return envelope;
}

std::string BuildMimeMessage(const Mail& mail) {
  Validate(mail);
  std::string out;
  out.reserve(2048 + mail.text_body.size() * 11 / 10 + mail.html_body.size() * 11 / 10 + [&] {
    std::size_t n = 0;
    for (const MailAttachment& a : mail.attachments) n += a.bytes.size() * 4 / 3 + 512;
    return n;
  }());
  out += "Date: " + FormatMailDate(mail.date) + "\r\n";
  AppendHeader(out, "From", MailboxWords({mail.from}));
  if (!mail.to.empty()) AppendHeader(out, "To", MailboxWords(mail.to));
  if (!mail.cc.empty()) AppendHeader(out, "Cc", MailboxWords(mail.cc));
  AppendHeader(out, "Subject", TextWords(mail.subject));
  out += fmt::format("Message-ID: <{}>\r\n", MessageIdCore(mail.message_id));
  out += "MIME-Version: 1.0\r\n";
  for (const HeaderField& h : mail.extra_headers) {
    AppendHeader(
        out, h.name,
        NeedsEncodedWords(h.value) ? SplitAtSpaces(EncodeWords(h.value)) : SplitAtSpaces(h.value));
  }
  const std::string tag = fmt::format("{:016x}", Fnv1a(MessageIdCore(mail.message_id)));
  const std::string alternative = "=_costledger_alt_" + tag;
  if (mail.attachments.empty()) {
    AppendBodyEntity(out, mail, alternative);
    out += "\r\n";
    return out;
  }
  const std::string mixed = "=_costledger_mixed_" + tag;
  out += fmt::format("Content-Type: multipart/mixed;\r\n boundary=\"{}\"\r\n\r\n", mixed);
  out += "This is a multi-part message in MIME format.\r\n";
  out += fmt::format("--{}\r\n", mixed);
  AppendBodyEntity(out, mail, alternative);
  for (const MailAttachment& a : mail.attachments) {
    out += fmt::format("\r\n--{}\r\n", mixed);
    AppendAttachmentEntity(out, a);
  }
  out += fmt::format("\r\n--{}--\r\n", mixed);
  return out;
}

}  // namespace costledger::model
