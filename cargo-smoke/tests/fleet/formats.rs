//! The merged report in each format: text, JSON and Nagios for three endpoints, JUnit with
//! a testsuite per target read back by junitparser, and the formats that are one endpoint's
//! document refused.

use serde_json::Value;

use crate::common::{exits, stderr, stdout, stdout_json};

use smoke_tests::port::free_port;

use super::{fleet, junitparser, server, Arrivals, PASS};

#[tokio::test]
async fn three_endpoints_give_one_report_in_each_format() {
    let server = server(Arrivals::default()).await;
    let (pass, fail) = (server.url("/pass"), server.url("/fail"));
    let dead = format!("http://127.0.0.1:{}/smoketest", free_port());
    let urls = [pass.as_str(), fail.as_str(), dead.as_str()];

    // Text: a block per target under its label, then the total.
    let output = fleet(&urls, &[]).await;
    exits(&output, 1);
    let out = stdout(&output);
    assert!(
        out.starts_with(&format!(
            "== {pass}: PASS\nPASS\ntest classes: 3\ntests run: 5\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "\nendpoint: {pass} (HTTP 200)\n\n== {fail}: FAIL\nFAIL\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "== {dead}: NO REPORT\nGET {dead}: could not connect"
        )),
        "{out}"
    );
    assert!(
        out.ends_with(
            "total: FAIL, 3 targets (1 passed, 1 failed, 1 without a report), 9 tests run \
             (7 passed, 1 failed, 1 errored)\n"
        ),
        "{out}"
    );
    assert!(
        stderr(&output).contains(&format!(
            "cargo smoke: {dead}: GET {dead}: could not connect"
        )),
        "{}",
        stderr(&output)
    );

    // JSON: each target's own report, and the counts summed.
    let output = fleet(&urls, &["--format", "json"]).await;
    exits(&output, 1);
    let json: Value = stdout_json(&output);
    assert_eq!(json["status"], "FAIL");
    let targets = json["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 3);
    assert_eq!(targets[0]["target"], pass.as_str());
    assert_eq!(targets[0]["status"], "PASS");
    assert_eq!(
        targets[0]["report"],
        serde_json::from_str::<Value>(PASS).unwrap()
    );
    assert_eq!(targets[0]["error"], Value::Null);
    assert_eq!(targets[1]["status"], "FAIL");
    assert_eq!(targets[1]["http_status"], 500);
    assert_eq!(targets[1]["report"]["hostname"], "web-2");
    assert_eq!(targets[2]["status"], "ERROR");
    assert_eq!(targets[2]["report"], Value::Null);
    assert!(targets[2]["error"]
        .as_str()
        .unwrap()
        .contains("Connection refused"));
    assert_eq!(
        json["total"],
        serde_json::json!({"targets": 3, "targets_passed": 1, "targets_failed": 1,
            "targets_without_report": 1, "test_classes": 5, "tests_run": 9, "tests_passed": 7,
            "tests_failed": 1, "tests_errored": 1})
    );

    // Nagios: the worst state (a failure beats a missing report), perfdata per target.
    let output = fleet(&urls, &["--format", "nagios"]).await;
    exits(&output, 2);
    let out = stdout(&output);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "SMOKE CRITICAL - 1 of 3 targets failed (1 passed, 1 without a report): {fail} | \
             targets=3;;; passed=1;;; failed=1;;; no_report=1;;; '{pass} tests'=5;;; \
             '{pass} failed'=0;;; '{pass} errored'=0;;; '{pass} time'=12.3ms \
             '{fail} tests'=4;;; '{fail} failed'=1;;; '{fail} errored'=1;;; \
             '{fail} time'=40.5ms '{dead} tests'=U;;;"
        )
    );
    assert_eq!(
        lines.next().unwrap(),
        format!("{pass}: OK - 5 tests passed")
    );
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "{fail}: CRITICAL - 2 of 4 tests did not pass: main.tests.smoke.TestDb.test_write, \
             main.tests.smoke.TestCache.test_get"
        )
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with(&format!("{dead}: UNKNOWN - GET {dead}: could not connect")),
        "{out}"
    );

    // Without the failing target: UNKNOWN, exit 2 (Nagios 3).
    let output = fleet(&[&pass, &dead], &[]).await;
    exits(&output, 2);
    let output = fleet(&[&pass, &dead], &["--format", "nagios"]).await;
    exits(&output, 3);
    assert!(
        stdout(&output).starts_with(&format!(
            "SMOKE UNKNOWN - 1 of 2 targets gave no report (1 passed): {dead} | targets=2;;; "
        )),
        "{}",
        stdout(&output)
    );
    // All passing: OK, exit 0.
    let ours = server.url("/ours");
    let output = fleet(&[&pass, &ours], &["--format", "nagios"]).await;
    exits(&output, 0);
    assert!(
        stdout(&output).starts_with("SMOKE OK - 2 targets passed, 7 tests | targets=2;;; "),
        "{}",
        stdout(&output)
    );
    exits(&fleet(&[&pass, &ours], &[]).await, 0);
}

#[tokio::test]
async fn junit_has_a_testsuite_per_target_that_junitparser_reads() {
    let server = server(Arrivals::default()).await;
    let (pass, fail, ours) = (
        server.url("/pass"),
        server.url("/fail"),
        server.url("/ours"),
    );
    let dead = format!("http://127.0.0.1:{}/smoketest", free_port());
    let output = fleet(&[&ours, &fail, &dead, &pass], &["--format", "junit"]).await;
    exits(&output, 1);
    let xml = stdout(&output);
    let Some(parsed) = junitparser(&xml) else {
        return;
    };
    let suites = parsed["suites"].as_array().unwrap();
    let names: Vec<&str> = suites.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, [&ours, &fail, &dead, &pass]);
    // The totals are the sums of the suites'.
    for key in ["tests", "failures", "errors", "skipped"] {
        let sum: u64 = suites.iter().map(|s| s[key].as_u64().unwrap()).sum();
        assert_eq!(parsed[key].as_u64().unwrap(), sum, "{key}\n{xml}");
    }
    assert_eq!(
        (&parsed["tests"], &parsed["failures"], &parsed["errors"]),
        (
            &Value::from(2 + 4 + 1 + 5),
            &Value::from(1),
            &Value::from(2)
        ),
        "{xml}"
    );
    // smoke's own report: a case per test, named without its class.
    let cases = suites[0]["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0]["classname"], "billing::smoke");
    assert_eq!(cases[0]["name"], "ledger_reachable");
    assert_eq!(cases[0]["results"], serde_json::json!([]));
    // django-smoketest's: a case per failed and errored entry.
    let cases = suites[1]["cases"].as_array().unwrap();
    assert_eq!(cases[0]["results"][0]["kind"], "Failure");
    assert_eq!(cases[1]["name"], "main.tests.smoke.TestCache.test_get");
    assert_eq!(
        cases[1]["results"][0]["message"],
        "main.tests.smoke.TestCache.test_get errored: Connection <refused> & gone"
    );
    assert_eq!(suites[1]["properties"]["url"], fail.as_str());
    // The unreachable target: one errored case saying why.
    assert_eq!(suites[2]["tests"], 1);
    let result = &suites[2]["cases"][0]["results"][0];
    assert_eq!(result["kind"], "Error");
    assert_eq!(result["type"], "no report");
    assert!(
        result["message"]
            .as_str()
            .unwrap()
            .contains("Connection refused"),
        "{xml}"
    );
}

#[tokio::test]
async fn formats_that_are_one_endpoints_document_are_refused() {
    let output = fleet(
        &["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"],
        &["--format", "html"],
    )
    .await;
    exits(&output, 2);
    assert!(
        stderr(&output).contains("use text, json, junit or nagios"),
        "{}",
        stderr(&output)
    );
}
