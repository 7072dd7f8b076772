//! The JSON report: django-smoketest's keys with their meaning, plus each test's detail.
//!
//! ```json
//! {
//!   "status": "FAIL",
//!   "test_classes": 2,
//!   "tests_run": 3,
//!   "tests_passed": 2,
//!   "tests_failed": 1,
//!   "tests_errored": 0,
//!   "failed_tests": ["app::smoke::disk_space failed: 2 GB free, expected 5 GB"],
//!   "errored_tests": [],
//!   "time": 12.5,
//!   "tests_timed_out": 0,
//!   "tests_skipped": 0,
//!   "started_at": "2026-11-24T23:00:00.000Z",
//!   "tests": [{"name": "app::smoke::disk_space", "class": "app::smoke", "outcome": "failed", ...}]
//! }
//! ```
//!
//! - `status`, `test_classes`, `tests_run`, `tests_passed`, `tests_failed`,
//!   `tests_errored`, `failed_tests`, `errored_tests` and `time` are django-smoketest's:
//!   monitors written for it read this report unchanged. Timed-out tests count as errored;
//!   `time` is the run's wall time in milliseconds (to the microsecond, as is each test's
//!   `duration_ms`). The entries of `failed_tests` and `errored_tests` read `full::name failed: message` (django-smoketest's
//!   `module.Class.test failed: message`, with our full names); a timed-out test's entry
//!   says `timed out`.
//! - Added keys: `tests_timed_out` (the part of `tests_errored` that timed out),
//!   `tests_skipped`, `started_at` (RFC 3339, UTC) and `tests`, one object per test with
//!   `name`, `class`, `outcome` (`passed`, `failed`, `errored`, `timed_out`, `skipped`),
//!   `duration_ms`, `tags`, `message` (null when it passed), `file`, `line` (where the test
//!   is defined) and `location` (`{"file", "line"}` where the failure was raised, or null).
//!
//! - With the coordinator's history (the endpoint keeps it, see
//!   [`SmokeBuilder::history`](crate::http::SmokeBuilder::history)), each test that has
//!   run also has `history` (its last runs, oldest first, each
//!   `{"outcome", "duration_ms", "at", "message"}`, `at` in RFC 3339 and `message` the
//!   first line, or null), `consecutive_passes`, `consecutive_failures`, and either
//!   `passing_since` or `failing_since` (RFC 3339: when the first run of the current
//!   streak ended; neither while only skipped). These keys are absent without history.
//!   Beside the raw `outcome` of this run, `status` is the status reported after flap
//!   damping (`passing`, `failing` or `pending`; see [`damping`](crate::report::damping)),
//!   and `flaky` is true when its kept runs flip between passing and failing too often.
//! - The endpoint's answers (every caller's, with details or not) take the top-level
//!   `status` from the reported status of the tests ([`Verdict`]: with `fail_after = 2`,
//!   one failure still says `PASS`), and add `raw_status`, this run's own `PASS` or
//!   `FAIL`. The counts and the two lists stay this run's: they say what ran.
//!
//! Without details the two lists are empty and `tests` is left out (and so is history).
//!
//! [`JsonReport`] reads the document back.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::report::damping::Verdict;
use crate::report::history::{rfc3339, History, HistoryEntry, TestHistory};
use crate::report::RenderOptions;
use crate::{Location, Outcome, Report, TestReport, Text};

/// The JSON report as data: what [`render`] writes and what a client reads back.
///
/// ```
/// use smoke_runtime::report::json::JsonReport;
///
/// let body = r#"{"status": "PASS", "test_classes": 1, "tests_run": 2, "tests_passed": 2,
///     "tests_failed": 0, "tests_errored": 0, "failed_tests": [], "errored_tests": [],
///     "time": 4.5}"#;
/// let report: JsonReport = serde_json::from_str(body).unwrap(); // django-smoketest's too
/// assert!(report.passed());
/// assert_eq!(report.tests_run, 2);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JsonReport {
    /// `"PASS"` or `"FAIL"`: with the coordinator's history, the reported status after
    /// flap damping (see [`Verdict`]); otherwise this run's.
    pub status: String,
    /// `"PASS"` or `"FAIL"`: whether every test of this run passed, beside a reported
    /// `status`; absent from a rendering without a verdict and from django-smoketest's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_status: Option<String>,
    /// How many test classes (suites, and modules of free tests) the run touched.
    pub test_classes: usize,
    /// Tests that ran: passed, failed, errored and timed out.
    pub tests_run: usize,
    /// Tests that passed.
    pub tests_passed: usize,
    /// Tests that failed an assertion.
    pub tests_failed: usize,
    /// Tests that errored or timed out.
    pub tests_errored: usize,
    /// `full::name failed: message`, one per failed test.
    pub failed_tests: Vec<String>,
    /// `full::name errored: message` (or `timed out: ...`), one per errored test.
    pub errored_tests: Vec<String>,
    /// The run's wall time, in milliseconds.
    pub time: f64,
    /// Of the errored, those that timed out.
    #[serde(default)]
    pub tests_timed_out: usize,
    /// Tests that did not run.
    #[serde(default)]
    pub tests_skipped: usize,
    /// When the run started, RFC 3339 in UTC (empty in django-smoketest's reports).
    #[serde(default)]
    pub started_at: String,
    /// Each test's detail; absent when the report was rendered without details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tests: Option<Vec<JsonTest>>,
    /// Who ran the result the endpoint served: `run`, `cache` or `schedule` (see
    /// [`provenance`](crate::report::provenance)); absent from a rendering of a bare
    /// report and from django-smoketest's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// How old the served result was, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_seconds: Option<f64>,
    /// When the served result's run ended, RFC 3339 in UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<String>,
}

/// One test in [`JsonReport::tests`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JsonTest {
    /// Full name: `module::path::test` or `module::path::Suite::test_method`.
    pub name: Text,
    /// The test class it counts towards.
    pub class: Text,
    /// How it ended.
    pub outcome: Outcome,
    /// How long it ran, in milliseconds.
    pub duration_ms: f64,
    /// Its tags.
    pub tags: Cow<'static, [Text]>,
    /// Why it did not pass or was skipped; null when it passed.
    pub message: Option<String>,
    /// The file the test is defined in.
    pub file: Text,
    /// The line of the test function.
    pub line: u32,
    /// Where the failure was raised, when known.
    #[serde(default)]
    pub location: Option<Location>,
    /// Its last runs, oldest first (this one included when it was recorded); absent
    /// without history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<JsonRun>>,
    /// When the first run of its current passing streak ended (RFC 3339); absent unless
    /// it is passing, or without history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passing_since: Option<String>,
    /// When the first run of its current failing streak ended (RFC 3339); absent unless
    /// it is failing, or without history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<String>,
    /// Runs in a row that failed, errored or timed out; absent without history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consecutive_failures: Option<u64>,
    /// Runs in a row that passed; absent without history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consecutive_passes: Option<u64>,
    /// The status reported after flap damping: `passing`, `failing` or `pending`; absent
    /// without history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Whether its kept runs flip between passing and failing too often; absent without
    /// history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flaky: Option<bool>,
}

/// One run in [`JsonTest::history`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JsonRun {
    /// How it ended.
    pub outcome: Outcome,
    /// How long it ran, in milliseconds.
    pub duration_ms: f64,
    /// When its run ended, RFC 3339 in UTC.
    pub at: String,
    /// The first line of its message (cut short); null when it passed.
    pub message: Option<String>,
}

impl From<&HistoryEntry> for JsonRun {
    fn from(entry: &HistoryEntry) -> Self {
        JsonRun {
            outcome: entry.outcome,
            duration_ms: micros(entry.duration_ms),
            at: rfc3339(entry.at),
            message: entry.message.clone(),
        }
    }
}

impl JsonTest {
    /// Adds `history`'s keys to this test.
    fn with_history(mut self, history: &TestHistory) -> Self {
        self.history = Some(history.runs.iter().map(JsonRun::from).collect());
        self.passing_since = history.passing_since.map(rfc3339);
        self.failing_since = history.failing_since.map(rfc3339);
        self.consecutive_failures = Some(history.consecutive_failures);
        self.consecutive_passes = Some(history.consecutive_passes);
        self.status = Some(history.reported.as_str().to_owned());
        self.flaky = Some(history.flaky);
        self
    }
}

impl From<&TestReport> for JsonTest {
    fn from(t: &TestReport) -> Self {
        JsonTest {
            name: t.name.clone(),
            class: t.class.clone(),
            outcome: t.outcome,
            duration_ms: micros(t.duration_ms),
            tags: t.tags.clone(),
            message: t.message.clone(),
            file: t.file.clone(),
            line: t.line,
            location: t.location.clone(),
            history: None,
            passing_since: None,
            failing_since: None,
            consecutive_failures: None,
            consecutive_passes: None,
            status: None,
            flaky: None,
        }
    }
}

impl From<JsonTest> for TestReport {
    fn from(t: JsonTest) -> Self {
        TestReport {
            name: t.name,
            class: t.class,
            file: t.file,
            line: t.line,
            tags: t.tags,
            outcome: t.outcome,
            duration_ms: t.duration_ms,
            message: t.message,
            location: t.location,
        }
    }
}

impl JsonReport {
    /// The JSON report of `report`; without details, the lists are empty and `tests` is
    /// `None`.
    pub fn new(report: &Report, options: &RenderOptions) -> Self {
        let mut json =
            Self::with_history(report, options, &History::default(), Verdict::raw(report));
        json.raw_status = None;
        json
    }

    /// Like [`new`](Self::new), each test with its history from `history` (with
    /// details only), `status` the reported one of `verdict` and `raw_status` its raw
    /// one. The counts and lists are this run's: they say what ran.
    pub fn with_history(
        report: &Report,
        options: &RenderOptions,
        history: &History,
        verdict: Verdict,
    ) -> Self {
        let counts = report.counts();
        let line = |t: &TestReport| {
            format!(
                "{} {}: {}",
                t.name,
                t.outcome.as_str(),
                t.message.as_deref().unwrap_or("no message")
            )
        };
        let (failed, errored) = if options.details {
            (
                report
                    .problems()
                    .filter(|t| t.outcome == Outcome::Failed)
                    .map(line)
                    .collect(),
                report
                    .problems()
                    .filter(|t| t.outcome != Outcome::Failed)
                    .map(line)
                    .collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        JsonReport {
            status: verdict.status().to_owned(),
            raw_status: Some(verdict.raw_status().to_owned()),
            test_classes: report.test_classes,
            tests_run: counts.run,
            tests_passed: counts.passed,
            tests_failed: counts.failed,
            tests_errored: counts.errored,
            failed_tests: failed,
            errored_tests: errored,
            time: micros(report.time_ms),
            tests_timed_out: counts.timed_out,
            tests_skipped: counts.skipped,
            started_at: report.started_at.clone(),
            tests: options.details.then(|| {
                report
                    .tests
                    .iter()
                    .map(|t| match history.get(&t.name) {
                        Some(h) => JsonTest::from(t).with_history(h),
                        None => JsonTest::from(t),
                    })
                    .collect()
            }),
            source: None,
            age_seconds: None,
            ended_at: None,
        }
    }

    /// Whether the run passed (`status` is `"PASS"`).
    pub fn passed(&self) -> bool {
        self.status == "PASS"
    }

    /// The [`Report`] back, when the document has each test's detail (`None` for a
    /// report rendered without details, or django-smoketest's own).
    pub fn to_report(&self) -> Option<Report> {
        let tests = self.tests.as_ref()?;
        Some(Report {
            started_at: self.started_at.clone(),
            time_ms: self.time,
            test_classes: self.test_classes,
            tests: tests.iter().cloned().map(TestReport::from).collect(),
        })
    }
}

/// Milliseconds rounded to the microsecond: `0.026`, not `0.025928999999999997`.
fn micros(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

/// Renders `report` as pretty-printed JSON, ending with a newline.
///
/// ```
/// use smoke_runtime::report::{json, RenderOptions};
/// use smoke_runtime::Report;
///
/// let report = Report {
///     started_at: "2026-01-01T00:00:00.000Z".into(),
///     time_ms: 1.25,
///     test_classes: 0,
///     tests: vec![],
/// };
/// let out = json::render(&report, &RenderOptions::default());
/// let back: json::JsonReport = serde_json::from_str(&out).unwrap();
/// assert_eq!(back.status, "PASS");
/// assert_eq!(back.time, 1.25);
/// ```
pub fn render(report: &Report, options: &RenderOptions) -> String {
    document(&JsonReport::new(report, options))
}

/// Like [`render`], each test with its history from `history` (with details only), the
/// top-level `status` the reported one of `verdict`, with `raw_status` beside it.
pub fn render_with_history(
    report: &Report,
    options: &RenderOptions,
    history: &History,
    verdict: Verdict,
) -> String {
    document(&JsonReport::with_history(report, options, history, verdict))
}

/// `json` pretty-printed, ending with a newline.
fn document(json: &JsonReport) -> String {
    let mut out = serde_json::to_string_pretty(json).expect("a report always serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::text::tests::sample;

    #[test]
    fn golden_with_details() {
        let out = render(&sample(), &RenderOptions::default());
        assert_eq!(
            out,
            r#"{
  "status": "FAIL",
  "test_classes": 2,
  "tests_run": 4,
  "tests_passed": 1,
  "tests_failed": 1,
  "tests_errored": 2,
  "failed_tests": [
    "app::smoke::disk_space failed: free space 2 < 5\n  left: 2\n right: 5"
  ],
  "errored_tests": [
    "app::smoke::Db::test_write errored: connection refused <db> & \"retry\"",
    "app::smoke::slow timed out: timed out after 2s"
  ],
  "time": 3.2,
  "tests_timed_out": 1,
  "tests_skipped": 1,
  "started_at": "2026-11-24T23:00:00.000Z",
  "tests": [
    {
      "name": "app::smoke::Db::test_read",
      "class": "app::smoke::Db",
      "outcome": "passed",
      "duration_ms": 12.25,
      "tags": [
        "db",
        "readiness"
      ],
      "message": null,
      "file": "src/smoke.rs",
      "line": 40,
      "location": null
    },
    {
      "name": "app::smoke::Db::test_write",
      "class": "app::smoke::Db",
      "outcome": "errored",
      "duration_ms": 1.5,
      "tags": [],
      "message": "connection refused <db> & \"retry\"",
      "file": "src/smoke.rs",
      "line": 10,
      "location": null
    },
    {
      "name": "app::smoke::disk_space",
      "class": "app::smoke",
      "outcome": "failed",
      "duration_ms": 1.5,
      "tags": [
        "disk"
      ],
      "message": "free space 2 < 5\n  left: 2\n right: 5",
      "file": "src/smoke.rs",
      "line": 10,
      "location": {
        "file": "src/smoke.rs",
        "line": 31
      }
    },
    {
      "name": "app::smoke::later",
      "class": "app::smoke",
      "outcome": "skipped",
      "duration_ms": 1.5,
      "tags": [],
      "message": "needs staging",
      "file": "src/smoke.rs",
      "line": 10,
      "location": null
    },
    {
      "name": "app::smoke::slow",
      "class": "app::smoke",
      "outcome": "timed_out",
      "duration_ms": 1.5,
      "tags": [],
      "message": "timed out after 2s",
      "file": "src/smoke.rs",
      "line": 10,
      "location": null
    }
  ]
}
"#
        );
    }

    #[test]
    fn golden_without_details() {
        let options = RenderOptions {
            details: false,
            color: true,
        };
        assert_eq!(
            render(&sample(), &options),
            r#"{
  "status": "FAIL",
  "test_classes": 2,
  "tests_run": 4,
  "tests_passed": 1,
  "tests_failed": 1,
  "tests_errored": 2,
  "failed_tests": [],
  "errored_tests": [],
  "time": 3.2,
  "tests_timed_out": 1,
  "tests_skipped": 1,
  "started_at": "2026-11-24T23:00:00.000Z"
}
"#
        );
    }

    #[test]
    fn reads_back_into_the_same_report() {
        let mut report = sample();
        let back: JsonReport =
            serde_json::from_str(&render(&report, &RenderOptions::default())).unwrap();
        report.time_ms = 3.2; // to the microsecond
        assert_eq!(back.to_report(), Some(report.clone()));
        assert!(!back.passed());
        let summary: JsonReport = serde_json::from_str(&render(
            &report,
            &RenderOptions {
                details: false,
                color: false,
            },
        ))
        .unwrap();
        assert_eq!(summary.to_report(), None);
        assert_eq!(summary.tests_errored, 2);
    }
}
