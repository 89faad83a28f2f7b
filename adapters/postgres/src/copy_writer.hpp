#pragma once

// Internal to the PostgreSQL store: COPY ... FROM STDIN of rows encoded by CopyText or
// CopyBinary, sent through libpq (libpqxx 6 sends only text lines, each copied twice).

#include <pqxx/pqxx>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "copy_binary.hpp"
#include "copy_text.hpp"

namespace costledger::postgres {

/// Starts `COPY table (columns) FROM STDIN` in `tx`, in binary format or text.
void BeginCopy(pqxx::dbtransaction& tx, std::string_view table,
               std::span<const char* const> columns, bool binary);
/// Sends a part of the data.
void SendCopyData(pqxx::dbtransaction& tx, std::string_view data);
/// Ends the COPY; throws what the server reports, as libpqxx would (pqxx::unique_violation for
/// a duplicate key, pqxx::broken_connection for a lost connection, ...).
void EndCopy(pqxx::dbtransaction& tx);
/// Abandons the COPY after a failure of ours, so the transaction can be rolled back.
void AbortCopy(pqxx::dbtransaction& tx) noexcept;

/// One COPY into `table` within `tx`. Rows are encoded into a reused buffer and sent every
/// 256 KiB, so the server reads one part while the next is encoded. Call Complete() before
/// anything else runs in `tx`; a writer destroyed without it abandons the COPY.
template <typename Encoding>
class CopyWriter {
 public:
  CopyWriter(pqxx::dbtransaction& tx, std::string_view table, std::span<const char* const> columns)
      : tx_(tx) {
    BeginCopy(tx_, table, columns, Encoding::kBinary);
  }
  ~CopyWriter() {
    if (!completed_) AbortCopy(tx_);
  }
  CopyWriter(const CopyWriter&) = delete;
  CopyWriter& operator=(const CopyWriter&) = delete;
  CopyWriter(CopyWriter&&) = delete;
  CopyWriter& operator=(CopyWriter&&) = delete;

  template <typename... Fields>
  void Row(const Fields&... fields) {
    encoding_.Row(fields...);
    if (encoding_.size() >= kSendBytes) Send();
  }

  /// Appends one row that `encode(Encoding&)` writes (for layouts generated from a table).
  template <typename Encode>
  void EncodedRow(Encode&& encode) {
    std::forward<Encode>(encode)(encoding_);
    if (encoding_.size() >= kSendBytes) Send();
  }

  /// Sends what is left and ends the COPY.
  void Complete() {
    encoding_.Finish();
    Send();
    completed_ = true;
    EndCopy(tx_);
  }

 private:
  static constexpr std::size_t kSendBytes = std::size_t{256} * 1024;
  void Send() {
    SendCopyData(tx_, encoding_.data());
    encoding_.Clear();
  }

  pqxx::dbtransaction& tx_;
  Encoding encoding_;
  bool completed_ = false;
};

}  // namespace costledger::postgres
