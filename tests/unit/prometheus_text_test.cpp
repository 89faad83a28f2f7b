#include "costledger/sources/prometheus_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "costledger/model/errors.hpp"
#include "costledger/sources/dcgm_metrics.hpp"
#include "costledger/sources/kubelet_metrics.hpp"
#include "error_of.hpp"
#include "test_data.hpp"

namespace costledger::sources {
namespace {

using costledger::testing::ErrorOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string PromError(std::string_view text) {
  return ErrorOf<InvalidInput>([&] { ParsePrometheusText(text); });
}

// --- ParsePrometheusText -------------------------------------------------------------------

TEST(PrometheusTextTest, ParsesNameLabelsValueAndTimestamp) {
  const auto samples =
      ParsePrometheusText(R"(http_requests_total{method="post",code="200"} 1027 1395066363000)"
                          "\n");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].name, "http_requests_total");
  EXPECT_THAT(samples[0].labels, ElementsAre(Pair("method", "post"), Pair("code", "200")));
  EXPECT_EQ(samples[0].value, 1027.0);
  EXPECT_EQ(samples[0].timestamp_ms, 1395066363000);
}

TEST(PrometheusTextTest, SampleWithoutLabelsOrTimestamp) {
  const auto samples = ParsePrometheusText("node_cpu_usage_seconds_total 6197.005020909\nup{} 1\n");
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].name, "node_cpu_usage_seconds_total");
  EXPECT_TRUE(samples[0].labels.empty());
  EXPECT_DOUBLE_EQ(samples[0].value, 6197.005020909);
  EXPECT_FALSE(samples[0].timestamp_ms.has_value());
  EXPECT_EQ(samples[1].name, "up");
  EXPECT_TRUE(samples[1].labels.empty());
}

TEST(PrometheusTextTest, SkipsHelpTypeCommentsAndBlankLines) {
  const auto samples = ParsePrometheusText(
      "# HELP rpc_duration_seconds A summary of the RPC duration in seconds.\n"
      "# TYPE rpc_duration_seconds summary\n"
      "\n"
      "# any other comment, even with {\"braces\" and = signs\n"
      "   \t\n"
      "  # indented comment\n"
      "rpc_duration_seconds{quantile=\"0.5\"} 4773\n");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].Label("quantile"), "0.5");
}

TEST(PrometheusTextTest, UnescapesLabelValues) {
  const auto samples =
      ParsePrometheusText(R"(msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",)"
                          R"(error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9)"
                          "\n");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].Label("path"), R"(C:\DIR\FILE.TXT)");
  EXPECT_EQ(samples[0].Label("error"), "Cannot find file:\n\"FILE.TXT\"");
  EXPECT_DOUBLE_EQ(samples[0].value, 1.458255915e9);
}

TEST(PrometheusTextTest, VisitsViewsWithEscapedValuesBesidePlainOnes) {
  // Escaped values are unescaped into the parser's buffer, plain ones are views of the line;
  // both stay right whatever their order, and the next line reuses the buffers.
  std::vector<std::vector<std::pair<std::string, std::string>>> seen;
  ForEachPrometheusSample(R"(m{a="1\\2",b="plain",c="x\"y\"",d="\n"} 3 5)"
                          "\n"
                          R"(n{e="\\\\",f="g"} 4)"
                          "\n",
                          [&](const PromSampleView& s) {
                            auto& labels = seen.emplace_back();
                            for (const auto& [k, v] : s.labels) labels.emplace_back(k, v);
                            EXPECT_EQ(s.Label("b"), s.name == "m" ? "plain" : "");
                          });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_THAT(seen[0], ElementsAre(Pair("a", R"(1\2)"), Pair("b", "plain"), Pair("c", R"(x"y")"),
                                   Pair("d", "\n")));
  EXPECT_THAT(seen[1], ElementsAre(Pair("e", R"(\\)"), Pair("f", "g")));
}

TEST(PrometheusTextTest, LabelValuesMayContainBracesCommasAndSpaces) {
  const auto samples = ParsePrometheusText(R"(m{a="x, y} = z",b=""} 1)");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_THAT(samples[0].labels, ElementsAre(Pair("a", "x, y} = z"), Pair("b", "")));
}

TEST(PrometheusTextTest, ParsesSpecialValues) {
  const auto samples = ParsePrometheusText("a NaN\nb +Inf\nc -Inf\nd Inf\n");
  ASSERT_EQ(samples.size(), 4u);
  EXPECT_TRUE(std::isnan(samples[0].value));
  EXPECT_TRUE(std::isinf(samples[1].value) && samples[1].value > 0);
  EXPECT_TRUE(std::isinf(samples[2].value) && samples[2].value < 0);
  EXPECT_TRUE(std::isinf(samples[3].value) && samples[3].value > 0);
}

TEST(PrometheusTextTest, ParsesScientificNotationAndSigns) {
  const auto samples =
      ParsePrometheusText("a 1.7391616e+07\nb 1e-3\nc -2.5E3\nd +3\ne 0\nf -0.5\ng .5\n");
  ASSERT_EQ(samples.size(), 7u);
  EXPECT_EQ(samples[0].value, 17391616.0);
  EXPECT_DOUBLE_EQ(samples[1].value, 0.001);
  EXPECT_EQ(samples[2].value, -2500.0);
  EXPECT_EQ(samples[3].value, 3.0);
  EXPECT_EQ(samples[4].value, 0.0);
  EXPECT_EQ(samples[5].value, -0.5);
  EXPECT_EQ(samples[6].value, 0.5);
}

TEST(PrometheusTextTest, ParsesNegativeTimestamp) {
  const auto samples =
      ParsePrometheusText("something_weird{problem=\"division by zero\"} +Inf -3982045\n");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].timestamp_ms, -3982045);
}

TEST(PrometheusTextTest, ToleratesCrlfTrailingWhitespaceAndMissingFinalNewline) {
  const auto samples =
      ParsePrometheusText("# TYPE a gauge\r\na{x=\"1\"} 2 1000 \t\r\nb 3   \r\n\r\nc 4");
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0].Label("x"), "1");
  EXPECT_EQ(samples[0].value, 2.0);
  EXPECT_EQ(samples[0].timestamp_ms, 1000);
  EXPECT_EQ(samples[1].value, 3.0);
  EXPECT_FALSE(samples[1].timestamp_ms.has_value());
  EXPECT_EQ(samples[2].name, "c");
  EXPECT_EQ(samples[2].value, 4.0);
}

TEST(PrometheusTextTest, AllowsBlanksAroundLabelsAndTrailingComma) {
  const auto samples = ParsePrometheusText("m { a = \"1\" , b=\"2\", } 7\n");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_THAT(samples[0].labels, ElementsAre(Pair("a", "1"), Pair("b", "2")));
  EXPECT_EQ(samples[0].value, 7.0);
}

TEST(PrometheusTextTest, MetricNamesMayContainColons) {
  const auto samples = ParsePrometheusText("job:http_requests:rate5m{job=\"api\"} 12.5\n");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].name, "job:http_requests:rate5m");
}

TEST(PrometheusTextTest, LabelReturnsEmptyForAbsentKey) {
  const auto samples = ParsePrometheusText("m{a=\"1\"} 1\n");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].Label("a"), "1");
  EXPECT_EQ(samples[0].Label("b"), "");
}

TEST(PrometheusTextTest, EmptyInputGivesNoSamples) {
  EXPECT_TRUE(ParsePrometheusText("").empty());
  EXPECT_TRUE(ParsePrometheusText("\n\n# HELP only comments\n").empty());
}

TEST(PrometheusTextTest, UnterminatedLabelValueNamesLine) {
  EXPECT_THAT(PromError("# HELP m help\n# TYPE m gauge\nm{a=\"1} 2\n"),
              HasSubstr("line 3: unterminated label value"));
}

TEST(PrometheusTextTest, LineNumbersCountBlankLinesAndCrlf) {
  EXPECT_THAT(PromError("a 1\r\n\r\n\r\nb{x=\"\\q\"} 1\r\n"),
              HasSubstr("line 4: invalid escape sequence '\\q'"));
}

TEST(PrometheusTextTest, MissingValueIsAnError) {
  EXPECT_THAT(PromError("a 1\nb{x=\"1\"}\n"), HasSubstr("line 2: missing value"));
  EXPECT_THAT(PromError("c   \n"), HasSubstr("line 1: missing value"));
}

TEST(PrometheusTextTest, InvalidValueIsAnError) {
  EXPECT_THAT(PromError("a one\n"), HasSubstr("line 1: invalid value 'one'"));
  EXPECT_THAT(PromError("a 1.2.3\n"), HasSubstr("invalid value '1.2.3'"));
  EXPECT_THAT(PromError("a +-1\n"), HasSubstr("invalid value '+-1'"));
  EXPECT_THAT(PromError("a 0x10\n"), HasSubstr("invalid value '0x10'"));
}

TEST(PrometheusTextTest, InvalidTimestampIsAnError) {
  EXPECT_THAT(PromError("a 1 12.5\n"), HasSubstr("line 1: invalid timestamp '12.5'"));
  EXPECT_THAT(PromError("a 1 99999999999999999999\n"), HasSubstr("invalid timestamp"));
}

TEST(PrometheusTextTest, TextAfterTimestampIsAnError) {
  EXPECT_THAT(PromError("a 1 1000 extra\n"), HasSubstr("line 1: unexpected text 'extra'"));
}

TEST(PrometheusTextTest, MalformedLabelSetsAreErrors) {
  EXPECT_THAT(PromError("m{a=\"1\"\n"), HasSubstr("line 1: unterminated label set"));
  EXPECT_THAT(PromError("m{a \"1\"} 1\n"), HasSubstr("line 1: expected '=' after label name 'a'"));
  EXPECT_THAT(PromError("m{a=1} 1\n"), HasSubstr("expected '\"' to open value of label 'a'"));
  EXPECT_THAT(PromError("m{a=\"1\" b=\"2\"} 1\n"), HasSubstr("expected ',' or '}'"));
  EXPECT_THAT(PromError("m{1a=\"1\"} 1\n"), HasSubstr("invalid label name"));
  EXPECT_THAT(PromError("m{a=\"1\",a=\"2\"} 1\n"), HasSubstr("duplicate label 'a'"));
  EXPECT_THAT(PromError("m{a=\"1\\"), HasSubstr("unterminated label value"));
  EXPECT_THAT(PromError("m{a=\"1\"}x 1\n"), HasSubstr("unexpected character 'x' after labels"));
}

TEST(PrometheusTextTest, InvalidMetricNameIsAnError) {
  EXPECT_THAT(PromError("ok 1\n1abc 2\n"), HasSubstr("line 2: invalid metric name"));
  EXPECT_THAT(PromError("{a=\"1\"} 2\n"), HasSubstr("line 1: invalid metric name"));
  EXPECT_THAT(PromError("a-b 2\n"), HasSubstr("line 1: unexpected character '-'"));
}

TEST(PrometheusTextTest, ParsesRecordedKubeletSample) {
  const auto samples =
      ParsePrometheusText(costledger::testing::ReadTestData("prometheus/kubelet_resource.txt"));
  // 11 containers x 4 container_* families, 3 node_* series, 7 pods x 3 pod_* families, 1 error.
  EXPECT_EQ(samples.size(), 11u * 4 + 3 + 7 * 3 + 1);
  EXPECT_EQ(samples.back().name, "resource_scrape_error");
  EXPECT_EQ(samples.back().value, 0.0);
}

TEST(PrometheusTextTest, ParsesThousandsOfLines) {
  std::string text =
      "# HELP container_cpu_usage_seconds_total cpu\n"
      "# TYPE container_cpu_usage_seconds_total counter\n";
  constexpr int kLines = 20000;
  for (int i = 0; i < kLines; ++i) {
    text += R"(container_cpu_usage_seconds_total{container="c",namespace="ns",pod="pod-)" +
            std::to_string(i) + "\"} " + std::to_string(i) + ".5 1714564800000\n";
  }
  const auto samples = ParsePrometheusText(text);
  ASSERT_EQ(samples.size(), static_cast<std::size_t>(kLines));
  EXPECT_EQ(samples[12345].Label("pod"), "pod-12345");
  EXPECT_EQ(samples[12345].value, 12345.5);
}

// --- ParseKubeletResourceMetrics -------------------------------------------------------------

TEST(KubeletResourceMetricsTest, RecordedSampleMergesCpuAndMemoryPerContainer) {
  const auto rows = ParseKubeletResourceMetrics(
      costledger::testing::ReadTestData("prometheus/kubelet_resource.txt"));
  ASSERT_EQ(rows.size(), 11u);
  // First-seen order: the order of the CPU family in the scrape.
  EXPECT_EQ(rows[0].namespace_name, "payments");
  EXPECT_EQ(rows[0].pod, "checkout-api-7d9c6b8f5d-kx2lp");
  EXPECT_EQ(rows[0].container, "api");
  EXPECT_DOUBLE_EQ(*rows[0].cpu_usage_seconds_total, 8234.120553311);
  EXPECT_EQ(*rows[0].memory_working_set_bytes, 687448064.0);
  EXPECT_EQ(rows[0].timestamp_ms, 1714564796209);

  EXPECT_EQ(rows[1].container, "aws-eks-nodeagent");
  EXPECT_EQ(rows[1].namespace_name, "kube-system");
  EXPECT_EQ(rows[1].pod, "aws-node-x7k2p");
  EXPECT_EQ(rows[2].container, "aws-node");
  EXPECT_EQ(rows[2].pod, "aws-node-x7k2p");

  EXPECT_EQ(rows[10].container, "worker");
  EXPECT_EQ(rows[10].pod, "checkout-worker-5b8f7c9d4-mn3qz");
  EXPECT_DOUBLE_EQ(*rows[10].cpu_usage_seconds_total, 15522.908113456);
  EXPECT_EQ(*rows[10].memory_working_set_bytes, 1476395008.0);
  for (const auto& row : rows) {
    EXPECT_TRUE(row.cpu_usage_seconds_total.has_value()) << row.container;
    EXPECT_TRUE(row.memory_working_set_bytes.has_value()) << row.container;
    EXPECT_TRUE(row.timestamp_ms.has_value()) << row.container;
  }
}

TEST(KubeletResourceMetricsTest, IgnoresNodePodStartTimeAndScrapeErrorFamilies) {
  const auto rows = ParseKubeletResourceMetrics(
      "node_cpu_usage_seconds_total 6197.0 1750705774670\n"
      "node_memory_working_set_bytes 1.1e+09 1750705774670\n"
      "pod_cpu_usage_seconds_total{namespace=\"a\",pod=\"b\"} 1 1750705774670\n"
      "pod_memory_working_set_bytes{namespace=\"a\",pod=\"b\"} 2 1750705774670\n"
      "container_start_time_seconds{container=\"c\",namespace=\"a\",pod=\"b\"} 1.75e+09\n"
      "container_swap_usage_bytes{container=\"c\",namespace=\"a\",pod=\"b\"} 0 1750705774670\n"
      "scrape_error 0\n"
      "resource_scrape_error 0\n");
  EXPECT_TRUE(rows.empty());
}

TEST(KubeletResourceMetricsTest, MergesRegardlessOfFamilyOrder) {
  const auto rows = ParseKubeletResourceMetrics(
      "container_memory_working_set_bytes{container=\"b\",namespace=\"ns\",pod=\"p\"} 200 2000\n"
      "container_memory_working_set_bytes{container=\"a\",namespace=\"ns\",pod=\"p\"} 100 1000\n"
      "container_cpu_usage_seconds_total{container=\"a\",namespace=\"ns\",pod=\"p\"} 1.5 1001\n"
      "container_cpu_usage_seconds_total{container=\"b\",namespace=\"ns\",pod=\"p\"} 2.5 2001\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].container, "b");
  EXPECT_EQ(rows[0].cpu_usage_seconds_total, 2.5);
  EXPECT_EQ(rows[0].memory_working_set_bytes, 200.0);
  EXPECT_EQ(rows[0].timestamp_ms, 2001);  // the CPU counter's timestamp, not memory's
  EXPECT_EQ(rows[1].container, "a");
  EXPECT_EQ(rows[1].timestamp_ms, 1001);
}

TEST(KubeletResourceMetricsTest, KeysIncludeNamespaceAndPod) {
  const auto rows = ParseKubeletResourceMetrics(
      "container_cpu_usage_seconds_total{container=\"app\",namespace=\"a\",pod=\"p\"} 1\n"
      "container_cpu_usage_seconds_total{container=\"app\",namespace=\"b\",pod=\"p\"} 2\n"
      "container_cpu_usage_seconds_total{container=\"app\",namespace=\"a\",pod=\"q\"} 3\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].namespace_name, "b");
  EXPECT_EQ(rows[2].pod, "q");
}

TEST(KubeletResourceMetricsTest, ContainerWithOnlyOneFamilyKeepsTheOtherEmpty) {
  const auto rows = ParseKubeletResourceMetrics(
      "container_memory_working_set_bytes{container=\"c\",namespace=\"ns\",pod=\"p\"} 4096\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].cpu_usage_seconds_total.has_value());
  EXPECT_FALSE(rows[0].timestamp_ms.has_value());
  EXPECT_EQ(rows[0].memory_working_set_bytes, 4096.0);
}

TEST(KubeletResourceMetricsTest, SampleMissingALabelThrows) {
  EXPECT_THAT(ErrorOf<InvalidInput>([] {
                ParseKubeletResourceMetrics(
                    "container_cpu_usage_seconds_total{container=\"c\",namespace=\"ns\"} 1\n");
              }),
              HasSubstr("container_cpu_usage_seconds_total sample has no 'pod' label"));
  EXPECT_THAT(ErrorOf<InvalidInput>([] {
                ParseKubeletResourceMetrics(
                    "container_memory_working_set_bytes{container=\"c\",pod=\"p\"} 1\n");
              }),
              HasSubstr("no 'namespace' label"));
  EXPECT_THAT(ErrorOf<InvalidInput>([] {
                ParseKubeletResourceMetrics(
                    "container_memory_working_set_bytes{container=\"\",namespace=\"n\",pod=\"p\"} "
                    "1\n");
              }),
              HasSubstr("no 'container' label"));
}

TEST(KubeletResourceMetricsTest, SyntaxErrorsPropagateWithLineNumber) {
  EXPECT_THAT(ErrorOf<InvalidInput>([] {
                ParseKubeletResourceMetrics(
                    "# TYPE container_cpu_usage_seconds_total counter\n"
                    "container_cpu_usage_seconds_total{container=\"c\n");
              }),
              HasSubstr("line 2: unterminated label value"));
}

// --- ParseDcgmMetrics ------------------------------------------------------------------------

TEST(DcgmMetricsTest, RecordedSampleGivesOneRowPerDevice) {
  const auto gpus = ParseDcgmMetrics(costledger::testing::ReadTestData("prometheus/dcgm.txt"));
  ASSERT_EQ(gpus.size(), 4u);
  for (const auto& gpu : gpus) {
    EXPECT_EQ(gpu.model, "NVIDIA A10G");
    EXPECT_EQ(gpu.hostname, "ip-10-0-45-211.ec2.internal");
    EXPECT_TRUE(gpu.utilisation_percent.has_value());
    EXPECT_TRUE(gpu.framebuffer_used_mib.has_value());
  }
  EXPECT_EQ(gpus[0].gpu, "0");
  EXPECT_EQ(gpus[0].uuid, "GPU-5d7c2a61-9a0e-3f7b-8c41-2e6f0b9d1a37");
  EXPECT_EQ(gpus[0].namespace_name, "ml-training");
  EXPECT_EQ(gpus[0].pod, "bert-finetune-worker-0");
  EXPECT_EQ(gpus[0].container, "pytorch");
  EXPECT_EQ(gpus[0].utilisation_percent, 97.0);
  EXPECT_EQ(gpus[0].framebuffer_used_mib, 21344.0);

  EXPECT_EQ(gpus[1].gpu, "1");
  EXPECT_EQ(gpus[1].pod, "bert-finetune-worker-0");  // one pod, two devices
  EXPECT_EQ(gpus[1].utilisation_percent, 94.0);

  EXPECT_EQ(gpus[2].namespace_name, "inference");
  EXPECT_EQ(gpus[2].pod, "llm-serving-6f7d9b8c5-p4xzq");
  EXPECT_EQ(gpus[2].container, "vllm");
  EXPECT_EQ(gpus[2].utilisation_percent, 38.0);
  EXPECT_EQ(gpus[2].framebuffer_used_mib, 20480.0);

  // Unassigned device: reported, with no pod.
  EXPECT_EQ(gpus[3].gpu, "3");
  EXPECT_EQ(gpus[3].namespace_name, "");
  EXPECT_EQ(gpus[3].pod, "");
  EXPECT_EQ(gpus[3].container, "");
  EXPECT_EQ(gpus[3].utilisation_percent, 0.0);
  EXPECT_EQ(gpus[3].framebuffer_used_mib, 0.0);
}

TEST(DcgmMetricsTest, IgnoresOtherFamilies) {
  const auto gpus = ParseDcgmMetrics(
      "DCGM_FI_DEV_SM_CLOCK{gpu=\"0\",UUID=\"GPU-a\"} 1410\n"
      "DCGM_FI_DEV_FB_FREE{gpu=\"0\",UUID=\"GPU-a\"} 80000\n"
      "DCGM_FI_PROF_GR_ENGINE_ACTIVE{gpu=\"0\",UUID=\"GPU-a\"} 0.5\n"
      "DCGM_FI_DEV_GPU_UTIL_SOMETHING{gpu=\"0\",UUID=\"GPU-a\"} 5\n");
  EXPECT_TRUE(gpus.empty());
}

TEST(DcgmMetricsTest, MergesByUuidAcrossFamilies) {
  const auto gpus = ParseDcgmMetrics(
      "DCGM_FI_DEV_FB_USED{gpu=\"0\",UUID=\"GPU-a\",Hostname=\"h\"} 100\n"
      "DCGM_FI_DEV_FB_USED{gpu=\"1\",UUID=\"GPU-b\",Hostname=\"h\"} 200\n"
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"1\",UUID=\"GPU-b\",Hostname=\"h\"} 20\n"
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-a\",Hostname=\"h\"} 10\n");
  ASSERT_EQ(gpus.size(), 2u);
  EXPECT_EQ(gpus[0].uuid, "GPU-a");
  EXPECT_EQ(gpus[0].framebuffer_used_mib, 100.0);
  EXPECT_EQ(gpus[0].utilisation_percent, 10.0);
  EXPECT_EQ(gpus[1].uuid, "GPU-b");
  EXPECT_EQ(gpus[1].utilisation_percent, 20.0);
}

TEST(DcgmMetricsTest, WithoutUuidMergesByGpuAndHostname) {
  const auto gpus = ParseDcgmMetrics(
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",Hostname=\"node-a\"} 10\n"
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",Hostname=\"node-b\"} 20\n"
      "DCGM_FI_DEV_FB_USED{gpu=\"0\",Hostname=\"node-b\"} 2048\n");
  ASSERT_EQ(gpus.size(), 2u);
  EXPECT_EQ(gpus[0].hostname, "node-a");
  EXPECT_FALSE(gpus[0].framebuffer_used_mib.has_value());
  EXPECT_EQ(gpus[1].hostname, "node-b");
  EXPECT_EQ(gpus[1].utilisation_percent, 20.0);
  EXPECT_EQ(gpus[1].framebuffer_used_mib, 2048.0);
}

TEST(DcgmMetricsTest, TakesPodLabelsFromAnySeriesOfTheDevice) {
  const auto gpus = ParseDcgmMetrics(
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-a\"} 55\n"
      "DCGM_FI_DEV_FB_USED{gpu=\"0\",UUID=\"GPU-a\",container=\"c\",namespace=\"ns\",pod=\"p\"} "
      "1\n");
  ASSERT_EQ(gpus.size(), 1u);
  EXPECT_EQ(gpus[0].namespace_name, "ns");
  EXPECT_EQ(gpus[0].pod, "p");
  EXPECT_EQ(gpus[0].container, "c");
}

TEST(DcgmMetricsTest, SampleWithoutUuidOrGpuThrows) {
  EXPECT_THAT(
      ErrorOf<InvalidInput>([] { ParseDcgmMetrics("DCGM_FI_DEV_GPU_UTIL{Hostname=\"h\"} 1\n"); }),
      HasSubstr("neither a 'UUID' nor a 'gpu' label"));
}

}  // namespace
}  // namespace costledger::sources
