//! A `#[smoke_suite]` type as a fixture: its value built for each test by `set_up` (or
//! `Default`), torn down by `tear_down`, and its sync hooks run on blocking threads.

use std::sync::{Arc, Mutex, PoisonError};

use crate::blocking::{sync_call, sync_hook, SyncCall};
use crate::context::{Context, Phase};
use crate::descriptor::BoxFuture;
use crate::error::{combine, SmokeError, SmokeResult};
use crate::fixture::FixtureSet;
use crate::panic::{panic_message, CatchUnwind};

/// A `#[smoke_suite]` type: how a fresh value is built for each test and torn down after
/// it. Implemented by the macro from the type's `set_up` and `tear_down`.
pub trait Suite: Sized + Send + 'static {
    /// The suite's name in reports.
    const NAME: &'static str;

    /// `set_up()` (or `set_up(ctx)`), or `Default::default()` when the type has none. A
    /// sync `set_up` runs on a blocking thread ([`sync_set_up`]).
    fn __smoke_set_up(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult<Self>>;

    /// `tear_down(&mut self)`, or nothing. A sync `tear_down` runs on a blocking thread
    /// ([`sync_tear_down`]).
    fn __smoke_tear_down(self, ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult>;
}

/// A suite's sync `set_up`, on a blocking thread (never on a runtime worker).
pub fn sync_set_up<T: Send + 'static>(
    ctx: &Arc<Context>,
    set_up: impl FnOnce(&Context) -> SmokeResult<T> + Send + 'static,
) -> BoxFuture<'static, SmokeResult<T>> {
    resumed(sync_call(ctx, set_up))
}

/// A suite's sync `tear_down`, on a blocking thread (never on a runtime worker).
pub fn sync_tear_down(
    ctx: &Arc<Context>,
    tear_down: impl FnOnce(&Context) -> SmokeResult + Send + 'static,
) -> BoxFuture<'static, SmokeResult> {
    resumed(sync_call(ctx, tear_down))
}

/// A sync `set_up_suite` / `tear_down_suite`, on a blocking thread.
pub fn sync_suite_hook(
    hook: impl FnOnce() -> SmokeResult + Send + 'static,
) -> BoxFuture<'static, SmokeResult> {
    resumed(sync_hook(hook))
}

/// The blocking call's value; its panic resumes in the awaiting task, where the suite's
/// hooks are caught and reported as they are for async hooks.
fn resumed<T: Send + 'static>(call: SyncCall<T>) -> BoxFuture<'static, T> {
    Box::pin(async move {
        call.await
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// What a suite test runs on: the suite's value, then the test's fixtures. Set up in that
/// order, torn down in reverse (so `tear_down` runs last).
///
/// The value sits in a `Mutex` only so that the state is `Sync` whatever the suite type;
/// it is never locked (`parts` borrows it mutably).
pub struct SuiteState<T, F> {
    suite: Mutex<T>,
    fixtures: F,
}

impl<T, F> SuiteState<T, F> {
    /// The suite's value and the fixtures, for the test to borrow.
    pub fn parts(&mut self) -> (&mut T, &mut F) {
        (
            self.suite.get_mut().unwrap_or_else(PoisonError::into_inner),
            &mut self.fixtures,
        )
    }
}

impl<T: Suite, F: FixtureSet> FixtureSet for SuiteState<T, F> {
    async fn set_up_all(ctx: &Arc<Context>) -> SmokeResult<Self> {
        ctx.set_phase(Some(Phase::SuiteSetUp(T::NAME)));
        let suite = match CatchUnwind(T::__smoke_set_up(ctx.clone())).await {
            Ok(Ok(suite)) => suite,
            Ok(Err(e)) => return Err(prefixed(e, "set_up", T::NAME)),
            Err(panic) => {
                return Err(SmokeError::error(format!(
                    "set_up of {} panicked: {}",
                    T::NAME,
                    panic_message(&*panic)
                )))
            }
        };
        match F::set_up_all(ctx).await {
            Ok(fixtures) => Ok(SuiteState {
                suite: Mutex::new(suite),
                fixtures,
            }),
            Err(e) => Err(combine(Err(e), tear_down(suite, ctx).await).unwrap_err()),
        }
    }

    async fn tear_down_all(self, ctx: &Arc<Context>) -> SmokeResult {
        let rest = self.fixtures.tear_down_all(ctx).await;
        let suite = self
            .suite
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        combine(rest, tear_down(suite, ctx).await)
    }
}

async fn tear_down<T: Suite>(suite: T, ctx: &Arc<Context>) -> SmokeResult {
    ctx.set_phase(Some(Phase::SuiteTearDown(T::NAME)));
    match CatchUnwind(suite.__smoke_tear_down(ctx.clone())).await {
        Ok(result) => result.map_err(|e| prefixed(e, "tear_down", T::NAME)),
        Err(panic) => Err(SmokeError::error(format!(
            "tear_down of {} panicked: {}",
            T::NAME,
            panic_message(&*panic)
        ))),
    }
}

fn prefixed(e: SmokeError, hook: &str, suite: &str) -> SmokeError {
    let mut err = SmokeError::new(
        e.kind(),
        format!("{hook} of {suite} failed: {}", e.message()),
    );
    if let Some(at) = e.location() {
        err = err.at(&at.file, at.line);
    }
    err
}

/// A suite without `set_up` is built with `Default::default()`.
#[diagnostic::on_unimplemented(
    message = "the #[smoke_suite] type `{Self}` has no `set_up` and does not implement `Default`",
    label = "no `set_up`, and not `Default`",
    note = "add `fn set_up() -> SmokeResult<Self>` to the #[smoke_suite] impl block, or derive `Default`"
)]
pub trait DefaultSuite: Sized {
    /// `Default::default()`.
    fn default_suite() -> Self;
}

impl<T: Default> DefaultSuite for T {
    fn default_suite() -> Self {
        T::default()
    }
}

/// The value of a suite that has no `set_up`.
pub fn default_suite<T: DefaultSuite>() -> T {
    T::default_suite()
}
