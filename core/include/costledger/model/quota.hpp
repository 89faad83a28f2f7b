#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/kubernetes_records.hpp"

namespace costledger::model {

// A quota (DESIGN "Quotas"), e.g.
//   {"name": "alpha-weekly", "scope": {"team": "alpha"}, "period": "week",
//    "limit": {"dollars": 1000}, "action": "deny", "thresholds": [0.5, 0.8, 1.0]}

enum class QuotaPeriod { kDay, kWeek, kMonth };
enum class QuotaAction { kAlert, kDeny };
/// What a limit counts. Each unit is counted exactly, as an integer of its base unit:
/// dollars in nano-dollars, cpu_hours in millicore-seconds, gpu_hours in device-seconds,
/// bytes_scanned in bytes.
enum class QuotaUnit { kDollars, kGpuHours, kCpuHours, kBytesScanned };

/// "day", "week", "month"; "alert", "deny"; "dollars", "gpu_hours", "cpu_hours", "bytes_scanned"
/// (the contract's spellings).
std::string_view ToString(QuotaPeriod period);
std::string_view ToString(QuotaAction action);
std::string_view ToString(QuotaUnit unit);

/// Base units in one unit of `unit`: 1e9 nano-dollars per dollar, 3,600,000 millicore-seconds per
/// CPU core-hour, 3,600 device-seconds per GPU-hour, 1 byte per byte.
std::int64_t BaseUnitsPerUnit(QuotaUnit unit);

/// `base_units` in the contract's unit (dollars, hours, bytes), for JSON only; never for sums.
double ToContractUnits(QuotaUnit unit, std::int64_t base_units);

/// Which spend a quota covers. Every field given must match; an empty scope covers all spend.
/// Container spend (pods) has no workgroup and query spend (Athena) has no namespace or pod
/// labels, so a scope with `workgroup` covers only query spend, a scope with `namespace_name` or
/// `labels` only container spend, and `cluster` and `team` match both.
struct QuotaScope {
  std::optional<std::string> cluster;
  std::optional<std::string> namespace_name;
  std::optional<std::string> team;
  std::optional<std::string> workgroup;
  Labels labels;  ///< pod labels that must all be present with these values; empty: any

  bool CoversContainers() const { return !workgroup; }
  bool CoversQueries() const { return !namespace_name && labels.empty(); }
  friend bool operator==(const QuotaScope&, const QuotaScope&) = default;
};

/// A limit in base units of its unit (see QuotaUnit); always > 0.
struct QuotaLimit {
  QuotaUnit unit = QuotaUnit::kDollars;
  std::int64_t amount = 0;
  friend bool operator==(const QuotaLimit&, const QuotaLimit&) = default;
};

/// Thresholds are kept in parts per million of the limit, so that comparing spend with them is
/// exact integer arithmetic (0.8 is 800,000 ppm).
inline constexpr std::int64_t kPpm = 1'000'000;

/// A validated quota (only ValidateQuota makes one from outside input).
struct Quota {
  std::string name;  ///< a DNS label, usable in URLs: [a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?
  QuotaScope scope;
  QuotaPeriod period = QuotaPeriod::kMonth;
  QuotaLimit limit;
  QuotaAction action = QuotaAction::kAlert;
  /// Ratios of the limit at which to alert, ppm, strictly increasing, each in (0, 10,000,000].
  std::vector<std::int64_t> thresholds_ppm;
  bool forecast_alert = false;  ///< also alert once when the forecast reaches the limit
  std::string contact;          ///< who can raise the quota, for messages; may be empty
  friend bool operator==(const Quota&, const Quota&) = default;
};

/// A quota as decoded from JSON by an edge adapter, before validation: absent keys are nullopt.
/// Numbers of the limit are decimal text (the JSON number as written, e.g. nlohmann's `dump()` of
/// it), so that 0.1 dollars is exactly 100,000,000 nano-dollars.
struct QuotaScopeSpec {
  std::optional<std::string> cluster;
  std::optional<std::string> namespace_name;  ///< JSON "namespace"
  std::optional<std::string> team;
  std::optional<std::string> workgroup;
  std::optional<Labels> labels;
};

struct QuotaLimitSpec {
  std::optional<std::string> dollars;
  std::optional<std::string> gpu_hours;
  std::optional<std::string> cpu_hours;
  std::optional<std::string> bytes_scanned;
};

struct QuotaSpec {
  std::optional<std::string> name;
  std::optional<QuotaScopeSpec> scope;
  std::optional<std::string> period;
  std::optional<QuotaLimitSpec> limit;
  std::optional<std::string> action;
  std::optional<std::vector<double>> thresholds;
  std::optional<bool> forecast;  ///< JSON "forecast": alert when the forecast reaches the limit
  std::optional<std::string> contact;
};

/// Largest limits accepted, in contract units: $1,000,000,000; 1,000,000,000 core- or GPU-hours;
/// 10^18 bytes. They keep every sum of a period far from int64 overflow.
inline constexpr std::int64_t kMaxLimitDollars = 1'000'000'000;
inline constexpr std::int64_t kMaxLimitHours = 1'000'000'000;
inline constexpr std::int64_t kMaxLimitBytes = 1'000'000'000'000'000'000;
inline constexpr std::size_t kMaxThresholds = 10;
inline constexpr std::size_t kMaxContactLength = 256;

/// Validates a decoded quota. Rules and defaults:
/// - name: required, [a-z0-9]([-a-z0-9]{0,61}[a-z0-9])? (a DNS label, so it fits in a URL path);
/// - scope: required (`{}` covers all spend); strings given must be non-empty, label keys too;
///   `workgroup` cannot be combined with `namespace` or `labels` (no spend has both);
/// - period: required, day|week|month;
/// - limit: exactly one of dollars, gpu_hours, cpu_hours, bytes_scanned, a decimal number > 0
///   and at most the kMaxLimit* of its unit; rounded half-even to the base unit (nano-dollar,
///   millicore-second, device-second); bytes must be whole; gpu_hours and cpu_hours need a scope
///   that covers containers, bytes_scanned one that covers queries;
/// - action: alert (default) or deny; deny stops new pods and jobs, so it needs a quota that
///   counts container spend (not bytes_scanned, no workgroup);
/// - thresholds: default [0.5, 0.8, 1.0]; up to kMaxThresholds ratios, each in (0, 10], strictly
///   increasing, kept to the millionth; [] means no threshold alerts;
/// - forecast: default false; contact: default empty, at most kMaxContactLength characters,
///   no control characters.
/// Throws InvalidInput whose message starts with the field ("period: 'fortnight' is not one of
/// day, week, month") at the first violation.
Quota ValidateQuota(const QuotaSpec& spec);

/// Whether `name` is a valid quota name (see ValidateQuota).
bool IsValidQuotaName(std::string_view name);

}  // namespace costledger::model
