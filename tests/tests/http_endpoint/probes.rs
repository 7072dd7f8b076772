//! The metrics, liveness and readiness routes.

use std::sync::atomic::Ordering;

use hyper::StatusCode;
use smoke_runtime::http::Details;
use smoke_tests::http_client::get;

use super::{app, only, MOD, READY_RUNS};

// ---- metrics, liveness, readiness ---------------------------------------------------------

#[tokio::test]
async fn metrics_come_from_the_latest_result_and_never_start_a_run() {
    let smoke = only("broken").details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let r = get(addr, "/smoketest/metrics", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header("content-type"),
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert!(r.body.contains("smoke_runs_total 0\n"), "{}", r.body);
    assert!(!r.body.contains("smoke_test_passed{"), "{}", r.body);
    assert_eq!(smoke.runs(), 0, "a scrape started a run");

    get(addr, "/smoketest", &[]).await;
    let m = get(addr, "/smoketest/metrics", &[]).await.body;
    assert_eq!(smoke.runs(), 1);
    let t = |name: &str| format!("test=\"{MOD}::{name}\",class=\"{MOD}\"");
    assert!(
        m.contains(&format!(
            "smoke_test_passed{{{}}} 0\n",
            t("payments_reachable")
        )),
        "{m}"
    );
    assert!(
        m.contains(&format!(
            "smoke_test_passed{{{}}} 1\n",
            t("queue_reachable")
        )),
        "{m}"
    );
    assert!(m.contains(&format!(
        "smoke_test_outcome{{{},outcome=\"failed\"}} 1\n",
        t("payments_reachable")
    )));
    assert!(m.contains(&format!(
        "smoke_test_duration_seconds{{{}}} ",
        t("queue_reachable")
    )));
    assert!(m.contains(&format!(
        "smoke_test_last_run_timestamp_seconds{{{}}} 1",
        t("queue_reachable")
    )));
    assert!(m.contains("smoke_last_run_passed 0\n"));
    assert!(m.contains("smoke_last_run_tests{outcome=\"failed\"} 1\n"));
    assert!(m.contains("smoke_runs_total 1\n"));
    assert!(m.contains("smoke_runs_failed_total 1\n"));
    assert!(m.contains("# TYPE smoke_runs_total counter\n"));
    assert_eq!(smoke.runs(), 1);
}

#[tokio::test]
async fn the_last_run_series_follow_runs_of_every_test_only() {
    let smoke = only("lastrun")
        .details(Details::Always)
        .readiness_tags(["lastrun_ready"])
        .build();
    let addr = app(smoke.clone()).await;
    // A run of a part only: per-test series, but no last run yet.
    assert_eq!(
        get(addr, "/smoketest/readyz", &[]).await.status,
        StatusCode::OK
    );
    let m = get(addr, "/smoketest/metrics", &[]).await.body;
    assert!(!m.contains("smoke_last_run_passed"), "{m}");
    assert!(
        m.contains(&format!(
            "smoke_test_passed{{test=\"{MOD}::part_that_passes\",class=\"{MOD}\"}} 1\n"
        )),
        "{m}"
    );
    assert!(smoke.latest().is_none());

    assert_eq!(
        get(addr, "/smoketest", &[]).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    // A passing part after the failing whole does not make the last run pass.
    assert_eq!(
        get(addr, "/smoketest/readyz", &[]).await.status,
        StatusCode::OK
    );
    let m = get(addr, "/smoketest/metrics", &[]).await.body;
    assert!(m.contains("smoke_last_run_passed 0\n"), "{m}");
    assert!(
        m.contains("smoke_last_run_tests{outcome=\"failed\"} 1\n"),
        "{m}"
    );
    assert!(
        m.contains("smoke_last_run_tests{outcome=\"passed\"} 1\n"),
        "{m}"
    );
    assert!(m.contains("smoke_runs_total 3\n"), "{m}");
    assert_eq!(smoke.latest().unwrap().tests.len(), 2);
}

#[tokio::test]
async fn livez_runs_nothing_and_readyz_runs_the_readiness_tests() {
    let smoke = only("probe").build();
    let addr = app(smoke.clone()).await;
    let live = get(addr, "/smoketest/livez", &[]).await;
    assert_eq!((live.status, live.body.as_str()), (StatusCode::OK, "ok\n"));
    assert_eq!(smoke.runs(), 0);

    let before = READY_RUNS.load(Ordering::SeqCst);
    let ready = get(addr, "/smoketest/readyz", &[]).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
    assert!(ready.body.contains("tests run: 1\n"), "{}", ready.body);
    assert_eq!(ready.header("x-smoke-status"), "PASS");
    assert_eq!(READY_RUNS.load(Ordering::SeqCst) - before, 1);
    // The whole set fails (one non-readiness test fails).
    assert_eq!(
        get(addr, "/smoketest", &[]).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );

    // Readiness tags are configurable.
    let addr = app(only("probe").readiness_tags(["probe"]).build()).await;
    let ready = get(addr, "/smoketest/readyz?format=json", &[]).await;
    assert_eq!(ready.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(ready.json()["tests_run"], 2);
}
