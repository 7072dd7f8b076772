//! Notifications on status changes, against real receivers on loopback (axum servers that
//! record the POSTs): a test that fails then passes produces a change each way, with the
//! structured fields and the human `text`, and no secret; callbacks hear the same (a
//! panicking one does not stop them); receivers that are down, slow or erroring neither
//! delay a run's answer nor go untried; an HTTPS receiver behind a private CA gets every
//! change once the webhook trusts that CA, and nothing otherwise.
//!
//! Each scenario has its own tests (by tag) and toggles, since tests run in parallel.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use smoke_runtime::coordinator::notify::{Status, StatusChange, Webhook};
use smoke_runtime::http::{Details, Smoke, SmokeBuilder};
use smoke_runtime::prelude::*;
use smoke_runtime::{Runner, Selection};
use smoke_tests::http_client::{get, serve_axum};

const TOKEN: &str = "notify-token";
const SECRET: &str = "s3cr3t-db-password";
const BEARER: (&str, &str) = ("authorization", "Bearer notify-token");

static A_DOWN: AtomicBool = AtomicBool::new(false);

#[smoke_test(tags("notify-a"))]
fn reachable() -> SmokeResult {
    if A_DOWN.load(Ordering::SeqCst) {
        return Err(SmokeError::failure(format!(
            "connection refused (postgres://app:{SECRET}@db/app)\nsecond line"
        )));
    }
    Ok(())
}

#[smoke_test(tags("notify-a"))]
fn steady() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("notify-b"))]
fn always_down() -> SmokeResult {
    Err(SmokeError::failure("down"))
}

/// A POST's JSON body and its `Authorization`.
type Post = (Value, Option<String>);

/// What a receiver saw: each POST's body and `Authorization`, and how many arrived.
#[derive(Clone, Default)]
struct Seen {
    posts: Arc<Mutex<Vec<Post>>>,
    attempts: Arc<AtomicUsize>,
    delay: Duration,
    status: u16,
}

/// A receiver on loopback that records every POST to `/hook`, waits `delay`, answers
/// `status`.
async fn receiver(delay: Duration, status: u16) -> (String, Seen) {
    let seen = Seen {
        delay,
        status,
        ..Seen::default()
    };
    async fn hook(State(seen): State<Seen>, headers: HeaderMap, body: String) -> StatusCode {
        seen.attempts.fetch_add(1, Ordering::SeqCst);
        let auth = headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned());
        seen.posts
            .lock()
            .unwrap()
            .push((serde_json::from_str(&body).expect("a JSON body"), auth));
        tokio::time::sleep(seen.delay).await;
        StatusCode::from_u16(seen.status).unwrap()
    }
    let app = Router::new()
        .route("/hook", post(hook))
        .with_state(seen.clone());
    let addr = serve_axum(app).await;
    (format!("http://{addr}/hook"), seen)
}

/// Waits (at most 10 s) until `n` attempts reached `seen`.
async fn until(seen: &Seen, n: usize) {
    let start = Instant::now();
    while seen.attempts.load(Ordering::SeqCst) < n {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{} of {n} attempts",
            seen.attempts.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn builder(tag: &str) -> SmokeBuilder {
    Smoke::builder()
        .runner(Runner::builder().secret(SECRET))
        .details(Details::WhenAuthorized(TOKEN.into()))
        .min_interval(Duration::ZERO)
        .only(Selection::all().tag(tag))
}

/// One run through the endpoint, with the token; how long its answer took.
async fn run(addr: SocketAddr) -> Duration {
    let start = Instant::now();
    get(addr, "/?format=json", &[BEARER]).await.json();
    start.elapsed()
}

#[tokio::test]
async fn a_failure_and_its_recovery_are_posted_and_called_back_redacted() {
    let (url, seen) = receiver(Duration::ZERO, 200).await;
    let called: Arc<Mutex<Vec<StatusChange>>> = Arc::default();
    let record = called.clone();
    let smoke = builder("notify-a")
        .on_change(|_| panic!("a callback that panics"))
        .on_change(move |change| record.lock().unwrap().push(change.clone()))
        .webhook(Webhook::new(url).header("Authorization", "Bearer hook-token"))
        .notify_labels(Some("shop"), Some("host"))
        .build();
    let addr = serve_axum(smoke_runtime::axum::router(smoke)).await;

    run(addr).await; // a first pass: no change
    A_DOWN.store(true, Ordering::SeqCst);
    run(addr).await; // pass -> fail: the test and the selection
    run(addr).await; // still failing: nothing
    A_DOWN.store(false, Ordering::SeqCst);
    run(addr).await; // fail -> pass: the test and the selection
    until(&seen, 4).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let posts = seen.posts.lock().unwrap().clone();
    assert_eq!(posts.len(), 4, "{posts:#?}");
    for (body, auth) in &posts {
        assert_eq!(auth.as_deref(), Some("Bearer hook-token"));
        assert!(!body.to_string().contains(SECRET), "{body}");
        assert_eq!(body["service"], "shop");
        assert_eq!(body["instance"], "host");
        assert!(body["at"].as_str().unwrap().ends_with('Z'), "{body}");
    }
    let name = posts[0].0["test"].as_str().unwrap().to_owned();
    assert!(name.ends_with("::reachable"), "{name}");

    let (down, _) = &posts[0];
    assert_eq!(down["from"], "passing");
    assert_eq!(down["to"], "failing");
    assert_eq!(down["outcome"], "failed");
    assert_eq!(down["selection"], false);
    let message = down["message"].as_str().unwrap();
    assert!(message.starts_with("connection refused"), "{message}");
    assert!(message.contains("***"), "{message}");
    assert!(!message.contains("second line"), "{message}");
    assert_eq!(
        down["text"],
        format!(":red_circle: smoke: {name} is FAILING on shop on host (was passing): {message}")
    );

    let (whole, _) = &posts[1];
    assert_eq!(whole["selection"], true);
    assert_eq!(whole["test"], Value::Null);
    assert_eq!(
        (whole["from"].as_str(), whole["to"].as_str()),
        (Some("passing"), Some("failing"))
    );
    assert!(
        whole["message"].as_str().unwrap().contains(&name),
        "{whole}"
    );

    let (up, _) = &posts[2];
    assert_eq!(up["test"], name.as_str());
    assert_eq!(
        (up["from"].as_str(), up["to"].as_str()),
        (Some("failing"), Some("passing"))
    );
    assert_eq!(up["outcome"], "passed");
    assert_eq!(up["message"], Value::Null);
    assert_eq!(
        up["text"],
        format!(":large_green_circle: smoke: {name} is PASSING on shop on host (was failing)")
    );
    assert_eq!(posts[3].0["selection"], true);
    assert_eq!(posts[3].0["to"], "passing");

    // The callback after the panicking one heard the same changes.
    let called = called.lock().unwrap().clone();
    assert_eq!(called.len(), 4);
    assert_eq!(called[0].to, Status::Failing);
    assert_eq!(called[0].text(), down["text"].as_str().unwrap());
    assert_eq!(called[2].from, Status::Failing);
}

#[tokio::test]
async fn receivers_down_slow_or_failing_cost_a_run_nothing_and_are_retried() {
    // A closed port: bound, then let go.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let (slow_url, slow) = receiver(Duration::from_secs(3), 200).await;
    let (failing_url, failing) = receiver(Duration::ZERO, 503).await;
    let (good_url, good) = receiver(Duration::ZERO, 200).await;
    let quick = |url: String| {
        Webhook::new(url)
            .timeout(Duration::from_millis(200))
            .tries(3)
            .backoff(Duration::from_millis(100))
    };
    let smoke = builder("notify-b")
        .on_change(|_| std::thread::sleep(Duration::from_millis(500)))
        .webhook(quick(format!("http://{closed}/hook")))
        .webhook(quick(slow_url))
        .webhook(quick(failing_url))
        .webhook(good_url)
        .build();
    let addr = serve_axum(smoke_runtime::axum::router(smoke)).await;

    // The first run fails: a change from unknown, for the test and the selection.
    let took = run(addr).await;
    assert!(
        took < Duration::from_millis(400),
        "the run's answer took {took:?}"
    );
    // The next runs change nothing, and answer as promptly while deliveries go on.
    for _ in 0..3 {
        let took = run(addr).await;
        assert!(
            took < Duration::from_millis(400),
            "a run's answer took {took:?}"
        );
    }

    // Each failing receiver is tried 3 times per change; the good one once.
    until(&good, 2).await;
    until(&slow, 6).await;
    until(&failing, 6).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(good.attempts.load(Ordering::SeqCst), 2);
    assert_eq!(slow.attempts.load(Ordering::SeqCst), 6);
    assert_eq!(failing.attempts.load(Ordering::SeqCst), 6);
    let posts = good.posts.lock().unwrap().clone();
    assert_eq!(posts[0].0["from"], "unknown");
    assert_eq!(posts[0].0["to"], "failing");
    assert!(posts[0].0["text"]
        .as_str()
        .unwrap()
        .ends_with("is FAILING (was unknown): down"));
}

static C_DOWN: AtomicBool = AtomicBool::new(true);

#[smoke_test(tags("notify-c"))]
fn flapping_dependency() -> SmokeResult {
    if C_DOWN.load(Ordering::SeqCst) {
        return Err(SmokeError::failure("timed out talking to the broker"));
    }
    Ok(())
}

/// Notifications follow the reported (damped) status, not each raw outcome: with
/// `fail_after(2)`, the first failure changes nothing, the second is the change.
#[tokio::test]
async fn with_flap_damping_a_change_is_notified_only_when_the_reported_status_changes() {
    let called: Arc<Mutex<Vec<StatusChange>>> = Arc::default();
    let record = called.clone();
    let smoke = builder("notify-c")
        .damping(smoke_runtime::report::damping::Damping::new().fail_after(2))
        .on_change(move |change| record.lock().unwrap().push(change.clone()))
        .build();
    let addr = serve_axum(smoke_runtime::axum::router(smoke)).await;
    let changes =
        |called: &Arc<Mutex<Vec<StatusChange>>>| -> Vec<(Option<String>, Status, Status)> {
            called
                .lock()
                .unwrap()
                .iter()
                .map(|c| (c.test.clone(), c.from, c.to))
                .collect()
        };

    run(addr).await;
    // Callbacks run off the run's path: give them time to say anything they would.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        changes(&called),
        vec![],
        "one failure of two is no change yet"
    );

    run(addr).await;
    let start = Instant::now();
    while changes(&called).len() < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            changes(&called)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let test = "notify::flapping_dependency".to_owned();
    let seen = changes(&called);
    assert!(
        seen.contains(&(Some(test.clone()), Status::Unknown, Status::Failing)),
        "{seen:?}"
    );

    C_DOWN.store(false, Ordering::SeqCst);
    run(addr).await;
    let start = Instant::now();
    while !changes(&called).contains(&(Some(test.clone()), Status::Failing, Status::Passing)) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            changes(&called)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[smoke_test(tags("notify-d"))]
fn queue_reachable() -> SmokeResult {
    Err(SmokeError::failure("the queue refused the connection"))
}

/// A webhook over HTTPS to a real TLS receiver on loopback whose certificate a private CA
/// signed: trusted through the webhook's own root certificate, every change arrives, with
/// its headers and JSON body; the same receiver without the CA trusted gets nothing (the
/// handshake fails, which costs the run nothing).
#[tokio::test]
async fn a_webhook_over_https_reaches_a_receiver_whose_ca_it_trusts() {
    use smoke_tests::http_responder::{Request, Response};
    use smoke_tests::tls::{Ca, TlsServer};

    let ca = Ca::new("smoke webhook test CA");
    let seen: Arc<Mutex<Vec<Request>>> = Arc::default();
    let record = seen.clone();
    let server = TlsServer::start(ca.leaf(-1, 30), move |request| {
        record.lock().unwrap().push(request.clone());
        Response::text(200, "ok")
    })
    .await;
    let url = format!("https://localhost:{}/services/T0/B0/hook", server.port());
    let smoke = builder("notify-d")
        .webhook(
            Webhook::new(url.clone())
                .root_certificate_pem(&ca.pem)
                .header("Authorization", "Bearer tls-hook-token"),
        )
        // The system's roots only: the receiver's certificate is not trusted.
        .webhook(
            Webhook::new(format!("{url}-untrusted"))
                .tries(2)
                .backoff(Duration::from_millis(50)),
        )
        .build();
    let addr = serve_axum(smoke_runtime::axum::router(smoke)).await;

    let took = run(addr).await; // fails: the test and the selection change from unknown
    assert!(
        took < Duration::from_secs(2),
        "the run's answer took {took:?}"
    );
    let start = Instant::now();
    while seen.lock().unwrap().len() < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{} of 2 POSTs",
            seen.lock().unwrap().len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Time for the untrusted webhook's tries, which must not arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    let mut subjects = Vec::new();
    for request in &seen {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/services/T0/B0/hook");
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(
            request.header("authorization"),
            Some("Bearer tls-hook-token")
        );
        let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
        assert_eq!(body["from"], "unknown");
        assert_eq!(body["to"], "failing");
        subjects.push(body["test"].as_str().unwrap_or("selection").to_owned());
    }
    subjects.sort();
    assert_eq!(subjects, ["notify::queue_reachable", "selection"]);
}
