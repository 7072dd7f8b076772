//! The per-test [`Context`]: what a test may ask of the run while it runs.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::descriptor::TestDescriptor;
use crate::error::{Location, SmokeError};
use crate::resource::{Resource, Resources};

type Cleanup = Box<dyn FnOnce() + Send + 'static>;

/// What the runner knows about the test being run, and what the test may register with
/// it. A test gets it by taking a `&Context` parameter.
///
/// ```
/// use smoke_core::{Context, SmokeResult};
///
/// fn uses_the_context(ctx: &Context) -> SmokeResult {
///     let probe = std::env::temp_dir().join(format!("probe-{}", ctx.name()));
///     std::fs::write(&probe, b"ok")?;
///     ctx.add_cleanup(move || { let _ = std::fs::remove_file(probe); });
///     Ok(())
/// }
/// ```
pub struct Context {
    descriptor: &'static TestDescriptor,
    full_name: std::borrow::Cow<'static, str>,
    resources: Arc<Resources>,
    timeout: Duration,
    started: Instant,
    grace: Duration,
    scrub: Option<Scrub>,
    cleanups: Mutex<Vec<Cleanup>>,
    soft_failures: Mutex<Vec<SmokeError>>,
    /// Whether a cleanup or a soft failure was ever recorded: most tests have neither,
    /// and their end then takes no lock to find out.
    recorded: AtomicBool,
    panic_location: Mutex<Option<Location>>,
    phase: Mutex<Option<Phase>>,
    span: tracing::Span,
}

/// Where a test's run is: which of its parts runs now. Its names are `'static`, so that
/// recording the phase at each step costs no allocation; a report renders it only when
/// that part did not return in time ("tear_down of Scratch did not return...").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// A suite's `set_up` (the suite's name).
    SuiteSetUp(&'static str),
    /// A fixture's set-up (the fixture's type).
    FixtureSetUp(&'static str),
    /// The test's own body.
    Body,
    /// The closures registered with `add_cleanup`.
    Cleanups,
    /// A fixture's tear-down (the fixture's type).
    FixtureTearDown(&'static str),
    /// A suite's `tear_down` (the suite's name).
    SuiteTearDown(&'static str),
}

impl Phase {
    /// Whether it is a part of setting the test up.
    pub fn is_set_up(self) -> bool {
        matches!(self, Phase::SuiteSetUp(_) | Phase::FixtureSetUp(_))
    }

    /// Whether it is a part of tearing the test down.
    pub fn is_tear_down(self) -> bool {
        matches!(
            self,
            Phase::Cleanups | Phase::FixtureTearDown(_) | Phase::SuiteTearDown(_)
        )
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Phase::SuiteSetUp(suite) => write!(f, "set_up of {suite}"),
            Phase::FixtureSetUp(fixture) => write!(f, "the set-up of fixture {fixture}"),
            Phase::Body => f.write_str("the test's body"),
            Phase::Cleanups => f.write_str("a cleanup registered with add_cleanup"),
            Phase::FixtureTearDown(fixture) => write!(f, "the tear-down of fixture {fixture}"),
            Phase::SuiteTearDown(suite) => write!(f, "tear_down of {suite}"),
        }
    }
}

/// A filter every diagnostic smoke writes outside a report goes through (the host's
/// stderr): the front end's redactor, so that secrets never reach a log.
#[derive(Clone)]
pub struct Scrub(Arc<dyn Fn(&str) -> String + Send + Sync>);

impl Scrub {
    /// A filter from a function (for example a redactor's `redact`).
    pub fn new(f: impl Fn(&str) -> String + Send + Sync + 'static) -> Self {
        Scrub(Arc::new(f))
    }

    /// `text` with what the filter hides hidden.
    pub fn apply(&self, text: &str) -> String {
        (self.0)(text)
    }
}

impl std::fmt::Debug for Scrub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scrub(..)")
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("test", &self.full_name)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Locks `m`, whether or not a thread panicked holding it (what it guards stays usable).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Context {
    /// A context for one run of `descriptor`, with the run's resources and the test's
    /// effective timeout. The runner builds these; tests only receive them.
    pub fn new(
        descriptor: &'static TestDescriptor,
        resources: Arc<Resources>,
        timeout: Duration,
    ) -> Self {
        Self::of_run(
            descriptor,
            resources,
            timeout,
            Duration::from_secs(5),
            None,
            tracing::Span::none(),
            Instant::now(),
        )
    }

    /// A context with everything the `with_*` methods set, built at once (the runner's
    /// way: a context is built for every test of every run), its test started at `started`.
    pub(crate) fn of_run(
        descriptor: &'static TestDescriptor,
        resources: Arc<Resources>,
        timeout: Duration,
        grace: Duration,
        scrub: Option<Scrub>,
        span: tracing::Span,
        started: Instant,
    ) -> Self {
        Context {
            descriptor,
            full_name: crate::names::full_name(descriptor),
            resources,
            timeout,
            started,
            grace,
            scrub,
            cleanups: Mutex::new(Vec::new()),
            soft_failures: Mutex::new(Vec::new()),
            recorded: AtomicBool::new(false),
            panic_location: Mutex::new(None),
            phase: Mutex::new(None),
            span,
        }
    }

    /// This context made what [`of_run`](Self::of_run) builds with `config`'s grace and
    /// scrub, keeping its allocations (a lane's next test): the resources are cloned only
    /// when they are others.
    pub(crate) fn reuse_for(
        &mut self,
        descriptor: &'static TestDescriptor,
        resources: &Arc<Resources>,
        config: &crate::RunConfig,
        timeout: Duration,
        span: tracing::Span,
        started: Instant,
    ) {
        if !Arc::ptr_eq(&self.resources, resources) {
            self.resources = resources.clone();
        }
        self.grace = config.tear_down_grace;
        self.scrub.clone_from(&config.scrub);
        self.descriptor = descriptor;
        self.full_name = crate::names::full_name(descriptor);
        self.timeout = timeout;
        self.started = started;
        self.span = span;
        if *self.recorded.get_mut() {
            self.cleanups
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
            self.soft_failures
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
            *self.recorded.get_mut() = false;
        }
        *self
            .panic_location
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = None;
        *self.phase.get_mut().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// The same context with this `tracing` span: the runner's `smoke.test` span, entered
    /// wherever the test's code runs (see [`span`](Self::span)).
    pub fn with_span(mut self, span: tracing::Span) -> Self {
        self.span = span;
        self
    }

    /// The test's `smoke.test` span. It is entered while the test's code runs (its body,
    /// fixtures, hooks, cleanups, on a blocking thread too), so spans the test opens are
    /// its children.
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// The same context with this tear-down grace: how long cleanups and tear-downs may
    /// take after the test's timeout (default 5 s).
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// The same context with this filter for what smoke writes to stderr about the test.
    pub fn with_scrub(mut self, scrub: Option<Scrub>) -> Self {
        self.scrub = scrub;
        self
    }

    /// When set-up and body must be done by: the context's creation plus the timeout.
    pub fn deadline(&self) -> Instant {
        self.started
            .checked_add(self.timeout)
            .unwrap_or_else(|| self.started + Duration::from_secs(86_400 * 365))
    }

    /// How long cleanups and tear-downs may take after the test's timeout.
    pub fn grace(&self) -> Duration {
        self.grace
    }

    /// What runs now, if the runner was told (see [`Phase`]).
    pub fn phase(&self) -> Option<Phase> {
        *lock(&self.phase)
    }

    /// Records what runs now.
    pub fn set_phase(&self, phase: Option<Phase>) {
        *lock(&self.phase) = phase;
    }

    /// Writes a diagnostic about this test to stderr, through the front end's filter.
    pub fn warn(&self, message: &str) {
        match &self.scrub {
            Some(scrub) => eprintln!("{}", scrub.apply(message)),
            None => eprintln!("{message}"),
        }
    }

    /// The test's own name (the function's, or its `name = "..."`).
    pub fn name(&self) -> &'static str {
        self.descriptor.name
    }

    /// The full name: `module::path::test`.
    pub fn full_name(&self) -> &str {
        &self.full_name
    }

    /// The test's tags.
    pub fn tags(&self) -> &'static [&'static str] {
        self.descriptor.tags
    }

    /// The test's registration.
    pub fn descriptor(&self) -> &'static TestDescriptor {
        self.descriptor
    }

    /// How long the test's body may run.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The run's resources (values the host registered by type).
    pub fn resources(&self) -> &Resources {
        &self.resources
    }

    /// The resource of type `T`, if the host registered one.
    pub fn resource<T: Send + Sync + 'static>(&self) -> Option<Resource<T>> {
        self.resources.get::<T>()
    }

    /// Registers a closure to run after the test, whatever its outcome (unittest's
    /// `addCleanup`). Cleanups run last in, first out, before the fixtures' tear-downs.
    pub fn add_cleanup(&self, cleanup: impl FnOnce() + Send + 'static) {
        lock(&self.cleanups).push(Box::new(cleanup));
        self.recorded.store(true, Ordering::Release);
    }

    /// Records a failure and lets the test go on (what the `expect_*` macros do). The test
    /// fails at its end with every recorded failure.
    pub fn record_failure(&self, failure: SmokeError) {
        lock(&self.soft_failures).push(failure);
        self.recorded.store(true, Ordering::Release);
    }

    /// Whether the test registered a cleanup or recorded a soft failure.
    pub(crate) fn recorded(&self) -> bool {
        self.recorded.load(Ordering::Acquire)
    }

    /// Takes the recorded soft failures.
    pub(crate) fn take_soft_failures(&self) -> Vec<SmokeError> {
        if !self.recorded.load(Ordering::Acquire) {
            return Vec::new();
        }
        std::mem::take(&mut *lock(&self.soft_failures))
    }

    /// Takes the registered cleanups, in the order they must run (last in, first out).
    pub(crate) fn take_cleanups(&self) -> Vec<Cleanup> {
        if !self.recorded.load(Ordering::Acquire) {
            return Vec::new();
        }
        let mut cleanups = std::mem::take(&mut *lock(&self.cleanups));
        cleanups.reverse();
        cleanups
    }

    pub(crate) fn set_panic_location(&self, location: Location) {
        *lock(&self.panic_location) = Some(location);
    }

    pub(crate) fn take_panic_location(&self) -> Option<Location> {
        lock(&self.panic_location).take()
    }

    /// The context of the test running on this thread, if any.
    ///
    /// Set while a test's body is being polled (async tests) or run (sync tests), so
    /// helpers such as [`add_cleanup`] and the `expect_*` macros work without a
    /// `&Context` parameter.
    pub fn current() -> Option<Arc<Context>> {
        CURRENT.with(|c| c.borrow().clone())
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Context>>> = const { RefCell::new(None) };
}

/// Makes `ctx` the current context on this thread, and enters its test's span, until the
/// guard is dropped. Entering the context that is already current changes nothing (a lane
/// makes a test's context current for all of its steps at once).
pub(crate) struct CurrentGuard<'a> {
    /// What was current before, when this guard replaced it.
    previous: Option<Option<Arc<Context>>>,
    _span: Option<tracing::span::Entered<'a>>,
}

impl<'a> CurrentGuard<'a> {
    pub(crate) fn enter(ctx: &'a Arc<Context>) -> Self {
        let previous = CURRENT.with(|c| {
            let mut current = c.borrow_mut();
            match &*current {
                Some(already) if Arc::ptr_eq(already, ctx) => None,
                _ => Some(current.replace(ctx.clone())),
            }
        });
        let entered = previous.is_some();
        CurrentGuard {
            previous,
            // Most runs have no subscriber: their spans are none, and entering one is
            // work for nothing.
            _span: (entered && !ctx.span.is_disabled()).then(|| ctx.span.enter()),
        }
    }
}

impl Drop for CurrentGuard<'_> {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            CURRENT.with(|c| *c.borrow_mut() = previous);
        }
    }
}

/// Registers a cleanup with the test running on this thread (unittest's `addCleanup`).
///
/// Cleanups run after the test, last in first out, even when it failed, errored, panicked
/// or timed out. Returns `false`, running nothing, when called outside a smoke test.
///
/// ```
/// # use smoke_core::{add_cleanup, SmokeResult};
/// fn writes_a_probe() -> SmokeResult {
///     let p = std::env::temp_dir().join("smoke-doc-probe");
///     std::fs::write(&p, b"ok")?;
///     add_cleanup(move || { let _ = std::fs::remove_file(p); });
///     Ok(())
/// }
/// ```
pub fn add_cleanup(cleanup: impl FnOnce() + Send + 'static) -> bool {
    match Context::current() {
        Some(ctx) => {
            ctx.add_cleanup(cleanup);
            true
        }
        None => false,
    }
}
