//! `cargo smoke --url` as a real process against a real HTTP server on loopback.

#[path = "../common/mod.rs"]
mod common;

mod command_line;
mod credentials_and_tls;
mod formats;
mod min_tests;
mod no_report;
mod retry;

use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use smoke_tests::http_responder::{Request, Responder, Response};

use common::cargo_smoke;

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
    use smoke_runtime::Outcome::{Failed, Passed};
    common::billing_report(&[
        ("ledger_reachable", Passed, None),
        (
            "invoices_dir_writable",
            Failed,
            Some("directory /srv/invoices does not exist"),
        ),
    ])
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
