#include "report_fixtures.hpp"

#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "costledger/model/query_cost.hpp"
#include "costledger/model/quota_status.hpp"
#include "costledger/model/zone_rules.hpp"

namespace costledger::testing {
namespace {

using model::Money;
using model::ReportCostRow;

struct WorkloadSpec {
  const char* namespace_name;
  const char* platform;
  const char* workload;
  const char* capacity_type;
  const char* instance_type;
  double cpu_request_cores;
  double cpu_usage_cores;
  double memory_request_gib;
  double memory_usage_gib;
  double gpus;
  double gpu_utilisation;
  double hours_per_day;  ///< container-hours (replicas x hours) on an average weekday
};

// Unit prices (on-demand m5/g5-like; spot about 70% off).
constexpr double kCoreHourOnDemand = 0.024;
constexpr double kGibHourOnDemand = 0.003;
constexpr double kGpuHourOnDemand = 0.80;
constexpr double kSpotFactor = 0.3;

const std::vector<WorkloadSpec>& Specs() {
  static const std::vector<WorkloadSpec> kSpecs = {
      {"notebooks", "jupyterhub", "notebook:alice", "on-demand", "m5.2xlarge", 4, 0.6, 16, 3.2, 0,
       0, 10},
      {"notebooks", "jupyterhub", "notebook:bob", "on-demand", "m5.2xlarge", 2, 0.9, 8, 5.5, 0, 0,
       9},
      {"notebooks", "jupyterhub", "notebook:carol/gpu", "on-demand", "g5.xlarge", 4, 1.1, 16, 9, 1,
       0.35, 8},
      {"analytics", "airflow", "dag:etl_daily/load_events", "spot", "m5.2xlarge", 2, 1.4, 4, 2.5, 0,
       0, 9},
      {"analytics", "airflow", "dag:etl_daily/transform", "spot", "m5.2xlarge", 4, 3.1, 8, 6.2, 0,
       0, 16},
      {"analytics", "airflow", "dag:reports/weekly_rollup", "on-demand", "m5.xlarge", 1, 0.2, 2,
       0.7, 0, 0, 1},
      {"analytics", "spark", "spark:sessionize", "spot", "r5.4xlarge", 16, 12.5, 96, 70, 0, 0, 40},
      {"analytics", "spark", "spark:daily-agg", "spot", "r5.4xlarge", 24, 20, 128, 101, 0, 0, 72},
      {"ml-training", "ray", "raycluster:tune-resnet", "on-demand", "g5.12xlarge", 40, 22, 160, 96,
       4, 0.62, 12},
      {"ml-training", "ray", "rayjob:train-llm", "spot", "g5.12xlarge", 44, 38, 180, 150, 4, 0.91,
       20},
      {"ml-training", "ray", "rayservice:model-server", "on-demand", "g5.xlarge", 2, 2.3, 8, 7.1, 1,
       0.18, 24},
      {"ml-training", "spark", "spark:feature-build", "spot", "r5.4xlarge", 8, 5.2, 32, 21, 0, 0,
       12},
  };
  return kSpecs;
}

Money Nanos(double dollars) { return Money::FromNanos(std::llround(dollars * 1e9)); }

ReportCostRow SpecRow(const WorkloadSpec& s, std::size_t day, double scale) {
  // Busier mid-week, quiet at the weekend.
  constexpr std::array<double, model::kDaysPerWeek> kDayFactor = {0.9,  1.1,  1.0, 1.2,
                                                                  0.85, 0.33, 0.3};
  const double hours = s.hours_per_day * kDayFactor[day] * scale;
  const double seconds = std::round(hours * 3600);
  const double factor = std::string_view(s.capacity_type) == "spot" ? kSpotFactor : 1.0;
  ReportCostRow row;
  row.day = day;
  row.cluster = "prod-eu";
  row.namespace_name = s.namespace_name;
  row.platform = s.platform;
  row.workload = s.workload;
  row.capacity_type = s.capacity_type;
  row.instance_type = s.instance_type;
  const double cpu_alloc = std::max(s.cpu_request_cores, s.cpu_usage_cores);
  const double mem_alloc = std::max(s.memory_request_gib, s.memory_usage_gib);
  row.cpu_cost = Nanos(cpu_alloc * hours * kCoreHourOnDemand * factor);
  row.ram_cost = Nanos(mem_alloc * hours * kGibHourOnDemand * factor);
  row.gpu_cost = Nanos(s.gpus * hours * kGpuHourOnDemand * factor);
  row.container_seconds = seconds;
  row.cpu_request_millicore_seconds = std::round(s.cpu_request_cores * 1000) * seconds;
  row.cpu_usage_millicore_seconds = std::round(s.cpu_usage_cores * 1000) * seconds;
  row.cpu_allocated_millicore_seconds = std::round(cpu_alloc * 1000) * seconds;
  row.memory_request_byte_seconds = std::round(s.memory_request_gib * 1024) * 1048576.0 * seconds;
  row.memory_usage_byte_seconds = std::round(s.memory_usage_gib * 1024) * 1048576.0 * seconds;
  row.memory_allocated_byte_seconds = std::round(mem_alloc * 1024) * 1048576.0 * seconds;
  row.gpu_device_seconds = s.gpus * seconds;
  row.gpu_busy_device_seconds = std::round(s.gpus * s.gpu_utilisation * 1000) / 1000 * seconds;
  return row;
}

model::QueryCostRow Query(std::string id, std::string work_group, std::int64_t scanned_bytes,
                          std::chrono::sys_seconds submitted, std::string sql,
                          const std::string& state = "SUCCEEDED") {
  model::QueryCostRow q;
  q.cluster = "prod-eu";
  q.query_execution_id = std::move(id);
  q.work_group = std::move(work_group);
  q.team = "data-science";
  q.state = state;
  q.statement_type = "DML";
  q.submitted = submitted;
  q.data_scanned_bytes = scanned_bytes;
  q.engine_execution_millis = scanned_bytes / 2'000'000 + 350;
  q.cost = model::QueryCost(
      state == "SUCCEEDED" ? model::QueryState::kSucceeded : model::QueryState::kFailed, false,
      scanned_bytes, model::kDefaultPricePerTb);
  q.query = std::move(sql);
  return q;
}

std::vector<model::UsageSample> Hourly(const model::TimeWindow& window, double base, double swing,
                                       int phase) {
  std::vector<model::UsageSample> out;
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(window.length()).count();
  for (std::int64_t h = 0; h < hours; ++h) {
    const double wave = std::sin(static_cast<double>(h + phase) * 0.2618);  // a 24 h cycle
    out.push_back({window.start + std::chrono::hours{h}, std::llround(base + swing * wave)});
  }
  return out;
}

}  // namespace

model::ReportCostRow CostRow(std::size_t day, std::string namespace_name, std::string platform,
                             std::string workload, const char* cpu_dollars, const char* ram_dollars,
                             const char* gpu_dollars, std::string capacity_type,
                             std::string instance_type, std::string cluster) {
  ReportCostRow row;
  row.day = day;
  row.cluster = std::move(cluster);
  row.namespace_name = std::move(namespace_name);
  row.platform = std::move(platform);
  row.workload = std::move(workload);
  row.capacity_type = std::move(capacity_type);
  row.instance_type = std::move(instance_type);
  row.cpu_cost = Money::ParseDollars(cpu_dollars);
  row.ram_cost = Money::ParseDollars(ram_dollars);
  row.gpu_cost = Money::ParseDollars(gpu_dollars);
  return row;
}

model::WeeklyReportInput RealisticReportInput() {
  const model::FixedOffsetZone cet(std::chrono::hours{1}, "CET");
  model::WeeklyReportInput in;
  in.team = "data-science";
  in.week = model::WeekWindows({2026, 48}, cet);
  in.zone_name = "Europe/Berlin";

  const std::vector<WorkloadSpec>& specs = Specs();
  std::vector<ReportCostRow> previous;
  for (const WorkloadSpec& s : specs) {
    const std::string_view name = s.workload;
    for (std::size_t day = 0; day < model::kDaysPerWeek; ++day) {
      // This week: spark:daily-agg ran 2.5x as much, the LLM job is new, bob worked less.
      double scale = 1.0;
      if (name == "spark:daily-agg") scale = 2.5;
      if (name == "notebook:bob") scale = 0.6;
      in.rows.push_back(SpecRow(s, day, scale));
      if (name != "rayjob:train-llm") previous.push_back(SpecRow(s, day, 1.0));
    }
  }
  // Gone this week: a DAG that was retired.
  const WorkloadSpec retired{
      "analytics", "airflow", "dag:legacy_export/dump", "on-demand", "m5.xlarge", 8, 6, 32, 20, 0,
      0,           6};
  for (std::size_t day = 0; day < model::kDaysPerWeek; ++day) {
    previous.push_back(SpecRow(retired, day, 1.0));
  }
  in.previous_rows = std::move(previous);

  in.idle_sharing = model::IdleSharing::kSeparate;
  in.cluster_idle = {{"prod-eu", Money::ParseDollars("1840.25"), Money::ParseDollars("9652.80")}};

  // Spot nodes of the cluster in the week and their on-demand list prices.
  in.spot_nodes = {
      {"m5.2xlarge", Money::ParseDollars("0.384"), Money::ParseDollars("96.77"),
       std::int64_t{6} * 168 * 3600},
      {"r5.4xlarge", Money::ParseDollars("1.008"), Money::ParseDollars("541.86"),
       std::int64_t{14} * 140 * 3600},
      {"g5.12xlarge", Money::ParseDollars("5.672"), Money::ParseDollars("1612.40"),
       std::int64_t{4} * 150 * 3600},
  };

  const auto monday = in.week.window.start;
  auto at = [&](int day, int hour) {
    return monday + std::chrono::days{day} + std::chrono::hours{hour};
  };
  constexpr std::int64_t kGiB = std::int64_t{1} << 30;
  in.queries = {
      Query("5c1f0a3e-0001", "analytics", 812 * kGiB, at(0, 9),
            "SELECT user_id, count(*) FROM events.clicks WHERE dt BETWEEN '2026-01-01' AND "
            "'2026-11-22' GROUP BY user_id"),
      Query("5c1f0a3e-0002", "analytics", 1480 * kGiB, at(1, 10),
            "SELECT * FROM events.raw_impressions WHERE country = 'DE'"),
      Query("5c1f0a3e-0003", "analytics", 95 * kGiB, at(1, 14),
            "SELECT session_id, min(ts), max(ts) FROM events.sessions GROUP BY session_id"),
      Query("5c1f0a3e-0004", "analytics", 12 * kGiB, at(2, 8),
            "SELECT count(*) FROM events.clicks WHERE dt = '2026-11-24'"),
      Query("5c1f0a3e-0005", "analytics", 3 * kGiB, at(2, 16),
            "SELECT campaign, sum(spend) FROM ads.daily GROUP BY campaign"),
      Query("5c1f0a3e-0006", "analytics", 640 * kGiB, at(3, 11),
            "WITH s AS (SELECT * FROM events.sessions) SELECT * FROM s JOIN events.clicks USING "
            "(session_id)"),
      Query("5c1f0a3e-0007", "analytics", 220 * kGiB, at(4, 9), "SELECT * FROM events.clicks",
            "FAILED"),
      Query("5c1f0a3e-0008", "analytics", std::int64_t{5} * 1048576, at(4, 17), "SELECT 1"),
      Query("9d22b7c1-0001", "data-science", 2300 * kGiB, at(0, 13),
            "SELECT features.* FROM ml.features_v3 features JOIN ml.labels USING (entity_id)"),
      Query("9d22b7c1-0002", "data-science", 310 * kGiB, at(2, 15),
            "SELECT entity_id, embedding FROM ml.embeddings WHERE model = 'resnet50'"),
      Query("9d22b7c1-0003", "data-science", 44 * kGiB, at(5, 10),
            "SELECT label, count(*) FROM ml.labels GROUP BY label"),
  };
  in.previous_query_cost = Money::ParseDollars("21.40");

  // Two quotas: dollars for the team (deny) and GPU hours for ml-training (alert).
  model::Quota dollars;
  dollars.name = "data-science-weekly";
  dollars.scope.team = "data-science";
  dollars.period = model::QuotaPeriod::kWeek;
  dollars.limit = {model::QuotaUnit::kDollars, 6000 * Money::kNanosPerDollar};
  dollars.action = model::QuotaAction::kDeny;
  dollars.thresholds_ppm = {500'000, 800'000, 1'000'000};
  model::Quota gpu;
  gpu.name = "ml-gpu-hours";
  gpu.scope.namespace_name = "ml-training";
  gpu.period = model::QuotaPeriod::kWeek;
  gpu.limit = {model::QuotaUnit::kGpuHours, std::int64_t{600} * 3600};
  gpu.action = model::QuotaAction::kAlert;
  gpu.thresholds_ppm = {800'000, 1'000'000};
  const auto end = in.week.window.end;
  in.quotas = {
      {dollars, model::StatusAt(dollars, in.week.window, 4210 * Money::kNanosPerDollar, end)},
      {gpu, model::StatusAt(gpu, in.week.window, std::int64_t{655} * 3600, end)},
  };

  // Four containers to right-size, with hourly samples over the week.
  const model::TimeWindow w = in.week.window;
  constexpr std::int64_t kMiB = std::int64_t{1} << 20;
  in.rightsizing = {
      {"notebooks", "notebook:alice", "notebook", Hourly(w, 550, 250, 0),
       Hourly(w, 3000.0 * kMiB, 600.0 * kMiB, 3), 4000, 16 * kGiB, std::nullopt, std::nullopt,
       44 * 3600},
      {"analytics", "spark:daily-agg", "spark-kubernetes-executor", Hourly(w, 17000, 4000, 5),
       Hourly(w, 96.0 * kGiB, 12.0 * kGiB, 2), 24000, 128 * kGiB, std::nullopt, std::nullopt,
       8 * 108 * 3600},
      {"ml-training", "rayservice:model-server", "serve", Hourly(w, 2300, 500, 7),
       Hourly(w, 7.0 * kGiB, 1.0 * kGiB, 1), 2000, 8 * kGiB, std::nullopt, std::nullopt,
       168 * 3600},
      {"analytics", "dag:reports/weekly_rollup", "base", Hourly(w, 180, 60, 0),
       Hourly(w, 700.0 * kMiB, 100.0 * kMiB, 0), 1000, 2 * kGiB, std::nullopt, std::nullopt,
       5 * 3600},
  };

  in.storage = std::vector<model::StorageCostInput>{
      {"prod-eu", "notebooks", "pvc-3f2a", "claim-alice", "gp3", 100 * kGiB,
       Money::ParseDollars("1.87")},
      {"prod-eu", "ml-training", "pvc-9b1c", "checkpoints", "io2", 2000 * kGiB,
       Money::ParseDollars("58.33")},
      {"prod-eu", "analytics", "pvc-77d0", "", "gp3", 500 * kGiB, Money::ParseDollars("9.33")},
  };
  return in;
}

}  // namespace costledger::testing
