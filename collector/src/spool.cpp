#include "costledger/collector/spool.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <system_error>
#include <utility>

#include "costledger/collector/interval_batch_codec.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::collector {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kBatchSuffix = ".batch";
constexpr std::string_view kTmpSuffix = ".tmp";
constexpr std::size_t kSequenceDigits = 20;  // every uint64 fits; names sort like numbers

std::string FileName(std::uint64_t sequence) {
  return fmt::format("{:0{}}{}", sequence, kSequenceDigits, kBatchSuffix);
}

// "00000000000000000042.batch" -> 42; nothing for any other name.
std::optional<std::uint64_t> ParseFileName(std::string_view name) {
  if (name.size() != kSequenceDigits + kBatchSuffix.size() || !name.ends_with(kBatchSuffix)) {
    return std::nullopt;
  }
  std::uint64_t sequence = 0;
  const char* end = name.data() + kSequenceDigits;
  const auto [ptr, ec] = std::from_chars(name.data(), end, sequence);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return sequence;
}

[[noreturn]] void ThrowErrno(std::string_view what, const fs::path& path) {
  throw std::system_error(errno, std::generic_category(),
                          fmt::format("spool: {} {}", what, path.string()));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&&) = delete;
  Fd& operator=(Fd&&) = delete;
  [[nodiscard]] int Get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

void WriteAll(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("cannot write", path);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void SyncDirectory(const fs::path& dir) {
  const Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.Get() < 0) ThrowErrno("cannot open directory", dir);
  if (::fsync(fd.Get()) != 0) ThrowErrno("cannot fsync directory", dir);
}

// Whole file; nothing when it no longer exists.
std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!fs::exists(path)) return std::nullopt;
    throw std::system_error(errno, std::generic_category(),
                            fmt::format("spool: cannot read {}", path.string()));
  }
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

}  // namespace

Spool::Spool(fs::path dir) : dir_(std::move(dir)) {
  fs::create_directories(dir_);
  std::uint64_t highest = 0;
  bool removed_tmp = false;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir_)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (std::string_view{name}.ends_with(kTmpSuffix)) {
      fs::remove(entry.path());  // a writer crashed before its rename: the batch never existed
      removed_tmp = true;
    } else if (const auto sequence = ParseFileName(name)) {
      sequences_.insert(*sequence);
      highest = std::max(highest, *sequence);
    }
  }
  if (removed_tmp) SyncDirectory(dir_);
  next_sequence_ = highest + 1;
}

std::uint64_t Spool::Append(const model::IntervalBatch& batch) {
  last_error_.clear();
  const std::uint64_t sequence = next_sequence_;
  const fs::path final_path = dir_ / FileName(sequence);
  fs::path tmp_path = final_path;
  tmp_path += kTmpSuffix;
  {
    Fd fd(::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
    if (fd.Get() < 0) ThrowErrno("cannot create", tmp_path);
    try {
      // Streamed in pieces: the encoded text of a large batch is never held whole.
      EncodeBatch(batch, [&](std::string_view piece) { WriteAll(fd.Get(), piece, tmp_path); });
      if (::fsync(fd.Get()) != 0) ThrowErrno("cannot fsync", tmp_path);
      if (::close(fd.Release()) != 0) ThrowErrno("cannot close", tmp_path);
    } catch (...) {
      std::error_code ignored;
      fs::remove(tmp_path, ignored);
      throw;
    }
  }
  fs::rename(tmp_path, final_path);
  SyncDirectory(dir_);
  sequences_.insert(sequence);
  next_sequence_ = sequence + 1;
  return sequence;
}

std::optional<Spool::Entry> Spool::Oldest() {
  while (!sequences_.empty()) {
    const std::uint64_t sequence = *sequences_.begin();
    const fs::path path = dir_ / FileName(sequence);
    const std::optional<std::string> data = ReadFile(path);
    if (!data) {
      sequences_.erase(sequences_.begin());
      continue;
    }
    std::string problem;
    try {
      return Entry{sequence, DecodeBatch(*data)};
    } catch (const InvalidInput& e) {
      problem = e.what();
    } catch (const nlohmann::json::exception& e) {
      problem = e.what();
    }
    MoveAside(sequence, "corrupt", problem);
  }
  return std::nullopt;
}

void Spool::MoveAside(std::uint64_t sequence, const std::string& folder,
                      const std::string& reason) {
  const fs::path path = dir_ / FileName(sequence);
  const fs::path aside_dir = dir_ / folder;
  fs::create_directories(aside_dir);
  fs::path target = aside_dir / path.filename();
  for (int i = 1; fs::exists(target); ++i) {
    target = aside_dir / fmt::format("{}.{}", path.filename().string(), i);
  }
  fs::rename(path, target);
  SyncDirectory(dir_);
  sequences_.erase(sequence);
  if (!last_error_.empty()) last_error_ += "; ";
  last_error_ +=
      fmt::format("spool: {} {} and was moved to {}: {}", path.string(),
                  folder == "corrupt" ? "is corrupt" : "was " + folder, target.string(), reason);
}

void Spool::Remove(std::uint64_t sequence) {
  // Not fsync'd: should the removal be lost in a crash, the batch is written again, which the
  // store ignores (idempotent writes).
  fs::remove(dir_ / FileName(sequence));
  sequences_.erase(sequence);
}

std::optional<std::uint64_t> Spool::OldestSequence() const {
  if (sequences_.empty()) return std::nullopt;
  return *sequences_.begin();
}

std::size_t Spool::depth() const { return sequences_.size(); }

}  // namespace costledger::collector
