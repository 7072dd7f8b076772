//! `add_cleanup` (unittest's addCleanup): cleanups run after the test, last in first out,
//! whatever the ending: passed, failed, errored, panicked, timed out; sync or async; with
//! `ctx.add_cleanup` or the free `add_cleanup`.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use smoke_runtime::prelude::*;
use smoke_runtime::{Outcome, Report, Runner, Selection};

/// Set once the run of `endings` has returned; `times_out_sync` waits for it.
static RELEASE: Mutex<bool> = Mutex::new(false);
static RELEASED: Condvar = Condvar::new();

fn release() {
    *RELEASE.lock().unwrap() = true;
    RELEASED.notify_all();
}

/// `(test, cleanup number)` in the order the cleanups ran.
static RAN: Mutex<Vec<(&'static str, u32)>> = Mutex::new(Vec::new());

fn note(test: &'static str, n: u32) -> impl FnOnce() + Send + 'static {
    move || RAN.lock().unwrap().push((test, n))
}

/// Registers cleanups 1, 2, 3 for `test`, the first two through the context, the third
/// through the free function.
fn register(ctx: &Context, test: &'static str) {
    ctx.add_cleanup(note(test, 1));
    ctx.add_cleanup(note(test, 2));
    assert!(add_cleanup(note(test, 3)), "a test is running");
}

mod endings {
    use super::*;

    #[smoke_test]
    fn passes(ctx: &Context) {
        register(ctx, "passes");
    }

    #[smoke_test]
    async fn passes_async(ctx: &Context) {
        register(ctx, "passes_async");
        tokio::task::yield_now().await;
    }

    #[smoke_test]
    fn fails(ctx: &Context) -> SmokeResult {
        register(ctx, "fails");
        assert_equal!(1, 2);
        Ok(())
    }

    #[smoke_test]
    async fn errors_async(ctx: &Context) -> SmokeResult {
        register(ctx, "errors_async");
        Err(SmokeError::error("gone"))
    }

    #[smoke_test]
    fn panics(ctx: &Context) {
        register(ctx, "panics");
        panic!("boom");
    }

    #[smoke_test]
    async fn panics_async(ctx: &Context) {
        register(ctx, "panics_async");
        tokio::task::yield_now().await;
        panic!("boom");
    }

    #[smoke_test(timeout = "100ms")]
    async fn times_out_async(ctx: &Context) {
        register(ctx, "times_out_async");
        std::future::pending::<()>().await;
    }

    #[smoke_test(timeout = "100ms")]
    fn times_out_sync(ctx: &Context) {
        register(ctx, "times_out_sync");
        // Blocks until the runner test has its report, so it times out however slow the
        // machine is.
        let mut released = RELEASE.lock().unwrap();
        while !*released {
            released = RELEASED.wait(released).unwrap();
        }
    }

    #[smoke_test]
    fn expect_fails(ctx: &Context) {
        register(ctx, "expect_fails");
        expect_true!(false);
    }
}

/// Alone in its module, so the run of `endings` does not run it too.
mod panicking {
    use super::*;

    #[smoke_test]
    fn a_cleanup_panics(ctx: &Context) {
        ctx.add_cleanup(note("a_cleanup_panics", 1));
        ctx.add_cleanup(|| panic!("cleanup exploded")); // EXPLODES
        ctx.add_cleanup(note("a_cleanup_panics", 3));
    }
}

async fn run() -> Report {
    Runner::builder()
        .build()
        .run(&Selection::all().filter("runner_cleanup::endings::"))
        .await
}

fn ran_for(test: &str) -> Vec<u32> {
    RAN.lock()
        .unwrap()
        .iter()
        .filter(|(t, _)| *t == test)
        .map(|(_, n)| *n)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn cleanups_run_last_in_first_out_whatever_the_ending() {
    let report = run().await;
    // Before any assertion, so that a failing one does not leave the thread blocked.
    release();
    let outcome = |name: &str| {
        report
            .tests
            .iter()
            .find(|t| t.name.ends_with(&format!("::{name}")))
            .map(|t| t.outcome)
            .unwrap()
    };
    assert_eq!(outcome("passes"), Outcome::Passed);
    assert_eq!(outcome("fails"), Outcome::Failed);
    assert_eq!(outcome("errors_async"), Outcome::Errored);
    assert_eq!(outcome("panics"), Outcome::Errored);
    assert_eq!(outcome("panics_async"), Outcome::Errored);
    assert_eq!(outcome("times_out_async"), Outcome::TimedOut);
    assert_eq!(outcome("times_out_sync"), Outcome::TimedOut);
    assert_eq!(outcome("expect_fails"), Outcome::Failed);

    // A sync test past its timeout keeps its thread; its cleanups run when it returns.
    let start = Instant::now();
    while ran_for("times_out_sync").len() < 3 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "cleanups never ran"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    for test in [
        "passes",
        "passes_async",
        "fails",
        "errors_async",
        "panics",
        "panics_async",
        "times_out_async",
        "times_out_sync",
        "expect_fails",
    ] {
        assert_eq!(ran_for(test), [3, 2, 1], "cleanups of {test}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panicking_cleanup_errors_the_test_and_the_others_still_run() {
    let report = Runner::builder()
        .build()
        .run(&Selection::all().filter("runner_cleanup::panicking::"))
        .await;
    let t = &report.tests[0];
    assert_eq!(t.outcome, Outcome::Errored);
    let message = t.message.as_deref().unwrap_or("");
    assert_eq!(
        message,
        format!(
            "a cleanup panicked: panicked: cleanup exploded\n  at {}:{}",
            file!(),
            line_of_exploding_cleanup()
        )
    );
    assert_eq!(ran_for("a_cleanup_panics"), [3, 1]);
}

#[test]
fn outside_a_test_add_cleanup_runs_nothing_and_says_so() {
    assert!(!add_cleanup(|| panic!("must not run")));
}

fn line_of_exploding_cleanup() -> usize {
    let source = include_str!("runner_cleanup.rs");
    let marker = ["// EXPLO", "DES"].concat();
    source.lines().position(|l| l.ends_with(&marker)).unwrap() + 1
}
