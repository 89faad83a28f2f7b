// OpenCost's own clients against a running costledger API on a real PostgreSQL: each client's
// request set, as its public source sends it (facts written down here, no code or JSON of
// theirs), answered 200 with what that client reads. Clients: kubectl-cost (namespace,
// deployment, controller, pod, label and node commands; via the API server proxy it asks
// /model/allocation and /model/assets, with --opencost /allocation/compute), OpenCost's UI
// (legacy: /model/allocation/compute with step=1d and accumulate true|false; new: accumulate
// day|week|..., includeIdle, metrics, filter drill-down, /model/assets), the
// opencost-parquet-exporter's daily export (/allocation/compute, yesterday's RFC 3339 window,
// step=1h, aggregate=namespace,pod,container, includeIdle/idleByNode false,
// includeProportionalAssetResourceCosts=false, format=json) and the
// opencost-integration-tests' API checks (/allocation with today/yesterday/7d windows,
// shareIdle, unescaped filter quotes, /allocation/summary, /assets?filter=assetType:"node").
// No client sends a token: the API runs with auth.anonymous_role=viewer.
#include <curl/curl.h>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "costledger/api/cost_api.hpp"
#include "costledger/http/http_server.hpp"
#include "costledger/model/attribution.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"
#include "sample_batches.hpp"

namespace costledger::api {
namespace {

using model::ContainerCostRow;
using model::IntervalBatch;
using model::Money;
using model::NodeCostRow;
using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::int64_t kGiB = std::int64_t{1} << 30;
const sys_seconds kHour = model::ParseTimestamp("2025-11-16T10:00:00Z");
constexpr const char* kViewer = "viewer-token-0123456789";

struct PodSpec {
  const char* node;
  const char* ns;
  const char* kind;
  const char* controller;
  const char* pod;
  const char* container;
  const char* team;
  const char* app;
  std::int64_t cpu_millicores;
  std::int64_t memory_bytes;
};

// Two nodes: node-1 on demand ($0.40/h), node-2 spot ($0.15/h).
const std::vector<PodSpec> kPods{
    {"node-1", "shop", "Deployment", "web", "web-7d9f-a", "nginx", "alpha", "web", 1000, 2 * kGiB},
    {"node-1", "shop", "Deployment", "web", "web-7d9f-b", "nginx", "alpha", "web", 500, kGiB},
    {"node-1", "shop", "StatefulSet", "db", "db-0", "postgres", "alpha", "db", 1000, 4 * kGiB},
    {"node-2", "batch", "Job", "etl-42", "etl-42-x", "main", "beta", "etl", 1000, 2 * kGiB},
    {"node-2", "batch", "", "", "bare", "main", "beta", "", 250, kGiB / 2},
    {"node-2", "kube-system", "DaemonSet", "proxy", "proxy-n2", "proxy", "", "proxy", 100,
     kGiB / 4},
};

IntervalBatch Batch(sys_seconds start) {
  IntervalBatch batch;
  batch.cluster = "demo";
  batch.costs.start = start;
  batch.costs.length = minutes(10);
  for (const char* node : {"node-1", "node-2"}) {
    NodeCostRow n;
    n.node = node;
    const bool spot = std::string_view(node) == "node-2";
    n.instance_type = spot ? "m5.large" : "m5.xlarge";
    n.zone = "us-east-1a";
    n.capacity_type = spot ? model::CapacityType::kSpot : model::CapacityType::kOnDemand;
    n.capacity = {spot ? 2000 : 4000, (spot ? 8 : 16) * kGiB, 0};
    n.price = {{Money::ParseDollars(spot ? "0.15" : "0.40")},
               spot ? model::PriceSource::kSpot : model::PriceSource::kOnDemand};
    std::vector<ContainerCostRow> containers;
    for (const PodSpec& p : kPods) {
      if (std::string_view(p.node) != node) continue;
      ContainerCostRow row;
      row.labels = {"demo",          node,         p.ns,
                    p.kind,          p.controller, p.pod,
                    p.container,     p.team,       spot ? "spot" : "on-demand",
                    n.instance_type, "kubernetes", std::string(p.kind) + ":" + p.controller};
      row.demand = {p.cpu_millicores, p.cpu_millicores / 2, p.memory_bytes, p.memory_bytes / 2, 0};
      row.usage_observed = true;
      containers.push_back(row);
    }
    testing::AddCostedNode(batch, std::move(n), std::move(containers));
    batch.node_labels.push_back(
        {node,
         {{"kubernetes.io/arch", "amd64"},
          {"karpenter.sh/capacity-type", spot ? "spot" : "on-demand"},
          {"node.kubernetes.io/instance-type", spot ? "m5.large" : "m5.xlarge"}}});
  }
  for (const PodSpec& p : kPods) {
    model::PodLabelSet labels{p.ns, p.pod, {}};
    if (*p.app != '\0') {
      labels.labels["app"] = p.app;
      labels.labels["app.kubernetes.io/name"] = p.app;
    }
    if (*p.team != '\0') labels.labels["team"] = p.team;
    if (std::string_view(p.kind) == "Deployment") labels.labels["pod-template-hash"] = "7d9f";
    batch.pod_labels.push_back(std::move(labels));
  }
  return batch;
}

// A claimed gp3 volume of db-0, on a day of its own (well before the other tests' 7-day
// windows): OpenCost's Disk assets.
const sys_seconds kVolumeHour = model::ParseTimestamp("2025-10-01T10:00:00Z");
constexpr std::int64_t kVolumeNanos = 365'297;  // 20 GiB x $0.08 / 730 h for 10 minutes

IntervalBatch VolumeBatch() {
  IntervalBatch batch = Batch(kVolumeHour);
  model::VolumeCostRow v;
  v.volume = "pvc-4f1c";
  v.provider_id = "vol-0db0";
  v.storage_class = "gp3";
  v.price_key = "gp3";
  v.claim_namespace = "shop";
  v.claim = "data-db-0";
  v.zone = "us-east-1a";
  v.size_bytes = 20 * kGiB;
  v.cost = Money::FromNanos(kVolumeNanos);
  v.mounts = 1;
  batch.costs.volumes = {v};
  model::VolumeShareRow share;
  share.labels = {"demo",     "node-1", "shop",      "StatefulSet", "db",         "db-0",
                  "postgres", "alpha",  "on-demand", "m5.xlarge",   "kubernetes", "StatefulSet:db"};
  share.volume = v.volume;
  share.byte_seconds = static_cast<double>(v.size_bytes) * 600;
  share.cost = v.cost;
  batch.costs.volume_shares = {share};
  return batch;
}

std::size_t Collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// NOLINTNEXTLINE(bugprone-exception-escape): nlohmann's default constructor, see cost_api_test
struct Reply {
  long status = 0;
  json body;
  std::string text;
  std::string content_type;
};

std::vector<std::string> Split(const std::string& name) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    parts.push_back(name.substr(start, slash - start));
    if (slash == std::string::npos) return parts;
    start = slash + 1;
  }
}

class OpenCostClientsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<testing::PrivatePostgres>();
    url_ = server_->CreateDatabase("opencost_clients");
    postgres::PostgresStore store(url_, "");
    store.Migrate();
    for (int i = 0; i < 6; ++i) store.Write(Batch(kHour + minutes(10 * i)));
    store.Write(VolumeBatch());
    store.RollUp(kHour + hours(1));
    reader_ = std::make_unique<postgres::PostgresCostReader>(url_, "");
    api_ = std::make_unique<CostApi>(CostReaders{*reader_, *reader_, *reader_, *reader_}, nullptr,
                                     Settings(true), [] { return kNow; });
    http::ServerOptions options;
    options.listen = "127.0.0.1:0";
    http_ = std::make_unique<http::HttpServer>(
        options, [](const http::HttpRequest& r) { return api_->Handle(r); });
    http_->Start();
    // What the nodes cost in the hour (containers plus idle), from the store itself.
    const Reply nodes = Get("/v1/assets?window=" + Hour(), kViewer);
    for (const auto& [key, node] : nodes.body["data"].items()) {
      node_hour_nanos_ += node["totalCostNanos"].get<std::int64_t>();
    }
  }

  static CostApiSettings Settings(bool anonymous) {
    CostApiSettings settings;
    settings.tokens = TokenRegistry::Parse(
        fmt::format(R"([{{"name":"viewer","sha256":"{}","role":"viewer","teams":["*"]}}])",
                    Sha256Hex(kViewer)));
    settings.cache_ttl = seconds(0);
    if (anonymous) settings.anonymous_role = Role::kViewer;
    return settings;
  }

  static void TearDownTestSuite() {
    http_.reset();
    api_.reset();
    reader_.reset();
    server_.reset();
  }

  // GET `target` as the clients send it: no token unless given.
  static Reply Get(const std::string& target, const char* token = nullptr,
                   const char* method = "GET") {
    Reply reply;
    CURL* curl = curl_easy_init();
    const std::string url = fmt::format("http://127.0.0.1:{}{}", http_->port(), target);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.text);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_slist* headers = nullptr;
    if (token != nullptr) {
      headers = curl_slist_append(headers, fmt::format("Authorization: Bearer {}", token).c_str());
      curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    }
    EXPECT_EQ(curl_easy_perform(curl), CURLE_OK) << target;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    char* type = nullptr;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
    if (type != nullptr) reply.content_type = type;
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (!reply.text.empty() && reply.text[0] == '{') reply.body = json::parse(reply.text);
    return reply;
  }

  static std::string Hour() {
    return fmt::format("{},{}", kHour.time_since_epoch().count(),
                       (kHour + hours(1)).time_since_epoch().count());
  }

  // kubectl-cost's allocation query (pkg/cmd aggregated commands): accumulate=true, includeIdle
  // and idle both, filterNamespaces (empty without -n).
  static std::string KubectlCost(const std::string& path, const std::string& aggregate,
                                 const std::string& ns = "") {
    return fmt::format(
        "{}?window=1d&aggregate={}&accumulate=true&includeIdle=true&idle=true&filterNamespaces={}",
        path, aggregate, ns);
  }

  // What kubectl-cost's table needs of one allocation set: names that split into one part per
  // aggregate (or are __idle__), times it can parse and a positive duration (it divides by
  // the minutes to project a monthly rate), and the costs it prints.
  static void ExpectKubectlCostReads(const json& data, std::size_t parts) {
    ASSERT_TRUE(data.is_array());
    ASSERT_FALSE(data.empty());  // it indexes data[0]
    for (const auto& [name, a] : data[0].items()) {
      EXPECT_EQ(a["name"], name);
      if (name != "__idle__") {
        EXPECT_EQ(Split(name).size(), parts) << name;
      }
      const sys_seconds start = model::ParseTimestamp(a["start"].get<std::string>());
      const sys_seconds end = model::ParseTimestamp(a["end"].get<std::string>());
      EXPECT_GT(end, start) << name;
      for (const char* f :
           {"cpuCost", "ramCost", "gpuCost", "pvCost", "networkCost", "sharedCost",
            "loadBalancerCost", "totalCost", "cpuEfficiency", "ramEfficiency", "totalEfficiency"}) {
        EXPECT_TRUE(a[f].is_number()) << name << " " << f;
      }
      EXPECT_TRUE(a["properties"].is_object());
    }
  }

  static std::int64_t TotalNanos(const json& set) {
    std::int64_t total = 0;
    for (const auto& [name, a] : set.items()) total += a["totalCostNanos"].get<std::int64_t>();
    return total;
  }

  static inline const sys_seconds kNow = kHour + hours(1) + minutes(1);
  static inline std::unique_ptr<testing::PrivatePostgres> server_;
  static inline std::string url_;
  static inline std::unique_ptr<postgres::PostgresCostReader> reader_;
  static inline std::unique_ptr<CostApi> api_;
  static inline std::unique_ptr<http::HttpServer> http_;
  static inline std::int64_t node_hour_nanos_ = 0;
};

TEST_F(OpenCostClientsTest, KubectlCostNamespaceDeploymentControllerPodAndLabel) {
  ASSERT_GT(node_hour_nanos_, 0);
  struct Command {
    const char* name;
    std::string aggregate;
    std::size_t parts;
  };
  const std::vector<Command> commands{{"namespace", "cluster,namespace", 2},
                                      {"deployment", "cluster,namespace,deployment", 3},
                                      {"controller", "cluster,namespace,controller", 3},
                                      {"pod", "cluster,namespace,pod", 3},
                                      {"label", "cluster,label:app", 2}};
  for (const char* path : {"/model/allocation", "/allocation/compute"}) {
    for (const Command& c : commands) {
      SCOPED_TRACE(fmt::format("{} {}", path, c.name));
      const Reply r = Get(KubectlCost(path, c.aggregate));
      ASSERT_EQ(r.status, 200) << r.text;
      ExpectKubectlCostReads(r.body["data"], c.parts);
      // Idle included: the set adds up to what the nodes cost, to the nano-dollar.
      EXPECT_EQ(TotalNanos(r.body["data"][0]), node_hour_nanos_);
      EXPECT_FALSE(r.body.contains("warnings")) << r.text;
    }
  }
  const json ns = Get(KubectlCost("/model/allocation", "cluster,namespace")).body["data"][0];
  EXPECT_TRUE(ns.contains("demo/shop"));
  EXPECT_TRUE(ns.contains("__idle__"));
  const json deployments =
      Get(KubectlCost("/model/allocation", "cluster,namespace,deployment")).body["data"][0];
  EXPECT_TRUE(deployments.contains("demo/shop/web"));
  EXPECT_TRUE(deployments.contains("demo/shop/__unallocated__"));  // the StatefulSet
  EXPECT_TRUE(deployments.contains("demo/batch/__unallocated__"));
  const json controllers =
      Get(KubectlCost("/model/allocation", "cluster,namespace,controller")).body["data"][0];
  EXPECT_TRUE(controllers.contains("demo/shop/deployment:web"));
  EXPECT_TRUE(controllers.contains("demo/shop/statefulset:db"));
  EXPECT_TRUE(controllers.contains("demo/batch/job:etl-42"));
  EXPECT_TRUE(controllers.contains("demo/kube-system/daemonset:proxy"));
  EXPECT_TRUE(controllers.contains("demo/batch/__unallocated__"));
  EXPECT_EQ(controllers["demo/shop/deployment:web"]["properties"]["controllerKind"], "deployment");
  const json labels = Get(KubectlCost("/model/allocation", "cluster,label:app")).body["data"][0];
  EXPECT_TRUE(labels.contains("demo/web"));
  EXPECT_TRUE(labels.contains("demo/__unallocated__"));  // the bare pod has no app label
  // `kubectl cost pod -n shop`: only that namespace, and no idle (it has no namespace).
  const Reply one = Get(KubectlCost("/model/allocation", "cluster,namespace,pod", "shop"));
  ASSERT_EQ(one.status, 200) << one.text;
  ExpectKubectlCostReads(one.body["data"], 3);
  for (const auto& [name, a] : one.body["data"][0].items()) {
    if (name != "__idle__") {
      EXPECT_EQ(Split(name)[1], "shop") << name;
    }
  }
  EXPECT_TRUE(one.body["data"][0].contains("demo/shop/db-0"));
}

TEST_F(OpenCostClientsTest, KubectlCostNode) {
  // pkg/query/assetsapi.go: /model/assets with window, accumulate=true, filterTypes=Node; it
  // reads a list of sets and, per node, properties.name and .cluster, nodeType, minutes and the
  // costs.
  const Reply r = Get("/model/assets?window=1d&accumulate=true&filterTypes=Node");
  ASSERT_EQ(r.status, 200) << r.text;
  ASSERT_TRUE(r.body["data"].is_array());
  ASSERT_EQ(r.body["data"].size(), 1u);
  const json& set = r.body["data"][0];
  ASSERT_EQ(set.size(), 2u) << set.dump();
  std::int64_t total = 0;
  for (const auto& [key, node] : set.items()) {
    EXPECT_EQ(node["type"], "Node");
    EXPECT_EQ(node["properties"]["cluster"], "demo");
    EXPECT_FALSE(node["properties"]["name"].get<std::string>().empty());
    EXPECT_GT(node["minutes"].get<double>(), 0.0);
    for (const char* f :
         {"cpuCost", "ramCost", "gpuCost", "totalCost", "cpuCores", "ramBytes", "cpuCoreHours",
          "ramByteHours", "GPUHours", "preemptible", "discount", "adjustment"}) {
      EXPECT_TRUE(node[f].is_number()) << f;
    }
    EXPECT_TRUE(node["cpuBreakdown"].is_object());
    total += node["totalCostNanos"].get<std::int64_t>();
  }
  EXPECT_EQ(total, node_hour_nanos_);
  EXPECT_EQ(Get("/model/assets?window=1d&accumulate=true&filterTypes=Disk").body["data"][0].size(),
            0u);
}

TEST_F(OpenCostClientsTest, OpenCostUiNew) {
  // app/services/allocation.ts: /model/allocation/compute with window, aggregate, includeIdle,
  // accumulate (the named ones too), metrics, filter (property:"value" joined by '+').
  const Reply days =
      Get("/model/allocation/compute?window=7d&aggregate=namespace&includeIdle=true&accumulate=day"
          "&metrics=totalCost,cpuCost");
  ASSERT_EQ(days.status, 200) << days.text;
  ASSERT_EQ(days.body["data"].size(), 7u);
  const json& sunday = days.body["data"][6];
  EXPECT_EQ(TotalNanos(sunday), node_hour_nanos_);
  EXPECT_TRUE(sunday.contains("shop"));
  EXPECT_EQ(sunday["shop"]["window"]["start"], "2025-11-16T00:00:00Z");
  EXPECT_TRUE(days.body["data"][0].empty());
  ASSERT_EQ(days.body["warnings"].size(), 1u);
  EXPECT_NE(days.body["warnings"][0].get<std::string>().find("metrics"), std::string::npos);
  for (const char* by : {"week", "month", "quarter", "all", "hour"}) {
    const Reply r = Get(fmt::format(
        "/model/allocation/compute?window=7d&aggregate=namespace&includeIdle=true&accumulate={}",
        by));
    ASSERT_EQ(r.status, 200) << by << r.text;
    std::int64_t total = 0;
    for (const json& set : r.body["data"]) total += TotalNanos(set);
    EXPECT_EQ(total, node_hour_nanos_) << by;
  }
  // Drill-down: a namespace, then its controllers, then a controller's pods.
  const Reply drill = Get(
      "/model/allocation/compute?window=7d&aggregate=controller&includeIdle=true&accumulate=true"
      "&filter=namespace%3A%22shop%22");
  ASSERT_EQ(drill.status, 200) << drill.text;
  const json& controllers = drill.body["data"][0];
  EXPECT_TRUE(controllers.contains("deployment:web"));
  EXPECT_TRUE(controllers.contains("statefulset:db"));
  EXPECT_FALSE(controllers.contains("job:etl-42"));
  const Reply pods =
      Get("/model/allocation/compute?window=7d&aggregate=pod&includeIdle=false&accumulate=true"
          "&filter=namespace%3A%22shop%22%2BcontrollerName%3A%22web%22");
  ASSERT_EQ(pods.status, 200) << pods.text;
  EXPECT_EQ(pods.body["data"][0].size(), 2u) << pods.text;
  EXPECT_EQ(TotalNanos(pods.body["data"][0]),
            controllers["deployment:web"]["totalCostNanos"].get<std::int64_t>());
  // app/services/assets.ts + lib/assets-api.ts: /model/assets, data as an object of assets
  // with type, totalCost, properties.name and the CPU/RAM breakdowns.
  const Reply assets =
      Get("/model/assets?window=7d&aggregate=&includeIdle=true&accumulate=true&step=1d");
  ASSERT_EQ(assets.status, 200) << assets.text;
  ASSERT_TRUE(assets.body["data"].is_object());
  ASSERT_EQ(assets.body["data"].size(), 2u);
  for (const auto& [key, a] : assets.body["data"].items()) {
    EXPECT_EQ(a["type"], "Node");
    EXPECT_TRUE(a["totalCost"].is_number());
    EXPECT_TRUE(a["cpuBreakdown"]["idle"].is_number());
    EXPECT_TRUE(a["ramBreakdown"]["idle"].is_number());
    EXPECT_TRUE(a["properties"]["name"].is_string());
  }
}

TEST_F(OpenCostClientsTest, OpenCostUiLegacy) {
  // The legacy UI: /model/allocation/compute?window&aggregate&includeIdle&step=1d and
  // accumulate true or false, filter as property:"value" joined by '+'.
  for (const char* accumulate : {"false", "true"}) {
    const Reply r = Get(fmt::format(
        "/model/allocation/compute?window=7d&aggregate=namespace&includeIdle=true&step=1d"
        "&accumulate={}",
        accumulate));
    ASSERT_EQ(r.status, 200) << r.text;
    EXPECT_EQ(r.body["data"].size(), std::string_view(accumulate) == "true" ? 1u : 7u);
    EXPECT_EQ(TotalNanos(r.body["data"].back()), node_hour_nanos_);
  }
  const Reply filtered =
      Get("/model/allocation/compute?window=7d&aggregate=namespace&includeIdle=true&step=1d"
          "&accumulate=true&filter=namespace%3A%22shop%22%2Bnamespace%3A%22batch%22");
  ASSERT_EQ(filtered.status, 200) << filtered.text;
  EXPECT_TRUE(filtered.body["data"][0].contains("__idle__") ||
              filtered.body["data"][0].empty());  // namespace:"shop"+namespace:"batch": none
  EXPECT_FALSE(filtered.body["data"][0].contains("shop"));
}

TEST_F(OpenCostClientsTest, ParquetExporterDailyExport) {
  // src/opencost_parquet_exporter.py: yesterday 00:00:00 to 23:59:59 (here the day of the
  // data), step 1h, aggregate namespace,pod,container; it needs a JSON content type and casts
  // these fields to float (data_types.json), flattening properties.
  const Reply r =
      Get("/allocation/compute?window=2025-11-16T00:00:00Z,2025-11-16T23:59:59Z&includeIdle=false"
          "&idleByNode=false&includeProportionalAssetResourceCosts=false&format=json&step=1h"
          "&aggregate=namespace,pod,container");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_NE(r.content_type.find("application/json"), std::string::npos) << r.content_type;
  ASSERT_EQ(r.body["data"].size(), 24u);
  const json& ten = r.body["data"][10];
  ASSERT_TRUE(ten.contains("shop/web-7d9f-a/nginx")) << ten.dump();
  // A pod's allocations carry its labels (flattened into columns by the exporter), those of
  // the bare pod too, named as OpenCost names them (from kube_pod_labels).
  EXPECT_EQ(ten["shop/web-7d9f-a/nginx"]["properties"]["labels"],
            json({{"app", "web"},
                  {"app_kubernetes_io_name", "web"},
                  {"pod_template_hash", "7d9f"},
                  {"team", "alpha"}}));
  EXPECT_EQ(ten["batch/bare/main"]["properties"]["labels"], json({{"team", "beta"}}));
  EXPECT_FALSE(ten.contains("__idle__"));
  for (const auto& [name, a] : ten.items()) {
    for (const char* f : {"cpuCoreHours",
                          "cpuCoreRequestAverage",
                          "cpuCoreUsageAverage",
                          "cpuCores",
                          "cpuCost",
                          "cpuCostAdjustment",
                          "cpuEfficiency",
                          "externalCost",
                          "gpuCost",
                          "gpuCostAdjustment",
                          "gpuCount",
                          "gpuHours",
                          "loadBalancerCost",
                          "loadBalancerCostAdjustment",
                          "networkCost",
                          "networkCostAdjustment",
                          "networkCrossRegionCost",
                          "networkCrossZoneCost",
                          "networkInternetCost",
                          "networkReceiveBytes",
                          "networkTransferBytes",
                          "pvByteHours",
                          "pvBytes",
                          "pvCost",
                          "pvCostAdjustment",
                          "ramByteHours",
                          "ramByteRequestAverage",
                          "ramByteUsageAverage",
                          "ramBytes",
                          "ramCost",
                          "ramCostAdjustment",
                          "ramEfficiency",
                          "minutes",
                          "sharedCost",
                          "totalCost",
                          "totalEfficiency"}) {
      EXPECT_TRUE(a[f].is_number()) << name << " " << f;
    }
    EXPECT_TRUE(a["properties"]["labels"].is_object());
    EXPECT_EQ(Split(name).size(), 3u);
  }
  EXPECT_TRUE(r.body["data"][0].empty());
}

// OpenCost's properties.labels come from kube_pod_labels: its clients see Prometheus label names
// ("app_kubernetes_io_name") and send them back in aggregates and filters. Its integration tests
// (allocation/pod_labels_test.go, namespace_labels_test.go) ask with includeAggregatedMetadata,
// which keeps on an allocation of several pods the labels they all share.
TEST_F(OpenCostClientsTest, LabelsAsThePrometheusNamesOpenCostClientsSee) {
  const std::string day = "window=2025-11-16T00:00:00Z,2025-11-17T00:00:00Z&accumulate=true";
  const json by_name =
      Get("/allocation?" + day + "&aggregate=label:app_kubernetes_io_name").body["data"][0];
  for (const char* app : {"web", "db", "etl", "proxy", "__unallocated__"}) {
    EXPECT_TRUE(by_name.contains(app)) << app << " not in " << by_name.dump();
  }
  EXPECT_EQ(by_name["web"]["properties"]["labels"], json({{"app_kubernetes_io_name", "web"}}));
  // The raw key works as before, shown under its Prometheus name on OpenCost's paths.
  const json raw =
      Get("/allocation?" + day + "&aggregate=label:app.kubernetes.io/name").body["data"][0];
  EXPECT_EQ(raw["db"]["totalCostNanos"], by_name["db"]["totalCostNanos"]);
  EXPECT_EQ(raw["db"]["properties"]["labels"], json({{"app_kubernetes_io_name", "db"}}));
  const json filtered = Get("/allocation?" + day +
                            "&aggregate=pod&filter=label%5Bapp_kubernetes_io_name%5D:%22web%22")
                            .body["data"][0];
  EXPECT_EQ(filtered.size(), 2u) << filtered.dump();
  EXPECT_TRUE(filtered.contains("web-7d9f-a") && filtered.contains("web-7d9f-b"));
  // costledger's own API keeps the Kubernetes keys.
  const json own =
      Get("/v1/allocation?" + day + "&aggregate=namespace,pod", kViewer).body["data"][0];
  EXPECT_EQ(own["shop/db-0"]["properties"]["labels"],
            json({{"app", "db"}, {"app.kubernetes.io/name", "db"}, {"team", "alpha"}}));

  // includeAggregatedMetadata: what every pod of the allocation shares.
  const json ns = Get("/allocation?" + day + "&aggregate=namespace&includeAggregatedMetadata=true")
                      .body["data"][0];
  EXPECT_EQ(ns["shop"]["properties"]["labels"], json({{"team", "alpha"}})) << ns.dump();
  EXPECT_EQ(ns["batch"]["properties"]["labels"], json({{"team", "beta"}}));
  EXPECT_EQ(ns["kube-system"]["properties"]["labels"],
            json({{"app", "proxy"}, {"app_kubernetes_io_name", "proxy"}}));
  const json kinds =
      Get("/allocation?" + day + "&aggregate=controllerKind&includeAggregatedMetadata=true")
          .body["data"][0];
  EXPECT_EQ(kinds["Deployment"]["properties"]["labels"], json({{"app", "web"},
                                                               {"app_kubernetes_io_name", "web"},
                                                               {"pod_template_hash", "7d9f"},
                                                               {"team", "alpha"}}));
  // Pods of several namespaces share no labels, as in OpenCost (team alpha and beta apart).
  const json teams = Get("/allocation?" + day + "&aggregate=cluster&includeAggregatedMetadata=true")
                         .body["data"][0];
  EXPECT_EQ(teams["demo"]["properties"]["labels"], json::object());
  // pod_labels_test.go's request: aggregate=pod, each pod's own labels.
  const json pod_day =
      Get("/allocation?" + day + "&aggregate=pod&includeAggregatedMetadata=true").body["data"][0];
  EXPECT_EQ(pod_day["bare"]["properties"]["labels"], json({{"team", "beta"}}));
  EXPECT_EQ(pod_day["db-0"]["properties"]["labels"],
            json({{"app", "db"}, {"app_kubernetes_io_name", "db"}, {"team", "alpha"}}));
  // Without it, an allocation of several pods carries only what it is grouped by.
  const json plain = Get("/allocation?" + day + "&aggregate=namespace").body["data"][0];
  EXPECT_EQ(plain["shop"]["properties"]["labels"], json::object());
}

TEST_F(OpenCostClientsTest, IntegrationTestChecks) {
  // test/integration/api/allocation: windows today/yesterday/7d match their UTC days.
  const Reply today =
      Get("/allocation?window=today&aggregate=namespace&accumulate=false&includeIdle=true");
  ASSERT_EQ(today.status, 200) << today.text;
  for (const auto& [name, a] : today.body["data"][0].items()) {
    EXPECT_EQ(a["window"]["start"], "2025-11-16T00:00:00Z");
    EXPECT_EQ(a["window"]["end"], "2025-11-17T00:00:00Z");
    // Component costs add up to the total; no negative idle or efficiency.
    double parts = 0;
    for (const char* f : {"cpuCost", "gpuCost", "ramCost", "pvCost", "networkCost",
                          "loadBalancerCost", "sharedCost", "externalCost"}) {
      parts += a[f].get<double>();
    }
    EXPECT_NEAR(parts, a["totalCost"].get<double>(), 1e-9) << name;
    EXPECT_GE(a["totalEfficiency"].get<double>(), 0.0) << name;
    EXPECT_GE(a["totalCost"].get<double>(), 0.0) << name;
  }
  const Reply yesterday =
      Get("/allocation?window=yesterday&aggregate=cluster&accumulate=false&includeIdle=true");
  ASSERT_EQ(yesterday.status, 200) << yesterday.text;
  ASSERT_EQ(yesterday.body["data"].size(), 1u);
  // shareIdle: the same total whether idle is separate or shared.
  const Reply shared =
      Get("/allocation?window=today&aggregate=namespace&accumulate=false"
          "&shareIdle=true");
  ASSERT_EQ(shared.status, 200) << shared.text;
  EXPECT_FALSE(shared.body["data"][0].contains("__idle__"));
  EXPECT_EQ(TotalNanos(shared.body["data"][0]), TotalNanos(today.body["data"][0]));
  // Controller consistency: the filter's quotes are sent unescaped.
  const Reply deployments =
      Get("/allocation?window=today&aggregate=pod&accumulate=true&filter=controllerKind:"
          "%22deployment%22");
  ASSERT_EQ(deployments.status, 200) << deployments.text;
  EXPECT_EQ(deployments.body["data"][0].size(), 2u) << deployments.text;
  for (const auto& [name, a] : deployments.body["data"][0].items()) {
    EXPECT_EQ(a["properties"]["controllerKind"], "Deployment") << name;
  }
  const Reply raw_quotes =
      Get("/allocation?window=today&aggregate=pod&accumulate=true&filter=controllerKind:\"job\"");
  ASSERT_EQ(raw_quotes.status, 200) << raw_quotes.text;
  EXPECT_EQ(raw_quotes.body["data"][0].size(), 1u) << raw_quotes.text;
  // Parameters it sends that costledger has no use for are accepted.
  const Reply all_params = Get(
      "/allocation?window=today&aggregate=namespace&accumulate=true&costUnit=cumulative&idle=true"
      "&idleByNode=false&includeIdle=true&includeSharedCostBreakdown=true"
      "&includeAggregatedMetadata=false&shareCost=0&shareIdle=false&shareLabels="
      "&shareNamespaces=kube-system&shareSplit=weighted&shareTenancyCosts=true");
  ASSERT_EQ(all_params.status, 200) << all_params.text;
  EXPECT_FALSE(all_params.body["data"][0].contains("kube-system"));
  EXPECT_EQ(TotalNanos(all_params.body["data"][0]), node_hour_nanos_);
  ASSERT_EQ(all_params.body["warnings"].size(), 1u);  // costUnit
  // /allocation/summary: data.sets[].allocations.
  const Reply summary = Get("/allocation/summary?window=today&aggregate=namespace&accumulate=true");
  ASSERT_EQ(summary.status, 200) << summary.text;
  EXPECT_TRUE(summary.body["data"]["sets"][0]["allocations"].contains("shop"));
  EXPECT_TRUE(summary.body["data"]["step"].is_number_integer());
  // test/integration/api/asset: /assets?window&filter=assetType:"node" (unescaped).
  const Reply nodes = Get("/assets?window=today&filter=assetType:\"node\"");
  ASSERT_EQ(nodes.status, 200) << nodes.text;
  ASSERT_TRUE(nodes.body["data"].is_object());
  ASSERT_EQ(nodes.body["data"].size(), 2u);
  EXPECT_EQ(nodes.body["data"]["demo/node-2"]["preemptible"], 1.0);
  EXPECT_EQ(nodes.body["data"]["demo/node-1"]["preemptible"], 0.0);
  EXPECT_TRUE(Get("/assets?window=today&filter=assetType:\"disk\"").body["data"].empty());
  // api/asset/node_labels_test.go: a node asset's labels are kube_node_labels' (Prometheus
  // names); asset filters find them by either spelling.
  EXPECT_EQ(nodes.body["data"]["demo/node-2"]["labels"],
            json({{"karpenter_sh_capacity_type", "spot"},
                  {"kubernetes_io_arch", "amd64"},
                  {"node_kubernetes_io_instance_type", "m5.large"}}));
  const json spot_nodes =
      Get("/assets?window=today&filter=label%5Bkarpenter_sh_capacity_type%5D:%22spot%22")
          .body["data"];
  ASSERT_EQ(spot_nodes.size(), 1u) << spot_nodes.dump();
  EXPECT_TRUE(spot_nodes.contains("demo/node-2"));
  EXPECT_EQ(Get("/assets?window=today&filter=label%5Bkarpenter.sh/capacity-type%5D:%22on-demand%22")
                .body["data"]
                .size(),
            1u);
  // costledger's own /v1/assets keeps the Kubernetes keys.
  EXPECT_EQ(Get("/v1/assets?window=today", kViewer).body["data"]["demo/node-1"]["labels"],
            json({{"karpenter.sh/capacity-type", "on-demand"},
                  {"kubernetes.io/arch", "amd64"},
                  {"node.kubernetes.io/instance-type", "m5.xlarge"}}));
  // api/asset/pvc_info_test.go: disks' volumeName and claimName against
  // kube_persistentvolumeclaim_info.
  const std::string volume_day = "window=2025-10-01T00:00:00Z,2025-10-02T00:00:00Z";
  const Reply disks = Get("/assets?" + volume_day + "&filter=assetType:\"disk\"");
  ASSERT_EQ(disks.status, 200) << disks.text;
  ASSERT_EQ(disks.body["data"].size(), 1u) << disks.text;
  const json& disk = disks.body["data"].begin().value();
  EXPECT_EQ(disk["type"], "Disk");
  EXPECT_EQ(disk["volumeName"], "pvc-4f1c");
  EXPECT_EQ(disk["claimName"], "data-db-0");
  EXPECT_EQ(disk["claimNamespace"], "shop");
  EXPECT_EQ(disk["storageClass"], "gp3");
  EXPECT_EQ(disk["properties"]["name"], "pvc-4f1c");
  EXPECT_EQ(disk["properties"]["category"], "Storage");
  EXPECT_EQ(disk["totalCostNanos"], kVolumeNanos);
  EXPECT_DOUBLE_EQ(disk["bytes"].get<double>(), 20.0 * kGiB);
  EXPECT_DOUBLE_EQ(disk["breakdown"]["user"].get<double>(), 1.0);
  // Nodes are not disks, and the other way round; kubectl-cost's filterTypes as well.
  const json nodes_only = Get("/assets?" + volume_day + "&filter=assetType:\"node\"").body["data"];
  EXPECT_EQ(nodes_only.size(), 2u);
  EXPECT_FALSE(nodes_only.contains("demo/pvc-4f1c"));
  EXPECT_EQ(Get("/assets?" + volume_day).body["data"].size(), 3u);
  const json listed = Get("/model/assets?" + volume_day + "&filterTypes=Disk").body["data"];
  ASSERT_TRUE(listed.is_array());
  EXPECT_EQ(listed[0].size(), 1u);
  EXPECT_EQ(listed[0].begin().value()["type"], "Disk");
  const json nodes_listed = Get("/model/assets?" + volume_day + "&filterTypes=Node").body["data"];
  EXPECT_EQ(nodes_listed[0].size(), 2u);
  EXPECT_FALSE(nodes_listed[0].contains("demo/pvc-4f1c"));
}

TEST_F(OpenCostClientsTest, AnonymousAccessIsForOpenCostPathsOnly) {
  EXPECT_EQ(Get("/allocation?window=today").status, 200);
  EXPECT_EQ(Get("/model/assets?window=today").status, 200);
  EXPECT_EQ(Get("/v1/allocation?window=today").status, 401);
  EXPECT_EQ(Get("/v1/assets?window=today").status, 401);
  EXPECT_EQ(Get("/v1/quotas").status, 401);
  EXPECT_EQ(Get("/allocation?window=today", "not-a-token").status, 401);
  EXPECT_EQ(Get("/allocation?window=today", kViewer).status, 200);
  EXPECT_EQ(Get("/allocation?window=today", nullptr, "PUT").status, 405);
  // Off by default: without auth.anonymous_role, OpenCost's paths need a token too.
  CostApi closed(CostReaders{*reader_, *reader_, *reader_, *reader_}, nullptr, Settings(false),
                 [] { return kNow; });
  http::HttpRequest request;
  request.method = "GET";
  request.path = "/allocation";
  request.target = "/allocation?window=today";
  request.query = {{"window", "today"}};
  EXPECT_EQ(closed.Handle(request).status, 401);
  // Malformed values of known parameters still get a 400 naming the parameter.
  const Reply bad = Get("/allocation?window=today&shareSplit=fair");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body["message"].get<std::string>().find("shareSplit"), std::string::npos);
  EXPECT_EQ(Get("/allocation?aggregate=namespace").status, 400);  // window is required
}

}  // namespace
}  // namespace costledger::api
