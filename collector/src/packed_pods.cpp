#include "costledger/collector/packed_pods.hpp"

#include <cstdint>
#include <stdexcept>
#include <unordered_map>

namespace costledger::collector {
namespace {

// Integers as LEB128 varints (zigzag for signed values: quantities and times may be negative
// in principle); strings as their length then their bytes. Strings many pods share (namespace,
// node, controller, label keys and values, container names) are written once: later uses are
// the index of the first (nearly halves the buffer at 150k pods on 5,000 nodes).
// Without a buffer, it only counts, every string in full: the buffer is reserved once for at
// most that, not grown by doubling (which would hold the old and new buffers at once); the
// pages it does not fill are never touched, so they take no memory.
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}

  void Unsigned(std::uint64_t v) {
    while (v >= 0x80) {
      Byte(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    Byte(static_cast<char>(v));
  }
  void Signed(std::int64_t v) {
    Unsigned((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void Text(std::string_view s) {
    Unsigned(s.size());
    if (out_ != nullptr) out_->append(s);
    size_ += s.size();
  }
  // 0 then the text the first time, its number (from 1) after. `s` must outlive the writer.
  void Shared(std::string_view s) {
    if (out_ == nullptr) {  // counting: as if new
      Unsigned(0);
      Text(s);
      return;
    }
    const auto [it, added] = shared_.try_emplace(s, shared_.size() + 1);
    Unsigned(added ? 0 : it->second);
    if (added) Text(s);
  }
  void Quantities(const model::ResourceQuantities& q) {
    Signed(q.cpu_millicores);
    Signed(q.memory_bytes);
    Signed(q.gpu_devices);
  }
  void Time(const std::optional<std::chrono::sys_seconds>& t) {
    Unsigned(t ? 1 : 0);
    if (t) Signed(t->time_since_epoch().count());
  }
  std::size_t size() const { return size_; }

 private:
  void Byte(char c) {
    if (out_ != nullptr) out_->push_back(c);
    ++size_;
  }

  std::string* out_;
  std::size_t size_ = 0;
  std::unordered_map<std::string_view, std::uint64_t> shared_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  std::uint64_t Unsigned() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= in_.size()) throw std::logic_error("PackedPods: truncated");
      const auto byte = static_cast<unsigned char>(in_[at_++]);
      v |= static_cast<std::uint64_t>(byte & 0x7fU) << shift;
      if ((byte & 0x80U) == 0) return v;
    }
    throw std::logic_error("PackedPods: varint too long");
  }
  std::int64_t Signed() {
    const std::uint64_t v = Unsigned();
    return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  std::string Text() {
    const std::uint64_t n = Unsigned();
    if (n > in_.size() - at_) throw std::logic_error("PackedPods: truncated");
    std::string s(in_.substr(at_, n));
    at_ += n;
    return s;
  }
  std::string Shared() {
    const std::uint64_t n = Unsigned();
    if (n == 0) return shared_.emplace_back(Text());
    if (n > shared_.size()) throw std::logic_error("PackedPods: unknown shared text");
    return shared_[n - 1];
  }
  model::ResourceQuantities Quantities() {
    model::ResourceQuantities q;
    q.cpu_millicores = Signed();
    q.memory_bytes = Signed();
    q.gpu_devices = Signed();
    return q;
  }
  std::optional<std::chrono::sys_seconds> Time() {
    if (Unsigned() == 0) return std::nullopt;
    return std::chrono::sys_seconds(std::chrono::seconds(Signed()));
  }

 private:
  std::string_view in_;
  std::size_t at_ = 0;
  std::vector<std::string> shared_;
};

void PackContainers(Writer& w, const std::vector<model::Container>& containers) {
  w.Unsigned(containers.size());
  for (const model::Container& c : containers) {
    w.Shared(c.name);
    w.Quantities(c.requests);
    w.Quantities(c.limits);
  }
}

std::vector<model::Container> UnpackContainers(Reader& r) {
  std::vector<model::Container> containers(r.Unsigned());
  for (model::Container& c : containers) {
    c.name = r.Shared();
    c.requests = r.Quantities();
    c.limits = r.Quantities();
  }
  return containers;
}

void Pack(const std::vector<model::Pod>& pods, Writer& w) {
  for (const model::Pod& p : pods) {
    w.Shared(p.namespace_name);
    w.Text(p.name);
    w.Text(p.uid);
    w.Shared(p.node_name);
    w.Unsigned(static_cast<std::uint64_t>(p.phase));
    w.Unsigned(p.labels.size());
    for (const auto& [key, value] : p.labels) {
      w.Shared(key);
      w.Shared(value);
    }
    w.Shared(p.controller_kind);
    w.Shared(p.controller_name);
    PackContainers(w, p.containers);
    PackContainers(w, p.init_containers);
    w.Quantities(p.effective_requests);
    w.Unsigned(p.claims.size());
    for (const model::PodClaim& c : p.claims) {
      w.Shared(c.volume);
      w.Text(c.claim);
    }
    w.Time(p.created);
    w.Time(p.started);
    w.Time(p.finished);
  }
}

}  // namespace

PackedPods::PackedPods(const std::vector<model::Pod>& pods) : count_(pods.size()) {
  Writer counter(nullptr);
  Pack(pods, counter);
  buffer_.reserve(counter.size());
  Writer w(&buffer_);
  Pack(pods, w);
}

std::vector<model::Pod> PackedPods::Unpack() const {
  std::vector<model::Pod> pods(count_);
  Reader r(buffer_);
  for (model::Pod& p : pods) {
    p.namespace_name = r.Shared();
    p.name = r.Text();
    p.uid = r.Text();
    p.node_name = r.Shared();
    p.phase = static_cast<model::PodPhase>(r.Unsigned());
    for (std::uint64_t n = r.Unsigned(); n > 0; --n) {
      std::string key = r.Shared();
      p.labels.emplace(std::move(key), r.Shared());
    }
    p.controller_kind = r.Shared();
    p.controller_name = r.Shared();
    p.containers = UnpackContainers(r);
    p.init_containers = UnpackContainers(r);
    p.effective_requests = r.Quantities();
    p.claims.resize(r.Unsigned());
    for (model::PodClaim& c : p.claims) {
      c.volume = r.Shared();
      c.claim = r.Text();
    }
    p.created = r.Time();
    p.started = r.Time();
    p.finished = r.Time();
  }
  return pods;
}

}  // namespace costledger::collector
