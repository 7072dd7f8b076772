//! The canary gate, `/gate`: the run routes' selection and access rules, answered the way
//! deployment controllers read an answer.
//!
//! - **`GET /gate`** (and `HEAD`), for Argo Rollouts' `web` metric provider: runs the
//!   selection (`?tag=`, `?test=`, `?fresh=`, as `/` takes them) and answers **200**
//!   with JSON whatever the outcome (and whatever `Accept` says): the JSON report's summary (`status`, `tests_run`,
//!   `tests_passed`, `tests_failed`, `tests_errored`, `tests_timed_out`,
//!   `tests_skipped`, `failed_tests`, `errored_tests`, `test_classes`, `time`,
//!   `started_at`) with a boolean `passed` on top. Argo records a non-2xx answer as an
//!   *Error* of the measurement, not a *Failure*, so a failing run must still be a 200
//!   for `successCondition: result == true` on `jsonPath: "{$.passed}"` to see it. A
//!   request that is wrong (query, token, selection) is still a 4xx, which Argo counts
//!   as an error: the gate is misconfigured, and no test ran.
//! - **`POST /gate`**, for Flagger's webhooks: the body is Flagger's payload
//!   (`{"name", "namespace", "phase", "checksum", "metadata"}`, `Content-Type:
//!   application/json`), whose `metadata` may select tests: `tag` (one tag), `tags`
//!   (comma-separated), `test` (one full name), `tests` (comma-separated), added to any
//!   `?tag=` / `?test=` of the URL. It answers **200** with one line of text when the
//!   selection passes, and **412 Precondition Failed** with one line when it does not:
//!   the counts and, for a caller allowed details, the failing tests' names and the first
//!   one's message, cut short and redacted like every report. Not a 5xx: Flagger's
//!   client retries a 5xx (or a 429) and then reports only "giving up after N
//!   attempt(s)", dropping the body, while a 4xx reaches the canary's events with the
//!   line as it is. A body that is not such a payload is a **400** that runs nothing; one
//!   that is not `application/json` a **415**; one over [`MAX_WEBHOOK_BODY`] bytes a
//!   **413**.
//!
//! Both follow the reported status after flap damping, as every answer does (see
//! [`damping`](crate::report::damping)): with `fail_after = 2`, one failure still
//! passes the gate. `GET`'s `raw_status` is this run's own status, and the one line says
//! `PASS (this run FAIL, damped): ...` when damping changed it.
//!
//! Both follow the run routes' rules of access: the bearer token decides whether the
//! caller may select and see names, a caller without it shares the anonymous runs and
//! interval and gets counts only, a wrong token is a 401, no free slot a 429. Flagger
//! sends no `Authorization` header, so under
//! [`Details::WhenAuthorized`](super::Details::WhenAuthorized) it is a caller without
//! the token: it may run the whole set, but a selection gets 403.
//!
//! ```
//! use smoke_runtime::http::Smoke;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let smoke = Smoke::builder().only(smoke_runtime::Selection::all().tag("none")).build();
//! let argo = http::Request::get("/gate").body(()).unwrap();
//! let response = smoke.handle(argo).await;
//! assert_eq!(response.status(), 200);
//! let json: serde_json::Value = serde_json::from_str(response.body()).unwrap();
//! assert_eq!(json["passed"], true);
//! assert_eq!(json["tests_run"], 0);
//! # }
//! ```

use std::collections::BTreeMap;

use http::header::CONTENT_TYPE;
use http::{Request, Response, StatusCode};
use serde::{Deserialize, Serialize};

use super::answer::{bad_query, plain, too_many_runs};
use super::{parse_query, query, Query, Smoke};
use crate::coordinator::{Ask, Served};
use crate::report::damping::Verdict;
use crate::report::history::History;
use crate::report::json::JsonReport;
use crate::report::RenderOptions;
use crate::{Outcome, Report};

/// The longest webhook body the gate reads, in bytes (Flagger's are a few hundred).
pub const MAX_WEBHOOK_BODY: usize = 64 * 1024;

/// The query parameters the gate takes (`format` has no place: the answer's shape is
/// what the controller reads).
const GATE_QUERY: &[&str] = &["tag", "test", "fresh"];

/// The metadata keys the gate takes from a Flagger webhook.
const METADATA_KEYS: &[&str] = &["tag", "tags", "test", "tests"];

/// How many failing tests the one-line reason names.
const NAMES_IN_REASON: usize = 3;

/// How many characters of the first failing test's message the reason keeps.
const MESSAGE_IN_REASON: usize = 160;

/// The answer to `GET /gate`: the JSON report's summary with `passed` on top.
#[derive(Serialize)]
struct GateJson {
    passed: bool,
    #[serde(flatten)]
    report: JsonReport,
}

/// A Flagger webhook's payload (its `checksum`, and any field Flagger may add, are not
/// read).
#[derive(Deserialize)]
struct Webhook {
    name: String,
    namespace: String,
    phase: String,
    #[serde(default)]
    metadata: Option<BTreeMap<String, String>>,
}

/// The 413 of a webhook body longer than [`MAX_WEBHOOK_BODY`].
pub(crate) fn too_large() -> Response<String> {
    plain(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!("the webhook body is longer than {MAX_WEBHOOK_BODY} bytes"),
    )
}

impl Smoke {
    /// Answers `GET /gate` (and `HEAD`).
    pub(super) async fn gate_get<B>(&self, request: &Request<B>) -> Response<String> {
        let details = match self.details_for(request.headers()) {
            Ok(details) => details,
            Err(response) => return *response,
        };
        let query = match parse_query(request.uri().query().unwrap_or(""), GATE_QUERY) {
            Ok(query) => query,
            Err(why) => return bad_query(&why),
        };
        let served = match self.gate_run(&query, details, request).await {
            Ok(served) => served,
            Err(response) => return *response,
        };
        let verdict = self.shared.coordinator.verdict(&served.report);
        let report = shown(&served.report, details);
        let mut summary = JsonReport::with_history(
            &report,
            &RenderOptions {
                details,
                color: false,
            },
            &History::default(),
            verdict,
        );
        summary.tests = None;
        let body = serde_json::to_string(&GateJson {
            passed: verdict.passes,
            report: summary,
        })
        .unwrap_or_else(|_| r#"{"passed":false,"status":"FAIL"}"#.to_owned());
        let mut response = Response::new(body);
        self.result_headers(&mut response, &served, "application/json", verdict);
        response
    }

    /// Answers `POST /gate`: a Flagger webhook whose body the door has read.
    pub(super) async fn gate_webhook<B>(
        &self,
        request: &Request<B>,
        body: &[u8],
    ) -> Response<String> {
        let details = match self.details_for(request.headers()) {
            Ok(details) => details,
            Err(response) => return *response,
        };
        if body.len() > MAX_WEBHOOK_BODY {
            return too_large();
        }
        if !is_json(request) {
            return plain(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "a webhook body is JSON: send it with `Content-Type: application/json`, as \
                 Flagger does",
            );
        }
        let mut query = match parse_query(request.uri().query().unwrap_or(""), GATE_QUERY) {
            Ok(query) => query,
            Err(why) => return bad_query(&why),
        };
        if let Err(why) = read_webhook(body, &mut query) {
            return plain(
                StatusCode::BAD_REQUEST,
                &format!("malformed Flagger webhook: {why}"),
            );
        }
        let served = match self.gate_run(&query, details, request).await {
            Ok(served) => served,
            Err(response) => return *response,
        };
        let verdict = self.shared.coordinator.verdict(&served.report);
        let report = shown(&served.report, details);
        let status = if verdict.passes {
            StatusCode::OK
        } else {
            StatusCode::PRECONDITION_FAILED
        };
        let mut response = plain(status, &reason(&report, verdict, details));
        self.result_headers(&mut response, &served, "text/plain; charset=utf-8", verdict);
        response
    }

    /// The selection's result for this caller, through the coordinator like `/`'s.
    async fn gate_run<B>(
        &self,
        query: &Query,
        details: bool,
        request: &Request<B>,
    ) -> Result<Served, Box<Response<String>>> {
        let tests = self.tests_for(query, details)?;
        let fresh = query.fresh || super::run::no_cache(request.headers());
        let ask = Ask {
            tests,
            caller: self.caller_for(details),
            fresh,
        };
        self.shared
            .coordinator
            .obtain(ask)
            .await
            .map_err(|busy| Box::new(too_many_runs(busy)))
    }
}

/// The report a caller is shown: as it is with details, else reduced to outcomes.
fn shown(report: &Report, details: bool) -> Report {
    if details {
        report.clone()
    } else {
        report.anonymized()
    }
}

/// Whether the request says its body is JSON (`application/json`, any parameters).
fn is_json<B>(request: &Request<B>) -> bool {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// Reads Flagger's payload and adds its metadata's selection to `query`.
fn read_webhook(body: &[u8], query: &mut Query) -> Result<(), String> {
    let hook: Webhook = serde_json::from_slice(body).map_err(|e| {
        format!(
            "{}; expected Flagger's payload {{\"name\", \"namespace\", \"phase\", \
             \"checksum\", \"metadata\"}}",
            query::shorten(&e.to_string())
        )
    })?;
    if hook.name.trim().is_empty() || hook.namespace.trim().is_empty() {
        return Err("`name` and `namespace` (the canary's) must not be empty".to_owned());
    }
    if hook.phase.is_empty()
        || hook.phase.len() > 32
        || !hook.phase.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return Err(format!(
            "`phase` `{}` is not a canary phase (Progressing, Waiting, Promoting, ...)",
            query::shorten(&hook.phase)
        ));
    }
    for (key, value) in hook.metadata.unwrap_or_default() {
        let values = match key.as_str() {
            "tag" | "test" => vec![value.trim().to_owned()],
            "tags" | "tests" => value.split(',').map(|v| v.trim().to_owned()).collect(),
            "eventType" | "eventMessage" | "timestamp" => {
                return Err(
                    "this is the payload of an `event` webhook, which reports and asks \
                     nothing: point only gating webhooks (pre-rollout, rollout, \
                     confirm-rollout, confirm-promotion, post-rollout) at the gate"
                        .to_owned(),
                )
            }
            _ => {
                return Err(format!(
                    "unknown metadata key `{}`; the gate takes: {}",
                    query::shorten(&key),
                    METADATA_KEYS.join(", ")
                ))
            }
        };
        if values.iter().any(String::is_empty) {
            return Err(format!(
                "metadata `{key}` needs a value{}",
                if key.ends_with('s') {
                    ", as in \"a,b\", without empty items"
                } else {
                    ""
                }
            ));
        }
        let into = if key.starts_with("tag") {
            &mut query.tags
        } else {
            &mut query.tests
        };
        into.extend(values);
    }
    Ok(())
}

/// The one line that says how a run went: the reported status of `verdict` (and this
/// run's, when flap damping changed it), the counts and, with details, which tests did
/// not pass and why the first did not.
fn reason(report: &Report, verdict: Verdict, details: bool) -> String {
    let c = report.counts();
    let status = if verdict.damped() {
        format!(
            "{} (this run {}, damped)",
            verdict.status(),
            verdict.raw_status()
        )
    } else {
        verdict.status().to_owned()
    };
    let mut line = format!(
        "{status}: {} run, {} passed, {} failed, {} errored",
        c.run, c.passed, c.failed, c.errored
    );
    if c.timed_out > 0 {
        line.push_str(&format!(" ({} timed out)", c.timed_out));
    }
    if c.skipped > 0 {
        line.push_str(&format!(", {} skipped", c.skipped));
    }
    let problems: Vec<_> = report.problems().collect();
    if details && !problems.is_empty() {
        let names: Vec<&str> = problems
            .iter()
            .take(NAMES_IN_REASON)
            .map(|t| &*t.name)
            .collect();
        line.push_str(&format!("; not passed: {}", names.join(", ")));
        if problems.len() > NAMES_IN_REASON {
            line.push_str(&format!(" and {} more", problems.len() - NAMES_IN_REASON));
        }
        let first = problems[0];
        let outcome = match first.outcome {
            Outcome::TimedOut => "timed out",
            other => other.as_str(),
        };
        let message = first.message.as_deref().unwrap_or("no message");
        let mut message: String = message.chars().take(MESSAGE_IN_REASON).collect();
        if message.len() < first.message.as_deref().map_or(0, str::len) {
            message.push('…');
        }
        line.push_str(&format!("; {} {outcome}: {message}", first.name));
    }
    // One line: a message's own line breaks and tabs become spaces.
    line.chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TestReport;

    fn test(name: &str, outcome: Outcome, message: Option<&str>) -> TestReport {
        TestReport {
            name: name.to_owned().into(),
            class: "app".to_owned().into(),
            file: "src/lib.rs".to_owned().into(),
            line: 1,
            tags: Default::default(),
            outcome,
            duration_ms: 1.0,
            message: message.map(str::to_owned),
            location: None,
        }
    }

    fn report(tests: Vec<TestReport>) -> Report {
        Report {
            started_at: String::new(),
            time_ms: 1.0,
            test_classes: 1,
            tests,
        }
    }

    #[test]
    fn the_reason_is_one_short_line() {
        let long = format!("line one\nline two {}", "x".repeat(500));
        let run = report(vec![
            test("app::a", Outcome::Failed, Some(&long)),
            test("app::b", Outcome::TimedOut, Some("slow")),
            test("app::c", Outcome::Errored, None),
            test("app::d", Outcome::Errored, None),
            test("app::e", Outcome::Passed, None),
            test("app::f", Outcome::Skipped, Some("off")),
        ]);
        let line = reason(&run, Verdict::raw(&run), true);
        assert!(!line.contains('\n'), "{line}");
        assert!(line.starts_with(
            "FAIL: 5 run, 1 passed, 1 failed, 3 errored (1 timed out), 1 skipped; \
             not passed: app::a, app::b, app::c and 1 more; app::a failed: line one line two"
        ));
        assert!(line.ends_with('…'), "{line}");
        assert!(line.chars().count() < 400, "{line}");
        assert_eq!(
            reason(&run, Verdict::raw(&run), false),
            "FAIL: 5 run, 1 passed, 1 failed, 3 errored (1 timed out), 1 skipped"
        );
        let damped = Verdict {
            passes: true,
            raw_passes: false,
        };
        assert!(reason(&run, damped, false).starts_with("PASS (this run FAIL, damped): 5 run"));
        let ok = report(vec![test("app::e", Outcome::Passed, None)]);
        assert_eq!(
            reason(&ok, Verdict::raw(&ok), true),
            "PASS: 1 run, 1 passed, 0 failed, 0 errored"
        );
    }

    #[test]
    fn webhook_metadata_selects() {
        let mut q = Query::default();
        let body = br#"{"name":"podinfo","namespace":"test","phase":"Progressing",
            "checksum":"85d557f47b","metadata":{"tags":"db, readiness","test":"app::x"}}"#;
        read_webhook(body, &mut q).unwrap();
        assert_eq!(q.tags, ["db", "readiness"]);
        assert_eq!(q.tests, ["app::x"]);
        // Flagger leaves `metadata` out when the webhook has none.
        let mut q = Query::default();
        read_webhook(
            br#"{"name":"p","namespace":"t","phase":"Promoting","checksum":""}"#,
            &mut q,
        )
        .unwrap();
        assert_eq!(q, Query::default());
    }

    #[test]
    fn malformed_webhooks_are_refused() {
        for (body, words) in [
            (&b"not json"[..], "expected"),
            (br#"{"namespace":"t","phase":"Progressing"}"#, "missing field `name`"),
            (br#"{"name":"p","namespace":"t"}"#, "missing field `phase`"),
            (br#"{"name":"","namespace":"t","phase":"Progressing"}"#, "must not be empty"),
            (br#"{"name":"p","namespace":"t","phase":"no such"}"#, "not a canary phase"),
            (br#"{"name":"p","namespace":"t","phase":"Waiting","metadata":{"tag":1}}"#, "invalid type"),
            (br#"{"name":"p","namespace":"t","phase":"Waiting","metadata":{"colour":"red"}}"#, "unknown metadata key `colour`"),
            (br#"{"name":"p","namespace":"t","phase":"Waiting","metadata":{"tags":"a,,b"}}"#, "without empty items"),
            (br#"{"name":"p","namespace":"t","phase":"Waiting","metadata":{"tag":" "}}"#, "needs a value"),
            (br#"{"name":"p","namespace":"t","phase":"Progressing","metadata":{"eventType":"Normal","eventMessage":"m","timestamp":"1"}}"#, "`event` webhook"),
            (br#"[1, 2]"#, "expected"),
        ] {
            let why = read_webhook(body, &mut Query::default()).unwrap_err();
            assert!(why.contains(words), "{why}");
        }
    }
}
