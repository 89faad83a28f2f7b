#include "costledger/delivery/smtp_mail_sender.hpp"

#include <curl/curl.h>
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "costledger/model/delivery_error.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/mime_message.hpp"
#include "curl_support.hpp"
#include "redacted_url.hpp"
#include "smtp_trace.hpp"

namespace costledger::delivery {
namespace {

bool IsSmtps(std::string_view url) { return url.rfind("smtps://", 0) == 0; }

// The message as libcurl reads it for DATA.
struct Upload {
  std::string_view rest;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->rest.size());
  std::memcpy(buffer, upload->rest.data(), n);
  upload->rest.remove_prefix(n);
  return n;
}

// Replaces every occurrence of `secret` in `text` by "***" (defence in depth: no message or
// trace line is known to hold it).
void BlankSecret(std::string& text, const std::string& secret) {
  if (secret.empty()) return;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
}

struct TraceContext {
  const std::function<void(std::string_view)>* trace;
  const std::string* password;
};

// Hands protocol lines to the trace: commands masked, server replies and notes as they are
// (with the password blanked should it ever appear), never the message body.
int OnDebug(CURL* /*easy*/, curl_infotype type, char* data, std::size_t size, void* user) {
  const auto* context = static_cast<TraceContext*>(user);
  std::string_view prefix;
  switch (type) {
    case CURLINFO_TEXT:
      prefix = "* ";
      break;
    case CURLINFO_HEADER_IN:
      prefix = "< ";
      break;
    case CURLINFO_HEADER_OUT:
      prefix = "> ";
      break;
    default:
      return 0;  // the message body and TLS records
  }
  std::string_view text(data, size);
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    std::string shown = type == CURLINFO_HEADER_OUT ? MaskSmtpCommand(line) : std::string(line);
    BlankSecret(shown, *context->password);
    (*context->trace)(std::string(prefix) + shown);
  }
  return 0;
}

curl_usessl UseSsl(StartTls mode) {
  switch (mode) {
    case StartTls::kNone:
      return CURLUSESSL_NONE;
    case StartTls::kTry:
      return CURLUSESSL_TRY;
    case StartTls::kRequired:
      return CURLUSESSL_ALL;
  }
  return CURLUSESSL_ALL;
}

}  // namespace

StartTls ParseStartTls(std::string_view name) {
  if (name == "none") return StartTls::kNone;
  if (name == "try") return StartTls::kTry;
  if (name == "required") return StartTls::kRequired;
  throw InvalidInput(fmt::format("smtp.starttls '{}': one of none, try, required", name));
}

std::string_view ToString(StartTls mode) {
  switch (mode) {
    case StartTls::kNone:
      return "none";
    case StartTls::kTry:
      return "try";
    case StartTls::kRequired:
      return "required";
  }
  return "required";
}

SmtpMailSender::SmtpMailSender(SmtpOptions options) : options_(std::move(options)) {
  const std::string& url = options_.url;
  if (url.rfind("smtp://", 0) != 0 && !IsSmtps(url)) {
    throw InvalidInput(
        fmt::format("smtp.url '{}': smtp://host[:port] or smtps://host[:port]", RedactedUrl(url)));
  }
  const std::size_t authority_end = url.find('/', url.find("://") + 3);
  if (url.substr(0, authority_end).find('@') != std::string::npos) {
    throw InvalidInput(fmt::format(
        "smtp.url '{}': no user or password in the URL; give smtp.username and the password "
        "from the environment or a file",
        RedactedUrl(url)));
  }
  if (!options_.username.empty()) {
    if (options_.password.empty()) {
      throw InvalidInput("smtp.password: empty while smtp.username is set");
    }
    const bool tls = IsSmtps(url) || options_.starttls == StartTls::kRequired;
    if (!tls && !options_.allow_auth_without_tls) {
      throw InvalidInput(
          "smtp: AUTH would send the password in clear; use smtps:// or starttls=required "
          "(or allow_auth_without_tls for a trusted relay)");
    }
  }
  if (options_.connect_timeout.count() <= 0 || options_.timeout.count() <= 0) {
    throw InvalidInput("smtp: timeouts must be positive");
  }
}

std::string SmtpMailSender::Description() const {
  std::string out = RedactedUrl(options_.url);
  if (!IsSmtps(options_.url)) out += fmt::format(" starttls={}", ToString(options_.starttls));
  if (!options_.username.empty()) out += fmt::format(" auth={} password=***", options_.username);
  return out;
}

void SmtpMailSender::Send(const model::Mail& mail) {
  model::MailEnvelope envelope;
  std::string message;
  try {
    envelope = model::EnvelopeOf(mail);
    message = model::BuildMimeMessage(mail);
  } catch (const InvalidInput& e) {
    throw PermanentDeliveryError(fmt::format("mail {} not sent: {}", mail.message_id, e.what()));
  }

  EasyHandle easy = NewEasyHandle();
  CURL* e = easy.get();
  std::array<char, CURL_ERROR_SIZE> error{};
  Upload upload{message};
  curl_slist* recipients = nullptr;
  for (const std::string& r : envelope.recipients) {
    recipients = curl_slist_append(recipients, ("<" + r + ">").c_str());
  }
  const HeaderList recipient_list(recipients, curl_slist_free_all);
  const std::string mail_from = "<" + envelope.mail_from + ">";

  curl_easy_setopt(e, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error.data());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(e, CURLOPT_USE_SSL, static_cast<long>(UseSsl(options_.starttls)));
  if (!options_.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.username.empty()) {
    curl_easy_setopt(e, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(e, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(e, CURLOPT_MAIL_RCPT, recipient_list.get());
  curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(e, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(e, CURLOPT_READDATA, &upload);
  curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  TraceContext trace{&options_.trace, &options_.password};
  if (options_.trace) {
    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, OnDebug);
    curl_easy_setopt(e, CURLOPT_DEBUGDATA, &trace);
  }

  const CURLcode code = curl_easy_perform(e);
  if (code == CURLE_OK) return;
  long reply = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &reply);
  // A reply code of 400 or more decides (the server refused); else what failed locally does.
  model::DeliveryOutcome outcome =
      reply >= 400 ? model::OutcomeOfSmtpReply(reply) : OutcomeOfCurlCode(code);
  if (outcome == model::DeliveryOutcome::kDelivered) outcome = model::DeliveryOutcome::kTransient;
  const std::string detail =
      error[0] != '\0' ? std::string(error.data()) : curl_easy_strerror(code);
  std::string text = fmt::format("mail {} to {} recipient(s) via {}: {}", mail.message_id,
                                 envelope.recipients.size(), Description(), detail);
  if (reply >= 400) text += fmt::format(" (server replied {})", reply);
  BlankSecret(text, options_.password);
  const int reply_code = static_cast<int>(reply >= 400 ? reply : 0);
  if (outcome == model::DeliveryOutcome::kTransient) throw TransientDeliveryError(text, reply_code);
  throw PermanentDeliveryError(text, reply_code);
}

}  // namespace costledger::delivery
