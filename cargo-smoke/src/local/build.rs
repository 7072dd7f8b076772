//! Asking cargo: the workspace's metadata, and building a smoke target.

use std::ffi::OsString;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::Cli;

use super::*;

pub(crate) fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

pub(crate) fn metadata(cli: &Cli) -> Result<Value, String> {
    let mut command = Command::new(cargo());
    command.args(["metadata", "--format-version", "1", "--no-deps"]);
    if let Some(path) = &cli.manifest_path {
        command.arg("--manifest-path").arg(path);
    }
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run `cargo metadata`: {e}"))?;
    if !output.status.success() {
        return Err(
            "`cargo metadata` failed (see above): run cargo smoke inside a Cargo \
                    workspace, or give --manifest-path"
                .to_owned(),
        );
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cannot read the output of `cargo metadata`: {e}"))
}

/// Builds one smoke target; returns its executable.
pub(crate) fn build(cli: &Cli, target: &SmokeTarget) -> Result<PathBuf, String> {
    let mut command = Command::new(cargo());
    match target.kind {
        TargetKind::Test => command.args(["test", "--no-run"]),
        TargetKind::Bin => command.arg("build"),
    };
    command.arg("--message-format=json-render-diagnostics");
    if let Some(path) = &cli.manifest_path {
        command.arg("--manifest-path").arg(path);
    }
    let selector = match target.kind {
        TargetKind::Test => "--test",
        TargetKind::Bin => "--bin",
    };
    command.args(["--package", &target.package, selector, &target.target]);
    if cli.release {
        command.arg("--release");
    }
    if cli.all_features {
        command.arg("--all-features");
    }
    for features in &cli.features {
        command.args(["--features", features]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run cargo to build the smoke targets: {e}"))?;
    let mut executable = None;
    if let Some(stdout) = child.stdout.take() {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let Ok(message) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if message.get("reason").and_then(Value::as_str) != Some("compiler-artifact") {
                continue;
            }
            let artifact_target = message.get("target");
            let name = artifact_target
                .and_then(|t| t.get("name"))
                .and_then(Value::as_str);
            let same_kind = artifact_target
                .and_then(|t| t.get("kind"))
                .and_then(Value::as_array)
                .is_some_and(|kinds| kinds.iter().any(|k| k == target.kind.cargo_kind()));
            if name == Some(target.target.as_str()) && same_kind {
                if let Some(path) = message.get("executable").and_then(Value::as_str) {
                    executable = Some(PathBuf::from(path));
                }
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for cargo failed: {e}"))?;
    if !status.success() {
        return Err(format!(
            "building the smoke target `{}` of {} failed (see above)",
            target.target, target.package
        ));
    }
    executable.ok_or_else(|| {
        format!(
            "cargo built the smoke target `{}` of {} but named no executable for it",
            target.target, target.package
        )
    })
}
