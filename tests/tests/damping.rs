//! Flap damping and flaky tests through the endpoint: tests whose outcome the test
//! toggles, run through real HTTP requests; the status code follows the reported
//! (damped) status while the raw outcome stays visible beside it, in JSON, HTML, text and
//! Prometheus; the start-up rule (never passing before the first pass); per-test
//! thresholds from the attribute; and the flaky mark in every format.
//!
//! Each scenario has its own tests (by tag) and toggles, since tests run in parallel.
//! The ignored `serve_a_page_to_look_at` keeps an endpoint with history, a flaky test and
//! a blocked test running, to look at in a browser.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use hyper::StatusCode;
use serde_json::Value;
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::report::damping::Damping;
use smoke_runtime::Selection;
use smoke_tests::http_client::{get, serve_axum};

const TOKEN: &str = "damping-token";
const BEARER: (&str, &str) = ("authorization", "Bearer damping-token");

fn toggled(down: &AtomicBool) -> SmokeResult {
    if down.load(Ordering::SeqCst) {
        return Err(SmokeError::failure("upstream refused the connection"));
    }
    Ok(())
}

// ---- scenario A: run-wide thresholds, fail after 3, pass after 2 ---------------------

static A_DOWN: AtomicBool = AtomicBool::new(true);

#[smoke_test(tags("damp-a"))]
fn a_upstream() -> SmokeResult {
    toggled(&A_DOWN)
}

// ---- scenario B: the test's own threshold, fail after 2, no run-wide damping ---------

static B_DOWN: AtomicBool = AtomicBool::new(false);

#[smoke_test(tags("damp-b"), fail_after = 2)]
fn b_cache() -> SmokeResult {
    toggled(&B_DOWN)
}

// ---- scenario C: a flaky test (alternates), and a steady one -------------------------

static C_RUNS: AtomicU64 = AtomicU64::new(0);

#[smoke_test(tags("damp-c"))]
fn c_flaky() -> SmokeResult {
    if C_RUNS.fetch_add(1, Ordering::SeqCst) % 2 == 1 {
        return Err(SmokeError::failure("every other run fails"));
    }
    Ok(())
}

#[smoke_test(tags("damp-c"))]
fn c_steady() -> SmokeResult {
    Ok(())
}

/// An endpoint over `tag`'s tests that runs on every request.
async fn serve(tag: &str, damping: Damping) -> SocketAddr {
    let smoke = Smoke::builder()
        .details(Details::WhenAuthorized(TOKEN.into()))
        .min_interval(Duration::ZERO)
        .damping(damping)
        .only(Selection::all().tag(tag))
        .build();
    serve_axum(smoke_runtime::axum::router(smoke)).await
}

/// One run through the endpoint, with the token: the status and the JSON test `suffix`.
async fn run(addr: SocketAddr, suffix: &str) -> (StatusCode, Value) {
    let reply = get(addr, "/?format=json", &[BEARER]).await;
    let report = reply.json();
    (reply.status, test(&report, suffix).clone())
}

fn test<'a>(report: &'a Value, suffix: &str) -> &'a Value {
    report["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .find(|t| t["name"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no test {suffix} in {report}"))
}

/// The status code, the raw outcome and the reported status of one run.
async fn step(addr: SocketAddr, suffix: &str) -> (u16, String, String) {
    let (status, t) = run(addr, suffix).await;
    (
        status.as_u16(),
        t["outcome"].as_str().unwrap().to_owned(),
        t["status"].as_str().unwrap().to_owned(),
    )
}

fn expect(code: u16, outcome: &str, status: &str) -> (u16, String, String) {
    (code, outcome.to_owned(), status.to_owned())
}

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
    assert!(text.body.starts_with("FAIL\n"), "{}", text.body);
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
async fn a_test_that_flips_too_often_is_flaky_in_every_format() {
    let addr = serve("damp-c", Damping::new()).await;
    // passed, failed, passed, failed: 3 flips, not more than the default 3.
    for _ in 0..4 {
        run(addr, "c_flaky").await;
    }
    let (_, t) = run(addr, "c_flaky").await; // passed: the fourth flip
    assert_eq!(t["outcome"], "passed", "{t}");
    assert_eq!(t["flaky"], true, "{t}");
    let reply = get(addr, "/?format=json", &[BEARER]).await; // failed: the fifth flip
    let report = reply.json();
    assert_eq!(test(&report, "c_flaky")["flaky"], true);
    assert_eq!(test(&report, "c_steady")["flaky"], false);
    assert_eq!(test(&report, "c_steady")["status"], "passing");

    let page = get(addr, "/?format=html", &[BEARER]).await.body;
    assert_eq!(page.matches(">flaky</span>").count(), 1, "{page}");
    let text = get(addr, "/?format=text", &[BEARER]).await.body;
    assert!(text.contains("damping::c_flaky: flaky ("), "{text}");
    assert!(!text.contains("c_steady: flaky"), "{text}");
    let metrics = get(addr, "/metrics", &[BEARER]).await.body;
    let id = |name: &str| format!("{{test=\"damping::{name}\",class=\"damping\"}}");
    assert!(
        metrics.contains(&format!("smoke_test_flaky{} 1\n", id("c_flaky"))),
        "{metrics}"
    );
    assert!(
        metrics.contains(&format!("smoke_test_flaky{} 0\n", id("c_steady"))),
        "{metrics}"
    );
    assert!(
        metrics.contains(&format!(
            "smoke_test_reported_passing{} 1\n",
            id("c_steady")
        )),
        "{metrics}"
    );
    // Without the token, nothing per test.
    let anonymous = get(addr, "/metrics", &[]).await.body;
    assert!(!anonymous.contains("smoke_test_flaky"), "{anonymous}");
}

// ---- a page to look at: history, a flaky test, a blocked test ----------------------------

static LOOK_RUNS: AtomicU64 = AtomicU64::new(0);

#[smoke_test(tags("damp-look"))]
fn look_broker_reachable() -> SmokeResult {
    Err(SmokeError::error("broker refused the connection"))
}

#[smoke_test(tags("damp-look"), requires(look_broker_reachable))]
fn look_queue_drains() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("damp-look"))]
fn look_search_answers() -> SmokeResult {
    if LOOK_RUNS.fetch_add(1, Ordering::SeqCst) % 3 == 1 {
        return Err(SmokeError::failure("search answered 503"));
    }
    Ok(())
}

#[smoke_test(tags("damp-look"), fail_after = 3)]
fn look_payments_flap() -> SmokeResult {
    let n = LOOK_RUNS.load(Ordering::SeqCst);
    if n >= 9 {
        return Err(SmokeError::failure("payments timed out once"));
    }
    Ok(())
}

#[smoke_test(tags("damp-look"))]
fn look_database() -> SmokeResult {
    Ok(())
}

/// Serves the `damp-look` tests on `SMOKE_DAMPING_PORT` (default 8099) for
/// `SMOKE_DAMPING_SECONDS` (default 120) after ten runs, details for everyone.
#[tokio::test]
#[ignore = "serves a page to look at"]
async fn serve_a_page_to_look_at() {
    let port: u16 = std::env::var("SMOKE_DAMPING_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8099);
    let seconds: u64 = std::env::var("SMOKE_DAMPING_SECONDS")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(120);
    let smoke = Smoke::builder()
        .details(Details::Always)
        .min_interval(Duration::ZERO)
        .only(Selection::all().tag("damp-look"))
        .build();
    let app = smoke_runtime::axum::router(smoke);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    for _ in 0..10 {
        get(addr, "/?format=json", &[]).await;
    }
    eprintln!("serving http://{addr}/?format=html");
    tokio::time::sleep(Duration::from_secs(seconds)).await;
}

// ---- the attribute on a suite and its methods -----------------------------------------

struct Damped;

#[smoke_suite(tags("damp-suite"), fail_after = 4)]
impl Damped {
    fn set_up() -> SmokeResult<Self> {
        Ok(Damped)
    }

    fn test_suite_default(&self) -> SmokeResult {
        Ok(())
    }

    #[smoke(pass_after = 3)]
    fn test_own_pass_after(&self) -> SmokeResult {
        Ok(())
    }

    #[smoke(fail_after = 2)]
    fn test_own_fail_after(&self) -> SmokeResult {
        Ok(())
    }
}

#[test]
fn the_attribute_fills_the_descriptor_suite_defaults_included() {
    let thresholds = |name: &str| {
        let t = smoke_runtime::registered()
            .iter()
            .find(|t| t.full_name() == format!("damping::Damped::{name}"))
            .unwrap_or_else(|| panic!("no {name}"));
        (t.fail_after, t.pass_after)
    };
    assert_eq!(thresholds("test_suite_default"), (Some(4), None));
    assert_eq!(thresholds("test_own_pass_after"), (Some(4), Some(3)));
    assert_eq!(thresholds("test_own_fail_after"), (Some(2), None));
    let free = smoke_runtime::registered()
        .iter()
        .find(|t| t.full_name() == "damping::b_cache")
        .unwrap();
    assert_eq!((free.fail_after, free.pass_after), (Some(2), None));
}
