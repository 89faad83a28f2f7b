#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace costledger::model {

/// The MIME encodings a mail uses (RFC 2045, RFC 2047, RFC 2231, RFC 4648). Pure, thread-safe;
/// none throws except std::bad_alloc.

/// Longest encoded body line, without its CRLF (RFC 2045 6.7 and 6.8).
inline constexpr std::size_t kMimeLineLength = 76;

/// `bytes` in base64 (RFC 4648 alphabet, `=` padding) on one line.
std::string EncodeBase64(std::string_view bytes);

/// `bytes` in base64 in lines of kMimeLineLength characters separated by CRLF; no CRLF after the
/// last line (the part's boundary brings it).
std::string EncodeBase64Lines(std::string_view bytes);

/// `text` (lines ending in "\n" or "\r\n") in quoted-printable (RFC 2045 6.7): line breaks
/// become CRLF, `=` and bytes outside printable ASCII become =XX, a space or tab that would end
/// a line becomes =20 or =09, and lines longer than kMimeLineLength get soft line breaks (`=`
/// CRLF) that never split an =XX. Lines starting with "." stay as they are: the SMTP client
/// dot-stuffs. No CRLF after the last line.
std::string EncodeQuotedPrintable(std::string_view text);

/// True when `text` must be written as RFC 2047 encoded-words in a header: it has a byte outside
/// printable ASCII and space, or a "=?" that a reader would take for an encoded-word.
bool NeedsEncodedWords(std::string_view text);

/// `utf8` as RFC 2047 encoded-words, "=?UTF-8?B?...?=", each at most 60 characters and never
/// splitting a character, separated by single spaces (which decoders drop between encoded-words;
/// a folder may break the header there). `utf8` must be valid UTF-8.
std::string EncodeWords(std::string_view utf8);

/// `utf8` percent-encoded as an RFC 2231 extended parameter value, "UTF-8''r%C3%A9sum%C3%A9.csv"
/// (attribute characters as they are, every other byte as %XX).
std::string EncodeExtendedParameter(std::string_view utf8);

}  // namespace costledger::model
