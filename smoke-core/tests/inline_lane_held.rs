//! An async test that holds its thread instead of awaiting, polled on a run's inline lane
//! (the lane on the worker that started the run): it holds one worker only, the host's
//! other work goes on, it is reported at its timeout, and from then on it runs on a lane's
//! thread while other tests still run inline.
//! A test slowed down only once (a busy machine) runs inline again after a quick run on a
//! lane's thread.

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
fn a_test_holding_the_worker_is_timed_out_and_then_runs_on_a_lane_s_thread() {
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

    // The test's thread returns (at 600 ms) before the next runs.
    std::thread::sleep(Duration::from_millis(700));

    // Other tests still run inline: with the only blocking thread held, the run finishes.
    let held_thread = hold_blocking_thread(&runtime);
    let (report, _) = run_in_task(&runtime, &runner, vec![&AFTER]);
    assert_eq!(report.counts().passed, 1, "{report:?}");
    drop(held_thread);

    // The test that held the worker goes to a lane's thread: with the only one held, it
    // waits for it.
    let letting_go = let_go_later(hold_blocking_thread(&runtime));
    let (report, took) = run_in_task(&runtime, &runner, vec![&HOLDS]);
    letting_go.join().unwrap();
    assert_eq!(report.tests[0].outcome, Outcome::TimedOut, "{report:?}");
    assert!(
        took >= HELD,
        "the test that held a worker ran inline again: {took:?}"
    );
}

/// Holds its thread 5 ms the first time only, as a test does on a machine busy enough to
/// keep its worker from it.
fn slow_once(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    static SLOWED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    Box::pin(async move {
        run_body(&ctx, async {
            if !SLOWED.swap(true, std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(())
        })
        .await
    })
}

static SLOW_ONCE: TestDescriptor =
    TestDescriptor::new("slow_once", "inline_lane_held", file!(), 1, slow_once);

#[test]
fn a_test_held_up_once_runs_inline_again_after_a_quick_run_on_a_lane_s_thread() {
    let _turn = one_at_a_time();
    let runtime = runtime(2);
    let runner = Runner::builder().build();
    // Held up on the worker: marked.
    let (report, _) = run_in_task(&runtime, &runner, vec![&SLOW_ONCE]);
    assert_eq!(report.counts().passed, 1, "{report:?}");
    // So it runs on a lane's thread, quickly.
    let letting_go = let_go_later(hold_blocking_thread(&runtime));
    let (report, took) = run_in_task(&runtime, &runner, vec![&SLOW_ONCE]);
    letting_go.join().unwrap();
    assert_eq!(report.counts().passed, 1, "{report:?}");
    assert!(
        took >= HELD - Duration::from_millis(50),
        "it ran inline: {took:?}"
    );
    // And then on the worker again: the blocking thread held, the run finishes.
    let held_thread = hold_blocking_thread(&runtime);
    let (report, took) = run_in_task(&runtime, &runner, vec![&SLOW_ONCE]);
    assert_eq!(report.counts().passed, 1, "{report:?}");
    assert!(took < HELD, "{took:?}");
    drop(held_thread);
}
