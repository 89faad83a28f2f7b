#pragma once

#include <istream>
#include <string_view>
#include <vector>

#include "costledger/model/aws_records.hpp"

namespace costledger::sources {

/// Stream-parses an AWS Price List EC2 offer file (the real one is gigabytes; memory use is
/// bounded by the SKUs kept). Keeps SKUs with productFamily "Compute Instance", the given
/// regionCode, operatingSystem Linux, tenancy Shared, capacitystatus Used, preInstalledSw NA,
/// marketoption OnDemand where present, and an hourly USD price above zero; ignores every other
/// SKU. Also keeps the region's EBS prices per volumeApiName: productFamily "Storage" (USD per
/// "GB-Mo"), "System Operation" with group "EBS IOPS" ("IOPS-Mo") and "Provisioned Throughput"
/// with group "EBS Throughput" ("GiBps-mo"). Throws InvalidInput on malformed JSON (with byte
/// offset) or when two kept SKUs give one instance type two prices.
model::OnDemandPriceList ParseEc2OfferFile(std::istream& in, std::string_view region_code);

}  // namespace costledger::sources
