//! `cargo smoke` in a workspace: build the smoke targets and run them.
//!
//! A smoke target is a test target with `harness = false` whose `main` is
//! `smoke_runtime::main!()`, named `smoke` (others can be named with `--test`). It is
//! found with `cargo metadata`, built with `cargo test --no-run`, and run directly from
//! the package's directory (as `cargo test` would) with the filters and options given, so
//! its progress and report reach the terminal as the tests finish. For `--min-tests` each
//! program also writes its JSON report to a file of ours (the `SMOKE_REPORT_FILE`
//! environment variable, [`smoke_runtime::cli::REPORT_FILE_ENV`]), read back with serde.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use crate::{Cli, Format};

mod build;
mod run;
mod targets;

pub(crate) use self::build::*;
pub(crate) use self::run::*;
pub(crate) use self::targets::*;

/// Exit status when the smoke targets cannot be found, built or started.
const EXIT_CANNOT_RUN: u8 = 2;

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
    // JSON report each program also writes to the file named by SMOKE_REPORT_FILE.
    let mut worst = 0u8;
    let mut tests_run = Some(0u64);
    for (index, (target, executable)) in executables.iter().enumerate() {
        let file = report_file(index);
        let _ = std::fs::remove_file(&file);
        worst = worst.max(run_reporting(target, executable, &args, &file).code);
        let count = read_report_file(&file).map(|report| report.counts().run as u64);
        let _ = std::fs::remove_file(&file);
        tests_run = tests_run.zip(count).map(|(a, b)| a + b);
    }
    match tests_run {
        Some(run) => worst = worst.max(gate(cli, run)),
        None if worst < EXIT_CANNOT_RUN => {
            eprintln!(
                "cargo smoke: cannot tell how many tests ran (a smoke target wrote no report) \
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

/// Where the `index`th smoke program of this run writes its JSON report.
fn report_file(index: usize) -> PathBuf {
    std::env::temp_dir().join(format!("cargo-smoke-{}-{index}.json", std::process::id()))
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
            "--secret-env",
            "DB_PASSWORD",
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
                "--secret-env",
                "DB_PASSWORD",
                "users",
                "--test-threads",
                "1"
            ]
        );
    }
}
