//! The first lane of a run on the runtime's own worker, while its tests finish at once.
//!
//! Handing a run's tests to a blocking thread costs two wakes of other threads: the
//! worker wakes the lane's thread, and the lane's thread wakes the worker back with the
//! reports. For tests that finish on their first poll (a check of a setting, a lookup in
//! memory) those wakes cost more than the tests. So a run's first lane may be a task on
//! the worker that started the run, polling its tests there, under these bounds:
//!
//! - **Only what finishes at once.** Sync code never runs there: a sync body goes to a
//!   blocking thread as it does outside lanes. The first test that has to wait (on I/O, a
//!   timer, a sync body's thread) goes to a task of its own, and the rest of the queue to
//!   a lane's thread, as for any run.
//! - **A tick at most.** After a [`TICK`] of tests, a lane's thread takes the rest of the
//!   queue: a long run of quick tests does not keep the worker from the host's tasks.
//! - **One worker at most, never the last.** A lane runs inline only on a multi-threaded
//!   runtime, and at most one fewer inline lanes run at once than the runtime has
//!   workers, so the host's routes always have a worker, whatever a test does. They are
//!   counted for the whole process: with several runtimes the bound is only stricter.
//! - **Once.** An async test that holds its thread instead of awaiting is a bug the runner
//!   reports. When a test holds the worker for a [`TICK`] (seen by the watchdog while it
//!   runs, or by the lane when it returns), no lane of the process runs inline again: such
//!   a test can hold a worker once, and never again.
//!
//! The watchdog is the run's task as for every lane: it reports a test that holds the
//! inline lane past its timeout, and moves the rest of the queue to a lane's thread.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::runtime::{Handle, RuntimeFlavor};

use super::TICK;

/// Inline lanes running now, in the whole process.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Set once a test held the worker of an inline lane for a tick.
static OFF: AtomicBool = AtomicBool::new(false);

/// How long one test may hold an inline lane's worker before lanes stop running inline.
const HOLD_LIMIT: Duration = TICK;

/// How long an inline lane takes tests before a lane's thread takes the rest.
const BUDGET: Duration = TICK;

/// Leave to run one lane inline, from when it was given: given back when dropped.
pub(super) struct Inline {
    pub(super) since: Instant,
}

impl Inline {
    /// Leave to run a lane on this runtime's worker, if the bounds allow one more.
    pub(super) fn claim() -> Option<Inline> {
        if OFF.load(Ordering::Relaxed) {
            return None;
        }
        let handle = Handle::try_current().ok()?;
        if handle.runtime_flavor() != RuntimeFlavor::MultiThread {
            return None;
        }
        let workers = handle.metrics().num_workers();
        let mut running = RUNNING.load(Ordering::Relaxed);
        loop {
            // One worker always stays free for the host.
            if running + 1 >= workers {
                return None;
            }
            match RUNNING.compare_exchange_weak(
                running,
                running + 1,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Some(Inline {
                        since: Instant::now(),
                    })
                }
                Err(now) => running = now,
            }
        }
    }
}

impl Drop for Inline {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Whether an inline lane taking tests since `since` stops after a test that took `took`
/// and ended at `ended`. A test that held the worker for [`HOLD_LIMIT`] also stops every
/// lane from running inline again.
pub(super) fn stops_after(since: Instant, took: Duration, ended: Instant) -> bool {
    if took >= HOLD_LIMIT {
        held_too_long();
        return true;
    }
    ended.saturating_duration_since(since) >= BUDGET
}

/// A test held an inline lane's worker for [`HOLD_LIMIT`]: no lane runs inline again.
pub(super) fn held_too_long() {
    OFF.store(true, Ordering::Relaxed);
}
