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
//!   a lane's thread, as for any run. Such a test is remembered: later runs hand the queue
//!   to a lane's thread before it (and start no inline lane when it comes first).
//! - **A tick at most.** After a [`TICK`] of tests, a lane's thread takes the rest of the
//!   queue: a long run of quick tests does not keep the worker from the host's tasks.
//! - **One worker at most, never the last.** A lane runs inline only on a multi-threaded
//!   runtime, and at most one fewer inline lanes run at once than the runtime has
//!   workers, so the host's routes always have a worker, whatever a test does. They are
//!   counted for the whole process: with several runtimes the bound is only stricter.
//! - **Not the tests that hold it.** An async test that holds its thread instead of
//!   awaiting is a bug the runner reports. A test that holds an inline lane's worker for a
//!   [`TICK`] (seen by the watchdog while it runs, or by the lane when it returns) is
//!   marked: an inline lane hands the queue to a lane's thread before it, until the test
//!   runs on a lane's thread within the tick again (it was only slowed down, by a busy
//!   machine). Such a test holds a worker once, however often it runs.
//!
//! The watchdog is the run's task as for every lane: it reports a test that holds the
//! inline lane past its timeout, and moves the rest of the queue to a lane's thread.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::runtime::{Handle, RuntimeFlavor};

use super::TICK;
use crate::context::lock;
use crate::descriptor::TestDescriptor;

/// Inline lanes running now, in the whole process.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// The tests (by address) an inline lane leaves to lanes' threads, and whether there is
/// one (read before each inline test, so that the map is locked only then).
static MARKED: Mutex<Option<HashMap<usize, Mark>>> = Mutex::new(None);
static ANY_MARKED: AtomicBool = AtomicBool::new(false);
/// How many of them are [`Mark::Held`] (read after each test on a lane's thread).
static HELD: AtomicUsize = AtomicUsize::new(0);

/// Why an inline lane leaves a test to lanes' threads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
    /// It had to wait (it is sync, or waits on I/O or a timer): for good.
    Waits,
    /// It held the worker for [`HOLD_LIMIT`]: until it runs on a lane's thread within it.
    Held,
}

/// How long one test may hold an inline lane's worker before it is marked.
const HOLD_LIMIT: Duration = TICK;

/// How long an inline lane takes tests before a lane's thread takes the rest.
const BUDGET: Duration = TICK;

/// Leave to run one lane inline, until its budget is spent: given back when dropped.
pub(super) struct Inline {
    pub(super) until: Instant,
}

impl Inline {
    /// Leave to run a lane on this runtime's worker, if the bounds allow one more.
    pub(super) fn claim() -> Option<Inline> {
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
                        until: Instant::now() + BUDGET,
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

/// Whether an inline lane taking tests until `until` stops after `test`, which took
/// `took` and ended at `ended`: after a tick of tests, or after a test that held the
/// worker for [`HOLD_LIMIT`] (which marks it).
pub(super) fn stops_after(
    test: &'static TestDescriptor,
    until: Instant,
    took: Duration,
    ended: Instant,
) -> bool {
    if took >= HOLD_LIMIT {
        mark(test, Mark::Held);
        return true;
    }
    ended >= until
}

/// Whether an inline lane leaves `test` to lanes' threads (see [`Mark`]).
pub(super) fn marked(test: &'static TestDescriptor) -> bool {
    ANY_MARKED.load(Ordering::Relaxed)
        && lock(&MARKED)
            .as_ref()
            .is_some_and(|marked| marked.contains_key(&address(test)))
}

/// From now on an inline lane leaves `test` to lanes' threads, for `why`.
pub(super) fn mark(test: &'static TestDescriptor, why: Mark) {
    let mut marked = lock(&MARKED);
    let marks = marked.get_or_insert_with(HashMap::new);
    match (marks.insert(address(test), why), why) {
        // Waiting is for good; holding the worker is not, once it has waited.
        (Some(Mark::Waits), Mark::Held) => {
            marks.insert(address(test), Mark::Waits);
        }
        (Some(Mark::Held), Mark::Waits) => {
            HELD.fetch_sub(1, Ordering::Relaxed);
        }
        (None, Mark::Held) => {
            HELD.fetch_add(1, Ordering::Relaxed);
        }
        _ => {}
    }
    ANY_MARKED.store(true, Ordering::Relaxed);
}

/// `test` ran on a lane's thread in `took`: when it held an inline lane's worker before
/// and ran within [`HOLD_LIMIT`] now, it may run inline again.
pub(super) fn ran_on_thread(test: &'static TestDescriptor, took: Duration) {
    if took >= HOLD_LIMIT || HELD.load(Ordering::Relaxed) == 0 {
        return;
    }
    let mut marked = lock(&MARKED);
    if let Some(marks) = marked.as_mut() {
        if marks.get(&address(test)) == Some(&Mark::Held) {
            marks.remove(&address(test));
            HELD.fetch_sub(1, Ordering::Relaxed);
        }
        ANY_MARKED.store(!marks.is_empty(), Ordering::Relaxed);
    }
}

fn address(test: &'static TestDescriptor) -> usize {
    test as *const TestDescriptor as usize
}
