//! Run-wide hooks: code the host wants around every test of a run (django-smoketest's
//! transaction around each test), configured once with [`RunnerBuilder::around_each`].
//!
//! [`RunnerBuilder::around_each`]: crate::RunnerBuilder::around_each

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::combine;
use crate::panic::CatchUnwind;
use crate::{BoxFuture, Context, Resources, SmokeResult, TestDescriptor};

/// Code that runs around every test of a run: [`prepare`](Self::prepare) and
/// [`before`](Self::before) before the test's fixtures are set up,
/// [`after`](Self::after) after its cleanups and tear-downs, whatever the outcome
/// (passed, failed, errored, panicked or timed out).
///
/// An `Err` from `before` errors the test, which then does not run; an `Err` from
/// `after` is reported on the test. With several hooks, `before` runs in the order they
/// were added and `after` in reverse.
///
/// The database rollback hooks of `smoke-runtime` (`rollback::each_test`) are built on
/// this; most hosts use those rather than implementing it.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use smoke_core::{AroundEach, BoxFuture, Context, Runner, SmokeResult};
///
/// /// Counts the tests that started.
/// #[derive(Default)]
/// struct Started(AtomicUsize);
///
/// impl AroundEach for Started {
///     fn before<'a>(&'a self, _ctx: &'a Context) -> BoxFuture<'a, SmokeResult> {
///         Box::pin(async move {
///             self.0.fetch_add(1, Ordering::SeqCst);
///             Ok(())
///         })
///     }
///     fn after<'a>(&'a self, _ctx: &'a Context) -> BoxFuture<'a, SmokeResult> {
///         Box::pin(async { Ok(()) })
///     }
/// }
///
/// let runner = Runner::builder().around_each(Started::default()).build();
/// assert_eq!(runner.hooks().len(), 1);
/// ```
pub trait AroundEach: Send + Sync + 'static {
    /// Adds what this hook shares with one test to that test's own copy of the run's
    /// resources (called before its [`Context`] exists): for example an empty slot that
    /// `before` fills and a fixture reads. The default adds nothing.
    fn prepare(&self, test: &'static TestDescriptor, resources: &mut Resources) {
        let _ = (test, resources);
    }

    /// Runs before the test's fixtures are set up.
    fn before<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, SmokeResult>;

    /// Runs after the test's cleanups and fixture tear-downs.
    fn after<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, SmokeResult>;
}

/// The run-wide hooks of a runner, in the order they were added.
#[derive(Clone, Default)]
pub struct Hooks(pub(crate) Vec<Arc<dyn AroundEach>>);

impl Hooks {
    /// How many hooks there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hooks({})", self.0.len())
    }
}

/// Runs the `after` of the hooks whose `before` succeeded, last to first.
pub(crate) async fn run_after(
    hooks: &[Arc<dyn AroundEach>],
    ctx: &Context,
    grace: Duration,
) -> SmokeResult {
    let mut result = Ok(());
    for hook in hooks.iter().rev() {
        let this = match tokio::time::timeout(grace, CatchUnwind(hook.after(ctx))).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => Err(crate::SmokeError::error("it panicked")),
            Err(_) => Err(crate::SmokeError::error(format!(
                "it did not finish within {}",
                humantime::format_duration(grace)
            ))),
        };
        let this = this.map_err(|e| {
            crate::SmokeError::error(format!("a run-wide hook failed after the test: {e}"))
        });
        result = combine(result, this);
    }
    result
}

/// Runs a suite-wide hook (`set_up_suite` / `tear_down_suite`) within `timeout`, its panic
/// caught: why it failed, if it did.
pub(crate) async fn run_hook(hook: crate::SuiteFn, timeout: Duration) -> Result<(), String> {
    match tokio::time::timeout(timeout, CatchUnwind(hook())).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(e))) => Err(e.to_string()),
        Ok(Err(panic)) => Err(format!(
            "it panicked: {}",
            crate::panic::panic_message(&*panic)
        )),
        Err(_) => Err(format!(
            "it did not return within {}",
            humantime::format_duration(timeout)
        )),
    }
}
