#pragma once

// The data of the allocation bench (allocation_cluster.hpp: 30 days x 10,000 pods on 500 nodes)
// loaded into PostgreSQL, shared by the allocation and console benches.

#include <functional>
#include <pqxx/pqxx>
#include <string>

#include "private_postgres.hpp"

namespace costledger::bench {

/// Fills the (migrated here) database `url` of `server` with the generated cluster, server-side
/// (INSERT .. SELECT FROM generate_series) straight into the tables the collector maintains:
/// raw intervals at ONE row per pod per hour, hourly rollups, daily rollups (by the store's own
/// RollUp), node rows; vacuumed and analyzed. Restarts `server` with shared_buffers 1GB first.
/// `progress` gets a line now and then. Takes minutes.
void LoadAllocationCluster(testing::PrivatePostgres& server, const std::string& url,
                           const std::function<void(const std::string&)>& progress);

/// Runs `sql` outside a transaction.
void Exec(pqxx::connection& c, const std::string& sql);

}  // namespace costledger::bench
