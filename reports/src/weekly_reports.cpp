#include "costledger/reports/weekly_reports.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "costledger/model/delivery_error.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/quota_text.hpp"
#include "costledger/model/report_text.hpp"
#include "costledger/model/webhook_payload.hpp"
#include "costledger/reports/csv_report.hpp"
#include "costledger/reports/html_report.hpp"
#include "costledger/reports/json_report.hpp"
#include "costledger/reports/run_all.hpp"
#include "costledger/reports/text_report.hpp"

namespace costledger::reports {
namespace {

using std::chrono::sys_seconds;

std::string Subject(const model::WeeklyReport& r) {
  std::string subject = fmt::format("costledger: {} spent {} in {}", r.team,
                                    model::FormatDollars(r.combined_total), ToString(r.week.week));
  if (r.change_ratio) {
    subject += fmt::format(" ({} on Kubernetes)", model::FormatSignedRatio(r.change_ratio));
  }
  return subject;
}

model::Notification ReportNotice(const BuiltReport& report, const std::string& base_url) {
  const model::WeeklyReport& r = report.content;
  model::Notification n;
  n.kind = "weekly_report";
  n.title = Subject(r);
  n.text = r.summary;
  n.link = ReportUrl(base_url, r.week.week, r.team, "html");
  n.link_text = "Open the report";
  n.fields.push_back({"Total", model::FormatDollars(r.combined_total)});
  if (r.change) n.fields.push_back({"Change", model::FormatSignedDollars(*r.change)});
  n.fields.push_back({"Week", model::FormatWeekDates(r.week)});
  return n;
}

}  // namespace

std::string ReportUrl(const std::string& base_url, model::IsoWeek week, const std::string& team,
                      const std::string& format) {
  if (base_url.empty()) return {};
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + model::ReportPath(week, team, format);
}

std::vector<BuiltReport> BuildWeek(const ReportSources& sources, model::IsoWeek week,
                                   const model::ZoneRules& zone, const std::string& zone_name,
                                   const GatherSettings& settings, sys_seconds built_at,
                                   const std::string& base_url) {
  return BuildReports(GatherWeek(sources, week, zone, zone_name, settings), zone_name, built_at,
                      base_url, settings.concurrent_reads);
}

std::vector<BuiltReport> BuildReports(const std::vector<model::WeeklyReportInput>& inputs,
                                      const std::string& zone_name, sys_seconds built_at,
                                      const std::string& base_url, std::size_t concurrency) {
  // Teams are independent and building is pure: on a multi-core machine the five renderings of
  // 10k pods' reports took 56 ms one team after another (bench/run reports).
  std::vector<BuiltReport> out(inputs.size());
  std::vector<std::function<void()>> tasks;
  tasks.reserve(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    tasks.emplace_back([&, i] {
      BuiltReport& b = out[i];
      b.content = model::BuildWeeklyReport(inputs[i]);
      const model::WeeklyReport& r = b.content;
      const model::IsoWeek week = r.week.week;
      b.archived.team = r.team;
      b.archived.week = week;
      b.archived.time_zone = zone_name;
      b.archived.total_cost = r.combined_total;
      b.archived.built_at = built_at;
      b.archived.documents = {
          {"html", RenderHtml(r, HtmlOptions{ReportUrl(base_url, week, r.team, "html")})},
          {"csv", RenderCsv(r)},
          {"json", RenderJson(r)},
          {"txt", RenderText(r)}};
    });
  }
  RunAll(tasks, concurrency);
  return out;
}

std::string DeliveryKey(model::IsoWeek week, const std::string& team, std::string_view channel) {
  return fmt::format("{}/{}/{}", ToString(week), team, channel);
}

model::Mail ReportMail(const BuiltReport& report, const std::string& from,
                       const std::vector<std::string>& to, const std::string& base_url) {
  const model::WeeklyReport& r = report.content;
  model::Mail mail;
  mail.from = {from, "costledger"};
  for (const std::string& address : to) mail.to.push_back({address, ""});
  mail.subject = Subject(r);
  const auto body = [&](std::string_view format) {
    for (const model::ReportDocument& d : report.archived.documents) {
      if (d.format == format) return d.body;
    }
    return std::string();
  };
  mail.text_body = body("txt");
  mail.html_body = body("html");
  const std::string link = ReportUrl(base_url, r.week.week, r.team, "html");
  if (!link.empty()) mail.text_body += "\nThe report online: " + link + "\n";
  mail.attachments.push_back({fmt::format("costledger-{}-{}.csv", r.team, ToString(r.week.week)),
                              "text/csv; charset=utf-8", body("csv")});
  // The same id for every send of this team-week: a resend (after a crash between the send and
  // its record) reads as the same message.
  const auto at = from.find('@');
  mail.message_id =
      fmt::format("<{}.{}.report@{}>", ToString(r.week.week), model::PercentEncode(r.team),
                  at == std::string::npos ? "costledger" : from.substr(at + 1));
  mail.date = report.archived.built_at;
  mail.extra_headers.push_back(
      {"X-Costledger-Report", fmt::format("{}/{}", ToString(r.week.week), r.team)});
  return mail;
}

DeliveryRun DeliverWeek(const std::vector<BuiltReport>& reports, const DeliverySettings& settings,
                        const DeliveryPorts& ports,
                        const std::function<std::chrono::sys_seconds()>& now) {
  DeliveryRun run;
  const auto deliver = [&](const BuiltReport& report, std::string_view channel,
                           const std::function<void()>& send) {
    const std::string key = DeliveryKey(report.archived.week, report.archived.team, channel);
    const std::string payload =
        nlohmann::json{{"team", report.archived.team},
                       {"week", ToString(report.archived.week)},
                       {"channel", channel},
                       {"totalCostNanos", report.archived.total_cost.nanos()}}
            .dump();
    const std::optional<model::NotificationClaim> claim = ports.ledger.Claim(
        kReportNotificationKind, key, settings.owner, settings.lease, now(), payload);
    if (!claim) {
      ++run.already_done;
      return;
    }
    const auto give_up = [&](const std::string& error) {
      ports.ledger.MarkGivenUp(*claim, error, now());
      ++run.given_up;
      run.errors.push_back(fmt::format("{}: given up: {}", key, error));
    };
    try {
      model::RetryHooks hooks;
      hooks.wait = ports.wait ? ports.wait : [](std::chrono::milliseconds) {};
      hooks.random_unit = [] { return 0.5; };
      model::CallWithRetries(settings.retry, hooks, send);
      if (!ports.ledger.MarkSent(*claim, now())) {
        run.errors.push_back(fmt::format("{}: sent, but another process had taken it over", key));
      }
      ++run.sent;
    } catch (const PermanentDeliveryError& e) {
      give_up(e.what());
    } catch (const InvalidInput& e) {  // a malformed mail or request never gets better
      give_up(e.what());
    } catch (const DeliveryError& e) {
      if (claim->attempt >= settings.max_attempts) {
        give_up(e.what());
        return;
      }
      const int doublings = std::min(claim->attempt - 1, 10);
      ports.ledger.MarkFailed(*claim, e.what(), now(),
                              now() + settings.retry_after * (std::int64_t{1} << doublings));
      ++run.failed;
      run.errors.push_back(
          fmt::format("{}: attempt {} failed, will retry: {}", key, claim->attempt, e.what()));
    }
  };
  for (const BuiltReport& report : reports) {
    const auto recipients = settings.teams.find(report.archived.team);
    if (recipients == settings.teams.end()) continue;
    const ReportRecipients& to = recipients->second;
    if (!to.mail.empty() && ports.mail != nullptr) {
      deliver(report, "mail", [&] {
        ports.mail->Send(ReportMail(report, settings.from, to.mail, settings.base_url));
      });
    }
    if (!to.webhook.empty() && ports.webhook != nullptr) {
      deliver(report, "webhook", [&] {
        ports::WebhookRequest request;
        request.url = to.webhook;
        request.json_body = model::SlackPayload(ReportNotice(report, settings.base_url));
        request.headers.push_back({"X-Costledger-Event", "weekly_report"});
        ports.webhook->Post(request);
      });
    }
  }
  return run;
}

}  // namespace costledger::reports
