#pragma once

#include <atomic>
#include <compare>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace costledger::model {

/// An immutable string whose copies share one allocation, counted as std::shared_ptr counts
/// its owners, in 8 bytes. For what repeats across many rows: the labels of an interval's
/// cost rows (CostLabels, twelve per container row) carry a node's name in every row of its
/// containers and a namespace, controller or instance type in thousands; as std::string each
/// was 32 bytes and, past 15 characters, an allocation of its own. Reads as a
/// `const std::string&` (str(), or the implicit conversion). Thread safety: as
/// std::shared_ptr's (copies may be made and destroyed on any thread; the text never changes).
class SharedText {
 public:
  SharedText() = default;
  // Implicit, as a std::string stands in: rows are made and compared from strings.
  // NOLINTBEGIN(google-explicit-constructor)
  SharedText(std::string text) : block_(text.empty() ? nullptr : new Block{std::move(text)}) {}
  SharedText(std::string_view text) : SharedText(std::string(text)) {}
  SharedText(const char* text) : SharedText(std::string(text)) {}
  // NOLINTEND(google-explicit-constructor)
  SharedText(const SharedText& other) noexcept : block_(other.block_) {
    if (block_ != nullptr) block_->owners.fetch_add(1, std::memory_order_relaxed);
  }
  SharedText(SharedText&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  SharedText& operator=(const SharedText& other) noexcept {
    SharedText(other).swap(*this);
    return *this;
  }
  SharedText& operator=(SharedText&& other) noexcept {
    SharedText(std::move(other)).swap(*this);
    return *this;
  }
  ~SharedText() {
    if (block_ != nullptr && block_->owners.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      delete block_;
    }
  }
  void swap(SharedText& other) noexcept { std::swap(block_, other.block_); }

  const std::string& str() const noexcept { return block_ == nullptr ? Empty() : block_->text; }
  // NOLINTNEXTLINE(google-explicit-constructor): reads as the string it holds
  operator const std::string&() const noexcept { return str(); }
  // NOLINTNEXTLINE(google-explicit-constructor): likewise
  operator std::string_view() const noexcept { return str(); }
  bool empty() const noexcept { return block_ == nullptr; }
  std::size_t size() const noexcept { return str().size(); }
  const char* c_str() const noexcept { return str().c_str(); }

  friend bool operator==(const SharedText& a, const SharedText& b) noexcept {
    return a.block_ == b.block_ || a.str() == b.str();
  }
  friend bool operator==(const SharedText& a, std::string_view b) noexcept { return a.str() == b; }
  friend bool operator==(const SharedText& a, const std::string& b) noexcept {
    return a.str() == b;
  }
  friend bool operator==(const SharedText& a, const char* b) noexcept { return a.str() == b; }
  friend std::strong_ordering operator<=>(const SharedText& a, const SharedText& b) noexcept {
    return a.str() <=> b.str();
  }
  friend std::strong_ordering operator<=>(const SharedText& a, std::string_view b) noexcept {
    return std::string_view{a.str()} <=> b;
  }
  friend std::strong_ordering operator<=>(const SharedText& a, const std::string& b) noexcept {
    return a.str() <=> b;
  }
  friend std::strong_ordering operator<=>(const SharedText& a, const char* b) noexcept {
    return std::string_view{a.str()} <=> std::string_view{b};
  }
  friend std::ostream& operator<<(std::ostream& out, const SharedText& text) {
    return out << text.str();
  }

 private:
  struct Block {
    explicit Block(std::string t) : text(std::move(t)) {}
    std::atomic<std::size_t> owners{1};
    const std::string text;
  };
  static const std::string& Empty() noexcept {
    static const std::string kEmpty;
    return kEmpty;
  }

  Block* block_ = nullptr;  // nullptr: the empty text
};

}  // namespace costledger::model
