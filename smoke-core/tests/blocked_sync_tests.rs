//! A sync test that hangs past its timeout keeps its thread; the runner must not start it
//! again (piling up blocked threads) until that thread returns.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use smoke_core::__private_0_1::{run_sync, still_blocked};
use smoke_core::{BoxFuture, Context, Outcome, Report, Runner, SmokeResult, TestDescriptor};

static RELEASE: AtomicBool = AtomicBool::new(false);

fn hangs_until_released(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(run_sync(ctx, (), |_, _| {
        while !RELEASE.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }))
}

static HANGS: TestDescriptor = TestDescriptor {
    name: "hangs_until_released",
    module_path: "blocked_sync_tests",
    suite: None,
    file: file!(),
    line: line!(),
    tags: &[],
    timeout: Some(Duration::from_millis(50)),
    skip: None,
    serial: false,
    requires: &[],
    fail_after: None,
    pass_after: None,
    fail_after_duration: None,
    run: hangs_until_released,
};

async fn run_once(runner: &Runner) -> Report {
    runner.run_tests(vec![&HANGS], false, |_| {}).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_sync_test_is_not_started_again_until_its_thread_returns() {
    let runner = Runner::builder().build();

    let first = run_once(&runner).await;
    assert_eq!(first.tests[0].outcome, Outcome::TimedOut);
    assert_eq!(
        first.tests[0].message.as_deref(),
        Some("timed out after 50ms")
    );
    assert!(still_blocked(&HANGS).is_some());

    let second = run_once(&runner).await;
    assert_eq!(second.tests[0].outcome, Outcome::TimedOut);
    let message = second.tests[0].message.as_deref().unwrap();
    assert!(
        message.starts_with("not started: the thread of an earlier run"),
        "{message}"
    );

    RELEASE.store(true, Ordering::SeqCst);
    let waited = Instant::now();
    while still_blocked(&HANGS).is_some() {
        assert!(
            waited.elapsed() < Duration::from_secs(10),
            "the thread never returned"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let third = run_once(&runner).await;
    assert_eq!(
        third.tests[0].outcome,
        Outcome::Passed,
        "{:?}",
        third.tests[0].message
    );
}
