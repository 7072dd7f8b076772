//! The command line of a smoke-test program: what [`main!`](crate::main!) runs.
//!
//! With the `cli` feature (on by default; it brings clap). A service that only embeds the
//! endpoint can leave it out (`default-features = false, features = ["axum"]`): the report
//! formats, the redactor and the runner stay.
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
//! setup registered with [`RunnerBuilder::secret`] (even when the setup then fails), and
//! of the values of the
//! `--secret-env` variables (an unset or empty one is a usage error, exit status 2).
//!
//! Output: `pretty` prints a libtest line per test as it finishes (`test a::b ... ok`),
//! then the text report ([`crate::report::text`]) and libtest's closing line
//! (`test result: ok. 3 passed; 0 failed; ...`); `terse` prints a character per test
//! instead of a line. With `text`, `json` and `junit`, standard output carries the
//! document alone (the text report and closing line for `text`) and the per-test progress
//! goes to standard error.
//!
//! For the programs that run it (`cargo smoke`): when the environment variable
//! `SMOKE_REPORT_FILE` ([`REPORT_FILE_ENV`]) names a path, a run also writes its JSON
//! report there (the document of `--format json`, redacted), whatever the format of its
//! output, which it leaves unchanged; a file it cannot write makes the exit status 1.
//! Listing, `--bench` and a failed setup write no report.
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
use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;

use crate::{IntoSmokeResult, RunnerBuilder, SmokeError};

mod args;
mod interrupt;
mod output;
mod run;

pub use args::{Args, Color, Format};
pub use interrupt::INTERRUPT_GRACE;

use interrupt::Interrupt;
use run::{execute, Invocation};

/// The environment variable that asks for the JSON report in a file as well: when it
/// names a path, a run writes there the document of `--format json` (redacted like
/// everything else), whatever the `--format`, and changes nothing else in its output.
/// `cargo smoke` reads the number of tests run from it for `--min-tests`.
pub const REPORT_FILE_ENV: &str = "SMOKE_REPORT_FILE";

/// The future a setup function returns, boxed: see [`Setup`].
pub type SetupFuture = Pin<Box<dyn Future<Output = Result<RunnerBuilder, SmokeError>>>>;

/// A setup function, as [`main!`](crate::main!) wraps `async fn setup(runner:
/// RunnerBuilder) -> Result<RunnerBuilder, E>`: it takes the runner's builder, registers
/// resources, hooks and secrets and configures the runner, and returns the builder before
/// the tests run. The command line's `--timeout`, `--deadline`, `--test-threads` and
/// `--fail-fast` apply after it, so they override what it set; `--deadline` also bounds
/// the setup itself.
pub type Setup = fn(RunnerBuilder) -> SetupFuture;

/// What [`main!`](crate::main!) makes of a setup function's result: its error as a
/// [`SmokeError`], the way a test's error becomes one ([`IntoSmokeResult`]).
#[doc(hidden)]
pub fn setup_result<E>(result: Result<RunnerBuilder, E>) -> Result<RunnerBuilder, SmokeError>
where
    Result<(), E>: IntoSmokeResult,
{
    match result {
        Ok(runner) => Ok(runner),
        Err(e) => match Err::<(), E>(e).into_smoke_result() {
            Err(e) => Err(e),
            Ok(()) => Err(SmokeError::error("error")),
        },
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
    let invocation = Invocation {
        args: &args,
        setup,
        all: smoke_core::registered().iter().collect(),
        terminals: Terminals::detect(),
        interrupt: Some(&interrupt),
        report_file: std::env::var_os(REPORT_FILE_ENV)
            .filter(|path| !path.is_empty())
            .map(PathBuf::from),
    };
    let code = execute(invocation, &mut io::stdout(), &mut io::stderr());
    ExitCode::from(code)
}

/// Makes `fn main` of a smoke-test program: a `harness = false` test target or a bin.
///
/// `main!()` runs the registered smoke tests with the command line of
/// [`cli`](crate::cli) (libtest-compatible, so `cargo test` and `cargo nextest run` drive
/// it). `main!(setup)` first awaits `setup(runner)`, an `async fn` (or a closure returning
/// a future) that takes the [`RunnerBuilder`](crate::RunnerBuilder) by value, registers
/// resources, hooks and secrets and configures the runner, and returns it:
/// `Result<RunnerBuilder, E>`, with any error type a test may return. When it fails the
/// program says why and exits 1 without running a test.
///
/// ```no_run
/// use smoke_runtime::prelude::*;
/// use smoke_runtime::RunnerBuilder;
///
/// struct Settings {
///     bucket: String,
/// }
///
/// async fn setup(runner: RunnerBuilder) -> SmokeResult<RunnerBuilder> {
///     let bucket = std::env::var("BUCKET").map_err(|_| SmokeError::error("BUCKET is not set"))?;
///     Ok(runner.resource(Settings { bucket }))
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
            fn __smoke_setup(runner: $crate::RunnerBuilder) -> $crate::cli::SetupFuture {
                ::std::boxed::Box::pin(
                    async move { $crate::cli::setup_result(($setup)(runner).await) },
                )
            }
            $crate::cli::main(::std::option::Option::Some(__smoke_setup))
        }
    };
}

#[cfg(test)]
mod tests;
