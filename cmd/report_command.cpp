#include "report_command.hpp"

#include <fmt/core.h>

#include "command_line.hpp"
#include "config.hpp"
#include "costledger/common/logger.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/iso_week.hpp"
#include "costledger/model/quota_text.hpp"
#include "report_wiring.hpp"

namespace costledger::cli {

const char* const kReportHelp = R"(usage: costledger report [--config FILE] [options]

Builds one ISO week's team reports (HTML with inline charts, CSV, JSON, text) from what the
collector stored, archives them in PostgreSQL (served at /v1/reports) and prints where they
are. With --send, delivers them to the recipients in reports.teams (mail through smtp, webhook),
exactly once per team, week and channel: a second --send sends nothing new.

options:
  --config FILE          JSON configuration (also COSTLEDGER_CONFIG)
  --week YYYY-Www        the ISO week in the configured time_zone (default: the last complete one)
  --team NAME            only this team
  --format F             print this format of the (single) team's report to stdout:
                         html, csv, json or txt (needs --team)
  --out DIR              also write DIR/<week>/<team>.<format> for every format
  --send                 deliver the reports
)";

int RunReport(const std::vector<std::string>& args) {
  const CommandLine cl(args, {"config", "week", "team", "format", "out", "log-format"}, {"send"});
  const std::string path = ConfigPath(cl.OptionOr("config", ""));
  const std::optional<std::string> format = cl.Option("format");
  const std::optional<std::string> team = cl.Option("team");
  if (format && *format != "html" && *format != "csv" && *format != "json" && *format != "txt") {
    throw InvalidInput(fmt::format("--format '{}' is not one of html, csv, json, txt", *format));
  }
  if (format && !team) throw InvalidInput("--format prints one report: give --team too");
  const LoadedConfig loaded = LoadConfigFile(path);
  // Logs go to stderr, so that --format's document alone is on stdout.
  common::Logger log(common::Logger::ParseFormat(cl.OptionOr("log-format", "text")));
  for (const std::string& w : loaded.warnings) log.Warn("config", {{"detail", w}});
  ReportWiring wiring(loaded.config, log);
  const model::IsoWeek week =
      cl.Option("week") ? model::ParseIsoWeek(*cl.Option("week")) : wiring.LastCompleteWeek();
  if (!wiring.WeekIsStored(week)) {
    log.Warn("the week's last interval is not stored yet: the report covers what is",
             {{"week", ToString(week)}});
  }
  const std::vector<reports::BuiltReport> built =
      wiring.BuildAndArchive(week, team, cl.OptionOr("out", ""));
  if (team && built.empty()) {
    throw NotFound(fmt::format("team '{}' has no cost in {} and no recipients configured", *team,
                               ToString(week)));
  }
  if (format) {
    for (const model::ReportDocument& d : built.front().archived.documents) {
      if (d.format == *format) fmt::print("{}", d.body);
    }
  } else {
    for (const reports::BuiltReport& b : built) {
      fmt::print("{} {} total {} (archived: /v1/reports/{}/{}.html)\n", ToString(week),
                 b.archived.team, model::FormatDollars(b.archived.total_cost), ToString(week),
                 b.archived.team);
    }
  }
  if (!cl.Flag("send")) return 0;
  const reports::DeliveryRun run = wiring.Deliver(built);
  fmt::print(stderr, "report: sent {}, already sent {}, failed {} (retried later), given up {}\n",
             run.sent, run.already_done, run.failed, run.given_up);
  return run.failed + run.given_up > 0 ? 1 : 0;
}

}  // namespace costledger::cli
