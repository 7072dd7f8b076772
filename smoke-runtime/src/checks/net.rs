//! The network: names that resolve, ports that accept connections.

use std::net::SocketAddr;
use std::time::Duration;

use super::human_duration;
use crate::{SmokeError, SmokeResult};

/// How long a name lookup may take.
const DNS_TIMEOUT: Duration = Duration::from_secs(10);

/// Which addresses a name must resolve to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AddressFamily {
    /// Any address.
    #[default]
    Any,
    /// At least one IPv4 address.
    V4,
    /// At least one IPv6 address.
    V6,
}

impl AddressFamily {
    fn admits(self, addr: &SocketAddr) -> bool {
        match self {
            AddressFamily::Any => true,
            AddressFamily::V4 => addr.is_ipv4(),
            AddressFamily::V6 => addr.is_ipv6(),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            AddressFamily::Any => "an address",
            AddressFamily::V4 => "an IPv4 address",
            AddressFamily::V6 => "an IPv6 address",
        }
    }
}

/// Checks that `name` resolves, through the system's resolver (`/etc/hosts`, DNS), to at
/// least one address of `family`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use smoke_runtime::checks::{self, AddressFamily};
///
/// checks::dns_resolves("localhost", AddressFamily::Any).await.unwrap();
/// # }
/// ```
pub async fn dns_resolves(name: &str, family: AddressFamily) -> SmokeResult {
    if name.is_empty() {
        return Err(SmokeError::error(
            "dns_resolves: the name to resolve is empty",
        ));
    }
    let lookup = tokio::net::lookup_host((name, 0));
    let addrs: Vec<SocketAddr> = match tokio::time::timeout(DNS_TIMEOUT, lookup).await {
        Err(_) => {
            return Err(SmokeError::failure(format!(
                "resolving {name} did not finish within {}; check the resolvers in \
                 /etc/resolv.conf and that they are reachable from here",
                human_duration(DNS_TIMEOUT)
            )))
        }
        Ok(Err(e)) => {
            return Err(SmokeError::failure(format!(
                "{name} does not resolve: {e}; check the spelling of the name, its DNS \
                 records, and the resolvers in /etc/resolv.conf"
            )))
        }
        Ok(Ok(addrs)) => addrs.collect(),
    };
    if addrs.iter().any(|a| family.admits(a)) {
        return Ok(());
    }
    let found: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
    Err(SmokeError::failure(format!(
        "{name} resolves to [{}] but not to {}; add the missing record (A for IPv4, AAAA \
         for IPv6)",
        found.join(", "),
        family.describe()
    )))
}

/// Checks that `address` (`host:port`, `[v6]:port`) accepts a TCP connection within
/// `timeout` (name resolution included). The connection is closed at once.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use smoke_runtime::checks;
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
/// let address = listener.local_addr().unwrap().to_string();
/// checks::tcp_connect(&address, Duration::from_secs(2)).await.unwrap();
/// # }
/// ```
pub async fn tcp_connect(address: &str, timeout: Duration) -> SmokeResult {
    if !address.contains(':') {
        return Err(SmokeError::error(format!(
            "tcp_connect: {address:?} has no port; write it as host:port"
        )));
    }
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(address)).await {
        Ok(Ok(_stream)) => Ok(()),
        Ok(Err(e)) => Err(SmokeError::failure(format!(
            "could not connect to {address}: {e}; check that the service there is running \
             and listening on that port, and that no firewall or security group blocks it"
        ))),
        Err(_) => Err(SmokeError::failure(format!(
            "could not connect to {address} within {}; the host is down or a firewall drops \
             the packets: check the address and the network path",
            human_duration(timeout)
        ))),
    }
}
