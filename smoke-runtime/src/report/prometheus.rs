//! Results as Prometheus text exposition (format 0.0.4).
//!
//! Series (per-test ones only with details):
//!
//! | metric | type | labels | meaning |
//! |---|---|---|---|
//! | `smoke_test_passed` | gauge | `test`, `class` | 1 when the test's latest run passed, 0 when it failed, errored or timed out (skipped tests are left out) |
//! | `smoke_test_outcome` | gauge | `test`, `class`, `outcome` | 1 for the outcome of the test's latest run |
//! | `smoke_test_duration_seconds` | gauge | `test`, `class` | how long the latest run of the test took |
//! | `smoke_test_last_run_timestamp_seconds` | gauge | `test`, `class` | when the run that last ran the test ended (Unix time) |
//! | `smoke_test_consecutive_failures` | gauge | `test`, `class` | runs in a row, up to the latest, that failed, errored or timed out (0 when it passes); from the history |
//! | `smoke_test_last_pass_timestamp_seconds` | gauge | `test`, `class` | when the last run in which the test passed ended (Unix time); absent until it has passed once; from the history |
//! | `smoke_test_reported_passing` | gauge | `test`, `class` | 1 when the test is reported passing after flap damping, 0 when reported failing (absent while pending; see [`damping`](crate::report::damping)); from the history |
//! | `smoke_test_flaky` | gauge | `test`, `class` | 1 when the test's kept runs flip between passing and failing too often; from the history |
//! | `smoke_last_run_passed` | gauge | | 1 when the latest run of every test passed |
//! | `smoke_last_run_timestamp_seconds` | gauge | | when the latest run of every test ended |
//! | `smoke_last_run_duration_seconds` | gauge | | how long it took |
//! | `smoke_last_run_tests` | gauge | `outcome` | its tests by outcome |
//! | `smoke_runs_total` | counter | | runs executed since the process started, of any selection |
//! | `smoke_runs_failed_total` | counter | | of those, runs that failed |
//!
//! The history series come from the coordinator's [`History`] (the endpoint's
//! `/metrics`; [`render`] has none). The time of the last pass is a timestamp rather than
//! a "seconds since" gauge, as Prometheus prefers: it stays right between scrapes and
//! whatever the scrape interval, and `time() - smoke_test_last_pass_timestamp_seconds`
//! is how long ago a test last passed.
//!
//! ```
//! use smoke_runtime::report::{prometheus, RenderOptions};
//! use smoke_runtime::Report;
//!
//! let report = Report { started_at: "2026-01-02T03:04:05.000Z".into(), time_ms: 250.0,
//!     test_classes: 0, tests: vec![] };
//! let text = prometheus::render(&report, &RenderOptions::default());
//! assert!(text.contains("smoke_last_run_passed 1\n"));
//! assert!(text.contains("smoke_last_run_timestamp_seconds 1767323045.25\n"));
//! ```

use std::fmt::Write;
use std::time::UNIX_EPOCH;

use crate::report::damping::Reported;
use crate::report::history::{History, TestHistory};
use crate::report::RenderOptions;
use crate::{Outcome, Report, TestReport};

/// The media type of this format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// What a scrape shows: the latest result of each test, the latest run, and counters.
#[derive(Clone, Debug, Default)]
pub struct Metrics<'a> {
    /// The latest result of each test, with the Unix time (seconds) its run ended.
    pub tests: Vec<(&'a TestReport, f64)>,
    /// The latest run of every test and the Unix time it ended; `None` before the first
    /// one (the endpoint leaves runs of a selection out of it).
    pub last_run: Option<(&'a Report, f64)>,
    /// Runs executed since the process started.
    pub runs_total: u64,
    /// Of those, runs that failed.
    pub runs_failed_total: u64,
    /// Each test's recent runs, for the streak series; `None` leaves them out.
    pub history: Option<&'a History>,
}

/// When `report`'s run ended, in Unix seconds (its start plus its time); 0 when its start
/// time does not parse.
pub fn ended_at(report: &Report) -> f64 {
    humantime::parse_rfc3339_weak(&report.started_at)
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0.0, |d| d.as_secs_f64() + report.time_ms / 1000.0)
}

/// The series of one report, as if it were the only run.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let at = ended_at(report);
    let failed = u64::from(!report.passed());
    render_metrics(
        &Metrics {
            tests: report.tests.iter().map(|t| (t, at)).collect(),
            last_run: Some((report, at)),
            runs_total: 1,
            runs_failed_total: failed,
            history: None,
        },
        options,
    )
}

/// A label value with `\`, `"` and newlines escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

const OUTCOMES: [Outcome; 5] = [
    Outcome::Passed,
    Outcome::Failed,
    Outcome::Errored,
    Outcome::TimedOut,
    Outcome::Skipped,
];

fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::TimedOut => "timed_out",
        other => other.as_str(),
    }
}

/// `smoke_test_reported_passing` and `smoke_test_flaky` of the tests in `streaks`.
fn damped_series(out: &mut String, streaks: &[(&TestHistory, &String)]) {
    header(
        out,
        "smoke_test_reported_passing",
        "gauge",
        "1 when the test is reported passing after flap damping, 0 when reported failing.",
    );
    for (h, id) in streaks {
        let value = match h.reported {
            Reported::Passing => 1,
            Reported::Failing => 0,
            Reported::Pending => continue,
        };
        let _ = writeln!(out, "smoke_test_reported_passing{{{id}}} {value}");
    }
    header(
        out,
        "smoke_test_flaky",
        "gauge",
        "1 when the test's recent runs flip between passing and failing too often.",
    );
    for (h, id) in streaks {
        let _ = writeln!(out, "smoke_test_flaky{{{id}}} {}", u8::from(h.flaky));
    }
}

/// The exposition of `metrics`. Without details the per-test series are left out.
pub fn render_metrics(metrics: &Metrics<'_>, options: &RenderOptions) -> String {
    let mut out = String::with_capacity(1024 + metrics.tests.len() * 600);
    if options.details && !metrics.tests.is_empty() {
        let ids: Vec<String> = metrics
            .tests
            .iter()
            .map(|(t, _)| format!("test=\"{}\",class=\"{}\"", label(&t.name), label(&t.class)))
            .collect();
        header(
            &mut out,
            "smoke_test_passed",
            "gauge",
            "1 when the test's latest run passed, 0 when it failed, errored or timed out.",
        );
        for ((t, _), id) in metrics.tests.iter().zip(&ids) {
            if t.outcome != Outcome::Skipped {
                let _ = writeln!(
                    out,
                    "smoke_test_passed{{{id}}} {}",
                    u8::from(t.outcome == Outcome::Passed)
                );
            }
        }
        header(
            &mut out,
            "smoke_test_outcome",
            "gauge",
            "1 for the outcome of the test's latest run.",
        );
        for ((t, _), id) in metrics.tests.iter().zip(&ids) {
            let _ = writeln!(
                out,
                "smoke_test_outcome{{{id},outcome=\"{}\"}} 1",
                outcome_label(t.outcome)
            );
        }
        header(
            &mut out,
            "smoke_test_duration_seconds",
            "gauge",
            "How long the test's latest run took.",
        );
        for ((t, _), id) in metrics.tests.iter().zip(&ids) {
            let _ = writeln!(
                out,
                "smoke_test_duration_seconds{{{id}}} {}",
                t.duration_ms / 1000.0
            );
        }
        header(
            &mut out,
            "smoke_test_last_run_timestamp_seconds",
            "gauge",
            "When the run that last ran the test ended, in Unix time.",
        );
        for ((_, at), id) in metrics.tests.iter().zip(&ids) {
            let _ = writeln!(out, "smoke_test_last_run_timestamp_seconds{{{id}}} {at}");
        }
        if let Some(history) = metrics.history {
            let streaks: Vec<_> = metrics
                .tests
                .iter()
                .zip(&ids)
                .filter_map(|((t, _), id)| Some((history.get(&t.name)?, id)))
                .collect();
            if !streaks.is_empty() {
                header(
                    &mut out,
                    "smoke_test_consecutive_failures",
                    "gauge",
                    "Runs in a row, up to the latest, in which the test failed, errored or timed out.",
                );
                for (h, id) in &streaks {
                    let _ = writeln!(
                        out,
                        "smoke_test_consecutive_failures{{{id}}} {}",
                        h.consecutive_failures
                    );
                }
                header(
                    &mut out,
                    "smoke_test_last_pass_timestamp_seconds",
                    "gauge",
                    "When the last run in which the test passed ended, in Unix time.",
                );
                for (h, id) in &streaks {
                    if let Some(at) = h.last_pass {
                        let _ =
                            writeln!(out, "smoke_test_last_pass_timestamp_seconds{{{id}}} {at}");
                    }
                }
                damped_series(&mut out, &streaks);
            }
        }
    }
    if let Some((report, at)) = metrics.last_run {
        header(
            &mut out,
            "smoke_last_run_passed",
            "gauge",
            "1 when the latest run of every test passed.",
        );
        let _ = writeln!(out, "smoke_last_run_passed {}", u8::from(report.passed()));
        header(
            &mut out,
            "smoke_last_run_timestamp_seconds",
            "gauge",
            "When the latest run of every test ended, in Unix time.",
        );
        let _ = writeln!(out, "smoke_last_run_timestamp_seconds {at}");
        header(
            &mut out,
            "smoke_last_run_duration_seconds",
            "gauge",
            "How long the latest run took.",
        );
        let _ = writeln!(
            out,
            "smoke_last_run_duration_seconds {}",
            report.time_ms / 1000.0
        );
        header(
            &mut out,
            "smoke_last_run_tests",
            "gauge",
            "The latest run's tests by outcome.",
        );
        for outcome in OUTCOMES {
            let n = report.tests.iter().filter(|t| t.outcome == outcome).count();
            let _ = writeln!(
                out,
                "smoke_last_run_tests{{outcome=\"{}\"}} {n}",
                outcome_label(outcome)
            );
        }
    }
    header(
        &mut out,
        "smoke_runs_total",
        "counter",
        "Smoke runs executed since the process started.",
    );
    let _ = writeln!(out, "smoke_runs_total {}", metrics.runs_total);
    header(
        &mut out,
        "smoke_runs_failed_total",
        "counter",
        "Smoke runs that failed.",
    );
    let _ = writeln!(out, "smoke_runs_failed_total {}", metrics.runs_failed_total);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            started_at: "2026-01-02T03:04:05.000Z".into(),
            time_ms: 1500.0,
            test_classes: 1,
            tests: vec![
                TestReport {
                    name: "m::\"q\"".into(),
                    class: "m".into(),
                    file: "f.rs".into(),
                    line: 1,
                    tags: Default::default(),
                    outcome: Outcome::Failed,
                    duration_ms: 250.0,
                    message: Some("no".into()),
                    location: None,
                },
                TestReport {
                    name: "m::s".into(),
                    class: "m".into(),
                    file: "f.rs".into(),
                    line: 2,
                    tags: Default::default(),
                    outcome: Outcome::Skipped,
                    duration_ms: 0.0,
                    message: None,
                    location: None,
                },
            ],
        }
    }

    #[test]
    fn per_test_series_with_escaped_labels() {
        let text = render(&report(), &RenderOptions::default());
        assert!(
            text.contains("smoke_test_passed{test=\"m::\\\"q\\\"\",class=\"m\"} 0\n"),
            "{text}"
        );
        assert!(!text.contains("smoke_test_passed{test=\"m::s\""), "{text}");
        assert!(
            text.contains("smoke_test_outcome{test=\"m::s\",class=\"m\",outcome=\"skipped\"} 1\n")
        );
        assert!(
            text.contains("smoke_test_duration_seconds{test=\"m::\\\"q\\\"\",class=\"m\"} 0.25\n")
        );
        assert!(
            text.contains("smoke_last_run_timestamp_seconds 1767323046.5\n"),
            "{text}"
        );
        assert!(text.contains("smoke_last_run_tests{outcome=\"failed\"} 1\n"));
        assert!(text.contains("smoke_runs_failed_total 1\n"));
    }

    #[test]
    fn without_details_no_test_is_named() {
        let text = render(
            &report(),
            &RenderOptions {
                details: false,
                color: false,
            },
        );
        assert!(!text.contains("m::"), "{text}");
        assert!(text.contains("smoke_last_run_passed 0\n"));
    }
}
