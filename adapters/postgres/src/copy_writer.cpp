#include "copy_writer.hpp"

#include <fmt/core.h>
#include <libpq-fe.h>

#include <limits>
#include <memory>
#include <pqxx/largeobject>

namespace costledger::postgres {
namespace {

// libpqxx 6 hands a transaction's PGconn only to its large-object classes.
struct ConnectionOf : pqxx::largeobject {
  static PGconn* Get(const pqxx::dbtransaction& tx) { return raw_connection(tx); }
};

std::string ErrorText(PGconn* conn) {
  std::string text = PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// The libpqxx exception for a failed result, so callers can tell the kinds apart as for
// anything else libpqxx runs (PgSession retries some, the store catches unique_violation).
[[noreturn]] void ThrowResultError(const PGresult* result, const std::string& statement) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state == nullptr ? "" : state;
  const std::string message = PQresultErrorMessage(result);
  if (sqlstate == "23505") throw pqxx::unique_violation(message, statement, sqlstate.c_str());
  if (sqlstate == "40001") throw pqxx::serialization_failure(message);
  if (sqlstate == "40P01") throw pqxx::deadlock_detected(message);
  if (sqlstate.starts_with("08")) throw pqxx::broken_connection(message);
  throw pqxx::sql_error(message, statement, sqlstate.c_str());
}

}  // namespace

void BeginCopy(pqxx::dbtransaction& tx, std::string_view table,
               std::span<const char* const> columns, bool binary) {
  std::string statement = fmt::format("COPY {} (", table);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) statement += ',';
    statement += columns[i];
  }
  statement += binary ? ") FROM STDIN WITH (FORMAT binary)" : ") FROM STDIN";
  // libpqxx runs it (and tracks its errors); its result is COPY_IN, which libpqxx accepts.
  tx.exec(statement);
}

void SendCopyData(pqxx::dbtransaction& tx, std::string_view data) {
  PGconn* conn = ConnectionOf::Get(tx);
  constexpr std::size_t kMaxPart = std::numeric_limits<int>::max();
  while (!data.empty()) {
    const std::size_t part = std::min(data.size(), kMaxPart);
    if (PQputCopyData(conn, data.data(), static_cast<int>(part)) != 1) {
      throw pqxx::broken_connection("COPY: sending data failed: " + ErrorText(conn));
    }
    data.remove_prefix(part);
  }
}

void EndCopy(pqxx::dbtransaction& tx) {
  PGconn* conn = ConnectionOf::Get(tx);
  if (PQputCopyEnd(conn, nullptr) != 1) {
    throw pqxx::broken_connection("COPY: ending it failed: " + ErrorText(conn));
  }
  // The COPY's own result, then the end of results; keep the first failure.
  std::unique_ptr<PGresult, decltype(&PQclear)> failure(nullptr, &PQclear);
  while (PGresult* result = PQgetResult(conn)) {
    std::unique_ptr<PGresult, decltype(&PQclear)> owned(result, &PQclear);
    if (PQresultStatus(result) != PGRES_COMMAND_OK && failure == nullptr) {
      failure = std::move(owned);
    }
  }
  if (failure != nullptr) ThrowResultError(failure.get(), "COPY");
  if (PQstatus(conn) != CONNECTION_OK) {
    throw pqxx::broken_connection("COPY: connection lost: " + ErrorText(conn));
  }
}

void AbortCopy(pqxx::dbtransaction& tx) noexcept {
  PGconn* conn = ConnectionOf::Get(tx);
  if (PQputCopyEnd(conn, "abandoned by the writer") != 1) return;
  while (PGresult* result = PQgetResult(conn)) PQclear(result);
}

}  // namespace costledger::postgres
