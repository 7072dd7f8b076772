//! How old a served result is and who ran it, through a real axum server: a run, then
//! the cache's answer (older), the schedule's result, the `Age` and `X-Smoke-Source`
//! headers and each format's field; and `SmokeBuilder::cache_failures(false)`, which
//! runs a failing selection again on the next request, with and without the minimum
//! interval between anonymous runs.
//!
//! Each scenario has its own tests (by tag) and counters, since tests run in parallel.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use smoke_runtime::http::{Details, Smoke, SmokeBuilder};
use smoke_runtime::prelude::*;
use smoke_runtime::report::json::JsonReport;
use smoke_runtime::Selection;
use smoke_tests::http_client::{get, serve_axum, Reply};

const TOKEN: &str = "stale-token";
const BEARER: (&str, &str) = ("authorization", "Bearer stale-token");

static CACHED_RUNS: AtomicUsize = AtomicUsize::new(0);

#[smoke_test(tags("stale-cache"))]
fn cached_check() {
    CACHED_RUNS.fetch_add(1, Ordering::SeqCst);
}

#[smoke_test(tags("stale-schedule"))]
fn scheduled_check() {}

static FLAKY_DOWN: [AtomicBool; 3] = [
    AtomicBool::new(true),
    AtomicBool::new(true),
    AtomicBool::new(true),
];
static FLAKY_RUNS: [AtomicUsize; 3] = [
    AtomicUsize::new(0),
    AtomicUsize::new(0),
    AtomicUsize::new(0),
];

fn flaky(i: usize) -> SmokeResult {
    FLAKY_RUNS[i].fetch_add(1, Ordering::SeqCst);
    if FLAKY_DOWN[i].load(Ordering::SeqCst) {
        return Err(SmokeError::failure("the dependency is down"));
    }
    Ok(())
}

#[smoke_test(tags("stale-fresh-0"))]
fn fresh_no_interval() -> SmokeResult {
    flaky(0)
}

#[smoke_test(tags("stale-fresh-1"))]
fn fresh_with_interval() -> SmokeResult {
    flaky(1)
}

#[smoke_test(tags("stale-fresh-2"))]
fn cached_failure() -> SmokeResult {
    flaky(2)
}

fn builder(tag: &str) -> SmokeBuilder {
    Smoke::builder()
        .details(Details::WhenAuthorized(TOKEN.into()))
        .only(Selection::all().tag(tag))
}

async fn serve(builder: SmokeBuilder) -> SocketAddr {
    serve_axum(smoke_runtime::axum::router(builder.build())).await
}

fn source(reply: &Reply) -> &str {
    reply.header("x-smoke-source")
}

fn age(reply: &Reply) -> u64 {
    reply
        .header("age")
        .parse()
        .unwrap_or_else(|_| panic!("no Age: {:?}", reply.headers))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_then_the_cache_in_every_format() {
    let addr = serve(
        builder("stale-cache")
            .cache(Duration::from_secs(60))
            .min_interval(Duration::ZERO),
    )
    .await;

    let first = get(addr, "/?format=json", &[BEARER]).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(source(&first), "run");
    assert_eq!(age(&first), 0);
    let json = first.json();
    assert_eq!(json["source"], "run");
    assert_eq!(json["age_seconds"], 0.0);
    assert!(json["ended_at"].as_str().unwrap().ends_with('Z'), "{json}");
    // django-smoketest's keys are all there, as they were.
    for key in [
        "status",
        "test_classes",
        "tests_run",
        "tests_passed",
        "tests_failed",
        "tests_errored",
        "failed_tests",
        "errored_tests",
        "time",
    ] {
        assert!(json.get(key).is_some(), "{key} missing: {json}");
    }
    assert_eq!(CACHED_RUNS.load(Ordering::SeqCst), 1);

    tokio::time::sleep(Duration::from_millis(1100)).await;

    let second = get(addr, "/?format=json", &[BEARER]).await;
    assert_eq!(source(&second), "cache");
    assert!(age(&second) >= 1, "{:?}", second.headers);
    let back: JsonReport = serde_json::from_str(&second.body).unwrap();
    assert_eq!(back.source.as_deref(), Some("cache"));
    assert!(back.age_seconds.unwrap() >= 1.1, "{}", second.body);
    assert_eq!(back.ended_at, json["ended_at"].as_str().map(str::to_owned));
    assert!(back.passed());
    assert_eq!(
        CACHED_RUNS.load(Ordering::SeqCst),
        1,
        "the cache ran it again"
    );

    // Every format says it, for callers with or without details.
    for auth in [&[BEARER][..], &[]] {
        let text = get(addr, "/?format=text", auth).await;
        assert_eq!(source(&text), "cache");
        let line = text
            .body
            .lines()
            .find(|l| l.starts_with("source: "))
            .unwrap_or_else(|| panic!("no source line: {}", text.body));
        assert!(line.starts_with("source: cache, ended "), "{line}");
        assert!(line.ends_with(" s ago"), "{line}");
        assert!(text.body.starts_with("PASS\n"), "{}", text.body);

        let html = get(addr, "/?format=html", auth).await;
        let header = html.body.find("</header>").expect("a header");
        assert!(
            html.body[..header].contains("data-source=\"cache\""),
            "{}",
            html.body
        );

        let junit = get(addr, "/?format=junit", auth).await;
        assert!(
            junit
                .body
                .contains("<property name=\"smoke.source\" value=\"cache\"/>"),
            "{}",
            junit.body
        );
        assert!(junit.body.contains("<property name=\"smoke.age_seconds\""));

        let health = get(addr, "/?format=health", auth).await;
        assert_eq!(source(&health), "cache");
        let health = health.json();
        assert_eq!(health["source"], "cache");
        assert!(health["age_seconds"].as_f64().unwrap() >= 1.0, "{health}");
        let note = health["notes"][0].as_str().unwrap();
        assert!(note.starts_with("result from cache, ended "), "{note}");
    }
    assert_eq!(CACHED_RUNS.load(Ordering::SeqCst), 1);

    // A fresh run is the request's own again.
    let fresh = get(addr, "/?format=json&fresh=1", &[BEARER]).await;
    assert_eq!(fresh.status, 200, "{}", fresh.body);
    assert_eq!(source(&fresh), "run", "{:?}", fresh.headers);
    assert_eq!(fresh.json()["source"], "run");
    assert_eq!(CACHED_RUNS.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedules_result_says_so() {
    let addr = serve(builder("stale-schedule").schedule(Duration::from_secs(3600))).await;
    // The first request starts the schedule and waits for its run.
    let first = get(addr, "/?format=json", &[BEARER]).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(source(&first), "schedule");
    assert_eq!(first.json()["source"], "schedule");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Later answers come from the schedule's latest run, older by now.
    let second = get(addr, "/?format=json", &[BEARER]).await;
    assert_eq!(source(&second), "schedule");
    assert!(age(&second) >= 1);
    let json = second.json();
    assert_eq!(json["source"], "schedule");
    assert!(json["age_seconds"].as_f64().unwrap() >= 1.1, "{json}");
    let text = get(addr, "/", &[]).await;
    assert!(
        text.body.contains("\nsource: schedule, ended "),
        "{}",
        text.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_cached_failures_and_no_interval_every_request_runs_a_failure() {
    let addr = serve(
        builder("stale-fresh-0")
            .cache(Duration::from_secs(60))
            .min_interval(Duration::ZERO)
            .cache_failures(false),
    )
    .await;
    let runs = &FLAKY_RUNS[0];
    for (i, auth) in [&[BEARER][..], &[], &[BEARER], &[]].into_iter().enumerate() {
        let reply = get(addr, "/", auth).await;
        assert_eq!(reply.status, 500, "{}", reply.body);
        assert_eq!(source(&reply), "run", "request {i}");
        assert_eq!(runs.load(Ordering::SeqCst), i + 1, "request {i}");
    }
    // A pass is cached as before.
    FLAKY_DOWN[0].store(false, Ordering::SeqCst);
    let pass = get(addr, "/", &[BEARER]).await;
    assert_eq!(pass.status, 200);
    assert_eq!(source(&pass), "run");
    let again = get(addr, "/", &[]).await;
    assert_eq!(again.status, 200);
    assert_eq!(source(&again), "cache");
    assert_eq!(runs.load(Ordering::SeqCst), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_cached_failures_the_interval_still_holds_anonymous_callers() {
    let addr = serve(
        builder("stale-fresh-1")
            .cache(Duration::from_secs(60))
            .min_interval(Duration::from_secs(30))
            .cache_failures(false),
    )
    .await;
    let runs = &FLAKY_RUNS[1];
    let first = get(addr, "/", &[]).await;
    assert_eq!((first.status.as_u16(), source(&first)), (500, "run"));
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    // Within the interval an anonymous caller gets the failure it already caused.
    let anonymous = get(addr, "/", &[]).await;
    assert_eq!(
        (anonymous.status.as_u16(), source(&anonymous)),
        (500, "cache")
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    // A caller with the token runs it again at once.
    let trusted = get(addr, "/", &[BEARER]).await;
    assert_eq!((trusted.status.as_u16(), source(&trusted)), (500, "run"));
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    // Once it passes, the trusted caller's run shows it at once, and the pass is cached.
    FLAKY_DOWN[1].store(false, Ordering::SeqCst);
    let fixed = get(addr, "/", &[BEARER]).await;
    assert_eq!((fixed.status.as_u16(), source(&fixed)), (200, "run"));
    let cached = get(addr, "/", &[]).await;
    assert_eq!((cached.status.as_u16(), source(&cached)), (200, "cache"));
    assert_eq!(runs.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_a_failure_is_served_again_within_the_interval() {
    let addr = serve(
        builder("stale-fresh-2")
            .cache(Duration::from_secs(60))
            .min_interval(Duration::from_secs(30)),
    )
    .await;
    let runs = &FLAKY_RUNS[2];
    let first = get(addr, "/", &[BEARER]).await;
    assert_eq!((first.status.as_u16(), source(&first)), (500, "run"));
    let trusted = get(addr, "/", &[BEARER]).await;
    assert_eq!((trusted.status.as_u16(), source(&trusted)), (500, "cache"));
    let anonymous = get(addr, "/", &[]).await;
    assert_eq!(
        (anonymous.status.as_u16(), source(&anonymous)),
        (500, "cache")
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}
