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
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use hyper::StatusCode;
use serde_json::Value;
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::report::damping::Damping;
use smoke_runtime::Selection;
use smoke_tests::http_client::{get, serve_axum};
use smoke_tests::junit::junitparser;

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
    // health+json: each check carries `flaky`.
    let health = get(addr, "/?format=health", &[BEARER]).await.json();
    let check = |name: &str| health["checks"][format!("damping::{name}")][0].clone();
    assert_eq!(check("c_flaky")["flaky"], true, "{health}");
    assert_eq!(check("c_steady")["flaky"], false, "{health}");
    // JUnit: each test case's properties, as a third-party reader (junitparser) reads them.
    let xml = get(addr, "/?format=junit", &[BEARER]).await.body;
    if let Some(parsed) = junitparser(&xml, Path::new(env!("CARGO_TARGET_TMPDIR"))) {
        let cases: Vec<&Value> = parsed["suites"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|suite| suite["cases"].as_array().unwrap())
            .collect();
        let case = |name: &str| {
            cases
                .iter()
                .find(|c| c["name"] == name)
                .unwrap_or_else(|| panic!("no case {name} in {xml}"))["properties"]
                .clone()
        };
        assert_eq!(case("c_flaky")["smoke.flaky"], "true", "{xml}");
        assert_eq!(case("c_steady")["smoke.flaky"], "false", "{xml}");
        assert_eq!(case("c_steady")["smoke.status"], "passing", "{xml}");
    }
    // Without the token, nothing per test.
    let anonymous = get(addr, "/metrics", &[]).await.body;
    assert!(!anonymous.contains("smoke_test_flaky"), "{anonymous}");
    let anonymous = get(addr, "/?format=junit", &[]).await.body;
    assert!(!anonymous.contains("smoke.flaky"), "{anonymous}");
    let anonymous = get(addr, "/?format=health", &[]).await.body;
    assert!(!anonymous.contains("flaky"), "{anonymous}");
}

// ---- scenario E: every surface follows the reported status -------------------------------

static E_DOWN: AtomicBool = AtomicBool::new(true);

#[smoke_test(tags("damp-e"))]
fn e_upstream() -> SmokeResult {
    toggled(&E_DOWN)
}

/// What every surface of the endpoint says of the stored run, without running again:
/// the status code and `X-Smoke-Status` / `X-Smoke-Raw-Status` of each format, each
/// document's own status, `/gate` for Argo and for Flagger.
struct Surfaces {
    codes: Vec<(String, u16, String, String)>,
    json: Value,
    anonymous_json: Value,
    text: String,
    page: String,
    health: Value,
    argo: Value,
    flagger: (u16, String),
}

impl Surfaces {
    /// Asserts that every status code, status header and JSON document says `status`
    /// (`PASS` or `FAIL`), with `raw` beside it, and that the counts say what ran (one
    /// failure).
    fn say(&self, status: &str, raw: &str) {
        let passes = status == "PASS";
        for (surface, code, reported, raw_header) in &self.codes {
            // Argo reads `passed` from a 200, whatever the outcome.
            let expected = if passes || surface == "gate" {
                200
            } else {
                500
            };
            assert_eq!(
                (*code, reported.as_str(), raw_header.as_str()),
                (expected, status, raw),
                "{surface}"
            );
        }
        for json in [&self.json, &self.anonymous_json, &self.argo] {
            assert_eq!(
                (&json["status"], &json["raw_status"]),
                (&status.into(), &raw.into())
            );
            assert_eq!(
                (&json["tests_run"], &json["tests_failed"]),
                (&1.into(), &1.into())
            );
        }
        assert_eq!(self.argo["passed"], passes);
    }
}

async fn surfaces(addr: SocketAddr) -> Surfaces {
    let mut codes = Vec::new();
    let mut bodies = Vec::new();
    for (format, headers) in [
        ("json", &[BEARER][..]),
        ("json", &[][..]),
        ("text", &[BEARER][..]),
        ("html", &[BEARER][..]),
        ("health", &[BEARER][..]),
    ] {
        let reply = get(addr, &format!("/?format={format}"), headers).await;
        codes.push((
            format!(
                "{format}{}",
                if headers.is_empty() { " anonymous" } else { "" }
            ),
            reply.status.as_u16(),
            reply.header("x-smoke-status").to_owned(),
            reply.header("x-smoke-raw-status").to_owned(),
        ));
        bodies.push(reply.body);
    }
    let argo = get(addr, "/gate", &[BEARER]).await;
    codes.push((
        "gate".into(),
        argo.status.as_u16(),
        argo.header("x-smoke-status").to_owned(),
        argo.header("x-smoke-raw-status").to_owned(),
    ));
    // Flagger's POST, sent by the HTTP check's client.
    let flagger = smoke_runtime::checks::HttpCheck::new(format!("http://{addr}/gate"))
        .post(r#"{"name":"podinfo","namespace":"test","phase":"Progressing","checksum":"1"}"#)
        .header("Content-Type", "application/json")
        .fetch()
        .await
        .expect("the gate answers");
    let json = |body: &str| serde_json::from_str::<Value>(body).expect("JSON");
    Surfaces {
        codes,
        json: json(&bodies[0]),
        anonymous_json: json(&bodies[1]),
        text: bodies[2].clone(),
        page: bodies[3].clone(),
        health: json(&bodies[4]),
        argo: argo.json(),
        flagger: (flagger.status, flagger.text()),
    }
}

/// With `fail_after(2)`, one failure after a pass leaves every surface saying the run
/// passes (the raw status beside it says this run failed); the second failure makes
/// every surface say it fails. `/startupz` is never passing before a first pass.
#[tokio::test]
async fn every_surface_follows_the_reported_status() {
    // Answers come from the stored run (a cache, and failures kept for a minute), so
    // every surface looks at the same run; a fresh run is asked for with the token.
    let smoke = Smoke::builder()
        .details(Details::WhenAuthorized(TOKEN.into()))
        .cache(Duration::from_secs(60))
        .min_interval(Duration::from_secs(60))
        .startup_tags(["damp-e"])
        .damping(Damping::new().fail_after(2))
        .only(Selection::all().tag("damp-e"))
        .build();
    let addr = serve_axum(smoke_runtime::axum::router(smoke.clone())).await;
    let fresh = || async { get(addr, "/?format=json&fresh=1", &[BEARER]).await };

    // Start-up: failed once, never passed: pending, so not started, whatever damping.
    assert_eq!(fresh().await.status, StatusCode::INTERNAL_SERVER_ERROR);
    let startup = get(addr, "/startupz", &[]).await;
    assert_eq!(
        startup.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        startup.body
    );
    assert!(startup.body.starts_with("FAIL\n"), "{}", startup.body);
    E_DOWN.store(false, Ordering::SeqCst);
    assert_eq!(fresh().await.status, StatusCode::OK);
    let startup = get(addr, "/startupz", &[]).await;
    assert_eq!(startup.status, StatusCode::OK, "{}", startup.body);
    assert_eq!(get(addr, "/startupz", &[]).await.body, "started\n");

    // One failure: damped. Every surface passes, the raw status says this run failed.
    E_DOWN.store(true, Ordering::SeqCst);
    let reply = fresh().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let runs = smoke.runs();
    let seen = surfaces(addr).await;
    assert_eq!(
        smoke.runs(),
        runs,
        "the surfaces were served the stored run"
    );
    seen.say("PASS", "FAIL");
    assert_eq!(test(&seen.json, "e_upstream")["outcome"], "failed");
    assert_eq!(test(&seen.json, "e_upstream")["status"], "passing");
    assert!(
        seen.text
            .starts_with("PASS\ntest classes: 1\ntests run: 1\n"),
        "{}",
        seen.text
    );
    assert!(
        seen.text
            .contains("\nraw status: FAIL (this run; reported PASS after flap damping)\n"),
        "{}",
        seen.text
    );
    assert!(
        seen.page.contains("<title>PASS · smoke tests</title>"),
        "{}",
        seen.page
    );
    assert!(seen
        .page
        .contains("<header class=\"pass\"><div id=\"status\">PASS</div>"));
    assert!(seen
        .page
        .contains("<div id=\"raw-status\" class=\"raw\">this run: <b>FAIL</b>"));
    // health+json: passing with a concern (the draft's `warn`), the raw outcome beside.
    assert_eq!(seen.health["status"], "warn", "{}", seen.health);
    let check = &seen.health["checks"]["damping::e_upstream"][0];
    assert_eq!(
        (&check["status"], &check["outcome"]),
        (&"warn".into(), &"failed".into())
    );
    assert_eq!(seen.flagger.0, 200, "{}", seen.flagger.1);
    assert!(
        seen.flagger
            .1
            .starts_with("PASS (this run FAIL, damped): 1 run, 0 passed, 1 failed"),
        "{}",
        seen.flagger.1
    );

    // The second failure: reported failing, and every surface says so.
    let reply = fresh().await;
    assert_eq!(
        reply.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        reply.body
    );
    let seen = surfaces(addr).await;
    seen.say("FAIL", "FAIL");
    assert!(seen.text.starts_with("FAIL\n"), "{}", seen.text);
    assert!(!seen.text.contains("raw status:"), "{}", seen.text);
    assert!(seen
        .page
        .contains("<header class=\"fail\"><div id=\"status\">FAIL</div>"));
    assert!(!seen.page.contains("id=\"raw-status\""));
    assert_eq!(seen.health["status"], "fail");
    assert_eq!(
        seen.health["checks"]["damping::e_upstream"][0]["status"],
        "fail"
    );
    assert_eq!(seen.flagger.0, 412, "{}", seen.flagger.1);
    assert!(
        seen.flagger
            .1
            .starts_with("FAIL: 1 run, 0 passed, 1 failed"),
        "{}",
        seen.flagger.1
    );
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
