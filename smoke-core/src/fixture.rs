//! Fixtures: what a test's parameters are, set up before it and torn down after it.

use std::any::{type_name, Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use crate::body::{panic_message, CatchUnwind};
use crate::context::Phase;
use crate::{Context, SmokeError, SmokeResult};

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
/// Generated code uses this; users implement [`Fixture`].
pub trait FixtureSet: Sized + Send + Sync + 'static {
    /// Sets up every fixture, first to last.
    fn set_up_all(ctx: &Arc<Context>) -> impl Future<Output = SmokeResult<Self>> + Send;
    /// Tears down every fixture, last to first; every tear-down runs.
    fn tear_down_all(self, ctx: &Arc<Context>) -> impl Future<Output = SmokeResult> + Send;
}

impl FixtureSet for () {
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

/// Folds a later result into an earlier one: the earlier error's kind wins, and every
/// message is kept.
pub fn combine(first: SmokeResult, then: SmokeResult) -> SmokeResult {
    match (first, then) {
        (Ok(()), later) => later,
        (Err(e), Ok(())) => Err(e),
        (Err(mut e), Err(later)) => {
            e.append(&later.to_string());
            Err(e)
        }
    }
}

/// Values the host registers by type, for tests and fixtures to ask for
/// ([`Resource<T>`], [`Context::resource`]).
///
/// ```
/// use smoke_core::Resources;
///
/// #[derive(Debug)]
/// struct Settings { bucket: String }
///
/// let mut resources = Resources::new();
/// resources.insert(Settings { bucket: "media".into() });
/// assert_eq!(resources.get::<Settings>().unwrap().bucket, "media");
/// ```
#[derive(Default, Clone)]
pub struct Resources {
    by_type: HashMap<TypeId, (&'static str, Arc<dyn Any + Send + Sync>)>,
}

impl std::fmt::Debug for Resources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.by_type.values().map(|(name, _)| name))
            .finish()
    }
}

impl Resources {
    /// No resources.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `value` as the resource of type `T`, replacing any earlier one.
    pub fn insert<T: Send + Sync + 'static>(&mut self, value: T) -> &mut Self {
        self.insert_arc(Arc::new(value))
    }

    /// Registers an already shared value.
    pub fn insert_arc<T: Send + Sync + 'static>(&mut self, value: Arc<T>) -> &mut Self {
        self.by_type
            .insert(TypeId::of::<T>(), (type_name::<T>(), value));
        self
    }

    /// The resource of type `T`, if registered.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<Resource<T>> {
        let (_, any) = self.by_type.get(&TypeId::of::<T>())?;
        any.clone().downcast::<T>().ok().map(Resource)
    }

    /// How many resources are registered.
    pub fn len(&self) -> usize {
        self.by_type.len()
    }

    /// Whether none is registered.
    pub fn is_empty(&self) -> bool {
        self.by_type.is_empty()
    }
}

/// A test parameter that receives a value the host registered by type
/// ([`Resources::insert`]); a cheap shared handle that dereferences to the value.
///
/// A test asking for a resource the host did not register errors with a message that
/// names the type.
#[derive(Debug)]
pub struct Resource<T: ?Sized>(Arc<T>);

impl<T: ?Sized> Clone for Resource<T> {
    fn clone(&self) -> Self {
        Resource(self.0.clone())
    }
}

impl<T: ?Sized> Deref for Resource<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized> Resource<T> {
    /// The shared value.
    pub fn into_arc(self) -> Arc<T> {
        self.0
    }
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
