//! A run's first lane on the worker that starts the run: async tests that finish at once
//! need no blocking thread, and what waits still leaves the worker. Each test holds the
//! runtime's only blocking thread while the run goes (see `support`).

mod support;

use std::sync::Arc;
use std::time::Duration;

use smoke_core::__private_0_1::run_body;
use smoke_core::{BoxFuture, Context, Outcome, Runner, SmokeResult, TestDescriptor};
use support::{hold_blocking_thread, let_go_later, one_at_a_time, run_in_task, runtime, HELD};

const fn test(name: &'static str, run: smoke_core::TestFn) -> TestDescriptor {
    TestDescriptor::new(name, "inline_lanes", file!(), 1, run)
}

fn passes(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move { run_body(&ctx, async { Ok(()) }).await })
}

fn waits(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        run_body(&ctx, async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(())
        })
        .await
    })
}

static A: TestDescriptor = test("a", passes);
static B: TestDescriptor = test("b", passes);
static C: TestDescriptor = test("c", passes);
static WAITS: TestDescriptor = test("waits", waits);

#[test]
fn tests_that_finish_at_once_run_on_the_worker_without_a_blocking_thread() {
    let _turn = one_at_a_time();
    let runtime = runtime(2);
    // A machine busy enough to hold the worker a millisecond in a test hands that test to
    // a lane's thread once: of three runs, one at least runs without the blocking thread.
    let mut took = Vec::new();
    for _ in 0..3 {
        let letting_go = let_go_later(hold_blocking_thread(&runtime));
        let (report, run_took) =
            run_in_task(&runtime, &Runner::builder().build(), vec![&A, &B, &C]);
        letting_go.join().unwrap();
        assert_eq!(report.counts().passed, 3, "{report:?}");
        took.push(run_took);
    }
    assert!(
        took.iter().any(|took| *took < HELD / 2),
        "every run waited for the blocking thread: {took:?}"
    );
}

#[test]
fn a_test_that_waits_goes_on_in_its_own_task_and_a_lane_s_thread_takes_the_rest() {
    let _turn = one_at_a_time();
    let runtime = runtime(2);
    let letting_go = let_go_later(hold_blocking_thread(&runtime));
    let tests = vec![&A, &WAITS, &B, &C];
    let (report, took) = run_in_task(&runtime, &Runner::builder().build(), tests);
    letting_go.join().unwrap();
    assert_eq!(report.counts().passed, 4, "{report:?}");
    let waited = report
        .tests
        .iter()
        .find(|t| t.name.ends_with("waits"))
        .unwrap();
    assert_eq!(waited.outcome, Outcome::Passed);
    assert!(waited.duration_ms >= 20.0, "{waited:?}");
    // B and C needed the blocking thread.
    assert!(took >= HELD - Duration::from_millis(50), "{took:?}");
}

#[test]
fn with_one_worker_the_lane_takes_a_blocking_thread_so_the_worker_stays_free() {
    let _turn = one_at_a_time();
    let runtime = runtime(1);
    let letting_go = let_go_later(hold_blocking_thread(&runtime));
    let (report, took) = run_in_task(&runtime, &Runner::builder().build(), vec![&A, &B]);
    letting_go.join().unwrap();
    assert_eq!(report.counts().passed, 2, "{report:?}");
    assert!(
        took >= HELD - Duration::from_millis(50),
        "the lane ran on the only worker: {took:?}"
    );
}

static WAITS_FIRST: TestDescriptor = test("waits_first", waits);
static THEN: TestDescriptor = test("then", passes);

#[test]
fn a_queue_that_starts_with_a_test_that_waited_before_starts_on_a_lane_s_thread() {
    let _turn = one_at_a_time();
    let runtime = runtime(2);
    let runner = Runner::builder().build();
    // It waits on its inline lane: remembered.
    let (report, _) = run_in_task(&runtime, &runner, vec![&WAITS_FIRST, &THEN]);
    assert_eq!(report.counts().passed, 2, "{report:?}");
    // Next time a run that starts with it starts on a lane's thread: with the only one
    // held, it waits (on the worker it would have gone to its own task at once).
    let letting_go = let_go_later(hold_blocking_thread(&runtime));
    let (report, took) = run_in_task(&runtime, &runner, vec![&WAITS_FIRST]);
    letting_go.join().unwrap();
    assert_eq!(report.counts().passed, 1, "{report:?}");
    assert!(took >= HELD - Duration::from_millis(50), "{took:?}");
    // A run without it still starts on the worker.
    let held = hold_blocking_thread(&runtime);
    let (report, took) = run_in_task(&runtime, &runner, vec![&THEN]);
    assert_eq!(report.counts().passed, 1, "{report:?}");
    assert!(took < HELD, "{took:?}");
    drop(held);
}
