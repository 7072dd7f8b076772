//! The report as `application/health+json`, the IETF draft "Health Check Response Format
//! for HTTP APIs" (draft-inadarei-api-health-check).
//!
//! The top-level `status` is `pass` when every test passed, `fail` when any failed,
//! errored or timed out, and `warn` when none failed but some were skipped. With details,
//! `checks` holds one entry per test, keyed by its full name, each an array of one object:
//! `status`, `time` (when the run started), `observedValue` / `observedUnit` (its duration in
//! milliseconds), `output` (why it did not pass), plus the extension `outcome`.
//!
//! The endpoint renders it with the coordinator's history ([`render_with_history`]): the
//! statuses are then the reported ones after flap damping, the raw `outcome` beside each
//! check's. A failure that damping does not report yet makes its check, and the document,
//! `warn` (healthy, with a concern); a test reported failing is `fail` whatever its latest
//! outcome; and each check of a test with history carries `flaky`, true when its recent
//! runs flip between passing and failing too often.
//!
//! ```
//! use smoke_runtime::report::{health, RenderOptions};
//! use smoke_runtime::{Outcome, Report, TestReport};
//!
//! let report = Report {
//!     started_at: "2026-01-02T03:04:05.000Z".into(),
//!     time_ms: 12.0,
//!     test_classes: 1,
//!     tests: vec![TestReport {
//!         name: "app::db_reachable".into(), class: "app".into(), file: "src/smoke.rs".into(),
//!         line: 3, tags: Default::default(), outcome: Outcome::Failed, duration_ms: 11.5,
//!         message: Some("connection refused".into()), location: None,
//!     }],
//! };
//! let body: serde_json::Value = serde_json::from_str(&health::render(&report, &RenderOptions::default())).unwrap();
//! assert_eq!(body["status"], "fail");
//! assert_eq!(body["checks"]["app::db_reachable"][0]["output"], "connection refused");
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::report::damping::Verdict;
use crate::report::history::History;
use crate::report::RenderOptions;
use crate::{Outcome, Report, TestReport};

/// The media type of this format.
pub const CONTENT_TYPE: &str = "application/health+json";

/// The draft's status of a whole report: `"pass"`, `"fail"` or `"warn"`.
pub fn status(report: &Report) -> &'static str {
    status_of(report, Verdict::raw(report))
}

/// The draft's status of `report` by `verdict`: `fail` when it is reported failing,
/// `warn` when it passes with a concern (a skipped test, or a failure that flap damping
/// does not report yet), `pass` otherwise.
fn status_of(report: &Report, verdict: Verdict) -> &'static str {
    if !verdict.passes {
        "fail"
    } else if !verdict.raw_passes || report.tests.iter().any(|t| t.outcome == Outcome::Skipped) {
        "warn"
    } else {
        "pass"
    }
}

/// The draft's status of one test: by its reported status when `history` has it, the
/// same way as [`status_of`] for a whole report.
fn check_status(test: &TestReport, history: &History) -> &'static str {
    if !history.test_passes(test) {
        "fail"
    } else if test.outcome == Outcome::Passed {
        "pass"
    } else {
        "warn"
    }
}

/// The document, in the draft's order of fields.
#[derive(Serialize)]
struct Document<'a> {
    status: &'static str,
    description: &'static str,
    output: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    checks: Option<BTreeMap<&'a str, [Check<'a>; 1]>>,
}

/// One check: one test's latest result.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Check<'a> {
    component_type: &'static str,
    status: &'static str,
    outcome: Outcome,
    time: &'a str,
    observed_value: f64,
    observed_unit: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<&'a str>,
    /// With history: whether its recent runs flip between passing and failing too often.
    #[serde(skip_serializing_if = "Option::is_none")]
    flaky: Option<bool>,
}

/// The health+json document of `report` (pretty-printed).
pub fn render(report: &Report, options: &RenderOptions) -> String {
    render_with_history(report, options, &History::default(), Verdict::raw(report))
}

/// Like [`render`], the statuses the reported ones after flap damping: the document's by
/// `verdict`, each check's by its test's in `history` (with the raw `outcome` beside
/// it), and each check of a test with history has `flaky`.
pub fn render_with_history(
    report: &Report,
    options: &RenderOptions,
    history: &History,
    verdict: Verdict,
) -> String {
    let c = report.counts();
    let mut summary = format!(
        "{} passed, {} failed, {} errored, {} skipped in {:.0} ms",
        c.passed, c.failed, c.errored, c.skipped, report.time_ms
    );
    if c.timed_out > 0 {
        summary.push_str(&format!(" ({} timed out)", c.timed_out));
    }
    let checks = options.details.then(|| {
        report
            .tests
            .iter()
            .map(|t| {
                let check = Check {
                    component_type: "component",
                    status: check_status(t, history),
                    outcome: t.outcome,
                    time: &report.started_at,
                    observed_value: round3(t.duration_ms),
                    observed_unit: "ms",
                    output: t.message.as_deref(),
                    flaky: history.get(&t.name).map(|h| h.flaky),
                };
                (&*t.name, [check])
            })
            .collect()
    });
    let document = Document {
        status: status_of(report, verdict),
        description: "smoke tests",
        output: summary,
        checks,
    };
    let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
    out.push('\n');
    out
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn test(name: &str, outcome: Outcome, message: Option<&str>) -> TestReport {
        TestReport {
            name: name.to_owned().into(),
            class: "m".into(),
            file: "f.rs".into(),
            line: 1,
            tags: Default::default(),
            outcome,
            duration_ms: 1.23456,
            message: message.map(Into::into),
            location: None,
        }
    }

    fn report(tests: Vec<TestReport>) -> Report {
        Report {
            started_at: "2026-01-02T03:04:05.000Z".into(),
            time_ms: 3.0,
            test_classes: 1,
            tests,
        }
    }

    #[test]
    fn statuses_follow_the_draft() {
        let pass = report(vec![test("m::a", Outcome::Passed, None)]);
        let warn = report(vec![
            test("m::a", Outcome::Passed, None),
            test("m::b", Outcome::Skipped, Some("not here")),
        ]);
        let fail = report(vec![test("m::a", Outcome::TimedOut, Some("slow"))]);
        assert_eq!(status(&pass), "pass");
        assert_eq!(status(&warn), "warn");
        assert_eq!(status(&fail), "fail");
        let v: Value = serde_json::from_str(&render(&warn, &RenderOptions::default())).unwrap();
        assert_eq!(v["checks"]["m::b"][0]["status"], "warn");
        assert_eq!(v["checks"]["m::a"][0]["observedValue"], 1.235);
        assert_eq!(v["checks"]["m::a"][0]["time"], "2026-01-02T03:04:05.000Z");
    }

    #[test]
    fn fields_come_in_the_drafts_order() {
        let out = render(
            &report(vec![test("m::a", Outcome::Failed, Some("no"))]),
            &RenderOptions::default(),
        );
        assert!(
            out.starts_with("{\n  \"status\": \"fail\",\n  \"description\""),
            "{out}"
        );
        let check = out.find("\"componentType\"").unwrap();
        assert!(check < out.find("\"observedValue\"").unwrap());
        assert!(out.find("\"observedValue\"").unwrap() < out.find("\"output\": \"no\"").unwrap());
    }

    #[test]
    fn without_details_there_are_no_checks() {
        let fail = report(vec![test("m::secret_name", Outcome::Failed, Some("why"))]);
        let out = render(
            &fail,
            &RenderOptions {
                details: false,
                color: false,
            },
        );
        assert!(
            !out.contains("secret_name") && !out.contains("why"),
            "{out}"
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["status"], "fail");
        assert!(v.get("checks").is_none());
    }
}
