//! One run's scheduling: plain tests to lanes, the others started one by one within the
//! concurrency, the deadline and fail-fast, suite hooks once per suite. How a test's
//! ending becomes its report is in `ending.rs`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch, OnceCell, OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

use crate::ending::{report_from, report_of, still_blocked, with_after};
use crate::hook::{run_after, run_hook};
use crate::panic::CatchUnwind;
use crate::{Context, Outcome, SuiteDescriptor, TestDescriptor, TestReport};

use crate::runner::{millis, Runner};

pub(crate) const DEADLINE_PASSED: &str = "not started: the run's deadline passed";

pub(crate) const FAIL_FAST: &str = "not run: an earlier test failed and the run is fail-fast";

/// How each test of the run ended, by full name, for the tests that wait on it.
type Outcomes = HashMap<String, watch::Sender<Option<Outcome>>>;

/// One run's scheduling state, moved into the task that starts the tests.
pub(crate) struct Schedule {
    /// The run's `smoke.run` span, the parent of each test's.
    pub(crate) span: tracing::Span,
    pub(crate) runner: Runner,
    pub(crate) deadline: Option<Instant>,
    pub(crate) failed: Arc<AtomicBool>,
    pub(crate) permits: Arc<Semaphore>,
    /// Reports to the run, one or many at a time (a lane sends what it ran in batches).
    pub(crate) tx: mpsc::UnboundedSender<Vec<TestReport>>,
    /// Each test's ending, published as its report is sent.
    pub(crate) outcomes: Outcomes,
    /// The prerequisites the run added to the tests it was given, with the tests that
    /// require them (the note on a passed one's report).
    pub(crate) added: std::collections::BTreeMap<String, Vec<String>>,
    /// The run's lanes, which the run's task watches.
    pub(crate) lanes: Arc<crate::lane::Lanes>,
}

/// A suite's state within one run: its set-up runs once, its tear-down after its last
/// test.
pub(crate) struct SuiteRun {
    descriptor: &'static SuiteDescriptor,
    set_up: OnceCell<Result<(), String>>,
    remaining: AtomicUsize,
}

impl Schedule {
    pub(crate) async fn run(mut self, tests: Vec<&'static TestDescriptor>, run_skipped: bool) {
        // The tests others wait on publish how they ended.
        for test in &tests {
            for prerequisite in test.prerequisites() {
                self.outcomes
                    .entry(prerequisite.full_name())
                    .or_insert_with(|| watch::channel(None).0);
            }
        }
        let cycles: HashMap<usize, crate::DependencyCycle> =
            if tests.iter().any(|t| !t.requires.is_empty()) {
                crate::depend::cycles(&tests).into_iter().collect()
            } else {
                HashMap::new()
            };
        // Which tests will start, to know when each suite's last one ends.
        let mut seen: HashMap<Cow<'static, str>, &'static TestDescriptor> = HashMap::new();
        let mut plan = Vec::with_capacity(tests.len());
        let mut suites: HashMap<usize, Arc<SuiteRun>> = HashMap::new();
        for test in tests {
            // A registered test with a name of its own cannot clash with another.
            let name = (!crate::names::is_unique(test)).then(|| crate::names::full_name(test));
            if let Some(first) = name.as_ref().and_then(|name| seen.get(name)) {
                let name = name.as_deref().unwrap_or_default();
                let message = format!(
                    "two tests are named {name}: this one and the one at {}:{}; \
                     give one another name with `name = \"...\"`",
                    first.file, first.line
                );
                self.send_unstarted(
                    test,
                    report_of(test, Outcome::Errored, Duration::ZERO, Some(message), None),
                );
                continue;
            }
            if let Some(name) = name {
                seen.insert(name, test);
            }
            if let Some(cycle) = cycles.get(&(test as *const TestDescriptor as usize)) {
                self.send_unstarted(
                    test,
                    report_of(
                        test,
                        Outcome::Errored,
                        Duration::ZERO,
                        Some(cycle.to_string()),
                        None,
                    ),
                );
                continue;
            }
            if let (Some(reason), false) = (test.skip, run_skipped) {
                self.send_unstarted(
                    test,
                    report_of(
                        test,
                        Outcome::Skipped,
                        Duration::ZERO,
                        Some(reason.to_owned()),
                        None,
                    ),
                );
                continue;
            }
            if let Some(suite) = test.suite {
                suites
                    .entry(suite as *const SuiteDescriptor as usize)
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
        // Plain tests run on lanes; the rest start one by one.
        let (plain, plan): (Vec<_>, Vec<_>) = plan
            .into_iter()
            .partition(|test| crate::lane::eligible(&this, test));
        if !plain.is_empty() {
            crate::lane::start(&this, plain);
        }
        for test in plan {
            let suite = test
                .suite
                .map(|s| suites[&(s as *const SuiteDescriptor as usize)].clone());
            if test.requires.is_empty() {
                if !this.clone().start(test, suite).await {
                    break;
                }
                continue;
            }
            // A dependent waits for its prerequisites on a task of its own, so that the
            // tests after it start meanwhile.
            let this = this.clone();
            tokio::spawn(
                async move {
                    if let Some(blocker) = this.blocker(test).await {
                        let why = format!("blocked by {blocker}");
                        this.not_run(test, suite, Outcome::Skipped, &why).await;
                        return;
                    }
                    this.start(test, suite).await;
                }
                .instrument(tracing::Span::current()),
            );
        }
    }

    /// Waits for the prerequisites of `test` to end, in the order it names them: the
    /// first that did not pass, if one did not.
    async fn blocker(&self, test: &'static TestDescriptor) -> Option<String> {
        for prerequisite in test.prerequisites() {
            let name = prerequisite.full_name();
            let Some(sender) = self.outcomes.get(&name) else {
                return Some(name);
            };
            let mut ended = sender.subscribe();
            let outcome = match ended.wait_for(Option::is_some).await {
                Ok(outcome) => *outcome,
                // The run is over.
                Err(_) => return Some(name),
            };
            if outcome != Some(Outcome::Passed) {
                return Some(name);
            }
        }
        None
    }

    /// Starts `test` within the concurrency, the deadline and fail-fast, or reports why it
    /// did not start. False when the run can start no more tests.
    pub(crate) async fn start(
        self: Arc<Self>,
        test: &'static TestDescriptor,
        suite: Option<Arc<SuiteRun>>,
    ) -> bool {
        let this = self;
        if let Some((outcome, why)) = this.why_not_start() {
            this.not_run(test, suite, outcome, why).await;
            return true;
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
                    return true;
                }
            },
            None => acquire.await,
        };
        let Ok(permit) = permit else { return false };
        // A permit freed by a test timed out at the deadline comes at the deadline or
        // after it (this test would start with no time left), and one freed by a failed
        // test comes after fail-fast has said to stop.
        if let Some((outcome, why)) = this.why_not_start() {
            drop(permit);
            this.not_run(test, suite, outcome, why).await;
            return true;
        }
        let span = crate::trace::test_span(&this.span, test);
        tokio::spawn(async move {
            // Run-wide hooks are the host's code: a panic in one errors this test and
            // never loses it from the report. Whatever the test runs, it runs in its
            // span.
            let run = this.run_one(test, suite.as_ref(), &span);
            let report = CatchUnwind(Box::pin(run.instrument(span.clone())))
                .await
                .unwrap_or_else(|panic| {
                    let why = format!(
                        "a run-wide hook panicked: {}",
                        crate::panic::panic_message(&*panic)
                    );
                    report_of(test, Outcome::Errored, Duration::ZERO, Some(why), None)
                });
            this.finish_test(span, report, Some(permit));
            if let Some(suite) = suite {
                this.suite_test_done(&suite).await;
            }
        });
        true
    }

    /// The end of a started test: records its report on its span, ends the span, frees
    /// its permit (unless its lane keeps it for the next test) and sends the report.
    pub(crate) fn finish_test(
        &self,
        span: tracing::Span,
        report: TestReport,
        permit: Option<OwnedSemaphorePermit>,
    ) {
        let mut report = report;
        self.end_test(span, &mut report);
        drop(permit);
        self.send_settled(vec![report]);
    }

    /// The end of a started test but for sending its report: marks the run failed if it
    /// did not pass, records the report on its span and ends the span, and settles the
    /// report (see [`settle`](Self::settle)), which the caller then sends.
    pub(crate) fn end_test(&self, span: tracing::Span, report: &mut TestReport) {
        if report.outcome.is_problem() {
            self.failed.store(true, Ordering::SeqCst);
        }
        crate::trace::record_test(&span, report, &self.runner.config);
        // The span ends before the report is sent, so the run's span ends with it.
        drop(span);
        self.settle(report);
    }

    /// Reports a test that was not started, and why.
    pub(crate) fn not_started(&self, test: &'static TestDescriptor, outcome: Outcome, why: &str) {
        self.send_unstarted(
            test,
            report_of(test, outcome, Duration::ZERO, Some(why.to_owned()), None),
        );
    }

    /// The context of one run of `test`, in its span: in `spare`'s allocation when
    /// nothing else holds it (a lane keeps the context of the test it ran last).
    pub(crate) fn context(
        &self,
        test: &'static TestDescriptor,
        span: &tracing::Span,
        spare: Option<Arc<Context>>,
        now: Instant,
    ) -> Arc<Context> {
        let timeout = self.timeout_for(test, now);
        let (resources, config) = (&self.runner.resources, &self.runner.config);
        if let Some(mut spare) = spare {
            if let Some(slot) = Arc::get_mut(&mut spare) {
                slot.reuse_for(test, resources, config, timeout, span.clone(), now);
                return spare;
            }
        }
        Arc::new(Context::of_run(
            test,
            resources.clone(),
            timeout,
            config.tear_down_grace,
            config.scrub.clone(),
            span.clone(),
            now,
        ))
    }

    /// Why no further test may start, if one may not.
    pub(crate) fn why_not_start(&self) -> Option<(Outcome, &'static str)> {
        self.why_not_start_at(Instant::now())
    }

    /// [`why_not_start`](Self::why_not_start), `now`.
    pub(crate) fn why_not_start_at(&self, now: Instant) -> Option<(Outcome, &'static str)> {
        if self.deadline.is_some_and(|deadline| now >= deadline) {
            return Some((Outcome::TimedOut, DEADLINE_PASSED));
        }
        if self.runner.config.fail_fast && self.failed.load(Ordering::SeqCst) {
            return Some((Outcome::Skipped, FAIL_FAST));
        }
        None
    }

    /// Sends a test's report, and tells the tests waiting on it how it ended.
    fn send(&self, mut report: TestReport) {
        self.settle(&mut report);
        self.send_settled(vec![report]);
    }

    /// Sends reports already settled.
    pub(crate) fn send_settled(&self, reports: Vec<TestReport>) {
        let _ = self.tx.send(reports);
    }

    /// What a report gets before it is sent: the note of a prerequisite the run added, and
    /// the news of how it ended for the tests waiting on it.
    fn settle(&self, report: &mut TestReport) {
        if let Some(dependents) = (!self.added.is_empty())
            .then(|| self.added.get(&*report.name))
            .flatten()
        {
            if report.outcome == Outcome::Passed && report.message.is_none() {
                report.message = Some(format!(
                    "run as a prerequisite of {}",
                    dependents.join(", ")
                ));
            }
        }
        if let Some(ended) = (!self.outcomes.is_empty())
            .then(|| self.outcomes.get(&*report.name))
            .flatten()
        {
            let outcome = report.outcome;
            ended.send_if_modified(|slot| slot.is_none() && slot.replace(outcome).is_none());
        }
    }

    /// Sends the report of a test that was not started, with a span that says so.
    fn send_unstarted(&self, test: &'static TestDescriptor, report: TestReport) {
        let span = crate::trace::test_span(&self.span, test);
        crate::trace::record_test(&span, &report, &self.runner.config);
        drop(span);
        self.send(report);
    }

    async fn not_run(
        &self,
        test: &'static TestDescriptor,
        suite: Option<Arc<SuiteRun>>,
        outcome: Outcome,
        why: &str,
    ) {
        self.send_unstarted(
            test,
            report_of(test, outcome, Duration::ZERO, Some(why.to_owned()), None),
        );
        if let Some(suite) = suite {
            self.suite_test_done(&suite).await;
        }
    }

    /// The timeout of `test` started `now`: its own, or what is left of the run's.
    fn timeout_for(&self, test: &TestDescriptor, now: Instant) -> Duration {
        let own = test.timeout.unwrap_or(self.runner.config.default_timeout);
        match self.deadline {
            Some(deadline) => own.min(deadline.saturating_duration_since(now)),
            None => own,
        }
    }

    async fn run_one(
        &self,
        test: &'static TestDescriptor,
        suite: Option<&Arc<SuiteRun>>,
        span: &tracing::Span,
    ) -> TestReport {
        let start = Instant::now();
        let timeout = self.timeout_for(test, start);
        if let Some(report) = still_blocked(test) {
            return report;
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
        let ctx = Arc::new(Context::of_run(
            test,
            resources,
            timeout,
            grace,
            self.runner.config.scrub.clone(),
            span.clone(),
            Instant::now(),
        ));
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
        let report = report_from(test, outcome, start.elapsed(), &ctx, grace);
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
                name: format!("{}::tear_down_suite", d.full_name()).into(),
                class: d.full_name().into(),
                file: "".into(),
                line: 0,
                tags: Cow::Borrowed(&[]),
                outcome: Outcome::Errored,
                duration_ms: millis(start.elapsed()),
                message: Some(format!("tear_down_suite of {} failed: {why}", d.name)),
                location: None,
            });
        }
    }
}
