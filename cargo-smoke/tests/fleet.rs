//! `cargo smoke --url A --url B` and `--each-address` as a real process against real HTTP
//! servers on loopback: the merged formats, the bound on requests in flight, retries per
//! target, a name with several addresses; JUnit read back by Python's junitparser.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use smoke_tests::http_responder::{serve, Handler, Request, Responder, Response};
use smoke_tests::tls::{Ca, TlsServer};
use tokio::net::TcpListener;

use common::{cargo_smoke, cargo_smoke_command, exits, stderr, stdout, stdout_json};

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
    use smoke_runtime::report::{json, RenderOptions};
    use smoke_runtime::{Outcome, Report, TestReport};
    let test = |name: &str, outcome| TestReport {
        name: format!("billing::smoke::{name}").into(),
        class: "billing::smoke".into(),
        file: "src/smoke.rs".into(),
        line: 10,
        tags: Default::default(),
        outcome,
        duration_ms: 1.5,
        message: None,
        location: None,
    };
    let report = Report {
        started_at: "2026-11-24T23:00:00.000Z".into(),
        time_ms: 3.0,
        test_classes: 1,
        tests: vec![
            test("ledger_reachable", Outcome::Passed),
            test("invoices_dir_writable", Outcome::Passed),
        ],
    };
    json::render(&report, &RenderOptions::default())
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

/// A loopback port that was free a moment ago and that nothing listens on now.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
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

#[tokio::test]
async fn three_endpoints_give_one_report_in_each_format() {
    let server = server(Arrivals::default()).await;
    let (pass, fail) = (server.url("/pass"), server.url("/fail"));
    let dead = format!("http://127.0.0.1:{}/smoketest", closed_port().await);
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
    let dead = format!("http://127.0.0.1:{}/smoketest", closed_port().await);
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
async fn parallel_bounds_the_requests_in_flight() {
    let arrivals = Arrivals::default();
    let server = server(arrivals.clone()).await;
    let (a, b) = (server.url("/slow/a"), server.url("/slow/b"));
    // Each slow endpoint answers a second after its request arrives.
    let answer_time = Duration::from_secs(1);
    let taken = |arrivals: &Arrivals| {
        let mut seen = std::mem::take(&mut *arrivals.lock().unwrap());
        seen.sort_by_key(|(_, at)| *at);
        assert_eq!(seen.len(), 2, "{seen:?}");
        seen[1].1 - seen[0].1
    };

    let output = fleet(&[&a, &b], &["--parallel", "1"]).await;
    exits(&output, 0);
    let gap = taken(&arrivals);
    assert!(
        gap >= answer_time,
        "with --parallel 1 the second request went out {gap:?} after the first, before \
         the first was answered"
    );

    let output = fleet(&[&a, &b], &["--parallel", "2"]).await;
    exits(&output, 0);
    let gap = taken(&arrivals);
    assert!(
        gap < answer_time,
        "with --parallel 2 the second request waited {gap:?} for the first's answer"
    );

    let output = fleet(&[&a, &b], &["--parallel", "0"]).await;
    exits(&output, 2);
}

#[tokio::test]
async fn each_target_retries_in_its_own_window() {
    let arrivals = Arrivals::default();
    let server = server(arrivals.clone()).await;
    let (pass, late) = (server.url("/pass"), server.url("/late"));
    let output = fleet(
        &[&late, &pass],
        &["--retry-for", "30s", "--retry-interval", "300ms"],
    )
    .await;
    exits(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "cargo smoke: {late}: attempt 1: {late} answered HTTP 503"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("cargo smoke: {late}: attempt 2: ")),
        "{err}"
    );
    assert!(!err.contains(&format!("{pass}: attempt")), "{err}");
    let seen = arrivals.lock().unwrap().clone();
    let at = |path: &str| -> Vec<Instant> {
        seen.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, at)| *at)
            .collect()
    };
    let (passes, lates) = (at("/pass"), at("/late"));
    assert_eq!(passes.len(), 1, "{seen:?}");
    assert_eq!(lates.len(), 3, "{seen:?}");
    // The passing target was asked once, at the start, not after the late one's retries.
    assert!(passes[0] < lates[1], "{seen:?}");
    assert!(stdout(&output).contains(&format!("== {late}: PASS\n")));

    // A target that hangs is given up at the end of its own window; the others answer.
    let hang = server.url("/hang");
    let started = Instant::now();
    let output = fleet(
        &[&pass, &hang],
        &["--retry-for", "1s", "--format", "nagios"],
    )
    .await;
    exits(&output, 3);
    assert!(
        stdout(&output).contains(&format!(
            "{hang}: UNKNOWN - GET {hang} got no complete answer within 1s"
        )),
        "{}",
        stdout(&output)
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn secrets_are_scrubbed_from_every_targets_part() {
    let server = server(Arrivals::default()).await;
    let port = server.addr().port();
    let leaky = format!("http://deploy:pw-4711@127.0.0.1:{port}/leaky");
    let dead = format!(
        "http://deploy:pw-4711@127.0.0.1:{}/smoketest",
        closed_port().await
    );
    for format in ["text", "json", "junit", "nagios"] {
        let output = tokio::process::Command::from(cargo_smoke_command())
            .args([
                "--url",
                &leaky,
                "--url",
                &dead,
                "--secret-env",
                "FLEET_TOKEN",
            ])
            .args(["--format", format])
            .env("FLEET_TOKEN", "tok-9f8e7d")
            .output()
            .await
            .unwrap();
        exits(&output, if format == "nagios" { 2 } else { 1 });
        let (out, err) = (stdout(&output), stderr(&output));
        for secret in ["pw-4711", "tok-9f8e7d"] {
            assert!(
                !out.contains(secret) && !err.contains(secret),
                "{format}: {out}\n{err}"
            );
        }
        assert!(out.contains("deploy:***@127.0.0.1"), "{format}: {out}");
    }
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

/// A server on one port of both 127.0.0.1 and ::1; each answers a passing report whose
/// hostname is the address it was asked on, and notes the Host header it was sent.
async fn dual_stack_server(
    hosts: Arc<Mutex<Vec<String>>>,
) -> (u16, Vec<tokio::task::JoinHandle<()>>) {
    loop {
        let v4 = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = v4.local_addr().unwrap().port();
        let Ok(v6) = TcpListener::bind(("::1", port)).await else {
            continue;
        };
        let tasks = [v4, v6]
            .into_iter()
            .map(|listener| {
                let address: SocketAddr = listener.local_addr().unwrap();
                let hosts = hosts.clone();
                let handler: Handler = Arc::new(move |request: &Request| {
                    hosts
                        .lock()
                        .unwrap()
                        .push(request.header("host").unwrap_or("").to_owned());
                    let report = serde_json::json!({"status": "PASS", "tests_run": 1,
                        "hostname": address.ip().to_string()});
                    Response::json(200, &report.to_string())
                });
                tokio::spawn(async move {
                    while let Ok((stream, _)) = listener.accept().await {
                        let handler = handler.clone();
                        tokio::spawn(async move {
                            let _ = serve(stream, &handler).await;
                        });
                    }
                })
            })
            .collect();
        return (port, tasks);
    }
}

/// Runs `cargo smoke ARGS` where the name `fleet.test` resolves to 127.0.0.1 and ::1:
/// in a user and mount namespace of its own (`unshare`), with a hosts file of the test's
/// bind-mounted over /etc/hosts there only; the system's resolver reads it as usual.
/// `None` when this machine cannot make such a namespace.
async fn with_fleet_test_name(args: &[&str]) -> Option<Output> {
    let hosts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fleet-hosts");
    std::fs::write(&hosts, "127.0.0.1 fleet.test\n::1 fleet.test\n").unwrap();
    let probe = Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            "mount --bind \"$0\" /etc/hosts && getent ahosts fleet.test",
        ])
        .arg(&hosts)
        .output();
    match probe {
        Ok(out) if out.status.success() && String::from_utf8_lossy(&out.stdout).contains("::1") => {
        }
        _ => return None,
    }
    let output = tokio::process::Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            "mount --bind \"$0\" /etc/hosts && exec \"$@\"",
        ])
        .arg(&hosts)
        .arg(env!("CARGO_BIN_EXE_cargo-smoke"))
        .arg("smoke")
        .args(args)
        .output()
        .await
        .unwrap();
    Some(output)
}

#[tokio::test]
async fn each_address_asks_every_address_of_a_name() {
    let hosts = Arc::new(Mutex::new(Vec::new()));
    let (port, tasks) = dual_stack_server(hosts.clone()).await;
    let url = format!("http://fleet.test:{port}/smoketest");
    let args = ["--url", url.as_str(), "--each-address", "--format", "json"];
    let (output, labels) = match with_fleet_test_name(&args).await {
        Some(output) => (
            output,
            vec![
                format!("fleet.test:{port} (127.0.0.1)"),
                format!("fleet.test:{port} (::1)"),
            ],
        ),
        None => {
            // No private namespace here: `localhost`, whatever the system resolves it to.
            eprintln!("note: unshare is not available; checking localhost's addresses");
            let url = format!("http://localhost:{port}/smoketest");
            let mut found: Vec<SocketAddr> = tokio::net::lookup_host(("localhost", port))
                .await
                .unwrap()
                .collect();
            found.sort();
            found.dedup();
            let labels = found
                .iter()
                .map(|a| format!("localhost:{port} ({})", a.ip()))
                .collect();
            let output = cargo_smoke(&["--url", &url, "--each-address", "--format", "json"]).await;
            (output, labels)
        }
    };
    exits(&output, 0);
    let json: Value = stdout_json(&output);
    let targets = json["targets"].as_array().unwrap();
    let shown: Vec<&str> = targets
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    assert_eq!(shown, labels);
    // Each address answered for itself, and each request named the host, not the address.
    for target in targets {
        assert_eq!(target["report"]["hostname"], target["address"]);
    }
    let host = labels[0].split(' ').next().unwrap().to_owned();
    assert_eq!(*hosts.lock().unwrap(), vec![host; labels.len()]);
    tasks.iter().for_each(|t| t.abort());

    // A name that does not resolve is a target without a report.
    let output = cargo_smoke(&[
        "--url",
        "http://no-such-host.invalid/smoketest",
        "--each-address",
    ])
    .await;
    exits(&output, 2);
    assert!(
        stdout(&output).contains("--each-address: cannot resolve no-such-host.invalid"),
        "{}",
        stdout(&output)
    );
}

#[tokio::test]
async fn each_address_keeps_the_name_for_tls() {
    // The certificate is for `localhost`: asking 127.0.0.1 by address passes only if the
    // TLS server name and the certificate check still use the name.
    let ca = Ca::new("Fleet Test CA");
    let server = TlsServer::start(ca.leaf(-1, 90), |_| Response::json(200, PASS)).await;
    let pem = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fleet-ca.pem");
    std::fs::write(&pem, &ca.pem).unwrap();
    let url = format!("https://localhost:{}/smoketest", server.port());
    let output = cargo_smoke(&[
        "--url",
        &url,
        "--each-address",
        "--cacert",
        pem.to_str().unwrap(),
        "--format",
        "json",
    ])
    .await;
    let json: Value = stdout_json(&output);
    // The server listens on 127.0.0.1 only; where localhost is ::1 too, that one is refused.
    let v4 = json["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["address"] == "127.0.0.1")
        .unwrap_or_else(|| panic!("no 127.0.0.1 target: {json}"));
    assert_eq!(
        v4["target"],
        format!("localhost:{} (127.0.0.1)", server.port())
    );
    assert_eq!(v4["status"], "PASS", "{json}");
}

#[tokio::test]
async fn every_target_must_run_min_tests() {
    let server = server(Arrivals::default()).await;
    let (pass, ours) = (server.url("/pass"), server.url("/ours"));
    let output = fleet(&[&pass, &ours], &["--min-tests", "3"]).await;
    exits(&output, 1);
    let out = stdout(&output);
    assert!(out.contains(&format!("== {pass}: PASS\n")), "{out}");
    assert!(
        out.contains(&format!(
            "== {ours}: FAIL (2 tests ran, fewer than --min-tests 3)\n"
        )),
        "{out}"
    );
    assert!(
        stderr(&output).contains(&format!("cargo smoke: {ours}: 2 tests ran, fewer than")),
        "{}",
        stderr(&output)
    );

    let output = fleet(&[&pass, &ours], &["--min-tests", "3", "--format", "json"]).await;
    exits(&output, 1);
    let json: Value = stdout_json(&output);
    assert_eq!(json["status"], "FAIL");
    assert_eq!(json["targets"][1]["status"], "FAIL");
    assert!(json["targets"][1]["too_few_tests"]
        .as_str()
        .unwrap()
        .starts_with("2 tests ran, fewer than --min-tests 3"));

    let output = fleet(&[&pass, &ours], &["--min-tests", "3", "--format", "junit"]).await;
    exits(&output, 1);
    let xml = stdout(&output);
    let Some(parsed) = junitparser(&xml) else {
        return;
    };
    let cases = parsed["suites"][1]["cases"].as_array().unwrap();
    let last = cases.last().unwrap();
    assert_eq!(last["name"], "min-tests");
    assert_eq!(last["results"][0]["kind"], "Failure");
    assert_eq!(parsed["failures"], 1);
}
