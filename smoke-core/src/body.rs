//! Running a test's body: under its timeout, with panics caught, sync bodies on blocking
//! threads; then its cleanups and fixture tear-downs. Generated wrappers call these.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use crate::context::CurrentGuard;
use crate::fixture::{combine, FixtureSet};
use crate::{Context, ErrorKind, Location, SmokeError, SmokeResult, TestDescriptor};

/// Runs an async body: the context is current while it is polled, a panic becomes an
/// error (or a failure, for std's `assert!` family), and it is dropped at the timeout.
pub async fn run_body<F>(ctx: &Arc<Context>, body: F) -> SmokeResult
where
    F: Future<Output = SmokeResult> + Send,
{
    install_panic_hook();
    let scoped = Scoped {
        ctx: ctx.clone(),
        body: Box::pin(body),
    };
    let start = Instant::now();
    match tokio::time::timeout(ctx.timeout(), scoped).await {
        // A body that blocks its thread is never interrupted by the timer; it is still
        // late when it finally returns.
        Ok(result) if start.elapsed() > ctx.timeout() => {
            let mut late = timed_out(ctx);
            late.append(&format!(
                "it returned only after {}: an async body that blocks its thread instead of \
                 awaiting cannot be interrupted at its timeout; write blocking work as a sync \
                 test, or move it to spawn_blocking",
                humantime::format_duration(Duration::from_millis(
                    start.elapsed().as_millis() as u64
                ))
            ));
            combine(Err(late), result)
        }
        Ok(result) => result,
        Err(_) => Err(timed_out(ctx)),
    }
}

/// Runs a sync body on a blocking thread with `state` (the fixtures, and for suites the
/// suite value), then the cleanups and `state`'s tear-down.
///
/// At the timeout the test is reported as timed out at once; the thread cannot be
/// stopped, so the cleanups and tear-down run when it returns.
pub async fn run_sync<S, B>(ctx: Arc<Context>, mut state: S, body: B) -> SmokeResult
where
    S: FixtureSet,
    B: FnOnce(&mut S, &Context) -> SmokeResult + Send + 'static,
{
    install_panic_hook();
    let thread_ctx = ctx.clone();
    let handle = tokio::task::spawn_blocking(move || {
        let _current = CurrentGuard::enter(&thread_ctx);
        let result = catch_unwind(AssertUnwindSafe(|| body(&mut state, &thread_ctx)))
            .unwrap_or_else(|payload| Err(panic_error(&thread_ctx, payload)));
        (result, state)
    });
    let mut handle = handle;
    match tokio::time::timeout(ctx.timeout(), &mut handle).await {
        Ok(Ok((result, state))) => finish(&ctx, result, state.tear_down_all()).await,
        Ok(Err(join)) => Err(SmokeError::error(format!(
            "the test's thread failed: {join}"
        ))),
        Err(_) => {
            let timed_out = timed_out(&ctx);
            let blocked = Blocked::enter(ctx.descriptor());
            tokio::spawn(async move {
                if let Ok((_, state)) = handle.await {
                    // The test was reported as timed out long ago: what its body and its
                    // expectations said no longer counts, and a cleanup or tear-down that
                    // fails now can only be told on stderr.
                    ctx.take_soft_failures();
                    if let Err(late) = finish(&ctx, Ok(()), state.tear_down_all()).await {
                        eprintln!(
                            "smoke: {} timed out earlier; when its thread returned, its \
                             cleanups and tear-down said: {}",
                            ctx.full_name(),
                            late.message()
                        );
                    }
                }
                drop(blocked);
            });
            Err(timed_out)
        }
    }
}

/// Sync tests whose thread is still running after they timed out, by descriptor address,
/// with when that happened. The runner does not start such a test again until its thread
/// returns, so a hung test cannot pile up blocked threads run after run.
static BLOCKED: Mutex<Vec<(usize, Instant)>> = Mutex::new(Vec::new());

fn key(test: &'static TestDescriptor) -> usize {
    test as *const TestDescriptor as usize
}

/// When the thread of an earlier, timed-out run of `test` is still blocked: since when.
pub fn still_blocked(test: &'static TestDescriptor) -> Option<Instant> {
    let blocked = BLOCKED.lock().unwrap_or_else(PoisonError::into_inner);
    blocked
        .iter()
        .find(|(k, _)| *k == key(test))
        .map(|(_, since)| *since)
}

/// Marks a test's thread as blocked until dropped.
struct Blocked(usize);

impl Blocked {
    fn enter(test: &'static TestDescriptor) -> Self {
        let mut blocked = BLOCKED.lock().unwrap_or_else(PoisonError::into_inner);
        blocked.push((key(test), Instant::now()));
        Blocked(key(test))
    }
}

impl Drop for Blocked {
    fn drop(&mut self) {
        let mut blocked = BLOCKED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(i) = blocked.iter().position(|(k, _)| *k == self.0) {
            blocked.swap_remove(i);
        }
    }
}

/// After the body: runs the cleanups (last in, first out), then `tear_down`, and folds
/// in the soft failures the `expect_*` macros recorded.
pub async fn finish<T>(ctx: &Arc<Context>, result: SmokeResult, tear_down: T) -> SmokeResult
where
    T: Future<Output = SmokeResult>,
{
    let mut result = result;
    let soft = ctx.take_soft_failures();
    if !soft.is_empty() {
        let mut all = SmokeError::failure(format!("{} expectation(s) failed", soft.len()));
        for failure in &soft {
            all.append(&failure.to_string());
        }
        result = combine(result, Err(all));
    }
    for cleanup in ctx.take_cleanups() {
        let _current = CurrentGuard::enter(ctx);
        if let Err(payload) = catch_unwind(AssertUnwindSafe(cleanup)) {
            let err = panic_error(ctx, payload);
            result = combine(
                result,
                Err(SmokeError::error(format!("a cleanup panicked: {err}"))),
            );
        }
    }
    combine(result, tear_down.await)
}

/// The error of a test that ran out of time.
pub fn timed_out(ctx: &Context) -> SmokeError {
    SmokeError::new(
        ErrorKind::TimedOut,
        format!(
            "timed out after {}",
            humantime::format_duration(ctx.timeout())
        ),
    )
}

/// A caught panic as a test error: std's `assert!` family counts as a failure, any other
/// panic as an error. The location comes from the panic hook when it saw the panic.
pub fn panic_error(ctx: &Context, payload: Box<dyn Any + Send>) -> SmokeError {
    let message = panic_message(&*payload);
    let kind = if message.starts_with("assertion") {
        ErrorKind::Failure
    } else {
        ErrorKind::Error
    };
    let err = SmokeError::new(kind, format!("panicked: {message}"));
    match ctx.take_panic_location() {
        Some(Location { file, line }) => err.at(&file, line),
        None => err,
    }
}

/// The text of a panic's payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a non-string payload".to_owned())
}

/// A future with its panics caught: `Err(payload)` when polling it panicked.
pub(crate) struct CatchUnwind<F: ?Sized>(pub(crate) Pin<Box<F>>);

impl<F: Future + ?Sized> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

/// Installs, once, a panic hook that records where a smoke test panicked and keeps the
/// panic out of the host's stderr; panics outside smoke tests go to the previous hook.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| match Context::current() {
            Some(ctx) => {
                if let Some(at) = info.location() {
                    ctx.set_panic_location(Location {
                        file: at.file().to_owned(),
                        line: at.line(),
                    });
                }
            }
            None => previous(info),
        }));
    });
}

/// A future whose polls run with a test's context current and panics caught.
struct Scoped<'a> {
    ctx: Arc<Context>,
    body: Pin<Box<dyn Future<Output = SmokeResult> + Send + 'a>>,
}

impl Future for Scoped<'_> {
    type Output = SmokeResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<SmokeResult> {
        let this = &mut *self;
        let _current = CurrentGuard::enter(&this.ctx);
        match catch_unwind(AssertUnwindSafe(|| this.body.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => Poll::Ready(Err(panic_error(&this.ctx, payload))),
        }
    }
}
