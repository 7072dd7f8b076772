//! The runner: runs a selection of tests on tokio with bounded concurrency, per-test
//! timeouts, an overall deadline and fail-fast, and produces a [`Report`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::{mpsc, OnceCell, Semaphore};

use crate::body::{install_panic_hook, CatchUnwind};
use crate::fixture::combine;
use crate::hook::{AroundEach, Hooks};
use crate::{
    registered, Context, ErrorKind, Outcome, Phase, Report, Resources, Scrub, Selection,
    SmokeResult, SuiteDescriptor, TestDescriptor, TestReport,
};

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
    config: Arc<RunConfig>,
    resources: Arc<Resources>,
    hooks: Arc<Hooks>,
}

/// Builds a [`Runner`]: resources for tests, timeouts, deadline, concurrency.
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
}

impl RunnerBuilder {
    /// Registers a value tests and fixtures ask for by type ([`crate::Resource`]).
    pub fn resource<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.resources.insert(value);
        self
    }

    /// The resources registered so far, to add more in place.
    pub fn resources_mut(&mut self) -> &mut Resources {
        &mut self.resources
    }

    /// The configuration so far, to change in place.
    pub fn config_mut(&mut self) -> &mut RunConfig {
        &mut self.config
    }

    /// The timeout of tests that set none (default 30 s).
    pub fn default_timeout(mut self, timeout: Duration) -> Self {
        self.config.default_timeout = timeout;
        self
    }

    /// The whole run's limit (default none).
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

    /// Adds a hook that runs around every test of the run (for example
    /// `smoke_runtime::rollback::each_test(pool)`, a transaction per test that is rolled
    /// back after it). See [`AroundEach`].
    pub fn around_each(mut self, hook: impl AroundEach) -> Self {
        self.hooks.0.push(Arc::new(hook));
        self
    }

    /// [`around_each`](Self::around_each) in place, for a builder held by reference (a
    /// `main!(setup)` function's).
    pub fn add_around_each(&mut self, hook: impl AroundEach) -> &mut Self {
        self.hooks.0.push(Arc::new(hook));
        self
    }

    /// A value that must never leave the process (an API key, a password): the command
    /// line, the endpoint and every other front end mask it as `***` in everything they
    /// write.
    ///
    /// # Panics
    ///
    /// When `value` is empty: masking the empty string would blank every message.
    pub fn secret(mut self, value: impl Into<String>) -> Self {
        self.add_secret(value);
        self
    }

    /// [`secret`](Self::secret) in place, for a builder held by reference (a
    /// `main!(setup)` function's).
    ///
    /// # Panics
    ///
    /// When `value` is empty.
    pub fn add_secret(&mut self, value: impl Into<String>) -> &mut Self {
        let value = value.into();
        assert!(
            !value.is_empty(),
            "a secret to mask must not be empty: masking \"\" would blank every message \
             (an unset environment variable read with unwrap_or_default?)"
        );
        self.config.secrets.push(value);
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
        let tests = selection.apply(registered());
        self.run_tests(tests, selection.runs_skipped(), on_result)
            .await
    }

    /// Runs exactly `tests` (in the order given), calling `on_result` as each finishes.
    /// Tests marked `skip` run only when `run_skipped` is true.
    pub async fn run_tests(
        &self,
        tests: Vec<&'static TestDescriptor>,
        run_skipped: bool,
        mut on_result: impl FnMut(&TestReport),
    ) -> Report {
        install_panic_hook();
        let started_at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
        let start = Instant::now();
        let classes: std::collections::BTreeSet<String> =
            tests.iter().map(|t| t.class_name()).collect();

        let (tx, mut rx) = mpsc::unbounded_channel();
        // A deadline too far to represent is no deadline.
        let deadline = self.config.deadline.and_then(|d| start.checked_add(d));
        // Past the deadline and the tear-down grace the run ends whatever its tests do: an
        // async test that blocks its thread cannot be cancelled, only left behind.
        let hard_stop = deadline.and_then(|d| d.checked_add(self.config.tear_down_grace));
        let expected: Vec<&'static TestDescriptor> = tests.clone();
        let schedule = Schedule {
            runner: self.clone(),
            deadline,
            failed: Arc::new(AtomicBool::new(false)),
            permits: Arc::new(Semaphore::new(self.config.concurrency)),
            tx,
        };
        tokio::spawn(schedule.run(tests, run_skipped));

        let mut reports: Vec<TestReport> = Vec::new();
        loop {
            let next = match hard_stop {
                Some(stop) => match tokio::time::timeout_at(stop.into(), rx.recv()).await {
                    Ok(next) => next,
                    Err(_) => break,
                },
                None => rx.recv().await,
            };
            let Some(report) = next else { break };
            on_result(&report);
            reports.push(report);
        }
        if hard_stop.is_some_and(|stop| Instant::now() >= stop) {
            let reported: std::collections::HashSet<String> =
                reports.iter().map(|r| r.name.clone()).collect();
            for test in expected {
                if !reported.contains(&test.full_name()) {
                    let report = report_of(
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
                    );
                    on_result(&report);
                    reports.push(report);
                }
            }
        }
        reports.sort_by(|a, b| a.name.cmp(&b.name));
        Report {
            started_at,
            time_ms: millis(start.elapsed()),
            test_classes: classes.len(),
            tests: reports,
        }
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

const DEADLINE_PASSED: &str = "not started: the run's deadline passed";
const FAIL_FAST: &str = "not run: an earlier test failed and the run is fail-fast";

/// One run's scheduling state, moved into the task that starts the tests.
struct Schedule {
    runner: Runner,
    deadline: Option<Instant>,
    failed: Arc<AtomicBool>,
    permits: Arc<Semaphore>,
    tx: mpsc::UnboundedSender<TestReport>,
}

/// A suite's state within one run: its set-up runs once, its tear-down after its last
/// test.
struct SuiteRun {
    descriptor: &'static SuiteDescriptor,
    set_up: OnceCell<Result<(), String>>,
    remaining: AtomicUsize,
}

impl Schedule {
    async fn run(self, tests: Vec<&'static TestDescriptor>, run_skipped: bool) {
        // Which tests will start, to know when each suite's last one ends.
        let mut seen: HashMap<String, &'static TestDescriptor> = HashMap::new();
        let mut plan = Vec::with_capacity(tests.len());
        let mut suites: HashMap<String, Arc<SuiteRun>> = HashMap::new();
        for test in tests {
            let name = test.full_name();
            if let Some(first) = seen.get(&name) {
                let message = format!(
                    "two tests are named {name}: this one and the one at {}:{}; \
                     give one another name with `name = \"...\"`",
                    first.file, first.line
                );
                self.send(report_of(
                    test,
                    Outcome::Errored,
                    Duration::ZERO,
                    Some(message),
                    None,
                ));
                continue;
            }
            seen.insert(name, test);
            if let (Some(reason), false) = (test.skip, run_skipped) {
                self.send(report_of(
                    test,
                    Outcome::Skipped,
                    Duration::ZERO,
                    Some(reason.to_owned()),
                    None,
                ));
                continue;
            }
            if let Some(suite) = test.suite {
                suites
                    .entry(suite.full_name())
                    .or_insert_with(|| {
                        Arc::new(SuiteRun {
                            descriptor: suite,
                            set_up: OnceCell::new(),
                            remaining: AtomicUsize::new(0),
                        })
                    })
                    .remaining
                    .fetch_add(1, Ordering::SeqCst);
            }
            plan.push(test);
        }

        let this = Arc::new(self);
        for test in plan {
            let suite = test.suite.map(|s| suites[&s.full_name()].clone());
            if let Some((outcome, why)) = this.why_not_start() {
                this.not_run(test, suite, outcome, why).await;
                continue;
            }
            let wanted = if test.serial {
                this.runner.config.concurrency
            } else {
                1
            };
            let acquire = this.permits.clone().acquire_many_owned(wanted as u32);
            let permit = match this.deadline {
                Some(deadline) => match tokio::time::timeout_at(deadline.into(), acquire).await {
                    Ok(permit) => permit,
                    Err(_) => {
                        this.not_run(test, suite, Outcome::TimedOut, DEADLINE_PASSED)
                            .await;
                        continue;
                    }
                },
                None => acquire.await,
            };
            let Ok(permit) = permit else { break };
            // A permit freed by a test timed out at the deadline comes at the deadline or
            // after it (this test would start with no time left), and one freed by a failed
            // test comes after fail-fast has said to stop.
            if let Some((outcome, why)) = this.why_not_start() {
                drop(permit);
                this.not_run(test, suite, outcome, why).await;
                continue;
            }
            let this = this.clone();
            tokio::spawn(async move {
                // Run-wide hooks are the host's code: a panic in one errors this test and
                // never loses it from the report.
                let report = CatchUnwind(Box::pin(this.run_one(test, suite.as_ref())))
                    .await
                    .unwrap_or_else(|panic| {
                        let why = format!(
                            "a run-wide hook panicked: {}",
                            crate::body::panic_message(&*panic)
                        );
                        report_of(test, Outcome::Errored, Duration::ZERO, Some(why), None)
                    });
                if report.outcome.is_problem() {
                    this.failed.store(true, Ordering::SeqCst);
                }
                drop(permit);
                this.send(report);
                if let Some(suite) = suite {
                    this.suite_test_done(&suite).await;
                }
            });
        }
    }

    /// Why no further test may start, if one may not.
    fn why_not_start(&self) -> Option<(Outcome, &'static str)> {
        if self
            .deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
        {
            return Some((Outcome::TimedOut, DEADLINE_PASSED));
        }
        if self.runner.config.fail_fast && self.failed.load(Ordering::SeqCst) {
            return Some((Outcome::Skipped, FAIL_FAST));
        }
        None
    }

    fn send(&self, report: TestReport) {
        let _ = self.tx.send(report);
    }

    async fn not_run(
        &self,
        test: &'static TestDescriptor,
        suite: Option<Arc<SuiteRun>>,
        outcome: Outcome,
        why: &str,
    ) {
        self.send(report_of(
            test,
            outcome,
            Duration::ZERO,
            Some(why.to_owned()),
            None,
        ));
        if let Some(suite) = suite {
            self.suite_test_done(&suite).await;
        }
    }

    fn timeout_for(&self, test: &TestDescriptor) -> Duration {
        let own = test.timeout.unwrap_or(self.runner.config.default_timeout);
        match self.deadline {
            Some(deadline) => own.min(deadline.saturating_duration_since(Instant::now())),
            None => own,
        }
    }

    async fn run_one(
        &self,
        test: &'static TestDescriptor,
        suite: Option<&Arc<SuiteRun>>,
    ) -> TestReport {
        let timeout = self.timeout_for(test);
        let start = Instant::now();
        if let Some(blocked) = crate::blocking::still_blocked(test) {
            let place = blocked
                .phase
                .map_or_else(String::new, |phase| format!(" in {phase}"));
            let message = format!(
                "not started: the thread of an earlier run of this test, timed out {} ago, \
                 is still blocked{place}; sync code's thread cannot be stopped, so the test \
                 is not started again until that thread returns",
                humantime::format_duration(Duration::from_secs(blocked.since.elapsed().as_secs()))
            );
            return report_of(test, Outcome::TimedOut, Duration::ZERO, Some(message), None);
        }
        if let Some(suite) = suite {
            let set_up = suite
                .set_up
                .get_or_init(|| async {
                    match suite.descriptor.set_up {
                        Some(hook) => run_hook(hook, timeout).await,
                        None => Ok(()),
                    }
                })
                .await;
            if let Err(why) = set_up {
                let message = format!("set_up_suite of {} failed: {why}", suite.descriptor.name);
                return report_of(test, Outcome::Errored, start.elapsed(), Some(message), None);
            }
        }
        let hooks = &self.runner.hooks.0;
        let resources = if hooks.is_empty() {
            self.runner.resources.clone()
        } else {
            let mut own = (*self.runner.resources).clone();
            for hook in hooks {
                hook.prepare(test, &mut own);
            }
            Arc::new(own)
        };
        let grace = self.runner.config.tear_down_grace;
        let ctx = Arc::new(
            Context::new(test, resources, timeout)
                .with_grace(grace)
                .with_scrub(self.runner.config.scrub.clone()),
        );
        let limit = timeout.saturating_add(grace);
        let mut begun = 0;
        let outcome = tokio::time::timeout(limit, async {
            for hook in hooks {
                match CatchUnwind(hook.before(&ctx)).await {
                    Ok(Ok(())) => begun += 1,
                    Ok(Err(e)) => {
                        return Ok(Err(crate::SmokeError::error(format!(
                            "a run-wide hook failed before the test: {e}"
                        ))))
                    }
                    Err(panic) => return Err(panic),
                }
            }
            CatchUnwind((test.run)(ctx.clone())).await
        })
        .await;
        let after = run_after(&hooks[..begun], &ctx, grace).await;
        let elapsed = start.elapsed();
        let report = match outcome {
            Ok(Ok(Ok(()))) => report_of(test, Outcome::Passed, elapsed, None, None),
            Ok(Ok(Err(e))) => {
                let outcome = match e.kind() {
                    ErrorKind::Failure => Outcome::Failed,
                    ErrorKind::TimedOut => Outcome::TimedOut,
                    ErrorKind::Skipped => Outcome::Skipped,
                    _ => Outcome::Errored,
                };
                report_of(
                    test,
                    outcome,
                    elapsed,
                    Some(e.message().to_owned()),
                    e.location().cloned(),
                )
            }
            Ok(Err(panic)) => {
                let e = crate::body::panic_error(&ctx, panic);
                report_of(
                    test,
                    Outcome::Errored,
                    elapsed,
                    Some(format!("outside the test body: {}", e.message())),
                    e.location().cloned(),
                )
            }
            Err(_) => report_of(
                test,
                Outcome::TimedOut,
                elapsed,
                Some(hung(&ctx, grace)),
                None,
            ),
        };
        with_after(report, after)
    }

    async fn suite_test_done(&self, suite: &SuiteRun) {
        if suite.remaining.fetch_sub(1, Ordering::SeqCst) != 1 {
            return;
        }
        let set_up_ok = matches!(suite.set_up.get(), Some(Ok(())));
        let Some(hook) = suite.descriptor.tear_down.filter(|_| set_up_ok) else {
            return;
        };
        let start = Instant::now();
        if let Err(why) = run_hook(hook, self.runner.config.default_timeout).await {
            let d = suite.descriptor;
            self.send(TestReport {
                name: format!("{}::tear_down_suite", d.full_name()),
                class: d.full_name(),
                file: String::new(),
                line: 0,
                tags: Vec::new(),
                outcome: Outcome::Errored,
                duration_ms: millis(start.elapsed()),
                message: Some(format!("tear_down_suite of {} failed: {why}", d.name)),
                location: None,
            });
        }
    }
}

/// Why a test whose run did not end by its timeout plus the grace is reported so: the
/// part of it that never returned.
fn hung(ctx: &Context, grace: Duration) -> String {
    let timeout = humantime::format_duration(ctx.timeout());
    let grace = humantime::format_duration(grace);
    // Sync code that did not return was left on its blocking thread, marked blocked.
    let left_behind = if crate::blocking::still_blocked(ctx.descriptor()).is_some() {
        "; it is sync code, so its thread runs on, and the test is not started again until \
         that thread returns"
    } else {
        ""
    };
    match ctx.phase() {
        Some(Phase::TearDown(what)) => format!(
            "{what} did not return within the test's timeout of {timeout} plus the tear-down \
             grace of {grace}{left_behind}"
        ),
        Some(Phase::SetUp(what)) => {
            format!(
                "timed out after {timeout} while setting up: {what} did not return{left_behind}"
            )
        }
        Some(Phase::Body) | None => format!(
            "timed out after {timeout}, and it did not end within {grace} more: it holds \
             its thread without yielding{left_behind}"
        ),
    }
}

/// Runs the `after` of the hooks whose `before` succeeded, last to first.
async fn run_after(hooks: &[Arc<dyn AroundEach>], ctx: &Context, grace: Duration) -> SmokeResult {
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

/// Folds the run-wide hooks' `after` result into a test's report.
fn with_after(mut report: TestReport, after: SmokeResult) -> TestReport {
    if let Err(e) = after {
        match report.outcome {
            Outcome::Passed | Outcome::Skipped => {
                report.outcome = Outcome::Errored;
                report.message = Some(e.message().to_owned());
            }
            _ => {
                let mut message = report.message.take().unwrap_or_default();
                if !message.is_empty() {
                    message.push_str("\n\n");
                }
                message.push_str(e.message());
                report.message = Some(message);
            }
        }
    }
    report
}

async fn run_hook(hook: crate::SuiteFn, timeout: Duration) -> Result<(), String> {
    match tokio::time::timeout(timeout, CatchUnwind(hook())).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(e))) => Err(e.to_string()),
        Ok(Err(panic)) => Err(format!(
            "it panicked: {}",
            crate::body::panic_message(&*panic)
        )),
        Err(_) => Err(format!(
            "it did not return within {}",
            humantime::format_duration(timeout)
        )),
    }
}

fn report_of(
    test: &TestDescriptor,
    outcome: Outcome,
    elapsed: Duration,
    message: Option<String>,
    location: Option<crate::Location>,
) -> TestReport {
    TestReport {
        name: test.full_name(),
        class: test.class_name(),
        file: test.file.to_owned(),
        line: test.line,
        tags: test.tags.iter().map(|t| t.to_string()).collect(),
        outcome,
        duration_ms: millis(elapsed),
        message,
        location,
    }
}
