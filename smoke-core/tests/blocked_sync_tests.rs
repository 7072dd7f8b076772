//! A sync test that hangs past its timeout keeps its thread; the runner must not start it
//! again (piling up blocked threads) until that thread returns.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use smoke_core::__private_0_1::{run_sync, still_blocked};
use smoke_core::{BoxFuture, Context, Outcome, Report, Runner, SmokeResult, TestDescriptor};

static RELEASE: AtomicBool = AtomicBool::new(false);

/// A sync test that holds its thread until `release` is set.
fn hangs_until(release: &'static AtomicBool, ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(run_sync(ctx, (), move |_, _| {
        while !release.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }))
}

fn hangs_until_released(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    hangs_until(&RELEASE, ctx)
}

static HANGS: TestDescriptor = TestDescriptor {
    timeout: Some(Duration::from_millis(50)),
    ..TestDescriptor::new(
        "hangs_until_released",
        "blocked_sync_tests",
        file!(),
        line!(),
        hangs_until_released,
    )
};

static RELEASE_ORPHANED: AtomicBool = AtomicBool::new(false);

fn hangs_in_a_dropped_run(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    hangs_until(&RELEASE_ORPHANED, ctx)
}

static HANGS_IN_A_DROPPED_RUN: TestDescriptor = TestDescriptor {
    name: "hangs_in_a_dropped_run",
    run: hangs_in_a_dropped_run,
    ..HANGS
};

async fn run_once(runner: &Runner, test: &'static TestDescriptor) -> Report {
    runner.run_tests(vec![test], false, |_| {}).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_sync_test_is_not_started_again_until_its_thread_returns() {
    let runner = Runner::builder().build();

    let first = run_once(&runner, &HANGS).await;
    assert_eq!(first.tests[0].outcome, Outcome::TimedOut);
    assert_eq!(
        first.tests[0].message.as_deref(),
        Some("timed out after 50ms")
    );
    assert!(still_blocked(&HANGS).is_some());

    let second = run_once(&runner, &HANGS).await;
    assert_eq!(second.tests[0].outcome, Outcome::TimedOut);
    let message = second.tests[0].message.as_deref().unwrap();
    assert!(
        message.starts_with("not started: the thread of an earlier run"),
        "{message}"
    );

    RELEASE.store(true, Ordering::SeqCst);
    eventually(
        || still_blocked(&HANGS).is_none(),
        "the thread never returned",
    )
    .await;

    let third = run_once(&runner, &HANGS).await;
    assert_eq!(
        third.tests[0].outcome,
        Outcome::Passed,
        "{:?}",
        third.tests[0].message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_left_hanging_by_a_dropped_run_is_still_watched() {
    // The hung thread is let go however this test ends (the runtime waits for it).
    struct Release;
    impl Drop for Release {
        fn drop(&mut self) {
            RELEASE_ORPHANED.store(true, Ordering::SeqCst);
        }
    }
    let _release = Release;
    let runner = Runner::builder().build();
    // The caller gives up on the run before the test's 50 ms timeout: the run's task,
    // which watches its lanes, is gone.
    let run = runner.run_tests(vec![&HANGS_IN_A_DROPPED_RUN], false, |_| {});
    assert!(tokio::time::timeout(Duration::from_millis(10), run)
        .await
        .is_err());
    // The lane's own watchdog still times the test out and marks it blocked, so that the
    // next run does not start it on another thread.
    eventually(
        || still_blocked(&HANGS_IN_A_DROPPED_RUN).is_some(),
        "the hung test was never marked blocked",
    )
    .await;
    let next = run_once(&runner, &HANGS_IN_A_DROPPED_RUN).await;
    let message = next.tests[0].message.as_deref().unwrap_or_default();
    assert!(
        message.starts_with("not started: the thread of an earlier run"),
        "{message}"
    );
}

/// Waits until `done`, failing with `never` after 10 s.
async fn eventually(done: impl Fn() -> bool, never: &str) {
    let waited = Instant::now();
    while !done() {
        assert!(waited.elapsed() < Duration::from_secs(10), "{never}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
