//! The command line over hand-made descriptors: the fixtures and helpers its tests share.

mod formats;
mod parsing;
mod running;
mod setup;

use std::sync::Arc;
use std::time::Duration;

use super::run::{execute, Invocation};
use super::*;
use crate::__private_0_1::run_body;
use crate::BoxFuture;
use crate::{Context, SmokeError};
use crate::{SmokeResult, TestDescriptor};

fn pass(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move { run_body(&ctx, async { Ok(()) }).await })
}

fn fail(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        run_body(&ctx, async {
            Err(SmokeError::failure("1 != 2").at("src/checks.rs", 9))
        })
        .await
    })
}

fn hang(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        run_body(&ctx, async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        })
        .await
    })
}

/// Passes when the setup registered a `Region`.
fn needs_region(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        match ctx.resource::<Region>() {
            Some(region) if region.0 == "eu" => Ok(()),
            _ => Err(SmokeError::failure("no region")),
        }
    })
}

struct Region(&'static str);

const fn test(name: &'static str, run: smoke_core::TestFn) -> TestDescriptor {
    TestDescriptor::new(name, "app::smoke", "src/smoke.rs", 7, run)
}

static OK_A: TestDescriptor = test("ok_a", pass);
static OK_B: TestDescriptor = TestDescriptor {
    tags: &["db"],
    ..test("ok_b", pass)
};
static BROKEN: TestDescriptor = TestDescriptor {
    line: 20,
    ..test("broken", fail)
};
static LATER: TestDescriptor = TestDescriptor {
    skip: Some("needs staging"),
    ..test("later", pass)
};
static HANGS: TestDescriptor = test("hangs", hang);
static REGION: TestDescriptor = test("region", needs_region);

fn all() -> Vec<&'static TestDescriptor> {
    vec![&OK_A, &OK_B, &BROKEN, &LATER, &HANGS, &REGION]
}

fn args(line: &[&str]) -> Args {
    Args::parse_from_os(std::iter::once("smoke").chain(line.iter().copied())).unwrap()
}

const NO_TERMINAL: Terminals = Terminals {
    stdout: false,
    stderr: false,
};

/// Runs `line` over [`all`]: exit status, stdout, stderr.
fn run_cli(line: &[&str], setup: Option<Setup>) -> (u8, String, String) {
    run_cli_reporting(line, setup, None)
}

/// [`run_cli`] with `SMOKE_REPORT_FILE` set to `report_file`.
fn run_cli_reporting(
    line: &[&str],
    setup: Option<Setup>,
    report_file: Option<&std::path::Path>,
) -> (u8, String, String) {
    execute_over(all(), line, setup, report_file)
}

/// Runs `line` over the registered tests `all`: exit status, stdout, stderr.
fn run_over(all: Vec<&'static TestDescriptor>, line: &[&str]) -> (u8, String, String) {
    execute_over(all, line, None, None)
}

fn execute_over(
    all: Vec<&'static TestDescriptor>,
    line: &[&str],
    setup: Option<Setup>,
    report_file: Option<&std::path::Path>,
) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = args(line);
    let invocation = Invocation {
        args: &args,
        setup,
        all,
        terminals: NO_TERMINAL,
        interrupt: None,
        report_file: report_file.map(std::path::Path::to_path_buf),
    };
    let code = execute(invocation, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// The closing line with its time replaced by `T`.
fn without_time(s: &str) -> String {
    regex::Regex::new(r"finished in \d+\.\d\ds|time: \d+\.\d{6}ms")
        .unwrap()
        .replace_all(s, |c: &regex::Captures<'_>| {
            if c[0].starts_with("time") {
                "time: Tms".to_owned()
            } else {
                "finished in Ts".to_owned()
            }
        })
        .into_owned()
}
