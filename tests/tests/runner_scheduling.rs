//! How the runner schedules: per-test and default timeouts, the overall deadline,
//! bounded concurrency, `serial`, sync tests on blocking threads, fail-fast.
//!
//! Timing is measured generously: a bound here only proves that a hanging test does not
//! hold the run, never how fast the runner is (the benchmark does that).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use smoke_runtime::prelude::*;
use smoke_runtime::{Outcome, Report, Runner, RunnerBuilder, Selection, TestReport};

fn find<'a>(report: &'a Report, name: &str) -> &'a TestReport {
    report
        .tests
        .iter()
        .find(|t| t.name.ends_with(&format!("::{name}")))
        .unwrap_or_else(|| panic!("no test {name} in {:#?}", report.tests))
}

fn message(t: &TestReport) -> &str {
    t.message.as_deref().unwrap_or("")
}

async fn run(builder: RunnerBuilder, filter: &str) -> Report {
    builder.build().run(&Selection::all().filter(filter)).await
}

/// Counts how many tests of a group run at once, and the most ever seen.
struct Gauge {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl Gauge {
    const fn new() -> Self {
        Gauge {
            now: AtomicUsize::new(0),
            max: AtomicUsize::new(0),
        }
    }

    /// Enters; returns how many run now, this one included.
    fn enter(&self) -> usize {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        now
    }

    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }
}

// ---- timeouts ---------------------------------------------------------------------------

mod timeouts {
    use super::*;

    #[smoke_test(timeout = "100ms")]
    async fn own_timeout_hangs() {
        std::future::pending::<()>().await;
    }

    #[smoke_test]
    async fn default_timeout_hangs() {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }

    #[smoke_test(timeout = "5s")]
    async fn own_timeout_beats_the_default() {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    pub static SYNC_CLEANED: AtomicBool = AtomicBool::new(false);

    #[smoke_test(timeout = "100ms")]
    fn sync_hangs() {
        add_cleanup(|| SYNC_CLEANED.store(true, Ordering::SeqCst));
        std::thread::sleep(Duration::from_millis(1500));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tests_time_out_at_their_own_or_the_default_timeout() {
    let start = Instant::now();
    let report = run(
        Runner::builder().default_timeout(Duration::from_millis(150)),
        "runner_scheduling::timeouts::",
    )
    .await;
    let elapsed = start.elapsed();

    let t = find(&report, "own_timeout_hangs");
    assert_eq!(
        (t.outcome, message(t)),
        (Outcome::TimedOut, "timed out after 100ms")
    );
    let t = find(&report, "default_timeout_hangs");
    assert_eq!(
        (t.outcome, message(t)),
        (Outcome::TimedOut, "timed out after 150ms")
    );
    let t = find(&report, "own_timeout_beats_the_default");
    assert_eq!(t.outcome, Outcome::Passed, "{t:?}");
    let t = find(&report, "sync_hangs");
    assert_eq!(
        (t.outcome, message(t)),
        (Outcome::TimedOut, "timed out after 100ms")
    );

    // The hanging sync test's thread sleeps 1.5 s; the run does not wait for it.
    assert!(elapsed < Duration::from_millis(1400), "{elapsed:?}");
    assert!(!timeouts::SYNC_CLEANED.load(Ordering::SeqCst));
    // Its cleanups run when its thread returns.
    let waited = Instant::now();
    while !timeouts::SYNC_CLEANED.load(Ordering::SeqCst) {
        assert!(
            waited.elapsed() < Duration::from_secs(10),
            "the cleanup never ran"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---- deadline ---------------------------------------------------------------------------

mod deadline {
    use super::*;

    #[smoke_test]
    async fn a_hangs() {
        std::future::pending::<()>().await;
    }

    #[smoke_test]
    fn b_hangs_sync() {
        std::thread::sleep(Duration::from_secs(2));
    }

    #[smoke_test]
    fn c_quick() {}
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deadline_ends_the_run_on_time() {
    let start = Instant::now();
    let report = run(
        Runner::builder().deadline(Duration::from_millis(300)),
        "runner_scheduling::deadline::",
    )
    .await;
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_millis(1800), "{elapsed:?}");
    assert!(report.time_ms < 1800.0, "{}", report.time_ms);
    assert_eq!(find(&report, "a_hangs").outcome, Outcome::TimedOut);
    assert_eq!(find(&report, "b_hangs_sync").outcome, Outcome::TimedOut);
    assert_eq!(find(&report, "c_quick").outcome, Outcome::Passed);
}

#[tokio::test(flavor = "multi_thread")]
async fn tests_not_started_by_the_deadline_are_timed_out_without_running() {
    let start = Instant::now();
    let report = run(
        Runner::builder()
            .concurrency(1)
            .deadline(Duration::from_millis(200)),
        "runner_scheduling::deadline::",
    )
    .await;
    assert!(
        start.elapsed() < Duration::from_millis(1800),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(find(&report, "a_hangs").outcome, Outcome::TimedOut);
    for name in ["b_hangs_sync", "c_quick"] {
        let t = find(&report, name);
        assert_eq!(
            (t.outcome, message(t)),
            (Outcome::TimedOut, "not started: the run's deadline passed"),
        );
    }
}

// ---- concurrency ------------------------------------------------------------------------

static BOUNDED: Gauge = Gauge::new();

macro_rules! gauged_tests {
    ($gauge:ident: $($name:ident)*) => {$(
        #[smoke_test]
        async fn $name() {
            super::$gauge.enter();
            tokio::time::sleep(Duration::from_millis(40)).await;
            super::$gauge.leave();
        }
    )*};
}

mod bounded {
    use super::*;
    gauged_tests!(BOUNDED: t01 t02 t03 t04 t05 t06 t07 t08 t09 t10 t11 t12 t13 t14 t15 t16);
}

#[tokio::test(flavor = "multi_thread")]
async fn no_more_tests_run_at_once_than_the_concurrency() {
    let report = run(
        Runner::builder().concurrency(3),
        "runner_scheduling::bounded::",
    )
    .await;
    assert_eq!(report.counts().passed, 16);
    let max = BOUNDED.max();
    assert!(max <= 3, "{max} ran at once");
    assert!(max >= 2, "the tests never overlapped ({max})");
}

static SERIAL: Gauge = Gauge::new();
static OVERLAPPED: AtomicBool = AtomicBool::new(false);

mod serial {
    use super::*;

    gauged_tests!(SERIAL: p01 p02 p03 p04 p05 p06 p07 p08 p09 p10);

    #[smoke_test(serial)]
    async fn alone_async() {
        if SERIAL.enter() != 1 {
            OVERLAPPED.store(true, Ordering::SeqCst);
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
        if SERIAL.now.load(Ordering::SeqCst) != 1 {
            OVERLAPPED.store(true, Ordering::SeqCst);
        }
        SERIAL.leave();
    }

    #[smoke_test(serial)]
    fn alone_sync() {
        if SERIAL.enter() != 1 {
            OVERLAPPED.store(true, Ordering::SeqCst);
        }
        std::thread::sleep(Duration::from_millis(60));
        if SERIAL.now.load(Ordering::SeqCst) != 1 {
            OVERLAPPED.store(true, Ordering::SeqCst);
        }
        SERIAL.leave();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_serial_test_never_overlaps_another() {
    let report = run(
        Runner::builder().concurrency(8),
        "runner_scheduling::serial::",
    )
    .await;
    assert_eq!(report.counts().passed, 12, "{:#?}", report.tests);
    assert!(
        !OVERLAPPED.load(Ordering::SeqCst),
        "a serial test ran beside another"
    );
    assert!(SERIAL.max() >= 2, "the other tests never overlapped");
}

static SYNC: Gauge = Gauge::new();

mod blocking {
    use super::*;

    macro_rules! sync_tests {
        ($($name:ident)*) => {$(
            #[smoke_test]
            fn $name() {
                super::SYNC.enter();
                std::thread::sleep(Duration::from_millis(150));
                super::SYNC.leave();
            }
        )*};
    }

    sync_tests!(s1 s2 s3 s4);
}

/// On a runtime with a single thread, blocking sync tests still overlap: each runs on a
/// blocking thread of its own, not on the runtime's thread.
#[tokio::test(flavor = "current_thread")]
async fn sync_tests_run_on_blocking_threads() {
    let report = run(
        Runner::builder().concurrency(4),
        "runner_scheduling::blocking::",
    )
    .await;
    assert_eq!(report.counts().passed, 4);
    assert!(
        SYNC.max() >= 2,
        "sync tests ran one at a time ({})",
        SYNC.max()
    );
}

// ---- fail-fast --------------------------------------------------------------------------

mod fail_fast {
    use super::*;

    #[smoke_test]
    fn a_fails() -> SmokeResult {
        assert_true!(false);
        Ok(())
    }

    #[smoke_test]
    fn b_passes() {}

    #[smoke_test]
    async fn c_passes() {}
}

#[tokio::test(flavor = "multi_thread")]
async fn fail_fast_stops_starting_tests_after_a_failure() {
    let filter = "runner_scheduling::fail_fast::";
    let report = run(Runner::builder().concurrency(1).fail_fast(true), filter).await;
    assert_eq!(find(&report, "a_fails").outcome, Outcome::Failed);
    for name in ["b_passes", "c_passes"] {
        let t = find(&report, name);
        assert_eq!(
            (t.outcome, message(t)),
            (
                Outcome::Skipped,
                "not run: an earlier test failed and the run is fail-fast"
            )
        );
    }
    assert_eq!(report.counts().run, 1);

    let report = run(Runner::builder().concurrency(1), filter).await;
    assert_eq!(report.counts().passed, 2);
    assert_eq!(report.counts().failed, 1);
}
