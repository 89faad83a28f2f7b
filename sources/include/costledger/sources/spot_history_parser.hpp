#pragma once

#include <string_view>
#include <vector>

#include "costledger/model/aws_records.hpp"

namespace costledger::sources {

/// Parses DescribeSpotPriceHistory output (AWS CLI JSON: {"SpotPriceHistory": [...]}).
std::vector<model::SpotPriceEntry> ParseSpotPriceHistory(std::string_view json);

}  // namespace costledger::sources
