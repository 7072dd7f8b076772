//! Running smoke programs: their command line, one run, and one document for all of them.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use smoke_runtime::cli::REPORT_FILE_ENV;
use smoke_runtime::report::json::JsonReport;
use smoke_runtime::report::redact::Redactor;
use smoke_runtime::report::RenderOptions;
use smoke_runtime::Report;

use crate::{Cli, Format};

use super::*;

/// The format the smoke program is asked for: JSON when `cargo smoke` renders one
/// document for the whole run (json, junit, health, html, and `--list --format json`),
/// else the format given.
pub(crate) fn program_format(cli: &Cli) -> Option<Format> {
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
pub(crate) struct Ran {
    pub(crate) code: u8,
    pub(crate) stdout: Option<Vec<u8>>,
}

pub(crate) fn run_one(
    target: &SmokeTarget,
    executable: &Path,
    args: &[String],
    capture: bool,
) -> Ran {
    run_with(target, executable, args, capture, None)
}

/// [`run_one`], the program writing its JSON report to `report_file` as well
/// ([`REPORT_FILE_ENV`]); its output reaches the terminal as it writes it.
pub(crate) fn run_reporting(
    target: &SmokeTarget,
    executable: &Path,
    args: &[String],
    report_file: &Path,
) -> Ran {
    run_with(target, executable, args, false, Some(report_file))
}

/// The report a smoke program wrote to `path` ([`REPORT_FILE_ENV`]), if it wrote one.
pub(crate) fn read_report_file(path: &Path) -> Option<Report> {
    let text = std::fs::read(path).ok()?;
    serde_json::from_slice::<JsonReport>(&text)
        .ok()
        .and_then(|report| report.to_report())
}

fn run_with(
    target: &SmokeTarget,
    executable: &Path,
    args: &[String],
    capture: bool,
    report_file: Option<&Path>,
) -> Ran {
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
    match report_file {
        Some(path) => command.env(REPORT_FILE_ENV, path),
        // Not one inherited from whoever runs `cargo smoke`.
        None => command.env_remove(REPORT_FILE_ENV),
    };
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
pub(crate) fn run_for_document(
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
    let report = Redactor::new().redact_report(&Report::merge(reports));
    print(&render(&report, format));
    (worst, Some(report))
}

/// `--list --format json` of several targets: one JSON array.
pub(crate) fn list_as_one_array(runs: &[(&SmokeTarget, PathBuf)], args: &[String]) -> u8 {
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
pub(crate) fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
