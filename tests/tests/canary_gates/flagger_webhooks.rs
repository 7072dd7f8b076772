//! Flagger's webhooks against the gate: passing with 200, failing with a short redacted
//! reason, and Flagger as a caller without the token.

use std::time::Duration;

use smoke_runtime::http::Details;

use super::{app, flagger, gate_smoke, payload, send, BEARER, TOKEN};

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
async fn flagger_is_a_caller_without_the_token() {
    let smoke = gate_smoke()
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
