#include "costledger/simulator/spot_market.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>

#include "costledger/simulator/instance_types.hpp"
#include "costledger/simulator/random.hpp"
#include "costledger/simulator/timeline.hpp"

namespace costledger::simulator {
namespace {

constexpr std::uint64_t kSaltSpot = 0x73706f74;
constexpr std::int64_t kHour = 3600;

constexpr std::array<std::string_view, 6> kSpotZones{"us-east-1a", "us-east-1b", "us-east-1c",
                                                     "us-east-1d", "us-east-1e", "us-east-1f"};
constexpr std::string_view kLinux = "Linux/UNIX";

struct Series {
  const InstanceType* type = nullptr;
  std::string_view zone;
  std::string_view product;
  std::int64_t surcharge_micros = 0;  // license on top of the Linux price
};

const std::vector<Series>& AllSeries() {
  static const std::vector<Series> kSeries = [] {
    std::vector<Series> s;
    for (const InstanceType& type : InstanceCatalogue()) {
      for (const std::string_view zone : kSpotZones) s.push_back({&type, zone, kLinux, 0});
    }
    // Other products of the same instances: a parser must keep them apart.
    const auto add = [&](std::string_view type, std::string_view zone, std::string_view product,
                         std::int64_t surcharge) {
      s.push_back({FindInstanceType(type), zone, product, surcharge});
    };
    add("m5.xlarge", "us-east-1a", "Windows", 184'000);
    add("g5.2xlarge", "us-east-1b", "Windows", 368'000);
    add("c5.2xlarge", "us-east-1a", "Windows", 368'000);
    add("r5.2xlarge", "us-east-1a", "Red Hat Enterprise Linux", 130'000);
    add("c5.2xlarge", "us-east-1c", "SUSE Linux", 125'000);
    add("p3.2xlarge", "us-east-1b", "Linux/UNIX (Amazon VPC)", 0);
    return s;
  }();
  return kSeries;
}

Timeline SeriesTimeline(std::uint64_t seed, std::size_t index) {
  const std::uint64_t h = Hash(seed, kSaltSpot, index);
  const std::int64_t period = UniformInt(h, 2 * kHour, 7 * kHour);
  return {period, UniformInt(Mix64(h), 0, period - 1), period * 3 / 4,
          Hash(seed, kSaltSpot, index, 1)};
}

std::int64_t PriceAt(std::uint64_t seed, std::size_t index, const Series& series,
                     std::int64_t change) {
  const std::uint64_t h = Hash(seed, kSaltSpot, index, 2);
  const double base = Uniform(h, 0.28, 0.42);
  const double wave =
      0.04 * std::sin(0.9 * static_cast<double>(change) + Uniform(Mix64(h), 0, 6.28));
  const double noise = 0.03 * (UnitInterval(Hash(seed, kSaltSpot, index, change)) - 0.5);
  const double linux =
      static_cast<double>(OnDemandMicrosPerHour(*series.type)) * (base + wave + noise);
  // Spot prices move in steps of $0.0001.
  return static_cast<std::int64_t>(std::llround(linux / 100.0)) * 100 + series.surcharge_micros;
}

}  // namespace

std::vector<SpotPricePoint> SpotPriceHistory(std::uint64_t seed, std::int64_t from,
                                             std::int64_t to) {
  std::vector<SpotPricePoint> points;
  const std::vector<Series>& all = AllSeries();
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Series& series = all[i];
    const Timeline timeline = SeriesTimeline(seed, i);
    const std::int64_t last = timeline.GenerationAt(to);
    for (std::int64_t g = timeline.GenerationAt(from); g <= last; ++g) {
      points.push_back({series.type->name, series.zone, series.product, PriceAt(seed, i, series, g),
                        timeline.Boundary(g)});
      order.push_back(i);
    }
  }
  std::vector<std::size_t> index(points.size());
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = i;
  std::sort(index.begin(), index.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(points[b].timestamp, order[a]) < std::tie(points[a].timestamp, order[b]);
  });
  std::vector<SpotPricePoint> sorted;
  sorted.reserve(points.size());
  for (const std::size_t i : index) sorted.push_back(points[i]);
  return sorted;
}

std::int64_t SpotPriceMicrosAt(std::uint64_t seed, std::string_view instance_type,
                               std::string_view zone, std::string_view product, std::int64_t t) {
  const std::vector<Series>& all = AllSeries();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Series& series = all[i];
    if (series.type->name != instance_type || series.zone != zone || series.product != product) {
      continue;
    }
    return PriceAt(seed, i, series, SeriesTimeline(seed, i).GenerationAt(t));
  }
  return 0;
}

}  // namespace costledger::simulator
