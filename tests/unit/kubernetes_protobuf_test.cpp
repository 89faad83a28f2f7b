// The simulator's Kubernetes protobuf encoding: exact bytes by hand for small documents, every
// pod list a simulated cluster renders, and /api/v1/pods negotiated by Accept. Pure.
#include "costledger/simulator/kubernetes_protobuf.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/simulator/cluster_spec.hpp"
#include "costledger/simulator/cluster_state.hpp"
#include "costledger/simulator/kubernetes_render.hpp"
#include "costledger/simulator/simulator.hpp"

namespace costledger::simulator {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr sys_seconds kT{seconds(1'714'564'800)};  // 2024-05-01T12:00:00Z
constexpr std::string_view kClientGoAccept =
    "application/vnd.kubernetes.protobuf, application/json";

// Bytes written as numbers, for the parts of an expected encoding that are not text.
std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (const int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// ---- A protobuf field walker, enough to check structure. ----

struct PbField {
  std::uint32_t number = 0;
  std::uint32_t wire_type = 0;
  std::uint64_t varint = 0;  // wire type 0
  std::string_view bytes;    // wire type 2: the payload; wire type 0: the varint's own bytes
};

// The fields of `message` in the order written; a failure (and what was read) when malformed.
std::vector<PbField> Walk(std::string_view message) {
  std::vector<PbField> fields;
  std::size_t at = 0;
  const auto varint = [&](std::uint64_t& value) {
    value = 0;
    for (unsigned shift = 0; at < message.size() && shift < 64; shift += 7) {
      const auto byte = static_cast<unsigned char>(message[at++]);
      value |= std::uint64_t{byte & 0x7FU} << shift;
      if ((byte & 0x80U) == 0) return true;
    }
    return false;
  };
  while (at < message.size()) {
    std::uint64_t tag = 0;
    if (!varint(tag)) {
      ADD_FAILURE() << "truncated tag at " << at;
      return fields;
    }
    PbField field;
    field.number = static_cast<std::uint32_t>(tag >> 3U);
    field.wire_type = static_cast<std::uint32_t>(tag & 7U);
    const std::size_t value_at = at;
    if (field.wire_type == 0) {
      if (!varint(field.varint)) {
        ADD_FAILURE() << "truncated varint of field " << field.number;
        return fields;
      }
      field.bytes = message.substr(value_at, at - value_at);
    } else if (field.wire_type == 2) {
      std::uint64_t size = 0;
      if (!varint(size) || size > message.size() - at) {
        ADD_FAILURE() << "bad length of field " << field.number;
        return fields;
      }
      field.bytes = message.substr(at, size);
      at += size;
    } else {
      ADD_FAILURE() << "wire type " << field.wire_type << " of field " << field.number;
      return fields;
    }
    fields.push_back(field);
  }
  return fields;
}

// Every field `number` of `message`.
std::vector<PbField> All(std::string_view message, std::uint32_t number) {
  std::vector<PbField> out;
  for (const PbField& f : Walk(message)) {
    if (f.number == number) out.push_back(f);
  }
  return out;
}

// The one field `number` of `message` (a failure unless there is exactly one).
PbField One(std::string_view message, std::uint32_t number) {
  const std::vector<PbField> found = All(message, number);
  EXPECT_EQ(found.size(), 1U) << "field " << number;
  return found.empty() ? PbField{} : found.front();
}

std::string Text(std::string_view message, std::uint32_t number) {
  return std::string(One(message, number).bytes);
}

std::vector<std::uint32_t> Numbers(std::string_view message) {
  std::vector<std::uint32_t> numbers;
  for (const PbField& f : Walk(message)) numbers.push_back(f.number);
  return numbers;
}

bool Ascending(const std::vector<std::uint32_t>& numbers) {
  return std::is_sorted(numbers.begin(), numbers.end());
}

// Checks the magic and the runtime.Unknown around an object; returns its message (raw).
std::string_view Unwrap(std::string_view body, std::string_view kind) {
  EXPECT_EQ(body.substr(0, 4), std::string_view("k8s\0", 4));
  body.remove_prefix(std::min<std::size_t>(4, body.size()));
  EXPECT_EQ(Numbers(body), (std::vector<std::uint32_t>{1, 2}));
  const std::string_view type_meta = One(body, 1).bytes;
  EXPECT_EQ(Text(type_meta, 1), "v1");
  EXPECT_EQ(Text(type_meta, 2), kind);
  return One(body, 2).bytes;
}

// ---- Encodings by hand. ----

TEST(KubernetesProtobufTest, ATinyPodListByteForByte) {
  // Keys out of field-number order on purpose: the encoding is in number order.
  const std::string json = R"({"kind":"PodList","apiVersion":"v1",
    "items":[{"spec":{"containers":[{"resources":{"requests":{"cpu":"1"}},"name":"c"}]},
              "metadata":{"labels":{"app":"x"},"creationTimestamp":"1970-01-01T00:05:00Z",
                          "name":"a"}}],
    "metadata":{"resourceVersion":"7"}})";
  const std::string expected =
      std::string("k8s\0", 4) +
      // Unknown.typeMeta (1), 13 bytes: apiVersion (1) "v1", kind (2) "PodList"
      Bytes({0x0a, 13}) + Bytes({0x0a, 2}) + "v1" + Bytes({0x12, 7}) + "PodList" +
      // Unknown.raw (2): the PodList, 48 bytes
      Bytes({0x12, 48}) +
      // PodList.metadata (1): ListMeta.resourceVersion (2) "7"
      Bytes({0x0a, 3, 0x12, 1}) + "7" +
      // PodList.items (2): one Pod, 41 bytes
      Bytes({0x12, 41}) +
      // Pod.metadata (1), 18 bytes: ObjectMeta.name (1) "a"; creationTimestamp (8), tag
      // 8<<3|2 = 0x42: Time.seconds (1) 300 = varint ac 02; labels (11), tag 0x5a: one entry
      // {key (1) "app", value (2) "x"}
      Bytes({0x0a, 18}) + Bytes({0x0a, 1}) + "a" + Bytes({0x42, 3, 0x08, 0xac, 0x02}) +
      Bytes({0x5a, 8, 0x0a, 3}) + "app" + Bytes({0x12, 1}) + "x" +
      // Pod.spec (2), 19 bytes: PodSpec.containers (2), 17 bytes: Container.name (1) "c";
      // resources (8), tag 0x42, 12 bytes: requests (2), one entry of 10 bytes {key "cpu",
      // value (2) Quantity {string (1) "1"}}
      Bytes({0x12, 19}) + Bytes({0x12, 17}) + Bytes({0x0a, 1}) + "c" + Bytes({0x42, 12}) +
      Bytes({0x12, 10, 0x0a, 3}) + "cpu" + Bytes({0x12, 3, 0x0a, 1}) + "1";
  ASSERT_EQ(expected.size(), 69U);
  EXPECT_EQ(EncodeKubernetesProtobuf(json), expected);
}

TEST(KubernetesProtobufTest, AStatusByteForByte) {
  const std::string json = RenderStatus(410, "Expired", "too old");
  const std::string expected = std::string("k8s\0", 4) + Bytes({0x0a, 12, 0x0a, 2}) + "v1" +
                               Bytes({0x12, 6}) + "Status" + Bytes({0x12, 32}) +
                               // metadata (1): an empty ListMeta; status (2); message (3); reason
                               // (4); code (6) 410 = varint 9a 03
                               Bytes({0x0a, 0}) + Bytes({0x12, 7}) + "Failure" + Bytes({0x1a, 7}) +
                               "too old" + Bytes({0x22, 7}) + "Expired" + Bytes({0x30, 0x9a, 0x03});
  EXPECT_EQ(EncodeKubernetesProtobuf(json), expected);
}

// One pod of a PodList, by JSON fragments of its metadata, spec and status.
std::string PodListOf(std::string_view pod) {
  return R"({"kind":"PodList","apiVersion":"v1","metadata":{},"items":[)" + std::string(pod) + "]}";
}

std::string_view OnlyPod(std::string_view body) { return One(Unwrap(body, "PodList"), 2).bytes; }

TEST(KubernetesProtobufTest, NullTimesNegativeIntsMapsAndOrder) {
  const std::string body = EncodeKubernetesProtobuf(PodListOf(R"({
      "status":{"qosClass":"Burstable","containerStatuses":[{"restartCount":-2,"name":"c",
        "state":{"terminated":{"exitCode":-1}},"lastState":{}}],
        "conditions":[{"type":"Ready","lastProbeTime":null,"status":"True"}],"phase":"Running"},
      "spec":{"priority":0,"volumes":[{"persistentVolumeClaim":{"claimName":"pvc"},"name":"data"}],
        "nodeSelector":{"z":"1","b":"2","a":""},"hostNetwork":true,"securityContext":{},
        "containers":[{"name":"c"}],"initContainers":[{"name":"i"}],"nodeName":"n"},
      "metadata":{"labels":{"b":"2","a":"1","ab":"3"},"deletionTimestamp":null,"name":"p"}})"));
  const std::string_view pod = OnlyPod(body);
  EXPECT_EQ(Numbers(pod), (std::vector<std::uint32_t>{1, 2, 3}));

  const std::string_view metadata = One(pod, 1).bytes;
  EXPECT_EQ(Numbers(metadata), (std::vector<std::uint32_t>{1, 9, 11, 11, 11}));
  EXPECT_EQ(One(metadata, 9).bytes, "");  // a null Time: the field, empty
  std::vector<std::string> labels;
  for (const PbField& entry : All(metadata, 11)) {
    EXPECT_EQ(Numbers(entry.bytes), (std::vector<std::uint32_t>{1, 2}));
    labels.push_back(Text(entry.bytes, 1) + "=" + Text(entry.bytes, 2));
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"a=1", "ab=3", "b=2"}));  // sorted by key

  const std::string_view spec = One(pod, 2).bytes;
  EXPECT_EQ(Numbers(spec), (std::vector<std::uint32_t>{1, 2, 7, 7, 7, 10, 11, 14, 20, 25}));
  // Volume {name (1), volumeSource (2) {persistentVolumeClaim (10) {claimName (1)}}}: the
  // inlined JSON members are one nested message.
  EXPECT_EQ(One(spec, 1).bytes,
            Bytes({0x0a, 4}) + "data" + Bytes({0x12, 7, 0x52, 5, 0x0a, 3}) + "pvc");
  EXPECT_EQ(Text(All(spec, 7).front().bytes, 1), "a");
  EXPECT_EQ(All(spec, 7).front().bytes, Bytes({0x0a, 1}) + "a" + Bytes({0x12, 0}));
  EXPECT_EQ(One(spec, 11).varint, 1U);
  EXPECT_EQ(One(spec, 14).bytes, "");  // securityContext {}
  EXPECT_EQ(One(spec, 25).bytes, Bytes({0}));
  EXPECT_EQ(Text(One(spec, 20).bytes, 1), "i");

  const std::string_view status = One(pod, 3).bytes;
  EXPECT_EQ(Numbers(status), (std::vector<std::uint32_t>{1, 2, 8, 9}));
  const std::string_view condition = One(status, 2).bytes;
  EXPECT_EQ(condition, Bytes({0x0a, 5}) + "Ready" + Bytes({0x12, 4}) + "True" + Bytes({0x1a, 0}));
  const std::string_view container = One(status, 8).bytes;
  EXPECT_EQ(Numbers(container), (std::vector<std::uint32_t>{1, 2, 3, 5}));
  EXPECT_EQ(One(container, 3).bytes, "");  // lastState {}
  // Negative int32s: 10-byte two's complement varints.
  EXPECT_EQ(One(container, 5).bytes,
            Bytes({0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
  EXPECT_EQ(One(container, 2).bytes,
            Bytes({0x1a, 11, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
}

TEST(KubernetesProtobufTest, TheKindMayComeLast) {
  const std::string first =
      R"({"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"p"}}]})";
  const std::string last =
      R"({"items":[{"metadata":{"name":"p"}}],"apiVersion":"v1","kind":"PodList"})";
  EXPECT_EQ(EncodeKubernetesProtobuf(last), EncodeKubernetesProtobuf(first));
}

TEST(KubernetesProtobufTest, ABufferIsReused) {
  const std::string json = RenderStatus(400, "BadRequest", "no");
  std::string buffer = "left over";
  buffer.reserve(4096);
  const std::string body = EncodeKubernetesProtobuf(json, std::move(buffer));
  EXPECT_EQ(body, EncodeKubernetesProtobuf(json));
  EXPECT_GE(body.capacity(), 4096U);
}

void ExpectInvalid(const std::string& json, std::initializer_list<std::string_view> words) {
  try {
    static_cast<void>(EncodeKubernetesProtobuf(json));
    ADD_FAILURE() << "no error for " << json;
  } catch (const InvalidInput& e) {
    const std::string what = e.what();
    for (const std::string_view word : words) {
      EXPECT_NE(what.find(word), std::string::npos) << what << " lacks " << word;
    }
  }
}

TEST(KubernetesProtobufTest, WhatTheSchemaLacksIsAnError) {
  ExpectInvalid(PodListOf(R"({"spec":{"affinity":{}}})"), {"PodSpec", "\"affinity\""});
  ExpectInvalid(PodListOf(R"({"metadata":{"managedFields":[]}})"),
                {"ObjectMeta", "\"managedFields\""});
  ExpectInvalid(PodListOf(R"({"spec":{"volumes":[{"name":"v","emptyDir":{}}]}})"),
                {"Volume", "\"emptyDir\""});
  ExpectInvalid(R"({"kind":"Status","apiVersion":"v1","details":{"causes":[]}})",
                {"StatusDetails", "\"causes\""});
  ExpectInvalid(R"({"kind":"PodList","selfLink":"x"})", {"PodList", "\"selfLink\""});
  // Values of the wrong type.
  ExpectInvalid(PodListOf(R"({"spec":{"hostNetwork":"yes"}})"), {"PodSpec.hostNetwork"});
  ExpectInvalid(PodListOf(R"({"spec":{"priority":3000000000}})"), {"PodSpec.priority"});
  ExpectInvalid(PodListOf(R"({"spec":{"priority":1.5}})"), {"PodSpec.priority"});
  ExpectInvalid(PodListOf(R"({"spec":{"containers":{}}})"), {"PodSpec.containers"});
  ExpectInvalid(PodListOf(R"({"metadata":{"labels":{"a":1}}})"), {"ObjectMeta.labels"});
  ExpectInvalid(PodListOf(R"({"metadata":{"labels":{"a":"1","a":"2"}}})"), {"twice"});
  ExpectInvalid(PodListOf(R"({"metadata":{"creationTimestamp":"yesterday"}})"),
                {"ObjectMeta.creationTimestamp", "yesterday"});
  // Documents it does not encode.
  ExpectInvalid(R"({"kind":"NodeList","apiVersion":"v1","items":[]})", {"NodeList"});
  ExpectInvalid(R"({"items":[]})", {"kind"});
  ExpectInvalid(R"([1,2])", {"object"});
}

// The JSON reader under the transcoder: strings unescaped, strictly JSON or an error.
TEST(KubernetesProtobufTest, StringsAreUnescaped) {
  const auto label = [](std::string_view value_json) {
    const std::string body = EncodeKubernetesProtobuf(
        PodListOf(R"({"metadata":{"labels":{"k":)" + std::string(value_json) + "}}}"));
    return Text(One(One(OnlyPod(body), 1).bytes, 11).bytes, 2);
  };
  EXPECT_EQ(label(R"("plain")"), "plain");
  EXPECT_EQ(label(R"("a\"b\\c\/d\b\f\n\r\t")"), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(label(R"("\u0041\u00e9\u20AC\ud83d\ude00\u0000")"),
            std::string("A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\0", 11));
  EXPECT_EQ(label("\"caf\xc3\xa9 \xf0\x9f\x98\x80\""), "caf\xc3\xa9 \xf0\x9f\x98\x80");
  // Whatever nlohmann::json escapes (ASCII only: every other character as \u, beyond U+FFFF
  // as a surrogate pair) reads back as the text it escaped; so does its UTF-8 form.
  std::string all;
  for (int c = 1; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  // The first and last characters of each UTF-8 length and around the surrogates.
  all += "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf";
  all += "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf";
  EXPECT_EQ(label(nlohmann::json(all).dump(-1, ' ', true)), all);
  EXPECT_EQ(label(nlohmann::json(all).dump()), all);
}

TEST(KubernetesProtobufTest, WhatIsNotJsonIsAnError) {
  const std::string pod = R"({"kind":"PodList","items":[{"metadata":{"name":)";
  for (const std::string& bad : {
           std::string(R"({"kind":"PodList",)"),
           std::string(R"({"kind":"PodList"} x)"),
           std::string(R"({"kind":"PodList",})"),
           std::string(R"({"kind" "PodList"})"),
           std::string(R"({kind:"PodList"})"),
           std::string(R"({"kind":"PodList","items":[,]})"),
           std::string(R"({"kind":"PodList","items":[{}],})"),
           pod + R"("a\x"}}]})",
           pod + R"("a\u12"}}]})",
           pod + R"("\udc00"}}]})",
           pod + R"("\ud800x"}}]})",
           pod + "\"a\nb\"}}]}",
           pod + "\"\xc0\xaf\"}}]}",          // overlong
           pod + "\"\xed\xa0\x80\"}}]}",      // a surrogate
           pod + "\"\xf4\x90\x80\x80\"}}]}",  // beyond U+10FFFF
           pod + "\"\xe2\x82\"}}]}",          // cut short
           pod + "\"a\"}}]}\x80",
           std::string(R"({"kind":"PodList","metadata":{"remainingItemCount":01}})"),
           std::string(R"({"kind":"PodList","metadata":{"remainingItemCount":-}})"),
           std::string(R"({"kind":"PodList","metadata":{"remainingItemCount":1.}})"),
           std::string(R"({"kind":"PodList","metadata":{"remainingItemCount":tru}})"),
           std::string(100, '['),
           std::string(),
       }) {
    EXPECT_THROW(static_cast<void>(EncodeKubernetesProtobuf(bad)), InvalidInput) << bad;
  }
  ExpectInvalid(R"({"kind":"PodList",)", {"not JSON at byte 19"});
  // Numbers JSON allows but the field does not: named by the field.
  ExpectInvalid(R"({"kind":"PodList","metadata":{"remainingItemCount":1e3}})",
                {"ListMeta.remainingItemCount", "1e3"});
  ExpectInvalid(R"({"kind":"PodList","metadata":{"remainingItemCount":9223372036854775808}})",
                {"ListMeta.remainingItemCount"});
  // Blanks wherever JSON allows them.
  EXPECT_EQ(EncodeKubernetesProtobuf(" {\n\t\"kind\" : \"Status\" ,\r\n \"code\":-1 } "),
            EncodeKubernetesProtobuf(R"({"kind":"Status","code":-1})"));
}

// ---- What the simulator serves. ----

// Every pod list of a few clusters, at a few times, transcodes, and its pods are the JSON's.
TEST(KubernetesProtobufTest, SimulatedPodListsTranscode) {
  for (const std::uint64_t seed : {1U, 2U, 3U}) {
    for (const ClusterSize size :
         {ClusterSize{3, 10}, ClusterSize{20, 200}, ClusterSize{60, 900}}) {
      const Simulator sim(SimulatorOptions{seed, size});
      for (const sys_seconds t : {kT, kT + hours(7), kT + hours(30)}) {
        const Response response = sim.Handle("GET", "/api/v1/pods", t);
        ASSERT_EQ(response.status, 200);
        const nlohmann::json json = nlohmann::json::parse(*response.body);
        std::string body;
        ASSERT_NO_THROW(body = EncodeKubernetesProtobuf(*response.body))
            << "seed " << seed << ", " << size.nodes << " nodes";
        // The same document with its keys sorted (the kind after the items) and its strings
        // escaped otherwise encodes to the same bytes.
        EXPECT_EQ(EncodeKubernetesProtobuf(json.dump(-1, ' ', seed == 2)), body);
        const std::string_view list = Unwrap(body, "PodList");
        EXPECT_EQ(Text(One(list, 1).bytes, 2), json["metadata"]["resourceVersion"]);
        const std::vector<PbField> items = All(list, 2);
        ASSERT_EQ(items.size(), json["items"].size()) << "seed " << seed;
        for (std::size_t i = 0; i < items.size(); ++i) {
          const nlohmann::json& pod = json["items"][i];
          const std::string_view metadata = One(items[i].bytes, 1).bytes;
          EXPECT_EQ(Text(metadata, 1), pod["metadata"]["name"]);
          EXPECT_EQ(Text(metadata, 3), pod["metadata"]["namespace"]);
          EXPECT_EQ(All(metadata, 11).size(), pod["metadata"]["labels"].size());
          const std::string_view spec = One(items[i].bytes, 2).bytes;
          EXPECT_TRUE(Ascending(Numbers(spec)));
          EXPECT_EQ(All(spec, 2).size(), pod["spec"]["containers"].size());
          const std::string_view status = One(items[i].bytes, 3).bytes;
          EXPECT_TRUE(Ascending(Numbers(status)));
          EXPECT_EQ(Text(status, 1), pod["status"]["phase"]);
          EXPECT_EQ(All(status, 8).size(),
                    pod["status"].value("containerStatuses", nlohmann::json::array()).size());
        }
      }
    }
  }
}

Response Get(const Simulator& sim, const std::string& target, sys_seconds t,
             std::string_view accept = kClientGoAccept) {
  return sim.Handle("GET", target, t, accept);
}

TEST(KubernetesProtobufTest, PodsAnswerInTheEncodingAccepted) {
  const Simulator sim(SimulatorOptions{1, {20, 200}});
  const Response json = sim.Handle("GET", "/api/v1/pods", kT);
  EXPECT_EQ(json.content_type, "application/json");
  const Response protobuf = Get(sim, "/api/v1/pods", kT);
  EXPECT_EQ(protobuf.status, 200);
  EXPECT_EQ(protobuf.content_type, "application/vnd.kubernetes.protobuf");
  EXPECT_EQ(*protobuf.body, EncodeKubernetesProtobuf(*json.body));
  // Cached apart: asking again in either encoding gives that encoding.
  EXPECT_EQ(sim.Handle("GET", "/api/v1/pods", kT).content_type, "application/json");
  EXPECT_EQ(Get(sim, "/api/v1/pods", kT).body, protobuf.body);
  EXPECT_EQ(sim.Handle("HEAD", "/api/v1/pods", kT, kClientGoAccept).content_type,
            "application/vnd.kubernetes.protobuf");

  for (const std::string_view accept :
       {"application/vnd.kubernetes.protobuf", "Application/Vnd.Kubernetes.Protobuf;q=0.5",
        "application/json;q=0.9, application/vnd.kubernetes.protobuf ; q=1"}) {
    EXPECT_EQ(Get(sim, "/api/v1/pods", kT, accept).content_type, kKubernetesProtobuf) << accept;
  }
  for (const std::string_view accept :
       {"", "application/json", "*/*", "application/vnd.kubernetes.protobuf;q=0, application/json",
        "application/vnd.kubernetes.protobuf; q=0.000", "application/vnd.kubernetes.protobufx"}) {
    EXPECT_EQ(Get(sim, "/api/v1/pods", kT, accept).content_type, "application/json") << accept;
  }
  // Other routes stay JSON (or text) whatever the client accepts.
  for (const std::string_view target :
       {"/api/v1/nodes", "/api/v1/nodes?limit=5", "/api/v1/persistentvolumeclaims", "/nope"}) {
    const Response other = Get(sim, std::string(target), kT);
    EXPECT_EQ(other.content_type, "application/json") << target;
    EXPECT_EQ(other.body->front(), '{') << target;
  }
}

TEST(KubernetesProtobufTest, ChunksAndTheirErrorsInProtobuf) {
  const Simulator sim(SimulatorOptions{1, {20, 200}});
  const nlohmann::json whole = nlohmann::json::parse(*sim.Handle("GET", "/api/v1/pods", kT).body);
  std::vector<std::string> names;
  std::string token;
  std::size_t chunks = 0;
  do {
    std::string target = "/api/v1/pods?limit=50";
    if (!token.empty()) target += "&continue=" + token;
    // Time goes on between chunks: each is read from the first one's snapshot.
    const Response r = Get(sim, target, kT + minutes(1) * static_cast<int>(chunks));
    ASSERT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.content_type, kKubernetesProtobuf);
    const std::string_view list = Unwrap(*r.body, "PodList");
    const std::string_view meta = One(list, 1).bytes;
    const std::vector<PbField> items = All(list, 2);
    for (const PbField& item : items) names.push_back(Text(One(item.bytes, 1).bytes, 1));
    const std::vector<PbField> next = All(meta, 3);
    token = next.empty() ? "" : std::string(next.front().bytes);
    if (!token.empty()) {
      EXPECT_EQ(items.size(), 50U);
      EXPECT_EQ(One(meta, 4).varint, whole["items"].size() - names.size());
    } else {
      EXPECT_TRUE(All(meta, 4).empty());
    }
    ++chunks;
  } while (!token.empty() && chunks < 100);
  ASSERT_EQ(names.size(), whole["items"].size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(names[i], whole["items"][i]["metadata"]["name"]);
  }

  // A token older than 300 s: 410 Expired, as a protobuf Status.
  const std::string first = std::string(
      One(One(Unwrap(*Get(sim, "/api/v1/pods?limit=5", kT).body, "PodList"), 1).bytes, 3).bytes);
  const Response expired = Get(sim, "/api/v1/pods?limit=5&continue=" + first, kT + minutes(6));
  EXPECT_EQ(expired.status, 410);
  EXPECT_EQ(expired.content_type, kKubernetesProtobuf);
  const std::string_view status = Unwrap(*expired.body, "Status");
  EXPECT_EQ(Text(status, 2), "Failure");
  EXPECT_EQ(Text(status, 3).rfind("The provided continue parameter is too old", 0), 0U);
  EXPECT_EQ(Text(status, 4), "Expired");
  EXPECT_EQ(One(status, 6).varint, 410U);
  // Without the Accept header, the same request is JSON.
  EXPECT_EQ(
      sim.Handle("GET", "/api/v1/pods?limit=5&continue=" + first, kT + minutes(6)).content_type,
      "application/json");

  const Response bad = Get(sim, "/api/v1/pods?limit=many", kT);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.content_type, kKubernetesProtobuf);
  EXPECT_EQ(Text(Unwrap(*bad.body, "Status"), 4), "BadRequest");
  EXPECT_EQ(One(Unwrap(*bad.body, "Status"), 6).varint, 400U);
}

// How long one chunk of 500 pods takes to transcode (printed for the record; not a limit).
TEST(KubernetesProtobufTest, TimeOfAChunkOf500Pods) {
  const Simulator sim(SimulatorOptions{1, {200, 5'000}});
  const std::shared_ptr<const ClusterState> state = sim.State(kT);
  ListChunk chunk;
  chunk.begin = 1'000;
  chunk.end = 1'500;
  constexpr int kRounds = 20;
  std::string json;
  std::string protobuf;
  const auto render_start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i)
    json = RenderPodList(sim.spec(), *state, std::move(json), chunk);
  const auto encode_start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) protobuf = EncodeKubernetesProtobuf(json, std::move(protobuf));
  const auto end = std::chrono::steady_clock::now();
  const auto millis = [](auto d) {
    return std::chrono::duration<double, std::milli>(d).count() / kRounds;
  };
  std::printf("500 pods: JSON %zu bytes rendered in %.2f ms; protobuf %zu bytes in %.2f ms\n",
              json.size(), millis(encode_start - render_start), protobuf.size(),
              millis(end - encode_start));
  EXPECT_EQ(All(Unwrap(protobuf, "PodList"), 2).size(), 500U);
}

}  // namespace
}  // namespace costledger::simulator
