//! Loopback ports for the tests.

/// A loopback port that was free a moment ago: for a server the test starts next, or as
/// an address where nothing listens.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}
