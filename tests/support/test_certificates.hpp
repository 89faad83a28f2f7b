#pragma once

#include <string>

namespace costledger::testing {

/// A PEM certificate and its unencrypted private key, as files.
struct TestCertificate {
  std::string cert_file;
  std::string key_file;
  std::string subject;  ///< one-line form, e.g. "/CN=costledger-test-ca"
};

/// Makes a self-signed CA certificate (P-256, valid two days) named `name` in directory `dir`
/// with the openssl CLI. Throws std::runtime_error with openssl's output when it fails.
TestCertificate MakeTestCa(const std::string& dir, const std::string& name);

/// Makes a certificate for `common_name` signed by `ca`, valid for localhost and 127.0.0.1 (so
/// it serves as a server or a client certificate), as `dir`/`name`.crt and .key. Each call gets a
/// fresh serial number. Throws std::runtime_error with openssl's output when it fails.
TestCertificate MakeTestCertificate(const std::string& dir, const std::string& name,
                                    const std::string& common_name, const TestCertificate& ca);

}  // namespace costledger::testing
