//! An async test without parameters as one future: its boxed future and the runner's
//! steps around it (the context current, panics caught, the deadline, the end).
//!
//! [`run_body`](crate::body::run_body) and [`finish`](crate::body::finish) do the same for
//! any test, as `async` functions around a body; for the most common shape of async test,
//! their layers of `async` state cost more than the test. [`Steps::poll`] is one plain
//! state machine, compiled once, here; the future around it is generic over the test's
//! returned type only (not over the test), so a crate's tests share it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use tokio::time::Sleep;

use crate::body::{finish, poll_scoped, timed_out, unless_late};
use crate::context::{Context, Phase};
use crate::deadline::poll_timer;
use crate::descriptor::BoxFuture;
use crate::error::{IntoSmokeResult, SmokeResult};
use crate::panic::install_panic_hook;

/// An async test without parameters: `test` is its future, made (not yet polled) by the
/// generated wrapper. It runs as [`run_body`](crate::body::run_body) then
/// [`finish`](crate::body::finish) run a test: until the test's deadline, with the context
/// current and panics caught, then its cleanups and soft failures.
pub fn async_fn<R: IntoSmokeResult + 'static>(
    ctx: Arc<Context>,
    test: BoxFuture<'static, R>,
) -> BoxFuture<'static, SmokeResult> {
    Box::pin(AsyncFn {
        ctx,
        test: Some(test),
        steps: Steps::default(),
    })
}

/// See [`async_fn`].
struct AsyncFn<R> {
    ctx: Arc<Context>,
    /// `None` once it returned or timed out: it is dropped before the test's end runs.
    test: Option<BoxFuture<'static, R>>,
    steps: Steps,
}

impl<R: IntoSmokeResult> Future for AsyncFn<R> {
    type Output = SmokeResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<SmokeResult> {
        let this = &mut *self;
        this.steps.poll(&this.ctx, cx, &mut this.test)
    }
}

/// The test's own future, as [`Steps`] drives it.
trait Body {
    /// Polls it, its output as the test's result.
    fn poll_body(&mut self, cx: &mut TaskContext<'_>) -> Poll<SmokeResult>;
    /// Drops it: it returned, or its time is up.
    fn end_body(&mut self);
}

impl<R: IntoSmokeResult> Body for Option<BoxFuture<'static, R>> {
    fn poll_body(&mut self, cx: &mut TaskContext<'_>) -> Poll<SmokeResult> {
        match self {
            Some(test) => test
                .as_mut()
                .poll(cx)
                .map(IntoSmokeResult::into_smoke_result),
            None => Poll::Pending,
        }
    }

    fn end_body(&mut self) {
        *self = None;
    }
}

/// Where an [`AsyncFn`] is: not started, running its body (with a timer once it has had to
/// wait), or running its end.
#[derive(Default)]
struct Steps {
    started: bool,
    timer: Option<Pin<Box<Sleep>>>,
    /// The cleanups and soft failures, when the test recorded any.
    end: Option<BoxFuture<'static, SmokeResult>>,
}

impl Steps {
    fn poll(
        &mut self,
        ctx: &Arc<Context>,
        cx: &mut TaskContext<'_>,
        body: &mut dyn Body,
    ) -> Poll<SmokeResult> {
        if let Some(end) = &mut self.end {
            return end.as_mut().poll(cx);
        }
        if !self.started {
            self.started = true;
            install_panic_hook();
            ctx.set_phase(Some(Phase::Body));
        }
        let due = ctx.deadline();
        // Like `deadline`: the body first, the timer (armed only now) after.
        let result = match poll_scoped(ctx, || body.poll_body(cx)) {
            Poll::Ready(result) => unless_late(ctx, due, result),
            Poll::Pending => match poll_timer(&mut self.timer, due, cx) {
                Poll::Ready(()) => Err(timed_out(ctx)),
                Poll::Pending => return Poll::Pending,
            },
        };
        body.end_body();
        self.timer = None;
        // Without a fixture, a cleanup or a soft failure there is nothing more to do.
        if !ctx.recorded() {
            ctx.set_phase(None);
            return Poll::Ready(result);
        }
        let ctx = ctx.clone();
        let end = self
            .end
            .insert(Box::pin(async move { finish(&ctx, result, ()).await }));
        end.as_mut().poll(cx)
    }
}
