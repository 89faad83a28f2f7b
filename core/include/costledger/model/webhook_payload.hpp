#pragma once

#include <string>
#include <string_view>

#include "costledger/model/notification_message.hpp"

namespace costledger::model {

/// The JSON shape a webhook receiver expects.
enum class WebhookFormat {
  kSlack,    ///< Slack incoming webhooks (and compatible: Mattermost, Rocket.Chat)
  kGeneric,  ///< costledger's own JSON, for any tool
};

/// "slack" or "generic" (config values); throws InvalidInput naming the allowed values.
WebhookFormat ParseWebhookFormat(std::string_view name);

/// A Slack-compatible message for `n`:
/// `{"text": <fallback: title, text, link>, "blocks": [header (title), section (text),
/// sections of up to 10 fields ("*name*\nvalue"), actions (a button to the link)]}`.
/// Text is escaped for Slack's mrkdwn (&amp; &lt; &gt;) and cut, with "…", to Slack's limits
/// (header 150, section 3000, field 2000, button 75; counted in bytes, so never over). Blocks
/// with nothing to show are left out.
/// Throws InvalidInput when text is not UTF-8 or the link is not an absolute http(s) URL
/// without spaces, quotes, '<', '>' or '|'. Pure and thread-safe.
std::string SlackPayload(const Notification& n);

/// costledger's generic JSON for `n`, keys in this order:
/// `{"source": "costledger", "kind": ..., "title": ..., "text": ..., "link": ... or null,
/// "fields": [{"name": ..., "value": ...}, ...]}`. Nothing is cut or escaped beyond JSON.
/// Throws InvalidInput as SlackPayload does. Pure and thread-safe.
std::string GenericJsonPayload(const Notification& n);

/// SlackPayload or GenericJsonPayload.
std::string WebhookPayload(const Notification& n, WebhookFormat format);

}  // namespace costledger::model
