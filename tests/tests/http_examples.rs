//! The endpoint examples of smoke-runtime (`axum_service`, `hyper_service`) work as their
//! documentation says: built with the real `cargo`, started as processes on a free
//! loopback port, and queried over HTTP.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use hyper::StatusCode;
use smoke_tests::http_client::Client;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds both examples once.
async fn build_examples() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(workspace())
        .args([
            "build",
            "-p",
            "smoke-runtime",
            "--features",
            "axum",
            "--example",
            "axum_service",
            "--example",
            "hyper_service",
        ])
        .status()
        .await
        .expect("cargo runs");
    assert!(status.success(), "the examples do not build");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    target.join("debug").join("examples")
}

/// Starts an example on a free port; returns the process and its address.
async fn start(binary: PathBuf, env: &[(&str, &str)]) -> (Child, std::net::SocketAddr) {
    let mut child = Command::new(&binary)
        .env("SMOKE_ADDR", "127.0.0.1:0")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", binary.display()));
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the example did not print its address")
        .expect("stdout")
        .expect("a first line");
    let addr = line
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .expect("an address");
    (child, addr)
}

#[tokio::test]
async fn the_axum_example_serves_its_documented_routes() {
    let examples = build_examples().await;

    let (_child, addr) = start(examples.join("axum_service"), &[]).await;
    let mut c = Client::connect(addr).await;
    assert_eq!(c.get("/", &[]).await.body, "the service itself\n");
    let r = c.get("/smoketest", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.starts_with("PASS\ntest classes: 1\ntests run: 3\n"),
        "{}",
        r.body
    );
    assert_eq!(r.header("cache-control"), "private, max-age=5");
    let r = c
        .get("/smoketest", &[("authorization", "Bearer wrong")])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = c
        .get(
            "/smoketest/readyz",
            &[("accept", "application/health+json")],
        )
        .await;
    assert_eq!(r.json()["status"], "pass");
    // With the example's 5 s cache, `/readyz` is answered from the run of every test.
    let metrics = c.get("/smoketest/metrics", &[]).await.body;
    assert!(metrics.contains("smoke_runs_total 1\n"), "{metrics}");
    assert_eq!(c.get("/smoketest/livez", &[]).await.body, "ok\n");

    // Failing, with the password of the database URL masked for the authorized caller.
    let (_child, addr) = start(
        examples.join("axum_service"),
        &[
            ("UPLOAD_DIR", "/nonexistent/uploads"),
            ("DATABASE_URL", "mysql://app:pw-in-url@db:3306/app"),
            ("SMOKE_TOKEN", "t0ken"),
        ],
    )
    .await;
    let mut c = Client::connect(addr).await;
    let anonymous = c.get("/smoketest", &[]).await;
    assert_eq!(anonymous.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !anonymous.body.contains("upload_dir_writable"),
        "{}",
        anonymous.body
    );
    let r = c
        .get(
            "/smoketest?format=json",
            &[("authorization", "Bearer t0ken")],
        )
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let v = r.json();
    assert_eq!(v["tests_failed"], 1, "{v}");
    assert_eq!(v["tests_errored"], 2, "{v}");
    assert!(!r.body.contains("pw-in-url"), "{}", r.body);
    assert!(r.body.contains("mysql://app:***@db:3306/app"), "{}", r.body);
    assert!(r.body.contains("/nonexistent/uploads"), "{}", r.body);
}

#[tokio::test]
async fn the_hyper_example_serves_its_documented_routes() {
    let examples = build_examples().await;
    let (_child, addr) = start(examples.join("hyper_service"), &[]).await;
    let mut c = Client::connect(addr).await;
    assert_eq!(c.get("/anything", &[]).await.body, "the service itself\n");
    let r = c.get("/smoketest?format=json", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["tests_run"], 2);
    let r = c.get("/smoketest?tag=readiness&format=json", &[]).await;
    assert_eq!(r.json()["tests_run"], 1);
    assert_eq!(
        c.get("/smoketest?tag=nope", &[]).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(c.get("/smoketest/readyz", &[]).await.status, StatusCode::OK);
    assert_eq!(c.get("/smoketest/livez", &[]).await.body, "ok\n");
    assert!(c
        .get("/smoketest/metrics", &[])
        .await
        .body
        .contains("smoke_test_passed{"));
}
