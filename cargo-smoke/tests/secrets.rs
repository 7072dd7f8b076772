//! A URL password and configured secrets, fed through every output of every front end:
//! each format of the HTTP endpoint, `/metrics`, `/readyz` and the headers; the command
//! line's pretty, terse, text, json and junit output, its log file, its report file
//! (`SMOKE_REPORT_FILE`) and its stderr;
//! `cargo smoke --url` in each of its formats; and `cargo smoke` running a workspace's
//! smoke target (the fixture's, built with its `leak` feature). None may show them.
//!
//! The command line runs as a real process: this test program again, as a child that
//! calls `smoke_runtime::cli::run_from` (selected by an environment variable).

mod common;

use std::process::Command;

use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::{RunnerBuilder, Selection};

use common::fixture::{cargo_smoke_in, fixture};
use common::{cargo_smoke, exits, stderr, stdout, stdout_json};

/// Registered by the host (the builder, or `main!(setup)`).
const CONFIGURED: &str = "cfg-secret-5521-kx";
/// Known only from an environment variable (`--secret-env`).
const FROM_ENV: &str = "env-secret-8830-qz";
const ENV_NAME: &str = "SMOKE_SECRETS_TEST_TOKEN";
const URL_PASSWORD: &str = "urlpass-3377";

fn leak_message() -> String {
    format!(
        "could not connect to postgres://app:{URL_PASSWORD}@db.internal:5432/app; \
         api key {CONFIGURED} rejected; token {FROM_ENV} expired"
    )
}

#[smoke_test(tags("leaky", "readiness"))]
fn leaks_secrets() -> SmokeResult {
    Err(SmokeError::failure(leak_message()))
}

#[smoke_test(tags("leaky"))]
fn errors_with_secrets() -> SmokeResult {
    Err(SmokeError::error(leak_message()))
}

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
    }
}

async fn serve(smoke: Smoke) -> String {
    let app = smoke_runtime::axum::mount(axum::Router::new(), "/smoketest", smoke);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/smoketest", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// The whole answer to a GET: status line, headers and body.
async fn fetch(url: &str) -> String {
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let path = &url[url.find(&addr).unwrap() + addr.len()..];
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_front_end_shows_a_secret() {
    std::env::set_var(ENV_NAME, FROM_ENV);
    std::env::set_var("SMOKE_SECRETS_TEST_CONFIGURED", CONFIGURED);
    let all = [URL_PASSWORD, CONFIGURED, FROM_ENV];

    // The endpoint: the secrets of the runner it is given.
    let runner = RunnerBuilder::default().secret(CONFIGURED).secret(FROM_ENV);
    let smoke = Smoke::builder()
        .runner(runner)
        .only(Selection::all().tag("leaky"))
        .details(Details::Always)
        .build();
    let url = serve(smoke).await;
    for format in ["text", "json", "health", "html", "junit"] {
        let answer = fetch(&format!("{url}?format={format}")).await;
        assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
        assert!(answer.contains("***"), "{format} masked nothing:\n{answer}");
        assert_clean(&format!("the endpoint's {format}"), &answer, &all);
    }
    for route in ["/metrics", "/readyz", "/livez"] {
        let answer = fetch(&format!("{url}{route}")).await;
        assert_clean(&format!("the endpoint's {route}"), &answer, &all);
    }

    // The command line: every format, its log file, its report file, its stderr.
    let logs = tempdir();
    for format in ["pretty", "terse", "text", "json", "junit"] {
        let log = logs.join(format!("report.{format}"));
        let report_file = logs.join(format!("report-file.{format}.json"));
        let output = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "cli_child", "--nocapture", "--test-threads=1"])
            .env(
                "SMOKE_SECRETS_CLI_ARGS",
                format!(
                    "--tag leaky --format {format} --secret-env {ENV_NAME} --logfile {}",
                    log.display()
                ),
            )
            .env(ENV_NAME, FROM_ENV)
            .env(smoke_runtime::cli::REPORT_FILE_ENV, &report_file)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&output.stdout);
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(out.contains("***"), "{format}: {out}\n{err}");
        assert!(out.contains("CLI EXIT 1"), "{format}: {out}\n{err}");
        assert_clean(&format!("the command line's {format} stdout"), &out, &all);
        assert_clean(&format!("the command line's {format} stderr"), &err, &all);
        let logged = std::fs::read_to_string(&log).unwrap();
        assert_clean(
            &format!("the command line's {format} log file"),
            &logged,
            &all,
        );
        let reported = std::fs::read_to_string(&report_file).unwrap();
        assert!(reported.contains("***"), "{format}: {reported}");
        assert_clean(
            &format!("the command line's {format} report file"),
            &reported,
            &all,
        );
    }

    // `cargo smoke --url` against an endpoint that masks only URL passwords: its own
    // --secret-env masks the rest.
    let smoke = Smoke::builder()
        .only(Selection::all().tag("leaky"))
        .details(Details::Always)
        .build();
    let url = serve(smoke).await;
    for format in ["text", "json", "junit", "health", "html", "nagios"] {
        let output = cargo_smoke(&[
            "--url",
            &url,
            "--format",
            format,
            "--secret-env",
            ENV_NAME,
            "--secret-env",
            "SMOKE_SECRETS_TEST_CONFIGURED",
        ])
        .await;
        let (out, err) = (stdout(&output), stderr(&output));
        if format == "json" {
            let report: serde_json::Value = stdout_json(&output);
            assert_eq!(report["status"], "FAIL", "{out}");
        }
        assert_clean(&format!("cargo smoke --url --format {format}"), &out, &all);
        assert_clean(
            &format!("cargo smoke --url --format {format} (stderr)"),
            &err,
            &all,
        );
    }
    // `cargo smoke` in a workspace: the fixture's leaking test, built with `--features
    // leak`, run by the real cargo-smoke in every format, --secret-env passed on.
    let leaky = [
        "-p",
        "smoke-fixture",
        "--features",
        "leak",
        "--secret-env",
        ENV_NAME,
    ];
    for format in ["pretty", "terse", "text", "json", "junit", "health", "html"] {
        let mut args = leaky.to_vec();
        args.extend(["--format", format, "leaky::"]);
        let output = cargo_smoke_in(fixture(), &args);
        exits(&output, 1);
        let (out, err) = (stdout(&output), stderr(&output));
        assert!(out.contains("leaks_secrets"), "{format}: {out}\n{err}");
        assert!(out.contains("***"), "{format} masked nothing: {out}");
        assert_clean(&format!("cargo smoke --format {format}"), &out, &all);
        assert_clean(
            &format!("cargo smoke --format {format} (stderr)"),
            &err,
            &all,
        );
    }

    // An unset or empty variable is refused before anything is asked.
    std::env::set_var("SMOKE_SECRETS_TEST_EMPTY", "");
    for name in ["SMOKE_SECRETS_TEST_UNSET", "SMOKE_SECRETS_TEST_EMPTY"] {
        let output = cargo_smoke(&["--url", &url, "--secret-env", name]).await;
        exits(&output, 2);
        assert!(stderr(&output).contains(name), "{}", stderr(&output));
    }
}

/// The child's part: the command line over this program's tests.
#[test]
fn cli_child() {
    let Ok(line) = std::env::var("SMOKE_SECRETS_CLI_ARGS") else {
        return;
    };
    fn setup(runner: RunnerBuilder) -> smoke_runtime::cli::SetupFuture {
        Box::pin(async move { Ok(runner.secret(CONFIGURED)) })
    }
    let args = std::iter::once("smoke".to_owned()).chain(line.split(' ').map(str::to_owned));
    let code = smoke_runtime::cli::run_from(args, Some(setup));
    println!(
        "CLI EXIT {}",
        if code == std::process::ExitCode::SUCCESS {
            0
        } else {
            1
        }
    );
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("smoke-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
