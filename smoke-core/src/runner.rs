//! The runner: runs a selection of tests on tokio with bounded concurrency, per-test
//! timeouts, an overall deadline and fail-fast, and produces a [`Report`].

use std::future::Future;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::{mpsc, Semaphore};
use tracing::Instrument;

use crate::hook::{AroundEach, Hooks};
use crate::panic::install_panic_hook;
use crate::{registered, Outcome, Report, Resources, Scrub, Selection, TestDescriptor, TestReport};

use crate::ending::report_of;
use crate::progress::{Collect, EachTo, Progress};
use crate::schedule::Schedule;
use crate::trace::{RunLabel, Trigger};

/// How a run goes.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// How many tests run at once (`serial` tests always run alone). At least 1.
    pub concurrency: usize,
    /// The timeout of a test that sets none of its own.
    pub default_timeout: Duration,
    /// The whole run's limit: tests still running then are timed out, and tests not yet
    /// started are reported as timed out without running.
    pub deadline: Option<Duration>,
    /// Stop starting tests after the first failure; the rest are reported as skipped.
    pub fail_fast: bool,
    /// How long fixture tear-downs and cleanups may take after a test's own timeout
    /// before the runner stops waiting for them.
    pub tear_down_grace: Duration,
    /// The filter for what the runner writes to stderr about a test (a late tear-down's
    /// error): the front end's redactor, so secrets stay out of the host's logs.
    pub scrub: Option<Scrub>,
    /// Values that must never leave the process (API keys, passwords): every front end
    /// masks them in whatever it writes. See [`RunnerBuilder::secret`].
    pub secrets: Vec<String>,
}

impl Default for RunConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        RunConfig {
            concurrency: (cores * 8).max(32),
            default_timeout: Duration::from_secs(30),
            deadline: None,
            fail_fast: false,
            tear_down_grace: Duration::from_secs(5),
            scrub: None,
            secrets: Vec::new(),
        }
    }
}

/// Runs smoke tests. Cheap to clone; one runner may serve many runs at once.
///
/// ```
/// use smoke_core::{Runner, RunConfig, Resources, Selection};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let runner = Runner::new(RunConfig::default(), Resources::new());
/// let report = runner.run(&Selection::all()).await;
/// println!("{}: {} tests", report.status(), report.tests.len());
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Runner {
    pub(crate) config: Arc<RunConfig>,
    pub(crate) resources: Arc<Resources>,
    pub(crate) hooks: Arc<Hooks>,
}

/// Builds a [`Runner`]: resources for tests, run-wide hooks, secrets, timeouts, deadline,
/// concurrency. Configured by value: every method takes the builder and returns it, the
/// same in a `main!(setup)` function and in front of the HTTP endpoint.
///
/// ```
/// use std::time::Duration;
/// use smoke_core::Runner;
///
/// struct Settings { region: &'static str }
/// let runner = Runner::builder()
///     .resource(Settings { region: "eu-west-1" })
///     .default_timeout(Duration::from_secs(5))
///     .concurrency(4)
///     .build();
/// assert_eq!(runner.config().concurrency, 4);
/// ```
#[derive(Debug, Default)]
pub struct RunnerBuilder {
    config: RunConfig,
    resources: Resources,
    hooks: Hooks,
    ledger: Option<Arc<Mutex<Vec<String>>>>,
}

impl RunnerBuilder {
    /// Registers a value tests and fixtures ask for by type ([`crate::Resource`]).
    pub fn resource<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.resources.insert(value);
        self
    }

    /// Registers a value already shared (an `Arc<T>` the host keeps too) that tests and
    /// fixtures ask for as `T`, like [`resource`](Self::resource).
    pub fn resource_arc<T: Send + Sync + 'static>(mut self, value: Arc<T>) -> Self {
        self.resources.insert_arc(value);
        self
    }

    /// The configuration so far (what a front end reads before it builds the runner).
    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// The timeout of tests that set none (default 30 s).
    pub fn default_timeout(mut self, timeout: Duration) -> Self {
        self.config.default_timeout = timeout;
        self
    }

    /// The whole run's limit (default none; the HTTP endpoint's default is its own).
    /// Tests still running then are reported as timed out. A deadline too far to
    /// represent (such as `Duration::MAX`) is no deadline.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.config.deadline = Some(deadline);
        self
    }

    /// How many tests run at once (default eight per core, at least 32: smoke tests mostly
    /// wait on I/O).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.config.concurrency = concurrency;
        self
    }

    /// Stop starting tests after the first failure.
    pub fn fail_fast(mut self, fail_fast: bool) -> Self {
        self.config.fail_fast = fail_fast;
        self
    }

    /// How long fixture tear-downs and cleanups may take after a test's own timeout
    /// before the runner stops waiting for them (default 5 s).
    pub fn tear_down_grace(mut self, grace: Duration) -> Self {
        self.config.tear_down_grace = grace;
        self
    }

    /// The filter for what the runner writes to stderr about a test (see
    /// [`RunConfig::scrub`]); front ends set their redactor here.
    pub fn scrub(mut self, scrub: Scrub) -> Self {
        self.config.scrub = Some(scrub);
        self
    }

    /// Adds a hook that runs around every test of the run (for example
    /// `smoke_runtime::rollback::each_test(pool)`, a transaction per test that is rolled
    /// back after it). See [`AroundEach`].
    pub fn around_each(mut self, hook: impl AroundEach) -> Self {
        self.hooks.0.push(Arc::new(hook));
        self
    }

    /// A value that must never leave the process (an API key, a password): the command
    /// line, the endpoint and every other front end mask it as `***` in everything they
    /// write.
    ///
    /// # Panics
    ///
    /// When `value` is empty or only whitespace: masking it would blank every message.
    ///
    /// ```should_panic
    /// let key = std::env::var("MISSING_API_KEY").unwrap_or_default();
    /// let _ = smoke_core::Runner::builder().secret(key);
    /// ```
    #[track_caller]
    pub fn secret(mut self, value: impl Into<String>) -> Self {
        let value = value.into();
        assert!(
            !value.trim().is_empty(),
            "a secret to mask must not be empty or only whitespace: masking it would blank \
             every message (an unset environment variable read with unwrap_or_default?)"
        );
        if let Some(ledger) = &self.ledger {
            ledger
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(value.clone());
        }
        self.config.secrets.push(value);
        self
    }

    /// Also records every secret added from now on in `ledger`, so that a front end can
    /// mask them even when the code configuring the builder fails and the builder is
    /// lost with it (the command line's `main!(setup)`).
    #[doc(hidden)]
    pub fn record_secrets(mut self, ledger: Arc<Mutex<Vec<String>>>) -> Self {
        self.ledger = Some(ledger);
        self
    }

    /// The runner.
    pub fn build(self) -> Runner {
        Runner::new(self.config, self.resources).with_hooks(self.hooks)
    }
}

impl Runner {
    /// A builder with the default configuration and no resources.
    pub fn builder() -> RunnerBuilder {
        RunnerBuilder::default()
    }

    /// A runner with this configuration and these resources.
    pub fn new(config: RunConfig, resources: Resources) -> Self {
        let mut config = config;
        // Serial tests take every permit at once, and tokio counts permits in a u32.
        config.concurrency = config
            .concurrency
            .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
        Runner {
            config: Arc::new(config),
            resources: Arc::new(resources),
            hooks: Arc::new(Hooks::default()),
        }
    }

    /// The same runner with these run-wide hooks (see [`RunnerBuilder::around_each`]).
    pub fn with_hooks(mut self, hooks: Hooks) -> Self {
        self.hooks = Arc::new(hooks);
        self
    }

    /// The run-wide hooks, in the order they run before each test.
    pub fn hooks(&self) -> &Hooks {
        &self.hooks
    }

    /// The configuration.
    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// The resources tests receive.
    pub fn resources(&self) -> &Arc<Resources> {
        &self.resources
    }

    /// Runs the registered tests that `selection` takes.
    pub async fn run(&self, selection: &Selection) -> Report {
        self.run_with(selection, |_| {}).await
    }

    /// Runs the registered tests that `selection` takes, calling `on_result` as each
    /// one finishes.
    pub async fn run_with(
        &self,
        selection: &Selection,
        on_result: impl FnMut(&TestReport),
    ) -> Report {
        let tests = selection.of_registered();
        let label = RunLabel::new(Trigger::Direct, selection.describe());
        self.run_labelled(&label, tests, selection.runs_skipped(), on_result)
            .await
    }

    /// Runs exactly `tests` (in the order given), calling `on_result` as each finishes.
    /// Tests marked `skip` run only when `run_skipped` is true.
    pub async fn run_tests(
        &self,
        tests: Vec<&'static TestDescriptor>,
        run_skipped: bool,
        on_result: impl FnMut(&TestReport),
    ) -> Report {
        let all = tests.len() == registered().len();
        let label = RunLabel::of_tests(Trigger::Direct, &tests, all);
        self.run_labelled(&label, tests, run_skipped, on_result)
            .await
    }

    /// [`run_tests`](Self::run_tests), saying in the run's `smoke.run` span what started
    /// it and what it selected (the front ends' way to run: the endpoint's coordinator
    /// says [`Trigger::Request`] or [`Trigger::Schedule`], the command line
    /// [`Trigger::Cli`]).
    ///
    /// The run is a `tracing` span `smoke.run` (`smoke.trigger`, `smoke.selection`, and at
    /// its end `smoke.tests`, `smoke.passed`, `smoke.failed`, `smoke.errored`,
    /// `smoke.timed_out`, `smoke.skipped`), each test a child span `smoke.test`
    /// (`smoke.test.name`, `smoke.test.class`, `smoke.test.tags`, and at its end
    /// `smoke.test.outcome`, `smoke.test.duration_ms`, and `otel.status_code` /
    /// `otel.status_description` when it did not pass, the message through
    /// [`RunConfig::scrub`]). A test's code runs inside its span.
    pub async fn run_labelled(
        &self,
        label: &RunLabel,
        tests: Vec<&'static TestDescriptor>,
        run_skipped: bool,
        on_result: impl FnMut(&TestReport),
    ) -> Report {
        let each = EachTo {
            reports: Vec::with_capacity(tests.len()),
            on_result,
        };
        self.run_collecting(label, tests, run_skipped, each).await
    }

    /// [`run_labelled`](Self::run_labelled), keeping the results in `progress` as they
    /// come in (for a caller that may stop waiting and report what finished) instead of
    /// handing each to a callback.
    pub async fn run_into(
        &self,
        label: &RunLabel,
        tests: Vec<&'static TestDescriptor>,
        run_skipped: bool,
        progress: &Progress,
    ) -> Report {
        self.run_collecting(label, tests, run_skipped, progress)
            .await
    }

    async fn run_collecting(
        &self,
        label: &RunLabel,
        tests: Vec<&'static TestDescriptor>,
        run_skipped: bool,
        collect: impl Collect,
    ) -> Report {
        let span = crate::trace::run_span(label);
        // The span is entered until the last result is in: its end is the run's.
        let report = self
            .run_in(&span, tests, run_skipped, collect)
            .instrument(span.clone())
            .await;
        crate::trace::record_run(&span, &report);
        report
    }

    /// Runs `tests`, their spans children of `span`.
    async fn run_in(
        &self,
        span: &tracing::Span,
        tests: Vec<&'static TestDescriptor>,
        run_skipped: bool,
        mut collect: impl Collect,
    ) -> Report {
        install_panic_hook();
        // Running a test runs its prerequisites too.
        let (tests, added) = crate::depend::closure(&tests);
        let started_at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
        let start = Instant::now();
        let classes = crate::names::count_classes(&tests);

        let (tx, mut rx) = mpsc::unbounded_channel();
        // A deadline too far to represent is no deadline.
        let deadline = self.config.deadline.and_then(|d| start.checked_add(d));
        // Past the deadline and the tear-down grace the run ends whatever its tests do: an
        // async test that blocks its thread cannot be cancelled, only left behind.
        let hard_stop = deadline.and_then(|d| d.checked_add(self.config.tear_down_grace));
        let expected: Vec<&'static TestDescriptor> = tests.clone();
        let schedule = Schedule {
            span: span.clone(),
            runner: self.clone(),
            deadline,
            failed: Arc::new(AtomicBool::new(false)),
            permits: Arc::new(Semaphore::new(self.config.concurrency)),
            tx,
            outcomes: Default::default(),
            added,
            lanes: Default::default(),
        };
        // The schedule starts the tests in this task, beside the loop that takes their
        // reports and watches the lanes: a task of its own would cost a wake-up of
        // another worker each run.
        let lanes = schedule.lanes.clone();
        // Lanes still running if this future is dropped get a watchdog task each.
        let _orphans = Orphans(&lanes);
        let mut starting =
            std::pin::pin!(schedule.run(tests, run_skipped).instrument(span.clone()));
        let mut started = false;

        // Reports come in bursts (a lane runs many tests in a row): taken many at a time.
        let mut batch = Vec::with_capacity(64);
        loop {
            let look_again = lanes.watch();
            // `None`: lanes were added, to look at now.
            let receive = std::future::poll_fn(|cx| {
                if !started && starting.as_mut().poll(cx).is_ready() {
                    started = true;
                }
                if lanes.added() {
                    return Poll::Ready(None);
                }
                rx.poll_recv_many(cx, &mut batch, 64).map(Some)
            });
            let until = match (hard_stop, look_again) {
                (Some(stop), Some(look)) => Some(stop.min(look)),
                (stop, look) => stop.or(look),
            };
            let received = match until {
                Some(until) => match tokio::time::timeout_at(until.into(), receive).await {
                    Ok(received) => received,
                    Err(_) if hard_stop.is_some_and(|stop| Instant::now() >= stop) => break,
                    Err(_) => None,
                },
                None => receive.await,
            };
            let Some(received) = received else {
                continue;
            };
            if received == 0 {
                break;
            }
            for mut reports in batch.drain(..) {
                collect.add(&mut reports);
            }
        }
        if hard_stop.is_some_and(|stop| Instant::now() >= stop) {
            let reported = collect.reported();
            let mut late: Vec<TestReport> = expected
                .into_iter()
                .filter(|test| !reported.contains(&*crate::names::full_name(test)))
                .map(|test| {
                    report_of(
                        test,
                        Outcome::TimedOut,
                        start.elapsed(),
                        Some(
                            "still running when the run's deadline and tear-down grace had \
                             passed: it holds its thread without yielding (write blocking \
                             work as a sync test, or move it to spawn_blocking)"
                                .to_owned(),
                        ),
                        None,
                    )
                })
                .collect();
            collect.add(&mut late);
        }
        let mut reports = collect.finish();
        reports.sort_by(|a, b| a.name.cmp(&b.name));
        Report {
            started_at,
            time_ms: millis(start.elapsed()),
            test_classes: classes,
            tests: reports,
        }
    }
}

/// Hands the lanes still running to watchdog tasks of their own when the run's future
/// is dropped (or returns at the hard stop).
struct Orphans<'a>(&'a crate::lane::Lanes);

impl Drop for Orphans<'_> {
    fn drop(&mut self) {
        self.0.orphan();
    }
}

pub(crate) fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
