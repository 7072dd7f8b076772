//! The command line's arguments: libtest's options and smoke's, parsed with clap.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::error::{ContextKind, ContextValue};
use clap::{CommandFactory, FromArgMatches, Parser, ValueEnum};

use crate::{Ignored, Selection};

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
pub(super) fn test_threads(
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

impl Color {
    pub(super) fn on(self, terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => terminal,
        }
    }
}
