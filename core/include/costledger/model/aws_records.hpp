#pragma once

#include <chrono>
#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/money.hpp"
#include "costledger/model/query_cost.hpp"
#include "costledger/model/volume_pricing.hpp"

namespace costledger::model {

/// On-demand Linux price per hour by instance type, from an EC2 offer file.
struct OnDemandPriceList {
  std::string region_code;
  std::map<std::string, model::HourlyPrice, std::less<>> by_instance_type;
  /// EBS prices per month by volume type (volumeApiName), from the Storage, System Operation
  /// (EBS IOPS) and Provisioned Throughput (EBS Throughput) SKUs of the region.
  std::map<std::string, model::VolumePrice, std::less<>> by_volume_type;
  std::size_t skus_seen = 0;  ///< products read, for logs
};

/// One entry of DescribeSpotPriceHistory.
struct SpotPriceEntry {
  std::string instance_type;
  std::string availability_zone;
  std::string product_description;  ///< e.g. "Linux/UNIX"
  model::HourlyPrice price;
  std::chrono::sys_seconds timestamp;
};

/// One entry of BatchGetQueryExecution.
struct AthenaQueryExecution {
  std::string query_execution_id;
  std::string work_group;
  std::string statement_type;  ///< DDL, DML or UTILITY; may be empty
  std::string query;           ///< may be empty
  model::QueryState state = model::QueryState::kQueued;
  std::chrono::sys_seconds submitted;
  std::optional<std::chrono::sys_seconds> completed;
  std::int64_t data_scanned_bytes = 0;
  std::int64_t engine_execution_millis = 0;

  bool IsDdl() const { return statement_type == "DDL"; }
};

}  // namespace costledger::model
