#include "costledger/model/webhook_payload.hpp"

#include <fmt/core.h>

#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/model/json_text.hpp"
#include "costledger/model/utf8.hpp"

namespace costledger::model {
namespace {

// Slack's limits on block text (characters; bytes are at least as many).
constexpr std::size_t kHeaderLimit = 150;
constexpr std::size_t kSectionLimit = 3000;
constexpr std::size_t kFieldLimit = 2000;
constexpr std::size_t kButtonLimit = 75;
constexpr std::size_t kFieldsPerSection = 10;
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

void CheckText(std::string_view field, std::string_view text) {
  if (!IsValidUtf8(text))
    throw InvalidInput(fmt::format("notification.{}: not valid UTF-8", field));
}

void Validate(const Notification& n) {
  CheckText("kind", n.kind);
  CheckText("title", n.title);
  CheckText("text", n.text);
  CheckText("link_text", n.link_text);
  for (const NotificationField& f : n.fields) {
    CheckText("fields.name", f.name);
    CheckText("fields.value", f.value);
  }
  if (n.link.empty()) return;
  const bool scheme = n.link.rfind("https://", 0) == 0 || n.link.rfind("http://", 0) == 0;
  bool clean = true;
  for (const char c : n.link) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127 || c == '"' || c == '<' || c == '>' || c == '|') clean = false;
  }
  if (!scheme || !clean) {
    throw InvalidInput(
        fmt::format("notification.link: '{}' is not an absolute http(s) URL", n.link));
  }
}

// `text` for Slack's mrkdwn (plain_text when `escape` is false): escaped, and when longer than
// `limit` bytes cut at a character boundary with an ellipsis so that it takes at most `limit`.
std::string SlackText(std::string_view text, std::size_t limit, bool escape = true) {
  std::string full;
  full.reserve(text.size());
  std::vector<std::size_t> starts;  // where each character starts in `full`
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) starts.push_back(full.size());
    if (escape && c == '&') {
      full += "&amp;";
    } else if (escape && c == '<') {
      full += "&lt;";
    } else if (escape && c == '>') {
      full += "&gt;";
    } else {
      full.push_back(c);
    }
  }
  if (full.size() <= limit) return full;
  std::size_t cut = 0;
  for (const std::size_t start : starts) {
    if (start + kEllipsis.size() > limit) break;
    cut = start;
  }
  return full.substr(0, cut) + std::string(kEllipsis);
}

void AppendTextObject(std::string& out, std::string_view type, const std::string& text) {
  out += R"({"type":)";
  AppendJsonString(out, type);
  out += R"(,"text":)";
  AppendJsonString(out, text);
  out += "}";
}

}  // namespace

WebhookFormat ParseWebhookFormat(std::string_view name) {
  if (name == "slack") return WebhookFormat::kSlack;
  if (name == "generic") return WebhookFormat::kGeneric;
  throw InvalidInput(fmt::format("webhook format '{}': one of slack, generic", name));
}

std::string SlackPayload(const Notification& n) {
  Validate(n);
  std::string fallback = n.title;
  if (!n.text.empty()) fallback += (fallback.empty() ? "" : "\n") + n.text;
  std::string out = R"({"text":)";
  std::string fallback_text = SlackText(fallback, kSectionLimit);
  if (!n.link.empty())
    fallback_text += fmt::format(
        "\n<{}|{}>", n.link, SlackText(n.link_text.empty() ? "Open" : n.link_text, kButtonLimit));
  AppendJsonString(out, fallback_text);
  out += R"(,"blocks":[)";
  bool first = true;
  const auto next_block = [&] {
    if (!first) out += ",";
    first = false;
  };
  if (!n.title.empty()) {
    next_block();
    out += R"({"type":"header","text":)";
    AppendTextObject(out, "plain_text", SlackText(n.title, kHeaderLimit, false));
    out += "}";
  }
  if (!n.text.empty()) {
    next_block();
    out += R"({"type":"section","text":)";
    AppendTextObject(out, "mrkdwn", SlackText(n.text, kSectionLimit));
    out += "}";
  }
  for (std::size_t i = 0; i < n.fields.size(); i += kFieldsPerSection) {
    next_block();
    out += R"({"type":"section","fields":[)";
    for (std::size_t k = i; k < n.fields.size() && k < i + kFieldsPerSection; ++k) {
      if (k > i) out += ",";
      const NotificationField& f = n.fields[k];
      const std::string name = SlackText(f.name, kFieldLimit / 4);
      AppendTextObject(
          out, "mrkdwn",
          fmt::format("*{}*\n{}", name, SlackText(f.value, kFieldLimit - name.size() - 3)));
    }
    out += "]}";
  }
  if (!n.link.empty()) {
    next_block();
    out += R"({"type":"actions","elements":[{"type":"button","text":)";
    AppendTextObject(out, "plain_text",
                     SlackText(n.link_text.empty() ? "Open" : n.link_text, kButtonLimit, false));
    out += R"(,"url":)";
    AppendJsonString(out, n.link);
    out += "}]}";
  }
  out += "]}";
  return out;
}

std::string GenericJsonPayload(const Notification& n) {
  Validate(n);
  std::string out = R"({"source":"costledger","kind":)";
  AppendJsonString(out, n.kind);
  out += R"(,"title":)";
  AppendJsonString(out, n.title);
  out += R"(,"text":)";
  AppendJsonString(out, n.text);
  out += R"(,"link":)";
  if (n.link.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, n.link);
  }
  out += R"(,"fields":[)";
  for (std::size_t i = 0; i < n.fields.size(); ++i) {
    if (i > 0) out += ",";
    out += R"({"name":)";
    AppendJsonString(out, n.fields[i].name);
    out += R"(,"value":)";
    AppendJsonString(out, n.fields[i].value);
    out += "}";
  }
  out += "]}";
  return out;
}

std::string WebhookPayload(const Notification& n, WebhookFormat format) {
  return format == WebhookFormat::kSlack ? SlackPayload(n) : GenericJsonPayload(n);
}

}  // namespace costledger::model
