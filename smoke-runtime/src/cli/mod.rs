//! The command line of a smoke-test program: what [`main!`](crate::main!) runs.
//!
//! Put `smoke_runtime::main!();` in a `harness = false` test target (or a bin) and the
//! program lists and runs the smoke tests linked into it. Its command line is libtest's,
//! so `cargo test` and `cargo nextest run` drive it, with a few additions:
//!
//! ```text
//! smoke [OPTIONS] [FILTER]...
//!
//!   [FILTER]...            run tests whose full name contains a filter (equals it, with --exact)
//!   --exact                filters and --skip match whole names
//!   --skip FILTER          leave out matching tests (repeatable)
//!   --tag TAG              run only tests with one of these tags (repeatable)
//!   --list                 list the tests instead of running them (--format terse: `name: test`)
//!   --ignored              run only the tests marked `skip = "..."`
//!   --include-ignored      run the tests marked `skip` too
//!   --test-threads N       run at most N tests at once
//!   --timeout 5s           timeout of a test that sets none (default 30s)
//!   --deadline 60s         limit of the whole run
//!   --fail-fast            stop starting tests after the first failure
//!   --format FORMAT        pretty (default), terse, text, json, junit
//!   --color WHEN           auto (default), always, never
//!   -q, --quiet            terse progress; nothing but the document for json and junit
//!   --report-time          show each test's time
//!   --secret-env NAME      mask the value of this environment variable everywhere (repeatable)
//! ```
//!
//! Secrets never reach the output: every message (progress, report, the setup's error,
//! the runner's own notes on stderr) is scrubbed of URL passwords, of the values the
//! setup registered with `RunnerBuilder::add_secret`, and of the values of the
//! `--secret-env` variables (an unset or empty one is a usage error, exit status 2).
//!
//! Output: `pretty` prints a libtest line per test as it finishes (`test a::b ... ok`),
//! then the text report ([`crate::report::text`]) and libtest's closing line
//! (`test result: ok. 3 passed; 0 failed; ...`); `terse` prints a character per test
//! instead of a line. With `text`, `json` and `junit`, standard output carries the
//! document alone (the text report and closing line for `text`) and the per-test progress
//! goes to standard error.
//!
//! Exit status: 0 when every test that ran passed, 1 when one failed, errored or timed out
//! (or the setup function failed), 2 for a bad command line (with the usage), 130 when
//! the run was interrupted.
//!
//! Ctrl-C (SIGINT, on Unix): the first stops the run from starting more tests (those not
//! started are reported as errored, "the run was interrupted"); the tests already running
//! finish as usual, their cleanups and tear-downs included, for up to 10 s
//! ([`INTERRUPT_GRACE`]); then the report is printed and the program exits with 130. Tests
//! still running after the grace are abandoned, their cleanups and tear-downs with them,
//! and so are they at a second Ctrl-C, which exits at once.
//!
//! Accepted for compatibility with libtest and cargo, with no effect here: `--nocapture`
//! and `--show-output` (tests run in this process and their output is never captured),
//! `--test`, `--ensure-time`, `--force-run-in-process`, `--exclude-should-panic`, and
//! `-Z FLAG`. `--bench` prints nothing and exits 0 (there are no benchmarks), so `cargo
//! bench` passes over smoke targets.

use std::future::Future;
use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use clap::error::{ContextKind, ContextValue};
use clap::{CommandFactory, FromArgMatches, Parser, ValueEnum};

use crate::report::redact::Redactor;
use crate::report::{self, RenderOptions};
use crate::{
    AroundEach, BoxFuture, Context, Ignored, Report, RunnerBuilder, Selection, SmokeError,
    SmokeResult, TestDescriptor,
};

mod output;

use output::{closing_line, Progress};

/// The future a setup function returns, boxed: see [`Setup`].
pub type SetupFuture<'a> = Pin<Box<dyn Future<Output = SmokeResult> + 'a>>;

/// A setup function, as [`main!`](crate::main!) wraps `async fn setup(runner: &mut
/// RunnerBuilder) -> SmokeResult`: it registers resources and configures the runner
/// before the tests run. The command line's `--timeout`, `--deadline`, `--test-threads`
/// and `--fail-fast` apply after it, so they override what it set; `--deadline` also
/// bounds the setup itself.
pub type Setup = for<'a> fn(&'a mut RunnerBuilder) -> SetupFuture<'a>;

/// How the results are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A libtest line per test, then the text report and libtest's closing line.
    Pretty,
    /// A character per test (`.` passed, `F` failed, `i` skipped), then the text report and
    /// the closing line.
    Terse,
    /// The text report and the closing line on standard output; progress on standard error.
    Text,
    /// The JSON report on standard output; progress on standard error.
    Json,
    /// JUnit XML on standard output; progress on standard error.
    Junit,
}

/// When to colour the output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When the stream is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The command line: libtest's options, and smoke's.
///
/// ```
/// use clap::Parser;
/// use smoke_runtime::cli::{Args, Format};
///
/// // what `cargo nextest run` passes to list, then to run one test
/// let list = Args::try_parse_from(["smoke", "--list", "--format", "terse", "--ignored"]).unwrap();
/// assert!(list.list && list.ignored);
/// assert_eq!(list.format, Some(Format::Terse));
/// let one = Args::try_parse_from(["smoke", "--exact", "app::db_up", "--nocapture"]).unwrap();
/// assert_eq!(one.filters, ["app::db_up"]);
/// // a bad command line is a usage error: exit status 2
/// let bad = Args::try_parse_from(["smoke", "--frobnicate"]).unwrap_err();
/// assert_eq!(bad.exit_code(), 2);
/// ```
#[derive(Clone, Debug, Default, Parser)]
#[command(
    about = "Runs the smoke tests linked into this program.",
    long_about = None,
    after_help = "Also accepted, as libtest does, with no effect: --nocapture, --show-output, --test, \
                  --ensure-time, --force-run-in-process, --exclude-should-panic, -Z FLAG; \
                  --bench prints nothing and exits 0.\n\n\
                  Exit status: 0 when every test passed, 1 when one failed, errored or timed out, \
                  2 for a bad command line."
)]
pub struct Args {
    /// Run only tests whose full name contains one of these (equals one, with --exact).
    #[arg(value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Filters and --skip match whole names.
    #[arg(long)]
    pub exact: bool,
    /// Leave out tests whose full name contains this (repeatable).
    #[arg(long, value_name = "FILTER")]
    pub skip: Vec<String>,
    /// Run only tests that have one of these tags (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// List the tests instead of running them.
    #[arg(long)]
    pub list: bool,
    /// Run (or list) only the tests marked `skip = "..."`.
    #[arg(long, conflicts_with = "include_ignored")]
    pub ignored: bool,
    /// Run the tests marked `skip = "..."` as well.
    #[arg(long)]
    pub include_ignored: bool,
    /// Run at most this many tests at once (default: $RUST_TEST_THREADS, else eight per core, at least 32).
    #[arg(long, value_name = "N", value_parser = parse_test_threads)]
    pub test_threads: Option<NonZeroUsize>,
    /// The timeout of a test that sets none of its own, such as 500ms, 5s or 1m (default 30s).
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
    /// The limit of the whole run: tests still running then are timed out.
    #[arg(long, value_name = "DURATION", value_parser = parse_deadline)]
    pub deadline: Option<Duration>,
    /// Stop starting tests after the first failure; the rest are reported as skipped.
    #[arg(long)]
    pub fail_fast: bool,
    /// Output format [default: pretty].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Colour the output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = Color::Auto)]
    pub color: Color,
    /// Terse progress; with json and junit, no progress at all.
    #[arg(short, long)]
    pub quiet: bool,
    /// Show how long each test took.
    #[arg(long)]
    pub report_time: bool,
    /// Start the tests in random order.
    #[arg(long)]
    pub shuffle: bool,
    /// Start the tests in the random order of this seed.
    #[arg(long, value_name = "SEED")]
    pub shuffle_seed: Option<u64>,
    /// Also write the report (in --format, text for pretty and terse) to this file.
    #[arg(long, value_name = "PATH")]
    pub logfile: Option<PathBuf>,
    /// Mask the value of this environment variable (a password, an API key) in
    /// everything the program writes (repeatable).
    #[arg(long = "secret-env", value_name = "NAME")]
    pub secret_env: Vec<String>,
    /// Accepted for libtest compatibility: test output is never captured.
    #[arg(long, visible_alias = "no-capture", hide = true)]
    pub nocapture: bool,
    /// Accepted for libtest compatibility: test output is never captured.
    #[arg(long, hide = true)]
    pub show_output: bool,
    /// Print nothing and exit 0: a smoke target has no benchmarks.
    #[arg(long, hide = true)]
    pub bench: bool,
    /// Accepted for libtest compatibility (running tests is the default).
    #[arg(long, hide = true)]
    pub test: bool,
    /// Accepted for libtest compatibility.
    #[arg(long, hide = true)]
    pub ensure_time: bool,
    /// Accepted for libtest compatibility (tests always run in this process).
    #[arg(long, hide = true)]
    pub force_run_in_process: bool,
    /// Accepted for libtest compatibility (smoke tests have no should_panic).
    #[arg(long, hide = true)]
    pub exclude_should_panic: bool,
    /// Accepted for libtest compatibility (`-Z unstable-options`).
    #[arg(short = 'Z', value_name = "FLAG", hide = true)]
    pub unstable: Vec<String>,
}

fn parse_duration(s: &str, what: &str) -> Result<Duration, String> {
    let duration =
        humantime::parse_duration(s).map_err(|e| format!("{e} (write it like 500ms, 5s or 1m)"))?;
    if duration < Duration::from_millis(1) {
        return Err(format!("{what} must be at least 1ms"));
    }
    Ok(duration)
}

fn parse_timeout(s: &str) -> Result<Duration, String> {
    parse_duration(s, "a timeout")
}

fn parse_deadline(s: &str) -> Result<Duration, String> {
    parse_duration(s, "a deadline")
}

/// The most tests `--test-threads` (or `RUST_TEST_THREADS`) may run at once.
const MAX_TEST_THREADS: usize = 100_000;

fn parse_test_threads(s: &str) -> Result<NonZeroUsize, String> {
    s.trim()
        .parse::<usize>()
        .ok()
        .and_then(NonZeroUsize::new)
        .filter(|n| n.get() <= MAX_TEST_THREADS)
        .ok_or_else(|| format!("the number of tests at once must be from 1 to {MAX_TEST_THREADS}"))
}

/// How many tests may run at once: `--test-threads`, else `RUST_TEST_THREADS` (`env`), else
/// none said. A bad `RUST_TEST_THREADS` is an error, as with libtest.
fn test_threads(
    flag: Option<NonZeroUsize>,
    env: Option<std::ffi::OsString>,
) -> Result<Option<usize>, String> {
    if let Some(n) = flag {
        return Ok(Some(n.get()));
    }
    let Some(env) = env else { return Ok(None) };
    let value = env.to_string_lossy();
    parse_test_threads(&value)
        .map(|n| Some(n.get()))
        .map_err(|e| format!("RUST_TEST_THREADS={value}: {e}"))
}

impl Args {
    /// The format in force: `--format`, else terse with `--quiet`, else pretty.
    pub fn effective_format(&self) -> Format {
        match self.format {
            Some(format) => format,
            None if self.quiet => Format::Terse,
            None => Format::Pretty,
        }
    }

    /// The tests this command line takes, out of every registered one.
    pub fn selection(&self) -> Selection {
        Selection {
            filters: self.filters.clone(),
            exact: self.exact,
            skip: self.skip.clone(),
            tags: self.tags.clone(),
            ignored: if self.ignored {
                Ignored::Only
            } else if self.include_ignored {
                Ignored::Include
            } else {
                Ignored::Report
            },
        }
    }

    /// Parses `args` (the program's name first), naming the program after `args[0]` in
    /// the usage.
    pub fn parse_from_os<I, T>(args: I) -> Result<Args, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        let name = args
            .first()
            .and_then(|a| {
                PathBuf::from(a)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "smoke".to_owned());
        // clap keeps names as `&'static str`; a program parses its command line once.
        let name: &'static str = Box::leak(name.into_boxed_str());
        let mut command = Args::command().name(name).bin_name(name);
        let parsed = command.try_get_matches_from_mut(args).and_then(|matches| {
            Args::from_arg_matches(&matches).map_err(|e| e.format(&mut command))
        });
        parsed.map_err(|mut e| {
            // Every usage error shows the usage, an invalid value too.
            if e.use_stderr() && e.get(ContextKind::Usage).is_none() {
                e.insert(
                    ContextKind::Usage,
                    ContextValue::StyledStr(command.render_usage()),
                );
            }
            e
        })
    }
}

/// Whether standard output and standard error are terminals (for `--color auto`).
#[derive(Clone, Copy, Debug)]
struct Terminals {
    stdout: bool,
    stderr: bool,
}

impl Terminals {
    fn detect() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Terminals {
            stdout: !no_color && io::stdout().is_terminal(),
            stderr: !no_color && io::stderr().is_terminal(),
        }
    }
}

impl Color {
    fn on(self, terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => terminal,
        }
    }
}

/// Runs the program's command line: what [`main!`](crate::main!) expands to.
pub fn main(setup: Option<Setup>) -> ExitCode {
    run_from(std::env::args_os(), setup)
}

/// Parses `args` (the program's name first) and runs the registered tests it selects,
/// on a multi-threaded tokio runtime of its own. Returns the exit status.
pub fn run_from<I, T>(args: I, setup: Option<Setup>) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args = match Args::parse_from_os(args) {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let interrupt = Interrupt::default();
    let code = execute(
        &args,
        setup,
        smoke_core::registered().iter().collect(),
        Terminals::detect(),
        &mut io::stdout(),
        &mut io::stderr(),
        Some(&interrupt),
    );
    ExitCode::from(code)
}

/// How long the tests running at the first Ctrl-C get to finish, cleanups and tear-downs
/// included, before the program exits without them.
pub const INTERRUPT_GRACE: Duration = Duration::from_secs(10);

/// Whether Ctrl-C was pressed: set by the signal listener, read before each test starts.
#[derive(Clone, Default)]
struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    fn interrupted(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Listens for SIGINT (Unix): the first sets the flag and bounds the rest of the run
    /// by [`INTERRUPT_GRACE`], the second exits at once.
    #[cfg(unix)]
    fn listen(&self) {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut sigint) = signal(SignalKind::interrupt()) else {
            return;
        };
        let flag = self.0.clone();
        tokio::spawn(async move {
            sigint.recv().await;
            flag.store(true, Ordering::SeqCst);
            note(&format!(
                "interrupted: no more tests start; the running ones get {} to finish \
                 (Ctrl-C again to exit now)",
                humantime::format_duration(INTERRUPT_GRACE)
            ));
            tokio::select! {
                _ = sigint.recv() => note("interrupted again: exiting without the running tests' cleanups and tear-downs"),
                () = tokio::time::sleep(INTERRUPT_GRACE) => note(&format!(
                    "the running tests did not finish within {}: exiting without their \
                     cleanups and tear-downs",
                    humantime::format_duration(INTERRUPT_GRACE)
                )),
            }
            std::process::exit(130);
        });
    }

    #[cfg(not(unix))]
    fn listen(&self) {}
}

/// A line on standard error, at once.
fn note(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

impl AroundEach for Interrupt {
    fn before<'a>(&'a self, _ctx: &'a Context) -> BoxFuture<'a, SmokeResult> {
        let interrupted = self.interrupted();
        Box::pin(async move {
            if interrupted {
                Err(SmokeError::error(
                    "the run was interrupted (Ctrl-C): the test was not started",
                ))
            } else {
                Ok(())
            }
        })
    }

    fn after<'a>(&'a self, _ctx: &'a Context) -> BoxFuture<'a, SmokeResult> {
        Box::pin(async { Ok(()) })
    }
}

/// Runs a parsed command line over `all` tests, writing to `out` and `err`; the exit
/// status.
fn execute(
    args: &Args,
    setup: Option<Setup>,
    all: Vec<&'static TestDescriptor>,
    terminals: Terminals,
    out: &mut dyn Write,
    err: &mut dyn Write,
    interrupt: Option<&Interrupt>,
) -> u8 {
    if args.bench {
        return 0;
    }
    let selection = args.selection();
    if args.list {
        output::list(
            &selection.apply(all.iter().copied()),
            args.effective_format(),
            out,
        );
        let _ = out.flush();
        return 0;
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
        run(args, setup, all, terminals, out, err, interrupt).await
    });
    let code = match interrupt {
        Some(interrupt) if interrupt.interrupted() => 130,
        _ => code,
    };
    // A sync test that hangs past its timeout keeps a blocking thread; do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    code
}

async fn run(
    args: &Args,
    setup: Option<Setup>,
    all: Vec<&'static TestDescriptor>,
    terminals: Terminals,
    out: &mut dyn Write,
    err: &mut dyn Write,
    interrupt: Option<&Interrupt>,
) -> u8 {
    let selection = &args.selection();
    let env_secrets = match secrets_from_env(&args.secret_env) {
        Ok(secrets) => secrets,
        Err(why) => {
            let _ = writeln!(err, "error: {why}");
            return 2;
        }
    };
    let mut builder = RunnerBuilder::default();
    if let Some(interrupt) = interrupt {
        // Added first, it runs before the setup's own run-wide hooks.
        builder.add_around_each(interrupt.clone());
    }
    if let Some(setup) = setup {
        // A setup that hangs (a database that never answers) is bounded by --deadline.
        let result = match args.deadline {
            Some(deadline) => tokio::time::timeout(deadline, setup(&mut builder))
                .await
                .unwrap_or_else(|_| {
                    Err(SmokeError::error(format!(
                        "it did not finish within the deadline of {}",
                        humantime::format_duration(deadline)
                    )))
                }),
            None => setup(&mut builder).await,
        };
        if let Err(e) = result {
            let redactor = redactor_of(&builder.config_mut().secrets, &env_secrets);
            let why = redactor.redact(&e.to_string());
            let _ = writeln!(err, "error: the smoke tests' setup failed: {why}");
            return 1;
        }
    }
    // Everything written from here on goes through this: URL passwords, the setup's
    // secrets, and the values of --secret-env.
    let redactor = redactor_of(&builder.config_mut().secrets, &env_secrets);
    let config = builder.config_mut();
    let scrub = redactor.clone();
    config.scrub = Some(smoke_core::Scrub::new(move |text| scrub.redact(text)));
    if let Some(timeout) = args.timeout {
        config.default_timeout = timeout;
    }
    if let Some(deadline) = args.deadline {
        config.deadline = Some(deadline);
    }
    // Checked before the setup ran (exit status 2).
    let threads = test_threads(args.test_threads, std::env::var_os("RUST_TEST_THREADS"))
        .ok()
        .flatten();
    if let Some(threads) = threads {
        config.concurrency = threads;
    }
    if args.fail_fast {
        config.fail_fast = true;
    }
    let runner = builder.build();

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
    let mut report = runner
        .run_tests(tests, selection.runs_skipped(), |test| {
            progress.test(&redactor.redact_test(test))
        })
        .await;
    redactor.redact_report_in_place(&mut report);
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

/// Makes `fn main` of a smoke-test program: a `harness = false` test target or a bin.
///
/// `main!()` runs the registered smoke tests with the command line of
/// [`cli`](crate::cli) (libtest-compatible, so `cargo test` and `cargo nextest run` drive
/// it). `main!(setup)` first awaits `setup(&mut RunnerBuilder)`, an `async fn` that
/// registers resources and configures the runner; when it fails the program says why and
/// exits 1 without running a test.
///
/// ```no_run
/// use smoke_runtime::prelude::*;
/// use smoke_runtime::RunnerBuilder;
///
/// struct Settings {
///     bucket: String,
/// }
///
/// async fn setup(runner: &mut RunnerBuilder) -> SmokeResult {
///     let bucket = std::env::var("BUCKET").map_err(|_| SmokeError::error("BUCKET is not set"))?;
///     runner.resources_mut().insert(Settings { bucket });
///     Ok(())
/// }
///
/// smoke_runtime::main!(setup);
/// ```
#[macro_export]
macro_rules! main {
    () => {
        fn main() -> ::std::process::ExitCode {
            $crate::cli::main(::std::option::Option::None)
        }
    };
    ($setup:expr $(,)?) => {
        fn main() -> ::std::process::ExitCode {
            fn __smoke_setup<'a>(
                runner: &'a mut $crate::RunnerBuilder,
            ) -> $crate::cli::SetupFuture<'a> {
                ::std::boxed::Box::pin(async move {
                    $crate::IntoSmokeResult::into_smoke_result(($setup)(runner).await)
                })
            }
            $crate::cli::main(::std::option::Option::Some(__smoke_setup))
        }
    };
}

#[cfg(test)]
mod tests;
