#include "costledger/model/quota.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "costledger/model/errors.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {
namespace {

constexpr std::string_view kNamePattern = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
constexpr std::size_t kMaxNameLength = 63;
constexpr std::size_t kMaxQuotedLength = 64;
constexpr std::array<double, 3> kDefaultThresholds = {0.5, 0.8, 1.0};

bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

/// `text` for an error message: printable, and short even when the input is not.
std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMaxQuotedLength; ++i) {
    out += IsControl(text[i]) ? '?' : text[i];
  }
  if (text.size() > kMaxQuotedLength) out += "...";
  return out + "'";
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool HasControl(std::string_view text) { return std::ranges::any_of(text, IsControl); }

/// An exact decimal: mantissa x 10^exponent.
struct Decimal {
  bool negative = false;
  Int128 mantissa = 0;
  int exponent = 0;
};

/// [+-]digits[.digits][(e|E)[+-]digits], or nothing when `text` is not of that form. Digits
/// beyond about 27 significant ones are dropped (far below any unit's resolution).
std::optional<Decimal> ParseDecimal(std::string_view text) {
  Decimal d;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) d.negative = text[i++] == '-';
  int digits = 0;
  bool point = false;
  // Keeps mantissa x 10^9 (the largest base units per unit) within Int128.
  constexpr Int128 kMantissaCap = Int128{1} << 90;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (IsDigit(c)) {
      ++digits;
      if (d.mantissa < kMantissaCap) {
        d.mantissa = d.mantissa * 10 + (c - '0');
        if (point) --d.exponent;
      } else if (!point) {
        ++d.exponent;
      }
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative_exponent = text[i++] == '-';
    int exponent = 0;
    int exponent_digits = 0;
    for (; i < text.size() && IsDigit(text[i]); ++i, ++exponent_digits) {
      if (exponent < 10'000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (exponent_digits == 0) return std::nullopt;
    d.exponent += negative_exponent ? -exponent : exponent;
  }
  if (i != text.size()) return std::nullopt;
  return d;
}

std::string_view Noun(QuotaUnit unit) {
  switch (unit) {
    case QuotaUnit::kDollars:
      return "nano-dollar";
    case QuotaUnit::kGpuHours:
      return "device-second";
    case QuotaUnit::kCpuHours:
      return "millicore-second";
    case QuotaUnit::kBytesScanned:
      return "byte";
  }
  return "unit";
}

std::int64_t MaxUnits(QuotaUnit unit) {
  switch (unit) {
    case QuotaUnit::kDollars:
      return kMaxLimitDollars;
    case QuotaUnit::kGpuHours:
    case QuotaUnit::kCpuHours:
      return kMaxLimitHours;
    case QuotaUnit::kBytesScanned:
      return kMaxLimitBytes;
  }
  return 0;
}

/// Decimal text in contract units -> base units, exactly, rounded half-even.
std::int64_t ParseLimitAmount(QuotaUnit unit, std::string_view text) {
  const std::string field = fmt::format("limit.{}", ToString(unit));
  const std::optional<Decimal> d = ParseDecimal(text);
  if (!d) throw InvalidInput(fmt::format("{}: {} is not a decimal number", field, Quoted(text)));
  if (d->negative || d->mantissa == 0) {
    throw InvalidInput(fmt::format("{}: {} must be greater than 0", field, Quoted(text)));
  }
  const auto too_large = [&] {
    return InvalidInput(fmt::format("{}: {} is more than {}", field, Quoted(text), MaxUnits(unit)));
  };
  const Int128 max_base = Int128{MaxUnits(unit)} * BaseUnitsPerUnit(unit);
  Int128 numerator = d->mantissa * BaseUnitsPerUnit(unit);  // < 2^94 x 2^30: no overflow
  Int128 denominator = 1;
  for (int e = d->exponent; e > 0; --e) {
    if (numerator > max_base) throw too_large();
    numerator *= 10;
  }
  if (d->exponent < -38) {
    denominator = 0;  // 10^39 > any numerator: the amount rounds to 0
  } else {
    for (int e = d->exponent; e < 0; ++e) denominator *= 10;
  }
  std::int64_t base = 0;
  if (denominator != 0) {
    if (numerator / denominator > max_base) throw too_large();
    if (unit == QuotaUnit::kBytesScanned && numerator % denominator != 0) {
      throw InvalidInput(
          fmt::format("{}: {} must be a whole number of bytes", field, Quoted(text)));
    }
    base = DivideRoundHalfEven(numerator, denominator);
  }
  if (base > max_base) throw too_large();
  if (base == 0) {
    throw InvalidInput(fmt::format("{}: {} rounds to 0 at the resolution of 1 {}", field,
                                   Quoted(text), Noun(unit)));
  }
  return base;
}

void ValidateName(const std::optional<std::string>& name) {
  if (!name) throw InvalidInput("name: required");
  if (!IsValidQuotaName(*name)) {
    throw InvalidInput(fmt::format(
        "name: {} must match {} (lowercase letters, digits and '-', at most {} characters, "
        "starting and ending with a letter or digit)",
        Quoted(*name), kNamePattern, kMaxNameLength));
  }
}

std::optional<std::string> NonEmpty(const std::optional<std::string>& value,
                                    std::string_view field) {
  if (value && value->empty()) throw InvalidInput(fmt::format("{}: must not be empty", field));
  if (value && HasControl(*value)) {
    throw InvalidInput(
        fmt::format("{}: {} must not contain control characters", field, Quoted(*value)));
  }
  return value;
}

QuotaScope ValidateScope(const std::optional<QuotaScopeSpec>& spec) {
  if (!spec) throw InvalidInput("scope: required; {} covers all spend");
  QuotaScope scope;
  scope.cluster = NonEmpty(spec->cluster, "scope.cluster");
  scope.namespace_name = NonEmpty(spec->namespace_name, "scope.namespace");
  scope.team = NonEmpty(spec->team, "scope.team");
  scope.workgroup = NonEmpty(spec->workgroup, "scope.workgroup");
  if (spec->labels) {
    for (const auto& [key, value] : *spec->labels) {
      if (key.empty()) throw InvalidInput("scope.labels: keys must not be empty");
      if (HasControl(key) || HasControl(value)) {
        throw InvalidInput(
            fmt::format("scope.labels: {} must not contain control characters", Quoted(key)));
      }
    }
    scope.labels = *spec->labels;
  }
  if (scope.workgroup && (scope.namespace_name || !scope.labels.empty())) {
    throw InvalidInput(
        "scope: workgroup selects query spend and namespace or labels select container spend; "
        "no spend has both, so one quota cannot use both");
  }
  return scope;
}

QuotaPeriod ValidatePeriod(const std::optional<std::string>& text) {
  if (!text) throw InvalidInput("period: required, one of day, week, month");
  for (const QuotaPeriod p : {QuotaPeriod::kDay, QuotaPeriod::kWeek, QuotaPeriod::kMonth}) {
    if (*text == ToString(p)) return p;
  }
  throw InvalidInput(fmt::format("period: {} is not one of day, week, month", Quoted(*text)));
}

QuotaLimit ValidateLimit(const std::optional<QuotaLimitSpec>& spec, const QuotaScope& scope) {
  constexpr std::string_view kExactlyOne =
      "limit: exactly one of dollars, gpu_hours, cpu_hours, bytes_scanned is required";
  std::vector<std::pair<QuotaUnit, const std::string*>> given;
  if (spec) {
    for (const auto& [unit, value] : {std::pair{QuotaUnit::kDollars, &spec->dollars},
                                      std::pair{QuotaUnit::kGpuHours, &spec->gpu_hours},
                                      std::pair{QuotaUnit::kCpuHours, &spec->cpu_hours},
                                      std::pair{QuotaUnit::kBytesScanned, &spec->bytes_scanned}}) {
      if (*value) given.emplace_back(unit, &**value);
    }
  }
  if (given.empty()) throw InvalidInput(fmt::format("{} (none given)", kExactlyOne));
  if (given.size() > 1) {
    std::string names;
    for (const auto& [unit, value] : given) {
      names += names.empty() ? "" : ", ";
      names += ToString(unit);
    }
    throw InvalidInput(fmt::format("{} (got {})", kExactlyOne, names));
  }
  const QuotaUnit unit = given.front().first;
  const bool counts_containers = unit == QuotaUnit::kGpuHours || unit == QuotaUnit::kCpuHours;
  if (counts_containers && !scope.CoversContainers()) {
    throw InvalidInput(fmt::format(
        "limit: {} counts container spend, but scope.workgroup selects query spend only",
        ToString(unit)));
  }
  if (unit == QuotaUnit::kBytesScanned && !scope.CoversQueries()) {
    throw InvalidInput(fmt::format(
        "limit: bytes_scanned counts query spend, but scope.{} selects container spend only",
        scope.namespace_name ? "namespace" : "labels"));
  }
  return {unit, ParseLimitAmount(unit, *given.front().second)};
}

QuotaAction ValidateAction(const std::optional<std::string>& text) {
  if (!text) return QuotaAction::kAlert;
  for (const QuotaAction a : {QuotaAction::kAlert, QuotaAction::kDeny}) {
    if (*text == ToString(a)) return a;
  }
  throw InvalidInput(fmt::format("action: {} is not one of alert, deny", Quoted(*text)));
}

std::vector<std::int64_t> ValidateThresholds(const std::optional<std::vector<double>>& given) {
  const std::vector<double> ratios =
      given ? *given : std::vector<double>(kDefaultThresholds.begin(), kDefaultThresholds.end());
  if (ratios.size() > kMaxThresholds) {
    throw InvalidInput(
        fmt::format("thresholds: at most {} ratios, got {}", kMaxThresholds, ratios.size()));
  }
  std::vector<std::int64_t> ppm;
  for (std::size_t i = 0; i < ratios.size(); ++i) {
    const double r = ratios[i];
    if (!(r > 0 && r <= 10)) {
      throw InvalidInput(fmt::format("thresholds[{}]: {} is not in (0, 10]", i, r));
    }
    const std::int64_t p = std::llround(r * static_cast<double>(kPpm));
    if (p == 0) {
      throw InvalidInput(
          fmt::format("thresholds[{}]: {} is below the resolution of 0.000001", i, r));
    }
    if (!ppm.empty() && p <= ppm.back()) {
      throw InvalidInput(fmt::format("thresholds[{}]: {} is not greater than thresholds[{}], {}", i,
                                     r, i - 1, ratios[i - 1]));
    }
    ppm.push_back(p);
  }
  return ppm;
}

std::string ValidateContact(const std::optional<std::string>& contact) {
  if (!contact) return {};
  if (contact->size() > kMaxContactLength) {
    throw InvalidInput(
        fmt::format("contact: at most {} characters, got {}", kMaxContactLength, contact->size()));
  }
  if (HasControl(*contact)) throw InvalidInput("contact: must not contain control characters");
  return *contact;
}

}  // namespace

std::string_view ToString(QuotaPeriod period) {
  switch (period) {
    case QuotaPeriod::kDay:
      return "day";
    case QuotaPeriod::kWeek:
      return "week";
    case QuotaPeriod::kMonth:
      return "month";
  }
  return "month";
}

std::string_view ToString(QuotaAction action) {
  return action == QuotaAction::kDeny ? "deny" : "alert";
}

std::string_view ToString(QuotaUnit unit) {
  switch (unit) {
    case QuotaUnit::kDollars:
      return "dollars";
    case QuotaUnit::kGpuHours:
      return "gpu_hours";
    case QuotaUnit::kCpuHours:
      return "cpu_hours";
    case QuotaUnit::kBytesScanned:
      return "bytes_scanned";
  }
  return "dollars";
}

std::int64_t BaseUnitsPerUnit(QuotaUnit unit) {
  switch (unit) {
    case QuotaUnit::kDollars:
      return 1'000'000'000;
    case QuotaUnit::kGpuHours:
      return 3'600;
    case QuotaUnit::kCpuHours:
      return 3'600'000;
    case QuotaUnit::kBytesScanned:
      return 1;
  }
  return 1;
}

double ToContractUnits(QuotaUnit unit, std::int64_t base_units) {
  return static_cast<double>(base_units) / static_cast<double>(BaseUnitsPerUnit(unit));
}

bool IsValidQuotaName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) return false;
  return std::ranges::all_of(name, [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

Quota ValidateQuota(const QuotaSpec& spec) {
  Quota quota;
  ValidateName(spec.name);
  quota.name = *spec.name;
  quota.scope = ValidateScope(spec.scope);
  quota.period = ValidatePeriod(spec.period);
  quota.limit = ValidateLimit(spec.limit, quota.scope);
  quota.action = ValidateAction(spec.action);
  if (quota.action == QuotaAction::kDeny) {
    // Deny acts on new pods (admission) and jobs (check); query spend passes neither.
    if (quota.limit.unit == QuotaUnit::kBytesScanned) {
      throw InvalidInput(
          "action: deny stops new pods, but bytes_scanned counts query spend only; use alert");
    }
    if (!quota.scope.CoversContainers()) {
      throw InvalidInput(
          "action: deny stops new pods, but scope.workgroup selects query spend only; use alert");
    }
  }
  quota.thresholds_ppm = ValidateThresholds(spec.thresholds);
  quota.forecast_alert = spec.forecast.value_or(false);
  quota.contact = ValidateContact(spec.contact);
  return quota;
}

}  // namespace costledger::model
