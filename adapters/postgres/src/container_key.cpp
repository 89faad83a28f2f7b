#include "costledger/postgres/container_key.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>
#include <unordered_set>

namespace costledger::postgres {
namespace {

constexpr std::uint64_t kFnvOffset = 14'695'981'039'346'656'037ULL;
constexpr std::uint64_t kFnvPrime = 1'099'511'628'211ULL;

std::uint64_t Fnv1a(std::uint64_t hash, std::string_view text) {
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

std::int64_t Key(std::string_view ns, std::string_view pod, std::string_view container,
                 std::uint64_t salt) {
  std::uint64_t h = Fnv1a(kFnvOffset, ns);
  h = Fnv1a(h, std::string_view("\0", 1));  // a separator no name can contain
  h = Fnv1a(h, pod);
  h = Fnv1a(h, std::string_view("\0", 1));
  h = Fnv1a(h, container);
  for (; salt != 0; salt >>= 8) {  // salt bytes, little end first; none for salt 0
    h ^= salt & 0xFFU;
    h *= kFnvPrime;
  }
  return static_cast<std::int64_t>(h);
}

}  // namespace

std::int64_t ContainerKey(std::string_view namespace_name, std::string_view pod,
                          std::string_view container) {
  return Key(namespace_name, pod, container, 0);
}

std::vector<std::int64_t> ContainerKeys(std::span<const model::ContainerCostRow> rows) {
  // Almost always no two plain keys are equal, and then every row keeps its plain key, which
  // is what the name-order walk below would give: checking that costs a sort of integers
  // instead of one of name triples.
  std::vector<std::int64_t> keys(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const model::CostLabels& l = rows[i].labels;
    keys[i] = Key(l.namespace_name, l.pod, l.container, 0);
  }
  std::vector<std::int64_t> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()) return keys;

  // Visit rows in name order so that which row keeps the plain key does not depend on order.
  std::vector<std::size_t> order(rows.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto name = [&](std::size_t i) {
    const model::CostLabels& l = rows[i].labels;
    return std::tie(l.namespace_name, l.pod, l.container);
  };
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return name(a) < name(b); });
  std::unordered_set<std::int64_t> used;
  used.reserve(rows.size() * 2);
  for (const std::size_t i : order) {
    const model::CostLabels& l = rows[i].labels;
    std::int64_t key = Key(l.namespace_name, l.pod, l.container, 0);
    for (std::uint64_t salt = 1; !used.insert(key).second; ++salt) {
      key = Key(l.namespace_name, l.pod, l.container, salt);
    }
    keys[i] = key;
  }
  return keys;
}

}  // namespace costledger::postgres
