//! The report as `application/health+json`, the IETF draft "Health Check Response Format
//! for HTTP APIs" (draft-inadarei-api-health-check).
//!
//! The top-level `status` is `pass` when every test passed, `fail` when any failed,
//! errored or timed out, and `warn` when none failed but some were skipped. With details,
//! `checks` holds one entry per test, keyed by its full name, each an array of one object:
//! `status`, `time` (when the run started), `observedValue` / `observedUnit` (its duration in
//! milliseconds), `output` (why it did not pass), plus the extension `outcome`.
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
//!         line: 3, tags: vec![], outcome: Outcome::Failed, duration_ms: 11.5,
//!         message: Some("connection refused".into()), location: None,
//!     }],
//! };
//! let body: serde_json::Value = serde_json::from_str(&health::render(&report, &RenderOptions::default())).unwrap();
//! assert_eq!(body["status"], "fail");
//! assert_eq!(body["checks"]["app::db_reachable"][0]["output"], "connection refused");
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::report::RenderOptions;
use crate::{Outcome, Report};

/// The media type of this format.
pub const CONTENT_TYPE: &str = "application/health+json";

/// The draft's status of a whole report: `"pass"`, `"fail"` or `"warn"`.
pub fn status(report: &Report) -> &'static str {
    if !report.passed() {
        "fail"
    } else if report.tests.iter().any(|t| t.outcome == Outcome::Skipped) {
        "warn"
    } else {
        "pass"
    }
}

fn check_status(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "pass",
        Outcome::Skipped => "warn",
        Outcome::Failed | Outcome::Errored | Outcome::TimedOut => "fail",
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
}

/// The health+json document of `report` (pretty-printed).
pub fn render(report: &Report, options: &RenderOptions) -> String {
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
                    status: check_status(t.outcome),
                    outcome: t.outcome,
                    time: &report.started_at,
                    observed_value: round3(t.duration_ms),
                    observed_unit: "ms",
                    output: t.message.as_deref(),
                };
                (t.name.as_str(), [check])
            })
            .collect()
    });
    let document = Document {
        status: status(report),
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
    use crate::TestReport;
    use serde_json::Value;

    fn test(name: &str, outcome: Outcome, message: Option<&str>) -> TestReport {
        TestReport {
            name: name.into(),
            class: "m".into(),
            file: "f.rs".into(),
            line: 1,
            tags: vec![],
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
