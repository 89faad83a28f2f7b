#include "report_command.hpp"

#include <fmt/core.h>

namespace costledger::cli {

const char* const kReportHelp = R"(usage: costledger report --week YYYY-Www [options]

Not available in this build yet: the command exits with status 2. When it is, it will build
the weekly team reports (HTML with inline charts, CSV, JSON) for one ISO week and store them;
with --send, deliver them by SMTP and webhook exactly once per team and week.

planned options:
  --config FILE          JSON configuration (also COSTLEDGER_CONFIG)
  --week YYYY-Www        the ISO week, in the configured time zone (default: last week)
  --team NAME            only this team
  --out DIR              also write the files to DIR
  --send                 deliver the reports
)";

int RunReport(const std::vector<std::string>& /*args*/) {
  fmt::print(stderr, "costledger report: not available in this build yet\n");
  return 2;
}

}  // namespace costledger::cli
