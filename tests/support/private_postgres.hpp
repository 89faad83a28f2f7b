#pragma once

#include <string>

#include "temp_dir.hpp"

namespace costledger::testing {

/// A private PostgreSQL 15 server for one test: its own data directory under /tmp, its own
/// TCP port on 127.0.0.1 and unix socket directory, stopped and removed by the destructor.
/// Works as root by running the server as the `postgres` user. Throws std::runtime_error with
/// the server log when it cannot start (tests fail, never skip).
class PrivatePostgres {
 public:
  /// Names the primary a hot standby follows.
  struct StandbyOf {
    const PrivatePostgres& primary;
  };

  PrivatePostgres();
  /// A hot standby (streaming read replica) of `of.primary`: a copy made with `pg_basebackup -R`
  /// (so it streams from the primary's port over 127.0.0.1), on a port of its own, started and
  /// accepting read-only queries. The primary must stay up while this starts.
  explicit PrivatePostgres(StandbyOf of);
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;
  PrivatePostgres(PrivatePostgres&&) = delete;
  PrivatePostgres& operator=(PrivatePostgres&&) = delete;

  /// libpq URL of database `dbname` on this server, e.g. postgresql://costledger@127.0.0.1:PORT/x
  std::string Url(const std::string& dbname = "postgres") const;
  /// Creates database `dbname` (owned by the test user) and returns its URL.
  std::string CreateDatabase(const std::string& dbname) const;

  int port() const { return port_; }
  /// The server's directory: its data (data/), unix socket and log (server.log).
  const std::string& data_dir() const { return dir_.path(); }

  /// Fast shutdown / start again on the same data and port, for fault-injection tests.
  void Stop();
  void Start();
  bool running() const { return running_; }

 private:
  std::string RunAsServerUser(const std::string& command) const;
  void AppendSettings();
  TempDir dir_;
  int port_ = 0;
  bool running_ = false;
};

/// Directory of PostgreSQL 15's server binaries (initdb, pg_ctl).
std::string PostgresBinDir();

}  // namespace costledger::testing
