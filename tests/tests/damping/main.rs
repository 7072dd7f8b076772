//! Flap damping and flaky tests through the endpoint: tests whose outcome the test
//! toggles, run through real HTTP requests; the status code follows the reported
//! (damped) status while the raw outcome stays visible beside it, in JSON, HTML, text and
//! Prometheus; the start-up rule (never passing before the first pass); per-test
//! thresholds from the attribute; the flaky mark in every format (JUnit read back by
//! junitparser); and every surface (status codes, headers, each format's own status,
//! `/gate`, `/startupz`) following the reported status.
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

mod flaky;
mod page_to_look_at;
mod surfaces;
mod thresholds;

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

// ---- scenario F: the test's own time in error, fail after 300 ms (10 runs otherwise) ----

static F_DOWN: AtomicBool = AtomicBool::new(false);

#[smoke_test(tags("damp-f"), fail_after = 10, fail_after_duration = "300ms")]
fn f_disk() -> SmokeResult {
    toggled(&F_DOWN)
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
// ---- scenario E: every surface follows the reported status -------------------------------

static E_DOWN: AtomicBool = AtomicBool::new(true);

#[smoke_test(tags("damp-e"))]
fn e_upstream() -> SmokeResult {
    toggled(&E_DOWN)
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
// ---- the attribute on a suite and its methods -----------------------------------------

struct Damped;

#[smoke_suite(tags("damp-suite"), fail_after = 4, fail_after_duration = "1m")]
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

    #[smoke(fail_after = 2, fail_after_duration = "1.5s")]
    fn test_own_fail_after(&self) -> SmokeResult {
        Ok(())
    }
}
