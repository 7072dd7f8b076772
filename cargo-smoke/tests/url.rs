//! `cargo smoke --url` as a real process against a real HTTP server on loopback.

mod common;

use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use smoke_tests::http_responder::{Request, Responder, Response};
use smoke_tests::tls::{Ca, TlsServer};

use common::{cargo_smoke, exits, stderr, stdout, stdout_json};

const PASS: &str = r#"{"status": "PASS", "test_classes": 3, "tests_run": 5, "tests_passed": 5,
 "tests_failed": 0, "tests_errored": 0, "failed_tests": [], "errored_tests": [],
 "time": 12.345, "hostname": "web-3"}"#;

const FAIL: &str = r#"{"status": "FAIL", "test_classes": 3, "tests_run": 5, "tests_passed": 3,
 "tests_failed": 1, "tests_errored": 1,
 "failed_tests": ["main.tests.smoke.TestDb.test_write"],
 "errored_tests": ["main.tests.smoke.TestCache.test_get errored: Connection <refused> & gone"],
 "time": 40.5}"#;

const EMPTY: &str = r#"{"status": "PASS", "test_classes": 0, "tests_run": 0, "tests_passed": 0,
 "tests_failed": 0, "tests_errored": 0, "failed_tests": [], "errored_tests": [], "time": 0.1}"#;

/// A report from smoke's own endpoint: with each test's detail.
fn ours_failing() -> String {
    use smoke_runtime::report::{json, RenderOptions};
    use smoke_runtime::{Outcome, Report, TestReport};
    let test = |name: &str, outcome, message: Option<&str>| TestReport {
        name: format!("billing::smoke::{name}").into(),
        class: "billing::smoke".into(),
        file: "src/smoke.rs".into(),
        line: 10,
        tags: Default::default(),
        outcome,
        duration_ms: 1.5,
        message: message.map(Into::into),
        location: None,
    };
    let report = Report {
        started_at: "2026-11-24T23:00:00.000Z".into(),
        time_ms: 3.0,
        test_classes: 1,
        tests: vec![
            test("ledger_reachable", Outcome::Passed, None),
            test(
                "invoices_dir_writable",
                Outcome::Failed,
                Some("directory /srv/invoices does not exist"),
            ),
        ],
    };
    json::render(&report, &RenderOptions::default())
}

/// The endpoint: JSON only for clients that ask for it, like django-smoketest.
fn endpoint(request: &Request, json: &str, status: u16) -> Response {
    if request.header("accept") == Some("application/json") {
        Response::json(status, json)
    } else {
        Response::new(status, "text/html", "<html><body>PASS</body></html>")
    }
}

async fn server() -> Responder {
    let warming = Arc::new(AtomicUsize::new(0));
    Responder::start(move |request| match request.path.as_str() {
        "/pass" => endpoint(request, PASS, 200),
        "/fail" => endpoint(request, FAIL, 500),
        "/ours" => endpoint(request, &ours_failing(), 500),
        "/hang" => endpoint(request, PASS, 200).delayed(std::time::Duration::from_secs(60)),
        "/garbage" => Response::new(200, "text/html", "<html><h1>Welcome to nginx!</h1></html>"),
        "/empty" => endpoint(request, EMPTY, 200),
        "/other-json" => Response::json(200, r#"{"status": "ok", "uptime": 42}"#),
        "/private" => match request.header("authorization") {
            Some("Bearer s3cret") => endpoint(request, PASS, 200),
            // deploy:s3cret
            Some("Basic ZGVwbG95OnMzY3JldA==") => endpoint(request, FAIL, 500),
            _ => Response::json(401, r#"{"detail": "authentication required"}"#),
        },
        "/warming" => {
            if warming.fetch_add(1, Ordering::SeqCst) < 2 {
                Response::text(503, "starting up")
            } else {
                endpoint(request, PASS, 200)
            }
        }
        _ => Response::text(404, "not found"),
    })
    .await
}

/// Runs `cargo smoke --url URL --retry-for RETRY_FOR`, asking again every 50 ms.
async fn cargo_smoke_retrying(url: &str, retry_for: &str) -> Output {
    cargo_smoke(&[
        "--url",
        url,
        "--retry-for",
        retry_for,
        "--retry-interval",
        "50ms",
    ])
    .await
}

/// A loopback port that was free a moment ago and that nothing listens on now.
async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

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
async fn an_unreachable_endpoint_is_no_report() {
    let url = format!("http://127.0.0.1:{}/smoketest", closed_port().await);

    let output = cargo_smoke(&["--url", &url]).await;
    exits(&output, 2);
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains(&format!("cargo smoke: GET {url}: could not connect to")),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("Connection refused"),
        "{}",
        stderr(&output)
    );

    let output = cargo_smoke(&["--url", &url, "--format", "nagios"]).await;
    exits(&output, 3);
    assert!(stdout(&output).starts_with(&format!("SMOKE UNKNOWN - GET {url}: could not connect")));

    let output = cargo_smoke(&["--url", &url, "--format", "junit"]).await;
    exits(&output, 2);
    let xml = stdout(&output);
    assert!(xml.contains(r#"errors="1""#), "{xml}");
    assert!(
        xml.contains(r#"<error message="GET http://127.0.0.1:"#),
        "{xml}"
    );
}

#[tokio::test]
async fn something_that_is_not_a_smoke_report_is_no_report() {
    let server = server().await;
    let output = cargo_smoke(&["--url", &server.url("/garbage")]).await;
    exits(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("answered HTTP 200 with something that is not a smoke report: not JSON"),
        "{err}"
    );
    assert!(err.contains("it answered HTML"), "{err}");

    let output = cargo_smoke(&["--url", &server.url("/other-json")]).await;
    exits(&output, 2);
    assert!(
        stderr(&output).contains(r#"whose "status" is "ok""#),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn credentials_go_in_headers() {
    let server = server().await;
    let url = server.url("/private");
    let output = cargo_smoke(&["--url", &url]).await;
    exits(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("answered HTTP 401"), "{err}");
    assert!(
        err.contains("pass them with --header 'Authorization: ...'"),
        "{err}"
    );

    let output = cargo_smoke(&["--url", &url, "--header", "Authorization: Bearer s3cret"]).await;
    exits(&output, 0);
    assert!(stdout(&output).starts_with("PASS\n"));

    let output = cargo_smoke(&["--url", &url, "--header", "no colon here"]).await;
    exits(&output, 2);
    assert!(stderr(&output).contains("is not `Name: value`"));
}

#[tokio::test]
async fn credentials_in_the_url_are_sent_and_never_printed() {
    let server = server().await;
    let port = server.addr().port();
    let url = format!("http://deploy:s3cret@127.0.0.1:{port}/private");
    let shown = format!("http://deploy:***@127.0.0.1:{port}/private");
    for format in ["text", "junit", "nagios", "json"] {
        let output = cargo_smoke(&["--url", &url, "--format", format]).await;
        // The endpoint accepted the Basic credentials and answered its (failing) report.
        exits(&output, if format == "nagios" { 2 } else { 1 });
        let (out, err) = (stdout(&output), stderr(&output));
        assert!(
            !out.contains("s3cret") && !err.contains("s3cret"),
            "{out}\n{err}"
        );
        if format == "text" {
            assert!(
                out.contains(&format!("endpoint: {shown} (HTTP 500)")),
                "{out}"
            );
        }
        if format == "junit" {
            assert!(
                out.contains(&format!("<testsuite name=\"{shown}\"")),
                "{out}"
            );
        }
    }

    let wrong = format!("http://deploy:hunter2@127.0.0.1:{port}/private");
    for format in ["text", "junit", "nagios"] {
        let output = cargo_smoke(&["--url", &wrong, "--format", format]).await;
        let (out, err) = (stdout(&output), stderr(&output));
        assert!(
            !out.contains("hunter2") && !err.contains("hunter2"),
            "{out}\n{err}"
        );
        assert!(
            out.contains(&format!(
                "http://deploy:***@127.0.0.1:{port}/private answered HTTP 401"
            )) || err.contains(&format!(
                "http://deploy:***@127.0.0.1:{port}/private answered HTTP 401"
            )),
            "{out}\n{err}"
        );
    }

    let closed = format!(
        "http://deploy:hunter2@127.0.0.1:{}/smoketest",
        closed_port().await
    );
    let output = cargo_smoke(&["--url", &closed, "--format", "junit"]).await;
    exits(&output, 2);
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(
        !out.contains("hunter2") && !err.contains("hunter2"),
        "{out}\n{err}"
    );
    assert!(err.contains("GET http://deploy:***@127.0.0.1:"), "{err}");
}

#[tokio::test]
async fn retry_for_waits_for_a_service_that_is_still_starting() {
    let server = server().await;
    let output = cargo_smoke_retrying(&server.url("/warming"), "30s").await;
    exits(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains("attempt 1: ") && err.contains("answered HTTP 503"),
        "{err}"
    );
    assert!(err.contains("attempt 2: "), "{err}");
    assert!(!err.contains("attempt 3: "), "{err}");
    assert!(stdout(&output).starts_with("PASS\n"));
}

#[tokio::test]
async fn retry_for_gives_up_with_the_last_answer() {
    let server = server().await;
    let output = cargo_smoke_retrying(&server.url("/fail"), "300ms").await;
    exits(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("attempt 1: FAIL (HTTP 500, 1 failed, 1 errored of 5)"),
        "{err}"
    );
    assert!(err.contains("still not passing after"), "{err}");
    assert!(stdout(&output).starts_with("FAIL\n"));
}

#[tokio::test]
async fn https_endpoints_are_verified_against_the_ca_given() {
    let ca = Ca::new("Smoke Test CA");
    let server = TlsServer::start(ca.leaf(-1, 90), |request| endpoint(request, PASS, 200)).await;
    let url = format!("https://localhost:{}/smoketest", server.port());

    let output = cargo_smoke(&["--url", &url]).await;
    exits(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("not signed by a CA this machine trusts"),
        "{err}"
    );

    let pem = std::env::temp_dir().join(format!("cargo-smoke-ca-{}.pem", std::process::id()));
    std::fs::write(&pem, &ca.pem).unwrap();
    let output = cargo_smoke(&[
        "--url",
        &url,
        "--cacert",
        pem.to_str().unwrap(),
        "--format",
        "nagios",
    ])
    .await;
    let _ = std::fs::remove_file(&pem);
    exits(&output, 0);
    assert!(
        stdout(&output).starts_with("SMOKE OK - 5 tests passed | "),
        "{}",
        stdout(&output)
    );

    let output = cargo_smoke(&["--url", &url, "--cacert", "/no/such/ca.pem"]).await;
    exits(&output, 2);
    assert!(stderr(&output).contains("cannot read --cacert /no/such/ca.pem"));
}

#[tokio::test]
async fn no_attempt_runs_past_the_end_of_retry_for() {
    let server = server().await;
    let url = server.url("/hang");
    let output = cargo_smoke(&["--url", &url, "--retry-for", "1s", "--timeout", "50s"]).await;
    exits(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains(&format!("GET {url} got no complete answer within 1s")),
        "{err}"
    );
}

#[tokio::test]
async fn tags_and_exact_names_are_asked_of_the_endpoint() {
    // The endpoint answers a report whose hostname is the request's path and query.
    let server = Responder::start(|request| {
        let report =
            serde_json::json!({"status": "PASS", "tests_run": 1, "hostname": request.path});
        Response::json(200, &report.to_string())
    })
    .await;
    let output = cargo_smoke(&[
        "--url",
        &server.url("/smoketest"),
        "--tag",
        "config",
        "--tag",
        "db",
        "--exact",
        "app::smoke::db_up",
        "--format",
        "json",
    ])
    .await;
    exits(&output, 0);
    let printed: serde_json::Value = stdout_json(&output);
    assert_eq!(
        printed["hostname"],
        "/smoketest?tag=config&tag=db&test=app%3A%3Asmoke%3A%3Adb_up"
    );
}

#[tokio::test]
async fn options_the_endpoint_cannot_honour_are_refused() {
    for args in [
        &["--skip", "slow"][..],
        &["--fail-fast"],
        &["--list"],
        &["-p", "api"],
        &["--release"],
        &["--", "--test-threads", "1"],
    ] {
        let mut all = vec!["--url", "http://127.0.0.1:9/smoketest"];
        all.extend_from_slice(args);
        let output = cargo_smoke(&all).await;
        exits(&output, 2);
        let err = stderr(&output);
        assert!(err.contains("cannot be used with"), "{args:?}: {err}");
        assert!(err.contains("--url"), "{args:?}: {err}");
    }
    let output = cargo_smoke(&["--url", "http://127.0.0.1:9/smoketest", "db_"]).await;
    exits(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("the filter 'db_' cannot be used with '--url'"),
        "{err}"
    );
    assert!(err.contains("--exact"), "{err}");
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

#[tokio::test]
async fn with_nagios_a_bad_command_line_is_unknown_not_critical() {
    for args in [
        &[
            "--url",
            "http://127.0.0.1:9/smoketest",
            "--format",
            "nagios",
            "--skip",
            "x",
        ][..],
        &[
            "--url",
            "http://127.0.0.1:9/smoketest",
            "--format=nagios",
            "--timeout",
            "soon",
        ],
        &[
            "--format",
            "nagios",
            "--url",
            "http://127.0.0.1:9/smoketest",
            "--frobnicate",
        ],
        &[
            "--url",
            "http://127.0.0.1:9/smoketest",
            "--format",
            "nagios",
            "db_",
        ],
    ] {
        let output = cargo_smoke(args).await;
        exits(&output, 3);
        let out = stdout(&output);
        assert!(
            out.starts_with("SMOKE UNKNOWN - cargo smoke: bad command line: "),
            "{args:?}: {out}"
        );
        assert!(stderr(&output).contains("error:"), "{}", stderr(&output));
    }
    let output = cargo_smoke(&[
        "--url",
        "http://127.0.0.1:9/smoketest",
        "--format",
        "nagios",
        "--header",
        "no colon",
    ])
    .await;
    exits(&output, 3);
    assert!(
        stdout(&output).starts_with("SMOKE UNKNOWN - cargo smoke: --header \"no colon\""),
        "{}",
        stdout(&output)
    );
    // Without nagios a usage error keeps clap's status 2.
    let output = cargo_smoke(&["--url", "http://127.0.0.1:9/smoketest", "--skip", "x"]).await;
    exits(&output, 2);
    // Help is not an error.
    let output = cargo_smoke(&["--format", "nagios", "--help"]).await;
    exits(&output, 0);
}

#[tokio::test]
async fn a_report_that_ran_no_tests_does_not_pass_the_gate() {
    let server = server().await;
    let url = server.url("/empty");
    let output = cargo_smoke(&["--url", &url]).await;
    exits(&output, 1);
    assert!(stdout(&output).starts_with("PASS\n"), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "cargo smoke: {url}: 0 tests ran, fewer than --min-tests 1"
        )),
        "{err}"
    );

    let output = cargo_smoke(&["--url", &url, "--format", "nagios"]).await;
    exits(&output, 2);
    assert!(
        stdout(&output).starts_with("SMOKE CRITICAL - 0 tests ran, fewer than --min-tests 1"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains(" | tests=0;;; "),
        "{}",
        stdout(&output)
    );

    let output = cargo_smoke(&["--url", &url, "--min-tests", "0", "--format", "nagios"]).await;
    exits(&output, 0);

    let output = cargo_smoke(&["--url", &server.url("/pass"), "--min-tests", "6"]).await;
    exits(&output, 1);
    assert!(stderr(&output).contains("5 tests ran, fewer than --min-tests 6"));

    // --retry-for keeps asking while too few tests ran.
    let output = cargo_smoke_retrying(&url, "300ms").await;
    exits(&output, 1);
    assert!(
        stderr(&output)
            .contains("attempt 1: PASS but too few tests (HTTP 200, 0 run, --min-tests 1)"),
        "{}",
        stderr(&output)
    );
}
