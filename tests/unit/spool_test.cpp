#include "costledger/collector/spool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "costledger/collector/interval_batch_codec.hpp"
#include "temp_dir.hpp"
#include "test_data.hpp"

namespace costledger::collector {
namespace {

namespace fs = std::filesystem;

model::IntervalBatch MakeBatch(int minute) {
  model::IntervalBatch b;
  b.cluster = "prod";
  b.costs.start = std::chrono::sys_seconds(std::chrono::minutes(29'388'120 + minute));
  b.costs.length = std::chrono::seconds(60);
  model::NodeCostRow n;
  n.node = "n1";
  n.attribution.node_cost = model::Money::FromNanos(1'000 + minute);
  b.costs.nodes.push_back(n);
  return b;
}

int MinuteOf(const model::IntervalBatch& b) {
  return static_cast<int>(b.costs.start.time_since_epoch() / std::chrono::minutes(1)) - 29'388'120;
}

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::vector<std::string> FileNames(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class SpoolTest : public ::testing::Test {
 protected:
  testing::TempDir temp_{"costledger-spool"};
  fs::path dir_{fs::path(temp_.path()) / "spool"};
};

TEST_F(SpoolTest, CreatesItsDirectoryAndStartsEmpty) {
  Spool spool(dir_);
  EXPECT_TRUE(fs::is_directory(dir_));
  EXPECT_EQ(spool.depth(), 0U);
  EXPECT_FALSE(spool.Oldest().has_value());
  EXPECT_EQ(spool.last_error(), "");
}

TEST_F(SpoolTest, ReturnsBatchesInFifoOrder) {
  Spool spool(dir_);
  const std::uint64_t first = spool.Append(MakeBatch(1));
  const std::uint64_t second = spool.Append(MakeBatch(2));
  const std::uint64_t third = spool.Append(MakeBatch(3));
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  std::vector<int> minutes;
  while (auto entry = spool.Oldest()) {
    minutes.push_back(MinuteOf(entry->batch));
    EXPECT_EQ(entry->batch.costs.nodes.at(0).attribution.node_cost.nanos(), 1'000 + minutes.back());
    spool.Remove(entry->sequence);
  }
  EXPECT_EQ(minutes, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(spool.depth(), 0U);
}

TEST_F(SpoolTest, OldestDoesNotRemove) {
  Spool spool(dir_);
  spool.Append(MakeBatch(1));
  ASSERT_TRUE(spool.Oldest().has_value());
  ASSERT_TRUE(spool.Oldest().has_value());
  EXPECT_EQ(spool.Oldest()->sequence, 1U);
  EXPECT_EQ(spool.depth(), 1U);
}

TEST_F(SpoolTest, FilesAreNamedByZeroPaddedSequence) {
  Spool spool(dir_);
  spool.Append(MakeBatch(1));
  spool.Append(MakeBatch(2));
  EXPECT_EQ(FileNames(dir_),
            (std::vector<std::string>{"00000000000000000001.batch", "00000000000000000002.batch"}));
}

TEST_F(SpoolTest, SurvivesReopenAndContinuesTheSequence) {
  {
    Spool spool(dir_);
    spool.Append(MakeBatch(1));
    spool.Append(MakeBatch(2));
    spool.Remove(1);
    spool.Append(MakeBatch(3));
  }
  Spool reopened(dir_);
  EXPECT_EQ(reopened.depth(), 2U);
  EXPECT_EQ(reopened.Append(MakeBatch(4)), 4U);
  std::vector<int> minutes;
  while (auto entry = reopened.Oldest()) {
    minutes.push_back(MinuteOf(entry->batch));
    reopened.Remove(entry->sequence);
  }
  EXPECT_EQ(minutes, (std::vector<int>{2, 3, 4}));
}

TEST_F(SpoolTest, ContinuesAfterTheHighestExistingFile) {
  fs::create_directories(dir_);
  WriteFile(dir_ / "00000000000000000041.batch", EncodeBatch(MakeBatch(41)));
  Spool spool(dir_);
  EXPECT_EQ(spool.Append(MakeBatch(42)), 42U);
  EXPECT_EQ(spool.Oldest()->sequence, 41U);
}

TEST_F(SpoolTest, RemovesTemporaryLeftoversOfACrashedWriter) {
  fs::create_directories(dir_);
  WriteFile(dir_ / "00000000000000000007.batch.tmp", R"({"format": 1, "clu)");
  WriteFile(dir_ / "00000000000000000003.batch", EncodeBatch(MakeBatch(3)));
  Spool spool(dir_);
  EXPECT_EQ(FileNames(dir_), (std::vector<std::string>{"00000000000000000003.batch"}));
  EXPECT_EQ(spool.depth(), 1U);
  EXPECT_EQ(spool.Append(MakeBatch(4)), 4U);
}

TEST_F(SpoolTest, IgnoresUnrelatedFiles) {
  fs::create_directories(dir_);
  WriteFile(dir_ / "README", "not a batch");
  WriteFile(dir_ / "12.batch", "short name");
  Spool spool(dir_);
  EXPECT_EQ(spool.depth(), 0U);
  EXPECT_FALSE(spool.Oldest().has_value());
  EXPECT_TRUE(fs::exists(dir_ / "README"));
}

TEST_F(SpoolTest, MovesACorruptFileAsideAndContinuesWithTheNext) {
  {
    Spool spool(dir_);
    spool.Append(MakeBatch(1));
    spool.Append(MakeBatch(2));
    spool.Append(MakeBatch(3));
  }
  WriteFile(dir_ / "00000000000000000001.batch", R"({"format": 1, "cluster": "pr)");  // torn
  WriteFile(dir_ / "00000000000000000002.batch", R"({"format": 1})");                 // bad
  Spool spool(dir_);
  const auto entry = spool.Oldest();
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->sequence, 3U);
  EXPECT_EQ(MinuteOf(entry->batch), 3);
  EXPECT_EQ(spool.depth(), 1U);
  EXPECT_TRUE(fs::exists(dir_ / "corrupt" / "00000000000000000001.batch"));
  EXPECT_TRUE(fs::exists(dir_ / "corrupt" / "00000000000000000002.batch"));
  EXPECT_FALSE(fs::exists(dir_ / "00000000000000000001.batch"));
  EXPECT_NE(spool.last_error().find("00000000000000000001.batch is corrupt"), std::string::npos)
      << spool.last_error();
  EXPECT_NE(spool.last_error().find("batch.cluster: missing"), std::string::npos)
      << spool.last_error();
  // Reported until the next Append, so a caller that drains in a loop sees it once.
  spool.Append(MakeBatch(4));
  EXPECT_EQ(spool.last_error(), "");
}

TEST_F(SpoolTest, CorruptFilesWithTheSameNameAreAllKept) {
  for (int round = 0; round < 2; ++round) {
    Spool spool(dir_);
    EXPECT_EQ(spool.Append(MakeBatch(1)), 1U);
    WriteFile(dir_ / "00000000000000000001.batch", "garbage");
    EXPECT_FALSE(spool.Oldest().has_value());
    EXPECT_NE(spool.last_error(), "");
  }
  EXPECT_EQ(
      FileNames(dir_ / "corrupt"),
      (std::vector<std::string>{"00000000000000000001.batch", "00000000000000000001.batch.1"}));
}

// A spool left by a collector of an older format (tests/data/spool/format-N.batch, never
// regenerated: see IntervalBatchCodecTest.DecodesTheRecordedFormat1SpoolFile) is replayed after
// an upgrade, not moved to corrupt/: the spool holds the batch the codec reads from the file.
void ExpectReplayed(const fs::path& dir, const std::string& recorded) {
  fs::create_directories(dir);
  WriteFile(dir / "00000000000000000007.batch", recorded);
  Spool spool(dir);
  const auto entry = spool.Oldest();
  ASSERT_TRUE(entry.has_value()) << spool.last_error();
  EXPECT_EQ(entry->sequence, 7U);
  EXPECT_EQ(spool.last_error(), "");
  EXPECT_FALSE(fs::exists(dir / "corrupt"));
  EXPECT_EQ(entry->batch.cluster, "prod-eu");
  EXPECT_EQ(EncodeBatch(entry->batch), EncodeBatch(DecodeBatch(recorded)));
}

TEST_F(SpoolTest, ReadsABatchSpooledInFormat1) {
  ExpectReplayed(dir_, testing::ReadTestData("spool/format-1.batch"));
}

TEST_F(SpoolTest, ReadsABatchSpooledInFormat2) {
  ExpectReplayed(dir_, testing::ReadTestData("spool/format-2.batch"));
}

TEST_F(SpoolTest, ReadsABatchSpooledInFormat3) {
  const std::string recorded = testing::ReadTestData("spool/format-3.batch");
  ExpectReplayed(dir_, recorded);
  const auto entry = Spool(dir_).Oldest();
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->batch.costs.nodes.at(1).node_group, "gpu-spot");
}

TEST_F(SpoolTest, ReadsABatchSpooledInFormat4) {
  const std::string recorded = testing::ReadTestData("spool/format-4.batch");
  ExpectReplayed(dir_, recorded);
  const auto entry = Spool(dir_).Oldest();
  ASSERT_TRUE(entry.has_value());
  ASSERT_EQ(entry->batch.costs.volumes.size(), 3U);
  EXPECT_EQ(entry->batch.costs.volume_shares.at(2).labels.pod, "__unmounted__");
}

TEST_F(SpoolTest, ReadsABatchSpooledInFormat5) {
  const std::string recorded = testing::ReadTestData("spool/format-5.batch");
  ExpectReplayed(dir_, recorded);
  EXPECT_EQ(EncodeBatch(DecodeBatch(recorded)), recorded);
  const auto entry = Spool(dir_).Oldest();
  ASSERT_TRUE(entry.has_value());
  ASSERT_FALSE(entry->batch.node_labels.empty());
}

TEST_F(SpoolTest, DepthCountsPendingBatches) {
  Spool spool(dir_);
  for (int i = 0; i < 5; ++i) spool.Append(MakeBatch(i));
  EXPECT_EQ(spool.depth(), 5U);
  spool.Remove(spool.Oldest()->sequence);
  spool.Remove(spool.Oldest()->sequence);
  EXPECT_EQ(spool.depth(), 3U);
  EXPECT_EQ(Spool(dir_).depth(), 3U);
}

TEST_F(SpoolTest, RemovingAnUnknownSequenceIsHarmless) {
  Spool spool(dir_);
  spool.Append(MakeBatch(1));
  spool.Remove(99);
  EXPECT_EQ(spool.depth(), 1U);
}

}  // namespace
}  // namespace costledger::collector
