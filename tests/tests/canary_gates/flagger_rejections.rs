//! Webhooks the gate turns away: malformed or oversized bodies (400, 413, 415) that run
//! nothing, and POSTs to the other routes or to a server without a body (405).

use smoke_runtime::http::Details;
use smoke_tests::http_client::serve_hyper;

use super::{app, flagger, gate_smoke, payload, send};

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
