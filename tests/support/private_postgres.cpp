#include "private_postgres.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "free_tcp_port.hpp"

namespace costledger::testing {
namespace {

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

// Under /tmp whatever $TMPDIR says: the postgres user must reach the directory, and the unix
// socket's path must stay short (107 bytes at most).
PrivatePostgres::PrivatePostgres() : dir_("costledger-pg", "/tmp"), port_(FreeTcpPort()) {
  if (::geteuid() == 0) {
    // initdb and postgres refuse to run as root: hand the directory to the postgres user.
    Run(fmt::format("chown postgres:postgres '{}'", data_dir()));
  }
  const auto [rc, out] = Run(RunAsServerUser(fmt::format(
      "'{}/initdb' -D '{}/data' -U costledger --auth=trust --no-sync -E UTF8 --locale=C.UTF-8",
      PostgresBinDir(), data_dir())));
  if (rc != 0) {
    throw std::runtime_error("initdb failed (is postgresql-15 installed?):\n" + out);
  }
  AppendSettings();
  Start();
}

PrivatePostgres::PrivatePostgres(StandbyOf of)
    : dir_("costledger-pg", "/tmp"), port_(FreeTcpPort()) {
  if (::geteuid() == 0) Run(fmt::format("chown postgres:postgres '{}'", data_dir()));
  // -R writes standby.signal and primary_conninfo; -X stream takes the WAL of the copy along.
  const auto [rc, out] = Run(RunAsServerUser(
      fmt::format("'{}/pg_basebackup' -D '{}/data' -R -X stream -c fast -h 127.0.0.1 -p {} "
                  "-U costledger",
                  PostgresBinDir(), data_dir(), of.primary.port())));
  if (rc != 0) throw std::runtime_error("pg_basebackup failed:\n" + out);
  // The copied postgresql.conf holds the primary's port and socket: later lines win.
  AppendSettings();
  Start();
}

void PrivatePostgres::AppendSettings() {
  std::ofstream conf(dir_.Path("data/postgresql.conf"), std::ios::app);
  conf << fmt::format(
      "port = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n"
      // Throwaway test data: durability of the server itself is not under test here.
      "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
      "max_connections = 100\nshared_buffers = 64MB\nlog_min_messages = warning\n",
      port_, data_dir());
  conf.close();
  if (::geteuid() == 0)
    Run(fmt::format("chown postgres:postgres '{}/data/postgresql.conf'", data_dir()));
}

PrivatePostgres::~PrivatePostgres() {
  if (running_) {
    try {
      Run(RunAsServerUser(fmt::format("'{}/pg_ctl' -D '{}/data' -m immediate -w stop",
                                      PostgresBinDir(), data_dir())));
    } catch (...) {
      // A destructor must not throw; dir_ is removed either way.
    }
  }
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
  const auto [rc, out] =
      Run(RunAsServerUser(fmt::format("'{}/pg_ctl' -D '{}/data' -l '{}/server.log' -w -t 60 start",
                                      PostgresBinDir(), data_dir(), data_dir())));
  if (rc != 0) {
    throw std::runtime_error("PostgreSQL did not start:\n" + out +
                             ReadFile(dir_.Path("server.log")));
  }
  running_ = true;
}

void PrivatePostgres::Stop() {
  Run(RunAsServerUser(
      fmt::format("'{}/pg_ctl' -D '{}/data' -m fast -w stop", PostgresBinDir(), data_dir())));
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
