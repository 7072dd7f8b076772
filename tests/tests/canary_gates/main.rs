//! The canary gate (`/smoketest/gate`) end to end: a real axum server on loopback, a raw
//! HTTP/1.1 client sending the requests Argo Rollouts' `web` metric provider and
//! Flagger's webhooks send, and each controller's reading of the answer (Argo: 2xx or an
//! Error, then `{$.passed}` against `result == true`; Flagger: 200-202 passes, a retried
//! 5xx or 429 loses its body, any other status fails with the body as the reason).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use smoke_runtime::http::{Smoke, SmokeBuilder};
use smoke_runtime::prelude::*;
use smoke_runtime::{Runner, Selection};
use smoke_tests::http_client::{raw, serve_axum};

mod argo_rollouts;
mod flagger_rejections;
mod flagger_webhooks;

// ---- the smoke tests behind the gate --------------------------------------------------------

#[smoke_test(tags("gate", "gate_ok", "db"))]
fn database_answers() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("gate", "gate_ok"))]
async fn cache_answers() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("gate", "gate_broken"))]
fn payments_reachable() -> SmokeResult {
    Err(SmokeError::failure(
        "connect to postgres://app:hunter2@db.internal:5432/pay failed;\nthe api key \
         GATE-SECRET-42 was rejected",
    ))
}

#[smoke_test(tags("gate", "gate_broken"))]
fn queue_reachable() -> SmokeResult {
    Ok(())
}

// ---- a raw client and the controllers' readings ----------------------------------------------

const TOKEN: &str = "gate-token-7f3a";
const BEARER: (&str, &str) = ("Authorization", "Bearer gate-token-7f3a");

/// A response as it came over the wire.
#[derive(Debug)]
struct Wire {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Wire {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Sends one request over a new connection, with `Content-Length` when there is a body.
async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Wire {
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" || method == "PUT" {
        text.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    text.push_str("\r\n");
    text.push_str(body);
    let answer = tokio::time::timeout(Duration::from_secs(20), raw(addr, text.as_bytes()))
        .await
        .expect("an answer in time");
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of head in {answer:?}"));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect::<Vec<_>>();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    assert!(!chunked, "the endpoint's answers have a length");
    Wire {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// How Argo Rollouts records one measurement of the `web` provider.
#[derive(Debug, PartialEq)]
enum Argo {
    Successful,
    Failed,
    Error(String),
}

/// Argo's GET (no `Accept`; the template's headers), then its reading: a non-2xx is an
/// Error; else `jsonPath: "{$.passed}"` and `successCondition: result == true`.
async fn argo(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (Argo, Wire) {
    let mut all = vec![
        ("User-Agent", "Go-http-client/1.1"),
        ("Accept-Encoding", "gzip"),
    ];
    all.extend_from_slice(headers);
    let wire = send(addr, "GET", path, &all, "").await;
    if !(200..300).contains(&wire.status) {
        let why = format!("received non 2xx response code: {}", wire.status);
        return (Argo::Error(why), wire);
    }
    let measured = match serde_json::from_str::<serde_json::Value>(&wire.body) {
        Err(e) => Argo::Error(format!("not JSON: {e}")),
        Ok(doc) => match doc.get("passed") {
            None => Argo::Error("Could not find JSONPath in body".to_owned()),
            Some(serde_json::Value::Bool(true)) => Argo::Successful,
            Some(_) => Argo::Failed,
        },
    };
    (measured, wire)
}

/// Flagger's webhook payload.
fn payload(phase: &str, metadata: &[(&str, &str)]) -> String {
    let mut doc = serde_json::json!({
        "name": "podinfo",
        "namespace": "test",
        "phase": phase,
        "checksum": "85d557f47b",
    });
    if !metadata.is_empty() {
        let map: BTreeMap<&str, &str> = metadata.iter().copied().collect();
        doc["metadata"] = serde_json::json!(map);
    }
    doc.to_string()
}

/// Flagger's POST (`Content-Type: application/json`, no other header of note), then its
/// reading: 200-202 passes; go-retryablehttp gives up on a 5xx (but 501) or a 429
/// without the body; any other status fails with the body as the reason.
async fn flagger(addr: SocketAddr, path: &str, body: &str) -> (Result<(), String>, Wire) {
    let headers = [
        ("User-Agent", "Go-http-client/1.1"),
        ("Content-Type", "application/json"),
        ("Accept-Encoding", "gzip"),
    ];
    let wire = send(addr, "POST", path, &headers, body).await;
    let verdict = match wire.status {
        200..=202 => Ok(()),
        429 => Err("giving up after 1 attempt(s)".to_owned()),
        s if s >= 500 && s != 501 => Err(format!(
            "giving up after 1 attempt(s): unexpected HTTP status {s}"
        )),
        _ => Err(wire.body.clone()),
    };
    (verdict, wire)
}

fn gate_smoke() -> SmokeBuilder {
    Smoke::builder()
        .only(Selection::all().tag("gate"))
        .min_interval(Duration::ZERO)
        .runner(Runner::builder().secret("GATE-SECRET-42"))
}

/// Serves `smoke` mounted at `/smoketest` in an axum app.
async fn app(smoke: Smoke) -> SocketAddr {
    serve_axum(smoke_runtime::axum::mount(
        Router::new(),
        "/smoketest",
        smoke,
    ))
    .await
}
