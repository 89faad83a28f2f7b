#pragma once

#include <span>
#include <string>

#include "costledger/simulator/athena_workload.hpp"
#include "costledger/simulator/spot_market.hpp"

namespace costledger::simulator {

/// An AWS Price List EC2 offer file for us-east-1: a Linux, shared-tenancy, on-demand SKU per
/// instance type of the catalogue, and distractors a parser must skip (Windows, RHEL,
/// Dedicated, capacity reservations, SQL Server, another region, Capacity Blocks, a zero-price
/// placeholder, EBS storage, Reserved terms). Constant.
std::string RenderEc2OfferFile();

/// DescribeSpotPriceHistory output as the AWS CLI prints it ({"SpotPriceHistory": [...]}).
std::string RenderSpotPriceHistory(std::span<const SpotPricePoint> points);

/// BatchGetQueryExecution output as the AWS CLI prints it ({"QueryExecutions": [...]}).
/// `buffer` is storage to reuse (its contents are discarded), to spare page faults on large
/// bodies.
std::string RenderAthenaQueryExecutions(std::span<const AthenaQuery> queries,
                                        std::string buffer = {});

}  // namespace costledger::simulator
