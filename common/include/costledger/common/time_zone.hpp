#pragma once

#include <memory>
#include <string>

#include "costledger/model/zone_rules.hpp"

namespace costledger::common {

/// The rules of an IANA time zone ("Europe/Berlin", "UTC") from the system's tz database,
/// as the core's ZoneRules. Throws model::InvalidInput naming the zone when the database does
/// not know it. The result is immutable and safe to use from several threads.
std::shared_ptr<const model::ZoneRules> LoadTimeZone(const std::string& iana_name);

}  // namespace costledger::common
