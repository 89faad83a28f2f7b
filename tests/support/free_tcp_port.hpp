#pragma once

namespace costledger::testing {

/// A TCP port on 127.0.0.1 that was free when asked: the kernel picks it for a socket bound to
/// port 0, which is then closed. Another process may take it before the caller binds it, so a
/// server started on it retries with a new port when it finds it taken. Throws
/// std::system_error when no socket can be bound. Thread-safe.
int FreeTcpPort();

}  // namespace costledger::testing
