#include "costledger/quotas/quota_alerter.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <utility>

#include "costledger/model/delivery_error.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/quota_text.hpp"
#include "costledger/model/rounding.hpp"
#include "costledger/model/timestamp.hpp"

namespace costledger::quotas {
namespace {

using std::chrono::sys_seconds;

std::string Percent(const model::QuotaStatus& s) {
  if (s.limit <= 0) return "0%";
  // Two decimals of a percent are plenty for a person; ppm keeps it in integers.
  const std::int64_t ppm = model::DivideFloor(model::Int128{s.spent} * model::kPpm, s.limit);
  return model::FormatPercent(ppm / 100 * 100);
}

}  // namespace

std::string WebhookChannel(const std::string& url) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a, 64 bits
  for (const char c : url) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return fmt::format("webhook:{:016x}", hash);
}

std::string AlertKey(const model::QuotaAlert& alert, std::string_view channel) {
  std::string key =
      fmt::format("{}/{}/{}", alert.quota, model::FormatTimestamp(alert.status.period.start),
                  model::ToString(alert.kind));
  if (alert.kind == model::QuotaAlertKind::kThreshold && !alert.thresholds_ppm.empty()) {
    key += fmt::format("/{}", alert.thresholds_ppm.back());
  }
  key += '/';
  key += channel;
  return key;
}

model::QuotaAlertLedger SentAlerts(const model::Quota& quota,
                                   const std::vector<model::NotificationRecord>& records) {
  struct Seen {
    sys_seconds period;
    std::string kind;
    std::int64_t ppm = 0;
  };
  std::vector<Seen> seen;
  const std::string prefix = quota.name + "/";
  for (const model::NotificationRecord& r : records) {
    if (r.kind != kQuotaAlertKind || r.key.rfind(prefix, 0) != 0 ||
        r.state == model::NotificationState::kFailed) {
      continue;
    }
    // <quota>/<period start>/<kind>[/<ppm>]/<channel>
    std::vector<std::string> parts;
    for (std::size_t at = 0, next = 0; next != std::string::npos; at = next + 1) {
      next = r.key.find('/', at);
      parts.push_back(r.key.substr(at, next == std::string::npos ? next : next - at));
    }
    if (parts.size() < 4) continue;
    try {
      Seen s{model::ParseTimestamp(parts[1]), parts[2], 0};
      if (s.kind == "threshold") {
        if (parts.size() < 5) continue;
        s.ppm = std::stoll(parts[3]);
      }
      seen.push_back(std::move(s));
    } catch (const std::exception&) {
      continue;  // not a key this version writes
    }
  }
  model::QuotaAlertLedger ledger;
  for (const Seen& s : seen) {
    if (!ledger.period_start || s.period > *ledger.period_start) ledger.period_start = s.period;
  }
  if (!ledger.period_start) return ledger;
  std::int64_t highest = 0;
  for (const Seen& s : seen) {
    if (s.period != *ledger.period_start) continue;
    if (s.kind == "threshold") highest = std::max(highest, s.ppm);
    if (s.kind == "forecast") ledger.forecast_sent = true;
  }
  for (const std::int64_t ppm : quota.thresholds_ppm) {
    if (ppm <= highest) ledger.thresholds_sent_ppm.push_back(ppm);
  }
  return ledger;
}

model::Notification AlertNotification(const model::QuotaAlert& alert, const model::Quota* quota,
                                      const std::string& base_url) {
  const model::QuotaStatus& s = alert.status;
  model::Notification n;
  n.kind = "quota_alert";
  n.title = alert.subject;
  n.text = alert.message;
  if (!base_url.empty()) {
    std::string base = base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    n.link = fmt::format("{}/v1/quotas/{}/status", base, alert.quota);
    n.link_text = "Quota status";
  }
  n.fields.push_back({"Quota", alert.quota});
  n.fields.push_back({"Alert", std::string(model::ToString(alert.kind))});
  if (alert.kind == model::QuotaAlertKind::kThreshold && !alert.thresholds_ppm.empty()) {
    n.fields.push_back({"Threshold", model::FormatPercent(alert.thresholds_ppm.back())});
  }
  n.fields.push_back({"Spent", model::FormatQuotaAmount(s.unit, s.spent)});
  n.fields.push_back({"Limit", model::FormatQuotaAmount(s.unit, s.limit)});
  n.fields.push_back({"Used", Percent(s)});
  n.fields.push_back({"Since", model::FormatTimestamp(s.period.start)});
  if (s.forecast) n.fields.push_back({"Forecast", model::FormatQuotaAmount(s.unit, *s.forecast)});
  if (quota != nullptr) {
    n.fields.push_back({"Action", std::string(model::ToString(quota->action))});
    n.fields.push_back({"Scope", model::DescribeScope(quota->scope)});
  }
  return n;
}

model::Mail AlertMail(const model::QuotaAlert& alert, const std::string& from,
                      const std::vector<std::string>& to, const std::string& key,
                      sys_seconds date) {
  model::Mail mail;
  mail.from = {from, "costledger"};
  for (const std::string& address : to) mail.to.push_back({address, ""});
  mail.subject = alert.subject;
  mail.text_body = alert.message + "\n";
  const model::QuotaStatus& s = alert.status;
  mail.text_body += fmt::format(
      "\nSpent: {}\nLimit: {}\nSince: {}\n", model::FormatQuotaAmount(s.unit, s.spent),
      model::FormatQuotaAmount(s.unit, s.limit), model::FormatTimestamp(s.period.start));
  // One id per alert: a resend (a crash between the send and its record) reads as the same.
  std::string id;
  for (const char c : key) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.';
    id += plain ? c : '.';
  }
  const auto at = from.find('@');
  mail.message_id = fmt::format("<{}.quota-alert@{}>", id,
                                at == std::string::npos ? "costledger" : from.substr(at + 1));
  mail.date = date;
  mail.extra_headers.push_back({"X-Costledger-Quota-Alert", key});
  return mail;
}

QuotaAlerter::QuotaAlerter(AlerterSettings settings, AlerterPorts ports)
    : settings_(std::move(settings)), ports_(std::move(ports)) {}

const AlertDestinations& QuotaAlerter::DestinationsOf(const std::string& quota) const {
  const auto it = settings_.by_quota.find(quota);
  return it != settings_.by_quota.end() ? it->second : settings_.defaults;
}

AlertRun QuotaAlerter::Deliver(const std::vector<model::QuotaAlert>& alerts,
                               const std::vector<model::Quota>& quotas,
                               const std::function<sys_seconds()>& now) {
  AlertRun run;
  if (!log_read_ && ports_.log != nullptr) {
    for (const model::NotificationRecord& r : ports_.log->List(kQuotaAlertKind, 1000)) {
      if (r.state == model::NotificationState::kFailed) {
        failed_before_start_[r.key] = r.next_attempt_at.value_or(now());
      }
    }
  }
  log_read_ = true;
  std::vector<Delivery> still_pending;
  std::vector<Delivery> due;
  for (Delivery& d : pending_) {
    (d.due <= now() ? due : still_pending).push_back(std::move(d));
  }
  pending_.clear();
  for (Delivery& d : due) Attempt(std::move(d), now, run, still_pending);

  for (const model::QuotaAlert& alert : alerts) {
    const AlertDestinations& to = DestinationsOf(alert.quota);
    std::optional<model::Quota> quota;
    const auto q = std::find_if(quotas.begin(), quotas.end(),
                                [&](const model::Quota& x) { return x.name == alert.quota; });
    if (q != quotas.end()) quota = *q;
    if (!to.mail.empty() && ports_.mail != nullptr) {
      Delivery d{alert, quota, "mail", AlertKey(alert, "mail"), std::nullopt, to.mail, {}};
      Attempt(std::move(d), now, run, still_pending);
    }
    if (ports_.webhook == nullptr) continue;
    for (const AlertWebhook& w : to.webhooks) {
      const std::string channel = WebhookChannel(w.url);
      Delivery d{alert, quota, channel, AlertKey(alert, channel), w, {}, {}};
      Attempt(std::move(d), now, run, still_pending);
    }
  }
  pending_ = std::move(still_pending);
  return run;
}

void QuotaAlerter::Attempt(Delivery d, const std::function<sys_seconds()>& now, AlertRun& run,
                           std::vector<Delivery>& still_pending) {
  const nlohmann::json payload = {
      {"quota", d.alert.quota},        {"alert", model::ToString(d.alert.kind)},
      {"channel", d.channel},          {"spent", d.alert.status.spent},
      {"limit", d.alert.status.limit}, {"unit", model::ToString(d.alert.status.unit)}};
  const std::optional<model::NotificationClaim> claim = ports_.ledger.Claim(
      kQuotaAlertKind, d.key, settings_.owner, settings_.lease, now(), payload.dump());
  if (!claim) {
    // Failed before this process started and not due yet: retry it when it is.
    if (const auto it = failed_before_start_.find(d.key); it != failed_before_start_.end()) {
      d.due = it->second;
      failed_before_start_.erase(it);
      still_pending.push_back(std::move(d));
      return;
    }
    ++run.already_done;
    return;
  }
  const auto give_up = [&](const std::string& error) {
    ports_.ledger.MarkGivenUp(*claim, error, now());
    ++run.given_up;
    run.errors.push_back(fmt::format("{}: given up: {}", d.key, error));
  };
  const auto send = [&] {
    if (d.webhook) {
      ports::WebhookRequest request;
      request.url = d.webhook->url;
      request.json_body = model::WebhookPayload(
          AlertNotification(d.alert, d.quota ? &*d.quota : nullptr, settings_.base_url),
          d.webhook->format);
      request.headers.push_back({"X-Costledger-Event", "quota_alert"});
      request.headers.push_back({"Idempotency-Key", d.key});
      ports_.webhook->Post(request);
    } else {
      ports_.mail->Send(AlertMail(d.alert, settings_.from, d.mail, d.key, now()));
    }
  };
  try {
    model::RetryHooks hooks;
    hooks.wait = ports_.wait ? ports_.wait : [](std::chrono::milliseconds) {};
    hooks.random_unit = [] { return 0.5; };
    model::CallWithRetries(settings_.retry, hooks, send);
    if (!ports_.ledger.MarkSent(*claim, now())) {
      run.errors.push_back(fmt::format("{}: sent, but another process had taken it over", d.key));
    }
    ++run.sent;
  } catch (const PermanentDeliveryError& e) {
    give_up(e.what());
  } catch (const InvalidInput& e) {  // a malformed mail or request never gets better
    give_up(e.what());
  } catch (const DeliveryError& e) {
    if (claim->attempt >= settings_.max_attempts) {
      give_up(e.what());
      return;
    }
    const int doublings = std::min(claim->attempt - 1, 10);
    d.due = now() + settings_.retry_after * (std::int64_t{1} << doublings);
    ports_.ledger.MarkFailed(*claim, e.what(), now(), d.due);
    ++run.failed;
    run.errors.push_back(
        fmt::format("{}: attempt {} failed, will retry: {}", d.key, claim->attempt, e.what()));
    still_pending.push_back(std::move(d));
  }
}

}  // namespace costledger::quotas
