// The offline image (issue 16): scripts/build-image assembles costledger's OCI image from Debian
// packages (mmdebstrap + umoci) around the binary under test; the image's configuration is the
// Dockerfile's (user 10001, entrypoint costledger, port 9003); then the image serves against a
// private PostgreSQL and `costledger simulate` until /readyz is ready. It runs with podman when
// podman can run containers here; when it cannot (a sandbox that refuses its setrlimit or
// namespaces), the test says so and runs the image's root filesystem with chroot as user 10001.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "free_tcp_port.hpp"
#include "private_postgres.hpp"
#include "served_cluster.hpp"
#include "shell_command.hpp"
#include "temp_dir.hpp"

namespace costledger {
namespace {

using nlohmann::json;
using std::chrono::seconds;

json ReadJson(const std::string& path) {
  return json::parse(testing::ChildProcess::ReadFile(path), nullptr, false);
}

// The OCI image configuration of tag `costledger` in the layout at `oci`.
json ImageConfig(const std::string& oci) {
  const json index = ReadJson(oci + "/index.json");
  for (const json& m : index["manifests"]) {
    if (m["annotations"].value("org.opencontainers.image.ref.name", "") != "costledger") continue;
    const auto blob = [&](const std::string& digest) {
      return ReadJson(fmt::format("{}/blobs/sha256/{}", oci, digest.substr(7)));
    };
    return blob(blob(m["digest"].get<std::string>())["config"]["digest"].get<std::string>());
  }
  return nullptr;
}

// The UID a process runs as (/proc/PID/status, real UID).
int UidOf(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Uid:", 0) == 0) return std::stoi(line.substr(4));
  }
  return -1;
}

TEST(ImageTest, OfflineImageServesUntilReady) {
  testing::TempDir dir("image", "/var/tmp");
  const auto started = std::chrono::steady_clock::now();
  const testing::CommandOutput build = testing::RunShellCommand(
      fmt::format("'{}/scripts/build-image' --binary '{}' --out '{}' 2>&1", COSTLEDGER_SOURCE_DIR,
                  COSTLEDGER_BINARY, dir.Path("out")));
  ASSERT_EQ(build.exit_code, 0) << build.text;
  // The size line, for the log of the run.
  std::cout << build.text.substr(build.text.rfind("build-image: OCI image")) << std::flush;
  std::cout << fmt::format(
      "image built in {} s\n",
      std::chrono::duration_cast<seconds>(std::chrono::steady_clock::now() - started).count());

  const json config = ImageConfig(dir.Path("out/oci"));
  ASSERT_TRUE(config.is_object()) << "no image tagged costledger in the OCI layout";
  EXPECT_EQ(config["config"]["User"], "10001:10001");
  EXPECT_EQ(config["config"]["Entrypoint"], json::array({"/usr/bin/costledger"}));
  EXPECT_TRUE(config["config"]["ExposedPorts"].contains("9003/tcp"));
  EXPECT_EQ(config["os"], "linux");

  testing::PrivatePostgres server;
  const std::string url = server.CreateDatabase("image");
  testing::SimulatedCluster sim(COSTLEDGER_BINARY, dir.Path("simulate.log"), 4, 30, 5);
  const int port = testing::FreeTcpPort();
  const json serve_config =
      testing::ServeConfigFor("image", url, sim.url(), port, "/var/lib/costledger/spool");
  std::filesystem::create_directories(dir.Path("config"));
  std::ofstream(dir.Path("config/config.json")) << serve_config.dump(1);
  const std::string ready_url = fmt::format("http://127.0.0.1:{}/readyz", port);
  const std::vector<std::string> serve_args = {
      "serve",        "--config", "/etc/costledger/config/config.json", "--role", "all",
      "--log-format", "json"};

  // podman first: read-only root filesystem, /tmp and the image's spool volume writable, the
  // host's network.
  // (podman names an image after its layout's path, which must be lower case: a link.)
  const std::string name = fmt::format("costledger-image-test-{}", ::getpid());
  const std::string layout = fmt::format("/var/tmp/{}-oci", name);
  std::filesystem::remove(layout);
  const std::string forget_image = fmt::format("podman rmi -f localhost{} >/dev/null 2>&1", layout);
  std::filesystem::create_directory_symlink(dir.Path("out/oci"), layout);
  std::string podman_run = fmt::format(
      "podman run -d --name {} --network host --read-only --tmpfs /tmp "
      "-v '{}:/etc/costledger/config:ro' "
      "oci:{}:costledger",
      name, dir.Path("config"), layout);
  for (const std::string& a : serve_args) podman_run += " " + a;
  const testing::CommandOutput podman = testing::RunShellCommand(podman_run + " 2>&1");
  std::filesystem::remove(layout);
  testing::HttpReply ready;
  if (podman.exit_code == 0) {
    std::cout << "running the image with podman\n";
    ready = testing::WaitForHttpStatus(ready_url, 200, seconds(90));
    const testing::CommandOutput logs = testing::RunShellCommand(
        fmt::format("podman logs {0} 2>&1; podman rm -f -v {0} >/dev/null 2>&1", name));
    testing::RunShellCommand(forget_image);
    EXPECT_EQ(ready.status, 200) << ready.body << "\n" << logs.text;
  } else {
    testing::RunShellCommand(fmt::format("podman rm -f -v {} >/dev/null 2>&1", name));
    testing::RunShellCommand(forget_image);
    const std::size_t error = podman.text.rfind("Error");
    std::cout << "podman cannot run containers in this sandbox ("
              << (error == std::string::npos ? podman.text : podman.text.substr(error))
              << "): running the image's root filesystem with chroot instead\n";
    if (::geteuid() != 0) {
      GTEST_SKIP() << "chroot needs root and this test runs as uid " << ::geteuid()
                   << ": the image was built but not run";
    }
    const std::string rootfs = dir.Path("rootfs");
    std::filesystem::create_directories(rootfs);
    const testing::CommandOutput unpack = testing::RunShellCommand(fmt::format(
        "tar -xf '{}' -C '{}' --numeric-owner && mkdir -p '{}/etc/costledger/config' && "
        "cp '{}' '{}/etc/costledger/config/config.json' 2>&1",
        dir.Path("out/rootfs.tar"), rootfs, rootfs, dir.Path("config/config.json"), rootfs));
    ASSERT_EQ(unpack.exit_code, 0) << unpack.text;
    std::vector<std::string> argv = {"/usr/sbin/chroot", "--userspec=10001:10001", rootfs,
                                     "/usr/bin/costledger"};
    argv.insert(argv.end(), serve_args.begin(), serve_args.end());
    testing::ChildProcess serve(argv, dir.Path("serve.log"));
    ready = testing::WaitForHttpStatus(ready_url, 200, seconds(90));
    EXPECT_EQ(ready.status, 200) << ready.body << "\n" << serve.Log();
    EXPECT_EQ(UidOf(serve.pid()), 10001) << "costledger does not run as the image's user";
    // It wrote nothing but its spool: the root filesystem stays as the image made it.
    const testing::CommandOutput written = testing::RunShellCommand(
        fmt::format("find '{}' -newer '{}/etc/costledger/config/config.json' -type f "
                    "-not -path '*/var/lib/costledger/spool/*' -not -path '*/tmp/*' 2>&1",
                    rootfs, rootfs));
    EXPECT_EQ(written.text, "") << "files written outside the spool";
    serve.Signal(SIGTERM);
    EXPECT_EQ(serve.Wait(seconds(30)), 0) << serve.Log();
  }
  std::cout << "/readyz: " << ready.status << " " << ready.body << "\n";
}

}  // namespace
}  // namespace costledger
