//! The smoke endpoint end to end: a real server on loopback (axum, and plain hyper around
//! `Smoke::handle`), a real HTTP/1.1 client. Every route, format, status code, the 4xx
//! cases, auth, redaction, single-flight, cache, schedule, deadline and panics.
//!
//! Each test exposes only the smoke tests of its tags (`Smoke::builder().only(...)`), so
//! the smoke tests of this file do not interfere with one another.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::routing::get as axum_get;
use axum::Router;
use smoke_runtime::http::{Smoke, SmokeBuilder};
use smoke_runtime::prelude::*;
use smoke_runtime::Selection;
use smoke_tests::http_client::{get, serve_axum, Reply};

mod auth;
mod bad_requests;
mod cache_and_schedule;
mod formats;
mod hosting;
mod probes;
mod safety;
mod single_flight;

// ---- the smoke tests the endpoint serves -------------------------------------------------

#[smoke_test(tags("ok", "db"))]
fn database_answers() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("ok"))]
async fn cache_answers() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("ok"), skip = "no object store in this environment")]
fn object_store_answers() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("broken"))]
fn payments_reachable() -> SmokeResult {
    Err(SmokeError::failure(format!(
        "connect to postgres://app:hunter2@db.internal:5432/pay failed; api key \
         SECRET-VALUE-123 rejected; {}",
        "x".repeat(5000)
    )))
}

#[smoke_test(tags("broken", "ok2"))]
fn queue_reachable() -> SmokeResult {
    Ok(())
}

static SLOW_RUNS: AtomicUsize = AtomicUsize::new(0);

#[smoke_test(tags("slow"))]
async fn slow_dependency() -> SmokeResult {
    SLOW_RUNS.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(800)).await;
    Ok(())
}

static EXCLUSIVE_NOW: AtomicUsize = AtomicUsize::new(0);
static EXCLUSIVE_MAX: AtomicUsize = AtomicUsize::new(0);
static EXCLUSIVE_RUNS: AtomicUsize = AtomicUsize::new(0);

#[smoke_test(tags("exclusive"))]
async fn never_beside_itself() -> SmokeResult {
    let now = EXCLUSIVE_NOW.fetch_add(1, Ordering::SeqCst) + 1;
    EXCLUSIVE_MAX.fetch_max(now, Ordering::SeqCst);
    EXCLUSIVE_RUNS.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(30)).await;
    EXCLUSIVE_NOW.fetch_sub(1, Ordering::SeqCst);
    Ok(())
}

/// What the host registers for the tests (see `SmokeBuilder::runner`).
struct Greeting(&'static str);

#[smoke_test(tags("resource"))]
fn uses_a_resource(greeting: Resource<Greeting>) -> SmokeResult {
    assert_equal!(greeting.0, "hello");
    Ok(())
}

static READY_RUNS: AtomicUsize = AtomicUsize::new(0);

#[smoke_test(tags("readiness", "probe"))]
fn ready_dependency() -> SmokeResult {
    READY_RUNS.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[smoke_test(tags("probe"))]
fn not_for_readiness() -> SmokeResult {
    Err(SmokeError::failure("this one is not a readiness check"))
}

#[smoke_test(tags("hang"), timeout = "1h")]
async fn hangs_forever() -> SmokeResult {
    std::future::pending::<()>().await;
    Ok(())
}

#[smoke_test(tags("hang"))]
fn quick_beside_the_hang() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("panics"))]
fn panics() -> SmokeResult {
    let v: Vec<u8> = Vec::new();
    let _ = v[3];
    Ok(())
}

static SCHEDULED_RUNS: AtomicUsize = AtomicUsize::new(0);

#[smoke_test(tags("scheduled"))]
fn scheduled_check() -> SmokeResult {
    SCHEDULED_RUNS.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[smoke_test(tags("lastrun", "lastrun_ready"))]
fn part_that_passes() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("lastrun"))]
fn part_that_fails() -> SmokeResult {
    Err(SmokeError::failure("the whole set does not pass"))
}

/// A fixture whose tear-down never ends, so that its run outlives the deadline.
struct HangsInTearDown;

impl Fixture for HangsInTearDown {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(HangsInTearDown)
    }

    async fn tear_down(self) -> SmokeResult {
        std::future::pending::<()>().await;
        Ok(())
    }
}

#[smoke_test(tags("unfinished"))]
fn leaks_before_the_deadline() -> SmokeResult {
    Err(SmokeError::failure(
        "connect to mysql://app:p@ss/w0rd@db:3306/app failed; key SECRET-VALUE-456",
    ))
}

#[smoke_test(tags("unfinished"))]
async fn never_torn_down(_fixture: &mut HangsInTearDown) -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("paced"))]
async fn paced_check() -> SmokeResult {
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(())
}

static BOUNDED_RUNS: AtomicUsize = AtomicUsize::new(0);

#[smoke_test(tags("bounded"))]
async fn bounded_a() -> SmokeResult {
    BOUNDED_RUNS.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    Ok(())
}

#[smoke_test(tags("bounded"))]
async fn bounded_b() -> SmokeResult {
    BOUNDED_RUNS.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    Ok(())
}

#[smoke_test(tags("bounded"))]
async fn bounded_c() -> SmokeResult {
    BOUNDED_RUNS.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    Ok(())
}

// ---- helpers ------------------------------------------------------------------------------

const MOD: &str = "http_endpoint";

/// Request headers, as name and value.
type Headers<'a> = &'a [(&'a str, &'a str)];

/// An endpoint of the tests tagged `tag`, without the anonymous callers' minimum
/// interval, so that each request the tests send runs (the interval has tests of its own).
fn only(tag: &str) -> SmokeBuilder {
    Smoke::builder()
        .only(Selection::all().tag(tag))
        .min_interval(Duration::ZERO)
}

/// Serves `smoke` nested at `/smoketest` in an axum app that has routes of its own.
async fn app(smoke: Smoke) -> std::net::SocketAddr {
    let app = Router::new()
        .route("/", axum_get(|| async { "the service's own page" }))
        .nest("/smoketest", smoke_runtime::axum::router(smoke));
    serve_axum(app).await
}

/// `GET /smoketest?format=json`, failing the test when the answer takes 10 s: far longer
/// than the run deadlines of the tests that use it.
async fn get_json_report_in_time(addr: std::net::SocketAddr) -> Reply {
    tokio::time::timeout(
        Duration::from_secs(10),
        get(addr, "/smoketest?format=json", &[]),
    )
    .await
    .expect("the request was held far past the deadline")
}
