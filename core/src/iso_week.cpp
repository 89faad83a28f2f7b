#include "costledger/model/iso_week.hpp"

#include <date/iso_week.h>
#include <fmt/core.h>

#include <regex>

#include "costledger/model/errors.hpp"

namespace costledger::model {

IsoWeek IsoWeekOf(std::chrono::sys_days local_day) {
  const iso_week::year_weeknum_weekday ywd{date::sys_days{local_day.time_since_epoch()}};
  return {static_cast<int>(ywd.year()), static_cast<unsigned>(ywd.weeknum())};
}

std::chrono::sys_days MondayOf(IsoWeek week) {
  const iso_week::year_weeknum_weekday ywd{iso_week::year{week.year}, iso_week::weeknum{week.week},
                                           iso_week::mon};
  return std::chrono::sys_days{date::sys_days{ywd}.time_since_epoch()};
}

std::string ToString(IsoWeek week) { return fmt::format("{:04}-W{:02}", week.year, week.week); }

IsoWeek ParseIsoWeek(const std::string& text) {
  static const std::regex kPattern(R"((\d{4})-W(\d{2}))");
  std::smatch match;
  if (!std::regex_match(text, match, kPattern)) {
    throw InvalidInput(fmt::format("week '{}' is not of the form YYYY-Www", text));
  }
  const IsoWeek week{std::stoi(match[1]), static_cast<unsigned>(std::stoul(match[2]))};
  const iso_week::year_weeknum_weekday ywd{iso_week::year{week.year}, iso_week::weeknum{week.week},
                                           iso_week::mon};
  if (week.week == 0 || !ywd.ok()) {
    throw InvalidInput(fmt::format("week '{}' does not exist", text));
  }
  return week;
}

}  // namespace costledger::model
