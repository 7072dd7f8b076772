//! How the runner schedules: per-test and default timeouts, the overall deadline,
//! bounded concurrency, `serial`, sync tests on blocking threads, fail-fast.
//!
//! No assertion here depends on how fast the machine is: a test that "hangs" blocks at a
//! [`Gate`] opened only after `run()` has returned, so the run returning at all proves it did
//! not wait for that test; tests that must overlap wait for each other rather than sleep.
//! Waits are bounded (`guarded`, `OVERLAP_WAIT`) only so that a broken runner fails the test
//! instead of hanging it.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use smoke_runtime::prelude::*;
use smoke_runtime::{Outcome, Report, Runner, RunnerBuilder, Selection};
use smoke_tests::run::{find, message};

async fn run(builder: RunnerBuilder, filter: &str) -> Report {
    builder.build().run(&Selection::all().filter(filter)).await
}

/// How long anything here may take before it counts as hung.
const HANG_GUARD: Duration = Duration::from_secs(30);

/// Awaits `future`, failing the test if it has not finished within [`HANG_GUARD`].
async fn guarded<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(HANG_GUARD, future)
        .await
        .expect("did not finish: the run waited for a test that never ends")
}

/// A door that blocking tests wait at; only the test that ran them opens it.
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    const fn new() -> Self {
        Gate {
            open: Mutex::new(false),
            opened: Condvar::new(),
        }
    }

    /// Blocks the calling thread until the gate is opened.
    fn wait(&self) {
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.opened.wait(open).unwrap();
        }
    }

    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }
}

/// Opens its gate when dropped, so a failed assertion never leaves a thread blocked (the
/// tokio runtime waits for its blocking threads when it shuts down).
struct OpenOnDrop(&'static Gate);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// How long a test waits for another of its group to run beside it.
const OVERLAP_WAIT: Duration = Duration::from_secs(10);

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

    /// Whether two tests of the group have run at once yet; waits up to [`OVERLAP_WAIT`] for
    /// it.
    async fn overlapped(&self) -> bool {
        let start = Instant::now();
        while self.max() < 2 && start.elapsed() < OVERLAP_WAIT {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.max() >= 2
    }

    /// [`Gauge::overlapped`] for a sync test, which blocks its own thread while it waits.
    fn overlapped_blocking(&self) -> bool {
        let start = Instant::now();
        while self.max() < 2 && start.elapsed() < OVERLAP_WAIT {
            std::thread::sleep(Duration::from_millis(5));
        }
        self.max() >= 2
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
    pub static SYNC_GATE: Gate = Gate::new();

    #[smoke_test(timeout = "100ms")]
    fn sync_hangs() {
        add_cleanup(|| SYNC_CLEANED.store(true, Ordering::SeqCst));
        SYNC_GATE.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tests_time_out_at_their_own_or_the_default_timeout() {
    let _open = OpenOnDrop(&timeouts::SYNC_GATE);
    let report = guarded(run(
        Runner::builder().default_timeout(Duration::from_millis(150)),
        "runner_scheduling::timeouts::",
    ))
    .await;

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

    // The run has returned while the hanging sync test's thread is still blocked at its
    // gate: the run did not wait for it, and its cleanup has not run yet.
    assert!(!timeouts::SYNC_CLEANED.load(Ordering::SeqCst));
    // Its cleanups run when its thread returns.
    timeouts::SYNC_GATE.open();
    guarded(async {
        while !timeouts::SYNC_CLEANED.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

// ---- deadline ---------------------------------------------------------------------------

/// The same three tests twice, one module per runner test, each with its own gate.
macro_rules! deadline_tests {
    ($module:ident, $gate:ident) => {
        static $gate: Gate = Gate::new();

        mod $module {
            use super::*;

            #[smoke_test]
            async fn a_hangs() {
                std::future::pending::<()>().await;
            }

            #[smoke_test]
            fn b_hangs_sync() {
                super::$gate.wait();
            }

            #[smoke_test]
            fn c_quick() {}
        }
    };
}

deadline_tests!(deadline, DEADLINE_GATE);
deadline_tests!(deadline_unstarted, UNSTARTED_GATE);

#[tokio::test(flavor = "multi_thread")]
async fn the_deadline_ends_the_run_on_time() {
    let _open = OpenOnDrop(&DEADLINE_GATE);
    // Neither hanging test ever ends by itself; the run returning proves the deadline ended it.
    let report = guarded(run(
        Runner::builder().deadline(Duration::from_millis(300)),
        "runner_scheduling::deadline::",
    ))
    .await;
    assert_eq!(find(&report, "a_hangs").outcome, Outcome::TimedOut);
    assert_eq!(find(&report, "b_hangs_sync").outcome, Outcome::TimedOut);
    assert_eq!(find(&report, "c_quick").outcome, Outcome::Passed);
}

#[tokio::test(flavor = "multi_thread")]
async fn tests_not_started_by_the_deadline_are_timed_out_without_running() {
    let _open = OpenOnDrop(&UNSTARTED_GATE);
    let report = guarded(run(
        Runner::builder()
            .concurrency(1)
            .deadline(Duration::from_millis(200)),
        "runner_scheduling::deadline_unstarted::",
    ))
    .await;
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
            // Stays until another test of the group has run beside one, so that the runner
            // test's check of the overlap does not depend on how fast tests start.
            super::$gauge.overlapped().await;
            tokio::time::sleep(Duration::from_millis(5)).await;
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
                super::SYNC.overlapped_blocking();
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
