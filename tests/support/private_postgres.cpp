#include "private_postgres.hpp"

#include <arpa/inet.h>
#include <fmt/core.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace costledger::testing {
namespace {

int FreeTcpPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::pair<int, std::string> Run(const std::string& command) {
  // NOLINTNEXTLINE(cert-env33-c): runs the server's own tools (initdb, pg_ctl, psql) via sh
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), ::pclose);
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof(buffer), pipe.get()) != nullptr) output += buffer;
  const int status = ::pclose(pipe.release());
  return {WEXITSTATUS(status), output};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::string PostgresBinDir() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): tests only read the environment, never set it
  if (const char* env = std::getenv("COSTLEDGER_PG_BINDIR")) return env;
  return "/usr/lib/postgresql/15/bin";
}

PrivatePostgres::PrivatePostgres() {
  char templ[] = "/tmp/costledger-pg-XXXXXX";
  if (::mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  port_ = FreeTcpPort();
  if (::geteuid() == 0) {
    // initdb and postgres refuse to run as root: hand the directory to the postgres user.
    Run(fmt::format("chown postgres:postgres '{}'", dir_));
  }
  const auto [rc, out] = Run(RunAsServerUser(fmt::format(
      "'{}/initdb' -D '{}/data' -U costledger --auth=trust --no-sync -E UTF8 --locale=C.UTF-8",
      PostgresBinDir(), dir_)));
  if (rc != 0) {
    throw std::runtime_error("initdb failed (is postgresql-15 installed?):\n" + out);
  }
  std::ofstream conf(dir_ + "/data/postgresql.conf", std::ios::app);
  conf << fmt::format(
      "port = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n"
      // Throwaway test data: durability of the server itself is not under test here.
      "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
      "max_connections = 100\nshared_buffers = 64MB\nlog_min_messages = warning\n",
      port_, dir_);
  conf.close();
  if (::geteuid() == 0) Run(fmt::format("chown postgres:postgres '{}/data/postgresql.conf'", dir_));
  Start();
}

PrivatePostgres::~PrivatePostgres() {
  if (running_) {
    try {
      Run(RunAsServerUser(
          fmt::format("'{}/pg_ctl' -D '{}/data' -m immediate -w stop", PostgresBinDir(), dir_)));
    } catch (...) {
      // A destructor must not throw; the directory is removed below either way.
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PrivatePostgres::RunAsServerUser(const std::string& command) const {
  if (::geteuid() != 0) return command;
  std::string quoted;
  for (const char c : command) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return fmt::format("runuser -u postgres -- sh -c '{}'", quoted);
}

void PrivatePostgres::Start() {
  const auto [rc, out] = Run(RunAsServerUser(fmt::format(
      "'{}/pg_ctl' -D '{}/data' -l '{}/server.log' -w -t 60 start", PostgresBinDir(), dir_, dir_)));
  if (rc != 0) {
    throw std::runtime_error("PostgreSQL did not start:\n" + out + ReadFile(dir_ + "/server.log"));
  }
  running_ = true;
}

void PrivatePostgres::Stop() {
  Run(RunAsServerUser(
      fmt::format("'{}/pg_ctl' -D '{}/data' -m fast -w stop", PostgresBinDir(), dir_)));
  running_ = false;
}

std::string PrivatePostgres::Url(const std::string& dbname) const {
  return fmt::format("postgresql://costledger@127.0.0.1:{}/{}", port_, dbname);
}

std::string PrivatePostgres::CreateDatabase(const std::string& dbname) const {
  const auto [rc, out] = Run(fmt::format(
      "psql '{}' -v ON_ERROR_STOP=1 -qc 'CREATE DATABASE \"{}\"'", Url("postgres"), dbname));
  if (rc != 0) throw std::runtime_error("CREATE DATABASE failed: " + out);
  return Url(dbname);
}

}  // namespace costledger::testing
