#include "private_prometheus.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "costledger/api/cost_metrics.hpp"
#include "temp_dir.hpp"

namespace costledger::testing {
namespace {

// The smallest HTTP/1.1 server that answers every request with `body()`: enough for a scrape.
class TinyMetricsServer {
 public:
  explicit TinyMetricsServer(std::function<std::string()> body)
      : body_(std::move(body)), fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TinyMetricsServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  TinyMetricsServer(const TinyMetricsServer&) = delete;
  TinyMetricsServer& operator=(const TinyMetricsServer&) = delete;

  std::string Target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void Serve() {
    while (!stop_) {
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 100) <= 0) continue;
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::read(client, buffer, sizeof(buffer));
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
      }
      const std::string body = body_();
      const std::string response =
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
          "Content-Length: " +
          std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      std::size_t sent = 0;
      while (sent < response.size()) {
        const ssize_t n = ::write(client, response.data() + sent, response.size() - sent);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      ::close(client);
    }
  }

  std::function<std::string()> body_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(PrivatePrometheusTest, ScrapesItselfAndAnswersQueries) {
  PrivatePrometheus prom({.scrape_self = true});
  const nlohmann::json up = prom.WaitForSeries(R"(up{job="prometheus"})");
  ASSERT_EQ(up.size(), 1U) << up.dump();
  EXPECT_EQ(up[0]["metric"]["instance"], "127.0.0.1:" + std::to_string(prom.port()));
  EXPECT_EQ(PrivatePrometheus::SampleValue(up[0]), 1.0);
  // Its own metrics are stored too, and a scalar query works.
  EXPECT_FALSE(prom.WaitForSeries(R"(prometheus_build_info{job="prometheus"})").empty());
  EXPECT_EQ(PrivatePrometheus::SampleValue(prom.Query("scalar(vector(42))")), 42.0);
  EXPECT_THROW(prom.Query("sum("), std::runtime_error);
}

TEST(PrivatePrometheusTest, DownTargetIsReportedWithItsJob) {
  // Port 1 on loopback refuses connections: the job's target is scraped and marked down.
  PrivatePrometheus prom({.targets = {"127.0.0.1:1"}, .job = "costledger", .bearer_token = "t0k"});
  const nlohmann::json up = prom.WaitForSeries(R"(up{job="costledger"})");
  ASSERT_EQ(up.size(), 1U) << up.dump();
  EXPECT_EQ(PrivatePrometheus::SampleValue(up[0]), 0.0);
  EXPECT_NE(ChildProcess::ReadFile(prom.dir() + "/prometheus.yml").find("Bearer"),
            std::string::npos);
}

TEST(PrivatePrometheusTest, DirectoryIsRemovedAfterUse) {
  std::string dir;
  {
    PrivatePrometheus prom({.scrape_self = true});
    dir = prom.dir();
    EXPECT_TRUE(std::filesystem::exists(dir + "/prometheus.yml"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

// Blocks made by promtool from OpenMetrics (a backfill) are served from a copy, and a long
// retention keeps a block that is older than the default 15 days before the newest one.
TEST(PrivatePrometheusTest, ServesBackfilledBlocksKeepingOldOnesWithALongRetention) {
  const TempDir temp("costledger-blocks");
  const std::string& dir = temp.path();
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  {
    std::ofstream out(dir + "/input.om");
    out << "# TYPE backfilled gauge\n"
        << "backfilled{age=\"40d\"} 1 " << now - std::int64_t{40} * 86400 << "\n"
        << "backfilled{age=\"1d\"} 2 " << now - 86400 << "\n"
        << "# EOF\n";
  }
  ChildProcess promtool({PromtoolBinary(), "tsdb", "create-blocks-from", "openmetrics", "-q",
                         dir + "/input.om", dir + "/tsdb"},
                        dir + "/promtool.log");
  ASSERT_EQ(promtool.Wait(std::chrono::seconds(60)), 0) << promtool.Log();
  const auto block_count = [&] {
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir + "/tsdb")) {
      n += entry.is_directory() ? 1 : 0;
    }
    return n;
  };
  ASSERT_EQ(block_count(), 2);
  const std::string count = "count(count_over_time(backfilled[60d]))";
  {
    PrivatePrometheus prom({.blocks_from = dir + "/tsdb", .retention = "10y"});
    EXPECT_EQ(PrivatePrometheus::SampleValue(prom.WaitForSeries(count).at(0)), 2.0);
  }
  {
    // The default retention deletes the old block (from the server's copy only).
    PrivatePrometheus prom({.blocks_from = dir + "/tsdb"});
    EXPECT_EQ(PrivatePrometheus::SampleValue(prom.WaitForSeries(count).at(0)), 1.0);
  }
  EXPECT_EQ(block_count(), 2);
  EXPECT_THROW(PrivatePrometheus({.blocks_from = dir}), std::runtime_error);  // no blocks
}

// CostMetrics scraped by a real Prometheus with OpenCost's recommended job (honor_labels: true):
// the exposition parses, labels survive, and the PromQL of OpenCost's docs works.
TEST(CostMetricsScrapeTest, OpenCostQueriesWorkOnScrapedCostMetrics) {
  api::CostMetrics metrics;
  model::IntervalBatch batch;
  batch.cluster = "prod";
  model::NodeCostRow node;
  node.node = "ip-10-0-1-1";
  node.instance_type = "m5.xlarge";
  node.zone = "us-east-1a";
  node.capacity = {4000, std::int64_t{16} << 30, 0};
  node.price.price.per_hour = model::Money::ParseDollars("0.192");
  node.unit_prices = {0.03, 0.0045, 0};
  batch.costs.nodes.push_back(node);
  model::ContainerCostRow row;
  row.labels.cluster = "prod";
  row.labels.node = "ip-10-0-1-1";
  row.labels.namespace_name = "web";
  row.labels.pod = "web-1";
  row.labels.container = "app";
  row.labels.team = "alpha";
  row.demand.cpu_request_millicores = 500;
  row.demand.cpu_usage_millicores = 1500;
  row.demand.memory_request_bytes = std::int64_t{2} << 30;
  row.cost.cpu_nanos = 250'000'000;
  batch.costs.containers.push_back(row);
  model::TickReport tick;
  tick.attributed = true;
  tick.batch = std::make_shared<const model::IntervalBatch>(batch);
  metrics.Observe(tick);

  TinyMetricsServer server([&metrics] { return metrics.Serialize(); });
  PrivatePrometheus prom({.targets = {server.Target()}, .job = "opencost"});
  const nlohmann::json total = prom.WaitForSeries("node_total_hourly_cost");
  ASSERT_EQ(total.size(), 1U) << total.dump();
  EXPECT_EQ(total[0]["metric"]["instance"], "ip-10-0-1-1");  // honor_labels keeps ours
  EXPECT_EQ(total[0]["metric"]["region"], "us-east-1");
  EXPECT_EQ(total[0]["metric"]["job"], "opencost");
  EXPECT_EQ(PrivatePrometheus::SampleValue(total[0]), 0.192);
  // "Hourly cost of containers" from OpenCost's Prometheus docs.
  const nlohmann::json hourly = prom.WaitForSeries(
      "sum(container_memory_allocation_bytes * on(instance) group_left() node_ram_hourly_cost "
      "/ 1024 / 1024 / 1024 + container_cpu_allocation * on(instance) group_left() "
      "node_cpu_hourly_cost)");
  EXPECT_DOUBLE_EQ(PrivatePrometheus::SampleValue(hourly[0]), 2 * 0.0045 + 1.5 * 0.03);
  const nlohmann::json cost =
      prom.WaitForSeries(R"(costledger_container_cost_dollars_total{namespace="web"})");
  EXPECT_EQ(PrivatePrometheus::SampleValue(cost[0]), 0.25);
  EXPECT_EQ(cost[0]["metric"]["team"], "alpha");
}

}  // namespace
}  // namespace costledger::testing
