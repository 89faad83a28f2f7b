#pragma once

#include <algorithm>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace costledger::model {

/// Kubernetes labels: a map of names to values, kept as one vector sorted by name. What the
/// collector holds most of (150k pods of ~10 labels each): an entry costs the two strings
/// (64 bytes) instead of a tree node around them (112 bytes with its allocation). The part of
/// std::map's interface this code base uses, with the same order and lookup by string_view;
/// an insertion invalidates iterators (no caller keeps one across an insertion).
class Labels {
 public:
  using key_type = std::string;
  using mapped_type = std::string;  // with key_type: JSON libraries see an object, not a list
  using value_type = std::pair<std::string, std::string>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  Labels() = default;
  /// As std::map's: the first of equal names is kept.
  Labels(std::initializer_list<value_type> items) {
    for (const value_type& item : items) emplace(item.first, item.second);
  }
  template <typename It>
  Labels(It first, It last) {
    for (; first != last; ++first) emplace(first->first, first->second);
  }

  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void clear() { items_.clear(); }

  const_iterator find(std::string_view name) const {
    const auto it = LowerBound(name);
    return it != items_.end() && it->first == name ? it : items_.end();
  }
  iterator find(std::string_view name) {
    const auto it = LowerBound(name);
    return it != items_.end() && it->first == name ? it : items_.end();
  }
  bool contains(std::string_view name) const { return find(name) != end(); }
  std::size_t count(std::string_view name) const { return contains(name) ? 1 : 0; }
  const std::string& at(std::string_view name) const {
    const auto it = find(name);
    if (it == end()) throw std::out_of_range("Labels::at: no label " + std::string(name));
    return it->second;
  }
  std::string& operator[](std::string_view name) {
    return try_emplace(std::string(name)).first->second;
  }

  /// Adds `name` with the value made of `args` unless it is there (std::map::try_emplace).
  template <typename... Args>
  std::pair<iterator, bool> try_emplace(std::string name, Args&&... args) {
    const auto it = LowerBound(name);
    if (it != items_.end() && it->first == name) return {it, false};
    return {items_.emplace(it, std::move(name), std::string(std::forward<Args>(args)...)), true};
  }
  template <typename Name, typename Value>
  std::pair<iterator, bool> emplace(Name&& name, Value&& value) {
    return try_emplace(std::string(std::forward<Name>(name)), std::forward<Value>(value));
  }
  std::pair<iterator, bool> insert(const value_type& item) {
    return try_emplace(item.first, item.second);
  }
  /// The hint is not needed (std::inserter passes one).
  iterator insert(const_iterator /*hint*/, const value_type& item) { return insert(item).first; }
  template <typename It>
  void insert(It first, It last) {
    for (; first != last; ++first) emplace(first->first, first->second);
  }
  template <typename Value>
  std::pair<iterator, bool> insert_or_assign(std::string name, Value&& value) {
    const auto [it, inserted] = try_emplace(std::move(name));
    it->second = std::forward<Value>(value);
    return {it, inserted};
  }
  std::size_t erase(std::string_view name) {
    const auto it = find(name);
    if (it == items_.end()) return 0;
    items_.erase(it);
    return 1;
  }

  friend bool operator==(const Labels&, const Labels&) = default;
  friend auto operator<=>(const Labels&, const Labels&) = default;

 private:
  const_iterator LowerBound(std::string_view name) const {
    return std::lower_bound(
        items_.begin(), items_.end(), name,
        [](const value_type& item, std::string_view n) { return item.first < n; });
  }
  iterator LowerBound(std::string_view name) {
    return std::lower_bound(
        items_.begin(), items_.end(), name,
        [](const value_type& item, std::string_view n) { return item.first < n; });
  }

  std::vector<value_type> items_;  // sorted by name, names unique
};

}  // namespace costledger::model
