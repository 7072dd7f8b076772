//! `dns_resolves` and `tcp_connect`: names that resolve or not, open, closed and
//! unanswering loopback ports.

use std::time::Duration;

use smoke_runtime::checks::{self, AddressFamily};
use smoke_tests::verdict::{errored, failed, says};

use super::closed_address;

// ---- DNS and TCP -------------------------------------------------------------------

#[tokio::test]
async fn names_that_resolve_pass_and_others_fail() {
    checks::dns_resolves("localhost", AddressFamily::Any)
        .await
        .unwrap();
    checks::dns_resolves("127.0.0.1", AddressFamily::V4)
        .await
        .unwrap();

    let error = failed(checks::dns_resolves("127.0.0.1", AddressFamily::V6).await);
    says(&error, "resolves to [127.0.0.1] but not to an IPv6 address");
    says(&error, "AAAA");

    // `.invalid` never resolves (RFC 6761).
    let error = failed(checks::dns_resolves("smoke-check.invalid", AddressFamily::Any).await);
    says(&error, "smoke-check.invalid");
}

#[tokio::test]
async fn a_listening_port_passes_and_a_closed_one_fails() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let open = listener.local_addr().unwrap().to_string();
    checks::tcp_connect(&open, Duration::from_secs(5))
        .await
        .unwrap();

    let closed = closed_address();
    let error = failed(checks::tcp_connect(&closed, Duration::from_secs(5)).await);
    says(&error, &format!("could not connect to {closed}"));
    says(&error, "listening on that port");

    let error = errored(checks::tcp_connect("localhost", Duration::from_secs(1)).await);
    says(&error, "has no port");
}

/// A listener on loopback whose accept queue is full: it never accepts, so once the queue
/// holds what its backlog allows the kernel drops further SYNs and a connect hangs until
/// the client gives up. Returns the address and the connections that fill the queue.
#[cfg(target_os = "linux")]
async fn full_listener() -> (tokio::net::TcpListener, String, Vec<tokio::net::TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut held = Vec::new();
    for _ in 0..16 {
        match tokio::time::timeout(
            Duration::from_millis(500),
            tokio::net::TcpStream::connect(&address),
        )
        .await
        {
            Ok(Ok(stream)) => held.push(stream),
            Ok(Err(e)) => panic!("connecting to fill the queue failed: {e}"),
            // The queue is full: this connect hung.
            Err(_) => return (listener, address, held),
        }
    }
    panic!("16 connections to a listener with backlog 0 were all accepted by the kernel");
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_port_that_does_not_answer_in_time_fails_with_the_timeout() {
    let (_listener, address, _held) = full_listener().await;
    let error = failed(checks::tcp_connect(&address, Duration::from_millis(300)).await);
    says(
        &error,
        &format!("could not connect to {address} within 300ms"),
    );
    says(&error, "a firewall drops the packets");
}
