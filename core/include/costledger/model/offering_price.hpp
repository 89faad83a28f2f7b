#pragma once

#include <string>

#include "costledger/model/money.hpp"
#include "costledger/model/price_book.hpp"
#include "costledger/model/resources.hpp"

namespace costledger::model {

/// What one node of an offering costs now and what it holds: the basis for estimating what a pod
/// or job not yet scheduled would add per hour (admission messages, POST /v1/quotas/check).
struct OfferingPrice {
  std::string instance_type;
  CapacityType capacity_type = CapacityType::kOnDemand;
  HourlyPrice node_price;  ///< the node's current price per hour (spot: the current spot step)
  Capacity capacity;       ///< allocatable of one such node
  int nodes = 0;           ///< how many such nodes run now (weights cluster-wide averages)
};

}  // namespace costledger::model
