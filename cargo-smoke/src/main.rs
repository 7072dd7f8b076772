//! `cargo smoke`: run a workspace's smoke tests, or check a deployed smoke endpoint.
//!
//! ```text
//! cargo smoke [OPTIONS] [FILTER]... [-- ARGS...]     build and run the smoke targets
//! cargo smoke --url URL [OPTIONS]                    check a deployed endpoint
//! cargo smoke --url URL --url URL... [OPTIONS]        check a fleet, one merged report
//! cargo smoke --url URL --each-address [OPTIONS]     check every address of the URL's host
//! ```
//!
//! With several `--url`s, or with `--each-address` (a Kubernetes headless Service's name
//! resolves to one address per pod), every target is asked concurrently (at most
//! `--parallel` requests in flight), each with its own `--timeout` and `--retry-for`
//! window, and the result is one report: text (a block per target, then a total line),
//! json (`{"status", "targets": [...], "total"}`), junit (a `<testsuite>` per target) or
//! nagios (the worst state, a line per target, performance data per target). The exit
//! status is 0 when every target passed, 1 when any failed (or ran fewer than
//! `--min-tests`), otherwise 2 when any gave no report; Nagios's are 0 OK, 2 CRITICAL,
//! 3 UNKNOWN in the same order.
//!
//! A smoke target is a `harness = false` test target named `smoke` whose `main` is
//! `smoke_runtime::main!()`. The guide's `cargo smoke` chapter tells the whole story:
//! `smoke_runtime::guide::cargo_smoke`
//! (<https://docs.rs/smoke-runtime/latest/smoke_runtime/guide/cargo_smoke/index.html>, or
//! `smoke-runtime/guide/10-cargo-smoke.md` in the repository).

mod local;
mod remote;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, ValueEnum};
use smoke_runtime::report::redact::Redactor;

/// Run a workspace's smoke tests, or check a deployed smoke endpoint.
///
/// Without --url: builds the workspace's smoke targets (`harness = false` test targets
/// named `smoke`, or the test targets and bins given with --test and --bin) and runs them
/// with the filters and options given; arguments after `--` go to the smoke program as
/// they are.
///
/// With --url: asks the endpoint for its JSON report (django-smoketest's format) of the
/// tests selected with --tag and --exact names, prints it, and exits 0 when it says PASS,
/// 1 when it says FAIL or fewer tests ran than --min-tests, 2 when the endpoint cannot be
/// reached or answers something that is not a smoke report (with --format nagios: 0 OK,
/// 2 CRITICAL, 3 UNKNOWN, also for a bad command line).
///
/// With several --url, or --each-address: a fleet. Every target is asked concurrently and
/// the report is one document for all; exit 0 when every target passed, 1 when any
/// failed, else 2 when any gave no report (nagios: CRITICAL, else UNKNOWN, else OK).
#[derive(Clone, Debug, Parser)]
#[command(name = "cargo smoke", bin_name = "cargo smoke", version)]
pub struct Cli {
    /// Check the smoke endpoint at this URL instead of running local targets. Repeatable:
    /// several URLs are checked concurrently and reported together.
    #[arg(long, value_name = "URL")]
    pub url: Vec<String>,

    /// With --url: resolve each URL's host name and check every address it has, one
    /// target per address, labelled `host:port (address)` (e.g. each pod behind a
    /// Kubernetes headless Service). The request keeps the name as Host header and TLS
    /// server name.
    #[arg(long, requires = "url")]
    pub each_address: bool,

    /// With several targets: at most this many requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    pub parallel: u32,

    /// A request header for --url, `Name: value` (repeatable), e.g. for authorization.
    #[arg(long = "header", short = 'H', value_name = "HEADER", requires = "url")]
    pub headers: Vec<String>,

    /// With --url: keep asking until the report says PASS or this much time has passed
    /// (for a service that is still starting), e.g. `60s`, `2m`. Each target of a fleet
    /// has its own window, from its first request.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "url")]
    pub retry_for: Option<Duration>,

    /// With --retry-for: the pause between two attempts.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2s")]
    pub retry_interval: Duration,

    /// With --url: trust the CA certificate(s) in this PEM file, besides the system's.
    #[arg(long, value_name = "PEM", requires = "url")]
    pub cacert: Option<PathBuf>,

    /// How the result is written: pretty (default for local runs), terse, text, json,
    /// junit, health, html; nagios for --url. With several smoke targets, json, junit,
    /// health and html are one document for all of them.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Fail unless at least this many tests ran (passed, failed or errored; skipped ones
    /// do not count): a deploy gate whose selection matched nothing must not pass. 0
    /// allows an empty run.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_tests: u64,

    /// Local runs: the timeout of a test that sets none. With --url: how long one request
    /// may take (default 30s; each target's own).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Run only tests with one of these tags (repeatable). With --url: asks the endpoint
    /// for them (`?tag=TAG`).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Leave out tests whose name contains this (repeatable; local runs only).
    #[arg(long = "skip", value_name = "FILTER", conflicts_with = "url")]
    pub skips: Vec<String>,

    /// Filters match whole test names. With --url the filters must be whole names, and
    /// the endpoint is asked for those tests (`?test=NAME`).
    #[arg(long)]
    pub exact: bool,

    /// Stop starting tests after the first failure (local runs only).
    #[arg(long, conflicts_with = "url")]
    pub fail_fast: bool,

    /// List the tests instead of running them (local runs only).
    #[arg(long, conflicts_with = "url")]
    pub list: bool,

    /// Only the smoke targets of this package (repeatable). In a member's directory the
    /// default is that member, as with `cargo test`.
    #[arg(
        long = "package",
        short = 'p',
        value_name = "SPEC",
        conflicts_with = "url"
    )]
    pub packages: Vec<String>,

    /// The smoke targets of every member, even in a member's directory.
    #[arg(long, conflicts_with_all = ["packages", "url"])]
    pub workspace: bool,

    /// Run this test target as a smoke target (repeatable; default: targets named `smoke`).
    #[arg(long = "test", value_name = "NAME", conflicts_with = "url")]
    pub tests: Vec<String>,

    /// Run this bin as a smoke program (repeatable): a bin whose `main` is
    /// `smoke_runtime::main!()`.
    #[arg(long = "bin", value_name = "NAME", conflicts_with = "url")]
    pub bins: Vec<String>,

    /// Path to the workspace's (or package's) Cargo.toml.
    #[arg(long, value_name = "PATH", conflicts_with = "url")]
    pub manifest_path: Option<PathBuf>,

    /// Build the smoke targets with the release profile.
    #[arg(long, short = 'r', conflicts_with = "url")]
    pub release: bool,

    /// Features to enable when building (space- or comma-separated).
    #[arg(
        long = "features",
        short = 'F',
        value_name = "FEATURES",
        conflicts_with = "url"
    )]
    pub features: Vec<String>,

    /// Enable all features when building.
    #[arg(long, conflicts_with = "url")]
    pub all_features: bool,

    /// Run tests whose full name contains one of these (all tests when none is given).
    /// With --url, only whole names with --exact: the endpoint selects by full name.
    #[arg(value_name = "FILTER")]
    pub filters: Vec<String>,

    /// Mask the value of this environment variable (a password, an API key) in
    /// everything written (repeatable). Local runs pass it on to each smoke program;
    /// with --url the endpoint's report is scrubbed of it before it is shown. URL
    /// passwords are always masked.
    #[arg(long = "secret-env", value_name = "NAME")]
    pub secret_env: Vec<String>,

    /// Passed to the smoke program as they are (local runs only).
    #[arg(last = true, value_name = "ARGS", conflicts_with = "url")]
    pub program_args: Vec<String>,
}

impl Cli {
    /// Why a run of `tests_run` tests does not pass the gate for its count, if it does not.
    pub fn too_few_tests(&self, tests_run: u64) -> Option<String> {
        (tests_run < self.min_tests).then(|| {
            format!(
                "{tests_run} test{} ran, fewer than --min-tests {}: a smoke gate that runs \
                 nothing proves nothing; check the selection (--tag, filters, -p) or pass \
                 --min-tests 0 to allow it",
                if tests_run == 1 { "" } else { "s" },
                self.min_tests
            )
        })
    }

    /// What scrubs everything shown: URL passwords, and the values of the --secret-env
    /// variables; `Err` when one is unset or empty (an empty secret would mask all).
    pub fn redactor(&self) -> Result<Redactor, String> {
        let mut redactor = Redactor::new();
        for name in &self.secret_env {
            match std::env::var(name) {
                Ok(value) if !value.is_empty() => redactor.add_secret(value),
                Ok(_) => {
                    return Err(format!(
                        "--secret-env {name}: the variable is empty, and an empty secret \
                         would mask every message"
                    ))
                }
                Err(_) => {
                    return Err(format!(
                        "--secret-env {name}: no such environment variable (or not UTF-8)"
                    ))
                }
            }
        }
        Ok(redactor)
    }

    /// Checks what clap's declarations cannot: with --url, filters are only whole test
    /// names (--exact), since the endpoint selects tests by full name.
    fn validate(&self) -> Result<(), clap::Error> {
        if let Err(why) = self.redactor() {
            return Err(Cli::command().error(clap::error::ErrorKind::ValueValidation, why));
        }
        if !self.url.is_empty() && !self.filters.is_empty() && !self.exact {
            return Err(Cli::command().error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "the filter '{}' cannot be used with '--url': the endpoint selects tests \
                     by whole name, not by part of one; give full names with --exact \
                     (e.g. --exact app::smoke::db_reachable) or select by --tag",
                    self.filters[0]
                ),
            ));
        }
        Ok(())
    }
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A line per test as it finishes, then the text report (local runs only).
    Pretty,
    /// A character per test, then the text report (local runs only).
    Terse,
    /// The django-smoketest text report, with what failed and why.
    Text,
    /// The JSON report (django-smoketest's keys and more).
    Json,
    /// JUnit XML for CI systems.
    Junit,
    /// The IETF health check format (`application/health+json`).
    Health,
    /// A self-contained HTML page.
    Html,
    /// A Nagios plugin line with performance data, and Nagios exit codes (--url only).
    Nagios,
}

impl Format {
    /// Whether the format is one document for the whole run (json, junit, health, html):
    /// `cargo smoke` renders it itself, from every smoke target's JSON report.
    pub fn is_document(self) -> bool {
        matches!(
            self,
            Format::Json | Format::Junit | Format::Health | Format::Html
        )
    }

    /// The name on the command line.
    /// The report document this output is, if it is one (pretty, terse and nagios are
    /// not: they are written around the text report or instead of one).
    pub fn document(self) -> Option<smoke_runtime::report::Format> {
        use smoke_runtime::report::Format as Document;
        match self {
            Format::Text => Some(Document::Text),
            Format::Json => Some(Document::Json),
            Format::Junit => Some(Document::Junit),
            Format::Health => Some(Document::Health),
            Format::Html => Some(Document::Html),
            Format::Pretty | Format::Terse | Format::Nagios => None,
        }
    }

    /// Its name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pretty => "pretty",
            Format::Terse => "terse",
            Format::Text => "text",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Health => "health",
            Format::Html => "html",
            Format::Nagios => "nagios",
        }
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text.trim())
        .map_err(|e| format!("{e} (write durations like 500ms, 30s, 2m)"))
}

/// The arguments as given, without the `smoke` that cargo inserts when it runs
/// `cargo-smoke` as the `cargo smoke` subcommand.
fn arguments() -> Vec<OsString> {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "smoke") {
        args.remove(1);
    }
    args
}

/// Whether the command line asks for `--format nagios`, read before clap (which may have
/// refused it): Nagios exit codes apply to usage errors too.
fn wants_nagios(args: &[OsString]) -> bool {
    let mut args = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--format=nagios"
            || (arg == "--format" && args.next().is_some_and(|v| v == "nagios"))
        {
            return true;
        }
    }
    false
}

fn main() -> ExitCode {
    let args = arguments();
    let cli = match Cli::try_parse_from(&args).and_then(|cli| cli.validate().map(|()| cli)) {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() && wants_nagios(&args) => {
            // Nagios reads the first line of standard output, and 2 would mean CRITICAL.
            let rendered = e.render().to_string();
            let message = rendered.lines().next().unwrap_or("").to_owned();
            let _ = e.print();
            println!(
                "SMOKE UNKNOWN - cargo smoke: bad command line: {}",
                message.trim_start_matches("error: ")
            );
            return ExitCode::from(remote::EXIT_UNKNOWN);
        }
        Err(e) => e.exit(),
    };
    if cli.url.is_empty() {
        local::main(&cli)
    } else {
        remote::main(&cli)
    }
}
