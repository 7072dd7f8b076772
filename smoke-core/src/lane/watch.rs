//! A lane's watchdog: at the running test's deadline it reports the test timed out and
//! leaves the lane's thread to it; when one test holds the lane for a tick it spreads the
//! queue over more lanes; and it sends the reports waiting in the lane's batch each tick.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use super::{Lane, Running, TICK};
use crate::blocking::Blocked;
use crate::context::Context;
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
        let taken = self
            .schedule
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(schedule) = taken else {
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

/// A lane's watchdog: times out the test that holds the lane past its deadline, and
/// spreads the queue over more lanes when a test holds it for a tick.
pub(super) async fn watch(lane: Arc<Lane>) {
    let mut seen = None;
    loop {
        let (token, due, waiting) = {
            let slot = lane.slot();
            if slot.exited || slot.abandoned {
                return;
            }
            let due = slot.running.as_ref().map(Running::due);
            (slot.token, due, !slot.pending.is_empty())
        };
        // Reports wait at most a tick, whatever the lane runs meanwhile.
        if waiting {
            lane.flush();
        }
        let now = Instant::now();
        if let Some(due) = due {
            if now >= due && lane.claim(token) {
                return;
            }
            if seen == Some(token) {
                lane.queue.spread();
            }
        }
        seen = Some(token);
        let wake = due.map_or(now + TICK, |due| due.min(now + TICK));
        let _ = tokio::time::timeout_at(wake.into(), lane.exited.notified()).await;
    }
}
