//! What the integration tests share: running the real `cargo-smoke` binary and reading
//! what it printed and how it exited.

pub mod fixture;

use std::process::{Command, Output};

/// The `cargo-smoke` binary with `smoke` as its first argument, as cargo runs a
/// subcommand; the caller adds the arguments, the environment and the directory.
pub fn cargo_smoke_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-smoke"));
    command.arg("smoke");
    command
}

/// A report of smoke's own endpoint, with each test's detail: `billing::smoke`'s tests,
/// each named with its outcome and, when it did not pass, why.
#[allow(dead_code)] // the --url tests' (url, fleet)
pub fn billing_report(tests: &[(&str, smoke_runtime::Outcome, Option<&str>)]) -> String {
    use smoke_runtime::report::{json, RenderOptions};
    use smoke_runtime::{Report, TestReport};
    let report = Report {
        started_at: "2026-11-24T23:00:00.000Z".into(),
        time_ms: 3.0,
        test_classes: 1,
        tests: tests
            .iter()
            .map(|&(name, outcome, message)| TestReport {
                name: format!("billing::smoke::{name}").into(),
                class: "billing::smoke".into(),
                file: "src/smoke.rs".into(),
                line: 10,
                tags: Default::default(),
                outcome,
                duration_ms: 1.5,
                message: message.map(Into::into),
                location: None,
            })
            .collect(),
    };
    json::render(&report, &RenderOptions::default())
}

/// Runs `cargo smoke ARGS` in this process's directory and environment, without blocking
/// the runtime (a test's server answers on it meanwhile), and returns what it printed.
#[allow(dead_code)] // workspace.rs runs it in a directory of its own instead
pub async fn cargo_smoke(args: &[&str]) -> Output {
    tokio::process::Command::from(cargo_smoke_command())
        .args(args)
        .output()
        .await
        .expect("run cargo-smoke")
}

/// Standard output, lossily decoded.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error, lossily decoded.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Standard output parsed as one JSON document of type `T`; panics if it is not one.
pub fn stdout_json<T: serde::de::DeserializeOwned>(output: &Output) -> T {
    serde_json::from_str(&stdout(output)).unwrap()
}

/// Asserts that the process exited with `code`, showing both its outputs if not.
#[track_caller]
pub fn exits(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}
