//! Run history through the endpoint: tests whose outcome the test toggles, run through
//! real HTTP requests, and what callers see of their recent runs: the JSON `history` and
//! streak keys (read back with `JsonReport`), the HTML trend strip, the Prometheus
//! streak gauges (validated with `promtool check metrics` when it is installed), the
//! bound on what is kept, the details policy, and redaction.
//!
//! Each scenario has its own tests (by tag) and toggles, since tests run in parallel.
//! The HTML scenario writes its page to `$CARGO_TARGET_TMPDIR/smoke-history-page.html`,
//! to look at in a browser.

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::report::json::JsonReport;
use smoke_runtime::{Outcome, Runner, Selection};
use smoke_tests::http_client::{get, serve_axum};

const TOKEN: &str = "history-token";
const SECRET: &str = "hunter2-db-password";
const BEARER: (&str, &str) = ("authorization", "Bearer history-token");

// ---- scenario A: a test that fails on a toggle, and one that always passes -----------

static A_DOWN: AtomicBool = AtomicBool::new(false);

#[smoke_test(tags("hist-a"))]
fn a_payments() -> SmokeResult {
    if A_DOWN.load(Ordering::SeqCst) {
        return Err(SmokeError::failure(format!(
            "connect to postgres://app:{SECRET}@db/pay refused (password {SECRET})\n\
             second line of detail"
        )));
    }
    Ok(())
}

#[smoke_test(tags("hist-a"))]
fn a_database() -> SmokeResult {
    Ok(())
}

/// An endpoint over `tag`'s tests that runs on every request and keeps `keep` runs.
async fn serve(tag: &str, keep: usize) -> SocketAddr {
    let smoke = Smoke::builder()
        .runner(Runner::builder().secret(SECRET))
        .details(Details::WhenAuthorized(TOKEN.into()))
        .min_interval(Duration::ZERO)
        .history(keep)
        .only(Selection::all().tag(tag))
        .build();
    serve_axum(smoke_runtime::axum::router(smoke)).await
}

/// One run through the endpoint, with the token; the parsed JSON answer.
async fn run(addr: SocketAddr) -> Value {
    get(addr, "/?format=json", &[BEARER]).await.json()
}

fn test<'a>(report: &'a Value, suffix: &str) -> &'a Value {
    report["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .find(|t| t["name"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no test {suffix} in {report}"))
}

#[tokio::test]
async fn history_streaks_bound_and_redaction_through_the_endpoint() {
    let addr = serve("hist-a", 5).await;
    run(addr).await;
    run(addr).await;
    A_DOWN.store(true, Ordering::SeqCst);
    run(addr).await;
    run(addr).await;
    let report = run(addr).await;

    let payments = test(&report, "a_payments");
    let runs = payments["history"].as_array().expect("history");
    let outcomes: Vec<&str> = runs
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["passed", "passed", "failed", "failed", "failed"],
        "{payments}"
    );
    assert_eq!(payments["consecutive_failures"], 3);
    assert_eq!(payments["consecutive_passes"], 0);
    assert!(payments.get("passing_since").is_none(), "{payments}");
    assert_eq!(payments["failing_since"], runs[2]["at"], "{payments}");
    assert!(runs[0]["message"].is_null());
    let message = runs[4]["message"].as_str().unwrap();
    assert!(
        message.starts_with("connect to postgres://app:"),
        "{message}"
    );
    assert!(!message.contains("second line"), "{message}");
    // Every entry is stamped, in order.
    let at: Vec<&str> = runs.iter().map(|r| r["at"].as_str().unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] <= w[1]), "{at:?}");
    assert!(at[0].ends_with('Z') && at[0].contains('T'), "{at:?}");

    let database = test(&report, "a_database");
    assert_eq!(database["consecutive_passes"], 5);
    assert_eq!(database["consecutive_failures"], 0);
    assert_eq!(database["passing_since"], database["history"][0]["at"]);

    // The secret is in no answer: not the report, not the history, not the page.
    let body = get(addr, "/?format=json", &[BEARER]).await.body;
    assert!(!body.contains(SECRET), "{body}");
    let page = get(addr, "/?format=html", &[BEARER]).await.body;
    assert!(!page.contains(SECRET), "{page}");
    assert!(page.contains("failing since"), "{page}");

    // N + 10 more runs keep N, the newest.
    A_DOWN.store(false, Ordering::SeqCst);
    for _ in 0..15 {
        run(addr).await;
    }
    let report = run(addr).await;
    let payments = test(&report, "a_payments");
    let runs = payments["history"].as_array().unwrap();
    assert_eq!(runs.len(), 5, "{payments}");
    assert!(runs.iter().all(|r| r["outcome"] == "passed"), "{payments}");
    assert_eq!(payments["consecutive_passes"], 16);
    assert!(payments.get("failing_since").is_none());

    // JsonReport (and so cargo smoke) reads the document, history included.
    let body = get(addr, "/?format=json", &[BEARER]).await.body;
    let parsed: JsonReport = serde_json::from_str(&body).expect("JsonReport reads it");
    let tests = parsed.tests.as_ref().expect("details");
    let payments = tests
        .iter()
        .find(|t| t.name.ends_with("a_payments"))
        .unwrap();
    let history = payments.history.as_ref().expect("history");
    assert_eq!(history.len(), 5);
    assert_eq!(history[4].outcome, Outcome::Passed);
    assert_eq!(payments.consecutive_passes, Some(17));
    assert_eq!(payments.consecutive_failures, Some(0));
    assert!(payments.passing_since.is_some());
    assert!(parsed.passed());
}

// ---- scenario B: the details policy, and history turned off ----------------------------

#[smoke_test(tags("hist-b"))]
fn b_cache() -> SmokeResult {
    Err(SmokeError::failure("cache unreachable"))
}

#[tokio::test]
async fn callers_without_details_see_no_history() {
    let addr = serve("hist-b", 50).await;
    for _ in 0..3 {
        run(addr).await;
    }
    // Anonymous: counts only, in every format.
    let json = get(addr, "/?format=json", &[]).await;
    assert_eq!(json.json()["status"], "FAIL");
    for word in ["\"history\":", "consecutive", "_since", "b_cache"] {
        assert!(!json.body.contains(word), "{word} in {}", json.body);
    }
    let page = get(addr, "/?format=html", &[]).await.body;
    for word in ["<th>trend", "class=\"strip", "class=\"cell", "ing since"] {
        assert!(!page.contains(word), "{word} in {page}");
    }
    let metrics = get(addr, "/metrics", &[]).await.body;
    assert!(!metrics.contains("smoke_test_"), "{metrics}");

    // With the token: all of it.
    let metrics = get(addr, "/metrics", &[BEARER]).await.body;
    let failures = metrics
        .lines()
        .find(|l| l.starts_with("smoke_test_consecutive_failures{"))
        .unwrap_or_else(|| panic!("{metrics}"));
    // Three requests, two metrics reads (which never run), then the anonymous JSON and
    // HTML requests ran too: five runs.
    assert!(
        failures.ends_with("b_cache\",class=\"history\"} 5"),
        "{metrics}"
    );
    assert!(
        !metrics.contains("smoke_test_last_pass_timestamp_seconds{"),
        "never passed: {metrics}"
    );
    promtool_accepts(&metrics);

    // History off: no keys, no gauges.
    let smoke = Smoke::builder()
        .details(Details::Always)
        .min_interval(Duration::ZERO)
        .history(0)
        .only(Selection::all().tag("hist-b"))
        .build();
    let addr = serve_axum(smoke_runtime::axum::router(smoke)).await;
    run(addr).await;
    let body = get(addr, "/?format=json", &[]).await.body;
    assert!(body.contains("b_cache"), "{body}");
    for key in ["\"history\":", "consecutive", "_since"] {
        assert!(!body.contains(key), "{key} in {body}");
    }
    let metrics = get(addr, "/metrics", &[]).await.body;
    assert!(!metrics.contains("consecutive"), "{metrics}");
}

/// `promtool check metrics` finds no problem in `text` (skipped when it is missing).
fn promtool_accepts(text: &str) {
    let Ok(mut child) = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        assert!(std::env::var_os("CI").is_none(), "promtool is missing");
        eprintln!("note: promtool is missing; the exposition was not linted");
        return;
    };
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool: {}{}\n{text}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

// ---- scenario C: the page, with a passing, a failing and an alternating test -----------

static C_DOWN: AtomicBool = AtomicBool::new(false);
static C_FLIPS: AtomicU64 = AtomicU64::new(0);

#[smoke_test(tags("hist-c"))]
fn c_queue_reachable() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("hist-c"))]
fn c_bucket_writable() -> SmokeResult {
    if C_DOWN.load(Ordering::SeqCst) {
        return Err(SmokeError::failure(
            "PUT s3://media/probe answered 403 Forbidden",
        ));
    }
    Ok(())
}

#[smoke_test(tags("hist-c"))]
fn c_search_flaky() -> SmokeResult {
    if C_FLIPS.fetch_add(1, Ordering::SeqCst) % 2 == 1 {
        return Err(SmokeError::failure("search answered 503 <overloaded>"));
    }
    Ok(())
}

#[tokio::test]
async fn the_page_shows_a_trend_strip_and_the_streak() {
    let addr = serve("hist-c", 50).await;
    for i in 0..8 {
        C_DOWN.store(i >= 6, Ordering::SeqCst);
        run(addr).await;
    }
    let page = get(addr, "/?format=html", &[BEARER]).await.body;
    let _ = std::fs::write(
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("smoke-history-page.html"),
        &page,
    );
    assert!(page.contains("<th>trend</th>"), "{page}");
    // 9 runs of 3 tests: 27 cells; the bucket fails in the last 3 (the page's own run
    // too), the flaky one passed in the page's run.
    assert_eq!(page.matches("<span class=\"cell ").count(), 27, "{page}");
    assert_eq!(page.matches("class=\"since failing\"").count(), 1, "{page}");
    assert_eq!(page.matches("class=\"since passing\"").count(), 2, "{page}");
    assert!(page.contains(">failing since "), "{page}");
    assert!(page.contains("(3 runs)</span></div>"), "{page}");
    assert!(page.contains("(9 runs)</span></div>"), "{page}");
    assert!(page.contains("(1 run)</span></div>"), "{page}");
    // Tooltips say what, how long, when and why, escaped.
    assert!(
        page.contains("title=\"failed · ") && page.contains("503 &lt;overloaded&gt;\""),
        "{page}"
    );
}
