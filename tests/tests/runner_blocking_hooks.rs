//! Sync user code that never returns, in every place a test may hold it (body, suite
//! `set_up`, `add_cleanup` closure, suite `tear_down`, `set_up_suite`, `tear_down_suite`),
//! on a host with two runtime workers: the host keeps answering, the run ends by its
//! deadline, and the report names the hook that hung.
//!
//! The hung hooks wait on a gate the test opens at its end, so their threads return
//! before the runtime shuts down.

use std::net::SocketAddr;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use axum::routing::get as axum_get;
use axum::Router;
use hyper::StatusCode;
use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::{Outcome, Report, Runner, Selection};
use smoke_tests::http_client::{get, serve_axum};
use smoke_tests::run::{find, message};

/// Closed until a test opens it: what the hung hooks block on.
static GATE: Mutex<bool> = Mutex::new(false);
static OPENED: Condvar = Condvar::new();

/// Blocks the thread until the gate opens (or 60 s pass), as a driver call on a dead
/// server would.
fn block() {
    let mut open = GATE.lock().unwrap();
    let until = Instant::now() + Duration::from_secs(60);
    while !*open && Instant::now() < until {
        open = OPENED.wait_timeout(open, Duration::from_secs(1)).unwrap().0;
    }
}

fn open_gate() {
    *GATE.lock().unwrap() = true;
    OPENED.notify_all();
}

mod hung {
    use super::*;

    #[smoke_test(tags("hung_body"))]
    fn body_blocks() {
        block();
    }

    #[smoke_test(tags("hung_cleanup"))]
    fn cleanup_blocks(ctx: &Context) {
        ctx.add_cleanup(block);
    }

    pub struct SetUpBlocks;

    #[smoke_suite(tags("hung_set_up"))]
    impl SetUpBlocks {
        fn set_up() -> Self {
            block();
            SetUpBlocks
        }

        fn test_never_runs(&mut self) {}
    }

    #[derive(Default)]
    pub struct TearDownBlocks;

    #[smoke_suite(tags("hung_tear_down"))]
    impl TearDownBlocks {
        fn tear_down(&mut self) {
            block();
        }

        fn test_passes(&mut self) {}
    }

    #[derive(Default)]
    pub struct SetUpSuiteBlocks;

    #[smoke_suite(tags("hung_set_up_suite"))]
    impl SetUpSuiteBlocks {
        fn set_up_suite() {
            block();
        }

        fn test_never_runs(&mut self) {}
    }

    #[derive(Default)]
    pub struct TearDownSuiteBlocks;

    #[smoke_suite(tags("hung_tear_down_suite"))]
    impl TearDownSuiteBlocks {
        fn tear_down_suite() {
            block();
        }

        fn test_passes(&mut self) {}
    }

    #[smoke_test(tags("http_hung"))]
    fn http_cleanup_blocks(ctx: &Context) {
        ctx.add_cleanup(block);
    }

    #[derive(Default)]
    pub struct HttpTearDownBlocks;

    #[smoke_suite(tags("http_hung"))]
    impl HttpTearDownBlocks {
        fn tear_down(&mut self) {
            block();
        }

        fn test_passes(&mut self) {}
    }
}

/// Runs the tests of `tag` with a 200 ms timeout, grace and deadline on this (2-worker)
/// runtime, checking all along that a task of the host still gets a worker.
async fn run_hung(tag: &str) -> (Report, Duration) {
    let runner = Runner::builder()
        .default_timeout(Duration::from_millis(200))
        .deadline(Duration::from_millis(300))
        .tear_down_grace(Duration::from_millis(200))
        .build();
    let selection = Selection::all().tag(tag);
    let start = Instant::now();
    let run = tokio::spawn(async move { runner.run(&selection).await });
    // Several times during the run, a host task must be scheduled at once.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(60)).await;
        let probe = Instant::now();
        tokio::time::timeout(Duration::from_secs(2), tokio::spawn(async { 1 }))
            .await
            .unwrap_or_else(|_| panic!("{tag}: the runtime's workers are held by a hung hook"))
            .unwrap();
        assert!(probe.elapsed() < Duration::from_millis(500), "{tag}");
    }
    let report = tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .unwrap_or_else(|_| panic!("{tag}: the run did not end by its deadline"))
        .unwrap();
    (report, start.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hung_sync_hooks_hold_no_worker_and_are_named() {
    let (report, took) = run_hung("hung_body").await;
    let t = find(&report, "body_blocks");
    assert_eq!(
        (t.outcome, message(t)),
        (Outcome::TimedOut, "timed out after 200ms")
    );
    assert!(took < Duration::from_secs(2), "{took:?}");

    let (report, _) = run_hung("hung_cleanup").await;
    let t = find(&report, "cleanup_blocks");
    assert_eq!(t.outcome, Outcome::TimedOut);
    assert_eq!(
        message(t),
        "a cleanup registered with add_cleanup did not return within the test's timeout of \
         200ms plus the tear-down grace of 200ms; it is sync code, so its thread runs on, and \
         the test is not started again until that thread returns"
    );

    let (report, _) = run_hung("hung_set_up").await;
    let t = find(&report, "test_never_runs");
    assert_eq!(
        (t.outcome, message(t)),
        (
            Outcome::TimedOut,
            "timed out after 200ms while setting up: set_up of SetUpBlocks did not finish, \
             so the test did not run"
        )
    );

    let (report, _) = run_hung("hung_tear_down").await;
    let t = find(&report, "TearDownBlocks::test_passes");
    assert_eq!(t.outcome, Outcome::TimedOut);
    assert!(
        message(t).starts_with(
            "tear_down of TearDownBlocks did not return within the test's timeout of 200ms \
             plus the tear-down grace of 200ms; it is sync code"
        ),
        "{t:?}"
    );
    // While its thread is still blocked, the test is not started again.
    let (report, _) = run_hung("hung_tear_down").await;
    let t = find(&report, "TearDownBlocks::test_passes");
    assert!(
        message(t).contains("is still blocked in tear_down of TearDownBlocks"),
        "{t:?}"
    );

    let (report, _) = run_hung("hung_set_up_suite").await;
    let t = find(&report, "SetUpSuiteBlocks::test_never_runs");
    assert_eq!(
        (t.outcome, message(t)),
        (
            Outcome::Errored,
            "set_up_suite of SetUpSuiteBlocks failed: it did not return within 200ms"
        )
    );

    let (report, took) = run_hung("hung_tear_down_suite").await;
    assert_eq!(
        find(&report, "TearDownSuiteBlocks::test_passes").outcome,
        Outcome::Passed
    );
    // The suite's tear-down is still running at the deadline plus grace: the run ends
    // without it, whatever it does.
    assert!(took < Duration::from_secs(2), "{took:?}");

    a_host_with_two_workers_keeps_serving_while_sync_hooks_hang().await;
    open_gate();
}

/// An axum host with two workers whose smoke run hits a hanging sync `tear_down` and a
/// hanging cleanup, requested again and again: its own route and `/livez` keep answering
/// and every smoke request is answered by the deadline. (Part of the test above, which
/// holds the gate closed.)
async fn a_host_with_two_workers_keeps_serving_while_sync_hooks_hang() {
    let smoke = Smoke::builder()
        .runner(
            Runner::builder()
                .default_timeout(Duration::from_millis(200))
                .deadline(Duration::from_secs(1))
                .tear_down_grace(Duration::from_millis(200)),
        )
        .only(Selection::all().tag("http_hung"))
        .details(Details::Always)
        .build();
    let app = Router::new()
        .route("/", axum_get(|| async { "the service's own page" }))
        .nest("/smoketest", smoke_runtime::axum::router(smoke));
    let addr: SocketAddr = serve_axum(app).await;
    for _ in 0..4 {
        let run = tokio::spawn(async move { get(addr, "/smoketest?format=json", &[]).await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let own = tokio::time::timeout(Duration::from_secs(2), get(addr, "/", &[]))
            .await
            .expect("the host's own route did not answer while a hook hung");
        assert_eq!(own.status, StatusCode::OK);
        let live = tokio::time::timeout(Duration::from_secs(2), get(addr, "/smoketest/livez", &[]))
            .await
            .expect("/livez did not answer while a hook hung");
        assert_eq!(live.status, StatusCode::OK);
        let r = tokio::time::timeout(Duration::from_secs(10), run)
            .await
            .expect("the smoke run was not answered by its deadline")
            .unwrap();
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
    }
}
