//! The plain-text report, beginning exactly like django-smoketest's.
//!
//! ```text
//! FAIL
//! test classes: 2
//! tests run: 3
//! tests passed: 1
//! tests failed: 1
//! tests errored: 1
//! time: 12.500000ms
//!
//! app::smoke::disk_space failed: 2 GB free, expected at least 5 GB
//!     at src/smoke.rs:31
//!
//! app::smoke::Db::test_write errored: connection refused (os error 111)
//!     at src/smoke.rs:58
//! ```
//!
//! The seven first lines are django-smoketest's, with their meaning: timed-out tests count
//! as errored, `time` is the run's wall time in milliseconds with six decimals. Lines
//! `tests timed out: N` and `tests skipped: N` follow when those counts are not zero. The
//! endpoint's first line is the reported status after flap damping
//! ([`render_with_history`]); when that differs from this run's, a line `raw status: FAIL
//! (this run; reported PASS after flap damping)` follows the counts. Then
//! comes each failed, errored or timed-out test (full name, outcome, message, where), then
//! each skipped test with its reason (a test whose prerequisite did not pass reads
//! `blocked by <its full name>`), then each passed test that carries a note (a
//! prerequisite the run added to the selection: `run as a prerequisite of ...`). Without
//! details only the status and counts lines remain.

use std::fmt::Write as _;

use crate::report::damping::{self, Verdict};
use crate::report::history::History;
use crate::report::RenderOptions;
use crate::{Outcome, Report, TestReport};

/// ANSI styles, applied only when colour is on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Paint {
    pub(crate) on: bool,
}

impl Paint {
    pub(crate) const GREEN: &'static str = "32";
    pub(crate) const RED: &'static str = "31";
    pub(crate) const YELLOW: &'static str = "33";
    pub(crate) const BOLD: &'static str = "1";
    pub(crate) const BOLD_GREEN: &'static str = "1;32";
    pub(crate) const BOLD_RED: &'static str = "1;31";
    pub(crate) const DIM: &'static str = "2";

    /// `text` in `style` when colour is on, as it is otherwise.
    pub(crate) fn paint(self, style: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{style}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// The style an outcome is shown in.
    pub(crate) fn outcome_style(outcome: Outcome) -> &'static str {
        match outcome {
            Outcome::Passed => Self::GREEN,
            Outcome::Skipped => Self::YELLOW,
            Outcome::Failed | Outcome::Errored | Outcome::TimedOut => Self::RED,
        }
    }
}

/// Renders `report` as django-smoketest's plain text, followed by what went wrong.
///
/// ```
/// use smoke_runtime::report::{text, RenderOptions};
/// use smoke_runtime::Report;
///
/// let report = Report {
///     started_at: "2026-01-01T00:00:00.000Z".into(),
///     time_ms: 3.200026,
///     test_classes: 0,
///     tests: vec![],
/// };
/// let out = text::render(&report, &RenderOptions::default());
/// assert!(out.starts_with("PASS\ntest classes: 0\ntests run: 0\n"));
/// assert!(out.contains("time: 3.200026ms\n"));
/// ```
pub fn render(report: &Report, options: &RenderOptions) -> String {
    write_report(report, options, Verdict::raw(report))
}

/// Like [`render`], the first line the reported status of `verdict` (after flap
/// damping), a line `raw status: FAIL (this run; reported PASS after flap damping)` after
/// the counts when damping changed it, and with details the notes of
/// [`damping::text_notes`] from `history`.
pub fn render_with_history(
    report: &Report,
    options: &RenderOptions,
    history: &History,
    verdict: Verdict,
) -> String {
    let mut out = write_report(report, options, verdict);
    if options.details {
        out.push_str(&damping::text_notes(report, history));
    }
    out
}

fn write_report(report: &Report, options: &RenderOptions, verdict: Verdict) -> String {
    let paint = Paint { on: options.color };
    let counts = report.counts();
    let mut out = String::new();
    let status_style = if verdict.passes {
        Paint::BOLD_GREEN
    } else {
        Paint::BOLD_RED
    };
    let _ = writeln!(out, "{}", paint.paint(status_style, verdict.status()));
    let _ = writeln!(out, "test classes: {}", report.test_classes);
    let _ = writeln!(out, "tests run: {}", counts.run);
    let _ = writeln!(out, "tests passed: {}", counts.passed);
    let _ = writeln!(out, "tests failed: {}", counts.failed);
    let _ = writeln!(out, "tests errored: {}", counts.errored);
    let _ = writeln!(out, "time: {:.6}ms", report.time_ms);
    if counts.timed_out > 0 {
        let _ = writeln!(out, "tests timed out: {}", counts.timed_out);
    }
    if counts.skipped > 0 {
        let _ = writeln!(out, "tests skipped: {}", counts.skipped);
    }
    if verdict.damped() {
        let _ = writeln!(
            out,
            "raw status: {} (this run; reported {} after flap damping)",
            verdict.raw_status(),
            verdict.status()
        );
    }
    if !options.details {
        return out;
    }
    for test in report.problems() {
        out.push('\n');
        write_test(&mut out, test, paint);
    }
    let mut skipped = report
        .tests
        .iter()
        .filter(|t| t.outcome == Outcome::Skipped)
        .peekable();
    if skipped.peek().is_some() {
        out.push('\n');
        for test in skipped {
            let _ = writeln!(
                out,
                "{} {}: {}",
                paint.paint(Paint::BOLD, &test.name),
                paint.paint(Paint::YELLOW, test.outcome.as_str()),
                test.message.as_deref().unwrap_or("no reason given")
            );
        }
    }
    // A passed test with a message is a prerequisite the run added to the selection.
    let mut noted = report
        .tests
        .iter()
        .filter(|t| t.outcome == Outcome::Passed && t.message.is_some())
        .peekable();
    if noted.peek().is_some() {
        out.push('\n');
        for test in noted {
            let _ = writeln!(
                out,
                "{} {}: {}",
                paint.paint(Paint::BOLD, &test.name),
                paint.paint(Paint::GREEN, test.outcome.as_str()),
                test.message.as_deref().unwrap_or_default()
            );
        }
    }
    out
}

/// One problem: `name outcome: message`, the message's further lines indented, then
/// `    at file:line` (where the failure was raised, else where the test is defined).
fn write_test(out: &mut String, test: &TestReport, paint: Paint) {
    let message = test.message.as_deref().unwrap_or("no message");
    let mut lines = message.lines();
    let _ = writeln!(
        out,
        "{} {}: {}",
        paint.paint(Paint::BOLD, &test.name),
        paint.paint(Paint::outcome_style(test.outcome), test.outcome.as_str()),
        lines.next().unwrap_or("")
    );
    for line in lines {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "    {line}");
        }
    }
    let at = match &test.location {
        Some(location) => location.to_string(),
        None if test.file.is_empty() => return,
        None => format!("{}:{}", test.file, test.line),
    };
    let _ = writeln!(out, "    {}", paint.paint(Paint::DIM, &format!("at {at}")));
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Location;

    fn test(name: &str, class: &str, outcome: Outcome, message: Option<&str>) -> TestReport {
        TestReport {
            name: name.to_owned().into(),
            class: class.to_owned().into(),
            file: "src/smoke.rs".to_owned().into(),
            line: 10,
            tags: Default::default(),
            outcome,
            duration_ms: 1.5,
            message: message.map(str::to_owned),
            location: None,
        }
    }

    /// A run with one test of every outcome, used by the golden tests of every format.
    pub(crate) fn sample() -> Report {
        let mut failed = test(
            "app::smoke::disk_space",
            "app::smoke",
            Outcome::Failed,
            Some("free space 2 < 5\n  left: 2\n right: 5"),
        );
        failed.location = Some(Location {
            file: "src/smoke.rs".to_owned(),
            line: 31,
        });
        failed.tags = vec!["disk".into()].into();
        let mut passed = test(
            "app::smoke::Db::test_read",
            "app::smoke::Db",
            Outcome::Passed,
            None,
        );
        passed.tags = vec!["db".into(), "readiness".into()].into();
        passed.duration_ms = 12.25;
        passed.line = 40;
        Report {
            started_at: "2026-11-24T23:00:00.000Z".to_owned(),
            time_ms: 3.200026,
            test_classes: 2,
            tests: vec![
                passed,
                test(
                    "app::smoke::Db::test_write",
                    "app::smoke::Db",
                    Outcome::Errored,
                    Some("connection refused <db> & \"retry\""),
                ),
                failed,
                test(
                    "app::smoke::later",
                    "app::smoke",
                    Outcome::Skipped,
                    Some("needs staging"),
                ),
                test(
                    "app::smoke::slow",
                    "app::smoke",
                    Outcome::TimedOut,
                    Some("timed out after 2s"),
                ),
            ],
        }
    }

    #[test]
    fn golden_with_details() {
        let out = render(&sample(), &RenderOptions::default());
        assert_eq!(
            out,
            "FAIL\n\
             test classes: 2\n\
             tests run: 4\n\
             tests passed: 1\n\
             tests failed: 1\n\
             tests errored: 2\n\
             time: 3.200026ms\n\
             tests timed out: 1\n\
             tests skipped: 1\n\
             \n\
             app::smoke::Db::test_write errored: connection refused <db> & \"retry\"\n\
             \x20   at src/smoke.rs:10\n\
             \n\
             app::smoke::disk_space failed: free space 2 < 5\n\
             \x20     left: 2\n\
             \x20    right: 5\n\
             \x20   at src/smoke.rs:31\n\
             \n\
             app::smoke::slow timed out: timed out after 2s\n\
             \x20   at src/smoke.rs:10\n\
             \n\
             app::smoke::later skipped: needs staging\n"
        );
    }

    #[test]
    fn golden_without_details() {
        let options = RenderOptions {
            details: false,
            color: false,
        };
        assert_eq!(
            render(&sample(), &options),
            "FAIL\ntest classes: 2\ntests run: 4\ntests passed: 1\ntests failed: 1\n\
             tests errored: 2\ntime: 3.200026ms\ntests timed out: 1\ntests skipped: 1\n"
        );
    }

    #[test]
    fn golden_pass_is_exactly_django() {
        let report = Report {
            started_at: "2026-11-24T23:00:00.000Z".to_owned(),
            time_ms: 0.5,
            test_classes: 1,
            tests: vec![test("m::a", "m", Outcome::Passed, None)],
        };
        assert_eq!(
            render(&report, &RenderOptions::default()),
            "PASS\ntest classes: 1\ntests run: 1\ntests passed: 1\ntests failed: 0\n\
             tests errored: 0\ntime: 0.500000ms\n"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let plain = render(&sample(), &RenderOptions::default());
        assert!(!plain.contains('\x1b'));
        let coloured = render(
            &sample(),
            &RenderOptions {
                details: true,
                color: true,
            },
        );
        assert!(coloured.starts_with("\x1b[1;31mFAIL\x1b[0m\ntest classes: 2\n"));
        assert!(coloured.contains("\x1b[1mapp::smoke::disk_space\x1b[0m \x1b[31mfailed\x1b[0m: "));
        assert!(coloured.contains("\x1b[33mskipped\x1b[0m: needs staging"));
    }
}
