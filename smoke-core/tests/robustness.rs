//! What the host's code or a badly written test cannot do to a run: lose a panic's
//! message, escape a timeout by blocking, break the concurrency bound, or vanish from the
//! report.

use std::sync::Arc;
use std::time::Duration;

use smoke_core::__private_0_1::run_body;
use smoke_core::{AroundEach, BoxFuture, Context, Outcome, Runner, SmokeResult, TestDescriptor};

const fn test(name: &'static str, serial: bool, run: smoke_core::TestFn) -> TestDescriptor {
    TestDescriptor {
        timeout: Some(Duration::from_millis(50)),
        serial,
        ..TestDescriptor::new(name, "robustness", file!(), 1, run)
    }
}

fn std_assert_fails(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        run_body(&ctx, async {
            let found = 1;
            assert_eq!(found, 2);
            Ok(())
        })
        .await
    })
}

fn other_panic_errors(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        run_body(&ctx, async {
            let bucket = std::env::var("SMOKE_ROBUSTNESS_SURELY_UNSET_BUCKET").ok();
            bucket.expect("the bucket is configured");
            Ok(())
        })
        .await
    })
}

fn blocks_its_thread(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        run_body(&ctx, async {
            std::thread::sleep(Duration::from_millis(300));
            Ok(())
        })
        .await
    })
}

fn passes(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move { run_body(&ctx, async { Ok(()) }).await })
}

static STD_ASSERT: TestDescriptor = test("std_assert_fails", false, std_assert_fails);
static OTHER_PANIC: TestDescriptor = test("other_panic_errors", false, other_panic_errors);
static BLOCKS: TestDescriptor = test("blocks_its_thread", false, blocks_its_thread);
// Serial, so it starts on its own rather than on a lane with a watchdog.
static BLOCKS_ALONE: TestDescriptor = test("blocks_its_thread_alone", true, blocks_its_thread);
static SERIAL: TestDescriptor = test("serial_passes", true, passes);
static PASSES: TestDescriptor = test("passes", false, passes);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panics_keep_their_message_and_std_assertions_count_as_failed() {
    let report = Runner::builder()
        .build()
        .run_tests(vec![&STD_ASSERT, &OTHER_PANIC], false, |_| {})
        .await;
    let by_name = |n: &str| report.tests.iter().find(|t| t.name.ends_with(n)).unwrap();

    let std_assert = by_name("std_assert_fails");
    assert_eq!(std_assert.outcome, Outcome::Failed);
    let message = std_assert.message.as_deref().unwrap();
    assert!(
        message.starts_with("panicked: assertion `left == right` failed"),
        "{message}"
    );
    assert_eq!(std_assert.location.as_ref().unwrap().file, file!());

    let other = by_name("other_panic_errors");
    assert_eq!(other.outcome, Outcome::Errored);
    assert_eq!(
        other.message.as_deref(),
        Some("panicked: the bucket is configured")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_body_that_blocks_past_its_timeout_is_timed_out() {
    let report = Runner::builder()
        .build()
        .run_tests(vec![&BLOCKS], false, |_| {})
        .await;
    let blocked = &report.tests[0];
    assert_eq!(blocked.outcome, Outcome::TimedOut);
    let message = blocked.message.as_deref().unwrap();
    assert!(message.starts_with("timed out after 50ms"), "{message}");
    assert!(
        message.contains("cannot be interrupted at its timeout"),
        "{message}"
    );
    // It was reported at its timeout, not when its thread let go 300 ms in.
    assert!(report.time_ms < 250.0, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_ends_at_its_deadline_and_grace_even_when_a_test_blocks_its_thread() {
    let report = Runner::builder()
        .deadline(Duration::from_millis(20))
        .tear_down_grace(Duration::from_millis(20))
        .build()
        .run_tests(vec![&BLOCKS_ALONE, &PASSES], false, |_| {})
        .await;
    let blocked = report
        .tests
        .iter()
        .find(|t| t.name.ends_with("blocks_its_thread_alone"))
        .unwrap();
    assert_eq!(blocked.outcome, Outcome::TimedOut);
    let message = blocked.message.as_deref().unwrap();
    assert!(
        message.starts_with("still running when the run's deadline"),
        "{message}"
    );
    assert_eq!(report.tests.len(), 2, "{:?}", report.tests);
}

#[tokio::test]
async fn an_enormous_concurrency_is_clamped_and_serial_still_runs() {
    let runner = Runner::builder().concurrency(usize::MAX).build();
    assert!(runner.config().concurrency <= u32::MAX as usize);
    let report = runner
        .run_tests(vec![&SERIAL, &PASSES], false, |_| {})
        .await;
    assert!(
        report.tests.iter().all(|t| t.outcome == Outcome::Passed),
        "{:?}",
        report.tests
    );
}

struct PanicsBefore;

impl AroundEach for PanicsBefore {
    fn before<'a>(&'a self, _: &'a Context) -> BoxFuture<'a, SmokeResult> {
        Box::pin(async { panic!("the hook lost its pool") })
    }
    fn after<'a>(&'a self, _: &'a Context) -> BoxFuture<'a, SmokeResult> {
        Box::pin(async { Ok(()) })
    }
}

struct PanicsInPrepare;

impl AroundEach for PanicsInPrepare {
    fn prepare(&self, _: &'static TestDescriptor, _: &mut smoke_core::Resources) {
        panic!("prepare failed")
    }
    fn before<'a>(&'a self, _: &'a Context) -> BoxFuture<'a, SmokeResult> {
        Box::pin(async { Ok(()) })
    }
    fn after<'a>(&'a self, _: &'a Context) -> BoxFuture<'a, SmokeResult> {
        Box::pin(async { Ok(()) })
    }
}

#[tokio::test]
async fn a_panicking_run_wide_hook_errors_the_test_and_keeps_it_in_the_report() {
    for runner in [
        Runner::builder().around_each(PanicsBefore).build(),
        Runner::builder().around_each(PanicsInPrepare).build(),
    ] {
        let report = runner.run_tests(vec![&PASSES], false, |_| {}).await;
        assert_eq!(report.tests.len(), 1);
        assert_eq!(
            report.tests[0].outcome,
            Outcome::Errored,
            "{:?}",
            report.tests[0]
        );
        assert!(!report.passed());
    }
}
