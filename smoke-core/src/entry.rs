//! What a generated test wrapper calls: one function per shape of test, generic only over
//! the fixtures `S` and the returned type `R`, so that the per-test code is a one-line
//! wrapper (and, for tests that take fixtures or are async with parameters, a body `fn`
//! that borrows them). The machinery that sets up, times, catches and tears down is
//! compiled once per `(S, R)`, and for the shapes most tests have (no fixtures, returning
//! `()` or `SmokeResult`) once here, in this crate: debug builds, which share generic
//! instances between crates, then compile none of it again in the tests' crate.
//!
//! Each one runs as [`async_test`](super::async_test) and [`sync_test`](super::sync_test)
//! do: [`set_up`](super::set_up) (when there are fixtures to set up), then
//! [`run_body`](super::run_body) (async) or [`run_sync`](super::run_sync) (on a blocking
//! thread), then [`finish`](super::finish). An async test without parameters, the most
//! common shape, is [`async_fn`](super::async_fn): the same steps as one plain state
//! machine around its boxed future.

use std::sync::Arc;
use std::time::Duration;

use crate::body::{finish, run_body, run_sync, set_up};
use crate::context::Context;
use crate::descriptor::BoxFuture;
use crate::error::{IntoSmokeResult, SmokeResult};
use crate::fixture::FixtureSet;

/// The body of an async test that takes fixtures (or the context): borrows them for as
/// long as its future runs. The future is the test function's own, boxed.
pub type AsyncFixtureBody<S, R> = for<'a> fn(&'a mut S, &'a Context) -> BoxFuture<'a, R>;

/// The body of a sync test that takes fixtures: calls the test function with them.
pub type SyncFixtureBody<S, R> = fn(&mut S, &Context) -> R;

/// A duration argument (`timeout = "..."`), read in milliseconds at compile time, as the
/// descriptor holds it.
pub const fn millis(ms: u64) -> Option<Duration> {
    Some(Duration::from_millis(ms))
}

/// A sync test without parameters: `fn name() -> R`, called on a blocking thread.
pub fn sync_fn<R: IntoSmokeResult + 'static>(
    ctx: Arc<Context>,
    test: fn() -> R,
) -> BoxFuture<'static, SmokeResult> {
    // Without fixtures there is nothing to set up.
    Box::pin(run_sync(ctx, (), move |_, _| test().into_smoke_result()))
}

/// A sync test that takes the context only: `fn name(ctx: &Context) -> R`.
pub fn sync_ctx_fn<R: IntoSmokeResult + 'static>(
    ctx: Arc<Context>,
    test: fn(&Context) -> R,
) -> BoxFuture<'static, SmokeResult> {
    Box::pin(run_sync(ctx, (), move |_, ctx| {
        test(ctx).into_smoke_result()
    }))
}

/// A sync test that takes fixtures (or is a suite's method): `body` borrows them out of
/// the state `S` and calls the test.
pub fn sync_body<S: FixtureSet, R: IntoSmokeResult + 'static>(
    ctx: Arc<Context>,
    body: SyncFixtureBody<S, R>,
) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        let state = set_up::<S>(&ctx).await?;
        run_sync(ctx, state, move |state, ctx| {
            body(state, ctx).into_smoke_result()
        })
        .await
    })
}

/// An async test that takes fixtures or the context (or is a suite's method): `body`
/// borrows them out of the state `S` and returns the test's future. It is called inside
/// the body's timeout, with panics caught (a by-value fixture's `clone` runs there).
pub fn async_body<S: FixtureSet, R: IntoSmokeResult + 'static>(
    ctx: Arc<Context>,
    body: AsyncFixtureBody<S, R>,
) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        let mut state = set_up::<S>(&ctx).await?;
        let run = async { body(&mut state, &ctx).await.into_smoke_result() };
        let result = run_body(&ctx, run).await;
        finish(&ctx, result, state).await
    })
}

/// The instances most tests use, compiled in this crate: a debug build of the tests' crate
/// links to these instead of compiling its own (rustc shares generic instances between
/// crates when it does not optimize); an optimized build compiles its own, as it does for
/// any other `S` and `R`. Never called: naming them here is what compiles them.
pub fn common_instances() -> [*const (); 8] {
    [
        sync_fn::<()> as *const (),
        sync_fn::<SmokeResult> as *const (),
        sync_ctx_fn::<()> as *const (),
        sync_ctx_fn::<SmokeResult> as *const (),
        crate::async_fn::async_fn::<()> as *const (),
        crate::async_fn::async_fn::<SmokeResult> as *const (),
        async_body::<(), ()> as *const (),
        async_body::<(), SmokeResult> as *const (),
    ]
}
