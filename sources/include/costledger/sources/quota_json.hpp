#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/quota.hpp"

namespace costledger::sources {

// The JSON form of a quota (DESIGN "Quotas"):
//   {"name": "alpha-weekly", "scope": {"team": "alpha"}, "period": "week",
//    "limit": {"dollars": 1000}, "action": "deny", "thresholds": [0.5, 0.8, 1.0]}
// plus the optional "forecast" (bool) and "contact" (string).

/// Decodes one quota object for model::ValidateQuota. Limit amounts are JSON numbers (or
/// decimal strings, for more digits than a double holds), kept as their decimal text. Throws
/// InvalidInput whose message starts with the field, e.g. "scope.team: expected a string",
/// "thresholdz: unknown key; allowed: name, scope, ...", or "malformed JSON at byte 12: ...".
model::QuotaSpec ParseQuotaSpec(std::string_view text);

/// Decodes and validates the quotas of a quotas file: `{"quotas": [...]}` or a bare array.
/// Throws InvalidInput naming the element and field ("quotas[2] (alpha-weekly): period: 'x' is
/// not one of day, week, month"), or a name given twice. Nothing is returned unless every
/// element is valid.
std::vector<model::Quota> ParseQuotaFile(std::string_view text);

/// The canonical JSON of a validated quota, every field written (defaults included), limit
/// amounts as exact decimals (dollars to the nano-dollar; hours to 9 decimals, enough that
/// ParseQuotaSpec + ValidateQuota give back the same quota). Keys in the contract's order.
std::string QuotaToJson(const model::Quota& quota);

}  // namespace costledger::sources
