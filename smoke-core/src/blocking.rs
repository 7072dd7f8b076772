//! Sync user code off the runtime's workers: a test's sync body, its `add_cleanup`
//! closures, a suite's sync `set_up` / `tear_down` / `set_up_suite` / `tear_down_suite`
//! each run on a blocking thread, so a call that never returns holds that thread only,
//! never a worker the host's own routes need.
//!
//! A blocking thread cannot be stopped. When the caller stops waiting for one (a timeout,
//! the run's deadline), the test is marked blocked until the thread returns, and the
//! runner does not start it again until then: a hung hook cannot pile up threads.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use tokio::task::JoinHandle;

use crate::context::{Context, CurrentGuard, Phase};
use crate::descriptor::TestDescriptor;
use crate::error::SmokeResult;
use crate::panic::{install_panic_hook, Panic, Quiet};

/// Runs `f` on a blocking thread with `ctx` current (so its panics are quiet and located,
/// and `add_cleanup` / `expect_*` work), its panic caught. On a lane's thread (see
/// [`crate::lane`]) it runs right away, on that thread: the lane's watchdog guards it.
///
/// Dropping the returned future before it is ready leaves the thread running and marks
/// the test blocked until it returns (see [`still_blocked`]).
pub(crate) fn sync_call<T, F>(ctx: &Arc<Context>, f: F) -> SyncCall<T>
where
    F: FnOnce(&Context) -> T + Send + 'static,
    T: Send + 'static,
{
    install_panic_hook();
    if crate::lane::on_lane() {
        let _current = CurrentGuard::enter(ctx);
        return SyncCall {
            handle: None,
            ready: Some(crate::lane::sync_code(|| {
                catch_unwind(AssertUnwindSafe(|| f(ctx)))
            })),
            ctx: None,
        };
    }
    let thread_ctx = ctx.clone();
    let handle = tokio::task::spawn_blocking(move || {
        let _current = CurrentGuard::enter(&thread_ctx);
        catch_unwind(AssertUnwindSafe(|| f(&thread_ctx)))
    });
    SyncCall {
        handle: Some(handle),
        ready: None,
        ctx: Some(ctx.clone()),
    }
}

/// Runs a suite-wide hook (`set_up_suite`, `tear_down_suite`) on a blocking thread, its
/// panic caught and kept off stderr, in the caller's `tracing` span (the test's that
/// started the suite, or the run's).
pub(crate) fn sync_hook<F>(f: F) -> SyncCall<SmokeResult>
where
    F: FnOnce() -> SmokeResult + Send + 'static,
{
    install_panic_hook();
    let span = tracing::Span::current();
    let handle = tokio::task::spawn_blocking(move || {
        let _span = span.enter();
        let _quiet = Quiet::enter();
        catch_unwind(AssertUnwindSafe(f))
    });
    SyncCall {
        handle: Some(handle),
        ready: None,
        ctx: None,
    }
}

/// The future of [`sync_call`]: the closure's value, or the payload of its panic.
pub(crate) struct SyncCall<T: Send + 'static> {
    handle: Option<JoinHandle<Result<T, Panic>>>,
    /// What `f` gave when it ran on the caller's thread (a lane's).
    ready: Option<Result<T, Panic>>,
    ctx: Option<Arc<Context>>,
}

impl<T: Send + 'static> SyncCall<T> {
    /// Stops tracking the thread: the caller takes over its handle (to act when it
    /// returns), and no blocked mark is left when this future is dropped.
    pub(crate) fn detach(mut self) -> JoinHandle<Result<T, Panic>> {
        self.handle
            .take()
            .expect("a SyncCall is detached once, before it is ready")
    }
}

// The value is only ever moved out whole, never pinned in place.
impl<T: Send + 'static> Unpin for SyncCall<T> {}

impl<T: Send + 'static> Future for SyncCall<T> {
    type Output = Result<T, Panic>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        if let Some(ready) = self.ready.take() {
            return Poll::Ready(ready);
        }
        let handle = self
            .handle
            .as_mut()
            .expect("a SyncCall is not polled after it is ready");
        match Pin::new(handle).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(joined) => {
                self.handle = None;
                Poll::Ready(joined.unwrap_or_else(|join| Err(Box::new(join.to_string()))))
            }
        }
    }
}

impl<T: Send + 'static> Drop for SyncCall<T> {
    fn drop(&mut self) {
        let (Some(handle), Some(ctx)) = (self.handle.take(), self.ctx.take()) else {
            return;
        };
        if handle.is_finished() {
            return;
        }
        let blocked = Blocked::enter(ctx.descriptor(), ctx.phase());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = handle.await;
                drop(blocked);
            });
        }
    }
}

/// Tests whose thread is still running after the runner stopped waiting for it, by
/// descriptor address: since when, and in which part of the test.
static BLOCKED: Mutex<Vec<(usize, Instant, Option<Phase>)>> = Mutex::new(Vec::new());

/// How many entries `BLOCKED` holds (changed under its lock): most runs have none, and
/// then asking about each test takes no lock.
static BLOCKED_COUNT: AtomicUsize = AtomicUsize::new(0);

fn key(test: &'static TestDescriptor) -> usize {
    test as *const TestDescriptor as usize
}

/// A test whose thread from an earlier run is still blocked.
#[derive(Clone, Debug)]
pub struct StillBlocked {
    /// When the runner stopped waiting for it.
    pub since: Instant,
    /// The part of the test the thread is in, when known.
    pub phase: Option<Phase>,
}

/// When a thread of an earlier run of `test` is still blocked: since when, and where.
pub fn still_blocked(test: &'static TestDescriptor) -> Option<StillBlocked> {
    if BLOCKED_COUNT.load(Ordering::Acquire) == 0 {
        return None;
    }
    let blocked = BLOCKED.lock().unwrap_or_else(PoisonError::into_inner);
    blocked
        .iter()
        .find(|(k, _, _)| *k == key(test))
        .map(|(_, since, phase)| StillBlocked {
            since: *since,
            phase: *phase,
        })
}

/// Marks a test's thread as blocked until dropped.
pub(crate) struct Blocked(usize);

impl Blocked {
    pub(crate) fn enter(test: &'static TestDescriptor, phase: Option<Phase>) -> Self {
        let mut blocked = BLOCKED.lock().unwrap_or_else(PoisonError::into_inner);
        blocked.push((key(test), Instant::now(), phase));
        BLOCKED_COUNT.store(blocked.len(), Ordering::Release);
        Blocked(key(test))
    }
}

impl Drop for Blocked {
    fn drop(&mut self) {
        let mut blocked = BLOCKED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(i) = blocked.iter().position(|(k, _, _)| *k == self.0) {
            blocked.swap_remove(i);
            BLOCKED_COUNT.store(blocked.len(), Ordering::Release);
        }
    }
}
