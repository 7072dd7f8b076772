//! Running a parsed command line: the setup, the runner, progress, the report, redaction
//! and the exit status.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::args::test_threads;
use super::interrupt::Interrupt;
use super::output::{self, closing_line, Progress};
use super::{Args, Format, Setup, Terminals, REPORT_FILE_ENV};
use crate::coordinator::{Coordinator, Policy};
use crate::report::redact::Redactor;
use crate::report::{self, RenderOptions};
use crate::{Report, RunnerBuilder, SmokeError, TestDescriptor};

/// One invocation of the program: what it was asked, over which tests, where.
pub(super) struct Invocation<'a> {
    /// The parsed command line.
    pub(super) args: &'a Args,
    /// The `main!(setup)` function, if any.
    pub(super) setup: Option<Setup>,
    /// The tests linked into the program.
    pub(super) all: Vec<&'static TestDescriptor>,
    /// Which of stdout and stderr are terminals.
    pub(super) terminals: Terminals,
    /// The Ctrl-C listener (none in tests).
    pub(super) interrupt: Option<&'a Interrupt>,
    /// Where to write the JSON report as well ([`REPORT_FILE_ENV`]).
    pub(super) report_file: Option<PathBuf>,
}

/// Runs an invocation, writing to `out` and `err`; the exit status.
pub(super) fn execute(invocation: Invocation<'_>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let Invocation {
        args, interrupt, ..
    } = invocation;
    if args.bench {
        return 0;
    }
    let selection = args.selection();
    if args.list {
        output::list(
            &selection.apply(invocation.all.iter().copied()),
            args.effective_format(),
            out,
        );
        let _ = out.flush();
        return 0;
    }
    // Tests whose prerequisites form a cycle could never run: a usage error, before the
    // setup or any test runs.
    let selected = selection.apply(invocation.all.iter().copied());
    if let Err(cycle) = smoke_core::check_dependencies(selected.iter().copied()) {
        let _ = writeln!(
            err,
            "error: the selected smoke tests can never run: {cycle}"
        );
        return 2;
    }
    if let Err(e) = test_threads(args.test_threads, std::env::var_os("RUST_TEST_THREADS")) {
        let _ = writeln!(err, "error: {e}");
        return 2;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("smoke")
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = writeln!(err, "error: cannot start the tokio runtime: {e}");
            return 1;
        }
    };
    let code = runtime.block_on(async {
        if let Some(interrupt) = interrupt {
            interrupt.listen();
        }
        run(invocation, out, err).await
    });
    let code = match interrupt {
        Some(interrupt) if interrupt.interrupted() => 130,
        _ => code,
    };
    // A sync test that hangs past its timeout keeps a blocking thread; do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    code
}

async fn run(invocation: Invocation<'_>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let Invocation {
        args,
        setup,
        all,
        terminals,
        interrupt,
        report_file,
    } = invocation;
    let selection = &args.selection();
    let env_secrets = match secrets_from_env(&args.secret_env) {
        Ok(secrets) => secrets,
        Err(why) => {
            let _ = writeln!(err, "error: {why}");
            return 2;
        }
    };
    // What the setup registers with `RunnerBuilder::secret`, kept here too: a setup that
    // fails takes its builder with it, and its error may carry those values.
    let ledger = Arc::new(Mutex::new(Vec::new()));
    let mut builder = RunnerBuilder::default().record_secrets(ledger.clone());
    if let Some(interrupt) = interrupt {
        // Added first, it runs before the setup's own run-wide hooks.
        builder = builder.around_each(interrupt.clone());
    }
    if let Some(setup) = setup {
        // A setup that hangs (a database that never answers) is bounded by --deadline.
        let result = match args.deadline {
            Some(deadline) => tokio::time::timeout(deadline, setup(builder))
                .await
                .unwrap_or_else(|_| {
                    Err(SmokeError::error(format!(
                        "it did not finish within the deadline of {}",
                        humantime::format_duration(deadline)
                    )))
                }),
            None => setup(builder).await,
        };
        builder = match result {
            Ok(builder) => builder,
            Err(e) => {
                let registered = ledger
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .clone();
                let why = redactor_of(&registered, &env_secrets).redact(&e.to_string());
                let _ = writeln!(err, "error: the smoke tests' setup failed: {why}");
                return 1;
            }
        };
    }
    // Everything written from here on goes through this: URL passwords, the setup's
    // secrets, and the values of --secret-env.
    let redactor = redactor_of(&builder.config().secrets, &env_secrets);
    let scrub = redactor.clone();
    builder = builder.scrub(smoke_core::Scrub::new(move |text| scrub.redact(text)));
    if let Some(timeout) = args.timeout {
        builder = builder.default_timeout(timeout);
    }
    if let Some(deadline) = args.deadline {
        builder = builder.deadline(deadline);
    }
    // Checked before the setup ran (exit status 2).
    let threads = test_threads(args.test_threads, std::env::var_os("RUST_TEST_THREADS"))
        .ok()
        .flatten();
    if let Some(threads) = threads {
        builder = builder.concurrency(threads);
    }
    if args.fail_fast {
        builder = builder.fail_fast(true);
    }
    let deadline = builder.config().deadline;
    let grace = builder.config().tear_down_grace;
    let coordinator = Coordinator::new(
        builder.build(),
        all.clone(),
        Policy {
            deadline: deadline.unwrap_or(Duration::MAX),
            grace,
            cache: None,
            schedule: None,
            max_runs: 1,
            anonymous_runs: 1,
            min_interval: Duration::ZERO,
            redactor,
            history: crate::report::history::DEFAULT_KEEP,
            damping: crate::report::damping::Damping::new(),
            notify: Default::default(),
            cache_failures: true,
        },
    );

    let total = all.len();
    let mut tests = selection.apply(all.iter().copied());
    let filtered_out = total - tests.len();
    let format = args.effective_format();
    let document_on_stdout = matches!(format, Format::Text | Format::Json | Format::Junit);
    let (progress_out, progress_color): (&mut dyn Write, bool) = if document_on_stdout {
        (err, args.color.on(terminals.stderr))
    } else {
        (&mut *out, args.color.on(terminals.stdout))
    };
    let style = if document_on_stdout && args.quiet {
        output::Style::Silent
    } else if format == Format::Terse {
        output::Style::Terse
    } else {
        output::Style::Pretty
    };
    let mut progress = Progress::new(
        progress_out,
        style,
        progress_color,
        args.report_time,
        tests.len(),
    );
    if args.shuffle || args.shuffle_seed.is_some() {
        let seed = args.shuffle_seed.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
        progress.note(&format!("shuffle seed: {seed}"));
        output::shuffle(&mut tests, seed);
    }
    progress.start();
    // The coordinator runs it: redaction (each progress line, the report) and the
    // record of results are the same as behind the endpoint.
    let report = coordinator
        .run_watched(tests, selection.runs_skipped(), |test| progress.test(test))
        .await;
    progress.finish();

    let color = args.color.on(terminals.stdout);
    let document = render(&report, format, color);
    let closing = closing_line(&report, filtered_out, color);
    match format {
        Format::Pretty | Format::Terse => {
            let _ = write!(out, "\n{document}\n{closing}\n\n");
        }
        Format::Text => {
            let _ = write!(out, "{document}\n{closing}\n");
        }
        Format::Json | Format::Junit => {
            let _ = write!(out, "{document}");
            if !args.quiet {
                let closing = closing_line(&report, filtered_out, args.color.on(terminals.stderr));
                let _ = writeln!(err, "\n{closing}");
            }
        }
    }
    let _ = out.flush();
    if let Some(path) = &args.logfile {
        if let Err(e) = std::fs::write(path, render(&report, format, false)) {
            let _ = writeln!(
                err,
                "error: cannot write the log file {}: {e}",
                path.display()
            );
            return 1;
        }
    }
    if let Some(path) = &report_file {
        if let Err(e) = std::fs::write(path, render(&report, Format::Json, false)) {
            let _ = writeln!(
                err,
                "error: cannot write the report file {} ({REPORT_FILE_ENV}): {e}",
                path.display()
            );
            return 1;
        }
    }
    if report.passed() {
        0
    } else {
        1
    }
}

/// The values of the environment variables `names` (`--secret-env`); an unset or empty
/// one is an error, since it would mask nothing (or, empty, everything).
fn secrets_from_env(names: &[String]) -> Result<Vec<String>, String> {
    names
        .iter()
        .map(|name| match std::env::var(name) {
            Ok(value) if !value.is_empty() => Ok(value),
            Ok(_) => Err(format!(
                "--secret-env {name}: the variable is empty, and an empty secret would mask \
                 every message; set it, or leave out --secret-env {name}"
            )),
            Err(std::env::VarError::NotPresent) => Err(format!(
                "--secret-env {name}: no such environment variable; set it, or leave out \
                 --secret-env {name}"
            )),
            Err(std::env::VarError::NotUnicode(_)) => Err(format!(
                "--secret-env {name}: the variable's value is not UTF-8"
            )),
        })
        .collect()
}

/// The redactor of a run: URL passwords always, and these secrets.
fn redactor_of(configured: &[String], from_env: &[String]) -> Redactor {
    let mut redactor = Redactor::new();
    for secret in configured.iter().chain(from_env) {
        redactor.add_secret(secret.clone());
    }
    redactor
}

/// The document of `format`: the text report for pretty, terse and text.
fn render(report: &Report, format: Format, color: bool) -> String {
    let (document, color) = match format {
        Format::Json => (report::Format::Json, false),
        Format::Junit => (report::Format::Junit, false),
        Format::Pretty | Format::Terse | Format::Text => (report::Format::Text, color),
    };
    document.render(
        report,
        &RenderOptions {
            details: true,
            color,
        },
    )
}
