//! `cargo smoke --url A --url B` and `--each-address` as a real process against real HTTP
//! servers on loopback: the merged formats, the bound on requests in flight, retries per
//! target, a name with several addresses; JUnit read back by Python's junitparser.

#[path = "../common/mod.rs"]
mod common;

mod each_address;
mod formats;
mod min_tests;
mod parallel_and_retry;
mod secrets;

use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use smoke_tests::http_responder::{Responder, Response};

use common::cargo_smoke;

const PASS: &str = r#"{"status": "PASS", "test_classes": 3, "tests_run": 5, "tests_passed": 5,
 "tests_failed": 0, "tests_errored": 0, "failed_tests": [], "errored_tests": [],
 "time": 12.345, "hostname": "web-1"}"#;

const FAIL: &str = r#"{"status": "FAIL", "test_classes": 2, "tests_run": 4, "tests_passed": 2,
 "tests_failed": 1, "tests_errored": 1,
 "failed_tests": ["main.tests.smoke.TestDb.test_write"],
 "errored_tests": ["main.tests.smoke.TestCache.test_get errored: Connection <refused> & gone"],
 "time": 40.5, "hostname": "web-2"}"#;

/// A report from smoke's own endpoint, with each test's detail.
fn ours_passing() -> String {
    use smoke_runtime::Outcome::Passed;
    common::billing_report(&[
        ("ledger_reachable", Passed, None),
        ("invoices_dir_writable", Passed, None),
    ])
}

/// When each request arrived, by path.
type Arrivals = Arc<Mutex<Vec<(String, Instant)>>>;

/// A server whose paths are a fleet's endpoints; it notes when each request arrives.
async fn server(arrivals: Arrivals) -> Responder {
    let late = Arc::new(AtomicUsize::new(0));
    Responder::start(move |request| {
        arrivals
            .lock()
            .unwrap()
            .push((request.path.clone(), Instant::now()));
        match request.path.as_str() {
            "/pass" => Response::json(200, PASS),
            "/ours" => Response::json(200, &ours_passing()),
            "/fail" => Response::json(500, FAIL),
            "/slow/a" | "/slow/b" => Response::json(200, PASS).delayed(Duration::from_secs(1)),
            "/hang" => Response::json(200, PASS).delayed(Duration::from_secs(60)),
            "/late" => {
                if late.fetch_add(1, Ordering::SeqCst) < 2 {
                    Response::text(503, "starting up")
                } else {
                    Response::json(200, PASS)
                }
            }
            "/leaky" => Response::json(
                500,
                r#"{"status": "FAIL", "tests_run": 1, "tests_failed": 1,
                    "failed_tests": ["app.smoke.api failed: token tok-9f8e7d rejected"]}"#,
            ),
            _ => Response::text(404, "not found"),
        }
    })
    .await
}

/// `cargo smoke` with each URL given as `--url`, then `args`.
async fn fleet(urls: &[&str], args: &[&str]) -> Output {
    let mut all: Vec<&str> = urls.iter().flat_map(|url| ["--url", *url]).collect();
    all.extend_from_slice(args);
    cargo_smoke(&all).await
}

/// `xml` as junitparser reads it, or `None` when it is not available here.
fn junitparser(xml: &str) -> Option<Value> {
    smoke_tests::junit::junitparser(xml, Path::new(env!("CARGO_TARGET_TMPDIR")))
}
