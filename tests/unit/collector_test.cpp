// The collector loop through fakes of its three ports (cluster, prices, interval store) and a
// real spool in a temporary directory: no database, no network, no clock (ticks are given
// their boundaries). Costs are compared exactly with the real, pure attribution.
#include "costledger/collector/collector.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "costledger/collector/interval_batch_codec.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/interval_attribution.hpp"
#include "temp_dir.hpp"

namespace costledger::collector {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::int64_t kGiB = std::int64_t{1} << 30;
constexpr std::int64_t kTiB = std::int64_t{1} << 40;
constexpr seconds kLength{60};
// A boundary that is a whole number of intervals since the epoch; tick i ends at kBoundary0 +
// i intervals.
const sys_seconds kBoundary0{seconds{1'763'287'260}};

sys_seconds Boundary(int tick) { return kBoundary0 + tick * kLength; }

model::Node MakeNode(std::string name) {
  model::Node n;
  n.name = std::move(name);
  n.instance_type = "m5.xlarge";
  n.zone = "us-east-1a";
  n.capacity_type = model::CapacityType::kOnDemand;
  n.capacity = {4000, 16 * kGiB, 0};
  n.allocatable = n.capacity;
  n.labels = {{"node.kubernetes.io/instance-type", "m5.xlarge"}};
  return n;
}

model::Pod MakePod(std::string ns, std::string name, std::string team, std::int64_t cpu_m,
                   std::int64_t memory_bytes) {
  model::Pod p;
  p.namespace_name = std::move(ns);
  p.name = std::move(name);
  p.uid = p.namespace_name + "-" + p.name;
  p.node_name = "n1";
  p.phase = model::PodPhase::kRunning;
  p.labels = {{"team", std::move(team)}, {"app", p.name}};
  p.controller_kind = "Deployment";
  p.controller_name = p.name;
  model::Container c;
  c.name = "app";
  c.requests = {cpu_m, memory_bytes, 0};
  p.containers.push_back(c);
  p.effective_requests = c.requests;
  return p;
}

model::AthenaQueryExecution MakeQuery(std::string id, model::QueryState state,
                                      std::int64_t bytes_scanned) {
  model::AthenaQueryExecution q;
  q.query_execution_id = std::move(id);
  q.work_group = "analytics";
  q.statement_type = "DML";
  q.state = state;
  q.submitted = kBoundary0 - seconds(30);
  if (model::IsFinal(state)) q.completed = kBoundary0 - seconds(5);
  q.data_scanned_bytes = bytes_scanned;
  return q;
}

// On-demand prices as a price source would load them.
ports::LoadedPrices OnDemand(std::string_view dollars_per_hour) {
  ports::LoadedPrices loaded;
  loaded.book.SetOnDemand("m5.xlarge", {model::Money::ParseDollars(dollars_per_hour)});
  loaded.on_demand_types = 1;
  return loaded;
}

// What the Kubernetes API and the other sources answer: the same at every scrape until a test
// changes it. A source without a value fails.
class FakeClusterSource final : public ports::ClusterSource {
 public:
  std::optional<std::vector<model::Node>> nodes;
  std::optional<std::vector<model::Pod>> pods;
  std::map<std::string, std::vector<model::KubeletContainerSample>> kubelet;  // by node
  std::optional<std::vector<model::AthenaQueryExecution>> queries;
  // The nodes each ScrapeKubelets call was given, by name.
  std::vector<std::vector<std::string>> kubelet_scrapes;

  model::ClusterSnapshot ScrapeState(sys_seconds at) override {
    model::ClusterSnapshot snap;
    snap.taken_at = at;
    snap.nodes = nodes;
    snap.pods = pods;
    snap.queries = queries;
    snap.statuses.push_back({"nodes", nodes ? "" : "GET /api/v1/nodes: HTTP 503", {}});
    snap.statuses.push_back({"pods", pods ? "" : "GET /api/v1/pods: HTTP 503", {}});
    return snap;
  }

  void ScrapeKubelets(std::span<const model::Node> listed,
                      model::ClusterSnapshot& snapshot) override {
    std::vector<std::string>& names = kubelet_scrapes.emplace_back();
    for (const model::Node& n : listed) {
      names.push_back(n.name);
      if (const auto it = kubelet.find(n.name); it != kubelet.end()) {
        snapshot.kubelet[n.name] = it->second;
      }
    }
  }
};

class FakePriceSource final : public ports::PriceSource {
 public:
  ports::LoadedPrices next = OnDemand("0.36");
  std::atomic<int> loads{0};

  // Runs on the collector's price thread: `next` is only changed between ticks.
  ports::LoadedPrices Load() override {
    ++loads;
    std::shared_future<void> gate;
    {
      const std::lock_guard lock(mutex_);
      gate = hang_;
    }
    if (gate.valid()) gate.wait();  // a source that does not answer until Release
    return next;
  }
  std::string Describe() const override { return "on-demand http://prices.test/offer.json"; }

  // Loads from now on hang until Release (the load's thread waits; the test's does not).
  void Hang() {
    const std::lock_guard lock(mutex_);
    gate_ = std::promise<void>();
    hang_ = gate_.get_future().share();
  }
  void Release() {
    const std::lock_guard lock(mutex_);
    if (!hang_.valid()) return;
    gate_.set_value();
    hang_ = {};
  }

 private:
  std::mutex mutex_;
  std::promise<void> gate_;
  std::shared_future<void> hang_;
};

// Stores batches in memory; down (Unavailable) while `available` is false; refuses for good the
// batches whose interval starts are in `refused`.
class FakeStore final : public ports::IntervalStore {
 public:
  bool available = true;
  bool maintain_available = true;
  std::set<sys_seconds> refused;
  std::function<void(const model::IntervalBatch&)> on_write;  // sees every Write call first
  std::vector<model::IntervalBatch> stored;
  int write_calls = 0;
  std::vector<sys_seconds> rollups;     // every call, failed or not
  std::vector<sys_seconds> maintained;  // every call, failed or not

  void Write(const model::IntervalBatch& batch) override {
    ++write_calls;
    if (on_write) on_write(batch);
    if (!available) throw Unavailable("fake store: connection refused");
    if (refused.contains(batch.costs.start)) throw std::runtime_error("fake store: bad batch");
    stored.push_back(batch);
  }
  std::int64_t RollUp(sys_seconds complete_before) override {
    rollups.push_back(complete_before);
    if (!available) throw Unavailable("fake store: connection refused");
    return 0;
  }
  std::int64_t Maintain(sys_seconds now) override {
    maintained.push_back(now);
    if (!available || !maintain_available) throw Unavailable("fake store: connection refused");
    return 0;
  }
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Spooled batch files (not the folders of batches moved aside), by name.
std::vector<fs::path> BatchFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".batch") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<sys_seconds> Starts(const std::vector<model::IntervalBatch>& batches) {
  std::vector<sys_seconds> starts;
  for (const model::IntervalBatch& b : batches) starts.push_back(b.costs.start);
  return starts;
}

std::vector<std::string> PodNames(const std::vector<model::PodLabelSet>& sets) {
  std::vector<std::string> names;
  for (const model::PodLabelSet& s : sets) names.push_back(s.namespace_name + "/" + s.pod);
  return names;
}

// Every money figure and the labels of every row, exactly.
void ExpectSameCosts(const model::IntervalCosts& actual, const model::IntervalCosts& expected) {
  EXPECT_EQ(actual.start, expected.start);
  EXPECT_EQ(actual.length, expected.length);
  EXPECT_EQ(actual.warnings, expected.warnings);
  ASSERT_EQ(actual.nodes.size(), expected.nodes.size());
  for (std::size_t i = 0; i < actual.nodes.size(); ++i) {
    const model::NodeCostRow& a = actual.nodes[i];
    const model::NodeCostRow& e = expected.nodes[i];
    SCOPED_TRACE("node " + e.node);
    EXPECT_EQ(a.node, e.node);
    EXPECT_EQ(a.price.price, e.price.price);
    EXPECT_EQ(a.price.source, e.price.source);
    EXPECT_EQ(a.attribution.node_cost, e.attribution.node_cost);
    EXPECT_EQ(a.attribution.pools.Total(), e.attribution.pools.Total());
    EXPECT_EQ(a.attribution.idle.cpu_nanos, e.attribution.idle.cpu_nanos);
    EXPECT_EQ(a.attribution.idle.ram_nanos, e.attribution.idle.ram_nanos);
    EXPECT_EQ(a.attribution.idle.gpu_nanos, e.attribution.idle.gpu_nanos);
  }
  ASSERT_EQ(actual.containers.size(), expected.containers.size());
  for (std::size_t i = 0; i < actual.containers.size(); ++i) {
    const model::ContainerCostRow& a = actual.containers[i];
    const model::ContainerCostRow& e = expected.containers[i];
    SCOPED_TRACE("container " + e.labels.pod.str() + "/" + e.labels.container.str());
    EXPECT_EQ(a.labels.pod, e.labels.pod);
    EXPECT_EQ(a.labels.container, e.labels.container);
    EXPECT_EQ(a.labels.team, e.labels.team);
    EXPECT_EQ(a.labels.platform, e.labels.platform);
    EXPECT_EQ(a.labels.workload, e.labels.workload);
    EXPECT_EQ(a.demand.CpuAllocationMillicores(), e.demand.CpuAllocationMillicores());
    EXPECT_EQ(a.demand.MemoryAllocationBytes(), e.demand.MemoryAllocationBytes());
    EXPECT_EQ(a.usage_observed, e.usage_observed);
    EXPECT_EQ(a.cost.cpu_nanos, e.cost.cpu_nanos);
    EXPECT_EQ(a.cost.ram_nanos, e.cost.ram_nanos);
    EXPECT_EQ(a.cost.gpu_nanos, e.cost.gpu_nanos);
  }
}

class CollectorTest : public ::testing::Test {
 protected:
  CollectorTest() {
    spool_dir_ = fs::path(root_.path()) / "spool";
    log_file_ = std::tmpfile();
    if (log_file_ == nullptr) throw std::runtime_error("tmpfile failed");
    log_.emplace(common::Logger::Format::kJson, log_file_);
    settings_.interval.cluster = "prod";
    settings_.interval_length = kLength;
    settings_.workgroup_teams = {{"analytics", "alpha"}};
    cluster_.nodes = std::vector<model::Node>{MakeNode("n1")};
    cluster_.pods = std::vector<model::Pod>{MakePod("shop", "web-1", "alpha", 1000, 4 * kGiB),
                                            MakePod("data", "etl-1", "beta", 500, 2 * kGiB)};
  }

 public:
  ~CollectorTest() override {
    prices_.Release();  // a hanging load would hold the collector's destruction
    collector_.reset();
    spool_.reset();
    log_.reset();
    static_cast<void>(std::fclose(log_file_));  // a temporary file: nothing to lose
  }

 protected:
  // Built at the first tick, so that a test may change settings_ before.
  model::TickReport Tick(int tick) {
    if (!collector_) {
      spool_.emplace(spool_dir_);
      collector_.emplace(settings_, cluster_, prices_, *spool_, store_, *log_);
    }
    return collector_->Tick(Boundary(tick));
  }

  // What the pure attribution makes of `nodes` and `pods` for tick `tick`'s interval.
  model::IntervalCosts Attribute(int tick, const std::vector<model::Node>& nodes,
                                 const std::vector<model::Pod>& pods,
                                 const model::UsageIndex& usage,
                                 const model::PriceBook& prices) const {
    return model::AttributeInterval(Boundary(tick) - kLength, kLength, nodes, pods, usage, prices,
                                    settings_.interval);
  }
  // The same for the nodes and pods the cluster lists now, at the prices the source gives now.
  model::IntervalCosts Expected(int tick, const model::UsageIndex& usage = {}) const {
    return Attribute(tick, *cluster_.nodes, *cluster_.pods, usage, prices_.next.book);
  }

  std::string LogText() const {
    if (std::fflush(log_file_) != 0) throw std::runtime_error("cannot flush the log");
    std::rewind(log_file_);
    std::string text;
    char buffer[4096];
    while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, log_file_)) {
      text.append(buffer, n);
    }
    return text;
  }

  testing::TempDir root_{"costledger-collector"};
  fs::path spool_dir_;
  std::FILE* log_file_ = nullptr;
  std::optional<common::Logger> log_;
  CollectorSettings settings_;
  FakeClusterSource cluster_;
  FakePriceSource prices_;
  FakeStore store_;
  std::optional<Spool> spool_;
  std::optional<Collector> collector_;
};

TEST_F(CollectorTest, AttributesEachIntervalExactlyAsTheCostModel) {
  const model::TickReport report = Tick(0);
  ASSERT_TRUE(report.attributed);
  ASSERT_EQ(store_.stored.size(), 1U);
  ExpectSameCosts(store_.stored[0].costs, Expected(0));
  // $0.36/h for 60 s; containers and idle share it to the nano-dollar.
  EXPECT_EQ(report.cost.nanos(), 6'000'000);
  std::int64_t containers = 0;
  for (const auto& c : store_.stored[0].costs.containers) containers += c.cost.Total().nanos();
  EXPECT_EQ(containers + report.idle.nanos(), 6'000'000);
  EXPECT_EQ(store_.stored[0].cluster, "prod");
  EXPECT_EQ(report.nodes, 1U);
  EXPECT_EQ(report.pods, 2U);
  EXPECT_EQ(report.containers, 2U);
  EXPECT_EQ(report.stored_batches, 1U);
  EXPECT_EQ(report.spool_depth, 0U);
  EXPECT_EQ(EncodeBatch(*report.batch), EncodeBatch(store_.stored[0]));
}

TEST_F(CollectorTest, KubeletCountersBecomeUsageRatesBetweenTicks) {
  const auto sample = [](double cpu_seconds) {
    return model::KubeletContainerSample{
        "shop", "web-1", "app", cpu_seconds, static_cast<double>(5 * kGiB), std::nullopt};
  };
  cluster_.kubelet["n1"] = {sample(10.0)};
  Tick(0);
  cluster_.kubelet["n1"] = {sample(130.0)};  // 120 CPU-seconds in 60 s: 2 cores, above request
  Tick(1);
  model::UsageIndex usage;
  usage.Set(model::UsageIndex::Key("shop", "web-1", "app"), {2000, 5 * kGiB, std::nullopt});
  ASSERT_EQ(store_.stored.size(), 2U);
  ExpectSameCosts(store_.stored[1].costs, Expected(1, usage));
  for (const model::ContainerCostRow& c : store_.stored[1].costs.containers) {
    EXPECT_EQ(c.demand.cpu_usage_millicores, c.labels.pod == "web-1" ? 2000 : 0) << c.labels.pod;
  }
  EXPECT_EQ(cluster_.kubelet_scrapes, (std::vector<std::vector<std::string>>{{"n1"}, {"n1"}}));
}

TEST_F(CollectorTest, AFailedApiScrapeUsesThePreviousStateForAtMostTheConfiguredIntervals) {
  settings_.stale_snapshot_intervals = 2;
  // A Spark driver: named by its labels, which the stale state must keep.
  model::Pod& driver = cluster_.pods->at(1);
  driver.labels["spark-app-name"] = "etl";
  driver.labels["spark-role"] = "driver";
  driver.controller_kind = "SparkApplication";
  driver.controller_name = "etl-1763287200";
  ASSERT_TRUE(Tick(0).attributed);
  ASSERT_EQ(store_.stored.at(0).costs.containers.at(1).labels.workload, "spark:etl");
  const std::vector<model::Node> nodes = *cluster_.nodes;
  const std::vector<model::Pod> pods = *cluster_.pods;
  cluster_.nodes.reset();
  cluster_.pods.reset();
  for (const int tick : {1, 2}) {
    SCOPED_TRACE(tick);
    const model::TickReport stale = Tick(tick);
    EXPECT_TRUE(stale.attributed);
    EXPECT_EQ(stale.source_errors, 2U);
    EXPECT_EQ(stale.cost.nanos(), 6'000'000);
    // The state of tick 0 priced for this interval, team labels kept; no labels sent again.
    ExpectSameCosts(stale.batch->costs, Attribute(tick, nodes, pods, {}, prices_.next.book));
    EXPECT_TRUE(stale.batch->pod_labels.empty());
  }
  // Neither nodes nor pods listed: no kubelet to ask.
  EXPECT_EQ(cluster_.kubelet_scrapes.size(), 1U);
  EXPECT_NE(LogText().find("using nodes and pods of an earlier scrape"), std::string::npos);

  // Three intervals old: too old to stand in; the interval is not attributed nor sent.
  const model::TickReport too_old = Tick(3);
  EXPECT_FALSE(too_old.attributed);
  EXPECT_TRUE(too_old.batch->costs.nodes.empty());
  EXPECT_EQ(too_old.batch->costs.start, Boundary(3) - kLength);
  EXPECT_NE(LogText().find("interval not attributed"), std::string::npos);
  // And it is forgotten: a later failure does not bring it back.
  EXPECT_FALSE(Tick(4).attributed);
  EXPECT_EQ(Starts(store_.stored),
            (std::vector<sys_seconds>{Boundary(0) - kLength, Boundary(1) - kLength,
                                      Boundary(2) - kLength}));

  cluster_.nodes = nodes;
  cluster_.pods = pods;
  const model::TickReport back = Tick(5);
  EXPECT_TRUE(back.attributed);
  ExpectSameCosts(back.batch->costs, Expected(5));
}

TEST_F(CollectorTest, NodesListedWithoutPodsAreScrapedButTheLastWholeStateIsPriced) {
  Tick(0);
  cluster_.nodes->push_back(MakeNode("n2"));
  const std::optional<std::vector<model::Pod>> pods = cluster_.pods;
  cluster_.pods.reset();
  const model::TickReport report = Tick(1);
  EXPECT_TRUE(report.attributed);
  EXPECT_EQ(report.source_errors, 1U);
  EXPECT_EQ(report.nodes, 1U);  // n2 is not priced from half a scrape
  EXPECT_EQ(cluster_.kubelet_scrapes.back(), (std::vector<std::string>{"n1", "n2"}));
  cluster_.pods = pods;
  EXPECT_EQ(Tick(2).nodes, 2U);
}

TEST_F(CollectorTest, PodLabelsAreSentWhenNewOrChangedOnly) {
  const model::TickReport first = Tick(0);
  EXPECT_EQ(PodNames(first.batch->pod_labels),
            (std::vector<std::string>{"shop/web-1", "data/etl-1"}));
  // Whole label sets, not only the team label the collector keeps for later intervals.
  EXPECT_EQ(first.batch->pod_labels[0].labels,
            (model::Labels{{"app", "web-1"}, {"team", "alpha"}}));

  EXPECT_TRUE(Tick(1).batch->pod_labels.empty());  // unchanged

  (*cluster_.pods)[1].labels["app"] = "etl-v2";
  const model::TickReport changed = Tick(2);
  ASSERT_EQ(PodNames(changed.batch->pod_labels), (std::vector<std::string>{"data/etl-1"}));
  EXPECT_EQ(changed.batch->pod_labels[0].labels,
            (model::Labels{{"app", "etl-v2"}, {"team", "beta"}}));

  // Gone for an interval and back: sent again.
  const model::Pod etl = (*cluster_.pods)[1];
  cluster_.pods->pop_back();
  EXPECT_TRUE(Tick(3).batch->pod_labels.empty());
  cluster_.pods->push_back(etl);
  EXPECT_EQ(PodNames(Tick(4).batch->pod_labels), (std::vector<std::string>{"data/etl-1"}));

  // Labels reach the store with their batch.
  ASSERT_EQ(store_.stored.size(), 5U);
  EXPECT_EQ(PodNames(store_.stored[4].pod_labels), (std::vector<std::string>{"data/etl-1"}));
}

TEST_F(CollectorTest, NodeLabelsAreSentWhenNewOrChangedOnly) {
  const auto names = [](const std::vector<model::NodeLabelSet>& sets) {
    std::vector<std::string> out;
    for (const model::NodeLabelSet& s : sets) out.push_back(s.node);
    return out;
  };
  const model::TickReport first = Tick(0);
  ASSERT_EQ(names(first.batch->node_labels), (std::vector<std::string>{"n1"}));
  EXPECT_EQ(first.batch->node_labels[0].labels,
            (model::Labels{{"node.kubernetes.io/instance-type", "m5.xlarge"}}));
  EXPECT_TRUE(Tick(1).batch->node_labels.empty());  // unchanged

  cluster_.nodes->push_back(MakeNode("n2"));
  (*cluster_.nodes)[0].labels["karpenter.sh/nodepool"] = "gpu";
  const model::TickReport changed = Tick(2);
  EXPECT_EQ(names(changed.batch->node_labels), (std::vector<std::string>{"n1", "n2"}));
  EXPECT_EQ(changed.batch->node_labels[0].labels.at("karpenter.sh/nodepool"), "gpu");

  // A failed scrape stands in with the last state: nothing is sent again.
  const std::optional<std::vector<model::Node>> nodes = cluster_.nodes;
  cluster_.nodes.reset();
  EXPECT_TRUE(Tick(3).batch->node_labels.empty());
  cluster_.nodes = nodes;
  EXPECT_TRUE(Tick(4).batch->node_labels.empty());
  ASSERT_EQ(store_.stored.size(), 5U);
  EXPECT_EQ(names(store_.stored[2].node_labels), (std::vector<std::string>{"n1", "n2"}));
}

// Without an exporter to read the inventory (serve --role collector), the labels move into the
// batch instead of being copied: the same labels are sent, the report carries no inventory,
// and a failed scrape is still priced with the teams and workload names of the last state.
TEST_F(CollectorTest, WithoutTheInventoryLabelsMoveIntoTheBatchAndTheStateKeepsWhatItNeeds) {
  settings_.keep_inventory = false;
  model::Pod& driver = cluster_.pods->at(1);
  driver.labels["spark-app-name"] = "etl";
  driver.labels["spark-role"] = "driver";
  driver.controller_kind = "SparkApplication";
  driver.controller_name = "etl-1763287200";
  const model::TickReport first = Tick(0);
  EXPECT_EQ(first.inventory, nullptr);
  ASSERT_EQ(PodNames(first.batch->pod_labels),
            (std::vector<std::string>{"shop/web-1", "data/etl-1"}));
  EXPECT_EQ(first.batch->pod_labels[0].labels,
            (model::Labels{{"app", "web-1"}, {"team", "alpha"}}));
  EXPECT_EQ(first.batch->pod_labels[1].labels, cluster_.pods->at(1).labels);
  ASSERT_EQ(first.batch->node_labels.size(), 1U);
  EXPECT_EQ(first.batch->node_labels[0].labels, cluster_.nodes->at(0).labels);
  EXPECT_EQ(first.batch->costs.containers.at(1).labels.workload, "spark:etl");
  EXPECT_TRUE(Tick(1).batch->pod_labels.empty());  // unchanged: still compared in full
  (*cluster_.pods)[1].labels["app"] = "etl-v2";
  const model::TickReport changed = Tick(2);
  ASSERT_EQ(PodNames(changed.batch->pod_labels), (std::vector<std::string>{"data/etl-1"}));
  EXPECT_EQ(changed.batch->pod_labels[0].labels.at("app"), "etl-v2");

  const std::vector<model::Node> nodes = *cluster_.nodes;
  const std::vector<model::Pod> pods = *cluster_.pods;
  cluster_.nodes.reset();
  cluster_.pods.reset();
  const model::TickReport stale = Tick(3);
  EXPECT_TRUE(stale.attributed);
  ExpectSameCosts(stale.batch->costs, Attribute(3, nodes, pods, {}, prices_.next.book));
  EXPECT_EQ(stale.batch->costs.containers.at(1).labels.workload, "spark:etl");
  EXPECT_EQ(stale.batch->costs.containers.at(1).labels.team, "beta");

  // Pods read while the nodes failed: not a fresh state, so the labels changed in it are not
  // sent then, and not forgotten either: the next fresh scrape sends them.
  cluster_.pods = pods;
  (*cluster_.pods)[0].labels["app"] = "web-2";
  const model::TickReport half = Tick(4);
  EXPECT_TRUE(half.attributed);  // the stand-in still
  EXPECT_TRUE(half.batch->pod_labels.empty());
  cluster_.nodes = nodes;
  const model::TickReport back = Tick(5);
  ASSERT_EQ(PodNames(back.batch->pod_labels), (std::vector<std::string>{"shop/web-1"}));
  EXPECT_EQ(back.batch->pod_labels[0].labels.at("app"), "web-2");
  EXPECT_TRUE(Tick(6).batch->pod_labels.empty());
}

TEST_F(CollectorTest, APodListedTwiceCountsOnce) {
  model::Pod twin = (*cluster_.pods)[0];
  twin.labels["app"] = "twin";
  cluster_.pods->push_back(twin);
  const model::TickReport first = Tick(0);
  ASSERT_EQ(PodNames(first.batch->pod_labels),
            (std::vector<std::string>{"shop/web-1", "data/etl-1"}));
  EXPECT_EQ(first.batch->pod_labels[0].labels.at("app"), "web-1");  // the first listing
  // Listed once again, as first seen: nothing changed.
  cluster_.pods->pop_back();
  EXPECT_TRUE(Tick(1).batch->pod_labels.empty());
}

TEST_F(CollectorTest, EachBatchIsInTheSpoolBeforeTheStoreSeesIt) {
  int checked = 0;
  store_.on_write = [&](const model::IntervalBatch& batch) {
    const std::string encoded = EncodeBatch(batch);
    bool on_disk = false;
    for (const fs::path& file : BatchFiles(spool_dir_)) on_disk |= ReadFile(file) == encoded;
    EXPECT_TRUE(on_disk) << "batch of " << batch.costs.start.time_since_epoch().count();
    ++checked;
  };
  Tick(0);
  Tick(1);
  EXPECT_EQ(checked, 2);
  EXPECT_TRUE(BatchFiles(spool_dir_).empty());  // removed once stored
}

TEST_F(CollectorTest, AnUnavailableStoreLeavesBatchesInTheSpoolUntilTheyAreReplayedInOrder) {
  std::vector<std::string> sent;  // every batch the collector made, as encoded
  store_.available = false;
  for (const int tick : {0, 1, 2}) {
    const model::TickReport report = Tick(tick);
    sent.push_back(EncodeBatch(*report.batch));
    EXPECT_FALSE(report.database_available);
    EXPECT_EQ(report.stored_batches, 0U);
    EXPECT_EQ(report.spool_depth, static_cast<std::size_t>(tick + 1));
    EXPECT_EQ(BatchFiles(spool_dir_).size(), static_cast<std::size_t>(tick + 1));
  }
  // Each tick tries the oldest batch once and stops there.
  EXPECT_EQ(store_.write_calls, 3);
  EXPECT_TRUE(store_.rollups.empty());
  EXPECT_TRUE(store_.maintained.empty());
  EXPECT_NE(LogText().find("database unavailable; batches stay in the spool"), std::string::npos);

  store_.available = true;
  const model::TickReport back = Tick(3);
  sent.push_back(EncodeBatch(*back.batch));
  EXPECT_TRUE(back.database_available);
  EXPECT_EQ(back.stored_batches, 4U);
  EXPECT_EQ(back.spool_depth, 0U);
  EXPECT_TRUE(BatchFiles(spool_dir_).empty());
  ASSERT_EQ(store_.stored.size(), 4U);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    // Oldest first, and the replayed ones (read back from disk) exactly as made.
    EXPECT_EQ(EncodeBatch(store_.stored[i]), sent[i]) << "batch " << i;
  }
  ExpectSameCosts(store_.stored[0].costs, Expected(0));
  EXPECT_EQ(store_.rollups, (std::vector<sys_seconds>{Boundary(3)}));
}

TEST_F(CollectorTest, ABatchRefusedForGoodIsMovedAsideAndDoesNotBlockTheRest) {
  store_.available = false;
  Tick(0);
  Tick(1);
  store_.available = true;
  store_.refused = {Boundary(0) - kLength};
  const model::TickReport report = Tick(2);
  EXPECT_TRUE(report.database_available);
  EXPECT_EQ(report.stored_batches, 2U);
  EXPECT_EQ(report.spool_depth, 0U);
  EXPECT_EQ(Starts(store_.stored),
            (std::vector<sys_seconds>{Boundary(1) - kLength, Boundary(2) - kLength}));
  const std::vector<fs::path> rejected = BatchFiles(spool_dir_ / "rejected");
  ASSERT_EQ(rejected.size(), 1U);
  EXPECT_EQ(DecodeBatch(ReadFile(rejected[0])).costs.start, Boundary(0) - kLength);
  EXPECT_NE(LogText().find("fake store: bad batch"), std::string::npos);
}

TEST_F(CollectorTest, AQueryExecutionSeenTwiceIsChargedOnce) {
  cluster_.queries = {MakeQuery("q-big", model::QueryState::kSucceeded, kTiB),
                      MakeQuery("q-later", model::QueryState::kRunning, 0)};
  const model::TickReport first = Tick(0);
  ASSERT_EQ(first.batch->queries.size(), 1U);  // a running query is priced once it is final
  EXPECT_EQ(first.batch->queries[0].execution.query_execution_id, "q-big");
  EXPECT_EQ(first.batch->queries[0].cost.nanos(), 5'000'000'000);  // 1 TiB at $5/TB
  EXPECT_EQ(first.batch->queries[0].team, "alpha");                // workgroup analytics

  cluster_.queries = {MakeQuery("q-big", model::QueryState::kSucceeded, kTiB),
                      MakeQuery("q-later", model::QueryState::kSucceeded, 100),
                      MakeQuery("q-failed", model::QueryState::kFailed, kTiB)};
  const model::TickReport second = Tick(1);
  ASSERT_EQ(second.batch->queries.size(), 2U);
  EXPECT_EQ(second.batch->queries[0].execution.query_execution_id, "q-later");
  // The 10 MiB minimum: 5e9 nano-dollars x 10 MiB / 1 TiB = 47,683.7 -> 47,684.
  EXPECT_EQ(second.batch->queries[0].cost.nanos(), 47'684);
  EXPECT_EQ(second.batch->queries[1].cost.nanos(), 0);  // failed: not billed
  EXPECT_EQ(second.queries, 2U);

  Tick(2);
  std::map<std::string, std::int64_t> charged_nanos;
  std::map<std::string, int> times_sent;
  for (const model::IntervalBatch& b : store_.stored) {
    for (const model::PricedQuery& q : b.queries) {
      charged_nanos[q.execution.query_execution_id] += q.cost.nanos();
      ++times_sent[q.execution.query_execution_id];
    }
  }
  EXPECT_EQ(charged_nanos, (std::map<std::string, std::int64_t>{
                               {"q-big", 5'000'000'000}, {"q-failed", 0}, {"q-later", 47'684}}));
  EXPECT_EQ(times_sent,
            (std::map<std::string, int>{{"q-big", 1}, {"q-failed", 1}, {"q-later", 1}}));
}

TEST_F(CollectorTest, QueriesAreRememberedOnlyOnceStored) {
  // While the store is down, an execution listed again goes into the next batch too: the store
  // counts it once by its key. Once stored, it is not sent again.
  store_.available = false;
  cluster_.queries = {MakeQuery("q-1", model::QueryState::kSucceeded, kTiB)};
  EXPECT_EQ(Tick(0).queries, 1U);
  EXPECT_EQ(Tick(1).queries, 1U);
  store_.available = true;
  EXPECT_EQ(Tick(2).queries, 1U);
  EXPECT_EQ(Tick(3).queries, 0U);
}

TEST_F(CollectorTest, QueriesAreSentWhenTheClusterStateIsMissing) {
  cluster_.nodes.reset();
  cluster_.pods.reset();
  cluster_.queries = {MakeQuery("q-1", model::QueryState::kCancelled, kTiB)};
  const model::TickReport report = Tick(0);
  EXPECT_FALSE(report.attributed);
  ASSERT_EQ(store_.stored.size(), 1U);
  EXPECT_TRUE(store_.stored[0].costs.containers.empty());
  EXPECT_EQ(store_.stored[0].costs.start, Boundary(0) - kLength);
  ASSERT_EQ(store_.stored[0].queries.size(), 1U);
  EXPECT_EQ(store_.stored[0].queries[0].cost.nanos(), 5'000'000'000);  // cancelled: billed
  // Nothing to send at all: no batch.
  cluster_.queries->clear();
  Tick(1);
  EXPECT_EQ(store_.write_calls, 1);
}

TEST_F(CollectorTest, RollsUpEveryTickAndMaintainsAtMostHourly) {
  for (int tick = 0; tick <= 61; ++tick) Tick(tick);
  ASSERT_EQ(store_.rollups.size(), 62U);
  EXPECT_EQ(store_.rollups.front(), Boundary(0));
  EXPECT_EQ(store_.rollups.back(), Boundary(61));
  // At the first tick, then once an hour (60 ticks of 60 s) has passed.
  EXPECT_EQ(store_.maintained, (std::vector<sys_seconds>{Boundary(0), Boundary(60)}));
}

TEST_F(CollectorTest, MaintenanceThatFailsIsRetriedAtTheNextTick) {
  store_.maintain_available = false;
  Tick(0);
  store_.maintain_available = true;
  Tick(1);
  Tick(2);
  EXPECT_EQ(store_.maintained, (std::vector<sys_seconds>{Boundary(0), Boundary(1)}));
}

TEST_F(CollectorTest, PricesAreRefreshedPerPriceRefreshAndKeptWhenARefreshLoadsNothing) {
  settings_.price_refresh = seconds(180);
  Tick(0);
  Tick(1);
  Tick(2);
  EXPECT_EQ(prices_.loads.load(), 1);
  EXPECT_EQ(store_.stored[2].costs.TotalCost().nanos(), 6'000'000);

  prices_.next = OnDemand("0.72");
  const model::TickReport refreshed = Tick(3);  // 180 s after the first load
  EXPECT_EQ(prices_.loads.load(), 2);
  EXPECT_EQ(refreshed.cost.nanos(), 12'000'000);
  ExpectSameCosts(refreshed.batch->costs, Expected(3));

  const model::PriceBook doubled = prices_.next.book;
  prices_.next = {};
  prices_.next.errors = {"on-demand prices: GET http://prices: HTTP 503"};
  Tick(6);
  EXPECT_EQ(prices_.loads.load(), 3);
  const model::TickReport kept = Tick(7);
  EXPECT_EQ(kept.cost.nanos(), 12'000'000);  // the last book that loaded anything
  ExpectSameCosts(kept.batch->costs, Attribute(7, *cluster_.nodes, *cluster_.pods, {}, doubled));
  EXPECT_NE(LogText().find("GET http://prices: HTTP 503"), std::string::npos);
}

TEST_F(CollectorTest, AFirstLoadWithoutPricesLeavesNodesUnpricedAndSaysSo) {
  prices_.next = {};
  const model::TickReport report = Tick(0);
  EXPECT_TRUE(report.attributed);
  EXPECT_EQ(report.cost.nanos(), 0);
  ASSERT_FALSE(report.batch->costs.warnings.empty());
  EXPECT_NE(report.batch->costs.warnings[0].find("m5.xlarge"), std::string::npos);
}

TEST_F(CollectorTest, AHangingPriceSourceDoesNotHoldTheIntervalUpAndItsPricesComeLater) {
  settings_.price_refresh = kLength;  // a refresh every interval
  settings_.price_wait = std::chrono::milliseconds(200);
  const model::PriceBook before = prices_.next.book;
  Tick(0);
  EXPECT_EQ(prices_.loads.load(), 1);

  prices_.next = OnDemand("0.72");
  prices_.Hang();
  const auto started = std::chrono::steady_clock::now();
  const model::TickReport hung = Tick(1);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3))
      << "the interval waited for the price source beyond price_wait";
  EXPECT_TRUE(hung.attributed);
  ExpectSameCosts(hung.batch->costs, Attribute(1, *cluster_.nodes, *cluster_.pods, {}, before));
  EXPECT_EQ(store_.stored.size(), 2U);
  const std::string log = LogText();
  EXPECT_NE(log.find("prices still loading; this interval is priced with the prices loaded "
                     "before"),
            std::string::npos);
  EXPECT_NE(log.find("on-demand http://prices.test/offer.json"), std::string::npos)
      << "the log names the source that has not answered";

  // Still hanging: no second load is started beside it, the old prices go on.
  const model::TickReport still = Tick(2);
  EXPECT_EQ(prices_.loads.load(), 2);
  ExpectSameCosts(still.batch->costs, Attribute(2, *cluster_.nodes, *cluster_.pods, {}, before));

  // It answers: the next interval takes its prices.
  prices_.Release();
  const model::TickReport after = Tick(3);
  ExpectSameCosts(after.batch->costs, Expected(3));
  EXPECT_EQ(after.cost.nanos(), 12'000'000);
}

// A tmpfs of `bytes` mounted at `dir` for the life of the guard (needs CAP_SYS_ADMIN).
class SmallDisk {
 public:
  SmallDisk(const fs::path& dir, std::size_t bytes) : dir_(dir) {
    fs::create_directories(dir);
    const std::string options = "size=" + std::to_string(bytes);
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  SmallDisk(SmallDisk&&) = delete;
  SmallDisk& operator=(SmallDisk&&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

  // Fills what is left with one file; returns its path.
  fs::path Fill() const {
    const fs::path filler = dir_ / "filler";
    std::FILE* f = std::fopen(filler.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot create the filler");
    const std::string block(4096, 'x');
    while (std::fwrite(block.data(), 1, block.size(), f) == block.size()) {
    }
    static_cast<void>(std::fclose(f));  // fails with ENOSPC, as meant
    return filler;
  }

 private:
  fs::path dir_;
  bool mounted_ = false;
  std::string error_;
};

TEST_F(CollectorTest, AFullSpoolDiskSendsTheIntervalStraightToTheDatabaseAndRecovers) {
  SmallDisk disk(fs::path(root_.path()) / "small", 64 * 1024);
  if (!disk.mounted()) {
    GTEST_SKIP() << "cannot mount a 64 KiB tmpfs for the spool (" << disk.error()
                 << "): run as root or with CAP_SYS_ADMIN to test a full spool disk";
  }
  spool_dir_ = fs::path(root_.path()) / "small";
  Tick(0);  // the spool works: one batch through it
  ASSERT_EQ(store_.stored.size(), 1U);
  const fs::path filler = disk.Fill();

  // Full, database up: the batch goes straight to the database, nothing lost.
  const model::TickReport full = Tick(1);
  EXPECT_NE(full.spool_error.find("No space left on device"), std::string::npos)
      << full.spool_error;
  EXPECT_EQ(full.lost_batches, 0U);
  EXPECT_EQ(full.stored_batches, 1U);
  ASSERT_EQ(store_.stored.size(), 2U);
  ExpectSameCosts(store_.stored[1].costs, Expected(1));
  EXPECT_TRUE(BatchFiles(spool_dir_).empty());
  for (const auto& e : fs::directory_iterator(spool_dir_)) {
    EXPECT_NE(e.path().extension(), ".tmp") << "a half-written batch was left: " << e.path();
  }
  EXPECT_NE(LogText().find("spool write failed; the interval goes straight to the database"),
            std::string::npos);

  // Full and the database down: the interval is lost, and says so.
  store_.available = false;
  const model::TickReport lost = Tick(2);
  EXPECT_FALSE(lost.spool_error.empty());
  EXPECT_EQ(lost.lost_batches, 1U);
  EXPECT_FALSE(lost.database_available);
  EXPECT_NE(LogText().find("interval lost: the spool cannot hold it"), std::string::npos);

  // Space returns: the spool holds the next batches again, and they are replayed in order.
  fs::remove(filler);
  const model::TickReport spooled = Tick(3);
  EXPECT_TRUE(spooled.spool_error.empty());
  EXPECT_EQ(spooled.spool_depth, 1U);
  ASSERT_EQ(BatchFiles(spool_dir_).size(), 1U);
  EXPECT_EQ(DecodeBatch(ReadFile(BatchFiles(spool_dir_)[0])).costs.start, Boundary(3) - kLength);
  store_.available = true;
  const model::TickReport back = Tick(4);
  EXPECT_EQ(back.stored_batches, 2U);
  EXPECT_EQ(back.spool_depth, 0U);
  EXPECT_EQ(Starts(store_.stored),
            (std::vector<sys_seconds>{Boundary(0) - kLength, Boundary(1) - kLength,
                                      Boundary(3) - kLength, Boundary(4) - kLength}));
}

}  // namespace
}  // namespace costledger::collector
