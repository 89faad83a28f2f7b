#include "costledger/delivery/http_webhook_sender.hpp"

#include <curl/curl.h>
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <optional>

#include "costledger/model/delivery_error.hpp"
#include "curl_support.hpp"
#include "redacted_url.hpp"

namespace costledger::delivery {
namespace {

constexpr std::size_t kKeptAnswerBytes = 200;  // of an error answer, for the message

struct Answer {
  std::string body;  // the first kKeptAnswerBytes
  std::optional<std::chrono::seconds> retry_after;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  const std::size_t n = size * count;
  if (answer->body.size() < kKeptAnswerBytes) {
    answer->body.append(data, std::min(n, kKeptAnswerBytes - answer->body.size()));
  }
  return n;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return out;
}

// Retry-After in delta-seconds (RFC 9110 10.2.3); an HTTP-date is left unread.
std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  const std::size_t colon = line.find(':');
  if (colon != std::string_view::npos && Lower(line.substr(0, colon)) == "retry-after") {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    long long seconds = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error == std::errc() && seconds >= 0 &&
        (end == value.data() + value.size() || *end == '\r')) {
      answer->retry_after = std::chrono::seconds(seconds);
    }
  }
  return n;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 32 && u < 127 &&
           std::string_view("()<>@,;:\\\"/[]?={}").find(c) == std::string_view::npos;
  });
}

bool IsFieldValue(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 32 && u != 127) || c == '\t';
  });
}

// Printable text from an answer for a one-line message.
std::string Snippet(std::string_view body) {
  std::string out;
  for (const char c : body) out.push_back(static_cast<unsigned char>(c) < 32 ? ' ' : c);
  return out;
}

void Validate(const ports::WebhookRequest& r, const std::string& target) {
  const auto refuse = [&](std::string_view why) {
    throw PermanentDeliveryError(fmt::format("webhook {}: {}", target, why));
  };
  if (r.url.rfind("http://", 0) != 0 && r.url.rfind("https://", 0) != 0) {
    refuse("the URL is not http:// or https://");
  }
  if (!IsFieldValue(r.url) || r.url.find(' ') != std::string::npos)
    refuse("the URL holds a space or control character");
  if (!IsToken(r.bearer_token) && !r.bearer_token.empty())
    refuse("the bearer token is not a token");
  for (const model::HeaderField& h : r.headers) {
    if (!IsToken(h.name) || !IsFieldValue(h.value)) {
      refuse(fmt::format("header '{}' is malformed", Snippet(h.name)));
    }
    const std::string name = Lower(h.name);
    if (name == "content-type" || name == "authorization" || name == "content-length") {
      refuse(fmt::format("header {} is set by the sender", h.name));
    }
  }
}

}  // namespace

HttpWebhookSender::HttpWebhookSender(WebhookOptions options) : options_(std::move(options)) {}

void HttpWebhookSender::Post(const ports::WebhookRequest& request) {
  const std::string target = RedactedUrl(request.url);
  Validate(request, target);

  EasyHandle easy = NewEasyHandle();
  CURL* e = easy.get();
  std::array<char, CURL_ERROR_SIZE> error{};
  Answer answer;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json, text/plain;q=0.9, */*;q=0.1");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  if (!request.bearer_token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + request.bearer_token).c_str());
  }
  for (const model::HeaderField& h : request.headers) {
    headers = curl_slist_append(headers, (h.name + ": " + h.value).c_str());
  }
  const HeaderList header_list(headers, curl_slist_free_all);

  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error.data());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  if (!options_.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.json_body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(request.json_body.size()));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &answer);

  const CURLcode code = curl_easy_perform(e);
  if (code != CURLE_OK) {
    const std::string detail =
        error[0] != '\0' ? std::string(error.data()) : curl_easy_strerror(code);
    const std::string text = fmt::format("webhook {}: {}", target, detail);
    if (OutcomeOfCurlCode(code) == model::DeliveryOutcome::kPermanent) {
      throw PermanentDeliveryError(text);
    }
    throw TransientDeliveryError(text);
  }
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  const model::DeliveryOutcome outcome = model::OutcomeOfHttpStatus(status);
  if (outcome == model::DeliveryOutcome::kDelivered) return;
  const std::string text =
      fmt::format("webhook {}: HTTP {}: {}", target, status, Snippet(answer.body));
  if (outcome == model::DeliveryOutcome::kTransient) {
    throw TransientDeliveryError(text, static_cast<int>(status), answer.retry_after);
  }
  throw PermanentDeliveryError(text, static_cast<int>(status));
}

}  // namespace costledger::delivery
