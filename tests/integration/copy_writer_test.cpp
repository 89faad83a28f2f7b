// The store's COPY writer (collector/src/copy_writer.hpp) against a real PostgreSQL 15: what is
// written is read back exactly, in both encodings, and failures surface as libpqxx's
// exceptions with the transaction still usable for a rollback.
#include "copy_writer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "private_postgres.hpp"

namespace costledger::postgres {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::array<const char*, 8> kColumns{"name", "small", "big",  "ratio",
                                              "flag", "at",    "note", "seq"};

struct Row {
  std::string name;
  std::int32_t small = 0;
  std::int64_t big = 0;
  std::optional<double> ratio;
  bool flag = false;
  sys_seconds at;
  std::optional<std::string> note;
};

std::vector<Row> TrickyRows() {
  return {
      {"tab\there", 0, 0, 0.1, true, sys_seconds(seconds(1'763'287'200)), "line\nbreak"},
      {"back\\slash \\. \r cr", std::numeric_limits<std::int32_t>::min(),
       std::numeric_limits<std::int64_t>::min(), std::nullopt, false, sys_seconds(seconds(0)),
       std::nullopt},
      {"na\xC3\xAFve \xE2\x82\xAC \xF0\x9F\x9A\x80", std::numeric_limits<std::int32_t>::max(),
       std::numeric_limits<std::int64_t>::max(), -1.0 / 3.0, true,
       sys_seconds(seconds(946'684'799)), ""},
      {"", -1, -1, 1e300, false, sys_seconds(seconds(4'102'444'800)), "\\N"},
  };
}

class CopyWriterTest : public ::testing::Test {
 protected:
  // One server for the suite (starting one takes seconds), a database per test.
  static void SetUpTestSuite() {
    server_ = std::make_unique<costledger::testing::PrivatePostgres>();
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    pqxx::work tx(connection_);
    tx.exec0(
        "CREATE TABLE t (name text, small integer, big bigint, ratio double precision, "
        "flag boolean, at timestamptz, note text, seq integer PRIMARY KEY)");
    tx.commit();
  }

  template <typename Encoding>
  void Write(pqxx::dbtransaction& tx, const std::vector<Row>& rows, std::int32_t first_seq) {
    CopyWriter<Encoding> copy(tx, "t", kColumns);
    std::int32_t seq = first_seq;
    for (const Row& r : rows)
      copy.Row(r.name, r.small, r.big, r.ratio, r.flag, r.at, r.note, seq++);
    copy.Complete();
  }

  // Reads rows [first_seq, first_seq + n) back, in order.
  std::vector<Row> Read(std::int32_t first_seq, std::size_t n) {
    pqxx::read_transaction tx(connection_);
    std::vector<Row> out;
    for (const pqxx::row& r :
         tx.exec_params("SELECT name, small, big, ratio, flag, extract(epoch FROM at)::bigint, "
                        "note FROM t WHERE seq >= $1 AND seq < $2 ORDER BY seq",
                        first_seq, first_seq + static_cast<std::int32_t>(n))) {
      Row row;
      row.name = r[0].as<std::string>();
      row.small = r[1].as<std::int32_t>();
      row.big = r[2].as<std::int64_t>();
      if (!r[3].is_null()) row.ratio = r[3].as<double>();
      row.flag = r[4].as<bool>();
      row.at = sys_seconds(seconds(r[5].as<std::int64_t>()));
      if (!r[6].is_null()) row.note = r[6].as<std::string>();
      out.push_back(row);
    }
    return out;
  }

  static void ExpectEqual(const std::vector<Row>& got, const std::vector<Row>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(got[i].name, want[i].name);
      EXPECT_EQ(got[i].small, want[i].small);
      EXPECT_EQ(got[i].big, want[i].big);
      EXPECT_EQ(got[i].ratio, want[i].ratio);  // bit for bit: both forms are exact
      EXPECT_EQ(got[i].flag, want[i].flag);
      EXPECT_EQ(got[i].at, want[i].at);
      EXPECT_EQ(got[i].note, want[i].note);
    }
  }

  std::int64_t Count() {
    pqxx::read_transaction tx(connection_);
    return tx.exec1("SELECT count(*) FROM t")[0].as<std::int64_t>();
  }

  static std::string NewDatabase() {
    static int databases = 0;
    return server_->CreateDatabase("copy_writer_" + std::to_string(++databases));
  }

  static std::unique_ptr<costledger::testing::PrivatePostgres> server_;
  pqxx::connection connection_{NewDatabase()};
};

std::unique_ptr<costledger::testing::PrivatePostgres> CopyWriterTest::server_;

TEST_F(CopyWriterTest, BinaryRowsReadBackExactly) {
  pqxx::work tx(connection_);
  Write<CopyBinary>(tx, TrickyRows(), 0);
  tx.commit();
  ExpectEqual(Read(0, 4), TrickyRows());
}

TEST_F(CopyWriterTest, TextRowsReadBackExactly) {
  pqxx::work tx(connection_);
  Write<CopyText>(tx, TrickyRows(), 0);
  tx.commit();
  ExpectEqual(Read(0, 4), TrickyRows());
}

TEST_F(CopyWriterTest, SendsLargeCopiesInPartsAndKeepsEveryRow) {
  // ~2 MB of rows: several 256 KiB parts, each after the first without the binary header.
  std::vector<Row> rows;
  for (int i = 0; i < 20'000; ++i) {
    rows.push_back(
        {"pod-" + std::to_string(i) + std::string(60, 'x'), i, std::int64_t{i} << 33, i / 7.0,
         i % 2 == 0, sys_seconds(seconds(1'763'287'200 + i)),
         i % 3 == 0 ? std::nullopt : std::optional<std::string>("n\t" + std::to_string(i))});
  }
  {
    pqxx::work tx(connection_);
    Write<CopyBinary>(tx, rows, 0);
    Write<CopyText>(tx, rows, 20'000);
    tx.commit();
  }
  ExpectEqual(Read(0, rows.size()), rows);
  ExpectEqual(Read(20'000, rows.size()), rows);
}

TEST_F(CopyWriterTest, DuplicateKeyIsAUniqueViolationAndTheTransactionRollsBack) {
  for (const bool binary : {true, false}) {
    SCOPED_TRACE(binary);
    pqxx::work tx(connection_);
    const std::vector<Row> rows = TrickyRows();
    if (binary) {
      Write<CopyBinary>(tx, rows, 0);
      EXPECT_THROW(Write<CopyBinary>(tx, rows, 3), pqxx::unique_violation);
    } else {
      Write<CopyText>(tx, rows, 0);
      EXPECT_THROW(Write<CopyText>(tx, rows, 3), pqxx::unique_violation);
    }
    tx.abort();
    EXPECT_EQ(Count(), 0);
  }
}

TEST_F(CopyWriterTest, ASubtransactionRollsBackAFailedCopyAndTheRestCommits) {
  pqxx::work tx(connection_);
  Write<CopyBinary>(tx, TrickyRows(), 0);
  try {
    pqxx::subtransaction direct(tx, "direct");
    Write<CopyBinary>(direct, TrickyRows(), 2);  // seq 2 and 3 exist
    direct.commit();
    FAIL() << "duplicate keys were accepted";
  } catch (const pqxx::unique_violation&) {
  }
  Write<CopyBinary>(tx, TrickyRows(), 4);
  tx.commit();
  EXPECT_EQ(Count(), 8);
}

TEST_F(CopyWriterTest, AFieldOfTheWrongWidthIsRejectedByTheServer) {
  pqxx::work tx(connection_);
  try {
    CopyWriter<CopyBinary> copy(tx, "t", std::array<const char*, 1>{"small"});
    copy.Row(std::int64_t{1});  // bigint bytes for an integer column
    copy.Complete();
    FAIL() << "an 8-byte integer was accepted for a 4-byte column";
  } catch (const pqxx::sql_error& e) {
    EXPECT_EQ(e.sqlstate(), "22P03");  // invalid_binary_representation
  }
  tx.abort();
  EXPECT_EQ(Count(), 0);
}

TEST_F(CopyWriterTest, AnAbandonedCopyStoresNothingAndTheConnectionStaysUsable) {
  {
    pqxx::work tx(connection_);
    try {
      pqxx::subtransaction part(tx, "part");
      CopyWriter<CopyBinary> copy(part, "t", kColumns);
      const Row r = TrickyRows()[0];
      copy.Row(r.name, r.small, r.big, r.ratio, r.flag, r.at, r.note, std::int32_t{0});
      throw std::runtime_error("the encoder failed");  // unwinds past Complete()
    } catch (const std::runtime_error&) {
    }
    Write<CopyText>(tx, TrickyRows(), 10);
    tx.commit();
  }
  EXPECT_EQ(Count(), 4);
  pqxx::work again(connection_);
  Write<CopyBinary>(again, TrickyRows(), 20);
  again.commit();
  EXPECT_EQ(Count(), 8);
}

}  // namespace
}  // namespace costledger::postgres
