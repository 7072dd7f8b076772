//! Fixtures: what a test's parameters are, set up before it and torn down after it.

use std::any::type_name;
use std::future::Future;
use std::sync::Arc;

use crate::context::{Context, Phase};
use crate::error::{combine, SmokeError, SmokeResult};
use crate::panic::{panic_message, CatchUnwind};
use crate::resource::Resource;

/// A value a test takes as a parameter: set up from the [`Context`] before the test and
/// torn down after it, whatever the outcome (passed, failed, errored, panicked or timed
/// out).
///
/// A test takes a fixture as `&T`, `&mut T`, or by value (`T`, which must then be
/// `Clone`: the test gets a clone and the original is torn down).
///
/// ```
/// use smoke_core::{Context, Fixture, SmokeResult};
///
/// /// A scratch directory, removed after the test.
/// struct Scratch(std::path::PathBuf);
///
/// impl Fixture for Scratch {
///     async fn set_up(ctx: &Context) -> SmokeResult<Self> {
///         let dir = std::env::temp_dir().join(format!("scratch-{}", ctx.name()));
///         std::fs::create_dir_all(&dir)?;
///         Ok(Scratch(dir))
///     }
///     async fn tear_down(self) -> SmokeResult {
///         std::fs::remove_dir_all(&self.0)?;
///         Ok(())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a fixture, so a smoke test cannot take it as a parameter",
    label = "not a fixture",
    note = "a smoke test parameter is `&Context`, or a fixture taken as `&T`, `&mut T` or `T`: \
            a `Resource<T>` (a value registered with the runner) or a type that implements \
            `Fixture`"
)]
pub trait Fixture: Sized + Send + Sync + 'static {
    /// Builds the fixture for one test. An `Err` errors the test, which does not run.
    fn set_up(ctx: &Context) -> impl Future<Output = SmokeResult<Self>> + Send;

    /// Undoes what `set_up` and the test did. Runs after every test that set the fixture
    /// up; an `Err` is reported on that test.
    fn tear_down(self) -> impl Future<Output = SmokeResult> + Send {
        async { Ok(()) }
    }
}

/// The fixtures of one test, as a nested tuple `(A, (B, ()))`: set up in order, torn down
/// in reverse. When one fails to set up, those before it are torn down. Each step records
/// itself as the context's [`Phase`], so a step that hangs is named in the report.
///
/// Generated code uses this (through `__private_0_1`); users implement [`Fixture`].
pub trait FixtureSet: Sized + Send + Sync + 'static {
    /// Whether the set holds no fixture (`()`): setting it up and tearing it down then do
    /// nothing, and a test's end skips them.
    const EMPTY: bool = false;
    /// Sets up every fixture, first to last.
    fn set_up_all(ctx: &Arc<Context>) -> impl Future<Output = SmokeResult<Self>> + Send;
    /// Tears down every fixture, last to first; every tear-down runs.
    fn tear_down_all(self, ctx: &Arc<Context>) -> impl Future<Output = SmokeResult> + Send;
}

impl FixtureSet for () {
    const EMPTY: bool = true;
    async fn set_up_all(_: &Arc<Context>) -> SmokeResult<Self> {
        Ok(())
    }
    async fn tear_down_all(self, _: &Arc<Context>) -> SmokeResult {
        Ok(())
    }
}

impl<H: Fixture, T: FixtureSet> FixtureSet for (H, T) {
    async fn set_up_all(ctx: &Arc<Context>) -> SmokeResult<Self> {
        ctx.set_phase(Some(Phase::FixtureSetUp(type_name::<H>())));
        let set_up = CatchUnwind(Box::pin(H::set_up(ctx)))
            .await
            .unwrap_or_else(|panic| {
                Err(SmokeError::error(format!(
                    "it panicked: {}",
                    panic_message(&*panic)
                )))
            });
        let head = set_up.map_err(|e| {
            let mut err = SmokeError::error(format!(
                "set-up of fixture {} failed: {}",
                type_name::<H>(),
                e.message()
            ));
            if let Some(at) = e.location() {
                err = err.at(&at.file, at.line);
            }
            err
        })?;
        match T::set_up_all(ctx).await {
            Ok(tail) => Ok((head, tail)),
            Err(e) => Err(combine(Err(e), tear_down_one(head, ctx).await).unwrap_err()),
        }
    }

    async fn tear_down_all(self, ctx: &Arc<Context>) -> SmokeResult {
        let (head, tail) = self;
        let rest = tail.tear_down_all(ctx).await;
        combine(rest, tear_down_one(head, ctx).await)
    }
}

async fn tear_down_one<H: Fixture>(fixture: H, ctx: &Context) -> SmokeResult {
    ctx.set_phase(Some(Phase::FixtureTearDown(type_name::<H>())));
    let tear_down = CatchUnwind(Box::pin(fixture.tear_down()))
        .await
        .unwrap_or_else(|panic| {
            Err(SmokeError::error(format!(
                "it panicked: {}",
                panic_message(&*panic)
            )))
        });
    tear_down.map_err(|e| {
        SmokeError::error(format!(
            "tear-down of fixture {} failed: {}",
            type_name::<H>(),
            e.message()
        ))
    })
}

impl<T: Send + Sync + 'static> Fixture for Resource<T> {
    async fn set_up(ctx: &Context) -> SmokeResult<Self> {
        ctx.resource::<T>().ok_or_else(|| {
            SmokeError::error(format!(
                "no resource of type {} is registered; register one with \
                 `RunnerBuilder::resource(value)` or `Resources::insert`",
                type_name::<T>()
            ))
        })
    }
}

/// A fixture a test takes by value: it gets a clone.
#[diagnostic::on_unimplemented(
    message = "the test takes `{Self}` by value, so `{Self}` must implement `Clone`",
    label = "taken by value, but not `Clone`",
    note = "take it as `&{Self}` or `&mut {Self}`, or implement `Clone` for it (the test gets a clone; the original is torn down)"
)]
pub trait ByValue: Sized {
    /// The clone the test receives.
    fn clone_for_test(&self) -> Self;
}

impl<T: Clone> ByValue for T {
    fn clone_for_test(&self) -> Self {
        self.clone()
    }
}
