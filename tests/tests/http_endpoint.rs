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
use hyper::{Method, StatusCode};
use smoke_runtime::http::{Details, Smoke, SmokeBuilder};
use smoke_runtime::prelude::*;
use smoke_runtime::{Runner, Selection};
use smoke_tests::http_client::{get, raw, serve_axum, serve_hyper, Client, Reply};

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

// ---- status codes and formats -------------------------------------------------------------

#[tokio::test]
async fn all_passing_is_200_with_the_django_smoketest_text() {
    let smoke = only("ok").details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let r = get(addr, "/smoketest", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(r.header("cache-control"), "no-store");
    assert_eq!(r.header("x-smoke-status"), "PASS");
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert!(
        r.body
            .starts_with("PASS\ntest classes: 1\ntests run: 2\ntests passed: 2\n"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("no object store in this environment"),
        "{}",
        r.body
    );
    assert_eq!(smoke.runs(), 1);
    // The service's own routes are untouched.
    let own = get(addr, "/", &[]).await;
    assert_eq!(own.body, "the service's own page");
}

#[tokio::test]
async fn a_failure_is_500_or_the_configured_5xx() {
    let addr = app(only("broken").build()).await;
    let r = get(addr, "/smoketest", &[]).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.starts_with("FAIL\n"), "{}", r.body);
    assert_eq!(r.header("x-smoke-status"), "FAIL");

    let addr = app(only("broken")
        .failure_status(StatusCode::SERVICE_UNAVAILABLE)
        .build())
    .await;
    assert_eq!(
        get(addr, "/smoketest", &[]).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // Selecting only the passing test of the same endpoint passes.
    let addr = app(only("broken")
        .failure_status(StatusCode::SERVICE_UNAVAILABLE)
        .details(Details::Always)
        .build())
    .await;
    let r = get(addr, "/smoketest?tag=ok2", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn every_format_by_accept_and_by_query() {
    let addr = app(only("broken").details(Details::Always).build()).await;
    let mut c = Client::connect(addr).await;

    let json = c.get("/smoketest", &[("accept", "application/json")]).await;
    assert_eq!(json.header("content-type"), "application/json");
    let v = json.json();
    assert_eq!(v["status"], "FAIL");
    assert_eq!(v["tests_run"], 2);
    assert_eq!(v["tests_failed"], 1);
    assert!(v["failed_tests"][0]
        .as_str()
        .unwrap()
        .starts_with(&format!("{MOD}::payments_reachable")));
    assert!(v["time"].is_number());

    let health = c
        .get("/smoketest", &[("accept", "application/health+json")])
        .await;
    assert_eq!(health.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(health.header("content-type"), "application/health+json");
    let v = health.json();
    assert_eq!(v["status"], "fail");
    let check = &v["checks"][format!("{MOD}::payments_reachable")][0];
    assert_eq!(check["status"], "fail");
    assert_eq!(check["observedUnit"], "ms");
    assert!(check["time"].as_str().unwrap().ends_with('Z'));
    assert!(check["output"].as_str().unwrap().contains("connect to"));
    assert_eq!(
        v["checks"][format!("{MOD}::queue_reachable")][0]["status"],
        "pass"
    );

    let html = c
        .get(
            "/smoketest",
            &[(
                "accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            )],
        )
        .await;
    assert_eq!(html.header("content-type"), "text/html; charset=utf-8");
    assert!(
        html.body.contains(r#"<div id="status">FAIL</div>"#),
        "{}",
        html.body
    );
    assert!(html.body.contains("queue_reachable"));

    let junit = c.get("/smoketest", &[("accept", "application/xml")]).await;
    assert_eq!(
        junit.header("content-type"),
        "application/xml; charset=utf-8"
    );
    assert!(junit.body.contains("<testsuite"), "{}", junit.body);
    assert!(junit.body.contains("<failure"), "{}", junit.body);

    // q-values: text is the least wanted here.
    let r = c
        .get(
            "/smoketest",
            &[("accept", "text/plain;q=0.2, application/json;q=0.9")],
        )
        .await;
    assert_eq!(r.header("content-type"), "application/json");
    // `?format=` overrides Accept.
    for (name, content_type) in [
        ("text", "text/plain; charset=utf-8"),
        ("json", "application/json"),
        ("health", "application/health+json"),
        ("html", "text/html; charset=utf-8"),
        ("junit", "application/xml; charset=utf-8"),
    ] {
        let r = c
            .get(
                &format!("/smoketest?format={name}"),
                &[("accept", "image/png")],
            )
            .await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{name}");
        assert_eq!(r.header("content-type"), content_type, "{name}");
    }
    // No Accept, or */*: text.
    let r = c.get("/smoketest", &[("accept", "*/*")]).await;
    assert!(r.body.starts_with("FAIL\n"));
}

// ---- 4xx ----------------------------------------------------------------------------------

#[tokio::test]
async fn bad_requests_are_4xx_with_a_clear_message_and_run_nothing() {
    let smoke = only("ok").details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let mut c = Client::connect(addr).await;

    let r = c.get("/smoketest", &[("accept", "image/png")]).await;
    assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE);
    for media in [
        "text/plain",
        "application/json",
        "application/health+json",
        "text/html",
        "application/xml",
    ] {
        assert!(r.body.contains(media), "{media} missing from {}", r.body);
    }

    let cases: &[(&str, Headers, &str)] = &[
        (
            "/smoketest?tag=nope",
            &[],
            "unknown tag(s): nope; known tags: db, ok",
        ),
        ("/smoketest?test=nope::x", &[], "unknown test(s): nope::x"),
        (
            "/smoketest?colour=red",
            &[],
            "unknown query parameter `colour`",
        ),
        (
            "/smoketest?tag=%zz",
            &[],
            "`%zz` has a `%` that is not followed by two hex digits",
        ),
        ("/smoketest?tag=%ff", &[], "does not decode to UTF-8"),
        ("/smoketest?tag=", &[], "`tag` needs a value"),
        (
            "/smoketest?format=pdf",
            &[],
            "unknown format `pdf`; formats: text, json, health, html, junit",
        ),
        (
            "/smoketest?format=json&format=text",
            &[],
            "`format` is given more than once",
        ),
        (
            "/smoketest",
            &[("accept", "text/html;q=7")],
            "malformed Accept header: q=7",
        ),
        (
            "/smoketest",
            &[("accept", "html")],
            "malformed Accept header: `html` is not a media range",
        ),
        (
            "/smoketest/readyz?tag=ok",
            &[],
            "unknown query parameter `tag`; this route takes: format",
        ),
        (
            "/smoketest/metrics?format=json",
            &[],
            "unknown query parameter `format`; this route takes: none",
        ),
        (
            "/smoketest/livez?verbose=1",
            &[],
            "unknown query parameter `verbose`; this route takes: none",
        ),
        (
            "/smoketest/livez?%zz",
            &[],
            "has a `%` that is not followed",
        ),
    ];
    for (path, headers, message) in cases {
        let r = c.get(path, headers).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
        assert_eq!(r.header("x-smoke-status"), "", "{path}");
        assert_eq!(r.header("x-content-type-options"), "nosniff");
        assert!(
            r.body.contains(message),
            "{path}: {:?} does not contain {message:?}",
            r.body
        );
    }

    let r = c.send(Method::POST, "/smoketest", &[]).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.header("allow"), "GET, HEAD");
    let r = c.send(Method::DELETE, "/smoketest/metrics", &[]).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);

    // Unknown values are quoted cut short, however long they are.
    let long = "z".repeat(3000);
    for key in ["tag", "test"] {
        let r = c
            .get(&format!("/smoketest?{key}={long}&{key}=a{long}"), &[])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(
            r.body.contains(&format!("{}…", "z".repeat(80))),
            "{}",
            r.body
        );
        assert!(!r.body.contains(&"z".repeat(81)), "{key}: {}", r.body);
    }

    // Known tag and known test, but no test has both: nothing to run is not a PASS.
    let r = c
        .get(&format!("/smoketest?tag=db&test={MOD}::cache_answers"), &[])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("the selection takes no test"), "{}", r.body);
    assert_eq!(r.header("x-smoke-status"), "");

    // A header value that is not ASCII text.
    let reply = raw(
        addr,
        b"GET /smoketest HTTP/1.1\r\nhost: x\r\naccept: text/\xffplain\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");

    assert_eq!(smoke.runs(), 0, "a bad request started a run");
    // After all that, a good request still runs.
    assert_eq!(c.get("/smoketest?tag=db", &[]).await.status, StatusCode::OK);
    assert_eq!(smoke.runs(), 1);
}

#[tokio::test]
async fn selection_by_tag_and_test() {
    let smoke = only("ok").details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let v = get(addr, "/smoketest?tag=db&format=json", &[]).await.json();
    assert_eq!(v["tests_run"], 1);
    let name = format!("{MOD}::cache_answers");
    let v = get(addr, &format!("/smoketest?test={name}&format=json"), &[])
        .await
        .json();
    assert_eq!(v["tests_run"], 1);
    assert_eq!(v["tests"][0]["name"], name);
    let both = format!("/smoketest?test={name}&test={MOD}::database_answers&format=json");
    assert_eq!(get(addr, &both, &[]).await.json()["tests_run"], 2);
}

#[tokio::test]
async fn head_answers_the_status_without_a_body() {
    let addr = app(only("broken").build()).await;
    let r = Client::connect(addr)
        .await
        .send(Method::HEAD, "/smoketest", &[])
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.header("x-smoke-status"), "FAIL");
    assert!(r.body.is_empty());
}

// ---- details and auth ---------------------------------------------------------------------

#[tokio::test]
async fn without_details_no_name_or_message_leaves() {
    let smoke = only("broken").build();
    let addr = app(smoke.clone()).await;
    let mut c = Client::connect(addr).await;
    for format in ["text", "json", "health", "html", "junit"] {
        let r = c.get(&format!("/smoketest?format={format}"), &[]).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{format}");
        for leak in ["payments_reachable", "queue_reachable", "connect to"] {
            assert!(!r.body.contains(leak), "{format} shows {leak}: {}", r.body);
        }
    }
    let text = c.get("/smoketest", &[]).await.body;
    assert!(text.contains("tests failed: 1"), "{text}");
    let metrics = c.get("/smoketest/metrics", &[]).await.body;
    assert!(!metrics.contains("payments_reachable"), "{metrics}");
    // Such callers may not select: the same 403 for a known and an unknown name or tag,
    // so the answers tell nothing of which tests exist, and nothing runs.
    let runs = smoke.runs();
    let mut bodies = Vec::new();
    for path in [
        "/smoketest?tag=nope".to_owned(),
        "/smoketest?tag=broken".to_owned(),
        "/smoketest?test=nope::x".to_owned(),
        format!("/smoketest?test={MOD}::payments_reachable"),
    ] {
        let r = c.get(&path, &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        bodies.push(r.body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    assert!(!bodies[0].contains("broken"), "{}", bodies[0]);
    assert_eq!(smoke.runs(), runs, "a refused selection ran");
}

#[tokio::test]
async fn bearer_token_gates_details_and_a_wrong_one_is_401_before_any_run() {
    let smoke = only("broken")
        .details(Details::WhenAuthorized("tok-3141".into()))
        .build();
    let addr = app(smoke.clone()).await;
    let mut c = Client::connect(addr).await;

    for bad in [
        "Bearer tok-3142",
        "Bearer tok-314",
        "Basic dG9rLTMxNDE=",
        "tok-3141",
        "Bearer ",
    ] {
        for path in ["/smoketest", "/smoketest/metrics", "/smoketest/readyz"] {
            let r = c.get(path, &[("authorization", bad)]).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{bad} on {path}");
            assert!(r.header("www-authenticate").starts_with("Bearer"), "{bad}");
        }
    }
    assert_eq!(
        smoke.runs(),
        0,
        "a request with a wrong token started a run"
    );

    let anonymous = c.get("/smoketest", &[]).await;
    assert_eq!(anonymous.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!anonymous.body.contains("payments_reachable"));
    assert!(anonymous.header("cache-control").contains("no-store"));

    let authorized = c
        .get("/smoketest", &[("authorization", "Bearer tok-3141")])
        .await;
    assert_eq!(authorized.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        authorized.body.contains("payments_reachable"),
        "{}",
        authorized.body
    );
    let lower = c
        .get("/smoketest", &[("authorization", "bearer tok-3141")])
        .await;
    assert!(lower.body.contains("payments_reachable"));
    let metrics = c
        .get(
            "/smoketest/metrics",
            &[("authorization", "Bearer tok-3141")],
        )
        .await;
    assert!(
        metrics.body.contains("payments_reachable"),
        "{}",
        metrics.body
    );
}

// ---- redaction ----------------------------------------------------------------------------

#[tokio::test]
async fn secrets_are_scrubbed_and_messages_capped_in_every_format() {
    let addr = app(only("broken")
        .details(Details::Always)
        .runner(Runner::builder().secret("SECRET-VALUE-123"))
        .max_message_len(300)
        .build())
    .await;
    let mut c = Client::connect(addr).await;
    for format in ["text", "json", "health", "html", "junit"] {
        let r = c.get(&format!("/smoketest?format={format}"), &[]).await;
        assert!(
            !r.body.contains("hunter2"),
            "{format} leaks the URL password: {}",
            r.body
        );
        assert!(
            !r.body.contains("SECRET-VALUE-123"),
            "{format} leaks the secret"
        );
        assert!(
            r.body.contains("postgres://app:***@db.internal:5432/pay"),
            "{format}: {}",
            r.body
        );
        assert!(
            r.body.contains("more characters)"),
            "{format} is not capped"
        );
        assert!(!r.body.contains(&"x".repeat(400)), "{format} is not capped");
    }
}

// ---- single-flight, cache, schedule -------------------------------------------------------

#[tokio::test]
async fn fifty_simultaneous_requests_share_one_run() {
    let smoke = only("slow").details(Details::Always).build();
    let addr = app(smoke.clone()).await;
    let before = SLOW_RUNS.load(Ordering::SeqCst);
    let mut clients = Vec::new();
    for _ in 0..50 {
        clients.push(Client::connect(addr).await);
    }
    let requests = clients
        .into_iter()
        .map(|mut c| tokio::spawn(async move { c.get("/smoketest?format=json", &[]).await }));
    let mut started = Vec::new();
    for r in futures_join(requests).await {
        let r = r.expect("request task");
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        started.push(r.json()["tests"][0]["duration_ms"].as_f64().unwrap());
    }
    assert_eq!(
        smoke.runs(),
        1,
        "50 simultaneous requests started {} runs",
        smoke.runs()
    );
    assert_eq!(SLOW_RUNS.load(Ordering::SeqCst) - before, 1);
    // They all got the very same result.
    assert!(started.windows(2).all(|w| w[0] == w[1]));
    // Without a cache, the next request runs again.
    get(addr, "/smoketest", &[]).await;
    assert_eq!(smoke.runs(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_steady_stream_of_requests_one_selection_never_runs_twice_at_once() {
    let smoke = only("exclusive").build();
    let addr = app(smoke.clone()).await;
    let until = std::time::Instant::now() + Duration::from_millis(1500);
    let mut tasks = Vec::new();
    for _ in 0..64 {
        tasks.push(tokio::spawn(async move {
            let mut c = Client::connect(addr).await;
            let mut answered = 0;
            while std::time::Instant::now() < until {
                assert_eq!(c.get("/smoketest", &[]).await.status, StatusCode::OK);
                answered += 1;
            }
            answered
        }));
    }
    let mut answered = 0;
    for t in tasks {
        answered += t.await.unwrap();
    }
    assert_eq!(
        EXCLUSIVE_MAX.load(Ordering::SeqCst),
        1,
        "two runs of one selection overlapped"
    );
    let runs = smoke.runs();
    assert_eq!(runs as usize, EXCLUSIVE_RUNS.load(Ordering::SeqCst));
    assert!(
        runs >= 5 && (runs as usize) < answered,
        "{runs} runs for {answered} answers"
    );
}

const BOUNDED_TOKEN: &str = "bounded-token";
const BOUNDED_AUTH: [(&str, &str); 1] = [("authorization", "Bearer bounded-token")];

/// The selections of the `bounded` tests that the requests below ask for, each distinct.
fn bounded_selections() -> Vec<String> {
    let [a, b, c] = ["a", "b", "c"].map(|n| format!("test={MOD}::bounded_{n}"));
    vec![
        format!("/smoketest?{a}"),
        format!("/smoketest?{b}"),
        format!("/smoketest?{c}"),
        format!("/smoketest?{a}&{b}"),
        format!("/smoketest?{a}&{c}"),
        format!("/smoketest?{b}&{c}"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_in_progress_are_bounded_and_the_rest_get_429_with_retry_after() {
    // Callers with the token may use every slot.
    let smoke = only("bounded")
        .details(Details::WhenAuthorized(BOUNDED_TOKEN.into()))
        .build();
    let addr = app(smoke.clone()).await;
    let before = BOUNDED_RUNS.load(Ordering::SeqCst);
    let mut clients = Vec::new();
    for _ in bounded_selections() {
        clients.push(Client::connect(addr).await);
    }
    let requests = clients
        .into_iter()
        .zip(bounded_selections())
        .map(|(mut c, path)| tokio::spawn(async move { c.get(&path, &BOUNDED_AUTH).await }));
    let mut ok = 0;
    let mut busy = 0;
    for r in futures_join(requests).await {
        let r = r.expect("request task");
        match r.status {
            StatusCode::OK => ok += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                busy += 1;
                let retry: u64 = r
                    .header("retry-after")
                    .parse()
                    .expect("Retry-After seconds");
                // No run of these selections has ended yet: the longest a slot can stay
                // held, the deadline (30 s) plus the tear-down grace (5 s), never less.
                assert_eq!(retry, 35, "Retry-After: {retry}");
                assert!(r.body.contains("runs in progress"), "{}", r.body);
                assert_eq!(r.header("x-smoke-status"), "");
            }
            other => panic!("{other}: {}", r.body),
        }
    }
    // The default bound is 4 runs at once: six distinct selections at once start four.
    assert_eq!((ok, busy), (4, 2));
    assert_eq!(smoke.runs(), 4);
    // A 429 ran nothing: the four runs ran 1 + 1 + 1 + 2 tests.
    let executed = BOUNDED_RUNS.load(Ordering::SeqCst) - before;
    assert!((5..=7).contains(&executed), "{executed} tests ran");
    // Once they are done, a new selection runs again.
    let r = get(addr, &bounded_selections()[5], &BOUNDED_AUTH).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(smoke.runs(), 5);

    // Now that these selections have run once (about 1.5 s each), Retry-After comes from
    // that, not from the deadline.
    let again: Vec<_> = bounded_selections()[..4]
        .iter()
        .cloned()
        .map(|path| tokio::spawn(async move { get(addr, &path, &BOUNDED_AUTH).await }))
        .collect();
    while smoke.runs() < 9 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let r = get(addr, &bounded_selections()[4], &BOUNDED_AUTH).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let retry: u64 = r.header("retry-after").parse().unwrap();
    assert!((1..=2).contains(&retry), "Retry-After: {retry}");
    for a in again {
        assert_eq!(a.await.unwrap().status, StatusCode::OK);
    }

    // Configurable: one at a time.
    let smoke = only("bounded")
        .details(Details::WhenAuthorized(BOUNDED_TOKEN.into()))
        .max_runs(1)
        .build();
    let addr = app(smoke.clone()).await;
    let first =
        tokio::spawn(async move { get(addr, &bounded_selections()[0], &BOUNDED_AUTH).await });
    while smoke.runs() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let second = get(addr, &bounded_selections()[1], &BOUNDED_AUTH).await;
    assert_eq!(
        second.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        second.body
    );
    // Requests for the selection in flight still join it.
    let joined = get(addr, &bounded_selections()[0], &BOUNDED_AUTH).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    assert_eq!(first.await.unwrap().status, StatusCode::OK);
    assert_eq!(smoke.runs(), 1);
}

async fn futures_join<T>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await);
    }
    out
}

#[tokio::test]
async fn the_cache_serves_a_result_with_its_age() {
    let smoke = only("ok")
        .details(Details::Always)
        .cache(Duration::from_secs(60))
        .build();
    let addr = app(smoke.clone()).await;
    let first = get(addr, "/smoketest", &[]).await;
    assert_eq!(first.header("cache-control"), "max-age=60");
    assert_eq!(first.header("age"), "0");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let second = get(addr, "/smoketest?format=json", &[]).await;
    assert_eq!(second.status, StatusCode::OK);
    let age: u64 = second.header("age").parse().unwrap();
    assert!((1..60).contains(&age), "age {age}");
    assert_eq!(smoke.runs(), 1, "a cached result was run again");
    // Other selections are served from the same run of every test.
    let db = get(addr, "/smoketest?tag=db&format=json", &[]).await;
    assert_eq!(db.json()["tests_run"], 1, "{}", db.body);
    let one = get(
        addr,
        &format!("/smoketest?test={MOD}::cache_answers&format=json"),
        &[],
    )
    .await;
    assert_eq!(one.json()["tests_run"], 1, "{}", one.body);
    assert_eq!(
        get(addr, "/smoketest/readyz", &[]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        smoke.runs(),
        1,
        "a selection started a run beside the cached one"
    );

    // Expired entries are run again.
    let smoke = only("ok").cache(Duration::from_millis(300)).build();
    let addr = app(smoke.clone()).await;
    get(addr, "/smoketest", &[]).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    get(addr, "/smoketest", &[]).await;
    assert_eq!(smoke.runs(), 2);
}

#[tokio::test]
async fn the_schedule_runs_in_the_background_and_requests_serve_the_latest() {
    // A long interval: one run at start, then requests serve it and start none.
    let smoke = only("scheduled")
        .details(Details::Always)
        .schedule(Duration::from_secs(3600))
        .build();
    let addr = app(smoke.clone()).await;
    // `build` starts nothing; the host starts the schedule once it listens, and a run
    // happens with no request at all.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(smoke.runs(), 0, "build started the schedule");
    smoke.start_schedule();
    for _ in 0..100 {
        if smoke.latest().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(smoke.latest().is_some(), "the schedule did not run");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut c = Client::connect(addr).await;
    for _ in 0..20 {
        let r = c.get("/smoketest", &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("cache-control"), "max-age=3600");
        assert!(
            r.header("age").parse::<u64>().unwrap() >= 1,
            "{:?}",
            r.headers
        );
    }
    let r = c
        .get(
            &format!("/smoketest?test={MOD}::scheduled_check&format=json"),
            &[],
        )
        .await;
    assert_eq!(r.json()["tests_run"], 1);
    assert_eq!(smoke.runs(), 1, "requests started runs of their own");
    let metrics = c.get("/smoketest/metrics", &[]).await.body;
    assert!(
        metrics.contains(&format!(
            "smoke_test_passed{{test=\"{MOD}::scheduled_check\",class=\"{MOD}\"}} 1"
        )),
        "{metrics}"
    );

    // A short interval: runs keep coming without requests.
    let before = SCHEDULED_RUNS.load(Ordering::SeqCst);
    let smoke = only("scheduled")
        .schedule(Duration::from_millis(200))
        .build();
    smoke.start_schedule();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        smoke.runs() >= 3,
        "only {} scheduled runs in 1.5 s at 200 ms",
        smoke.runs()
    );
    assert!(SCHEDULED_RUNS.load(Ordering::SeqCst) - before >= 3);
}

#[test]
fn a_request_that_asks_for_no_result_does_not_start_the_schedule() {
    // Built outside a tokio runtime, the schedule waits for the first request for results.
    let smoke = only("scheduled")
        .details(Details::WhenAuthorized("sched-token".into()))
        .schedule(Duration::from_secs(3600))
        .build();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let addr = app(smoke.clone()).await;
        let mut c = Client::connect(addr).await;
        let wrong = [("authorization", "Bearer wrong")];
        for (method, path, headers, status) in [
            (
                Method::POST,
                "/smoketest",
                &[][..],
                StatusCode::METHOD_NOT_ALLOWED,
            ),
            (
                Method::GET,
                "/smoketest",
                &wrong[..],
                StatusCode::UNAUTHORIZED,
            ),
            (
                Method::GET,
                "/smoketest?tag=",
                &[][..],
                StatusCode::BAD_REQUEST,
            ),
            (
                Method::GET,
                "/smoketest/readyz?x=1",
                &[][..],
                StatusCode::BAD_REQUEST,
            ),
            (Method::GET, "/smoketest/livez", &[][..], StatusCode::OK),
            (Method::GET, "/smoketest/metrics", &[][..], StatusCode::OK),
        ] {
            let r = c.send(method.clone(), path, headers).await;
            assert_eq!(r.status, status, "{method} {path}: {}", r.body);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            smoke.runs(),
            0,
            "a request that asked for no result started a run"
        );
        assert!(smoke.latest().is_none());
        // The first request for results starts the schedule, and is answered by its first
        // run: it starts none of its own, then or later.
        let r = c.get("/smoketest", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(smoke.runs(), 1);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(smoke.runs(), 1, "the request ran beside the schedule");
    });
}

#[tokio::test(start_paused = true)]
async fn the_schedule_starts_a_run_every_period_however_long_runs_take() {
    // On tokio's paused clock: each run takes 300 ms, the period is 400 ms.
    let smoke = only("paced").schedule(Duration::from_millis(400)).build();
    smoke.start_schedule();
    tokio::time::sleep(Duration::from_millis(1900)).await;
    // Runs start at 0, 400, 800, 1200 and 1600 ms; a pause of 400 ms after each run
    // would start them at 0, 700 and 1400 ms.
    assert_eq!(smoke.runs(), 5);

    // A run longer than the period: the next starts as soon as it ends.
    let smoke = only("paced").schedule(Duration::from_millis(200)).build();
    smoke.start_schedule();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    // Runs start at 0, 300, 600 and 900 ms.
    assert_eq!(smoke.runs(), 4);
}

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

// ---- safety: deadline, panics, other routes -----------------------------------------------

#[tokio::test]
async fn a_hung_test_does_not_hold_the_request_past_the_deadline() {
    let smoke = only("hang")
        .details(Details::Always)
        .runner(Runner::builder().deadline(Duration::from_millis(800)))
        .build();
    let addr = app(smoke).await;
    let r = get_json_report_in_time(addr).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let v = r.json();
    assert_eq!(v["status"], "FAIL");
    let tests = v["tests"].as_array().unwrap();
    let hung = tests
        .iter()
        .find(|t| t["name"] == format!("{MOD}::hangs_forever"))
        .unwrap();
    assert_eq!(hung["outcome"], "timed_out", "{hung}");
    let quick = tests
        .iter()
        .find(|t| t["name"] == format!("{MOD}::quick_beside_the_hang"))
        .unwrap();
    assert_eq!(quick["outcome"], "passed");
}

#[tokio::test]
async fn what_finished_before_the_deadline_is_redacted_too() {
    let smoke = only("unfinished")
        .details(Details::Always)
        .runner(
            Runner::builder()
                .secret("SECRET-VALUE-456")
                .deadline(Duration::from_millis(600)),
        )
        .build();
    let addr = app(smoke).await;
    let r = get_json_report_in_time(addr).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let v = r.json();
    let message = |name: &str| {
        v["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == format!("{MOD}::{name}"))
            .unwrap_or_else(|| panic!("{name} missing: {v}"))["message"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    assert!(
        message("never_torn_down").contains("still running when the run's deadline"),
        "{v}"
    );
    assert_eq!(
        message("leaks_before_the_deadline"),
        "connect to mysql://app:***@db:3306/app failed; key ***"
    );
    assert!(
        !r.body.contains("w0rd") && !r.body.contains("SECRET-VALUE"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn a_deadline_too_far_to_represent_is_no_deadline() {
    let smoke = only("ok")
        .runner(Runner::builder().deadline(Duration::MAX))
        .build();
    let addr = app(smoke.clone()).await;
    let r = get(addr, "/smoketest", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.starts_with("PASS\n"), "{}", r.body);
    assert_eq!(smoke.runs(), 1);
    // Far, but representable: some 35,000 years.
    let smoke = only("ok")
        .runner(Runner::builder().deadline(Duration::from_secs(1 << 40)))
        .build();
    let r = get(app(smoke).await, "/smoketest", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_panicking_test_errors_and_the_host_keeps_serving() {
    let addr = app(only("panics").details(Details::Always).build()).await;
    for _ in 0..3 {
        let r = get(addr, "/smoketest?format=json", &[]).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        let v = r.json();
        assert_eq!(v["tests_errored"], 1, "{v}");
        assert!(
            v["tests"][0]["message"]
                .as_str()
                .unwrap()
                .contains("index out of bounds"),
            "{v}"
        );
    }
    assert_eq!(get(addr, "/", &[]).await.status, StatusCode::OK);
    assert_eq!(
        get(addr, "/smoketest/livez", &[]).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_service_answers_other_routes_while_tests_run() {
    let smoke = only("slow").build();
    let addr = app(smoke).await;
    let slow = tokio::spawn(async move { get(addr, "/smoketest", &[]).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let own = get(addr, "/", &[]).await;
    let live = get(addr, "/smoketest/livez", &[]).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(live.status, StatusCode::OK);
    assert!(
        !slow.is_finished(),
        "the smoke run ended before the other routes answered"
    );
    assert_eq!(slow.await.unwrap().status, StatusCode::OK);
}

// ---- plain hyper, base path ---------------------------------------------------------------

#[tokio::test]
async fn plain_hyper_with_a_base_path() {
    let smoke = only("ok")
        .base_path("/ops/smoke/")
        .details(Details::Always)
        .build();
    let addr = serve_hyper(smoke.clone()).await;
    let mut c = Client::connect(addr).await;
    assert_eq!(c.get("/ops/smoke", &[]).await.status, StatusCode::OK);
    assert_eq!(c.get("/ops/smoke/", &[]).await.status, StatusCode::OK);
    assert_eq!(c.get("/ops/smoke/livez", &[]).await.body, "ok\n");
    assert!(c
        .get("/ops/smoke/metrics", &[])
        .await
        .body
        .contains("smoke_runs_total 2\n"));
    let r = c.get("/ops/smoke/readyz?format=health", &[]).await;
    assert_eq!(r.json()["status"], "pass");
    assert_eq!(
        c.get("/ops/smokes", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(c.get("/elsewhere", &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        c.send(Method::PUT, "/ops/smoke", &[]).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

// ---- resources and the programmatic API ---------------------------------------------------

#[tokio::test]
async fn resources_reach_the_tests_and_run_shares_the_endpoint_state() {
    let runner = Runner::builder().resource(Greeting("hello"));
    let smoke = Smoke::builder()
        .runner(runner)
        .only(Selection::all().tag("resource"))
        .build();
    let report = smoke.run(&Selection::all()).await;
    assert!(report.passed(), "{report:?}");
    assert_eq!(report.tests.len(), 1);
    assert_eq!(smoke.runs(), 1);
    assert_eq!(
        smoke.latest().unwrap().tests[0].name,
        format!("{MOD}::uses_a_resource")
    );

    // Without the resource the test errors, and says what is missing.
    let smoke = only("resource").details(Details::Always).build();
    let addr = app(smoke).await;
    let r = get(addr, "/smoketest?format=json", &[]).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        r.json()["tests"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Greeting"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn one_cached_run_answers_anonymous_and_authorized_callers_each_their_way() {
    let smoke = Smoke::builder()
        .only(Selection::all().tag("broken"))
        .details(Details::WhenAuthorized("k".into()))
        .cache(Duration::from_secs(60))
        .build();
    let addr = app(smoke.clone()).await;
    let anonymous = get(addr, "/smoketest", &[]).await;
    let authorized = get(addr, "/smoketest", &[("authorization", "Bearer k")]).await;
    assert_eq!(smoke.runs(), 1);
    assert!(!anonymous.body.contains("payments_reachable"));
    assert!(authorized.body.contains("payments_reachable"));
    assert_eq!(authorized.header("cache-control"), "private, max-age=60");
    assert_eq!(authorized.header("vary"), "Accept, Authorization");
}
