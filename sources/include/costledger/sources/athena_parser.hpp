#pragma once

#include <string_view>
#include <vector>

#include "costledger/model/aws_records.hpp"

namespace costledger::sources {

/// Parses BatchGetQueryExecution output ({"QueryExecutions": [...]}); timestamps as ISO 8601
/// strings (AWS CLI) or epoch seconds, possibly fractional (raw API).
std::vector<model::AthenaQueryExecution> ParseAthenaQueryExecutions(std::string_view json);

}  // namespace costledger::sources
