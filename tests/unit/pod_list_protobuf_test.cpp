// ParsePodListChunkProtobuf: the same pods, list metadata and errors as the JSON of the same
// list, from bytes built here field by field (numbers from k8s.io/api's generated.proto).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/simulator/simulator.hpp"
#include "costledger/sources/kubernetes_parser.hpp"
#include "same_pod.hpp"

namespace costledger::sources {
namespace {

using ::costledger::testing::ExpectSamePod;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// A protobuf message written by hand: tags, varints and length-delimited fields.
class Pb {
 public:
  Pb& Varint(std::uint32_t number, std::uint64_t value) {
    PutVarint((std::uint64_t{number} << 3U) | 0U);
    PutVarint(value);
    return *this;
  }
  Pb& Str(std::uint32_t number, std::string_view bytes) {
    PutVarint((std::uint64_t{number} << 3U) | 2U);
    PutVarint(bytes.size());
    out_.append(bytes);
    return *this;
  }
  Pb& Msg(std::uint32_t number, const Pb& message) { return Str(number, message.out_); }
  Pb& Fixed32(std::uint32_t number) {
    PutVarint((std::uint64_t{number} << 3U) | 5U);
    out_.append(4, '\x7f');
    return *this;
  }
  Pb& Fixed64(std::uint32_t number) {
    PutVarint((std::uint64_t{number} << 3U) | 1U);
    out_.append(8, '\x7f');
    return *this;
  }
  const std::string& bytes() const { return out_; }

 private:
  void PutVarint(std::uint64_t v) {
    while (v >= 0x80U) {
      out_.push_back(static_cast<char>((v & 0x7FU) | 0x80U));
      v >>= 7U;
    }
    out_.push_back(static_cast<char>(v));
  }
  std::string out_;
};

// 2024-05-06T00:14:39Z and an hour later.
constexpr std::int64_t kCreated = 1714954479;
constexpr std::int64_t kFinished = kCreated + 3600;

Pb Time(std::int64_t seconds) { return Pb().Varint(1, static_cast<std::uint64_t>(seconds)); }
Pb Entry(std::string_view key, std::string_view value) { return Pb().Str(1, key).Str(2, value); }
Pb QuantityEntry(std::string_view key, std::string_view quantity) {
  return Pb().Str(1, key).Msg(2, Pb().Str(1, quantity));
}

// magic + runtime.Unknown{typeMeta{apiVersion, kind}, raw}
std::string Body(std::string_view kind, const Pb& list) {
  return std::string("k8s\0", 4) +
         Pb().Msg(1, Pb().Str(1, "v1").Str(2, kind)).Msg(2, list).Str(4, "").bytes();
}

// A finished training pod with everything the collector reads, and fields it does not read
// (image, conditions, tolerations, fixed-width and unknown fields) in between.
Pb TrainingPod() {
  const Pb meta = Pb().Str(1, "train-7")
                      .Str(2, "train-")
                      .Str(3, "ml")
                      .Str(5, "uid-7")
                      .Varint(7, 3)
                      .Msg(8, Time(kCreated))
                      .Msg(11, Entry("team", "vision"))
                      .Msg(12, Entry("note", "annotations are not labels"))
                      .Msg(11, Entry("app", "trainer"))  // map entries need not be together
                      .Msg(13, Pb().Str(1, "Workflow").Str(3, "wf").Varint(6, 0))
                      .Msg(13, Pb().Str(1, "Job").Str(3, "train").Varint(6, 1).Str(5, "batch/v1"));
  const Pb trainer = Pb().Str(1, "trainer")
                         .Str(2, "pytorch:2.3")
                         .Msg(8, Pb().Msg(1, QuantityEntry("nvidia.com/gpu", "2"))
                                     .Msg(1, QuantityEntry("memory", "16Gi"))
                                     .Msg(2, QuantityEntry("cpu", "3500m"))
                                     .Msg(2, QuantityEntry("memory", "12Gi"))
                                     .Msg(2, QuantityEntry("ephemeral-storage", "1Gi")))
                         .Str(13, "/dev/termination-log");
  const Pb logger = Pb().Str(1, "logger").Msg(8, Pb().Msg(2, QuantityEntry("cpu", "100m")));
  const Pb sidecar =
      Pb().Str(1, "proxy").Msg(8, Pb().Msg(2, QuantityEntry("cpu", "250m"))).Str(24, "Always");
  const Pb init = Pb().Str(1, "fetch").Msg(8, Pb().Msg(2, QuantityEntry("cpu", "4")));
  const Pb spec =
      Pb().Msg(1, Pb().Str(1, "scratch").Msg(2, Pb().Msg(2, Pb())))  // emptyDir: not a claim
          .Msg(2, trainer)
          .Str(3, "Never")
          .Msg(1, Pb().Str(1, "data").Msg(2, Pb().Msg(10, Pb().Str(1, "data-train-7"))))
          .Str(10, "ip-10-0-1-2.ec2.internal")
          .Msg(20, init)
          .Msg(2, logger)
          .Msg(20, sidecar)
          .Msg(22, Pb().Str(1, "nvidia.com/gpu").Str(2, "Exists"))
          .Fixed32(99)
          .Fixed64(98);
  const Pb terminated = [](std::int64_t finished) {
    return Pb().Msg(3, Pb().Varint(1, 0).Msg(5, Time(kCreated + 60)).Msg(6, Time(finished)));
  }(kFinished);
  const Pb status =
      Pb().Str(1, "Succeeded")
          .Msg(2, Pb().Str(1, "Ready").Str(2, "False").Msg(3, Pb()).Msg(4, Time(kFinished)))
          .Msg(7, Time(kCreated + 30))
          .Msg(8, Pb().Str(1, "trainer").Msg(2, terminated).Msg(3, Pb()).Str(6, "pytorch"))
          .Msg(8, Pb().Str(1, "logger").Msg(2, Pb().Msg(3, Pb().Msg(6, Time(kFinished - 5)))))
          .Str(9, "Burstable");
  return Pb().Msg(1, meta).Msg(2, spec).Msg(3, status);
}

// The same pod in JSON, as the API server writes it.
constexpr std::string_view kTrainingPodJson = R"({"kind":"PodList","apiVersion":"v1",
  "metadata":{"resourceVersion":"42"},"items":[{
  "metadata":{"name":"train-7","generateName":"train-","namespace":"ml","uid":"uid-7",
    "generation":3,"creationTimestamp":"2024-05-06T00:14:39Z",
    "labels":{"team":"vision","app":"trainer"},
    "annotations":{"note":"annotations are not labels"},
    "ownerReferences":[{"kind":"Workflow","name":"wf","controller":false},
      {"apiVersion":"batch/v1","kind":"Job","name":"train","controller":true}]},
  "spec":{"volumes":[{"name":"scratch","emptyDir":{}},
      {"name":"data","persistentVolumeClaim":{"claimName":"data-train-7"}}],
    "containers":[{"name":"trainer","image":"pytorch:2.3","resources":{
        "limits":{"nvidia.com/gpu":"2","memory":"16Gi"},
        "requests":{"cpu":"3500m","memory":"12Gi","ephemeral-storage":"1Gi"}}},
      {"name":"logger","resources":{"requests":{"cpu":"100m"}}}],
    "restartPolicy":"Never","nodeName":"ip-10-0-1-2.ec2.internal",
    "initContainers":[{"name":"fetch","resources":{"requests":{"cpu":"4"}}},
      {"name":"proxy","resources":{"requests":{"cpu":"250m"}},"restartPolicy":"Always"}]},
  "status":{"phase":"Succeeded","startTime":"2024-05-06T00:15:09Z",
    "containerStatuses":[
      {"name":"trainer","state":{"terminated":{"exitCode":0,
        "startedAt":"2024-05-06T00:15:39Z","finishedAt":"2024-05-06T01:14:39Z"}}},
      {"name":"logger","state":{"terminated":{"finishedAt":"2024-05-06T01:14:34Z"}}}],
    "qosClass":"Burstable"}}]})";

std::vector<model::Pod> ParseProtobuf(const std::string& body, ListMetadata* meta = nullptr) {
  std::vector<model::Pod> pods;
  ListMetadata m = ParsePodListChunkProtobuf(body, pods);
  if (meta != nullptr) *meta = m;
  return pods;
}

TEST(PodListProtobuf, ReadsWhatTheJsonOfTheSameListGives) {
  const std::vector<model::Pod> pods =
      ParseProtobuf(Body("PodList", Pb().Msg(1, Pb().Str(2, "42")).Msg(2, TrainingPod())));
  const std::vector<model::Pod> json = ParsePodList(kTrainingPodJson);
  ASSERT_EQ(pods.size(), 1U);
  ASSERT_EQ(json.size(), 1U);
  ExpectSamePod(pods[0], json[0]);
  // And what that is, so that both cannot be wrong the same way.
  const model::Pod& p = pods[0];
  EXPECT_EQ(p.namespace_name, "ml");
  EXPECT_EQ(p.labels.size(), 2U);
  EXPECT_EQ(p.controller_kind, "Job");
  EXPECT_EQ(p.controller_name, "train");
  ASSERT_EQ(p.containers.size(), 2U);
  EXPECT_EQ(p.containers[0].requests.cpu_millicores, 3500);
  EXPECT_EQ(p.containers[0].requests.gpu_devices, 2);  // defaulted to the limit
  EXPECT_EQ(p.containers[0].limits.memory_bytes, std::int64_t{16} << 30U);
  ASSERT_EQ(p.init_containers.size(), 2U);
  // max(apps + sidecar = 3500 + 100 + 250, the init container before the sidecar = 4000)
  EXPECT_EQ(p.effective_requests.cpu_millicores, 4000);
  ASSERT_EQ(p.claims.size(), 1U);
  EXPECT_EQ(p.claims[0].claim, "data-train-7");
  EXPECT_EQ(p.phase, model::PodPhase::kSucceeded);
  EXPECT_EQ(p.created, std::chrono::sys_seconds{std::chrono::seconds{kCreated}});
  EXPECT_EQ(p.started, std::chrono::sys_seconds{std::chrono::seconds{kCreated + 30}});
  EXPECT_EQ(p.finished, std::chrono::sys_seconds{std::chrono::seconds{kFinished}});
}

TEST(PodListProtobuf, ReadsTheListMetadataOfAChunk) {
  ListMetadata meta;
  const std::vector<model::Pod> pods = ParseProtobuf(
      Body("PodList", Pb().Msg(1, Pb().Str(2, "19655185600").Str(3, "eyJ2Ijo").Varint(4, 150149))
                          .Msg(2, TrainingPod())
                          .Msg(2, TrainingPod())),
      &meta);
  EXPECT_EQ(pods.size(), 2U);
  EXPECT_EQ(meta.resource_version, "19655185600");
  EXPECT_EQ(meta.continue_token, "eyJ2Ijo");
  EXPECT_EQ(meta.remaining_item_count, 150149);

  ListMetadata last;
  EXPECT_TRUE(ParseProtobuf(Body("PodList", Pb().Msg(1, Pb().Str(2, "7"))), &last).empty());
  EXPECT_TRUE(last.continue_token.empty());
  EXPECT_FALSE(last.remaining_item_count.has_value());
}

TEST(PodListProtobuf, AnEmptyTimeIsTheZeroTimeAndNotSet) {
  const Pb pod = Pb().Msg(1, Pb().Str(1, "p").Str(3, "ns").Msg(8, Pb()))
                     .Msg(2, Pb().Msg(2, Pb().Str(1, "c")))
                     .Msg(3, Pb().Str(1, "Running"));
  const std::vector<model::Pod> pods = ParseProtobuf(Body("PodList", Pb().Msg(2, pod)));
  ASSERT_EQ(pods.size(), 1U);
  EXPECT_FALSE(pods[0].created.has_value());
  EXPECT_FALSE(pods[0].started.has_value());
  EXPECT_EQ(pods[0].phase, model::PodPhase::kRunning);
}

TEST(PodListProtobuf, ItemErrorsReadAsTheJsonOnes) {
  const Pb bad_cpu =
      Pb().Msg(1, Pb().Str(1, "p").Str(3, "ns"))
          .Msg(2, Pb().Msg(2, Pb().Str(1, "c").Msg(8, Pb().Msg(2, QuantityEntry("cpu", "lots")))));
  std::vector<model::Pod> pods;
  EXPECT_THAT(
      [&] { ParsePodListChunkProtobuf(Body("PodList", Pb().Msg(2, bad_cpu)), pods); },
      ThrowsMessage<InvalidInput>(HasSubstr("pod ns/p container \"c\": resources.requests.cpu: ")));
  EXPECT_THAT(
      [&] {
        ParsePodListChunkProtobuf(Body("PodList", Pb().Msg(2, TrainingPod()).Msg(2, Pb())), pods);
      },
      ThrowsMessage<InvalidInput>(HasSubstr("PodList items[1]: metadata.name: missing")));
  EXPECT_TRUE(pods.empty());  // never a partial chunk
  EXPECT_THAT([&] { ParsePodListChunkProtobuf(Body("NodeList", Pb()), pods); },
              ThrowsMessage<InvalidInput>(HasSubstr(R"(expected kind "PodList", got "NodeList")")));
}

TEST(PodListProtobuf, MalformedBytesAreRefusedWithTheirOffset) {
  std::vector<model::Pod> pods;
  const auto refused = [&](const std::string& body, std::string_view what) {
    EXPECT_THAT([&] { ParsePodListChunkProtobuf(body, pods); },
                ThrowsMessage<InvalidInput>(HasSubstr(what)))
        << what;
  };
  refused(R"({"kind":"PodList"})", R"(PodList: malformed protobuf at byte 0: no "k8s\0" prefix)");
  // The name as a varint: the tag of metadata.name is at byte 4 (magic) + 15 (typeMeta: tag,
  // length, "v1" and "PodList" with their tags and lengths) + 2 (raw's tag and length) + 2
  // (items') + 2 (metadata's).
  refused(Body("PodList", Pb().Msg(2, Pb().Msg(1, Pb().Varint(1, 7)))),
          "PodList: malformed protobuf at byte 25: name: expected a length-delimited field");
  refused(std::string("k8s\0", 4) + Pb().Str(3, "gzip").bytes(),
          "content encoding \"gzip\" is not supported");
  refused(std::string("k8s\0\x0b", 5), "groups are not part of Kubernetes' encoding");
  // Strings the records keep are UTF-8, as JSON's always are (found by the fuzzer: a kind of
  // invalid UTF-8 made the kind error throw a JSON library exception).
  refused(Body("St\x9dtus", Pb()), "typeMeta.kind: not valid UTF-8");
  refused(Body("PodList",
               Pb().Msg(2, Pb().Msg(1, Pb().Str(1, "p").Msg(11, Entry("team", "\xc0\xaf"))))),
          "labels: not valid UTF-8");
  refused(Body("PodList", Pb().Msg(2, Pb().Msg(1, Pb().Str(1, "p\xff")))), "name: not valid UTF-8");
  refused(std::string("k8s\0\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 15),
          "varint longer than ten bytes");

  // Every truncation of a valid body is refused, or, cut at a field boundary of the envelope,
  // read as what it holds (no pods before raw; both pods before the empty contentType), and
  // never leaves a partial chunk.
  const std::string whole =
      Body("PodList", Pb().Msg(1, Pb().Str(2, "1")).Msg(2, TrainingPod()).Msg(2, TrainingPod()));
  for (std::size_t n = 0; n < whole.size(); ++n) {
    std::vector<model::Pod> out;
    try {
      ParsePodListChunkProtobuf(std::string_view{whole}.substr(0, n), out);
    } catch (const InvalidInput&) {
      EXPECT_TRUE(out.empty()) << n;
      continue;
    }
    EXPECT_EQ(out.size(), n == whole.size() - 2 ? 2U : 0U) << "a cut at byte " << n;
  }
  EXPECT_EQ(ParseProtobuf(whole).size(), 2U);
}

// Whole simulated clusters, chunk by chunk as the collector lists them, read the same in both
// encodings: every field the collector takes, of every pod (Running, Pending, finished, with
// init containers, sidecars, GPUs and claims).
TEST(PodListProtobuf, SimulatedClustersReadTheSameInBothEncodings) {
  using std::chrono::hours;
  const std::chrono::sys_seconds t0{std::chrono::seconds{1'714'564'800}};
  std::size_t finished = 0;
  std::size_t claims = 0;
  std::size_t init = 0;
  for (const std::uint64_t seed : {1U, 5U}) {
    const simulator::Simulator sim(simulator::SimulatorOptions{seed, {40, 1'200}});
    for (const std::chrono::sys_seconds t : {t0, t0 + hours(9)}) {
      std::vector<model::Pod> json;
      std::vector<model::Pod> protobuf;
      std::string target = "/api/v1/pods?limit=100";
      for (int chunks = 0; chunks < 100; ++chunks) {
        const simulator::Response j = sim.Handle("GET", target, t);
        const simulator::Response p =
            sim.Handle("GET", target, t, "application/vnd.kubernetes.protobuf,application/json");
        ASSERT_EQ(p.content_type, kKubernetesProtobuf);
        const ListMetadata jm = ParsePodListChunk(*j.body, json);
        const ListMetadata pm = ParsePodListChunkProtobuf(*p.body, protobuf);
        EXPECT_EQ(pm.continue_token, jm.continue_token);
        EXPECT_EQ(pm.remaining_item_count, jm.remaining_item_count);
        EXPECT_EQ(pm.resource_version, jm.resource_version);
        if (jm.continue_token.empty()) break;
        target = "/api/v1/pods?limit=100&continue=" + jm.continue_token;
      }
      ASSERT_EQ(protobuf.size(), json.size());
      ASSERT_GT(json.size(), 1'000U);
      for (std::size_t i = 0; i < json.size(); ++i) {
        SCOPED_TRACE(json[i].name);
        ExpectSamePod(protobuf[i], json[i]);
        finished += json[i].finished.has_value() ? 1 : 0;
        claims += json[i].claims.size();
        init += json[i].init_containers.size();
      }
    }
  }
  // The clusters had what makes the comparison worth something.
  EXPECT_GT(finished, 0U);
  EXPECT_GT(claims, 0U);
  EXPECT_GT(init, 0U);
}

TEST(PodListProtobuf, StatusMessageOfAnErrorSentInProtobuf) {
  const std::string status =
      Body("Status", Pb().Msg(1, Pb())
                         .Str(2, "Failure")
                         .Str(3, "The provided continue parameter is too old")
                         .Str(4, "Expired")
                         .Varint(6, 410));
  EXPECT_EQ(KubernetesStatusMessageProtobuf(status), "The provided continue parameter is too old");
  EXPECT_EQ(KubernetesStatusMessageProtobuf(R"({"kind":"Status"})"), "");
  EXPECT_EQ(KubernetesStatusMessageProtobuf(Body("PodList", Pb().Str(3, "x"))), "");
  EXPECT_EQ(KubernetesStatusMessageProtobuf(status.substr(0, status.size() - 3)), "");
}

}  // namespace
}  // namespace costledger::sources
