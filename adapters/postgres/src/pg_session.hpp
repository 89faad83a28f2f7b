#pragma once

// Internal to the PostgreSQL adapters of the collector library (store and cost reader):
// connection strings, failure classification and a reconnecting session.

#include <fmt/core.h>

#include <memory>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <string_view>

#include "costledger/common/secrets.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::postgres {

// SQLSTATEs meaning the server cannot be used right now: class 08 (connection exception),
// admin_shutdown, crash_shutdown, cannot_connect_now.
inline bool IsUnavailableState(const std::string& sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

/// The URL plus the password and a connect timeout (libpq otherwise waits forever on a
/// black-holed host), in the URL's own syntax: URI query parameters or key=value pairs.
std::string ConnectionString(const std::string& url, const std::string& password);

/// `text` without trailing newlines and spaces (libpq messages end with one).
std::string Trimmed(std::string_view text);

/// One lazily opened connection that reconnects after failures. Not thread-safe.
class PgSession {
 public:
  /// `setup`: SQL run on every new connection (e.g. "SET statement_timeout = 30000").
  void Open(const std::string& url, const std::string& password, std::string setup = {}) {
    connection_string_ = ConnectionString(url, password);
    display_url_ = common::MaskConnectionSecrets(url);
    setup_ = std::move(setup);
  }
  const std::string& display_url() const { return display_url_; }

  // Runs `body` on a connection, connecting first when there is none. Translates failures:
  // the server out of reach -> Unavailable (connection dropped, so the next call reconnects);
  // deadlocks, serialization failures and concurrent DDL are retried (every write here is
  // idempotent), as is a connection that turns out to have died while idle.
  template <typename Body>
  auto Run(std::string_view operation, Body&& body) {
    constexpr int kAttempts = 3;
    for (int attempt = 1;; ++attempt) {
      const bool fresh = connection_ == nullptr;
      try {
        if (fresh) {
          connection_ = std::make_unique<pqxx::connection>(connection_string_);
          if (!setup_.empty()) pqxx::nontransaction(*connection_).exec(setup_);
        }
        return body(*connection_);
      } catch (const pqxx::broken_connection& e) {
        connection_.reset();
        if (!fresh && attempt < kAttempts) continue;
        throw Unavailable(Message(operation, e.what()));
      } catch (const pqxx::in_doubt_error& e) {
        connection_.reset();
        throw Unavailable(Message(operation, e.what()));
      } catch (const pqxx::transaction_rollback& e) {
        connection_.reset();
        if (attempt < kAttempts) continue;
        throw std::runtime_error(fmt::format("PostgreSQL {}: {}", operation, Trimmed(e.what())));
      } catch (const pqxx::sql_error& e) {
        connection_.reset();
        // query_canceled: statement_timeout (the reader's bound on one statement) ran out.
        if (e.sqlstate() == "57014") {
          throw TimedOut(
              fmt::format("PostgreSQL {}: the read took longer than the database "
                          "allows one statement (api.statement_timeout_seconds) and "
                          "was cancelled; ask for a shorter window or a coarser "
                          "aggregate",
                          operation));
        }
        if (IsUnavailableState(e.sqlstate())) {
          if (!fresh && attempt < kAttempts) continue;
          throw Unavailable(Message(operation, e.what()));
        }
        // duplicate_table: another writer created the same partition concurrently.
        if (e.sqlstate() == "42P07" && attempt < kAttempts) continue;
        // undefined_table: a fresh database the collector has not migrated yet. Transient for
        // the caller (503, not a 500 that says nothing), and it says what to do.
        if (e.sqlstate() == "42P01") {
          throw Unavailable(fmt::format(
              "PostgreSQL at {} has no costledger schema yet ({}): `costledger migrate`, or the "
              "collector at its start (serve --role all|collector), creates it; {}",
              display_url_, operation, Trimmed(e.what())));
        }
        throw std::runtime_error(fmt::format("PostgreSQL {}: {} (SQLSTATE {})", operation,
                                             Trimmed(e.what()), e.sqlstate()));
      } catch (...) {
        connection_.reset();
        throw;
      }
    }
  }

  [[nodiscard]] std::string Message(std::string_view operation, std::string_view what) const {
    return fmt::format("PostgreSQL at {} is unavailable ({}): {}", display_url_, operation,
                       Trimmed(what));
  }

 private:
  std::string connection_string_;
  std::string display_url_;
  std::string setup_;
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace costledger::postgres
