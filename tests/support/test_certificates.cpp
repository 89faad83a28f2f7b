#include "test_certificates.hpp"

#include <fmt/core.h>

#include <fstream>
#include <stdexcept>

#include "shell_command.hpp"

namespace costledger::testing {
namespace {

void Run(const std::string& command) {
  const CommandOutput out = RunShellCommand(command);
  if (out.exit_code != 0) {
    throw std::runtime_error(fmt::format("{} failed ({}): {}", command, out.exit_code, out.text));
  }
}

constexpr const char* kKey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

}  // namespace

TestCertificate MakeTestCa(const std::string& dir, const std::string& name) {
  TestCertificate ca{dir + "/" + name + ".crt", dir + "/" + name + ".key", "/CN=" + name};
  Run(
      fmt::format("openssl req -x509 {} -keyout '{}' -out '{}' -days 2 -subj '/CN={}' "
                  "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign",
                  kKey, ca.key_file, ca.cert_file, name));
  return ca;
}

TestCertificate MakeTestCertificate(const std::string& dir, const std::string& name,
                                    const std::string& common_name, const TestCertificate& ca) {
  TestCertificate c{dir + "/" + name + ".crt", dir + "/" + name + ".key", "/CN=" + common_name};
  const std::string csr = dir + "/" + name + ".csr";
  const std::string ext = dir + "/" + name + ".ext";
  {
    std::ofstream out(ext);
    out << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
           "extendedKeyUsage=serverAuth,clientAuth\n";
  }
  Run(fmt::format("openssl req -new {} -keyout '{}' -out '{}' -subj '/CN={}'", kKey, c.key_file,
                  csr, common_name));
  Run(
      fmt::format("openssl x509 -req -in '{}' -CA '{}' -CAkey '{}' -set_serial 0x$(openssl rand "
                  "-hex 8) -days 2 -extfile '{}' -out '{}'",
                  csr, ca.cert_file, ca.key_file, ext, c.cert_file));
  return c;
}

}  // namespace costledger::testing
