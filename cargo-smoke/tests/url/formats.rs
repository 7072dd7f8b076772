//! The report in each format: text, JSON, JUnit, Nagios, health and HTML, from
//! django-smoketest's summary and from smoke's own report with each test's detail.

use crate::common::{cargo_smoke, exits, stderr, stdout, stdout_json};

use super::{server, FAIL};

#[tokio::test]
async fn a_passing_endpoint_exits_0_with_the_text_report() {
    let server = server().await;
    let url = server.url("/pass");
    let output = cargo_smoke(&["--url", &url]).await;
    exits(&output, 0);
    assert_eq!(
        stdout(&output),
        format!(
            "PASS\ntest classes: 3\ntests run: 5\ntests passed: 5\ntests failed: 0\n\
             tests errored: 0\ntime: 12.345ms\n\nendpoint: {url} (HTTP 200)\n"
        )
    );
}

#[tokio::test]
async fn a_failing_endpoint_exits_1_and_says_what_failed() {
    let server = server().await;
    let output = cargo_smoke(&["--url", &server.url("/fail")]).await;
    exits(&output, 1);
    let out = stdout(&output);
    assert!(
        out.starts_with("FAIL\ntest classes: 3\ntests run: 5\n"),
        "{out}"
    );
    assert!(
        out.contains("failed tests:\n  main.tests.smoke.TestDb.test_write\n"),
        "{out}"
    );
    assert!(
        out.contains("errored tests:\n  main.tests.smoke.TestCache.test_get errored"),
        "{out}"
    );
    assert!(out.contains("(HTTP 500)"), "{out}");
}

#[tokio::test]
async fn json_is_the_endpoints_document() {
    let server = server().await;
    let output = cargo_smoke(&["--url", &server.url("/fail"), "--format", "json"]).await;
    exits(&output, 1);
    let printed: serde_json::Value = stdout_json(&output);
    let served: serde_json::Value = serde_json::from_str(FAIL).unwrap();
    assert_eq!(printed, served);
}

#[tokio::test]
async fn junit_lists_the_failed_and_errored_tests() {
    let server = server().await;
    let url = server.url("/fail");
    let output = cargo_smoke(&["--url", &url, "--format", "junit"]).await;
    exits(&output, 1);
    let xml = stdout(&output);
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testsuites name="smoke" tests="5" failures="1" errors="1" skipped="0" time="0.041">"#),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(r#"<testsuite name="{url}" "#)),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase classname="smoke" name="main.tests.smoke.TestDb.test_write">"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<error message="main.tests.smoke.TestCache.test_get errored: Connection &lt;refused&gt; &amp; gone" type="errored">"#),
        "{xml}"
    );
}

#[tokio::test]
async fn smokes_own_report_keeps_each_tests_detail() {
    let server = server().await;
    let url = server.url("/ours");
    let output = cargo_smoke(&["--url", &url, "--format", "junit"]).await;
    exits(&output, 1);
    let xml = stdout(&output);
    assert!(xml.contains(r#"name="ledger_reachable""#), "{xml}");
    assert!(
        xml.contains("directory /srv/invoices does not exist"),
        "{xml}"
    );

    let output = cargo_smoke(&["--url", &url]).await;
    exits(&output, 1);
    let out = stdout(&output);
    assert!(out.starts_with("FAIL\n"), "{out}");
    assert!(
        out.contains("billing::smoke::invoices_dir_writable"),
        "{out}"
    );
    assert!(
        out.contains("directory /srv/invoices does not exist"),
        "{out}"
    );
}

#[tokio::test]
async fn nagios_has_plugin_exit_codes_and_performance_data() {
    let server = server().await;
    let output = cargo_smoke(&["--url", &server.url("/pass"), "--format", "nagios"]).await;
    exits(&output, 0);
    assert_eq!(
        stdout(&output),
        "SMOKE OK - 5 tests passed | tests=5;;; failed=0;;; errored=0;;; time=12.3ms\n"
    );

    let output = cargo_smoke(&["--url", &server.url("/fail"), "--format", "nagios"]).await;
    exits(&output, 2);
    let out = stdout(&output);
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        "SMOKE CRITICAL - 2 of 5 tests did not pass: main.tests.smoke.TestDb.test_write, \
         main.tests.smoke.TestCache.test_get | tests=5;;; failed=1;;; errored=1;;; time=40.5ms"
    );
    assert!(
        out.contains("\nmain.tests.smoke.TestCache.test_get errored: Connection"),
        "{out}"
    );

    let output = cargo_smoke(&["--url", &server.url("/garbage"), "--format", "nagios"]).await;
    exits(&output, 3);
    assert!(
        stdout(&output).starts_with("SMOKE UNKNOWN - "),
        "{}",
        stdout(&output)
    );
}

#[tokio::test]
async fn health_and_html_need_each_tests_detail() {
    let server = server().await;
    let output = cargo_smoke(&["--url", &server.url("/ours"), "--format", "health"]).await;
    exits(&output, 1);
    let health: serde_json::Value = stdout_json(&output);
    assert_eq!(health["status"], "fail");
    assert_eq!(
        health["checks"]["billing::smoke::invoices_dir_writable"][0]["output"],
        "directory /srv/invoices does not exist"
    );

    let output = cargo_smoke(&["--url", &server.url("/ours"), "--format", "html"]).await;
    exits(&output, 1);
    let page = stdout(&output);
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(
        page.contains("directory /srv/invoices does not exist"),
        "{page}"
    );

    // django-smoketest's report has no per-test detail to show.
    let output = cargo_smoke(&["--url", &server.url("/pass"), "--format", "html"]).await;
    exits(&output, 2);
    assert!(stdout(&output).is_empty());
    let err = stderr(&output);
    assert!(err.contains("without each test's detail"), "{err}");
    assert!(err.contains("use text, json, junit or nagios"), "{err}");
}
