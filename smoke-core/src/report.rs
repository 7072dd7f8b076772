//! The result of a run: plain, serializable data that every front end formats.

use serde::{Deserialize, Serialize};

use crate::Location;

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

    /// Whether this outcome makes the run fail.
    pub fn is_problem(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::Errored | Outcome::TimedOut)
    }
}

/// One test's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestReport {
    /// Full name: `module::path::test` or `module::path::Suite::test_method`.
    pub name: String,
    /// The test class it counts towards: its suite, or its module.
    pub class: String,
    /// Where the test is defined.
    pub file: String,
    /// The line of the test function.
    pub line: u32,
    /// Its tags.
    pub tags: Vec<String>,
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
        TestReport {
            name: test.full_name(),
            class: test.class_name(),
            file: test.file.to_owned(),
            line: test.line,
            tags: test.tags.iter().map(|t| t.to_string()).collect(),
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
            name: name.to_owned(),
            class: "app".to_owned(),
            file: "src/lib.rs".to_owned(),
            line: 1,
            tags: vec![],
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
