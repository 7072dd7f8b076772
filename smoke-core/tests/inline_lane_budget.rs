//! A run's inline lane (on the worker that started the run) takes tests for a tick at
//! most: a long run of quick tests leaves the rest to a lane's thread rather than keep
//! the worker from the host's tasks.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use smoke_core::__private_0_1::run_body;
use smoke_core::{BoxFuture, Context, Runner, SmokeResult, TestDescriptor};
use support::{hold_blocking_thread, let_go_later, one_at_a_time, run_in_task, runtime, HELD};

/// Busy for 400 µs, without awaiting: three of them take more than a tick.
fn busy(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        run_body(&ctx, async {
            let until = Instant::now() + Duration::from_micros(400);
            while Instant::now() < until {
                std::hint::spin_loop();
            }
            Ok(())
        })
        .await
    })
}

const fn test(name: &'static str) -> TestDescriptor {
    TestDescriptor::new(name, "inline_lane_budget", file!(), 1, busy)
}

static A: TestDescriptor = test("a");
static B: TestDescriptor = test("b");
static C: TestDescriptor = test("c");
static D: TestDescriptor = test("d");

#[test]
fn after_a_tick_of_tests_a_lane_s_thread_takes_the_rest() {
    let _turn = one_at_a_time();
    let runtime = runtime(2);
    let letting_go = let_go_later(hold_blocking_thread(&runtime));
    let tests = vec![&A, &B, &C, &D];
    let (report, took) = run_in_task(&runtime, &Runner::builder().build(), tests);
    letting_go.join().unwrap();
    assert_eq!(report.counts().passed, 4, "{report:?}");
    assert!(
        took >= HELD - Duration::from_millis(50),
        "the inline lane ran every test, {:.1} ms of them: {took:?}",
        report.tests.iter().map(|t| t.duration_ms).sum::<f64>()
    );
}
