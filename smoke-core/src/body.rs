//! Running a test's body: under its timeout, with panics caught, sync bodies on blocking
//! threads; then its cleanups and fixture tear-downs. Generated wrappers call
//! [`async_test`] / [`sync_test`], which put these together.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use crate::blocking::{sync_call, Blocked};
use crate::context::{Context, CurrentGuard, Phase};
use crate::deadline::deadline;
use crate::descriptor::BoxFuture;
use crate::error::{combine, ErrorKind, SmokeError, SmokeResult};
use crate::fixture::FixtureSet;
use crate::panic::{install_panic_hook, panic_error, panic_message};

/// The body of an async test: borrows the fixtures (and the suite's value) and the
/// context for as long as it runs.
pub type AsyncBody<S> = for<'a> fn(&'a mut S, &'a Context) -> BoxFuture<'a, SmokeResult>;

/// The body of a sync test, run on a blocking thread.
pub type SyncBody<S> = fn(&mut S, &Context) -> SmokeResult;

/// Runs an async test: sets up `S`, runs `body` under the test's timeout with panics
/// caught, then the cleanups and the tear-down of `S`.
///
/// Generic over the fixtures only, so it is compiled once per set of fixture types
/// rather than once per test.
pub fn async_test<S: FixtureSet>(
    ctx: Arc<Context>,
    body: AsyncBody<S>,
) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        let mut state = set_up::<S>(&ctx).await?;
        let result = run_body(&ctx, body(&mut state, &ctx)).await;
        finish(&ctx, result, state).await
    })
}

/// Runs a sync test: sets up `S`, runs `body` on a blocking thread, then the cleanups and
/// the tear-down of `S` (see [`run_sync`]).
pub fn sync_test<S: FixtureSet>(
    ctx: Arc<Context>,
    body: SyncBody<S>,
) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        let state = set_up::<S>(&ctx).await?;
        run_sync(ctx, state, body).await
    })
}

/// Sets up a test's fixtures (and a suite's value) before the test's deadline, with its
/// context current and panics caught: set-up counts against the test's timeout. When it
/// does not finish in time the error names the step that hung.
pub async fn set_up<S: FixtureSet>(ctx: &Arc<Context>) -> SmokeResult<S> {
    install_panic_hook();
    let scoped = Scoped {
        ctx,
        body: pin!(S::set_up_all(ctx)),
    };
    match deadline(ctx.deadline(), scoped).await {
        Ok(state) => state,
        Err(_) => {
            let what = ctx
                .phase()
                .map_or_else(|| "the set-up".to_owned(), |p| p.to_string());
            Err(SmokeError::new(
                ErrorKind::TimedOut,
                format!(
                    "timed out after {} while setting up: {what} did not finish, so the test \
                     did not run",
                    humantime::format_duration(ctx.timeout())
                ),
            ))
        }
    }
}

/// Runs an async body until the test's deadline: the context is current while it is
/// polled, a panic becomes an error (or a failure, for std's `assert!` family), and it is
/// dropped at the deadline.
pub async fn run_body<F>(ctx: &Arc<Context>, body: F) -> SmokeResult
where
    F: Future<Output = SmokeResult> + Send,
{
    install_panic_hook();
    ctx.set_phase(Some(Phase::Body));
    let scoped = Scoped {
        ctx,
        body: pin!(body),
    };
    let due = ctx.deadline();
    match deadline(due, scoped).await {
        Ok(result) => unless_late(ctx, due, result),
        Err(_) => Err(timed_out(ctx)),
    }
}

/// What an async body that returned `result` reports: `result`, or, when it returned after
/// its deadline `due`, that it timed out as well. A body that blocks its thread is never
/// interrupted by the timer; it is still late when it finally returns.
pub(crate) fn unless_late(ctx: &Context, due: Instant, result: SmokeResult) -> SmokeResult {
    let now = Instant::now();
    if now <= due {
        return result;
    }
    let mut late = timed_out(ctx);
    late.append(&format!(
        "it returned only after {}: an async body that blocks its thread instead of \
         awaiting cannot be interrupted at its timeout; write blocking work as a sync \
         test, or move it to spawn_blocking",
        humantime::format_duration(Duration::from_millis(
            ctx.timeout()
                .saturating_add(now.duration_since(due))
                .as_millis() as u64
        ))
    ));
    combine(Err(late), result)
}

/// Runs a sync body on a blocking thread with `state` (the fixtures, and for suites the
/// suite value), then the cleanups and `state`'s tear-down.
///
/// At the test's deadline it is reported as timed out at once; the thread cannot be
/// stopped, so the cleanups and tear-down run when it returns, and until then the runner
/// does not start the test again.
pub async fn run_sync<S, B>(ctx: Arc<Context>, state: S, body: B) -> SmokeResult
where
    S: FixtureSet,
    B: FnOnce(&mut S, &Context) -> SmokeResult + Send + 'static,
{
    install_panic_hook();
    ctx.set_phase(Some(Phase::Body));
    let mut state = state;
    let mut call = sync_call(&ctx, move |ctx| {
        let result = catch_unwind(AssertUnwindSafe(|| body(&mut state, ctx)))
            .unwrap_or_else(|payload| Err(panic_error(ctx, payload)));
        (result, state)
    });
    match deadline(ctx.deadline(), &mut call).await {
        // On a lane, the watchdog reported the test timed out while its body ran.
        Ok(Ok((_, state))) if crate::lane::abandoned() => {
            finish_late(&ctx, state).await;
            Err(timed_out(&ctx))
        }
        Ok(Ok((result, state))) => finish(&ctx, result, state).await,
        Ok(Err(panic)) => Err(SmokeError::error(format!(
            "the test's thread failed: {}",
            panic_message(&*panic)
        ))),
        Err(_) => {
            let timed_out = timed_out(&ctx);
            let blocked = Blocked::enter(ctx.descriptor(), Some(Phase::Body));
            let handle = call.detach();
            tokio::spawn(async move {
                if let Ok(Ok((_, state))) = handle.await {
                    finish_late(&ctx, state).await;
                }
                drop(blocked);
            });
            Err(timed_out)
        }
    }
}

/// The cleanups and tear-down of a test reported as timed out long before its thread
/// returned: what its body and its expectations said no longer counts, and a cleanup or
/// tear-down that fails now can only be told on stderr.
async fn finish_late<S: FixtureSet>(ctx: &Arc<Context>, state: S) {
    ctx.take_soft_failures();
    if let Err(late) = finish(ctx, Ok(()), state).await {
        ctx.warn(&format!(
            "smoke: {} timed out earlier; when its thread returned, its cleanups and \
             tear-down said: {}",
            ctx.full_name(),
            late.message()
        ));
    }
}

/// After the body: runs the cleanups (last in, first out, on a blocking thread), then
/// tears `state` down with the context current, and folds in the soft failures the
/// `expect_*` macros recorded.
pub async fn finish<S: FixtureSet>(
    ctx: &Arc<Context>,
    result: SmokeResult,
    state: S,
) -> SmokeResult {
    // No cleanup, no soft failure and nothing to tear down: nothing to do.
    if S::EMPTY && !ctx.recorded() {
        ctx.set_phase(None);
        return result;
    }
    let mut result = result;
    let soft = ctx.take_soft_failures();
    if !soft.is_empty() {
        let mut all = SmokeError::failure(format!("{} expectation(s) failed", soft.len()));
        for failure in &soft {
            all.append(&failure.to_string());
        }
        result = combine(result, Err(all));
    }
    let cleanups = ctx.take_cleanups();
    if !cleanups.is_empty() {
        ctx.set_phase(Some(Phase::Cleanups));
        let panics = sync_call(ctx, move |ctx| {
            cleanups
                .into_iter()
                .filter_map(|cleanup| catch_unwind(AssertUnwindSafe(cleanup)).err())
                .map(|payload| panic_error(ctx, payload))
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_else(|payload| vec![SmokeError::error(panic_message(&*payload))]);
        for err in panics {
            result = combine(
                result,
                Err(SmokeError::error(format!("a cleanup panicked: {err}"))),
            );
        }
    }
    let scoped = Scoped {
        ctx,
        body: pin!(state.tear_down_all(ctx)),
    };
    let torn_down = scoped.await;
    ctx.set_phase(None);
    combine(result, torn_down)
}

/// The error of a test that ran out of time.
pub(crate) fn timed_out(ctx: &Context) -> SmokeError {
    SmokeError::new(
        ErrorKind::TimedOut,
        format!(
            "timed out after {}",
            humantime::format_duration(ctx.timeout())
        ),
    )
}

/// A future whose polls run with a test's context current and panics caught.
struct Scoped<'a, F> {
    ctx: &'a Arc<Context>,
    body: Pin<&'a mut F>,
}

impl<T, F: Future<Output = SmokeResult<T>>> Future for Scoped<'_, F> {
    type Output = SmokeResult<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<SmokeResult<T>> {
        let this = &mut *self;
        poll_scoped(this.ctx, || this.body.as_mut().poll(cx))
    }
}

/// Runs `poll` (a poll of a test's code) with the test's context current and panics
/// caught: a panic is the test's error.
pub(crate) fn poll_scoped<T>(
    ctx: &Arc<Context>,
    poll: impl FnOnce() -> Poll<SmokeResult<T>>,
) -> Poll<SmokeResult<T>> {
    let _current = CurrentGuard::enter(ctx);
    match catch_unwind(AssertUnwindSafe(poll)) {
        Ok(poll) => poll,
        Err(payload) => Poll::Ready(Err(panic_error(ctx, payload))),
    }
}
