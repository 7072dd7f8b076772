//! How a started test's ending becomes its report: its result, a panic outside its body,
//! a hang (named by the part that did not return), a thread still blocked from an earlier
//! run, and what the run-wide hooks said after it.

use std::time::Duration;

use crate::runner::millis;
use crate::{Context, ErrorKind, Outcome, SmokeResult, TestDescriptor, TestReport};

/// The report of a test whose thread from an earlier run is still blocked: it is not
/// started again until that thread returns.
pub(crate) fn still_blocked(test: &'static TestDescriptor) -> Option<TestReport> {
    let blocked = crate::blocking::still_blocked(test)?;
    let place = blocked
        .phase
        .map_or_else(String::new, |phase| format!(" in {phase}"));
    let message = format!(
        "not started: the thread of an earlier run of this test, timed out {} ago, \
         is still blocked{place}; sync code's thread cannot be stopped, so the test \
         is not started again until that thread returns",
        humantime::format_duration(Duration::from_secs(blocked.since.elapsed().as_secs()))
    );
    Some(report_of(
        test,
        Outcome::TimedOut,
        Duration::ZERO,
        Some(message),
        None,
    ))
}

/// How a started test ended, as its report: `outcome` is what waiting for it gave (a
/// timeout, a panic outside its body, or its result).
pub(crate) fn report_from(
    test: &'static TestDescriptor,
    outcome: Result<Result<SmokeResult, crate::panic::Panic>, tokio::time::error::Elapsed>,
    elapsed: Duration,
    ctx: &Context,
    grace: Duration,
) -> TestReport {
    match outcome {
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
            let e = crate::panic::panic_error(ctx, panic);
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
            Some(hung(ctx, grace)),
            None,
        ),
    }
}

/// Why a test whose run did not end by its timeout plus the grace is reported so: the
/// part of it that never returned.
pub(crate) fn hung(ctx: &Context, grace: Duration) -> String {
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
        Some(what) if what.is_tear_down() => format!(
            "{what} did not return within the test's timeout of {timeout} plus the tear-down \
             grace of {grace}{left_behind}"
        ),
        Some(what) if what.is_set_up() => {
            format!(
                "timed out after {timeout} while setting up: {what} did not return{left_behind}"
            )
        }
        _ => format!(
            "timed out after {timeout}, and it did not end within {grace} more: it holds \
             its thread without yielding{left_behind}"
        ),
    }
}

/// Folds the run-wide hooks' `after` result into a test's report.
pub(crate) fn with_after(mut report: TestReport, after: SmokeResult) -> TestReport {
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

pub(crate) fn report_of(
    test: &TestDescriptor,
    outcome: Outcome,
    elapsed: Duration,
    message: Option<String>,
    location: Option<crate::Location>,
) -> TestReport {
    TestReport::of(test, outcome, millis(elapsed), message, location)
}
