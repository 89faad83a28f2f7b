#pragma once

#include <string>
#include <vector>

namespace costledger::model {

/// One figure of a notification: {"Total", "$1,234.56"}, {"Change", "+12% on last week"}.
struct NotificationField {
  std::string name;
  std::string value;
  friend bool operator==(const NotificationField&, const NotificationField&) = default;
};

/// A short summary sent to a webhook (a weekly report, a quota alert): WebhookPayload turns it
/// into the JSON a receiver expects. All text is UTF-8 and plain (no markup).
struct Notification {
  std::string kind;   ///< for machines: "weekly_report", "quota_alert", ...
  std::string title;  ///< one line: "alpha: $1,234.56 in 2026-W48 (+12%)"
  std::string text;   ///< a few sentences for a person
  std::string link;   ///< absolute http(s) URL of the details (the report); may be empty
  std::string link_text = "Open";         ///< the link's label
  std::vector<NotificationField> fields;  ///< figures, in the order shown
};

}  // namespace costledger::model
