//! Lanes: the plain tests of a run (no suite, no prerequisites, not `serial`, no run-wide
//! hooks) run one after another on a blocking thread, each polled once where it stands.
//!
//! Handing each test to a task or a blocking thread of its own costs microseconds, far
//! more than a smoke test that checks a setting. So a lane takes the run's plain tests
//! from a shared queue and runs each on its own thread:
//!
//! - a sync body (and its cleanups) runs right there instead of on a blocking thread of
//!   its own (see [`on_lane`]);
//! - an async test is polled once; when it has to wait (on I/O, a timer), it is handed to
//!   a task of its own and the lane goes on to the next test.
//!
//! Each lane has a watchdog: the run's task, which looks at its lanes each tick while it
//! waits for their reports (a task of the lane's own if the run's is dropped first):
//!
//! - At the running test's deadline (its timeout, plus the tear-down grace once it is
//!   tearing down) the watchdog reports it timed out, marks it blocked until its thread
//!   returns, and starts a fresh lane for the tests still queued. The stuck thread takes
//!   no further test.
//! - When one test has held the lane for a whole tick, the tests probably wait on I/O:
//!   the watchdog starts more lanes, up to the run's concurrency, so slow sync tests run
//!   side by side as before.
//!
//! A lane holds one of the run's permits while it takes tests, and a test handed to a
//! task takes the lane's permit with it, so concurrency limits and `serial` tests are
//! kept as for tests started one by one.
//!
//! A run's first lane may instead be a task on the worker that started the run, while its
//! tests finish on their first poll, within bounds that keep the host's workers free: see
//! [`inline`].

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, OwnedSemaphorePermit, TryAcquireError};
use tracing::{Instrument, Span};

use crate::blocking::Blocked;
use crate::context::{lock, Context, CurrentGuard};
use crate::descriptor::TestDescriptor;
use crate::error::SmokeResult;
use crate::panic::CatchUnwind;
use crate::schedule::{Schedule, DEADLINE_PASSED};
use crate::{Outcome, TestReport};

mod inline;
mod watch;

pub(crate) use watch::Lanes;

/// How long one test may hold a lane before the watchdog spreads the queue over more
/// lanes; also how long a finished test's report may wait in the lane's batch.
const TICK: Duration = Duration::from_millis(1);

/// How many reports a lane sends at once (and the watchdog each tick, whatever there is):
/// a run of fewer tests that finishes within a tick wakes the run once, at its end.
const BATCH: usize = 1024;

/// Whether a test may run on a lane: the tests whose start needs nothing but a permit.
pub(crate) fn eligible(schedule: &Schedule, test: &TestDescriptor) -> bool {
    test.suite.is_none()
        && test.requires.is_empty()
        && !test.serial
        && schedule.runner.hooks.0.is_empty()
}

/// Runs `tests` on lanes: one to start with (on this worker when it may, see
/// [`inline`]), more when tests turn out slow.
pub(crate) fn start(schedule: &Arc<Schedule>, tests: Vec<&'static TestDescriptor>) {
    let queue = Arc::new(Queue {
        schedule: Arc::downgrade(schedule),
        concurrency: schedule.runner.config.concurrency,
        tests,
        next: AtomicUsize::new(0),
        lanes: AtomicUsize::new(0),
    });
    // A queue whose first test is left to lanes' threads starts on one.
    let first_inline = queue
        .tests
        .first()
        .is_some_and(|&test| !inline::marked(test));
    match first_inline.then(inline::Inline::claim).flatten() {
        Some(leave) => {
            queue.lanes.fetch_add(1, Ordering::SeqCst);
            let lane = queue.lane(schedule, Some(leave.until));
            tokio::spawn(async move { lane.run(Some(leave)) });
        }
        None => queue.add_lanes(1),
    }
}

/// The tests the lanes of one run share.
struct Queue {
    /// The run's schedule, kept alive by the lanes taking tests: a thread left to a test
    /// that timed out must not keep the run open.
    schedule: Weak<Schedule>,
    concurrency: usize,
    tests: Vec<&'static TestDescriptor>,
    /// The next test to take.
    next: AtomicUsize,
    /// Lanes taking tests (an abandoned lane no longer counts).
    lanes: AtomicUsize,
}

impl Queue {
    fn remaining(&self) -> usize {
        self.tests
            .len()
            .saturating_sub(self.next.load(Ordering::Relaxed))
    }

    /// Starts up to `more` lanes, within the run's concurrency and the tests left.
    fn add_lanes(self: &Arc<Self>, more: usize) {
        let Some(schedule) = self.schedule.upgrade() else {
            return;
        };
        for _ in 0..more {
            let lanes = self.lanes.load(Ordering::SeqCst);
            if lanes >= self.concurrency || self.remaining() == 0 {
                return;
            }
            if self
                .lanes
                .compare_exchange(lanes, lanes + 1, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
            {
                continue;
            }
            let lane = self.lane(&schedule, None);
            tokio::task::spawn_blocking(move || lane.run(None));
        }
    }

    /// A new lane taking tests from this queue, watched by the run's task.
    /// `inline_until`: a task on this worker (see [`inline`]), taking tests until then.
    fn lane(
        self: &Arc<Self>,
        schedule: &Arc<Schedule>,
        inline_until: Option<Instant>,
    ) -> Arc<Lane> {
        let lane = Arc::new(Lane {
            queue: self.clone(),
            schedule: Mutex::new(Some(schedule.clone())),
            slot: Mutex::new(Slot::default()),
            in_sync_code: AtomicBool::new(false),
            inline_until,
            exited: Notify::new(),
            span: schedule.span.clone(),
        });
        schedule.lanes.add(lane.clone());
        lane
    }

    /// Spreads the queue over as many lanes as the concurrency allows.
    fn spread(self: &Arc<Self>) {
        self.add_lanes(self.remaining());
    }
}

/// The test a lane is running, what the watchdog needs to report it.
struct Running {
    test: &'static TestDescriptor,
    ctx: Arc<Context>,
    span: Span,
    permit: OwnedSemaphorePermit,
    started: Instant,
}

impl Running {
    /// When the watchdog stops waiting: the test's deadline, and once it tears down, the
    /// grace after it.
    fn due(&self) -> Instant {
        let deadline = self.ctx.deadline();
        match self.ctx.phase() {
            Some(phase) if phase.is_tear_down() => {
                deadline.checked_add(self.ctx.grace()).unwrap_or(deadline)
            }
            _ => deadline,
        }
    }
}

#[derive(Default)]
struct Slot {
    /// Counts the tests the lane has started.
    token: u64,
    running: Option<Running>,
    /// Set when the watchdog reported the running test: the lane's thread is left to it.
    abandoned: bool,
    /// The test's blocked mark, dropped when its thread returns.
    blocked: Option<Blocked>,
    /// Reports of finished tests not yet sent: one send for many wakes the run once.
    pending: Vec<TestReport>,
    exited: bool,
    /// The token of the test the watchdog first saw running, and when.
    seen: Option<(u64, Instant)>,
}

impl Slot {
    /// Whether the lane takes no more tests and has no test of its run left to watch.
    fn done(&self) -> bool {
        self.exited || self.abandoned
    }

    /// Keeps a finished test's report for the next batch: the batch, once it is full. A
    /// new batch has room for the reports still to come (`left` at most), up to a full one.
    #[inline]
    fn keep(&mut self, report: TestReport, left: usize) -> Option<Vec<TestReport>> {
        if self.pending.capacity() == 0 {
            self.pending
                .reserve_exact(left.saturating_add(1).min(BATCH));
        }
        self.pending.push(report);
        (self.pending.len() >= BATCH).then(|| std::mem::take(&mut self.pending))
    }
}

struct Lane {
    queue: Arc<Queue>,
    /// The run's schedule while the lane takes tests; taken when it is abandoned.
    schedule: Mutex<Option<Arc<Schedule>>>,
    slot: Mutex<Slot>,
    /// Whether the running test is in sync code (its body or cleanups) rather than
    /// polling async code, for the watchdog's message.
    in_sync_code: AtomicBool,
    /// For a lane that is a task on a worker (see [`inline`]) rather than a thread: until
    /// when it takes tests.
    inline_until: Option<Instant>,
    exited: Notify,
    /// The run's span, for a watchdog task of the lane's own.
    span: Span,
}

thread_local! {
    /// The lane this thread is, while it is one.
    static LANE: RefCell<Option<Arc<Lane>>> = const { RefCell::new(None) };
}

/// Whether this thread is a lane's: sync code then runs right here, not on a blocking
/// thread of its own.
pub(crate) fn on_lane() -> bool {
    LANE.with(|lane| lane.borrow().is_some())
}

/// Runs sync code of the running test on this lane's thread, marked as such for the
/// watchdog.
pub(crate) fn sync_code<T>(f: impl FnOnce() -> T) -> T {
    let mark = |on: bool| {
        LANE.with(|lane| {
            if let Some(lane) = &*lane.borrow() {
                lane.in_sync_code.store(on, Ordering::Relaxed);
            }
        })
    };
    mark(true);
    let value = f();
    mark(false);
    value
}

/// Whether the test this lane's thread runs was already reported timed out.
pub(crate) fn abandoned() -> bool {
    LANE.with(|lane| {
        lane.borrow()
            .as_ref()
            .is_some_and(|lane| lane.slot().abandoned)
    })
}

/// What a lane carries from one test to the next.
#[derive(Default)]
struct Kept {
    /// The permit the lane's tests run under, while no test has taken it along.
    permit: Option<OwnedSemaphorePermit>,
    /// The context of the test that ran last, for the next when nothing holds it.
    spare: Option<Arc<Context>>,
    /// The run's schedule, carried from a test that ended to the next (never held while
    /// a test runs).
    schedule: Option<Arc<Schedule>>,
    /// When the test that ran last ended: the next one's start.
    ended: Option<Instant>,
}

/// The next test held an inline lane's worker before: a lane's thread takes it.
struct Marked;

enum Flow {
    Next,
    Stop,
    Abandoned,
    /// The inline lane stops here: a lane's thread takes the rest of the queue.
    Handoff,
}

impl Lane {
    /// Whether the lane takes no more tests and has no test of its run left to watch.
    fn done(&self) -> bool {
        self.slot().done()
    }

    /// Whether the lane is a task on a worker (see [`inline`]) rather than a thread.
    fn is_inline(&self) -> bool {
        self.inline_until.is_some()
    }

    fn slot(&self) -> MutexGuard<'_, Slot> {
        lock(&self.slot)
    }

    /// Keeps a finished test's report for the next batch; sends the batch once it is full.
    fn finished(&self, schedule: &Schedule, report: TestReport) {
        let full = self.slot().keep(report, self.queue.remaining());
        if let Some(batch) = full {
            schedule.send_settled(batch);
        }
    }

    /// Sends the reports waiting in the batch, if any.
    fn flush(&self) {
        let batch = std::mem::take(&mut self.slot().pending);
        if batch.is_empty() {
            return;
        }
        if let Some(schedule) = self.schedule() {
            schedule.send_settled(batch);
        }
    }

    /// The run's schedule, unless the lane was abandoned.
    fn schedule(&self) -> Option<Arc<Schedule>> {
        lock(&self.schedule).clone()
    }

    /// Takes the run's schedule from the lane: it no longer keeps the run open.
    fn take_schedule(&self) -> Option<Arc<Schedule>> {
        lock(&self.schedule).take()
    }

    /// The lane's thread (or, `inline`, its task): takes tests until the queue is empty.
    fn run(self: Arc<Self>, inline: Option<inline::Inline>) {
        if !self.is_inline() {
            LANE.with(|lane| *lane.borrow_mut() = Some(self.clone()));
        }
        let mut kept = Kept::default();
        let flow = loop {
            let test = match self.take() {
                Ok(Some(test)) => test,
                Ok(None) => break Flow::Next,
                Err(Marked) => break Flow::Handoff,
            };
            let Some(schedule) = kept.schedule.take().or_else(|| self.schedule()) else {
                break Flow::Abandoned;
            };
            match self.run_test(schedule, test, &mut kept) {
                Flow::Next => {}
                flow => break flow,
            }
        };
        drop(kept);
        if !self.is_inline() {
            LANE.with(|lane| lane.borrow_mut().take());
        }
        if !matches!(flow, Flow::Abandoned) {
            self.flush();
            self.queue.lanes.fetch_sub(1, Ordering::SeqCst);
            if matches!(flow, Flow::Handoff) {
                self.queue.add_lanes(1);
            }
            // The run ends once no lane holds its schedule.
            drop(self.take_schedule());
        }
        self.slot().exited = true;
        self.exited.notify_one();
        drop(inline);
    }

    /// The next test of the queue, `None` once it is empty. An inline lane leaves a test
    /// that held an inline lane's worker to a lane's thread (see [`inline`]).
    fn take(&self) -> Result<Option<&'static TestDescriptor>, Marked> {
        let next = &self.queue.next;
        if !self.is_inline() {
            let i = next.fetch_add(1, Ordering::Relaxed);
            return Ok(self.queue.tests.get(i).copied());
        }
        loop {
            let i = next.load(Ordering::Relaxed);
            let Some(&test) = self.queue.tests.get(i) else {
                return Ok(None);
            };
            if inline::marked(test) {
                return Err(Marked);
            }
            // Lanes the watchdog added may take tests meanwhile.
            if next
                .compare_exchange(i, i + 1, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
            {
                return Ok(Some(test));
            }
        }
    }

    fn run_test(
        self: &Arc<Self>,
        schedule: Arc<Schedule>,
        test: &'static TestDescriptor,
        kept: &mut Kept,
    ) -> Flow {
        // One reading of the clock for the deadline, the timeout and the start (the end
        // of the test before, when there was one).
        let mut now = kept.ended.take().unwrap_or_else(Instant::now);
        if let Some((outcome, why)) = schedule.why_not_start_at(now) {
            schedule.not_started(test, outcome, why);
            return Flow::Next;
        }
        let permit = match kept.permit.take() {
            Some(permit) => Ok(permit),
            None => schedule.permits.clone().try_acquire_owned(),
        };
        let permit = match permit {
            Ok(permit) => permit,
            Err(TryAcquireError::Closed) => return Flow::Stop,
            // An inline lane never blocks its worker: the test starts as tests outside
            // lanes do, and a lane's thread takes the rest.
            Err(TryAcquireError::NoPermits) if self.is_inline() => {
                tokio::spawn(schedule.clone().start(test, None));
                return Flow::Handoff;
            }
            Err(TryAcquireError::NoPermits) => match wait_for_permit(&schedule, test) {
                Some(permit) => {
                    now = Instant::now();
                    permit
                }
                None => return Flow::Next,
            },
        };
        let span = crate::trace::test_span(&schedule.span, test);
        if let Some(report) = crate::ending::still_blocked(test) {
            let mut report = report;
            schedule.end_test(span, &mut report);
            self.finished(&schedule, report);
            kept.permit = Some(permit);
            return Flow::Next;
        }
        let ctx = schedule.context(test, &span, kept.spare.take(), now);
        let started = now;
        let mut future = CatchUnwind((test.run)(ctx.clone()));
        {
            let mut slot = self.slot();
            slot.token += 1;
            slot.running = Some(Running {
                test,
                ctx: ctx.clone(),
                span: span.clone(),
                permit,
                started,
            });
        }
        // While the test runs, only the lane (not its thread) keeps the run open.
        drop(schedule);
        let polled = {
            // The context is current (and its span entered) for every step at once.
            let _current = CurrentGuard::enter(&ctx);
            Pin::new(&mut future).poll(&mut TaskContext::from_waker(Waker::noop()))
        };
        // `None` once the watchdog has taken the lane's schedule: it abandoned the lane.
        let schedule = self.schedule();
        let mut slot = self.slot();
        if slot.abandoned {
            let blocked = slot.blocked.take();
            drop(slot);
            drop(schedule);
            drop(future);
            drop(blocked);
            return Flow::Abandoned;
        }
        let running = slot
            .running
            .take()
            .expect("the running test stays in its slot until the lane or the watchdog ends it");
        let Some(schedule) = schedule else {
            return Flow::Abandoned;
        };
        match polled {
            Poll::Ready(outcome) => {
                let grace = schedule.runner.config.tear_down_grace;
                let ended = Instant::now();
                let took = ended.saturating_duration_since(started);
                let mut report = crate::ending::report_from(test, Ok(outcome), took, &ctx, grace);
                schedule.end_test(running.span, &mut report);
                // Kept for the next batch, in the lock taken anyway.
                let full = slot.keep(report, self.queue.remaining());
                drop(slot);
                if let Some(batch) = full {
                    schedule.send_settled(batch);
                }
                kept.permit = Some(running.permit);
                drop(running.ctx);
                drop(future);
                kept.spare = Some(ctx);
                kept.schedule = Some(schedule);
                kept.ended = Some(ended);
                match self.inline_until {
                    Some(until) if inline::stops_after(test, until, took, ended) => {
                        return Flow::Handoff;
                    }
                    Some(_) => {}
                    None => inline::ran_on_thread(test, took),
                }
            }
            Poll::Pending => {
                drop(slot);
                let span = running.span.clone();
                tokio::spawn(finish_later(schedule, running, future).instrument(span));
                // What waits goes on in its task; the inline lane stops at once, so that
                // the task runs, and leaves the test to lanes' threads from now on.
                if self.is_inline() {
                    inline::mark(test, inline::Mark::Waits);
                    return Flow::Handoff;
                }
            }
        }
        Flow::Next
    }
}

/// Waits for a permit when the run's concurrency is taken (by tests waiting on I/O, or a
/// `serial` test); `None` when the test was reported not started instead.
fn wait_for_permit(
    schedule: &Schedule,
    test: &'static TestDescriptor,
) -> Option<OwnedSemaphorePermit> {
    {
        let acquire = schedule.permits.clone().acquire_owned();
        let runtime = tokio::runtime::Handle::current();
        let permit = match schedule.deadline {
            Some(deadline) => {
                match runtime.block_on(tokio::time::timeout_at(deadline.into(), acquire)) {
                    Ok(permit) => permit,
                    Err(_) => {
                        schedule.not_started(test, Outcome::TimedOut, DEADLINE_PASSED);
                        return None;
                    }
                }
            }
            None => runtime.block_on(acquire),
        };
        let permit = permit.ok()?;
        if let Some((outcome, why)) = schedule.why_not_start() {
            drop(permit);
            schedule.not_started(test, outcome, why);
            return None;
        }
        Some(permit)
    }
}

/// The rest of a test that had to wait, on a task of its own, within its timeout and the
/// tear-down grace.
async fn finish_later(
    schedule: Arc<Schedule>,
    running: Running,
    future: CatchUnwind<dyn Future<Output = SmokeResult> + Send>,
) {
    let grace = schedule.runner.config.tear_down_grace;
    let limit = running.ctx.timeout().saturating_add(grace);
    let outcome = match running.started.checked_add(limit) {
        Some(end) => tokio::time::timeout_at(end.into(), future).await,
        None => Ok(future.await),
    };
    let report = crate::ending::report_from(
        running.test,
        outcome,
        running.started.elapsed(),
        &running.ctx,
        grace,
    );
    schedule.finish_test(running.span, report, Some(running.permit));
}
