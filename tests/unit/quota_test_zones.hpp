#pragma once

// Hand-written time zones for the quota tests: the core never reads the tz database, so these
// stand in for it with rules a test can check by hand.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "costledger/model/zone_rules.hpp"

namespace costledger::model::testing {

/// European Union rules (since 1996): summer time from the last Sunday of March 01:00 UTC to the
/// last Sunday of October 01:00 UTC. Europe/Berlin is EuRulesZone(1h, "CET", "CEST"): local
/// 02:00 -> 03:00 in March, 03:00 -> 02:00 in October.
class EuRulesZone final : public ZoneRules {
 public:
  EuRulesZone(std::chrono::seconds standard_offset, std::string standard, std::string summer)
      : standard_offset_(standard_offset),
        standard_(std::move(standard)),
        summer_(std::move(summer)) {}

  static EuRulesZone Berlin() { return {std::chrono::hours{1}, "CET", "CEST"}; }

  /// 01:00 UTC on the last Sunday of `month` of `year`.
  static std::chrono::sys_seconds Transition(std::chrono::year year, std::chrono::month month) {
    const std::chrono::sys_days last_sunday{year / month / std::chrono::Sunday[std::chrono::last]};
    return last_sunday + std::chrono::hours{1};
  }

  ZoneOffset OffsetAt(std::chrono::sys_seconds utc) const override {
    const std::chrono::year year =
        std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(utc)}.year();
    const bool summer =
        utc >= Transition(year, std::chrono::March) && utc < Transition(year, std::chrono::October);
    if (summer) return {standard_offset_ + std::chrono::hours{1}, summer_};
    return {standard_offset_, standard_};
  }

 private:
  std::chrono::seconds standard_offset_;
  std::string standard_;
  std::string summer_;
};

/// A zone given as a table: `initial` until the first transition, then each transition's offset
/// from its instant on. Models midnight gaps and folds and days that never happen.
class TableZone final : public ZoneRules {
 public:
  struct Transition {
    std::chrono::sys_seconds at;
    ZoneOffset offset;
  };
  TableZone(ZoneOffset initial, std::vector<Transition> transitions)
      : initial_(std::move(initial)), transitions_(std::move(transitions)) {}

  ZoneOffset OffsetAt(std::chrono::sys_seconds utc) const override {
    ZoneOffset current = initial_;
    for (const Transition& t : transitions_) {
      if (utc >= t.at) current = t.offset;
    }
    return current;
  }

 private:
  ZoneOffset initial_;
  std::vector<Transition> transitions_;
};

/// Instants written as UTC calendar values, for readable expectations.
inline std::chrono::sys_seconds Utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0,
                                    int ss = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}} +
         std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
}

}  // namespace costledger::model::testing
