// `costledger simulate` over real HTTP: the Beast server on a loopback port, fetched with the
// collector's own libcurl client and parsed with the collector's parsers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "costledger/fetch/http_fetch.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/simulator/http_server.hpp"
#include "costledger/simulator/sim_time.hpp"
#include "costledger/simulator/simulator.hpp"
#include "costledger/sources/athena_parser.hpp"
#include "costledger/sources/dcgm_metrics.hpp"
#include "costledger/sources/ec2_offer_parser.hpp"
#include "costledger/sources/kubelet_metrics.hpp"
#include "costledger/sources/kubernetes_parser.hpp"
#include "costledger/sources/spot_history_parser.hpp"

namespace costledger::simulator {
namespace {

using fetch::Fetch;
using fetch::FetchAll;
using fetch::FetchOptions;
using fetch::FetchResult;

// The server as `costledger simulate` runs it: wall-clock time, 60x faster.
class SimulatorHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim_ = std::make_unique<Simulator>(SimulatorOptions{3, {40, 400}});
    const auto now = std::chrono::system_clock::now();
    clock_ =
        std::make_unique<SimClock>(now, std::chrono::floor<std::chrono::milliseconds>(now), 60.0);
    server_ = std::make_unique<HttpServer>(
        "127.0.0.1", 0,
        [](const HttpRequest& request) {
          return sim_->Handle(request.method, request.target,
                              std::chrono::floor<std::chrono::seconds>(clock_->Now()));
        },
        2);
    server_->Start();
  }

  static void TearDownTestSuite() {
    server_.reset();
    clock_.reset();
    sim_.reset();
  }

  static std::string Url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  static FetchResult Get(const std::string& path) {
    FetchOptions options;
    options.timeout = std::chrono::seconds(20);
    return Fetch(Url(path), options);
  }

  static std::vector<std::string> NodeNames() {
    const FetchResult nodes = Get("/api/v1/nodes");
    EXPECT_TRUE(nodes.ok()) << nodes.error;
    std::vector<std::string> names;
    for (const model::Node& n : sources::ParseNodeList(nodes.body)) names.push_back(n.name);
    return names;
  }

  static inline std::unique_ptr<Simulator> sim_;
  static inline std::unique_ptr<SimClock> clock_;
  static inline std::unique_ptr<HttpServer> server_;
};

TEST_F(SimulatorHttpTest, ServesEveryEndpointInItsWireFormat) {
  const FetchResult health = Get("/healthz");
  ASSERT_TRUE(health.ok()) << health.error;
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");

  const std::vector<std::string> nodes = NodeNames();
  ASSERT_GE(nodes.size(), 38U);

  const FetchResult pods = Get("/api/v1/pods");
  ASSERT_TRUE(pods.ok()) << pods.error;
  EXPECT_GT(sources::ParsePodList(pods.body).size(), 200U);

  const FetchResult kubelet = Get("/api/v1/nodes/" + nodes.front() + "/proxy/metrics/resource");
  ASSERT_TRUE(kubelet.ok()) << kubelet.error;
  EXPECT_FALSE(sources::ParseKubeletResourceMetrics(kubelet.body).empty());

  const FetchResult dcgm = Get("/dcgm/metrics");
  ASSERT_TRUE(dcgm.ok()) << dcgm.error;
  EXPECT_FALSE(sources::ParseDcgmMetrics(dcgm.body).empty());

  const FetchResult offer = Get("/pricing/ec2_offer.json");
  ASSERT_TRUE(offer.ok()) << offer.error;
  std::istringstream in(offer.body);
  EXPECT_EQ(sources::ParseEc2OfferFile(in, "us-east-1").by_instance_type.size(), 7U);

  const FetchResult spot = Get("/pricing/spot_price_history.json");
  ASSERT_TRUE(spot.ok()) << spot.error;
  EXPECT_FALSE(sources::ParseSpotPriceHistory(spot.body).empty());

  const FetchResult athena = Get("/athena/query_executions.json");
  ASSERT_TRUE(athena.ok()) << athena.error;
  EXPECT_FALSE(sources::ParseAthenaQueryExecutions(athena.body).empty());
}

TEST_F(SimulatorHttpTest, UnknownPathsAndNodesAre404WithAJsonBody) {
  const FetchResult missing = Get("/api/v2/everything");
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.error.find("\"code\":404"), std::string::npos) << missing.error;

  const FetchResult node = Get("/api/v1/nodes/ip-10-99-0-1.ec2.internal/proxy/metrics/resource");
  EXPECT_EQ(node.status, 404);
  EXPECT_NE(node.error.find("NotFound"), std::string::npos) << node.error;
}

TEST_F(SimulatorHttpTest, TwoHundredParallelKubeletScrapesSucceed) {
  const std::vector<std::string> nodes = NodeNames();
  ASSERT_FALSE(nodes.empty());
  std::vector<std::string> urls;
  for (std::size_t i = 0; i < 200; ++i) {
    urls.push_back(Url("/api/v1/nodes/" + nodes[i % nodes.size()] + "/proxy/metrics/resource"));
  }
  FetchOptions options;
  options.timeout = std::chrono::seconds(30);
  const std::vector<FetchResult> results = FetchAll(urls, options, 200);
  ASSERT_EQ(results.size(), urls.size());
  int ok = 0;
  for (const FetchResult& r : results) {
    // Simulated time runs 60x: a node may be interrupted between listing and scraping.
    if (r.status == 404) continue;
    EXPECT_TRUE(r.ok()) << r.url << ": " << r.error;
    if (!r.ok()) continue;
    ++ok;
    EXPECT_NO_THROW(sources::ParseKubeletResourceMetrics(r.body)) << r.url;
  }
  EXPECT_GE(ok, 190);
}

TEST_F(SimulatorHttpTest, KeepsTheConnectionAliveAcrossRequests) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server_->port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: sim\r\n\r\n";
  std::string received;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
    const std::size_t before = received.size();
    // Read until this response's body ("ok\n") has arrived.
    while (received.find("ok\n", before) == std::string::npos) {
      char buffer[1024];
      const ssize_t n = ::read(fd, buffer, sizeof(buffer));
      ASSERT_GT(n, 0) << "connection closed after " << i << " responses";
      received.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  std::size_t responses = 0;
  for (std::size_t at = 0; (at = received.find("HTTP/1.1 200 OK", at)) != std::string::npos; ++at) {
    ++responses;
  }
  EXPECT_EQ(responses, 3U);
}

TEST_F(SimulatorHttpTest, HeadGivesTheLengthWithoutTheBody) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server_->port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  const std::string request = "HEAD /healthz HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string received;
  char buffer[1024];
  for (ssize_t n = 0; (n = ::read(fd, buffer, sizeof(buffer))) > 0;) {
    received.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  EXPECT_NE(received.find("Content-Length: 3"), std::string::npos) << received;
  EXPECT_EQ(received.find("ok\n"), std::string::npos) << received;
}

TEST(SimulatorHttpServerTest, StopsWhileClientsAreConnected) {
  const Simulator sim(SimulatorOptions{1, {5, 20}});
  HttpServer server(
      "127.0.0.1", 0,
      [&sim](const HttpRequest& request) {
        return sim.Handle(request.method, request.target,
                          std::chrono::sys_seconds(std::chrono::seconds(1'714'564'800)));
      },
      2);
  server.Start();
  const std::uint16_t port = server.port();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  const auto start = std::chrono::steady_clock::now();
  server.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ::close(fd);
  const FetchResult after =
      Fetch("http://127.0.0.1:" + std::to_string(port) + "/healthz", FetchOptions{});
  EXPECT_FALSE(after.ok());
}

TEST(SimulatorHttpServerTest, ABusyPortIsReportedAsUnavailable) {
  const Simulator sim(SimulatorOptions{1, {5, 20}});
  const auto handler = [&sim](const HttpRequest& request) {
    return sim.Handle(request.method, request.target,
                      std::chrono::sys_seconds(std::chrono::seconds(1'714'564'800)));
  };
  HttpServer first("127.0.0.1", 0, handler, 1);
  EXPECT_THROW(HttpServer("127.0.0.1", first.port(), handler, 1), Unavailable);
}

}  // namespace
}  // namespace costledger::simulator
