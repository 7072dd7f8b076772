//! The functions generated wrappers call (`__private_0_1::{sync_fn, sync_ctx_fn, async_fn,
//! sync_body, async_body}`), written here as the macros write them: each runs its test
//! with the context current, turns what it returns into the outcome, catches its panics
//! (a by-value fixture's `clone` included), and tears its fixtures down.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use smoke_core::__private_0_1::{async_body, async_fn, sync_body, sync_ctx_fn, sync_fn};
use smoke_core::{BoxFuture, Context, Fixture, Outcome, Runner, SmokeError, SmokeResult};
use smoke_core::{Report, TestDescriptor};

type Run = BoxFuture<'static, SmokeResult>;

static TORN_DOWN: AtomicUsize = AtomicUsize::new(0);

/// A fixture whose clone panics, counting its tear-downs.
struct Brittle;

impl Fixture for Brittle {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(Brittle)
    }
    async fn tear_down(self) -> SmokeResult {
        TORN_DOWN.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

impl Clone for Brittle {
    fn clone(&self) -> Self {
        panic!("cannot clone the brittle fixture")
    }
}

fn sync_unit() {}

fn sync_fails() -> SmokeResult {
    Err(SmokeError::failure("the sync test failed"))
}

fn sync_ctx_named(ctx: &Context) -> Result<(), String> {
    Err(format!("{} ran", ctx.name()))
}

async fn async_panics() {
    tokio::task::yield_now().await;
    panic!("boom in an async test")
}

async fn async_ctx_named(ctx: &Context) -> SmokeResult {
    Err(SmokeError::failure(format!("{} ran", ctx.name())))
}

fn takes_brittle(_: Brittle) {}

async fn takes_brittle_async(_: Brittle) {}

fn run_sync_unit(ctx: Arc<Context>) -> Run {
    sync_fn::<()>(ctx, sync_unit)
}

fn run_sync_fails(ctx: Arc<Context>) -> Run {
    sync_fn::<SmokeResult>(ctx, sync_fails)
}

fn run_sync_ctx(ctx: Arc<Context>) -> Run {
    sync_ctx_fn::<Result<(), String>>(ctx, sync_ctx_named)
}

fn run_async_panics(ctx: Arc<Context>) -> Run {
    async_fn::<()>(ctx, Box::pin(async_panics()))
}

fn run_async_ctx(ctx: Arc<Context>) -> Run {
    async_body::<(), SmokeResult>(ctx, body_async_ctx)
}

fn body_async_ctx<'a>(_: &'a mut (), ctx: &'a Context) -> BoxFuture<'a, SmokeResult> {
    Box::pin(async_ctx_named(ctx))
}

fn run_sync_brittle(ctx: Arc<Context>) -> Run {
    sync_body::<(Brittle, ()), ()>(ctx, body_sync_brittle)
}

fn body_sync_brittle(state: &mut (Brittle, ()), _: &Context) {
    let (ref mut brittle, ()) = *state;
    takes_brittle(brittle.clone())
}

fn run_async_brittle(ctx: Arc<Context>) -> Run {
    async_body::<(Brittle, ()), ()>(ctx, body_async_brittle)
}

fn body_async_brittle<'a>(state: &'a mut (Brittle, ()), _: &'a Context) -> BoxFuture<'a, ()> {
    let (ref mut brittle, ()) = *state;
    Box::pin(takes_brittle_async(brittle.clone()))
}

static SYNC_UNIT: TestDescriptor =
    TestDescriptor::new("sync_unit", "entry", file!(), 1, run_sync_unit);
static SYNC_FAILS: TestDescriptor =
    TestDescriptor::new("sync_fails", "entry", file!(), 2, run_sync_fails);
static SYNC_CTX: TestDescriptor =
    TestDescriptor::new("sync_ctx", "entry", file!(), 3, run_sync_ctx);
static ASYNC_PANICS: TestDescriptor =
    TestDescriptor::new("async_panics", "entry", file!(), 4, run_async_panics);
static ASYNC_CTX: TestDescriptor =
    TestDescriptor::new("async_ctx", "entry", file!(), 5, run_async_ctx);
static SYNC_BRITTLE: TestDescriptor =
    TestDescriptor::new("sync_brittle", "entry", file!(), 6, run_sync_brittle);
static ASYNC_BRITTLE: TestDescriptor =
    TestDescriptor::new("async_brittle", "entry", file!(), 7, run_async_brittle);

fn outcome<'a>(report: &'a Report, name: &str) -> (Outcome, &'a str) {
    let test = report
        .tests
        .iter()
        .find(|t| t.name == format!("entry::{name}"))
        .unwrap_or_else(|| panic!("{name} not in the report"));
    (test.outcome, test.message.as_deref().unwrap_or(""))
}

#[tokio::test(flavor = "multi_thread")]
async fn each_shape_runs_its_test_and_reports_what_it_returned_or_how_it_panicked() {
    let tests = vec![
        &SYNC_UNIT,
        &SYNC_FAILS,
        &SYNC_CTX,
        &ASYNC_PANICS,
        &ASYNC_CTX,
        &SYNC_BRITTLE,
        &ASYNC_BRITTLE,
    ];
    let report = Runner::builder()
        .build()
        .run_tests(tests, false, |_| {})
        .await;

    assert_eq!(outcome(&report, "sync_unit"), (Outcome::Passed, ""));
    assert_eq!(
        outcome(&report, "sync_fails"),
        (Outcome::Failed, "the sync test failed")
    );
    assert_eq!(
        outcome(&report, "sync_ctx"),
        (Outcome::Errored, "sync_ctx ran")
    );
    let (panicked, message) = outcome(&report, "async_panics");
    assert_eq!(panicked, Outcome::Errored);
    assert!(message.contains("boom in an async test"), "{message}");
    assert_eq!(
        outcome(&report, "async_ctx"),
        (Outcome::Failed, "async_ctx ran")
    );
    for brittle in ["sync_brittle", "async_brittle"] {
        let (panicked, message) = outcome(&report, brittle);
        assert_eq!(panicked, Outcome::Errored, "{brittle}: {message}");
        assert!(
            message.contains("cannot clone the brittle fixture"),
            "{brittle}: {message}"
        );
    }
    assert_eq!(
        TORN_DOWN.load(Ordering::SeqCst),
        2,
        "the fixture whose clone panicked is torn down after each test"
    );
}

static CLEANED_UP: AtomicUsize = AtomicUsize::new(0);

async fn async_cleans_up() -> SmokeResult {
    smoke_core::add_cleanup(|| {
        CLEANED_UP.fetch_add(1, Ordering::SeqCst);
    });
    tokio::task::yield_now().await;
    Err(SmokeError::failure("failed after registering a cleanup"))
}

async fn async_hangs() {
    std::future::pending::<()>().await
}

fn run_async_cleans_up(ctx: Arc<Context>) -> Run {
    async_fn::<SmokeResult>(ctx, Box::pin(async_cleans_up()))
}

fn run_async_hangs(ctx: Arc<Context>) -> Run {
    async_fn::<()>(ctx, Box::pin(async_hangs()))
}

static ASYNC_CLEANS_UP: TestDescriptor =
    TestDescriptor::new("async_cleans_up", "entry", file!(), 8, run_async_cleans_up);
static ASYNC_HANGS: TestDescriptor = TestDescriptor {
    timeout: smoke_core::__private_0_1::millis(50),
    ..TestDescriptor::new("async_hangs", "entry", file!(), 9, run_async_hangs)
};

#[tokio::test]
async fn an_async_test_without_parameters_runs_its_cleanups_and_times_out_waiting() {
    let report = Runner::builder()
        .build()
        .run_tests(vec![&ASYNC_CLEANS_UP, &ASYNC_HANGS], false, |_| {})
        .await;

    assert_eq!(
        outcome(&report, "async_cleans_up"),
        (Outcome::Failed, "failed after registering a cleanup")
    );
    assert_eq!(CLEANED_UP.load(Ordering::SeqCst), 1);
    assert_eq!(
        outcome(&report, "async_hangs"),
        (Outcome::TimedOut, "timed out after 50ms")
    );
}
