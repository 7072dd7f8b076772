//! `cargo smoke` in a workspace: build the smoke targets and run them.
//!
//! A smoke target is a test target with `harness = false` whose `main` is
//! `smoke_runtime::main!()`, named `smoke` (others can be named with `--test`). It is
//! found with `cargo metadata`, built with `cargo test --no-run`, and run directly from
//! the package's directory (as `cargo test` would) with the filters and options given, so
//! its progress and report reach the terminal as the tests finish.

use std::ffi::OsString;
use std::io::{BufRead, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use serde_json::Value;
use smoke_runtime::report::json::JsonReport;
use smoke_runtime::report::redact::Redactor;
use smoke_runtime::report::RenderOptions;
use smoke_runtime::Report;

use crate::{Cli, Format};

/// Exit status when the smoke targets cannot be found, built or started.
const EXIT_CANNOT_RUN: u8 = 2;

/// A smoke target of the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmokeTarget {
    /// The package's name.
    pub package: String,
    /// The directory of the package's Cargo.toml.
    pub package_dir: PathBuf,
    /// The target's name.
    pub target: String,
    /// A test target, or a bin.
    pub kind: TargetKind,
}

/// What kind of target a smoke target is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// A `harness = false` test target (built by `cargo test --no-run`).
    Test,
    /// A binary (built by `cargo build --bin`).
    Bin,
}

impl TargetKind {
    fn cargo_kind(self) -> &'static str {
        match self {
            TargetKind::Test => "test",
            TargetKind::Bin => "bin",
        }
    }
}

/// Which targets are smoke targets: test targets and bins, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Names of test targets.
    pub tests: Vec<String>,
    /// Names of bins.
    pub bins: Vec<String>,
}

impl Wanted {
    /// What the command line asks for: `--test` and `--bin` names, or the test targets
    /// named `smoke` when it names none.
    pub fn from_cli(cli: &Cli) -> Wanted {
        if cli.tests.is_empty() && cli.bins.is_empty() {
            return Wanted {
                tests: vec!["smoke".to_owned()],
                bins: Vec::new(),
            };
        }
        Wanted {
            tests: cli.tests.clone(),
            bins: cli.bins.clone(),
        }
    }

    fn kind_of(&self, kinds: &[Value], name: &str) -> Option<TargetKind> {
        let has = |k: &str| kinds.iter().any(|v| v == k);
        if has("test") && self.tests.iter().any(|n| n == name) {
            Some(TargetKind::Test)
        } else if has("bin") && self.bins.iter().any(|n| n == name) {
            Some(TargetKind::Bin)
        } else {
            None
        }
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.tests.is_empty() {
            parts.push(format!("test target named {}", self.tests.join(" or ")));
        }
        if !self.bins.is_empty() {
            parts.push(format!("bin named {}", self.bins.join(" or ")));
        }
        parts.join(" and no ")
    }
}

fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The smoke targets in the output of `cargo metadata --format-version 1 --no-deps`:
/// the targets `wanted`, of the packages in `packages` (all when empty).
pub fn find_targets(metadata: &Value, wanted: &Wanted, packages: &[String]) -> Vec<SmokeTarget> {
    let mut found = Vec::new();
    let Some(list) = metadata.get("packages").and_then(Value::as_array) else {
        return found;
    };
    for package in list {
        let name = package.get("name").and_then(Value::as_str).unwrap_or("");
        if !packages.is_empty() && !packages.iter().any(|p| p == name) {
            continue;
        }
        let manifest = package
            .get("manifest_path")
            .and_then(Value::as_str)
            .unwrap_or("");
        let package_dir = Path::new(manifest)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let targets = package
            .get("targets")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for target in targets {
            let target_name = target.get("name").and_then(Value::as_str).unwrap_or("");
            let kinds = target
                .get("kind")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            if let Some(kind) = wanted.kind_of(kinds, target_name) {
                found.push(SmokeTarget {
                    package: name.to_owned(),
                    package_dir: package_dir.clone(),
                    target: target_name.to_owned(),
                    kind,
                });
            }
        }
    }
    found
}

/// The member whose directory holds `dir`, as `cargo test` picks it, when that is not the
/// workspace's root package (run from the root, every member is meant).
pub fn current_member(metadata: &Value, dir: &Path) -> Option<String> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let root = metadata
        .get("workspace_root")
        .and_then(Value::as_str)
        .map(|r| {
            Path::new(r)
                .canonicalize()
                .unwrap_or_else(|_| PathBuf::from(r))
        })?;
    let mut best: Option<(usize, String)> = None;
    for package in metadata.get("packages")?.as_array()? {
        let Some(manifest) = package.get("manifest_path").and_then(Value::as_str) else {
            continue;
        };
        let Some(package_dir) = Path::new(manifest).parent() else {
            continue;
        };
        let package_dir = package_dir
            .canonicalize()
            .unwrap_or_else(|_| package_dir.to_path_buf());
        if package_dir == root || !dir.starts_with(&package_dir) {
            continue;
        }
        let depth = package_dir.components().count();
        if best.as_ref().is_none_or(|(d, _)| depth > *d) {
            let name = package.get("name").and_then(Value::as_str)?.to_owned();
            best = Some((depth, name));
        }
    }
    best.map(|(_, name)| name)
}

fn metadata(cli: &Cli) -> Result<Value, String> {
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
fn build(cli: &Cli, target: &SmokeTarget) -> Result<PathBuf, String> {
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

/// The format the smoke program is asked for: JSON when `cargo smoke` renders one
/// document for the whole run (json, junit, health, html, and `--list --format json`),
/// else the format given.
fn program_format(cli: &Cli) -> Option<Format> {
    match cli.format {
        Some(format) if format.is_document() => Some(Format::Json),
        other => other,
    }
}

/// The smoke program's command line for the options given to `cargo smoke`.
pub fn program_args(cli: &Cli) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(format) = program_format(cli) {
        args.push("--format".to_owned());
        args.push(format.as_str().to_owned());
    }
    for tag in &cli.tags {
        args.push("--tag".to_owned());
        args.push(tag.clone());
    }
    for skip in &cli.skips {
        args.push("--skip".to_owned());
        args.push(skip.clone());
    }
    if let Some(timeout) = cli.timeout {
        args.push("--timeout".to_owned());
        args.push(format!("{}ms", timeout.as_millis()));
    }
    if cli.exact {
        args.push("--exact".to_owned());
    }
    if cli.fail_fast {
        args.push("--fail-fast".to_owned());
    }
    if cli.list {
        args.push("--list".to_owned());
    }
    for name in &cli.secret_env {
        args.push("--secret-env".to_owned());
        args.push(name.clone());
    }
    args.extend(cli.filters.iter().cloned());
    args.extend(cli.program_args.iter().cloned());
    args
}

/// The reports of several smoke targets as one: every test (sorted by name, as in one
/// report), the test classes added up, the times added up (the targets run one after the
/// other), and the first start time.
pub fn merge(reports: Vec<Report>) -> Report {
    let mut merged = Report {
        started_at: String::new(),
        time_ms: 0.0,
        test_classes: 0,
        tests: Vec::new(),
    };
    for report in reports {
        if merged.started_at.is_empty() {
            merged.started_at = report.started_at;
        }
        merged.time_ms += report.time_ms;
        merged.test_classes += report.test_classes;
        merged.tests.extend(report.tests);
    }
    merged.tests.sort_by(|a, b| a.name.cmp(&b.name));
    merged
}

/// The document of `format` for `report` (JSON for what is no document of its own).
pub fn render(report: &Report, format: Format) -> String {
    let options = RenderOptions {
        details: true,
        color: false,
    };
    format
        .document()
        .unwrap_or(smoke_runtime::report::Format::Json)
        .render(report, &options)
}

/// How one smoke program ended: its exit status (0 pass, 1 fail, 2 and more: it could
/// not run) and, when it was captured, what it wrote on standard output.
struct Ran {
    code: u8,
    stdout: Option<Vec<u8>>,
}

fn run_one(target: &SmokeTarget, executable: &Path, args: &[String], capture: bool) -> Ran {
    eprintln!(
        "     Running smoke {} `{}` of {} ({})",
        target.kind.cargo_kind(),
        target.target,
        target.package,
        executable.display()
    );
    let mut command = Command::new(executable);
    command
        .args(args)
        .current_dir(&target.package_dir)
        .env("CARGO_MANIFEST_DIR", &target.package_dir)
        .env("CARGO_PKG_NAME", &target.package);
    let (status, stdout) = if capture {
        // The progress goes to standard error as the tests finish; the document is ours.
        match command.stderr(Stdio::inherit()).output() {
            Ok(output) => (Ok(output.status), Some(output.stdout)),
            Err(e) => (Err(e), None),
        }
    } else {
        (command.status(), None)
    };
    let code = match status {
        Ok(status) => match status.code() {
            Some(0) => 0,
            Some(code) => u8::try_from(code).unwrap_or(1).max(1),
            None => {
                eprintln!(
                    "cargo smoke: the smoke target `{}` of {} was killed ({status})",
                    target.target, target.package
                );
                EXIT_CANNOT_RUN
            }
        },
        Err(e) => {
            eprintln!("cargo smoke: cannot start {}: {e}", executable.display());
            EXIT_CANNOT_RUN
        }
    };
    Ran { code, stdout }
}

/// Runs every target and prints one document for all of them; returns the exit status.
fn run_for_document(
    runs: &[(&SmokeTarget, PathBuf)],
    args: &[String],
    format: Format,
) -> (u8, Option<Report>) {
    let mut worst = 0u8;
    let mut reports = Vec::new();
    let mut complete = true;
    for (target, executable) in runs {
        let ran = run_one(target, executable, args, true);
        worst = worst.max(ran.code);
        let report = ran.stdout.as_deref().and_then(|out| {
            serde_json::from_slice::<JsonReport>(out)
                .ok()
                .and_then(|r| r.to_report())
        });
        match report {
            Some(report) if ran.code <= 1 => reports.push(report),
            _ => {
                if ran.code <= 1 {
                    eprintln!(
                        "cargo smoke: the smoke target `{}` of {} wrote no JSON smoke report \
                         (is its `main` `smoke_runtime::main!()`?)",
                        target.target, target.package
                    );
                }
                complete = false;
                worst = worst.max(EXIT_CANNOT_RUN);
            }
        }
    }
    if !complete {
        eprintln!(
            "cargo smoke: no {} report: not every smoke target gave its results",
            format.as_str()
        );
        return (worst, None);
    }
    // The programs scrubbed their own reports; URL passwords once more, in case a program
    // is of an older smoke.
    let report = Redactor::new().redact_report(&merge(reports));
    print(&render(&report, format));
    (worst, Some(report))
}

/// `--list --format json` of several targets: one JSON array.
fn list_as_one_array(runs: &[(&SmokeTarget, PathBuf)], args: &[String]) -> u8 {
    let mut worst = 0u8;
    let mut all = Vec::new();
    for (target, executable) in runs {
        let ran = run_one(target, executable, args, true);
        worst = worst.max(ran.code);
        match ran
            .stdout
            .as_deref()
            .and_then(|out| serde_json::from_slice::<Vec<Value>>(out).ok())
        {
            Some(listed) => all.extend(listed),
            None => {
                eprintln!(
                    "cargo smoke: the smoke target `{}` of {} listed no JSON array",
                    target.target, target.package
                );
                worst = worst.max(EXIT_CANNOT_RUN);
            }
        }
    }
    if worst < EXIT_CANNOT_RUN {
        let mut json = serde_json::to_string_pretty(&all).unwrap_or_default();
        json.push('\n');
        print(&json);
    }
    worst
}

/// Writes `text` on standard output; a closed pipe (`| head`) is not worth a panic.
fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

const CONVENTION: &str = "a smoke target is a test target with `harness = false`, \
named `smoke` (or a test target or bin given with --test or --bin); add to the
package's Cargo.toml

    [[test]]
    name = \"smoke\"
    harness = false

and write tests/smoke.rs with your #[smoke_test] functions and `smoke_runtime::main!();`";

/// Runs `cargo smoke` without `--url`.
pub fn main(cli: &Cli) -> ExitCode {
    if cli.format == Some(Format::Nagios) {
        // A usage error; with Nagios exit codes that is UNKNOWN.
        let why = "--format nagios is for --url; local runs write pretty, terse, text, json, \
                   junit, health or html";
        println!("SMOKE UNKNOWN - cargo smoke: bad command line: {why}");
        eprintln!("cargo smoke: {why}");
        return ExitCode::from(crate::remote::EXIT_UNKNOWN);
    }
    if cli.list
        && matches!(
            cli.format,
            Some(Format::Junit | Format::Health | Format::Html)
        )
    {
        eprintln!("cargo smoke: --list writes pretty, terse, text or json");
        return ExitCode::from(EXIT_CANNOT_RUN);
    }
    let metadata = match metadata(cli) {
        Ok(metadata) => metadata,
        Err(why) => {
            eprintln!("cargo smoke: {why}");
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    let wanted = Wanted::from_cli(cli);
    let packages = if cli.packages.is_empty() && !cli.workspace {
        let here = match &cli.manifest_path {
            Some(path) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
            None => std::env::current_dir().unwrap_or_default(),
        };
        current_member(&metadata, &here).into_iter().collect()
    } else {
        cli.packages.clone()
    };
    let targets = find_targets(&metadata, &wanted, &packages);
    if targets.is_empty() {
        let root = metadata
            .get("workspace_root")
            .and_then(Value::as_str)
            .unwrap_or(".");
        let whom = if packages.is_empty() {
            format!("the workspace at {root}")
        } else {
            format!("package(s) {} of {root}", packages.join(", "))
        };
        eprintln!(
            "cargo smoke: no {} in {whom}; {CONVENTION}",
            wanted.describe()
        );
        return ExitCode::from(EXIT_CANNOT_RUN);
    }
    let mut executables = Vec::new();
    for target in &targets {
        match build(cli, target) {
            Ok(path) => executables.push((target, path)),
            Err(why) => {
                eprintln!("cargo smoke: {why}");
                return ExitCode::from(EXIT_CANNOT_RUN);
            }
        }
    }
    let args = program_args(cli);
    let format = cli.format.unwrap_or(Format::Pretty);
    if cli.list && format == Format::Json {
        return ExitCode::from(list_as_one_array(&executables, &args));
    }
    if !cli.list && format.is_document() {
        let (code, report) = run_for_document(&executables, &args, format);
        let code = match report {
            Some(report) => code.max(gate(cli, report.counts().run as u64)),
            None => code,
        };
        return ExitCode::from(code);
    }
    if cli.list || cli.min_tests == 0 {
        let mut worst = 0u8;
        for (target, executable) in &executables {
            worst = worst.max(run_one(target, executable, &args, false).code);
        }
        return ExitCode::from(worst);
    }
    // The report is on the terminal as the program wrote it; the count comes from the
    // text report each program also writes to its log file.
    let mut worst = 0u8;
    let mut tests_run = Some(0u64);
    for (index, (target, executable)) in executables.iter().enumerate() {
        let (args, log, ours) = with_logfile(&args, target, index);
        worst = worst.max(run_one(target, executable, &args, false).code);
        let count = std::fs::read_to_string(&log)
            .ok()
            .and_then(|text| tests_run_in_text(&text));
        if ours {
            let _ = std::fs::remove_file(&log);
        }
        tests_run = tests_run.zip(count).map(|(a, b)| a + b);
    }
    match tests_run {
        Some(run) => worst = worst.max(gate(cli, run)),
        None if worst < EXIT_CANNOT_RUN => {
            eprintln!(
                "cargo smoke: cannot tell how many tests ran (no text report in the log file) \
                 to check --min-tests {}",
                cli.min_tests
            );
            worst = EXIT_CANNOT_RUN;
        }
        None => {}
    }
    ExitCode::from(worst)
}

/// 1 (with why on standard error) when fewer than `--min-tests` tests ran, else 0.
fn gate(cli: &Cli, tests_run: u64) -> u8 {
    match cli.too_few_tests(tests_run) {
        Some(why) => {
            eprintln!("cargo smoke: {why}");
            1
        }
        None => 0,
    }
}

/// `args` with a `--logfile` for the text report: the one given after `--` (resolved
/// against the package's directory, where the program runs), or a temporary file of
/// ours (`true`: remove it after reading).
fn with_logfile(
    args: &[String],
    target: &SmokeTarget,
    index: usize,
) -> (Vec<String>, PathBuf, bool) {
    let given = args.iter().enumerate().find_map(|(i, arg)| {
        arg.strip_prefix("--logfile=")
            .map(str::to_owned)
            .or_else(|| {
                (arg == "--logfile")
                    .then(|| args.get(i + 1).cloned())
                    .flatten()
            })
    });
    if let Some(path) = given {
        return (args.to_vec(), target.package_dir.join(path), false);
    }
    let log = std::env::temp_dir().join(format!("cargo-smoke-{}-{index}.log", std::process::id()));
    let mut args = args.to_vec();
    args.push("--logfile".to_owned());
    args.push(log.to_string_lossy().into_owned());
    (args, log, true)
}

/// The `tests run: N` of a text report.
pub fn tests_run_in_text(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| line.strip_prefix("tests run: "))
        .and_then(|n| n.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn smoke_targets_are_test_targets_with_the_name() {
        let metadata = serde_json::json!({
            "packages": [
                {"name": "api", "manifest_path": "/w/api/Cargo.toml", "targets": [
                    {"name": "api", "kind": ["lib"]},
                    {"name": "smoke", "kind": ["test"]},
                    {"name": "integration", "kind": ["test"]}
                ]},
                {"name": "worker", "manifest_path": "/w/worker/Cargo.toml", "targets": [
                    {"name": "smoke", "kind": ["bin"]}
                ]}
            ]
        });
        let smoke = Wanted {
            tests: vec!["smoke".to_owned()],
            bins: vec![],
        };
        let found = find_targets(&metadata, &smoke, &[]);
        assert_eq!(
            found,
            [SmokeTarget {
                package: "api".into(),
                package_dir: "/w/api".into(),
                target: "smoke".into(),
                kind: TargetKind::Test,
            }]
        );
        assert!(find_targets(&metadata, &smoke, &["worker".to_owned()]).is_empty());
        let named = Wanted {
            tests: vec!["integration".to_owned()],
            bins: vec!["smoke".to_owned()],
        };
        let named = find_targets(&metadata, &named, &[]);
        assert_eq!(named.len(), 2);
        assert_eq!(
            (named[0].target.as_str(), named[0].kind),
            ("integration", TargetKind::Test)
        );
        assert_eq!(
            (named[1].package.as_str(), named[1].kind),
            ("worker", TargetKind::Bin)
        );
    }

    #[test]
    fn options_are_passed_to_the_smoke_program() {
        let cli = Cli::parse_from([
            "cargo-smoke",
            "--format",
            "junit",
            "--tag",
            "db",
            "--timeout",
            "1500ms",
            "--fail-fast",
            "users",
            "--",
            "--test-threads",
            "1",
        ]);
        assert_eq!(
            program_args(&cli),
            [
                "--format",
                "json",
                "--tag",
                "db",
                "--timeout",
                "1500ms",
                "--fail-fast",
                "users",
                "--test-threads",
                "1"
            ]
        );
    }
}
