//! `cargo smoke --url` against smoke's own endpoint: the tests below, registered in this
//! program, served by `smoke_runtime::axum::router` on loopback, checked by the real
//! `cargo-smoke` binary.

mod common;

use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;

use common::{cargo_smoke, exits, stderr, stdout, stdout_json};

#[smoke_test(tags("config"))]
fn settings_present() -> SmokeResult {
    Ok(())
}

#[smoke_test(tags("db"))]
fn ledger_reachable() -> SmokeResult {
    Err(SmokeError::failure(
        "could not connect to postgres://ledger:hunter2@127.0.0.1:1/ledger: connection refused",
    ))
}

#[smoke_test(tags("db", "config"))]
async fn ledger_configured() -> SmokeResult {
    Ok(())
}

const TOKEN: &str = "let-me-see";

/// The endpoint under `/smoketest` of a server on loopback; its URL.
async fn serve() -> String {
    let smoke = Smoke::builder()
        .details(Details::WhenAuthorized(TOKEN.to_owned()))
        .build();
    let app = axum::Router::new().nest("/smoketest", smoke_runtime::axum::router(smoke));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/smoketest", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

const AUTH: &str = "Authorization: Bearer let-me-see";

#[tokio::test]
async fn the_real_endpoint_is_checked_with_each_tests_detail() {
    let url = serve().await;
    let output = cargo_smoke(&["--url", &url, "-H", AUTH]).await;
    exits(&output, 1);
    let out = stdout(&output);
    assert!(
        out.starts_with("FAIL\ntest classes: 1\ntests run: 3\ntests passed: 2\ntests failed: 1\n"),
        "{out}"
    );
    assert!(out.contains("endpoint::ledger_reachable"), "{out}");
    // The endpoint masks the password in the message; cargo smoke shows it as served.
    assert!(
        out.contains("postgres://ledger:***@127.0.0.1:1/ledger"),
        "{out}"
    );
    assert!(!out.contains("hunter2"), "{out}");
    assert!(
        out.contains(&format!("endpoint: {url} (HTTP 500)")),
        "{out}"
    );

    // Without the token: the counts only, which is still a verdict.
    let output = cargo_smoke(&["--url", &url, "--format", "nagios"]).await;
    exits(&output, 2);
    assert!(
        stdout(&output).starts_with("SMOKE CRITICAL - 1 of 3 tests did not pass"),
        "{}",
        stdout(&output)
    );

    let output = cargo_smoke(&["--url", &url, "-H", AUTH, "--format", "junit"]).await;
    exits(&output, 1);
    let xml = stdout(&output);
    assert!(
        xml.contains(r#"tests="3" failures="1" errors="0""#),
        "{xml}"
    );
    assert!(xml.contains(r#"name="settings_present""#), "{xml}");

    let output = cargo_smoke(&["--url", &url, "-H", AUTH, "--format", "health"]).await;
    exits(&output, 1);
    let health: serde_json::Value = stdout_json(&output);
    assert_eq!(health["status"], "fail");
    assert_eq!(
        health["checks"]["endpoint::ledger_reachable"][0]["status"],
        "fail"
    );
}

#[tokio::test]
async fn the_selection_is_run_by_the_endpoint() {
    let url = serve().await;
    let output = cargo_smoke(&[
        "--url", &url, "-H", AUTH, "--tag", "config", "--format", "json",
    ])
    .await;
    exits(&output, 0);
    let report: serde_json::Value = stdout_json(&output);
    assert_eq!(report["status"], "PASS");
    assert_eq!(report["tests_run"], 2);

    let output = cargo_smoke(&[
        "--url",
        &url,
        "-H",
        AUTH,
        "--exact",
        "endpoint::ledger_reachable",
        "--format",
        "json",
    ])
    .await;
    exits(&output, 1);
    let report: serde_json::Value = stdout_json(&output);
    assert_eq!(report["tests_run"], 1);
    assert_eq!(report["tests"][0]["name"], "endpoint::ledger_reachable");

    // A tag no test has: the endpoint refuses the request, so there is no report.
    let output = cargo_smoke(&["--url", &url, "-H", AUTH, "--tag", "no-such-tag"]).await;
    exits(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("answered HTTP 400"), "{err}");
    assert!(err.contains("unknown tag(s): no-such-tag"), "{err}");
    assert!(err.contains("check the --tag and --exact names"), "{err}");

    // Without the token the endpoint takes no selection at all, known tag or not.
    for tag in ["db", "no-such-tag"] {
        let output = cargo_smoke(&["--url", &url, "--tag", tag]).await;
        exits(&output, 2);
        let err = stderr(&output);
        assert!(err.contains("answered HTTP 403"), "{err}");
        assert!(err.contains("needs a caller allowed details"), "{err}");
    }
}
