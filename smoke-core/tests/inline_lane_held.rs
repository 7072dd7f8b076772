//! An async test that holds its thread instead of awaiting, polled on a run's inline lane
//! (the lane on the worker that started the run): it holds one worker only, the host's
//! other work goes on, it is reported at its timeout, and no lane of the process runs
//! inline again.
//!
//! One test function: what it checks is the process's state after the first such test.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use smoke_core::__private_0_1::run_body;
use smoke_core::{BoxFuture, Context, Outcome, Runner, SmokeResult, TestDescriptor};
use support::{hold_blocking_thread, let_go_later, one_at_a_time, run_in_task, runtime, HELD};

fn passes(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move { run_body(&ctx, async { Ok(()) }).await })
}

fn holds_its_thread(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        run_body(&ctx, async {
            std::thread::sleep(Duration::from_millis(600));
            Ok(())
        })
        .await
    })
}

static HOLDS: TestDescriptor = TestDescriptor {
    timeout: Some(Duration::from_millis(100)),
    ..TestDescriptor::new(
        "holds_its_thread",
        "inline_lane_held",
        file!(),
        1,
        holds_its_thread,
    )
};
static AFTER: TestDescriptor = TestDescriptor::new("after", "inline_lane_held", file!(), 1, passes);

#[test]
fn a_test_holding_the_worker_is_timed_out_and_lanes_stop_running_inline() {
    let _turn = one_at_a_time();
    let runtime = runtime(2);
    let runner = Runner::builder().build();

    // The host's other work: a task that answers while the test holds a worker.
    let (ask, asked) = tokio::sync::mpsc::unbounded_channel::<tokio::sync::oneshot::Sender<()>>();
    runtime.spawn(async move {
        let mut asked = asked;
        while let Some(answer) = asked.recv().await {
            let _ = answer.send(());
        }
    });

    let start = Instant::now();
    let run = {
        let runner = runner.clone();
        runtime.spawn(async move { runner.run_tests(vec![&HOLDS, &AFTER], false, |_| {}).await })
    };
    // While the test holds its worker (600 ms), the other worker answers.
    std::thread::sleep(Duration::from_millis(50));
    let answered = runtime.block_on(async {
        let (answer, answered) = tokio::sync::oneshot::channel();
        ask.send(answer).unwrap();
        tokio::time::timeout(Duration::from_millis(200), answered).await
    });
    assert!(
        answered.is_ok(),
        "the host's other work waited for the held worker"
    );
    assert!(start.elapsed() < Duration::from_millis(500));

    let report = runtime.block_on(run).unwrap();
    let held = report
        .tests
        .iter()
        .find(|t| t.name.ends_with("holds_its_thread"))
        .unwrap();
    assert_eq!(held.outcome, Outcome::TimedOut, "{held:?}");
    let message = held.message.as_deref().unwrap();
    assert!(
        message.contains("holding its thread instead of awaiting"),
        "{message}"
    );
    let after = report
        .tests
        .iter()
        .find(|t| t.name.ends_with("after"))
        .unwrap();
    assert_eq!(after.outcome, Outcome::Passed, "{after:?}");
    // Reported at its timeout (100 ms), not when its thread let go (600 ms).
    assert!(report.time_ms < 450.0, "{report:?}");

    // From now on a run's lane takes a blocking thread: with the only one held, it waits.
    // (The test's thread returns first, so that the blocking thread can be taken.)
    std::thread::sleep(Duration::from_millis(700));
    let letting_go = let_go_later(hold_blocking_thread(&runtime));
    let (report, took) = run_in_task(&runtime, &runner, vec![&AFTER]);
    letting_go.join().unwrap();
    assert_eq!(report.counts().passed, 1, "{report:?}");
    assert!(
        took >= HELD - Duration::from_millis(50),
        "the lane ran inline after a test held a worker: {took:?}"
    );
}
