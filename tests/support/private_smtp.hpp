#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "python_server.hpp"
#include "temp_dir.hpp"

namespace costledger::testing {

struct PrivateSmtpOptions {
  enum class Tls {
    kNone,      ///< plain SMTP
    kStartTls,  ///< offers STARTTLS (AUTH only after it)
    kImplicit,  ///< TLS from the first byte (smtps://)
  };
  Tls tls = Tls::kNone;
  /// With a user, AUTH (PLAIN or LOGIN) is required before MAIL and only `password` passes.
  std::string user{};
  std::string password{};
  std::chrono::milliseconds start_timeout{20'000};
};

/// One decoded leaf of a received message's MIME tree (as Python's email module reads it).
struct ReceivedPart {
  std::string content_type;  ///< "text/plain"
  std::string charset;       ///< "utf-8" (lower case); empty when none
  std::string transfer_encoding;
  std::string disposition;  ///< "attachment", "inline" or empty
  std::string filename;     ///< decoded (RFC 2231 / 2047), empty when none
  std::string bytes;        ///< the decoded content
  std::string text;         ///< text/*: the decoded text (charset applied); empty otherwise
};

/// A message the server accepted.
// NOLINTNEXTLINE(bugprone-exception-escape): basic_json's noexcept move asserts invariants only
struct ReceivedMail {
  std::string mail_from;
  std::vector<std::string> rcpt_tos;
  std::optional<std::string> auth_login;  ///< the user that authenticated, if any
  bool tls = false;                       ///< the session was encrypted (STARTTLS or implicit)
  std::string raw;                        ///< the DATA bytes, dot-unstuffed
  std::vector<ReceivedPart> parts;        ///< leaves in order
  /// Everything smtp_sink.py's describe() found: "headers" (decoded values by name),
  /// "header_names", "defects" (empty for a well-formed message), "structure" ({"type",
  /// "parts"}), "max_line_length", "bare_line_feeds", "ends_with_crlf".
  nlohmann::json parsed;
};

/// A private SMTP server for one test (tests/support/smtp_sink.py on Debian's python3-aiosmtpd)
/// on a free port of 127.0.0.1, that keeps each accepted message as a file in its TempDir.
/// Recipients whose local part starts with "refuse550" get 550, "defer451" 451. With TLS, a
/// self-signed certificate for 127.0.0.1 is made with the openssl command at start (ca_file()
/// verifies it). Stopped by the destructor. Throws std::runtime_error with the log when it
/// cannot start (tests fail, never skip). Not thread-safe.
class PrivateSmtp {
 public:
  explicit PrivateSmtp(const PrivateSmtpOptions& options = {});
  ~PrivateSmtp();
  PrivateSmtp(const PrivateSmtp&) = delete;
  PrivateSmtp& operator=(const PrivateSmtp&) = delete;
  PrivateSmtp(PrivateSmtp&&) = delete;
  PrivateSmtp& operator=(PrivateSmtp&&) = delete;

  /// "smtp://127.0.0.1:PORT", or "smtps://..." with implicit TLS.
  std::string Url() const;
  int port() const { return server_.port; }
  /// The PEM certificate the server presents (empty without TLS).
  const std::string& ca_file() const { return ca_file_; }

  /// The messages accepted so far, in the order they arrived.
  std::vector<ReceivedMail> Messages() const;
  /// Waits until at least `count` messages have arrived and returns all of them; throws
  /// std::runtime_error (with the server log) after `timeout`.
  std::vector<ReceivedMail> WaitForMessages(
      std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;

  /// Stops the server now (a "down server" test); the messages stay readable.
  void Stop();
  std::string Log() const;

 private:
  void MakeCertificate();

  TempDir dir_;  // destroyed after server_: the server stops before its directory goes
  std::string ca_file_;
  std::string url_scheme_;
  PythonServer server_;
};

}  // namespace costledger::testing
