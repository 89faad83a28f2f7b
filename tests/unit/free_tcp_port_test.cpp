#include "free_tcp_port.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace costledger::testing {
namespace {

TEST(FreeTcpPortTest, GivesAPortThatCanBeListenedOnAtLoopback) {
  const int port = FreeTcpPort();
  ASSERT_GT(port, 0);
  ASSERT_LT(port, 65536);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(::listen(fd, 1), 0);
  // While it is taken, the next free port is another one.
  EXPECT_NE(FreeTcpPort(), port);
  ::close(fd);
}

}  // namespace
}  // namespace costledger::testing
