#include "report_wiring.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "costledger/common/time_zone.hpp"
#include "costledger/delivery/http_webhook_sender.hpp"
#include "costledger/delivery/smtp_mail_sender.hpp"
#include "costledger/fetch/price_loader.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/report_schedule.hpp"
#include "costledger/model/report_week.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_notification_ledger.hpp"
#include "costledger/postgres/postgres_quota_store.hpp"
#include "costledger/postgres/postgres_report_archive.hpp"
#include "costledger/postgres/postgres_usage_reader.hpp"

namespace costledger::cli {
namespace {

using std::chrono::sys_seconds;

sys_seconds Now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string Hostname() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "costledger";
  return name.data();
}

}  // namespace

struct ReportWiring::Impl {
  const Config& config;
  common::Logger& log;
  std::shared_ptr<const model::ZoneRules> zone = common::LoadTimeZone(config.time_zone);
  // Costs from the read replica when configured; the archive and the ledger write: primary.
  postgres::PostgresCostReader costs{config.ReadUrl(), config.database_password, 4};
  postgres::PostgresUsageReader usage{config.ReadUrl(), config.database_password};
  postgres::PostgresQuotaStore quotas{config.ReadUrl(), config.database_password};
  postgres::PostgresReportArchive archive{config.database_url, config.database_password};
  postgres::PostgresNotificationLedger ledger{config.database_url, config.database_password};
  std::unique_ptr<delivery::SmtpMailSender> mail;
  delivery::HttpWebhookSender webhook;
  std::optional<model::PriceBook> prices;  // loaded once, on first use

  Impl(const Config& c, common::Logger& l) : config(c), log(l) {
    if (!c.smtp.url.empty()) {
      delivery::SmtpOptions options;
      options.url = c.smtp.url;
      options.starttls = delivery::ParseStartTls(c.smtp.starttls);
      options.username = c.smtp.username;
      options.password = c.smtp.password;
      options.timeout = std::chrono::seconds(c.smtp.timeout_seconds);
      mail = std::make_unique<delivery::SmtpMailSender>(options);
    }
  }

  const model::PriceBook& Prices() {
    if (!prices) {
      fetch::PriceSettings s;
      s.region = config.pricing.region;
      s.on_demand = config.pricing.on_demand;
      s.custom_hourly = config.pricing.custom_hourly;
      ports::LoadedPrices loaded = fetch::LoadPrices(s);
      for (const std::string& e : loaded.errors) {
        log.Warn("reports: on-demand prices not loaded; spot savings unknown", {{"error", e}});
      }
      prices = std::move(loaded.book);
    }
    return *prices;
  }

  reports::GatherSettings Settings(const std::optional<std::string>& team) const {
    reports::GatherSettings s;
    s.idle_sharing = config.reports.share_idle ? model::IdleSharing::kWeightedByCost
                                               : model::IdleSharing::kSeparate;
    s.limits.top_workloads = static_cast<std::size_t>(config.reports.top_workloads);
    for (const auto& [name, recipients] : config.reports.teams) s.teams.push_back(name);
    s.only_team = team;
    return s;
  }
};

ReportWiring::ReportWiring(const Config& config, common::Logger& log)
    : impl_(std::make_unique<Impl>(config, log)) {}

ReportWiring::~ReportWiring() = default;

model::IsoWeek ReportWiring::LastCompleteWeek() const {
  return model::LastCompleteWeek(Now(), *impl_->zone);
}

bool ReportWiring::WeekIsStored(model::IsoWeek week) {
  const auto latest = impl_->costs.LatestInterval();
  return latest && *latest >= model::WeekWindows(week, *impl_->zone).window.end;
}

std::vector<reports::BuiltReport> ReportWiring::BuildAndArchive(
    model::IsoWeek week, const std::optional<std::string>& team, const std::string& out_dir) {
  Impl& i = *impl_;
  const auto started = std::chrono::steady_clock::now();
  const model::PriceBook& prices = i.Prices();
  reports::ReportSources sources{i.costs,
                                 i.costs,
                                 i.costs,
                                 &i.usage,
                                 [&prices](std::string_view type) -> std::optional<model::Money> {
                                   const auto p = prices.OnDemand(type);
                                   if (!p) return std::nullopt;
                                   return p->per_hour;
                                 },
                                 &i.quotas};
  reports::GatherSettings settings = i.Settings(team);
  if (const auto latest = i.costs.LatestInterval()) {
    settings.stored_through = *latest + std::chrono::seconds(i.config.interval_seconds);
  }
  std::vector<reports::BuiltReport> built = reports::BuildWeek(
      sources, week, *i.zone, i.config.time_zone, settings, Now(), i.config.reports.base_url);
  for (const reports::BuiltReport& b : built) {
    i.archive.Save(b.archived);
    if (out_dir.empty()) continue;
    const std::filesystem::path dir = std::filesystem::path(out_dir) / ToString(week);
    std::filesystem::create_directories(dir);
    for (const model::ReportDocument& d : b.archived.documents) {
      const std::filesystem::path file = dir / fmt::format("{}.{}", b.archived.team, d.format);
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out << d.body;
      if (!out) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
    }
  }
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  i.log.Info("reports built", {{"week", ToString(week)},
                               {"teams", static_cast<std::int64_t>(built.size())},
                               {"duration_ms", static_cast<std::int64_t>(millis.count())}});
  return built;
}

reports::DeliveryRun ReportWiring::Deliver(const std::vector<reports::BuiltReport>& built) {
  Impl& i = *impl_;
  reports::DeliverySettings s;
  s.from = i.config.reports.from;
  s.base_url = i.config.reports.base_url;
  for (const auto& [team, r] : i.config.reports.teams) s.teams[team] = {r.mail, r.webhook};
  s.owner = fmt::format("{}:{}", Hostname(), getpid());
  s.retry_after = std::chrono::seconds(i.config.reports.retry_seconds);
  // In-process retries ride out a blip (1 s, then 2 s); longer outages wait for the ledger's
  // retry at a later run.
  s.retry.max_attempts = 3;
  s.retry.initial_delay = std::chrono::seconds(1);
  s.retry.max_delay = std::chrono::seconds(10);
  reports::DeliveryPorts ports{i.ledger, i.mail.get(), &i.webhook,
                               [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }};
  reports::DeliveryRun run = reports::DeliverWeek(built, s, ports, Now);
  for (const std::string& e : run.errors) i.log.Warn("report delivery", {{"detail", e}});
  i.log.Info("reports delivered", {{"sent", static_cast<std::int64_t>(run.sent)},
                                   {"already_done", static_cast<std::int64_t>(run.already_done)},
                                   {"failed", static_cast<std::int64_t>(run.failed)},
                                   {"given_up", static_cast<std::int64_t>(run.given_up)}});
  if (i.mail == nullptr && !i.config.reports.teams.empty()) {
    i.log.Warn("reports: no smtp.url configured; mail recipients get nothing", {});
  }
  return run;
}

void ReportWiring::RunSchedule(
    const std::atomic<bool>& stop, std::chrono::seconds poll,
    const std::function<void(const reports::DeliveryRun&,
                             std::span<const model::NotificationCount>)>& on_delivered) {
  Impl& i = *impl_;
  const model::ReportSchedule schedule{i.config.reports.weekday, i.config.reports.hour};
  std::optional<model::IsoWeek> done;  // built, archived and every delivery settled
  auto next = std::chrono::steady_clock::now();
  while (!stop) {
    if (std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    next = std::chrono::steady_clock::now() + poll;
    try {
      const std::optional<model::IsoWeek> due = model::DueReportWeek(Now(), schedule, *i.zone);
      if (!due || done == due) continue;
      if (!WeekIsStored(*due)) {
        i.log.Info("reports due, waiting for the week's last interval", {{"week", ToString(*due)}});
        continue;
      }
      const reports::DeliveryRun run =
          Deliver(BuildAndArchive(*due, std::nullopt, i.config.reports.out_dir));
      if (on_delivered) on_delivered(run, i.ledger.CountByState());
      if (run.failed == 0) done = due;
    } catch (const std::exception& e) {
      i.log.Error("weekly reports failed; retrying at the next poll", {{"error", e.what()}});
    }
  }
}

}  // namespace costledger::cli
