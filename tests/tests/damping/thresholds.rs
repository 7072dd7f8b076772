//! Damping thresholds: run-wide, the test's own count and time in error, and the attribute.

use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::StatusCode;
use smoke_runtime::report::damping::Damping;
use smoke_tests::http_client::get;

use super::{expect, run, serve, step, A_DOWN, BEARER, B_DOWN, F_DOWN};

#[tokio::test]
async fn run_wide_thresholds_damp_the_status_code_and_show_both() {
    let addr = serve("damp-a", Damping::new().fail_after(3).pass_after(2)).await;
    // Start-up: failed once, never passed: pending, and not healthy.
    assert_eq!(
        step(addr, "a_upstream").await,
        expect(500, "failed", "pending")
    );
    A_DOWN.store(false, Ordering::SeqCst);
    // The first pass reports passing at once.
    assert_eq!(
        step(addr, "a_upstream").await,
        expect(200, "passed", "passing")
    );
    A_DOWN.store(true, Ordering::SeqCst);
    // Two failures are damped: still 200, the raw outcome says failed (the second run
    // through the text format, which notes it).
    assert_eq!(
        step(addr, "a_upstream").await,
        expect(200, "failed", "passing")
    );
    let text = get(addr, "/?format=text", &[BEARER]).await;
    assert_eq!(text.status, StatusCode::OK, "{}", text.body);
    // The first line is the reported status, the raw one beside it.
    assert!(text.body.starts_with("PASS\n"), "{}", text.body);
    assert!(text.body.contains("\nraw status: FAIL ("), "{}", text.body);
    assert!(
        text.body
            .contains("damping::a_upstream: failed, reported passing (damped)"),
        "{}",
        text.body
    );
    // The third reports failing.
    assert_eq!(
        step(addr, "a_upstream").await,
        expect(500, "failed", "failing")
    );
    A_DOWN.store(false, Ordering::SeqCst);
    // One pass is not enough to recover (this run through the page); two are.
    let page = get(addr, "/?format=html", &[BEARER]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        page.body
            .contains("<div class=\"reported failing\">reported failing (damped)"),
        "{}",
        page.body
    );
    let metrics = get(addr, "/metrics", &[BEARER]).await.body;
    assert!(
        metrics.contains(
            "smoke_test_reported_passing{test=\"damping::a_upstream\",class=\"damping\"} 0\n"
        ),
        "{metrics}"
    );
    assert_eq!(
        step(addr, "a_upstream").await,
        expect(200, "passed", "passing")
    );
    let (_, t) = run(addr, "a_upstream").await;
    assert_eq!(t["flaky"], false, "{t}");
}

#[tokio::test]
async fn a_tests_own_threshold_applies_without_run_wide_damping() {
    let addr = serve("damp-b", Damping::new()).await;
    assert_eq!(
        step(addr, "b_cache").await,
        expect(200, "passed", "passing")
    );
    B_DOWN.store(true, Ordering::SeqCst);
    assert_eq!(
        step(addr, "b_cache").await,
        expect(200, "failed", "passing")
    );
    assert_eq!(
        step(addr, "b_cache").await,
        expect(500, "failed", "failing")
    );
    B_DOWN.store(false, Ordering::SeqCst);
    // pass_after is the run-wide 1.
    assert_eq!(
        step(addr, "b_cache").await,
        expect(200, "passed", "passing")
    );
}

#[tokio::test]
async fn a_tests_own_time_in_error_reports_it_failing_before_its_count() {
    let addr = serve("damp-f", Damping::new()).await;
    assert_eq!(step(addr, "f_disk").await, expect(200, "passed", "passing"));
    F_DOWN.store(true, Ordering::SeqCst);
    // Failing since this run: 1 failure of 10, and no time in error yet.
    assert_eq!(step(addr, "f_disk").await, expect(200, "failed", "passing"));
    tokio::time::sleep(Duration::from_millis(400)).await;
    // 2 failures of 10, but failing for 400 ms of the 300 allowed.
    assert_eq!(step(addr, "f_disk").await, expect(500, "failed", "failing"));
}
#[test]
fn the_attribute_fills_the_descriptor_suite_defaults_included() {
    let thresholds = |name: &str| {
        let t = smoke_runtime::registered()
            .iter()
            .find(|t| t.full_name() == format!("damping::Damped::{name}"))
            .unwrap_or_else(|| panic!("no {name}"));
        (t.fail_after, t.pass_after, t.fail_after_duration)
    };
    let minute = Some(Duration::from_secs(60));
    assert_eq!(thresholds("test_suite_default"), (Some(4), None, minute));
    assert_eq!(
        thresholds("test_own_pass_after"),
        (Some(4), Some(3), minute)
    );
    assert_eq!(
        thresholds("test_own_fail_after"),
        (Some(2), None, Some(Duration::from_millis(1500)))
    );
    let free = |name: &str| {
        let t = smoke_runtime::registered()
            .iter()
            .find(|t| t.full_name() == format!("damping::{name}"))
            .unwrap();
        (t.fail_after, t.pass_after, t.fail_after_duration)
    };
    assert_eq!(free("b_cache"), (Some(2), None, None));
    assert_eq!(
        free("f_disk"),
        (Some(10), None, Some(Duration::from_millis(300)))
    );
}
