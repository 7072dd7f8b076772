//! The `tracing` spans of a run: `smoke.run` (what started it, what it selected, and at
//! its end the counts) and a child `smoke.test` for each test (name, class, tags, and at
//! its end the outcome, the duration and, when it did not pass, the error status with its
//! message scrubbed). User code a test runs (its body, fixtures, hooks, on a blocking
//! thread too) runs inside its test's span, so spans it opens nest under it.
//!
//! With no subscriber interested, a span costs a check: its fields are neither formatted
//! nor recorded.

use tracing::field::Empty;
use tracing::Span;

use crate::{Counts, Report, RunConfig, TestDescriptor, TestReport};

/// What started a run: the `smoke.trigger` attribute of its `smoke.run` span.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// A direct call of the runner ([`crate::Runner::run`] and its siblings).
    #[default]
    Direct,
    /// A caller of the endpoint or another front door (or the host, through it).
    Request,
    /// The endpoint's background schedule.
    Schedule,
    /// The command line.
    Cli,
}

impl Trigger {
    /// `direct`, `request`, `schedule` or `cli`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Direct => "direct",
            Trigger::Request => "request",
            Trigger::Schedule => "schedule",
            Trigger::Cli => "cli",
        }
    }
}

/// What a run says of itself in its `smoke.run` span: what started it, and what it
/// selected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunLabel {
    /// What started the run.
    pub trigger: Trigger,
    /// What it runs: `all`, a selection's filters and tags
    /// ([`Selection::describe`](crate::Selection::describe)), or test names.
    pub selection: String,
}

/// How many test names a label lists before it counts the rest.
const NAMES_SHOWN: usize = 10;

impl RunLabel {
    /// A label.
    pub fn new(trigger: Trigger, selection: impl Into<String>) -> Self {
        RunLabel {
            trigger,
            selection: selection.into(),
        }
    }

    /// A label naming `tests`: `all` when they are every test there is to run, else
    /// their full names (the first ten, then how many more).
    pub fn of_tests(trigger: Trigger, tests: &[&'static TestDescriptor], all: bool) -> Self {
        if all {
            return RunLabel::new(trigger, "all");
        }
        let mut names: Vec<String> = tests
            .iter()
            .take(NAMES_SHOWN)
            .map(|t| t.full_name())
            .collect();
        if tests.len() > NAMES_SHOWN {
            names.push(format!("and {} more", tests.len() - NAMES_SHOWN));
        }
        RunLabel::new(trigger, names.join(", "))
    }
}

/// The span of a run.
pub(crate) fn run_span(label: &RunLabel) -> Span {
    tracing::info_span!(
        "smoke.run",
        smoke.trigger = label.trigger.as_str(),
        smoke.selection = label.selection.as_str(),
        smoke.tests = Empty,
        smoke.passed = Empty,
        smoke.failed = Empty,
        smoke.errored = Empty,
        smoke.timed_out = Empty,
        smoke.skipped = Empty,
        otel.status_code = Empty,
    )
}

/// Records a finished run's counts on its span (`smoke.errored` counts the timed-out
/// tests too, as [`Counts`] does), and the error status when a test did not pass.
pub(crate) fn record_run(span: &Span, report: &Report) {
    if span.is_disabled() {
        return;
    }
    let Counts {
        passed,
        failed,
        errored,
        timed_out,
        skipped,
        ..
    } = report.counts();
    span.record("smoke.tests", report.tests.len() as i64);
    span.record("smoke.passed", passed as i64);
    span.record("smoke.failed", failed as i64);
    span.record("smoke.errored", errored as i64);
    span.record("smoke.timed_out", timed_out as i64);
    span.record("smoke.skipped", skipped as i64);
    if !report.passed() {
        span.record("otel.status_code", "ERROR");
    }
}

/// The span of one test of the run whose span is `run`: none when nothing records the
/// run's span (then even building the test's fields would be work for nothing).
pub(crate) fn test_span(run: &Span, test: &'static TestDescriptor) -> Span {
    if run.is_disabled() {
        return Span::none();
    }
    tracing::info_span!(
        parent: run,
        "smoke.test",
        smoke.test.name = crate::names::full_name(test).as_ref(),
        smoke.test.class = crate::names::class_name(test).as_ref(),
        smoke.test.tags = test.tags.join(","),
        smoke.test.outcome = Empty,
        smoke.test.duration_ms = Empty,
        otel.status_code = Empty,
        otel.status_description = Empty,
    )
}

/// Records how a test ended on its span: the outcome and duration and, when it failed,
/// errored or timed out, the error status with its message scrubbed by the run's
/// [`RunConfig::scrub`] (or, without one, its secrets masked), so no secret reaches a
/// trace.
pub(crate) fn record_test(span: &Span, report: &TestReport, config: &RunConfig) {
    if span.is_disabled() {
        return;
    }
    span.record("smoke.test.outcome", report.outcome.key());
    span.record("smoke.test.duration_ms", report.duration_ms);
    if report.outcome.is_problem() {
        span.record("otel.status_code", "ERROR");
        let message = report.message.as_deref().unwrap_or(report.outcome.as_str());
        let message = scrubbed(message, config);
        span.record("otel.status_description", message.as_str());
    }
}

/// `message` as the run lets it leave the process.
fn scrubbed(message: &str, config: &RunConfig) -> String {
    match &config.scrub {
        Some(scrub) => scrub.apply(message),
        None => config
            .secrets
            .iter()
            .fold(message.to_owned(), |text, secret| {
                text.replace(secret.as_str(), "***")
            }),
    }
}
