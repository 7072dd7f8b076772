//! A lane's watchdog: at the running test's deadline it reports the test timed out and
//! leaves the lane's thread to it; when one test holds the lane for a tick it spreads the
//! queue over more lanes; and it sends the reports waiting in the lane's batch each tick.
//! The run's task does this for all its lanes ([`Lanes::watch`]) while it waits for
//! their reports; a lane outliving that task gets a watchdog task of its own.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tracing::Instrument;

use super::{Lane, TICK};
use crate::blocking::Blocked;
use crate::context::{lock, Context};
use crate::ending::report_of;
use crate::Outcome;

impl Lane {
    /// Reports the running test timed out, if it is still the one with `token`, and
    /// leaves this lane's thread to it. True when it did.
    fn claim(self: &Arc<Self>, token: u64) -> bool {
        let mut slot = self.slot();
        if slot.token != token || slot.abandoned {
            return false;
        }
        let Some(running) = slot.running.take() else {
            return false;
        };
        slot.abandoned = true;
        slot.blocked = Some(Blocked::enter(running.test, running.ctx.phase()));
        drop(slot);
        self.queue.lanes.fetch_sub(1, Ordering::SeqCst);
        let Some(schedule) = self.take_schedule() else {
            return true;
        };
        // What finished before it goes first.
        let earlier = std::mem::take(&mut self.slot().pending);
        if !earlier.is_empty() {
            schedule.send_settled(earlier);
        }
        let grace = schedule.runner.config.tear_down_grace;
        let message = self.why_timed_out(&running.ctx, grace);
        let report = report_of(
            running.test,
            Outcome::TimedOut,
            running.started.elapsed(),
            Some(message),
            None,
        );
        schedule.finish_test(running.span, report, Some(running.permit));
        // The rest of the queue goes on on a fresh thread.
        self.queue.add_lanes(1);
        true
    }
}

impl Lane {
    /// Why the watchdog reports the running test timed out: the part that did not return.
    fn why_timed_out(&self, ctx: &Context, grace: Duration) -> String {
        let timed_out = crate::body::timed_out(ctx).message().to_owned();
        match ctx.phase() {
            Some(phase) if phase.is_tear_down() => crate::ending::hung(ctx, grace),
            Some(phase) if phase.is_set_up() => format!(
                "{timed_out} while setting up: {phase} did not finish, so the test did not run"
            ),
            _ if self.in_sync_code.load(Ordering::Relaxed) => timed_out,
            _ => format!(
                "{timed_out}; its body was still running, holding its thread instead of \
                 awaiting: an async body that blocks its thread cannot be interrupted at its \
                 timeout; write blocking work as a sync test, or move it to spawn_blocking"
            ),
        }
    }
}

/// The lanes of one run, watched by the run's own task (see [`Lanes::watch`]) rather than
/// each by a task of its own: a task per lane would wake another worker each run.
#[derive(Default)]
pub(crate) struct Lanes {
    lanes: Mutex<Vec<Arc<Lane>>>,
    /// Whether a lane was added since the last look.
    added: AtomicBool,
}

impl Lanes {
    pub(super) fn add(&self, lane: Arc<Lane>) {
        lock(&self.lanes).push(lane);
        self.added.store(true, Ordering::Release);
    }

    /// Whether a lane was added since the last [`watch`](Self::watch): the run's task
    /// then looks at once, not after its next report.
    pub(crate) fn added(&self) -> bool {
        self.added.load(Ordering::Acquire)
    }

    /// Does each lane's watchdog work that is due, and forgets the lanes that are done:
    /// when to look again, if a lane still runs.
    pub(crate) fn watch(&self) -> Option<Instant> {
        self.added.store(false, Ordering::Release);
        let mut next: Option<Instant> = None;
        let mut done = false;
        // One lane at a time, the lock not held: looking at a lane may add lanes.
        for i in 0.. {
            let Some(lane) = lock(&self.lanes).get(i).cloned() else {
                break;
            };
            match check(&lane) {
                Some(wake) => next = Some(next.map_or(wake, |next| next.min(wake))),
                None => done = true,
            }
        }
        if done {
            lock(&self.lanes).retain(|lane| !lane.done());
        }
        next
    }

    /// Gives each lane still running a watchdog task of its own: the run's task that
    /// watched them is gone.
    pub(crate) fn orphan(&self) {
        let lanes = std::mem::take(&mut *lock(&self.lanes));
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        for lane in lanes.into_iter().filter(|lane| !lane.done()) {
            let span = lane.span.clone();
            runtime.spawn(watch(lane).instrument(span));
        }
    }
}

/// One look at a lane: sends the reports waiting in its batch, times out the test that
/// holds it past its deadline, and spreads the queue over more lanes when one test has
/// held it for a tick. When to look again; `None` once the lane is done.
fn check(lane: &Arc<Lane>) -> Option<Instant> {
    let now = Instant::now();
    let (token, running, waiting, held) = {
        let mut slot = lane.slot();
        if slot.done() {
            return None;
        }
        let running = slot.running.as_ref().map(|r| (r.due(), r.test));
        let token = slot.token;
        // The test running now already ran a tick ago.
        let held = match slot.seen {
            Some((seen, since)) if seen == token => now.duration_since(since) >= TICK,
            _ => {
                slot.seen = Some((token, now));
                false
            }
        };
        (token, running, !slot.pending.is_empty(), held)
    };
    // Reports wait at most a tick, whatever the lane runs meanwhile.
    if waiting {
        lane.flush();
    }
    if let Some((due, test)) = running {
        if now >= due && lane.claim(token) {
            return None;
        }
        if held {
            // The test seen holding an inline lane's worker is left to lanes' threads.
            if lane.is_inline() {
                super::inline::mark(test, super::inline::Mark::Held);
            }
            lane.queue.spread();
        }
    }
    Some(running.map_or(now + TICK, |(due, _)| due.min(now + TICK)))
}

/// A lane's watchdog task, for a lane whose run no longer watches it.
async fn watch(lane: Arc<Lane>) {
    while let Some(wake) = check(&lane) {
        let _ = tokio::time::timeout_at(wake.into(), lane.exited.notified()).await;
    }
}
