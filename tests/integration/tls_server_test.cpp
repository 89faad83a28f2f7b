// HTTPS in the HTTP server adapter: the configured certificate, reloaded when its files change,
// and client certificates verified against a CA and handed to the handler. Certificates are made
// at test time with the openssl CLI.

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "costledger/http/http_server.hpp"
#include "costledger/model/errors.hpp"
#include "temp_dir.hpp"
#include "test_certificates.hpp"

namespace costledger::http {
namespace {

using costledger::testing::MakeTestCa;
using costledger::testing::MakeTestCertificate;
using costledger::testing::TempDir;
using costledger::testing::TestCertificate;
using ::testing::HasSubstr;

const bool kCurlReady = curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK;

struct TlsReply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string server_subject;  // of the certificate the server presented
};

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// One request on a new connection, trusting `ca`; with a client certificate when given.
TlsReply Get(std::uint16_t port, const TestCertificate& ca,
             const TestCertificate* client = nullptr) {
  TlsReply reply;
  CURL* curl = curl_easy_init();
  const std::string url = "https://localhost:" + std::to_string(port) + "/who";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca.cert_file.c_str());
  curl_easy_setopt(curl, CURLOPT_CERTINFO, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  if (client != nullptr) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, client->cert_file.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLKEY, client->key_file.c_str());
  }
  reply.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_certinfo* info = nullptr;
  if (reply.code == CURLE_OK && curl_easy_getinfo(curl, CURLINFO_CERTINFO, &info) == CURLE_OK &&
      info != nullptr && info->num_of_certs > 0) {
    for (curl_slist* field = info->certinfo[0]; field != nullptr; field = field->next) {
      const std::string line = field->data;
      if (line.rfind("Subject:", 0) == 0) reply.server_subject = line.substr(8);
    }
  }
  curl_easy_cleanup(curl);
  return reply;
}

// Replaces `to` by a copy of `from` in one rename, as a Secret volume update does.
void Swap(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to + ".new", std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(to + ".new", to);
}

class TlsServerTest : public ::testing::Test {
 protected:
  TlsServerTest()
      : ca_(MakeTestCa(dir_.path(), "test-ca")),
        one_(MakeTestCertificate(dir_.path(), "one", "server-one", ca_)),
        two_(MakeTestCertificate(dir_.path(), "two", "server-two", ca_)) {
    std::filesystem::copy_file(one_.cert_file, dir_.Path("tls.crt"));
    std::filesystem::copy_file(one_.key_file, dir_.Path("tls.key"));
  }

  void Start(bool client_ca) {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 1;
    options.tls_cert_file = dir_.Path("tls.crt");
    options.tls_key_file = dir_.Path("tls.key");
    if (client_ca) options.tls_client_ca_file = ca_.cert_file;
    options.tls_reload_check = std::chrono::milliseconds(50);
    options.tls_reload_log = [this](bool ok, const std::string& message) {
      const std::lock_guard lock(mutex_);
      reloads_.push_back((ok ? "ok: " : "failed: ") + message);
    };
    server_ = std::make_unique<HttpServer>(options, [](const HttpRequest& r) {
      HttpResponse response;
      response.content_type = "text/plain";
      response.body = "client=" + r.client_certificate;
      return response;
    });
    server_->Start();
  }

  // Waits out the reload check, then asks until the server presents `subject` (or 5 s).
  TlsReply GetUntil(const std::string& subject) {
    TlsReply reply;
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(60));
      reply = Get(server_->port(), ca_);
      if (reply.server_subject.find(subject) != std::string::npos) break;
    }
    return reply;
  }

  std::vector<std::string> Reloads() {
    const std::lock_guard lock(mutex_);
    return reloads_;
  }

  TempDir dir_{"costledger-tls"};
  TestCertificate ca_;
  TestCertificate one_;
  TestCertificate two_;
  std::mutex mutex_;
  std::vector<std::string> reloads_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(TlsServerTest, ServesHttpsWithTheConfiguredCertificate) {
  ASSERT_TRUE(kCurlReady);
  Start(false);
  const TlsReply reply = Get(server_->port(), ca_);
  ASSERT_EQ(reply.code, CURLE_OK) << curl_easy_strerror(reply.code);
  EXPECT_EQ(reply.status, 200);
  EXPECT_THAT(reply.server_subject, HasSubstr("server-one"));
  EXPECT_EQ(reply.body, "client=");
}

TEST_F(TlsServerTest, NewConnectionsGetTheCertificateThatReplacedTheFiles) {
  Start(false);
  ASSERT_THAT(Get(server_->port(), ca_).server_subject, HasSubstr("server-one"));
  Swap(two_.key_file, dir_.Path("tls.key"));
  Swap(two_.cert_file, dir_.Path("tls.crt"));
  const TlsReply reply = GetUntil("server-two");
  EXPECT_EQ(reply.status, 200);
  EXPECT_THAT(reply.server_subject, HasSubstr("server-two"));
  EXPECT_THAT(Reloads(), ::testing::Contains(HasSubstr("ok: TLS certificate reloaded")));
}

TEST_F(TlsServerTest, ABrokenReplacementKeepsThePreviousCertificate) {
  Start(false);
  {
    std::ofstream out(dir_.Path("tls.crt.new"));
    out << "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n";
  }
  std::filesystem::rename(dir_.Path("tls.crt.new"), dir_.Path("tls.crt"));
  for (int i = 0; i < 100 && Reloads().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    (void)Get(server_->port(), ca_);
  }
  ASSERT_FALSE(Reloads().empty());
  EXPECT_THAT(Reloads().front(), HasSubstr("failed: cannot load TLS certificate"));
  const TlsReply reply = Get(server_->port(), ca_);
  EXPECT_EQ(reply.status, 200);
  EXPECT_THAT(reply.server_subject, HasSubstr("server-one"));
}

TEST_F(TlsServerTest, VerifiedClientCertificateReachesTheHandler) {
  Start(true);
  const TestCertificate apiserver =
      MakeTestCertificate(dir_.path(), "apiserver", "kube-apiserver", ca_);
  const TlsReply with = Get(server_->port(), ca_, &apiserver);
  ASSERT_EQ(with.code, CURLE_OK) << curl_easy_strerror(with.code);
  EXPECT_EQ(with.body, "client=/CN=kube-apiserver");
  const TlsReply without = Get(server_->port(), ca_);
  ASSERT_EQ(without.code, CURLE_OK);
  EXPECT_EQ(without.body, "client=");
}

TEST_F(TlsServerTest, ClientCertificateOfAnotherCaIsRefused) {
  Start(true);
  TempDir other_dir("costledger-tls-other");
  const TestCertificate other_ca = MakeTestCa(other_dir.path(), "other-ca");
  const TestCertificate stranger =
      MakeTestCertificate(other_dir.path(), "stranger", "kube-apiserver", other_ca);
  const TlsReply reply = Get(server_->port(), ca_, &stranger);
  EXPECT_NE(reply.code, CURLE_OK);
  EXPECT_EQ(reply.status, 0);
}

TEST_F(TlsServerTest, ClientCaWithoutACertificateIsRefusedAtStart) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls_client_ca_file = ca_.cert_file;
  HttpServer server(options, [](const HttpRequest&) { return HttpResponse{}; });
  EXPECT_THROW(server.Listen(), InvalidInput);
}

}  // namespace
}  // namespace costledger::http
