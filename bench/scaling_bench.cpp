// bench/run scaling: does feeding an autoscaler costledger's figures pay?
//
// A simulated week of a queue-driven worker pool, minute by minute: items arrive with daily
// peaks (Poisson), each needs CPU-seconds of work; workers (one pod each, fixed CPU and memory
// requests) take items from one FIFO queue; nodes of 4 instance types x 3 zones x spot/on-demand
// (the simulator's catalogue, on-demand prices and spot price series) are launched and removed
// by a simple autoscaler that keeps the backlog bounded. Spot nodes are reclaimed at the rates
// the simulator uses (a mean of 4-20 h per spot pool); a reclaimed node's in-flight items lose
// their progress and go back to the head of the queue.
//
// Days 1-2 run one diversified fleet (new nodes round-robin over every offering, as a cluster
// with many node groups and no preference does), and costledger computes its figures on them
// with the model the API serves: per offering the node cost, usage and interruptions
// (OfferingEfficiencyAccumulator, CountInterruptions, AdjustForInterruptions) and the cost per
// item from the workers' work counter (CostPerUnitOfWork). Days 3-7 run twice from the same
// state and the same arrivals: once choosing the offering of each new node by list price per
// vCPU (the current spot or on-demand price / vCPUs), once by costledger's cost per item.
// Printed: dollars per thousand items over days 3-7 for both, the ratio, and the backlog.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bench_figures.hpp"
#include "costledger/model/interruptions.hpp"
#include "costledger/model/offering_efficiency.hpp"
#include "costledger/model/split_weights.hpp"
#include "costledger/model/work_counter.hpp"
#include "costledger/simulator/instance_types.hpp"
#include "costledger/simulator/spot_market.hpp"

namespace costledger::bench {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 3600;
constexpr int kMinutesPerDay = 1440;
constexpr int kDays = 7;
constexpr int kLearnDays = 2;
constexpr std::int64_t kEpoch = 1'714'521'600;  // 2024-05-01T00:00:00Z
constexpr std::uint64_t kDefaultSeed = 14;
constexpr int kBootMinutes = 2;        // launch to a worker taking items (billed meanwhile)
constexpr int kScaleDownMinutes = 10;  // a node idle this long while over capacity goes
constexpr const char* kZones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
constexpr const char* kTypes[] = {"m5.xlarge", "m5.2xlarge", "c5.2xlarge", "r5.2xlarge"};

// The worker pod and the work.
struct Scenario {
  std::string name;
  std::int64_t worker_millicores = 3000;  // request; a busy worker uses this much CPU
  std::int64_t worker_memory_mib = std::int64_t{10} * 1024;
  double item_vcpu_seconds = 1800;    // mean work per item (exponential)
  double base_items_per_minute = 6;   // trough; the daily peak is 3x
  std::uint64_t seed = kDefaultSeed;  // arrivals, item sizes, spot prices and reclaims
};

struct Offering {
  const simulator::InstanceType* type = nullptr;
  int zone = 0;
  bool spot = false;
  int pods = 0;        // workers per node
  double speed = 1.0;  // work done per busy vCPU-second (c5 clocks higher)
  double mean_hours_between_interruptions = 0;
  std::uint64_t seed = kDefaultSeed;  // of its spot price series
  model::OfferingKey Key() const {
    return {std::string(type->name),
            spot ? model::CapacityType::kSpot : model::CapacityType::kOnDemand, kZones[zone], ""};
  }
  std::string Name() const {
    return fmt::format("{} {} {}", type->name, spot ? "spot" : "on-demand", kZones[zone]);
  }
};

double PriceDollarsPerHour(const Offering& o, std::int64_t t) {
  const std::int64_t micros =
      o.spot ? simulator::SpotPriceMicrosAt(o.seed, o.type->name, kZones[o.zone], "Linux/UNIX", t)
             : simulator::OnDemandMicrosPerHour(*o.type);
  return static_cast<double>(micros) / 1e6;
}

std::vector<Offering> Offerings(const Scenario& s) {
  std::vector<Offering> out;
  std::mt19937_64 rng(s.seed);
  for (const char* name : kTypes) {
    const simulator::InstanceType* type = simulator::FindInstanceType(name);
    const std::int64_t cpu = simulator::AllocatableMillicores(*type);
    const std::int64_t mem_mib = simulator::AllocatableMemoryKib(*type) / 1024;
    const int pods =
        static_cast<int>(std::min(cpu / s.worker_millicores, mem_mib / s.worker_memory_mib));
    for (int zone = 0; zone < 3; ++zone) {
      for (const bool spot : {false, true}) {
        Offering o{type, zone, spot, pods, type->family == "c5" ? 1.1 : 1.0, 0, s.seed};
        // The simulator reclaims a spot node after 4-20 h (uniform per node slot).
        if (spot)
          o.mean_hours_between_interruptions = std::uniform_real_distribution(4.0, 20.0)(rng);
        if (pods > 0) out.push_back(o);
      }
    }
  }
  return out;
}

struct Item {
  std::int64_t arrived_minute = 0;
  double work = 0;  // vCPU-seconds left
  double done = 0;  // vCPU-seconds done since it was taken (lost on interruption)
};

struct Node {
  int offering = 0;
  std::int64_t launched = 0;  // minute
  std::uint64_t serial = 0;
  int idle_minutes = 0;
  std::vector<std::optional<Item>> workers;
  // costledger's view of it during the learning days.
  std::int64_t used_millicore_seconds = 0;
};

// What costledger measured per offering on the learning days.
struct Measured {
  std::vector<std::optional<double>> cost_per_item;  // by offering
  std::vector<double> average_price;                 // $/h over the learning days, by offering
  std::vector<model::InterruptionAdjustedCost> adjusted;
};

enum class Policy { kDiversified, kListPricePerVcpu, kCostledger };

struct Outcome {
  double dollars = 0;
  std::int64_t items = 0;
  std::int64_t interruptions = 0;
  std::int64_t lost_items = 0;
  double max_wait_minutes = 0;
  std::size_t max_backlog = 0;
  std::vector<double> waits;
  std::map<std::string, double> node_hours_by_offering;
  double P99Wait() {
    if (waits.empty()) return 0;
    std::sort(waits.begin(), waits.end());
    return waits[static_cast<std::size_t>(0.99 * static_cast<double>(waits.size() - 1))];
  }
};

// The whole simulated system; copied at the end of the learning days so that both policies
// continue from the same state.
struct World {
  const Scenario* scenario = nullptr;
  const std::vector<Offering>* offerings = nullptr;
  std::deque<Item> queue;
  std::vector<Node> nodes;
  std::deque<std::int64_t> recent_arrivals;  // last 15 minutes
  std::uint64_t node_serial = 0;
  int round_robin = 0;
  std::mt19937_64 interrupt_rng;

  // Learning-day records for costledger.
  std::vector<model::NodeIntervalRecord> records;
  std::vector<model::NodeLifetime> lifetimes;
  std::vector<std::vector<model::WorkIntervalCost>> hour_costs;    // by offering
  std::vector<std::vector<model::CounterSample>> counter_samples;  // by offering
  std::vector<double> counters;                                    // items done, by offering
  std::vector<double> hour_cost_acc;                               // this hour, by offering
};

// How much `policy` dislikes offering `i` at `minute` (lower is preferred).
double Dislike(const World& w, Policy policy, const Measured* measured, std::size_t i,
               std::int64_t minute) {
  const auto& offerings = *w.offerings;
  if (policy == Policy::kListPricePerVcpu) {
    return PriceDollarsPerHour(offerings[i], kEpoch + minute * kMinute) / offerings[i].type->vcpus;
  }
  if (policy == Policy::kCostledger) {
    // costledger's cost per item, at today's price: what it measured (packing, speed, work lost
    // to interruptions) carries over; the price is the one price list anyone can read now.
    const auto per_item = measured->cost_per_item[i];
    if (!per_item || measured->average_price[i] <= 0)
      return std::numeric_limits<double>::infinity();
    return *per_item * PriceDollarsPerHour(offerings[i], kEpoch + minute * kMinute) /
           measured->average_price[i];
  }
  return 0;
}

int ChooseOffering(World& w, Policy policy, const Measured* measured, std::int64_t minute) {
  const auto& offerings = *w.offerings;
  if (policy == Policy::kDiversified) {
    return w.round_robin++ % static_cast<int>(offerings.size());
  }
  int best = 0;
  double best_value = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < offerings.size(); ++i) {
    const double value = Dislike(w, policy, measured, i, minute);
    if (value < best_value) {
      best_value = value;
      best = static_cast<int>(i);
    }
  }
  return best;
}

// One minute of the world. `learning`: costledger records what it sees.
void Step(World& w, std::int64_t minute, std::int64_t arrivals, std::mt19937_64& work_rng,
          Policy policy, const Measured* measured, bool learning, Outcome& out) {
  const Scenario& s = *w.scenario;
  const auto& offerings = *w.offerings;
  for (std::int64_t i = 0; i < arrivals; ++i) {
    w.queue.push_back(
        {minute, std::exponential_distribution(1.0 / s.item_vcpu_seconds)(work_rng), 0});
  }
  out.max_backlog = std::max(out.max_backlog, w.queue.size());
  w.recent_arrivals.push_back(arrivals);
  if (w.recent_arrivals.size() > 15) w.recent_arrivals.pop_front();
  const std::int64_t t = kEpoch + minute * kMinute;

  // Spot reclaims: the node goes with its workers' progress.
  for (std::size_t n = 0; n < w.nodes.size();) {
    Node& node = w.nodes[n];
    const Offering& o = offerings[static_cast<std::size_t>(node.offering)];
    const double p = o.spot ? 1.0 / (o.mean_hours_between_interruptions * 60.0) : 0.0;
    if (p > 0 && std::uniform_real_distribution(0.0, 1.0)(w.interrupt_rng) < p) {
      bool unfinished = false;
      for (auto& worker : node.workers) {
        if (!worker) continue;
        unfinished = true;
        ++out.lost_items;
        worker->work += worker->done;
        worker->done = 0;
        w.queue.push_front(*worker);
      }
      ++out.interruptions;
      if (learning) {
        model::NodeLifetime life;
        life.node = fmt::format("n{}", node.serial);
        life.offering = o.Key();
        life.present = {
            {sys_seconds(seconds(kEpoch + node.launched * kMinute)), sys_seconds(seconds(t))}};
        life.disappeared = true;
        life.unfinished_pods_at_disappearance = unfinished;
        life.used.cpu_millicore_seconds = node.used_millicore_seconds;
        if (life.present[0].end > life.present[0].start) w.lifetimes.push_back(life);
      }
      w.nodes.erase(w.nodes.begin() + static_cast<std::ptrdiff_t>(n));
      continue;
    }
    ++n;
  }

  // Work: busy workers of booted nodes take items and work for a minute, the policy's preferred
  // nodes first, so that surplus nodes of offerings it likes less fall idle and are removed (as
  // a consolidating autoscaler would replace them).
  std::vector<double> dislike(offerings.size());
  for (std::size_t i = 0; i < offerings.size(); ++i) {
    dislike[i] = Dislike(w, policy, measured, i, minute);
  }
  std::stable_sort(w.nodes.begin(), w.nodes.end(), [&](const Node& a, const Node& b) {
    return dislike[static_cast<std::size_t>(a.offering)] <
           dislike[static_cast<std::size_t>(b.offering)];
  });
  for (Node& node : w.nodes) {
    const Offering& o = offerings[static_cast<std::size_t>(node.offering)];
    const double price = PriceDollarsPerHour(o, t);
    out.dollars += price / 60.0;
    out.node_hours_by_offering[o.Name()] += 1.0 / 60.0;
    std::int64_t used_millicores_x_seconds = 0;
    bool any_busy = false;
    if (minute - node.launched >= kBootMinutes) {
      for (auto& worker : node.workers) {
        double budget = static_cast<double>(s.worker_millicores) / 1000.0 * o.speed * 60.0;
        double busy_seconds = 0;
        while (budget > 0) {
          if (!worker) {
            if (w.queue.empty()) break;
            worker = w.queue.front();
            w.queue.pop_front();
            const auto wait = static_cast<double>(minute - worker->arrived_minute);
            out.waits.push_back(wait);
            out.max_wait_minutes = std::max(out.max_wait_minutes, wait);
          }
          const double step = std::min(budget, worker->work);
          worker->work -= step;
          worker->done += step;
          budget -= step;
          busy_seconds += step / (static_cast<double>(s.worker_millicores) / 1000.0 * o.speed);
          if (worker->work <= 1e-9) {
            ++out.items;
            if (learning) w.counters[static_cast<std::size_t>(node.offering)] += 1;
            worker.reset();
          }
        }
        if (busy_seconds > 0) any_busy = true;
        used_millicores_x_seconds +=
            static_cast<std::int64_t>(busy_seconds * static_cast<double>(s.worker_millicores));
      }
    }
    node.idle_minutes = any_busy ? 0 : node.idle_minutes + 1;
    if (learning) {
      node.used_millicore_seconds += used_millicores_x_seconds;
      const model::Money cost = model::Money::FromNanos(std::llround(price / 60.0 * 1e9));
      const model::Capacity capacity{std::int64_t{o.type->vcpus} * 1000,
                                     o.type->memory_mib * 1024 * 1024, 0};
      const model::UnitPrices unit = model::SplitNodePrice(
          model::HourlyPrice{model::Money::FromNanos(std::llround(price * 1e9))}, capacity, {});
      const double cpu_share = unit.cpu_per_core_hour * o.type->vcpus / std::max(price, 1e-12);
      const model::Money cpu_pool = model::Money::FromNanos(
          std::llround(static_cast<double>(cost.nanos()) * std::clamp(cpu_share, 0.0, 1.0)));
      model::NodeIntervalRecord r;
      r.node = fmt::format("n{}", node.serial);
      r.offering = o.Key();
      r.start = sys_seconds(seconds(t));
      r.length = seconds(kMinute);
      r.hourly_price = model::HourlyPrice{model::Money::FromNanos(std::llround(price * 1e9))};
      r.cpu_pool_cost = cpu_pool;
      r.ram_pool_cost = cost - cpu_pool;
      r.capacity = capacity;
      r.cpu_used_millicore_seconds = used_millicores_x_seconds;
      w.records.push_back(r);
      w.hour_cost_acc[static_cast<std::size_t>(node.offering)] += price / 60.0;
    }
  }

  // Autoscaling: enough workers for the recent arrival rate plus draining the backlog in
  // 10 minutes; new nodes of the policy's offering; idle surplus nodes removed.
  double rate = 0;
  for (const std::int64_t a : w.recent_arrivals) rate += static_cast<double>(a);
  rate /= static_cast<double>(w.recent_arrivals.size());
  double backlog_work = 0;
  for (const Item& item : w.queue) backlog_work += item.work;
  const double per_worker_per_minute = static_cast<double>(s.worker_millicores) / 1000.0 * 60.0;
  const int desired =
      static_cast<int>(std::ceil(1.15 * rate * s.item_vcpu_seconds / per_worker_per_minute +
                                 backlog_work / (per_worker_per_minute * 10.0)));
  int capacity = 0;
  for (const Node& node : w.nodes) capacity += static_cast<int>(node.workers.size());
  while (capacity < desired) {
    const int chosen = ChooseOffering(w, policy, measured, minute);
    Node node;
    node.offering = chosen;
    node.launched = minute;
    node.serial = w.node_serial++;
    node.workers.resize(static_cast<std::size_t>(offerings[static_cast<std::size_t>(chosen)].pods));
    capacity += static_cast<int>(node.workers.size());
    w.nodes.push_back(std::move(node));
  }
  for (std::size_t n = 0; n < w.nodes.size();) {
    Node& node = w.nodes[n];
    const int pods = static_cast<int>(node.workers.size());
    if (node.idle_minutes >= kScaleDownMinutes && capacity - pods >= desired) {
      capacity -= pods;
      if (learning) {
        model::NodeLifetime life;
        life.node = fmt::format("n{}", node.serial);
        life.offering = offerings[static_cast<std::size_t>(node.offering)].Key();
        life.present = {{sys_seconds(seconds(kEpoch + node.launched * kMinute)),
                         sys_seconds(seconds(t + kMinute))}};
        life.disappeared = true;  // scaled down with nothing running: not an interruption
        life.used.cpu_millicore_seconds = node.used_millicore_seconds;
        w.lifetimes.push_back(life);
      }
      w.nodes.erase(w.nodes.begin() + static_cast<std::ptrdiff_t>(n));
      continue;
    }
    ++n;
  }

  // costledger's work counter per offering, read hourly, and the hour's cost per offering.
  if (learning && (minute + 1) % 60 == 0) {
    const sys_seconds hour_end{seconds(t + kMinute)};
    for (std::size_t i = 0; i < offerings.size(); ++i) {
      w.counter_samples[i].push_back({hour_end, w.counters[i]});
      w.hour_costs[i].push_back({{hour_end - seconds(kHour), hour_end},
                                 model::Money::FromNanos(std::llround(w.hour_cost_acc[i] * 1e9))});
      w.hour_cost_acc[i] = 0;
    }
  }
}

Measured Compute(const World& w) {
  const auto& offerings = *w.offerings;
  model::OfferingEfficiencyAccumulator accumulator;
  for (const model::NodeIntervalRecord& r : w.records) accumulator.Add(r);
  const model::InterruptionAssumption assumption;
  const auto interruptions = model::CountInterruptions(w.lifetimes, assumption);
  std::map<model::OfferingKey, const model::OfferingInterruptions*> by_key;
  for (const auto& i : interruptions) by_key[i.offering] = &i;
  std::map<model::OfferingKey, model::InterruptionAdjustedCost> adjusted;
  std::map<model::OfferingKey, double> average_price;
  for (const model::OfferingEfficiency& e : accumulator.Results()) {
    if (e.average_hourly_price)
      average_price[e.offering] = e.average_hourly_price->per_hour.Dollars();
    const auto it = by_key.find(e.offering);
    adjusted[e.offering] =
        model::AdjustForInterruptions(e, it == by_key.end() ? nullptr : it->second, assumption);
  }
  Measured m;
  for (std::size_t i = 0; i < offerings.size(); ++i) {
    // The counter starts at 0 before the first hour.
    std::vector<model::CounterSample> samples = {{sys_seconds(seconds(kEpoch)), 0}};
    samples.insert(samples.end(), w.counter_samples[i].begin(), w.counter_samples[i].end());
    const model::WorkCost cost = model::CostPerUnitOfWork(w.hour_costs[i], samples);
    m.cost_per_item.push_back(cost.window.cost_per_item_dollars);
    const auto a = adjusted.find(offerings[i].Key());
    m.adjusted.push_back(a == adjusted.end() ? model::InterruptionAdjustedCost{} : a->second);
    const auto p = average_price.find(offerings[i].Key());
    m.average_price.push_back(p == average_price.end() ? 0.0 : p->second);
  }
  return m;
}

struct Run {
  Outcome list;
  Outcome costledger;
  Measured measured;
};

Run Simulate(const Scenario& s) {
  const std::vector<Offering> offerings = Offerings(s);
  // The same arrivals and item sizes for every policy.
  std::mt19937_64 arrival_rng(s.seed);
  std::vector<std::int64_t> arrivals;
  for (int minute = 0; minute < kDays * kMinutesPerDay; ++minute) {
    const double day_phase = (minute % kMinutesPerDay) / static_cast<double>(kMinutesPerDay);
    // A daily peak around 15:00 UTC, 3x the night trough.
    const double shape =
        1.0 + 2.0 * std::pow(std::max(0.0, std::sin(M_PI * (day_phase - 0.25) / 0.75)), 2);
    arrivals.push_back(
        std::poisson_distribution<std::int64_t>(s.base_items_per_minute * shape)(arrival_rng));
  }
  World world;
  world.scenario = &s;
  world.offerings = &offerings;
  world.interrupt_rng.seed(s.seed * 7 + 1);
  world.hour_costs.resize(offerings.size());
  world.counter_samples.resize(offerings.size());
  world.counters.assign(offerings.size(), 0);
  world.hour_cost_acc.assign(offerings.size(), 0);
  std::mt19937_64 work_rng(s.seed + 1);
  Outcome learning;
  const int learn_minutes = kLearnDays * kMinutesPerDay;
  for (int minute = 0; minute < learn_minutes; ++minute) {
    Step(world, minute, arrivals[static_cast<std::size_t>(minute)], work_rng, Policy::kDiversified,
         nullptr, true, learning);
  }
  // Nodes still up at the end of the learning days: present until then, not gone.
  World seen = world;
  for (const Node& node : seen.nodes) {
    model::NodeLifetime life;
    life.node = fmt::format("n{}", node.serial);
    life.offering = offerings[static_cast<std::size_t>(node.offering)].Key();
    life.present = {{sys_seconds(seconds(kEpoch + node.launched * kMinute)),
                     sys_seconds(seconds(kEpoch + learn_minutes * kMinute))}};
    life.used.cpu_millicore_seconds = node.used_millicore_seconds;
    if (life.present[0].end > life.present[0].start) seen.lifetimes.push_back(life);
  }
  Run run;
  run.measured = Compute(seen);
  for (const Policy policy : {Policy::kListPricePerVcpu, Policy::kCostledger}) {
    World w = world;  // same state, same random streams from here on
    std::mt19937_64 rng = work_rng;
    Outcome& out = policy == Policy::kCostledger ? run.costledger : run.list;
    for (int minute = learn_minutes; minute < kDays * kMinutesPerDay; ++minute) {
      Step(w, minute, arrivals[static_cast<std::size_t>(minute)], rng, policy, &run.measured, false,
           out);
    }
  }
  return run;
}

double PerThousand(const Outcome& o) {
  return o.items > 0 ? o.dollars / static_cast<double>(o.items) * 1000.0 : 0;
}

void Report(const Scenario& s, Run& run, const std::string& bench_name) {
  const std::vector<Offering> offerings = Offerings(s);
  fmt::print("\n== scaling: {} (worker {} m CPU, {} MiB; items {} vCPU-s mean)\n", s.name,
             s.worker_millicores, s.worker_memory_mib, s.item_vcpu_seconds);
  fmt::print("costledger on days 1-{} (diversified fleet), per offering:\n", kLearnDays);
  fmt::print("  {:<32} {:>5} {:>10} {:>11} {:>13} {:>12}\n", "offering", "pods", "$/vCPU-h",
             "int./node-h", "adj $/used-vCPU-h", "$/1000 items");
  for (std::size_t i = 0; i < offerings.size(); ++i) {
    const auto& a = run.measured.adjusted[i];
    const double list =
        PriceDollarsPerHour(offerings[i], kEpoch + std::int64_t{kLearnDays} * 86400) /
        offerings[i].type->vcpus;
    fmt::print(
        "  {:<32} {:>5} {:>10.4f} {:>11} {:>13} {:>12}\n", offerings[i].Name(), offerings[i].pods,
        list,
        a.interruptions_per_node_hour ? fmt::format("{:.3f}", *a.interruptions_per_node_hour) : "-",
        a.adjusted_cost_per_used_vcpu_hour
            ? fmt::format("{:.4f}", a.adjusted_cost_per_used_vcpu_hour->Dollars())
            : "-",
        run.measured.cost_per_item[i] ? fmt::format("{:.3f}", *run.measured.cost_per_item[i] * 1000)
                                      : "-");
  }
  for (auto* o : {&run.list, &run.costledger}) {
    const char* name = o == &run.list ? "list price per vCPU" : "costledger cost per item";
    fmt::print(
        "days {}-{} by {:<25}: ${:.2f} for {} items = ${:.3f} per 1000 items; "
        "{} interruptions, {} items redone; backlog max {} items, wait p99 {:.0f} min, max "
        "{:.0f} min\n",
        kLearnDays + 1, kDays, name, o->dollars, o->items, PerThousand(*o), o->interruptions,
        o->lost_items, o->max_backlog, o->P99Wait(), o->max_wait_minutes);
    std::vector<std::pair<double, std::string>> top;
    for (const auto& [offering, hours] : o->node_hours_by_offering)
      top.emplace_back(hours, offering);
    std::sort(top.rbegin(), top.rend());
    std::string line;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, top.size()); ++i) {
      line += fmt::format("{}{} {:.0f} node-h", i > 0 ? ", " : "", top[i].second, top[i].first);
    }
    fmt::print("    mostly on: {}\n", line);
  }
  const double ratio = PerThousand(run.costledger) / PerThousand(run.list);
  fmt::print(
      "costledger-fed / list-price-fed cost per item: {:.3f} ({:.1f}% cheaper; target >= "
      "15%)\n",
      ratio, (1 - ratio) * 100);
  PrintFigure(bench_name, PerThousand(run.costledger), "$/1000 items", PerThousand(run.list),
              "autoscaler by list price per vCPU");
}

}  // namespace
}  // namespace costledger::bench

// `--seed=N` runs another week (arrivals, item sizes, spot prices and reclaims); other
// arguments (bench/run passes Google Benchmark's) are ignored.
int main(int argc, char** argv) {
  using costledger::bench::Scenario;
  std::uint64_t seed = costledger::bench::kDefaultSeed;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--seed=", 0) == 0) seed = std::stoull(arg.substr(7));
  }
  // The headline: a memory-heavy worker (3 vCPU, 10 GiB), which packs differently per type.
  Scenario memory_heavy{
      "queue workers, 3 vCPU + 10 GiB each", 3000, std::int64_t{10} * 1024, 1800, 6, seed};
  auto run = costledger::bench::Simulate(memory_heavy);
  costledger::bench::Report(memory_heavy, run, "scaling");
  // The control: a worker that packs alike on every type (1.9 vCPU, 3 GiB): what is left is
  // spot interruptions, clock speed and price.
  Scenario cpu_shaped{"queue workers, 1.9 vCPU + 3 GiB each (packs alike)",
                      1900,
                      std::int64_t{3} * 1024,
                      1800,
                      6,
                      seed};
  auto control = costledger::bench::Simulate(cpu_shaped);
  costledger::bench::Report(cpu_shaped, control, "scaling_cpu_shaped");
  return 0;
}
