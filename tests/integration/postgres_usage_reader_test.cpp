#include "costledger/postgres/postgres_usage_reader.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "costledger/model/efficiency_feed.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "error_of.hpp"
#include "private_postgres.hpp"
#include "sample_batches.hpp"

namespace costledger::postgres {
namespace {

using model::ContainerCostRow;
using model::ContainerUsageSeries;
using model::TimeWindow;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using testing::ErrorOf;

constexpr std::int64_t kMiB = std::int64_t{1} << 20;
constexpr std::int64_t kGiB = std::int64_t{1} << 30;
// 2025-11-16T10:00:00Z, a whole hour: H0; H1 follows. The window read is [H0, H2).
const sys_seconds kH0{seconds{1'763'287'200}};
const sys_seconds kH1 = kH0 + hours(1);
const sys_seconds kH2 = kH0 + hours(2);
const seconds kInterval = minutes(10);  // six intervals an hour, 600 s each

// One container's interval: unobserved usage is stored as 0, as the collector does.
struct Use {
  std::string node;
  std::string namespace_name;
  std::string controller_kind;
  std::string controller;
  std::string pod;
  std::string container;
  std::string team;
  std::int64_t cpu_request = 0;
  std::int64_t memory_request = 0;
  std::optional<std::pair<std::int64_t, std::int64_t>> usage;  // cpu millicores, memory bytes
};

Use App(std::string pod, std::int64_t cpu_request, std::int64_t memory_request,
        std::optional<std::pair<std::int64_t, std::int64_t>> usage) {
  return {.node = "n1",
          .namespace_name = "shop",
          .controller_kind = "Deployment",
          .controller = "web",
          .pod = std::move(pod),
          .container = "app",
          .team = "alpha",
          .cpu_request = cpu_request,
          .memory_request = memory_request,
          .usage = usage};
}
Use Proxy(std::string node, std::string pod,
          std::optional<std::pair<std::int64_t, std::int64_t>> usage) {
  Use u = App(std::move(pod), 100, 128 * kMiB, usage);
  u.node = std::move(node);
  u.container = "proxy";
  return u;
}
Use Worker(std::optional<std::pair<std::int64_t, std::int64_t>> usage) {
  return {.node = "n1",
          .namespace_name = "data",
          .controller_kind = "Job",
          .controller = "etl",
          .pod = "job-x",
          .container = "worker",
          .team = "beta",
          .cpu_request = 1000,
          .memory_request = 4 * kGiB,
          .usage = usage};
}

// One batch of `cluster` at `start` holding `uses`, costed on nodes n1 and n2.
model::IntervalBatch Batch(const std::string& cluster, sys_seconds start,
                           const std::vector<Use>& uses) {
  model::IntervalBatch batch;
  batch.cluster = cluster;
  batch.costs.start = start;
  batch.costs.length = kInterval;
  for (const std::string node : {"n1", "n2"}) {
    model::NodeCostRow n;
    n.node = node;
    n.instance_type = "m5.4xlarge";
    n.zone = "us-east-1a";
    n.capacity_type = model::CapacityType::kOnDemand;
    n.capacity = {16'000, 64 * kGiB, 0};
    n.price = {{model::Money::FromNanos(768'000'000)}, model::PriceSource::kOnDemand};
    std::vector<ContainerCostRow> rows;
    for (const Use& u : uses) {
      if (u.node != node) continue;
      ContainerCostRow row;
      row.labels = {
          cluster,          node,
          u.namespace_name, u.controller_kind,
          u.controller,     u.pod,
          u.container,      u.team,
          "on-demand",      "m5.4xlarge",
          "kubernetes",     std::string(u.controller_kind) + ":" + std::string(u.controller)};
      row.demand.cpu_request_millicores = u.cpu_request;
      row.demand.memory_request_bytes = u.memory_request;
      if (u.usage) {
        row.demand.cpu_usage_millicores = u.usage->first;
        row.demand.memory_usage_bytes = u.usage->second;
      }
      row.usage_observed = u.usage.has_value();
      rows.push_back(std::move(row));
    }
    testing::AddCostedNode(batch, std::move(n), std::move(rows));
  }
  return batch;
}

class PostgresUsageReaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<testing::PrivatePostgres>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = fmt::format("u_{}", info->name());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    url_ = server_->CreateDatabase(name);
    store_ = std::make_unique<PostgresStore>(url_, "");
    store_->Migrate();
    reader_ = std::make_unique<PostgresUsageReader>(url_, "");
  }

  // The history the expectations below are computed from, interval i = 0..5 of each hour:
  //  web-a/app   H0: cpu 100(i+1), memory 1000 (i even) or 1001; request 500 m, 1 GiB.
  //              H1: cpu 101, 102, -, 104, 105, 106 and memory 2000, 2000, -, 2001, 2001, 2001
  //                  (-: not observed); request 500 m, 1 GiB.
  //  web-b/app   H0: cpu 200, memory 3000; request 500 m, 1 GiB.
  //              H1, i < 3 only: cpu 300, 301, 301, memory 4000, 4000, 4001; request 700 m, 2 GiB.
  //  web-a/proxy H0 on n1: cpu 10, memory 50. H1: i < 3 on n1 as H0, i >= 3 on n2 cpu 13,
  //              memory 53. Request 100 m, 128 MiB throughout.
  //  web-b/proxy H0: not observed. H1, i < 3: cpu 20, memory 60.
  //  job-x/worker (data, Job etl, team beta) H0: cpu 900, memory 3 GiB; request 1000 m, 4 GiB.
  //  Cluster c2: web-a/app H0: cpu 50, memory 70; request 500 m, 1 GiB.
  //  Outside the window (H0 - 1 h and H2): web-a/app with cpu 9999, memory 9999.
  void WriteHistory() {
    for (int i = 0; i < 6; ++i) {
      const sys_seconds h0 = kH0 + i * kInterval;
      const sys_seconds h1 = kH1 + i * kInterval;
      store_->Write(Batch(
          "c1", h0,
          {App("web-a", 500, kGiB, std::pair{100 * (i + 1), i % 2 == 0 ? 1000 : 1001}),
           App("web-b", 500, kGiB, std::pair{200, 3000}), Proxy("n1", "web-a", std::pair{10, 50}),
           Proxy("n1", "web-b", std::nullopt), Worker(std::pair{900, 3 * kGiB})}));
      std::vector<Use> uses;
      const std::int64_t a_cpu[] = {101, 102, 0, 104, 105, 106};
      const std::int64_t a_memory[] = {2000, 2000, 0, 2001, 2001, 2001};
      uses.push_back(App("web-a", 500, kGiB,
                         i == 2 ? std::nullopt : std::optional{std::pair{a_cpu[i], a_memory[i]}}));
      if (i < 3) {
        const std::int64_t b_cpu[] = {300, 301, 301};
        const std::int64_t b_memory[] = {4000, 4000, 4001};
        uses.push_back(App("web-b", 700, 2 * kGiB, std::pair{b_cpu[i], b_memory[i]}));
        uses.push_back(Proxy("n1", "web-a", std::pair{10, 50}));
        uses.push_back(Proxy("n1", "web-b", std::pair{20, 60}));
      } else {
        uses.push_back(Proxy("n2", "web-a", std::pair{13, 53}));
      }
      store_->Write(Batch("c1", h1, uses));
      store_->Write(Batch("c2", h0, {App("web-a", 500, kGiB, std::pair{50, 70})}));
      for (const sys_seconds outside : {kH0 - hours(1), kH2}) {
        store_->Write(
            Batch("c1", outside + i * kInterval, {App("web-a", 500, kGiB, std::pair{9999, 9999})}));
      }
    }
    ASSERT_EQ(store_->RollUp(kH2 + hours(1)), 4 + 1);  // c1: 4 hours, c2: 1
  }

  static std::unique_ptr<testing::PrivatePostgres> server_;
  std::string url_;
  std::unique_ptr<PostgresStore> store_;
  std::unique_ptr<PostgresUsageReader> reader_;
};

std::unique_ptr<testing::PrivatePostgres> PostgresUsageReaderTest::server_;

using Samples = std::vector<std::pair<sys_seconds, std::int64_t>>;
Samples Of(const std::vector<model::UsageSample>& samples) {
  Samples out;
  for (const model::UsageSample& s : samples) out.emplace_back(s.at, s.value);
  return out;
}
std::string Key(const ContainerUsageSeries& s) {
  return fmt::format("{}/{}/{}/{}/{}", s.cluster, s.namespace_name, s.controller_kind, s.controller,
                     s.container);
}

TEST_F(PostgresUsageReaderTest, HourlyAveragesOfEveryReplicaMergedPerControllerContainer) {
  WriteHistory();
  const std::vector<ContainerUsageSeries> series =
      reader_->ReadUsageSeries(TimeWindow{kH0, kH2}, std::nullopt);
  ASSERT_EQ(series.size(), 4U);
  EXPECT_EQ(Key(series[0]), "c1/data/Job/etl/worker");
  EXPECT_EQ(Key(series[1]), "c1/shop/Deployment/web/app");
  EXPECT_EQ(Key(series[2]), "c1/shop/Deployment/web/proxy");
  EXPECT_EQ(Key(series[3]), "c2/shop/Deployment/web/app");
  for (const ContainerUsageSeries& s : series) {  // the names the rows were stored with
    EXPECT_EQ(s.platform, "kubernetes");
    EXPECT_EQ(s.workload, s.controller_kind + ":" + s.controller);
  }

  const ContainerUsageSeries& app = series[1];
  EXPECT_EQ(app.team, "alpha");
  EXPECT_EQ(app.pods, 2);
  // By hour, then pod. H0 a: (100+...+600)/6 = 350; memory 6003/6 = 1000.5 -> 1001 (half up).
  // H1 a: (101+102+104+105+106)/5 = 103.6 -> 104 over observed seconds only; memory
  // 10003/5 = 2000.6 -> 2001. H1 b: 902/3 = 300.67 -> 301; memory 12001/3 = 4000.33 -> 4000.
  EXPECT_EQ(Of(app.cpu_millicores), (Samples{{kH0, 350}, {kH0, 200}, {kH1, 104}, {kH1, 301}}));
  EXPECT_EQ(Of(app.memory_bytes), (Samples{{kH0, 1001}, {kH0, 3000}, {kH1, 2001}, {kH1, 4000}}));
  // a: 7200 s at 500 m; b: 3600 s at 500 m and 1800 s at 700 m.
  EXPECT_EQ(app.container_seconds, 12'600);
  // (500 x 10800 + 700 x 1800) / 12600 = 528.57 -> 529.
  EXPECT_EQ(app.cpu_request_millicores, 529);
  // (1 GiB x 10800 + 2 GiB x 1800) / 12600 = 8/7 GiB = 1227133513.14 -> 1227133513.
  EXPECT_EQ(app.memory_request_bytes, 1'227'133'513);

  const ContainerUsageSeries& proxy = series[2];
  EXPECT_EQ(proxy.pods, 2);
  // H0 b not observed: no sample. H1 a on two nodes, one sample: (3x10 + 3x13)/6 = 11.5 -> 12,
  // memory (3x50 + 3x53)/6 = 51.5 -> 52.
  EXPECT_EQ(Of(proxy.cpu_millicores), (Samples{{kH0, 10}, {kH1, 12}, {kH1, 20}}));
  EXPECT_EQ(Of(proxy.memory_bytes), (Samples{{kH0, 50}, {kH1, 52}, {kH1, 60}}));
  EXPECT_EQ(proxy.container_seconds, 7200 + 3600 + 1800);
  EXPECT_EQ(proxy.cpu_request_millicores, 100);
  EXPECT_EQ(proxy.memory_request_bytes, 128 * kMiB);

  const ContainerUsageSeries& worker = series[0];
  EXPECT_EQ(worker.team, "beta");
  EXPECT_EQ(worker.pods, 1);
  EXPECT_EQ(Of(worker.cpu_millicores), (Samples{{kH0, 900}}));
  EXPECT_EQ(Of(worker.memory_bytes), (Samples{{kH0, 3 * kGiB}}));
  EXPECT_EQ(worker.cpu_request_millicores, 1000);
  EXPECT_EQ(worker.memory_request_bytes, 4 * kGiB);
  EXPECT_EQ(worker.container_seconds, 3600);

  EXPECT_EQ(Of(series[3].cpu_millicores), (Samples{{kH0, 50}}));
  EXPECT_EQ(Of(series[3].memory_bytes), (Samples{{kH0, 70}}));
}

TEST_F(PostgresUsageReaderTest, WindowAndTeamChooseTheRows) {
  WriteHistory();
  const std::vector<ContainerUsageSeries> first_hour =
      reader_->ReadUsageSeries(TimeWindow{kH0, kH1}, std::nullopt);
  ASSERT_EQ(first_hour.size(), 4U);
  EXPECT_EQ(Of(first_hour[1].cpu_millicores), (Samples{{kH0, 350}, {kH0, 200}}));
  EXPECT_EQ(first_hour[1].container_seconds, 7200);
  EXPECT_EQ(first_hour[1].cpu_request_millicores, 500);
  EXPECT_EQ(first_hour[1].memory_request_bytes, kGiB);
  // Only the unobserved replica in the hour: its time counts for requests, no sample.
  EXPECT_EQ(Of(first_hour[2].cpu_millicores), (Samples{{kH0, 10}}));
  EXPECT_EQ(first_hour[2].pods, 2);

  const auto beta = reader_->ReadUsageSeries(TimeWindow{kH0, kH2}, std::string("beta"));
  ASSERT_EQ(beta.size(), 1U);
  EXPECT_EQ(Key(beta[0]), "c1/data/Job/etl/worker");
  const auto alpha = reader_->ReadUsageSeries(TimeWindow{kH0, kH2}, std::string("alpha"));
  ASSERT_EQ(alpha.size(), 3U);
  EXPECT_EQ(Key(alpha[0]), "c1/shop/Deployment/web/app");
  EXPECT_TRUE(reader_->ReadUsageSeries(TimeWindow{kH0, kH2}, std::string("gamma")).empty());
  EXPECT_TRUE(reader_->ReadUsageSeries(TimeWindow{kH0, kH0}, std::nullopt).empty());

  // The hours before and after hold only the 9999 samples.
  const auto after = reader_->ReadUsageSeries(TimeWindow{kH2, kH2 + hours(1)}, std::nullopt);
  ASSERT_EQ(after.size(), 1U);
  EXPECT_EQ(Of(after[0].cpu_millicores), (Samples{{kH2, 9999}}));
}

// Every field of every series, for comparing whole answers.
std::string Dump(const std::vector<ContainerUsageSeries>& series) {
  std::string out;
  for (const ContainerUsageSeries& s : series) {
    out +=
        fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|req {} {}|pods {}|s {}\n", s.cluster, s.namespace_name,
                    s.controller_kind, s.controller, s.platform, s.workload, s.container, s.team,
                    s.cpu_request_millicores, s.memory_request_bytes, s.pods, s.container_seconds);
    for (const auto* samples : {&s.cpu_millicores, &s.memory_bytes}) {
      for (const model::UsageSample& u : *samples) {
        out += fmt::format(" {}={}", u.at.time_since_epoch().count(), u.value);
      }
      out += "\n";
    }
  }
  return out;
}

// The windows the digest tests read: within the day, around the hours, the whole UTC day and
// beyond it (a day without rows on either side).
std::vector<TimeWindow> DigestWindows() {
  const sys_seconds day = std::chrono::floor<std::chrono::days>(kH0);
  return {TimeWindow{kH0, kH2},
          TimeWindow{kH0, kH1},
          TimeWindow{kH1, kH2 + hours(1)},
          TimeWindow{kH0 - hours(1), kH2 + hours(1)},
          TimeWindow{day, day + hours(24)},
          TimeWindow{day - hours(22), day + hours(50)}};
}

// Read from the daily digest once the day is rolled up, the series are those read before from
// the hourly rollups (the day pending: computed by the same function), for every window.
TEST_F(PostgresUsageReaderTest, DailyDigestGivesTheSeriesOfTheHourlyRollups) {
  WriteHistory();
  std::vector<std::string> before;
  for (const TimeWindow& w : DigestWindows()) {
    before.push_back(Dump(reader_->ReadUsageSeries(w, std::nullopt)));
  }
  ASSERT_NE(before[0].find("c1|shop|Deployment|web|kubernetes|Deployment:web|app|alpha"),
            std::string::npos);
  pqxx::connection c(url_);
  const auto count = [&](const std::string& sql) {
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<std::int64_t>();
  };
  EXPECT_EQ(count("SELECT count(*) FROM container_usage_daily"), 0);

  const sys_seconds day = std::chrono::floor<std::chrono::days>(kH0);
  store_->RollUp(day + hours(24));
  EXPECT_EQ(count("SELECT count(*) FROM rollup_pending_daily"), 0);
  // One row per cluster, day and container of a controller: c1 app, proxy, worker; c2 app.
  EXPECT_EQ(count("SELECT count(*) FROM container_usage_daily"), 4);
  for (std::size_t i = 0; i < DigestWindows().size(); ++i) {
    const std::vector<ContainerUsageSeries> all =
        reader_->ReadUsageSeries(DigestWindows()[i], std::nullopt);
    EXPECT_EQ(Dump(all), before[i]) << i;
    // Each team's series as the per-row team filter reads them from the hourly rollups (every
    // series here has one team).
    for (const std::string team : {"alpha", "beta"}) {
      std::vector<ContainerUsageSeries> of_team;
      for (const ContainerUsageSeries& s : all) {
        if (s.team == team) of_team.push_back(s);
      }
      EXPECT_EQ(Dump(reader_->ReadUsageSeries(DigestWindows()[i], team)), Dump(of_team))
          << i << " " << team;
    }
  }
  // The stored rows are read, not recomputed: a stored row changed shows (then restored).
  {
    pqxx::work tx(c);
    tx.exec0(
        "UPDATE container_usage_daily SET cpu_millicores = cpu_millicores || '0' "
        "WHERE container = 'worker'");
    tx.commit();
  }
  EXPECT_NE(Dump(reader_->ReadUsageSeries(DigestWindows()[0], std::nullopt)), before[0]);
  {
    pqxx::work tx(c);
    tx.exec0(
        "UPDATE container_usage_daily SET cpu_millicores = left(cpu_millicores, -1) "
        "WHERE container = 'worker'");
    tx.commit();
  }
  EXPECT_EQ(Dump(reader_->ReadUsageSeries(DigestWindows()[0], std::nullopt)), before[0]);
}

// The series of named workloads (the efficiency page's costliest) are read alone, from the
// digest and from the hourly rollups of days not digested yet, as every series filtered by the
// feed's name would give them.
TEST_F(PostgresUsageReaderTest, SeriesOfNamedWorkloadsAreTheirsAlone) {
  WriteHistory();
  const sys_seconds day = std::chrono::floor<std::chrono::days>(kH0);
  std::size_t most_names = 0;
  for (const bool rolled_up : {false, true}) {
    if (rolled_up) store_->RollUp(day + hours(24));
    for (std::size_t i = 0; i < DigestWindows().size(); ++i) {
      const TimeWindow w = DigestWindows()[i];
      const std::vector<ContainerUsageSeries> all = reader_->ReadUsageSeries(w, std::nullopt);
      std::set<std::string> names;
      for (const ContainerUsageSeries& s : all) {
        names.insert(
            model::FeedWorkloadName(s.namespace_name, s.controller, s.platform, s.workload));
      }
      most_names = std::max(most_names, names.size());
      for (const std::string& name : names) {
        std::vector<ContainerUsageSeries> theirs;
        for (const ContainerUsageSeries& s : all) {
          if (model::FeedWorkloadName(s.namespace_name, s.controller, s.platform, s.workload) ==
              name) {
            theirs.push_back(s);
          }
        }
        const std::vector<std::string> one{name, "nowhere/nothing"};
        EXPECT_EQ(Dump(reader_->ReadWorkloadUsageSeries(w, one)), Dump(theirs))
            << rolled_up << " " << i << " " << name;
      }
      EXPECT_TRUE(reader_->ReadWorkloadUsageSeries(w, {}).empty());
    }
  }
  EXPECT_GE(most_names, 2U);  // the filter has something to leave out
}

// The digest of a day is written once per daily rollup: a replayed rollup of the day (marked
// pending again, as a late hour does) rewrites the same rows, never adds any.
TEST_F(PostgresUsageReaderTest, DailyDigestIsRewrittenWholeOnReplay) {
  WriteHistory();
  const sys_seconds day = std::chrono::floor<std::chrono::days>(kH0);
  store_->RollUp(day + hours(24));
  pqxx::connection c(url_);
  const auto table = [&] {
    pqxx::nontransaction tx(c);
    return tx
        .exec1(
            "SELECT count(*)::text || ' ' || coalesce(string_agg(u::text, ';' ORDER BY "
            "u::text), '') FROM container_usage_daily u")[0]
        .as<std::string>();
  };
  const std::string first = table();
  ASSERT_EQ(first.substr(0, 2), "4 ");
  for (int replay = 0; replay < 2; ++replay) {
    {
      pqxx::work tx(c);
      tx.exec_params0(
          "INSERT INTO rollup_pending_daily (cluster, day) VALUES "
          "('c1', to_timestamp($1::bigint)), ('c2', to_timestamp($1::bigint))",
          day.time_since_epoch().count());
      tx.commit();
    }
    store_->RollUp(day + hours(24));
    EXPECT_EQ(table(), first) << replay;
  }
  store_->RollUp(day + hours(48));  // nothing pending: nothing rewritten
  EXPECT_EQ(table(), first);
}

// An hour rolled up after its day (a late interval) marks the day pending: until the day is
// rolled up again, the reader computes the day from the hourly rollups and sees the hour.
TEST_F(PostgresUsageReaderTest, LateHourIsReadBeforeItsDayIsRolledUpAgain) {
  WriteHistory();
  const sys_seconds day = std::chrono::floor<std::chrono::days>(kH0);
  store_->RollUp(day + hours(24));
  const sys_seconds late = kH2 + hours(3);
  for (int i = 0; i < 6; ++i) {
    store_->Write(Batch("c1", late + i * kInterval, {Worker(std::pair{700, kGiB})}));
  }
  const auto worker_samples = [&] {
    for (const ContainerUsageSeries& s :
         reader_->ReadUsageSeries(TimeWindow{day, day + hours(24)}, std::nullopt)) {
      if (s.container == "worker") return Of(s.cpu_millicores);
    }
    return Samples{};
  };
  // Stored but its hour not rolled up: not in the hourly rollups, so not read.
  EXPECT_EQ(worker_samples(), (Samples{{kH0, 900}}));
  store_->RollUp(late + hours(1));  // the hour; the day is pending again
  EXPECT_EQ(worker_samples(), (Samples{{kH0, 900}, {late, 700}}));
  store_->RollUp(day + hours(24));  // the day again
  EXPECT_EQ(worker_samples(), (Samples{{kH0, 900}, {late, 700}}));
}

// Retention deletes a day's digest with its daily rollups (the hourly cutoff).
TEST_F(PostgresUsageReaderTest, RetentionDeletesTheDigestWithTheDailyRollups) {
  WriteHistory();
  const sys_seconds day = std::chrono::floor<std::chrono::days>(kH0);
  store_->RollUp(day + hours(24));
  RetentionPolicy keep_one_day;
  keep_one_day.raw_days = 1;
  keep_one_day.hourly_days = 1;
  keep_one_day.queries_days = 1;
  store_->ApplyRetention(keep_one_day, day + hours(47));
  pqxx::connection c(url_);
  pqxx::nontransaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM container_usage_daily")[0].as<int>(), 4);
  store_->ApplyRetention(keep_one_day, day + hours(48));
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM container_usage_daily")[0].as<int>(), 0);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM container_costs_daily")[0].as<int>(), 0);
}

TEST_F(PostgresUsageReaderTest, WindowsMustBeWholeHours) {
  EXPECT_NE(ErrorOf<InvalidInput>([&] {
              reader_->ReadUsageSeries(TimeWindow{kH0 + minutes(1), kH2}, std::nullopt);
            }),
            "");
  EXPECT_NE(ErrorOf<InvalidInput>([&] {
              reader_->ReadUsageSeries(TimeWindow{kH0, kH2 - seconds(1)}, std::nullopt);
            }),
            "");
  EXPECT_NE(ErrorOf<InvalidInput>([&] {
              reader_->ReadUsageSeries(TimeWindow{kH2, kH0}, std::nullopt);
            }),
            "");
}

TEST_F(PostgresUsageReaderTest, UnreachableServerIsUnavailable) {
  PostgresUsageReader reader("postgresql://nobody@127.0.0.1:1/none", "secret");
  const std::string error = ErrorOf<Unavailable>([&] {
    reader.ReadUsageSeries(TimeWindow{kH0, kH2}, std::nullopt);
  });
  EXPECT_EQ(error.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace costledger::postgres
