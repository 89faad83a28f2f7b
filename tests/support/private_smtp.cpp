#include "private_smtp.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "child_process.hpp"

namespace costledger::testing {
namespace {

std::string StringOrEmpty(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() || it->is_null() ? std::string() : it->get<std::string>();
}

ReceivedMail ReadMessage(const std::filesystem::path& path) {
  std::ifstream in(path);
  const nlohmann::json record = nlohmann::json::parse(in);
  ReceivedMail mail;
  mail.mail_from = record.at("mail_from").get<std::string>();
  mail.rcpt_tos = record.at("rcpt_tos").get<std::vector<std::string>>();
  if (!record.at("auth_login").is_null())
    mail.auth_login = record.at("auth_login").get<std::string>();
  mail.tls = record.at("tls").get<bool>();
  mail.raw = DecodeBase64(record.at("raw_b64").get<std::string>());
  mail.parsed = record.at("parsed");
  for (const nlohmann::json& leaf : mail.parsed.at("leaves")) {
    ReceivedPart part;
    part.content_type = StringOrEmpty(leaf, "content_type");
    part.charset = StringOrEmpty(leaf, "charset");
    part.transfer_encoding = StringOrEmpty(leaf, "transfer_encoding");
    part.disposition = StringOrEmpty(leaf, "disposition");
    part.filename = StringOrEmpty(leaf, "filename");
    part.bytes = DecodeBase64(leaf.at("content_b64").get<std::string>());
    part.text = StringOrEmpty(leaf, "text");
    mail.parts.push_back(std::move(part));
  }
  return mail;
}

}  // namespace

PrivateSmtp::PrivateSmtp(const PrivateSmtpOptions& options) : dir_("costledger-smtp") {
  std::filesystem::create_directories(dir_.Path("messages"));
  std::vector<std::string> args{"--dir", dir_.Path("messages")};
  if (!options.user.empty()) {
    std::ofstream secret(dir_.Path("password"));
    secret << options.password;
    secret.close();
    args.insert(args.end(), {"--user", options.user, "--password-file", dir_.Path("password")});
  }
  url_scheme_ = "smtp";
  if (options.tls != PrivateSmtpOptions::Tls::kNone) {
    MakeCertificate();
    args.insert(args.end(), {"--cert", ca_file_, "--key", dir_.Path("key.pem")});
    if (options.tls == PrivateSmtpOptions::Tls::kImplicit) {
      args.emplace_back("--implicit-tls");
      url_scheme_ = "smtps";
    }
  }
  server_ = StartPythonServer(SupportScript("smtp_sink.py"), args, dir_.Path("smtp.log"),
                              options.start_timeout);
}

PrivateSmtp::~PrivateSmtp() { StopPythonServer(server_); }

void PrivateSmtp::Stop() { StopPythonServer(server_); }

void PrivateSmtp::MakeCertificate() {
  ca_file_ = dir_.Path("cert.pem");
  ChildProcess openssl({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir_.Path("key.pem"),
                        "-out", ca_file_, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost"},
                       dir_.Path("openssl.log"));
  if (openssl.Wait(std::chrono::seconds(30)) != 0) {
    throw std::runtime_error("openssl could not make a test certificate:\n" + openssl.Log());
  }
}

std::string PrivateSmtp::Url() const {
  return fmt::format("{}://127.0.0.1:{}", url_scheme_, server_.port);
}

std::string PrivateSmtp::Log() const { return ChildProcess::ReadFile(dir_.Path("smtp.log")); }

std::vector<ReceivedMail> PrivateSmtp::Messages() const {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.Path("messages"))) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // message-NNNNNN: the order of arrival
  std::vector<ReceivedMail> mails;
  mails.reserve(files.size());
  for (const auto& f : files) mails.push_back(ReadMessage(f));
  return mails;
}

std::vector<ReceivedMail> PrivateSmtp::WaitForMessages(std::size_t count,
                                                       std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::vector<ReceivedMail> mails = Messages();
    if (mails.size() >= count) return mails;
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(fmt::format("{} message(s) after {} ms, expected {}; log:\n{}",
                                           mails.size(), timeout.count(), count, Log()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace costledger::testing
