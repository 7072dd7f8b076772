//! Who asks decides what a request may make the service do: anonymous callers are
//! bounded (a share of the run slots, one run of a selection per interval), probes and
//! authorized callers always find a slot, a stale failure is checked again, the schedule
//! waits for the host, and the probes (`/startupz`, `/readyz`, `/livez`) answer under
//! django-smoketest's URLs too. A real axum server on loopback, a real HTTP/1.1 client.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::routing::get as axum_get;
use axum::Router;
use hyper::StatusCode;
use smoke_runtime::http::{Details, Smoke, SmokeBuilder};
use smoke_runtime::prelude::*;
use smoke_runtime::{Runner, Selection};
use smoke_tests::http_client::{get, serve_axum, Client, Reply};

const MOD: &str = "http_callers";
const TOKEN: &str = "callers-token";
const AUTH: [(&str, &str); 1] = [("authorization", "Bearer callers-token")];

// ---- the smoke tests --------------------------------------------------------------------

#[smoke_test(tags("slots"))]
async fn slow_a() {
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

#[smoke_test(tags("slots"))]
async fn slow_b() {
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

#[smoke_test(tags("slots"))]
async fn slow_c() {
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

#[smoke_test(tags("slots"))]
async fn slow_d() {
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

#[smoke_test(tags("slots", "readiness"))]
fn ready() {}

static FLOOD_RUNS: AtomicUsize = AtomicUsize::new(0);

#[smoke_test(tags("flood"))]
fn counted() {
    FLOOD_RUNS.fetch_add(1, Ordering::SeqCst);
}

static RECOVERY_RUNS: AtomicUsize = AtomicUsize::new(0);

/// Fails on its first run, passes after: a dependency that was down and came back.
#[smoke_test(tags("recovers"))]
fn down_then_up() -> SmokeResult {
    if RECOVERY_RUNS.fetch_add(1, Ordering::SeqCst) == 0 {
        return Err(SmokeError::failure("the queue is down"));
    }
    Ok(())
}

/// The address the service listens on, once it does.
static OWN_ADDR: OnceLock<SocketAddr> = OnceLock::new();

/// Needs the service itself: passes only once it listens.
#[smoke_test(tags("needs_self"), timeout = "2s")]
async fn the_service_answers_itself() -> SmokeResult {
    let addr = OWN_ADDR
        .get()
        .ok_or_else(|| SmokeError::failure("the service does not listen yet"))?;
    let r = get(*addr, "/", &[]).await;
    assert_equal!(r.status, StatusCode::OK);
    Ok(())
}

#[smoke_test(tags("both"))]
fn counted_both() {}

#[smoke_test(tags("overrun"), timeout = "300ms")]
fn slow_cleanup(ctx: &Context) {
    ctx.add_cleanup(|| std::thread::sleep(Duration::from_millis(2500)));
}

#[smoke_test(tags("ready_time", "quick_ready"))]
fn quick_readiness() {}

#[smoke_test(tags("ready_time"))]
async fn slow_other() {
    tokio::time::sleep(Duration::from_millis(800)).await;
}

static STARTUP_RUNS: AtomicUsize = AtomicUsize::new(0);

#[smoke_test(tags("probes", "startup"))]
fn warmed_up() -> SmokeResult {
    if STARTUP_RUNS.fetch_add(1, Ordering::SeqCst) == 0 {
        return Err(SmokeError::failure("the cache is still warming"));
    }
    Ok(())
}

#[smoke_test(tags("probes", "readiness"))]
fn probe_ready() {}

// ---- helpers ------------------------------------------------------------------------------

fn only(tag: &str) -> SmokeBuilder {
    Smoke::builder().only(Selection::all().tag(tag))
}

async fn app(smoke: Smoke) -> SocketAddr {
    let app = Router::new().route("/", axum_get(|| async { "the service's own page" }));
    serve_axum(smoke_runtime::axum::mount(app, "/smoketest", smoke)).await
}

fn spawn_get(addr: SocketAddr, path: String, auth: bool) -> tokio::task::JoinHandle<Reply> {
    tokio::spawn(async move {
        let headers: &[(&str, &str)] = if auth { &AUTH } else { &[] };
        get(addr, &path, headers).await
    })
}

// ---- the tests ----------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_callers_cannot_take_the_slots_of_probes_and_authorized_callers() {
    // Anyone may select here, and four selections take 1.5 s each.
    let smoke = only("slots").details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let flood: Vec<_> = ["a", "b", "c", "d"]
        .map(|n| spawn_get(addr, format!("/smoketest?test={MOD}::slow_{n}"), false))
        .into_iter()
        .collect();
    while smoke.runs() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Anonymous callers hold their share (2 of 4): readiness still runs.
    let ready = get(addr, "/smoketest/readyz", &[]).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
    let mut statuses: Vec<StatusCode> = Vec::new();
    for r in flood {
        statuses.push(r.await.unwrap().status);
    }
    statuses.sort();
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );

    // With a token: anonymous callers can only ask for the whole run (one flight), and
    // authorized callers get every other slot.
    let smoke = only("slots")
        .details(Details::WhenAuthorized(TOKEN.into()))
        .build();
    let addr = app(smoke.clone()).await;
    let mut anonymous: Vec<_> = (0..8)
        .map(|_| spawn_get(addr, "/smoketest".to_owned(), false))
        .collect();
    while smoke.runs() < 1 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let authorized: Vec<_> = ["a", "b", "c"]
        .map(|n| spawn_get(addr, format!("/smoketest?test={MOD}::slow_{n}"), true))
        .into_iter()
        .collect();
    for r in authorized {
        let r = r.await.unwrap();
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    for r in anonymous.drain(..) {
        assert_eq!(r.await.unwrap().status, StatusCode::OK);
    }
    assert_eq!(smoke.runs(), 4, "the anonymous requests ran more than once");
}

#[tokio::test]
async fn an_anonymous_flood_runs_a_selection_at_most_once_a_second() {
    let smoke = only("flood")
        .details(Details::WhenAuthorized(TOKEN.into()))
        .build();
    let addr = app(smoke.clone()).await;
    let before = FLOOD_RUNS.load(Ordering::SeqCst);
    let mut c = Client::connect(addr).await;
    let start = Instant::now();
    let mut answers = 0;
    while start.elapsed() < Duration::from_millis(1500) {
        let r = c.get("/smoketest", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.header("cache-control"), "private, max-age=1");
        assert!(r.header("age").parse::<u64>().is_ok(), "{:?}", r.headers);
        answers += 1;
    }
    let runs = FLOOD_RUNS.load(Ordering::SeqCst) - before;
    assert!((1..=2).contains(&runs), "{runs} runs for {answers} answers");
    assert!(answers > 50, "{answers}");
    // An anonymous caller cannot ask for a fresh run...
    let runs_before = smoke.runs();
    c.get("/smoketest?fresh=1", &[]).await;
    c.get("/smoketest", &[("cache-control", "no-cache")]).await;
    assert_eq!(smoke.runs(), runs_before);
    // ...an authorized one can, either way.
    c.get("/smoketest?fresh=1", &AUTH).await;
    c.get("/smoketest", &[AUTH[0], ("cache-control", "no-cache")])
        .await;
    assert_eq!(smoke.runs(), runs_before + 2);

    // The interval is configurable, and zero turns it off.
    let smoke = only("flood").min_interval(Duration::ZERO).build();
    let addr = app(smoke.clone()).await;
    for _ in 0..5 {
        let r = get(addr, "/smoketest", &[]).await;
        assert_eq!(r.header("cache-control"), "no-store");
    }
    assert_eq!(smoke.runs(), 5);
}

#[tokio::test]
async fn a_stale_failure_is_run_again_once_the_interval_has_passed() {
    // A 60 s cache: a pass is served all along, a failure only for the minimum interval.
    let smoke = only("recovers").cache(Duration::from_secs(60)).build();
    let addr = app(smoke.clone()).await;
    let first = get(addr, "/smoketest", &[]).await;
    assert_eq!(first.status, StatusCode::INTERNAL_SERVER_ERROR);
    let again = get(addr, "/smoketest", &[]).await;
    assert_eq!(again.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(smoke.runs(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let later = get(addr, "/smoketest", &[]).await;
    assert_eq!(later.status, StatusCode::OK, "{}", later.body);
    assert_eq!(smoke.runs(), 2);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    get(addr, "/smoketest", &[]).await;
    assert_eq!(
        smoke.runs(),
        2,
        "a passing result within the cache ran again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedule_starts_when_the_host_listens() {
    let smoke = only("needs_self")
        .details(Details::Always)
        .schedule(Duration::from_secs(3600))
        .build();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smoke.runs(), 0, "build started the schedule");
    let addr = app(smoke.clone()).await;
    OWN_ADDR.set(addr).unwrap();
    smoke.start_schedule();
    let r = get(addr, "/smoketest?format=json", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(smoke.runs(), 1);
}

#[tokio::test]
async fn with_a_cache_and_a_schedule_the_cache_says_how_old_a_result_may_be() {
    let smoke = only("both")
        .details(Details::Always)
        .cache(Duration::from_secs(1))
        .schedule(Duration::from_secs(3600))
        .build();
    let addr = app(smoke.clone()).await;
    let first = get(addr, "/smoketest", &[]).await;
    assert_eq!(first.header("cache-control"), "max-age=1");
    assert_eq!(smoke.runs(), 1);
    get(addr, "/smoketest", &[]).await;
    assert_eq!(smoke.runs(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Older than the cache allows, though the schedule's next run is an hour away.
    get(addr, "/smoketest", &[]).await;
    assert_eq!(smoke.runs(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_deadline_a_run_is_not_joined_and_retry_after_counts_the_grace() {
    let smoke = only("overrun")
        .details(Details::WhenAuthorized(TOKEN.into()))
        .runner(Runner::builder().deadline(Duration::from_secs(1)))
        .max_runs(1)
        .build();
    let addr = app(smoke.clone()).await;
    let first = get(addr, "/smoketest?format=json", &AUTH).await;
    let first_started = first.json()["started_at"].clone();
    // The run still holds its slot (its cleanup sleeps 2.5 s), past its deadline.
    let busy = get(addr, "/smoketest?format=json", &AUTH).await;
    assert_eq!(busy.status, StatusCode::TOO_MANY_REQUESTS, "{}", busy.body);
    let retry: u64 = busy.header("retry-after").parse().unwrap();
    // Deadline (1 s) plus grace (5 s) from its start, about 1.3 s ago.
    assert!((4..=6).contains(&retry), "Retry-After: {retry}");
    assert_eq!(smoke.runs(), 1);

    // With a free slot, the finished run is not served again as new.
    let smoke = only("overrun")
        .details(Details::WhenAuthorized(TOKEN.into()))
        .runner(Runner::builder().deadline(Duration::from_secs(1)))
        .build();
    let addr = app(smoke.clone()).await;
    let first = get(addr, "/smoketest?format=json", &AUTH).await;
    let again = get(addr, "/smoketest?format=json", &AUTH).await;
    assert_ne!(again.json()["started_at"], first.json()["started_at"]);
    assert_ne!(again.json()["started_at"], first_started);
    assert_eq!(smoke.runs(), 2);
}

#[tokio::test]
async fn readyz_reports_the_time_of_its_own_tests() {
    let smoke = only("ready_time")
        .details(Details::Always)
        .readiness_tags(["quick_ready"])
        .cache(Duration::from_secs(60))
        .build();
    let addr = app(smoke.clone()).await;
    let whole = get(addr, "/smoketest?format=json", &[]).await.json();
    assert!(whole["time"].as_f64().unwrap() >= 800.0, "{whole}");
    let ready = get(addr, "/smoketest/readyz?format=json", &[]).await.json();
    assert_eq!(ready["tests_run"], 1);
    assert!(ready["time"].as_f64().unwrap() < 400.0, "{ready}");
    assert_eq!(smoke.runs(), 1);
}

#[tokio::test]
async fn probes_answer_under_django_smoketest_urls_too() {
    // /startupz runs the startup tests until they pass once, then runs nothing.
    let runs = STARTUP_RUNS.load(Ordering::SeqCst);
    let smoke = only("probes").min_interval(Duration::ZERO).build();
    let addr = app(smoke.clone()).await;
    let mut c = Client::connect(addr).await;
    let r = c.get("/smoketest/startupz", &[]).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
    let r = c.get("/smoketest/startupz/", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let before = smoke.runs();
    for _ in 0..3 {
        let r = c.get("/smoketest/startupz", &[]).await;
        assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "started\n"));
    }
    assert_eq!(smoke.runs(), before);
    assert!(STARTUP_RUNS.load(Ordering::SeqCst) >= runs + 2);

    // Readiness says 503 once the host shuts down; liveness stays 200.
    assert_eq!(c.get("/smoketest/readyz", &[]).await.status, StatusCode::OK);
    smoke.shutting_down();
    let r = c.get("/smoketest/readyz", &[]).await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n")
    );
    assert_eq!(c.get("/smoketest/livez", &[]).await.status, StatusCode::OK);

    let smoke = only("probes").details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let mut c = Client::connect(addr).await;
    // The run, with and without the trailing slash monitors use.
    for path in ["/smoketest", "/smoketest/"] {
        let r = c.get(path, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert!(
            r.body.starts_with("PASS\ntest classes: 1\ntests run: 2\n"),
            "{}",
            r.body
        );
    }
    for path in ["/smoketest/livez", "/smoketest/livez/"] {
        assert_eq!(c.get(path, &[]).await.body, "ok\n", "{path}");
    }
    for path in ["/smoketest/metrics/", "/smoketest/readyz/"] {
        assert_eq!(c.get(path, &[]).await.status, StatusCode::OK, "{path}");
    }
    assert_eq!(
        c.get("/smoketest/nope/", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}
