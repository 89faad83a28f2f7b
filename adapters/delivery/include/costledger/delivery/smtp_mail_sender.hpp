#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "costledger/model/mail.hpp"
#include "costledger/ports/mail_sender.hpp"

namespace costledger::delivery {

/// Whether an smtp:// connection upgrades to TLS with STARTTLS (libcurl's CURLOPT_USE_SSL).
/// smtps:// is TLS from the first byte and ignores this.
enum class StartTls {
  kNone,      ///< never (a relay on a trusted network)
  kTry,       ///< when the server offers it, else go on in clear
  kRequired,  ///< fail (permanently) when the server does not offer it
};

/// "none", "try", "required" (config values); throws InvalidInput naming the allowed values.
StartTls ParseStartTls(std::string_view name);
std::string_view ToString(StartTls mode);

/// How to reach the SMTP server. The password is a secret: read it from the environment or a
/// file, pass it here; it is never logged, traced or put into an error message.
struct SmtpOptions {
  /// "smtp://mail.example.com:587" (STARTTLS per `starttls`) or "smtps://mail.example.com:465"
  /// (implicit TLS). A path names the EHLO domain ("smtp://relay:25/costledger.example"); no
  /// user or password in the URL (they would end up in logs): use the fields below.
  std::string url;
  StartTls starttls = StartTls::kRequired;
  std::string
      username;  ///< AUTH as this user (libcurl picks the best offered mechanism); empty: no AUTH
  std::string password;  ///< AUTH password (secret)
  /// AUTH sends the password; without TLS (smtp:// and starttls other than kRequired) that is
  /// refused unless this is set (a relay on loopback or a trusted network).
  bool allow_auth_without_tls = false;
  std::string ca_file;  ///< PEM bundle that verifies the server's certificate; empty: the system's
  std::chrono::milliseconds connect_timeout{10'000};  ///< TCP and TLS connect
  std::chrono::milliseconds timeout{60'000};          ///< the whole transaction, per mail
  /// When set, receives each protocol line (client commands with "> ", server replies with
  /// "< ", notes with "* "), without the message body and with credentials replaced by "***";
  /// for debugging delivery. Called on the sending thread.
  std::function<void(std::string_view line)> trace;
};

/// Sends mail over SMTP with libcurl: one connection per mail, STARTTLS per the options, AUTH
/// when a user is given, MAIL FROM and one RCPT TO per recipient (To, Cc, Bcc; any refusal
/// fails the whole mail, nothing is sent), DATA with model::BuildMimeMessage's bytes (libcurl
/// dot-stuffs lines starting with "."). Failures throw TransientDeliveryError (no connection,
/// timeout, TLS handshake cut, 4xx replies) or PermanentDeliveryError (5xx replies such as a
/// refused recipient or bad credentials, a certificate that does not verify, STARTTLS required
/// and not offered, an invalid mail); reply_code() holds the server's last reply code.
/// Thread-safe: Send may run on several threads at once.
class SmtpMailSender final : public ports::MailSender {
 public:
  /// Throws InvalidInput when the URL is not smtp:// or smtps://, carries credentials, or AUTH
  /// would go without TLS (see allow_auth_without_tls), or a user has no password.
  explicit SmtpMailSender(SmtpOptions options);

  void Send(const model::Mail& mail) override;

  /// For logs: "smtp://mail.example.com:587 starttls=required auth=costledger password=***"
  /// (never the password).
  std::string Description() const;

 private:
  SmtpOptions options_;
};

}  // namespace costledger::delivery
