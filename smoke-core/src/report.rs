//! The result of a run: plain, serializable data that every front end formats.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::Location;

/// Text of a report that is usually the registry's own (a test's name, class, file and
/// tags): borrowed from it for the tests a run reports, so that reporting a test copies
/// nothing; owned when read back from JSON or built by hand (`"text".into()` or
/// `String::into()`).
pub type Text = Cow<'static, str>;

/// How one test ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every assertion held.
    Passed,
    /// An assertion did not hold.
    Failed,
    /// It returned an `Err`, panicked, or a fixture failed.
    Errored,
    /// It ran past its timeout or the run's deadline.
    TimedOut,
    /// It did not run: `skip = "..."`, a skip at run time, or fail-fast.
    Skipped,
}

impl Outcome {
    /// `"passed"`, `"failed"`, `"errored"`, `"timed out"` or `"skipped"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Errored => "errored",
            Outcome::TimedOut => "timed out",
            Outcome::Skipped => "skipped",
        }
    }

    /// `"passed"`, `"failed"`, `"errored"`, `"timed_out"` or `"skipped"`: its name in the
    /// JSON report, in spans and in metrics.
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Errored => "errored",
            Outcome::TimedOut => "timed_out",
            Outcome::Skipped => "skipped",
        }
    }

    /// Whether this outcome makes the run fail.
    pub fn is_problem(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::Errored | Outcome::TimedOut)
    }
}

/// One test's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestReport {
    /// Full name: `module::path::test` or `module::path::Suite::test_method`.
    pub name: Text,
    /// The test class it counts towards: its suite, or its module.
    pub class: Text,
    /// Where the test is defined.
    pub file: Text,
    /// The line of the test function.
    pub line: u32,
    /// Its tags.
    pub tags: Cow<'static, [Text]>,
    /// How it ended.
    pub outcome: Outcome,
    /// How long it ran, in milliseconds.
    pub duration_ms: f64,
    /// Why it did not pass (or why it was skipped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Where the failure was raised, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl TestReport {
    /// The result of `test`: how it ended, how long it took, and why.
    pub fn of(
        test: &crate::TestDescriptor,
        outcome: Outcome,
        duration_ms: f64,
        message: Option<String>,
        location: Option<Location>,
    ) -> Self {
        let (name, class, tags) = crate::names::for_report(test);
        TestReport {
            name,
            class,
            file: Cow::Borrowed(test.file),
            line: test.line,
            tags,
            outcome,
            duration_ms,
            message,
            location,
        }
    }

    /// The entry of a test that did not run (or did not finish): `outcome` with `why`.
    pub fn not_run(test: &crate::TestDescriptor, outcome: Outcome, why: &str) -> Self {
        TestReport::of(test, outcome, 0.0, Some(why.to_owned()), None)
    }
}

/// `#1`, `#2`, ...: the name of the test at `i` in an anonymized report. Made once for as
/// many tests as are registered (the reports an endpoint anonymizes), formatted beyond.
fn anonymous_name(i: usize) -> Text {
    static NAMES: std::sync::OnceLock<Box<[String]>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        (1..=crate::registered().len())
            .map(|n| format!("#{n}"))
            .collect()
    });
    match names.get(i) {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(format!("#{}", i + 1)),
    }
}

/// The counts of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Tests that ran: passed + failed + errored + timed out.
    pub run: usize,
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed an assertion.
    pub failed: usize,
    /// Tests that errored, timed-out ones included (as django-smoketest counts them).
    pub errored: usize,
    /// Of the errored, those that timed out.
    pub timed_out: usize,
    /// Tests that did not run.
    pub skipped: usize,
}

/// The result of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// When the run started, RFC 3339 in UTC.
    pub started_at: String,
    /// Wall time of the whole run, in milliseconds.
    pub time_ms: f64,
    /// How many test classes (suites, and modules of free tests) the run touched.
    pub test_classes: usize,
    /// Every selected test, sorted by name.
    pub tests: Vec<TestReport>,
}

impl Report {
    /// Several runs' reports as one: every test (sorted by name, as in one report), the
    /// test classes and the times added up (the runs went one after the other), and the
    /// first start time.
    ///
    /// ```
    /// use smoke_core::Report;
    ///
    /// let run = |at: &str, ms| Report { started_at: at.into(), time_ms: ms, test_classes: 1, tests: vec![] };
    /// let merged = Report::merge([run("2026-11-29T10:00:00.000Z", 2.0), run("2026-11-29T10:00:01.000Z", 3.0)]);
    /// assert_eq!((merged.started_at.as_str(), merged.time_ms, merged.test_classes), ("2026-11-29T10:00:00.000Z", 5.0, 2));
    /// ```
    pub fn merge(reports: impl IntoIterator<Item = Report>) -> Report {
        let mut merged = Report {
            started_at: String::new(),
            time_ms: 0.0,
            test_classes: 0,
            tests: Vec::new(),
        };
        for report in reports {
            if merged.started_at.is_empty() {
                merged.started_at = report.started_at;
            }
            merged.time_ms += report.time_ms;
            merged.test_classes += report.test_classes;
            merged.tests.extend(report.tests);
        }
        merged.tests.sort_by(|a, b| a.name.cmp(&b.name));
        merged
    }

    /// The part of this report about the tests `keep` takes (by their full names). Its
    /// time is the longest of their durations: they ran side by side within this run,
    /// whose own time says nothing of them.
    pub fn subset(&self, keep: impl Fn(&str) -> bool) -> Report {
        let tests: Vec<TestReport> = self
            .tests
            .iter()
            .filter(|t| keep(&t.name))
            .cloned()
            .collect();
        Report {
            started_at: self.started_at.clone(),
            time_ms: tests.iter().map(|t| t.duration_ms).fold(0.0, f64::max),
            test_classes: tests
                .iter()
                .map(|t| &*t.class)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            tests,
        }
    }

    /// The same report with each test reduced to its outcome and duration: named `#1`,
    /// `#2`, ... in one class `smoke`, without tags, place or message. What a caller who
    /// may not see details is shown, so that no format can leak a name.
    pub fn anonymized(&self) -> Report {
        Report {
            started_at: self.started_at.clone(),
            time_ms: self.time_ms,
            test_classes: self.test_classes,
            tests: self
                .tests
                .iter()
                .enumerate()
                .map(|(i, t)| TestReport {
                    name: anonymous_name(i),
                    class: "smoke".into(),
                    file: "".into(),
                    line: 0,
                    tags: Cow::Borrowed(&[]),
                    outcome: t.outcome,
                    duration_ms: t.duration_ms,
                    message: None,
                    location: None,
                })
                .collect(),
        }
    }

    /// Whether no test failed, errored or timed out.
    pub fn passed(&self) -> bool {
        !self.tests.iter().any(|t| t.outcome.is_problem())
    }

    /// `"PASS"` or `"FAIL"`, as django-smoketest says it.
    pub fn status(&self) -> &'static str {
        if self.passed() {
            "PASS"
        } else {
            "FAIL"
        }
    }

    /// The counts by outcome.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for t in &self.tests {
            match t.outcome {
                Outcome::Passed => c.passed += 1,
                Outcome::Failed => c.failed += 1,
                Outcome::Errored => c.errored += 1,
                Outcome::TimedOut => {
                    c.errored += 1;
                    c.timed_out += 1;
                }
                Outcome::Skipped => c.skipped += 1,
            }
        }
        c.run = c.passed + c.failed + c.errored;
        c
    }

    /// The tests that failed, errored or timed out.
    pub fn problems(&self) -> impl Iterator<Item = &TestReport> {
        self.tests.iter().filter(|t| t.outcome.is_problem())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(name: &str, outcome: Outcome) -> TestReport {
        TestReport {
            name: name.to_owned().into(),
            class: "app".into(),
            file: "src/lib.rs".into(),
            line: 1,
            tags: Cow::Borrowed(&[]),
            outcome,
            duration_ms: 1.0,
            message: None,
            location: None,
        }
    }

    fn report(outcomes: &[Outcome]) -> Report {
        Report {
            started_at: "2026-01-01T00:00:00.000Z".to_owned(),
            time_ms: 3.0,
            test_classes: 1,
            tests: outcomes
                .iter()
                .enumerate()
                .map(|(i, o)| test(&format!("app::t{i}"), *o))
                .collect(),
        }
    }

    #[test]
    fn counts_like_django_smoketest_with_timeouts_as_errors() {
        use Outcome::*;
        let r = report(&[Passed, Passed, Failed, Errored, TimedOut, Skipped]);
        assert_eq!(
            r.counts(),
            Counts {
                run: 5,
                passed: 2,
                failed: 1,
                errored: 2,
                timed_out: 1,
                skipped: 1
            }
        );
        assert_eq!(r.status(), "FAIL");
        assert_eq!(r.problems().count(), 3);
    }

    #[test]
    fn skipped_tests_do_not_fail_a_run() {
        let r = report(&[Outcome::Passed, Outcome::Skipped]);
        assert!(r.passed());
        assert_eq!(r.status(), "PASS");
    }

    #[test]
    fn round_trips_through_json() {
        let r = report(&[Outcome::TimedOut]);
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"outcome\":\"timed_out\""), "{json}");
        assert_eq!(serde_json::from_str::<Report>(&json).unwrap(), r);
    }
}
