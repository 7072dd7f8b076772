//! The canary gate (`/smoketest/gate`) end to end: a real axum server on loopback, a raw
//! HTTP/1.1 client sending the requests Argo Rollouts' `web` metric provider and
//! Flagger's webhooks send, and each controller's reading of the answer (Argo: 2xx or an
//! Error, then `{$.passed}` against `result == true`; Flagger: 200-202 passes, a retried
//! 5xx or 429 loses its body, any other status fails with the body as the reason).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use smoke_runtime::http::{Details, Smoke, SmokeBuilder};
use smoke_runtime::prelude::*;
use smoke_runtime::{Runner, Selection};
use smoke_tests::http_client::{raw, serve_axum, serve_hyper};

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

// ---- Argo Rollouts ---------------------------------------------------------------------------

#[tokio::test]
async fn argo_reads_passed_from_a_200_whether_the_tests_pass_or_fail() {
    let smoke = gate_smoke()
        .details(Details::WhenAuthorized(TOKEN.into()))
        .build();
    let addr = app(smoke.clone()).await;

    let (measured, wire) = argo(addr, "/smoketest/gate?tag=gate_ok", &[BEARER]).await;
    assert_eq!(measured, Argo::Successful, "{}", wire.body);
    assert_eq!(wire.status, 200);
    assert_eq!(wire.header("content-type"), "application/json");
    assert_eq!(wire.header("x-smoke-status"), "PASS");
    let doc = wire.json();
    assert_eq!(doc["passed"], true);
    assert_eq!(doc["status"], "PASS");
    assert_eq!(doc["tests_run"], 2);
    assert_eq!(doc["tests_passed"], 2);
    assert_eq!(doc["tests_failed"], 0);
    assert_eq!(doc["tests_errored"], 0);
    assert!(
        doc.get("tests").is_none(),
        "a summary, not the whole report"
    );

    // A failing selection is still a 200: Argo sees a Failure, not an Error.
    let (measured, wire) = argo(addr, "/smoketest/gate/?tag=gate_broken", &[BEARER]).await;
    assert_eq!(measured, Argo::Failed, "{}", wire.body);
    assert_eq!(wire.status, 200);
    assert_eq!(wire.header("x-smoke-status"), "FAIL");
    let doc = wire.json();
    assert_eq!(doc["passed"], false);
    assert_eq!(
        (doc["tests_run"].as_u64(), doc["tests_failed"].as_u64()),
        (Some(2), Some(1))
    );
    let failed = doc["failed_tests"][0].as_str().unwrap();
    assert!(
        failed.starts_with("canary_gates::payments_reachable failed: "),
        "{failed}"
    );
    assert!(failed.contains("***"), "{failed}");
    assert!(
        !wire.body.contains("GATE-SECRET-42") && !wire.body.contains("hunter2"),
        "{}",
        wire.body
    );

    // `test` and `fresh` as `/` takes them.
    let (measured, _) = argo(
        addr,
        "/smoketest/gate?test=canary_gates::queue_reachable&fresh=1",
        &[BEARER],
    )
    .await;
    assert_eq!(measured, Argo::Successful);
    // HEAD answers the same status, without a body.
    let head = send(
        addr,
        "HEAD",
        "/smoketest/gate?tag=gate_broken",
        &[BEARER],
        "",
    )
    .await;
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    assert_eq!(head.header("x-smoke-status"), "FAIL");
}

#[tokio::test]
async fn a_misconfigured_argo_gate_is_an_error_and_runs_nothing() {
    let smoke = gate_smoke()
        .details(Details::WhenAuthorized(TOKEN.into()))
        .build();
    let addr = app(smoke.clone()).await;
    for (path, headers, status) in [
        ("/smoketest/gate?colour=red", &[BEARER][..], 400),
        ("/smoketest/gate?tag=", &[BEARER][..], 400),
        ("/smoketest/gate?format=json", &[BEARER][..], 400),
        ("/smoketest/gate?tag=no-such-tag", &[BEARER][..], 400),
        (
            "/smoketest/gate?test=canary_gates::nothing",
            &[BEARER][..],
            400,
        ),
        (
            "/smoketest/gate",
            &[("Authorization", "Bearer wrong")][..],
            401,
        ),
        ("/smoketest/gate?tag=gate_ok", &[][..], 403),
    ] {
        let (measured, wire) = argo(addr, path, headers).await;
        assert_eq!(wire.status, status, "{path}: {}", wire.body);
        assert!(matches!(measured, Argo::Error(_)), "{path}: {measured:?}");
        assert_eq!(wire.header("content-type"), "text/plain; charset=utf-8");
    }
    assert_eq!(smoke.runs(), 0);
}

#[tokio::test]
async fn argo_without_the_token_gets_counts_only_and_shares_the_anonymous_interval() {
    let smoke = Smoke::builder()
        .only(Selection::all().tag("gate"))
        .runner(Runner::builder().secret("GATE-SECRET-42"))
        .details(Details::WhenAuthorized(TOKEN.into()))
        .min_interval(Duration::from_secs(60))
        .build();
    let addr = app(smoke.clone()).await;
    let (measured, wire) = argo(addr, "/smoketest/gate", &[]).await;
    assert_eq!(measured, Argo::Failed, "{}", wire.body);
    let doc = wire.json();
    assert_eq!(
        (doc["tests_run"].as_u64(), doc["tests_failed"].as_u64()),
        (Some(4), Some(1))
    );
    assert_eq!(doc["failed_tests"], serde_json::json!([]));
    assert!(!wire.body.contains("payments"), "{}", wire.body);
    assert_eq!(smoke.runs(), 1);
    // Within the interval the same result is served, with its age.
    let (again, wire) = argo(addr, "/smoketest/gate", &[]).await;
    assert_eq!(again, Argo::Failed);
    assert_eq!(smoke.runs(), 1);
    assert!(!wire.header("age").is_empty(), "{:?}", wire.headers);
}

// ---- Flagger ---------------------------------------------------------------------------------

#[tokio::test]
async fn flagger_webhooks_pass_with_200_and_fail_with_a_short_redacted_reason() {
    let smoke = gate_smoke().details(Details::Always).build();
    let addr = app(smoke.clone()).await;

    for phase in [
        "Progressing",
        "Waiting",
        "Promoting",
        "WaitingPromotion",
        "Finalising",
    ] {
        for metadata in [
            &[("tags", "gate_ok,db")][..],
            &[("tag", "gate_ok")][..],
            &[
                ("tags", " db , gate_ok "),
                ("test", "canary_gates::cache_answers"),
            ][..],
        ] {
            let (verdict, wire) = flagger(addr, "/smoketest/gate", &payload(phase, metadata)).await;
            assert_eq!(verdict, Ok(()), "{phase} {metadata:?}: {}", wire.body);
            assert_eq!(wire.status, 200);
            assert_eq!(wire.header("content-type"), "text/plain; charset=utf-8");
            assert!(wire.body.starts_with("PASS: "), "{}", wire.body);
        }
    }
    let (verdict, wire) = flagger(
        addr,
        "/smoketest/gate",
        &payload("Progressing", &[("tags", "db")]),
    )
    .await;
    assert_eq!(verdict, Ok(()));
    assert_eq!(wire.body, "PASS: 1 run, 1 passed, 0 failed, 0 errored\n");

    // A failure reaches Flagger's events: one line, the counts, the names, redacted.
    let (verdict, wire) = flagger(
        addr,
        "/smoketest/gate",
        &payload("Progressing", &[("tag", "gate_broken")]),
    )
    .await;
    assert_eq!(wire.status, 412, "{}", wire.body);
    assert_eq!(wire.header("x-smoke-status"), "FAIL");
    let reason = verdict.unwrap_err();
    assert_eq!(reason.lines().count(), 1, "{reason}");
    assert!(
        reason.starts_with(
            "FAIL: 2 run, 1 passed, 1 failed, 0 errored; not passed: \
             canary_gates::payments_reachable; canary_gates::payments_reachable failed: \
             connect to postgres://"
        ),
        "{reason}"
    );
    assert!(reason.contains("***"), "{reason}");
    assert!(
        !reason.contains("GATE-SECRET-42") && !reason.contains("hunter2"),
        "{reason}"
    );
    assert!(reason.len() < 400, "{reason}");

    // The URL's selection and the metadata's add up; no metadata runs the whole set.
    let (verdict, _) = flagger(
        addr,
        "/smoketest/gate?tag=gate_broken",
        &payload("Progressing", &[("tag", "db")]),
    )
    .await;
    assert!(verdict.is_err());
    let (verdict, wire) = flagger(addr, "/smoketest/gate", &payload("Progressing", &[])).await;
    assert!(
        wire.body.starts_with("FAIL: 4 run, 3 passed, 1 failed"),
        "{verdict:?}"
    );
}

#[tokio::test]
async fn a_malformed_webhook_is_400_and_runs_nothing() {
    let smoke = gate_smoke().details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    for (body, words) in [
        ("{not json", "malformed Flagger webhook: "),
        (
            r#"{"namespace":"test","phase":"Progressing"}"#,
            "missing field `name`",
        ),
        (
            r#"{"name":"podinfo","namespace":"test","phase":"Progressing","metadata":{"tag":true}}"#,
            "invalid type",
        ),
        (
            r#"{"name":"podinfo","namespace":"test","phase":"Progressing","metadata":{"cmd":"hey"}}"#,
            "unknown metadata key `cmd`",
        ),
        (
            r#"{"name":"podinfo","namespace":"test","phase":"Progressing","metadata":{"eventMessage":"m","eventType":"Normal","timestamp":"1"}}"#,
            "`event` webhook",
        ),
        (
            r#"{"name":"podinfo","namespace":"test","phase":"Progressing","metadata":{"tags":"db,"}}"#,
            "without empty items",
        ),
        ("", "EOF"),
    ] {
        let (verdict, wire) = flagger(addr, "/smoketest/gate", body).await;
        assert_eq!(wire.status, 400, "{body}: {}", wire.body);
        assert!(wire.body.contains(words), "{body}: {}", wire.body);
        assert_eq!(wire.body.lines().count(), 1, "{}", wire.body);
        assert_eq!(verdict.unwrap_err(), wire.body);
    }
    // An unknown selection is the run route's 400.
    let (_, wire) = flagger(
        addr,
        "/smoketest/gate",
        &payload("Progressing", &[("tag", "nope")]),
    )
    .await;
    assert_eq!(wire.status, 400);
    assert!(
        wire.body.starts_with("unknown tag(s): nope"),
        "{}",
        wire.body
    );
    // Not JSON by its type: 415. Too long: 413.
    let text = send(
        addr,
        "POST",
        "/smoketest/gate",
        &[("Content-Type", "text/plain")],
        "{}",
    )
    .await;
    assert_eq!(text.status, 415, "{}", text.body);
    let form = send(
        addr,
        "POST",
        "/smoketest/gate",
        &[],
        &payload("Progressing", &[]),
    )
    .await;
    assert_eq!(form.status, 415, "{}", form.body);
    let long = format!(r#"{{"name":"{}"}}"#, "x".repeat(70_000));
    let (_, wire) = flagger(addr, "/smoketest/gate", &long).await;
    assert_eq!(wire.status, 413, "{}", wire.body);
    assert_eq!(smoke.runs(), 0);
}

#[tokio::test]
async fn posts_to_other_routes_keep_their_405() {
    let smoke = gate_smoke().details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let body = payload("Progressing", &[]);
    for path in [
        "/smoketest",
        "/smoketest/",
        "/smoketest/livez",
        "/smoketest/readyz",
        "/smoketest/metrics",
    ] {
        let (verdict, wire) = flagger(addr, path, &body).await;
        assert_eq!(wire.status, 405, "{path}: {}", wire.body);
        assert_eq!(wire.header("allow"), "GET, HEAD", "{path}");
        assert!(verdict.is_err());
    }
    let put = send(
        addr,
        "PUT",
        "/smoketest/gate",
        &[("Content-Type", "application/json")],
        &body,
    )
    .await;
    assert_eq!(put.status, 405);
    assert_eq!(put.header("allow"), "GET, HEAD, POST");
    // A server that hands the endpoint no body (`Smoke::handle`) cannot take a webhook.
    let hyper = serve_hyper(gate_smoke().details(Details::Always).build()).await;
    let (_, wire) = flagger(hyper, "/gate", &body).await;
    assert_eq!(wire.status, 405, "{}", wire.body);
    assert!(
        wire.body.contains("Smoke::handle_with_body"),
        "{}",
        wire.body
    );
    assert_eq!(smoke.runs(), 0);
}

#[tokio::test]
async fn flagger_is_a_caller_without_the_token() {
    let smoke = Smoke::builder()
        .only(Selection::all().tag("gate"))
        .runner(Runner::builder().secret("GATE-SECRET-42"))
        .details(Details::WhenAuthorized(TOKEN.into()))
        .min_interval(Duration::from_secs(60))
        .build();
    let addr = app(smoke.clone()).await;
    // Flagger sends no Authorization header: it may not select ...
    let (verdict, wire) = flagger(
        addr,
        "/smoketest/gate",
        &payload("Progressing", &[("tag", "gate_ok")]),
    )
    .await;
    assert_eq!(wire.status, 403, "{}", wire.body);
    assert!(verdict
        .unwrap_err()
        .contains("needs a caller allowed details"));
    assert_eq!(smoke.runs(), 0);
    // ... it runs the whole set and learns the counts, no name, no message.
    let (verdict, wire) = flagger(addr, "/smoketest/gate", &payload("Progressing", &[])).await;
    assert_eq!(wire.status, 412);
    assert_eq!(
        verdict.unwrap_err(),
        "FAIL: 4 run, 3 passed, 1 failed, 0 errored\n"
    );
    assert_eq!(smoke.runs(), 1);
    // ... at most once per interval.
    let (_, wire) = flagger(addr, "/smoketest/gate", &payload("Waiting", &[])).await;
    assert_eq!(wire.status, 412);
    assert_eq!(smoke.runs(), 1);
    // With the token (a proxy that adds it), it selects and sees names.
    let headers = [BEARER, ("Content-Type", "application/json")];
    let wire = send(
        addr,
        "POST",
        "/smoketest/gate",
        &headers,
        &payload("Progressing", &[("tag", "gate_broken")]),
    )
    .await;
    assert_eq!(wire.status, 412);
    assert!(
        wire.body.contains("canary_gates::payments_reachable"),
        "{}",
        wire.body
    );
    let wrong = send(
        addr,
        "POST",
        "/smoketest/gate",
        &[
            ("Authorization", "Bearer nope"),
            ("Content-Type", "application/json"),
        ],
        &payload("Progressing", &[]),
    )
    .await;
    assert_eq!(wrong.status, 401);
}
