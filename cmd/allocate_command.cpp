#include "allocate_command.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "command_line.hpp"
#include "costledger/fetch/price_loader.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/interval_attribution.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/sources/dcgm_metrics.hpp"
#include "costledger/sources/kubelet_metrics.hpp"
#include "costledger/sources/kubernetes_parser.hpp"

namespace costledger::cli {

const char* const kAllocateHelp = R"(usage: costledger allocate --sample-dir DIR [options]

Prices one interval of a recorded cluster snapshot with the cost model and prints who pays
for what. DIR holds the real wire formats the collector reads:
  nodes.json                 GET /api/v1/nodes (NodeList)
  pods.json                  GET /api/v1/pods (PodList)
  kubelet_start.txt          kubelet /metrics/resource at the interval start, all nodes
  kubelet_end.txt            the same, one interval later (CPU rate = counter delta / interval)
  dcgm.txt                   DCGM exporter metrics (optional)
  ec2_offer.json             AWS EC2 offer file (on-demand prices)
  spot_price_history.json    DescribeSpotPriceHistory output (optional)

options:
  --at TIME                  interval start, RFC 3339 (default: from sample-dir/at.txt)
  --interval-seconds N       interval length (default 60)
  --region CODE              price list region (default us-east-1)
  --aggregate KEY            namespace (default), team, node, controller, pod, container,
                             platform, workload
  --offer FILE               EC2 offer file instead of DIR/ec2_offer.json
  --spot FILE                spot price history instead of DIR/spot_price_history.json
  --cluster NAME             cluster name on every row (default "demo")
  --team-label NAME          pod label naming the team (default "team")
)";

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidInput(fmt::format("cannot read {}", path.string()));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string AggregateKey(const model::CostLabels& l, const std::string& aggregate) {
  if (aggregate == "namespace") return l.namespace_name.str();
  if (aggregate == "team") return l.team.empty() ? "__unallocated__" : l.team.str();
  if (aggregate == "node") return l.node.str();
  if (aggregate == "controller") {
    return l.controller.empty() ? "__unallocated__"
                                : l.controller_kind.str() + ":" + l.controller.str();
  }
  if (aggregate == "pod") return l.namespace_name.str() + "/" + l.pod.str();
  if (aggregate == "container") {
    return l.namespace_name.str() + "/" + l.pod.str() + "/" + l.container.str();
  }
  if (aggregate == "platform") return l.platform.str();
  if (aggregate == "workload") return l.namespace_name.str() + "/" + l.workload.str();
  throw InvalidInput(
      fmt::format("unknown --aggregate '{}' (allowed: namespace, team, node, controller, pod, "
                  "container, platform, workload)",
                  aggregate));
}

std::string Dollars(std::int64_t nanos) { return model::Money::FromNanos(nanos).ToDecimalString(); }

}  // namespace

int RunAllocate(const std::vector<std::string>& args) {
  const CommandLine cl(args,
                       {"sample-dir", "at", "interval-seconds", "region", "aggregate", "cluster",
                        "team-label", "offer", "spot"},
                       {});
  const auto dir_option = cl.Option("sample-dir");
  if (!dir_option) throw InvalidInput("--sample-dir is required (see costledger allocate --help)");
  const std::filesystem::path dir = *dir_option;
  const std::string aggregate = cl.OptionOr("aggregate", "namespace");
  const std::chrono::seconds length{std::stoll(cl.OptionOr("interval-seconds", "60"))};
  if (length.count() <= 0) throw InvalidInput("--interval-seconds must be positive");
  const std::chrono::sys_seconds at =
      model::ParseTimestamp(cl.Option("at") ? *cl.Option("at") : Trim(ReadFile(dir / "at.txt")));

  const auto nodes = sources::ParseNodeList(ReadFile(dir / "nodes.json"));
  const auto pods = sources::ParsePodList(ReadFile(dir / "pods.json"));
  model::UsageIndex usage;
  model::AddKubeletUsage(sources::ParseKubeletResourceMetrics(ReadFile(dir / "kubelet_start.txt")),
                         sources::ParseKubeletResourceMetrics(ReadFile(dir / "kubelet_end.txt")),
                         length, usage);
  if (std::filesystem::exists(dir / "dcgm.txt")) {
    model::AddGpuUsage(sources::ParseDcgmMetrics(ReadFile(dir / "dcgm.txt")), usage);
  }

  // The collector's own price loading, over files: what allocate prints is what serve stores.
  fetch::PriceSettings price_settings;
  price_settings.region = cl.OptionOr("region", "us-east-1");
  price_settings.on_demand = cl.OptionOr("offer", (dir / "ec2_offer.json").string());
  const std::string spot_path = cl.OptionOr("spot", (dir / "spot_price_history.json").string());
  if (std::filesystem::exists(spot_path)) price_settings.spot_history = spot_path;
  ports::LoadedPrices loaded = fetch::LoadPrices(price_settings);
  if (!loaded.errors.empty()) {
    std::string errors;
    for (const std::string& e : loaded.errors) errors += (errors.empty() ? "" : "; ") + e;
    throw InvalidInput(errors);
  }
  const model::PriceBook prices = std::move(loaded.book);

  model::IntervalSettings settings;
  settings.cluster = cl.OptionOr("cluster", "demo");
  settings.team_label = cl.OptionOr("team-label", "team");
  const model::IntervalCosts costs =
      model::AttributeInterval(at, length, nodes, pods, usage, prices, settings);

  struct Row {
    model::ResourceCosts cost;
    std::size_t containers = 0;
  };
  std::map<std::string, Row> table;
  for (const auto& c : costs.containers) {
    Row& r = table[AggregateKey(c.labels, aggregate)];
    r.cost.cpu_nanos += c.cost.cpu_nanos;
    r.cost.ram_nanos += c.cost.ram_nanos;
    r.cost.gpu_nanos += c.cost.gpu_nanos;
    ++r.containers;
  }
  model::ResourceCosts idle;
  for (const auto& n : costs.nodes) {
    idle.cpu_nanos += n.attribution.idle.cpu_nanos;
    idle.ram_nanos += n.attribution.idle.ram_nanos;
    idle.gpu_nanos += n.attribution.idle.gpu_nanos;
  }

  fmt::print("costledger allocate: cluster {}, interval {} + {}s, {} nodes, {} pods\n\n",
             settings.cluster, model::FormatTimestamp(at), length.count(), nodes.size(),
             pods.size());
  fmt::print("{:<28} {:<12} {:>5} {:>12} {:<26} {:>12}\n", "NODE", "INSTANCE", "CAP", "PRICE $/h",
             "SOURCE", "IDLE $");
  for (const auto& n : costs.nodes) {
    fmt::print("{:<28} {:<12} {:>5} {:>12} {:<26} {:>12}\n", n.node, n.instance_type,
               model::ToString(n.capacity_type) == "spot" ? "spot" : "od",
               n.price.price.per_hour.ToDecimalString(), model::ToString(n.price.source),
               Dollars(n.attribution.idle.Total().nanos()));
  }
  const double per_hour = 3600.0 / static_cast<double>(length.count());
  fmt::print("\n{:<44} {:>5} {:>12} {:>12} {:>12} {:>12} {:>10}\n", aggregate.c_str(), "CTRS",
             "CPU $", "RAM $", "GPU $", "TOTAL $", "TOTAL $/h");
  const auto print_row = [&](const std::string& name, const model::ResourceCosts& c,
                             std::size_t n) {
    fmt::print("{:<44} {:>5} {:>12} {:>12} {:>12} {:>12} {:>10.4f}\n", name, n,
               Dollars(c.cpu_nanos), Dollars(c.ram_nanos), Dollars(c.gpu_nanos),
               Dollars(c.Total().nanos()), c.Total().Dollars() * per_hour);
  };
  for (const auto& [name, row] : table) print_row(name, row.cost, row.containers);
  print_row("__idle__", idle, 0);

  model::Money attributed = idle.Total();
  for (const auto& [name, row] : table) attributed += row.cost.Total();
  fmt::print("\nnode cost {} $ = attributed {} $ + idle {} $ ({})\n",
             costs.TotalCost().ToDecimalString(), (attributed - idle.Total()).ToDecimalString(),
             idle.Total().ToDecimalString(),
             attributed == costs.TotalCost() ? "exact to the nano-dollar" : "MISMATCH");
  for (const std::string& w : costs.warnings) fmt::print(stderr, "warning: {}\n", w);
  return attributed == costs.TotalCost() ? 0 : 1;
}

}  // namespace costledger::cli
