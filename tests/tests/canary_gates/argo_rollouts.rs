//! Argo Rollouts' `web` metric provider against the gate: `{$.passed}` from a 200,
//! misconfigured gates as Errors that run nothing, and callers without the token.

use std::time::Duration;

use smoke_runtime::http::Details;

use super::{app, argo, gate_smoke, send, Argo, BEARER, TOKEN};

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
    let smoke = gate_smoke()
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
