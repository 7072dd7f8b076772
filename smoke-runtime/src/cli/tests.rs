//! The command line over hand-made descriptors: parsing, listing, progress, exit status.

use std::sync::Arc;
use std::time::Duration;

use std::num::NonZeroUsize;

use super::args::test_threads;
use super::run::{execute, Invocation};
use super::*;
use crate::__private_0_1::run_body;
use crate::report::json::JsonReport;
use crate::BoxFuture;
use crate::{Context, SmokeError};
use crate::{Ignored, RunnerBuilder, SmokeResult, TestDescriptor};

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
    crate::__private_0_1::test(name, "app::smoke", "src/smoke.rs", 7, run)
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
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = args(line);
    let invocation = Invocation {
        args: &args,
        setup,
        all: all(),
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

fn region_setup(runner: RunnerBuilder) -> SetupFuture {
    Box::pin(async move { Ok(runner.resource(Region("eu"))) })
}

fn failing_setup(_runner: RunnerBuilder) -> SetupFuture {
    Box::pin(async { Err(SmokeError::error("DATABASE_URL is not set")) })
}

/// Registers a secret, then fails with it in its error.
fn leaking_setup(runner: RunnerBuilder) -> SetupFuture {
    Box::pin(async move {
        let _runner = runner.secret("hunter2-api-key");
        Err(SmokeError::error("login with hunter2-api-key refused"))
    })
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

#[test]
fn what_cargo_and_nextest_pass_parses() {
    for line in [
        &["--list", "--format", "terse"][..],
        &["--list", "--format", "terse", "--ignored"],
        &["--exact", "app::smoke::ok_a", "--nocapture"],
        &["--exact", "app::smoke::later", "--nocapture", "--ignored"],
        &[
            "--include-ignored",
            "--test-threads",
            "2",
            "-q",
            "--color",
            "never",
        ],
        &[
            "-Z",
            "unstable-options",
            "--report-time",
            "--show-output",
            "--no-capture",
        ],
        &["--bench"],
        &[
            "--skip",
            "a",
            "--skip",
            "b",
            "--logfile",
            "/dev/null",
            "--shuffle-seed",
            "3",
        ],
        &[
            "--test",
            "--ensure-time",
            "--force-run-in-process",
            "--exclude-should-panic",
        ],
        &[
            "db",
            "--tag",
            "db",
            "--timeout",
            "250ms",
            "--deadline",
            "1m",
            "--fail-fast",
        ],
    ] {
        assert!(
            Args::parse_from_os(std::iter::once("smoke").chain(line.iter().copied())).is_ok(),
            "{line:?}"
        );
    }
    let a = args(&[
        "db",
        "--skip",
        "x",
        "--tag",
        "t",
        "--exact",
        "--include-ignored",
    ]);
    let s = a.selection();
    assert_eq!(
        (s.filters, s.skip, s.tags, s.exact, s.ignored),
        (
            vec!["db".into()],
            vec!["x".into()],
            vec!["t".into()],
            true,
            Ignored::Include
        )
    );
    assert_eq!(
        args(&["--timeout", "250ms"]).timeout,
        Some(Duration::from_millis(250))
    );
    assert_eq!(args(&["-q"]).effective_format(), Format::Terse);
    assert_eq!(args(&[]).effective_format(), Format::Pretty);
}

#[test]
fn bad_command_lines_are_usage_errors() {
    for line in [
        &["--frobnicate"][..],
        &["--format", "xml"],
        &["--test-threads", "0"],
        &["--timeout", "soon"],
        &["--ignored", "--include-ignored"],
        &["--color", "sometimes"],
    ] {
        let e =
            Args::parse_from_os(std::iter::once("smoke").chain(line.iter().copied())).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{line:?}");
        assert!(e.to_string().contains("Usage: smoke"), "{e}");
    }
    let help = Args::parse_from_os(["target/debug/deps/smoke-1f2e", "--help"]).unwrap_err();
    assert_eq!(help.exit_code(), 0);
    assert!(help
        .to_string()
        .contains("Usage: smoke-1f2e [OPTIONS] [FILTER]..."));
}

#[test]
fn out_of_range_threads_and_durations_are_usage_errors() {
    for (line, message) in [
        (
            &["--test-threads", "4294967296"][..],
            "the number of tests at once must be from 1 to 100000",
        ),
        (
            &["--test-threads", "100001"],
            "the number of tests at once must be from 1 to 100000",
        ),
        (&["--timeout", "0s"], "a timeout must be at least 1ms"),
        (&["--timeout", "500us"], "a timeout must be at least 1ms"),
        (&["--deadline", "0s"], "a deadline must be at least 1ms"),
    ] {
        let e =
            Args::parse_from_os(std::iter::once("smoke").chain(line.iter().copied())).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{line:?}");
        assert!(e.to_string().contains(message), "{line:?}: {e}");
    }
    let ok = args(&[
        "--test-threads",
        "100000",
        "--timeout",
        "1ms",
        "--deadline",
        "1ms",
    ]);
    assert_eq!(ok.test_threads.map(NonZeroUsize::get), Some(100_000));
    assert_eq!(ok.timeout, Some(Duration::from_millis(1)));
}

#[test]
fn rust_test_threads_out_of_range_is_an_error() {
    let four = NonZeroUsize::new(4);
    assert_eq!(test_threads(four, Some("4294967296".into())), Ok(Some(4)));
    assert_eq!(test_threads(None, Some(" 3 ".into())), Ok(Some(3)));
    assert_eq!(test_threads(None, None), Ok(None));
    for bad in ["4294967296", "0", "many"] {
        assert_eq!(
            test_threads(None, Some(bad.into())),
            Err(format!(
                "RUST_TEST_THREADS={bad}: the number of tests at once must be from 1 to 100000"
            ))
        );
    }
}

#[test]
fn list_like_libtest() {
    let (code, out, err) = run_cli(&["--list"], None);
    assert_eq!(code, 0);
    assert_eq!(err, "");
    assert_eq!(
        out,
        "app::smoke::broken: test\napp::smoke::hangs: test\napp::smoke::later: test\n\
         app::smoke::ok_a: test\napp::smoke::ok_b: test\napp::smoke::region: test\n\
         \n6 tests, 0 benchmarks\n"
    );
    let (_, terse, _) = run_cli(&["--list", "--format", "terse", "ok_"], None);
    assert_eq!(terse, "app::smoke::ok_a: test\napp::smoke::ok_b: test\n");
    let (_, ignored, _) = run_cli(&["--list", "--format", "terse", "--ignored"], None);
    assert_eq!(ignored, "app::smoke::later: test\n");
    let (_, exact, _) = run_cli(&["--list", "--exact", "app::smoke::ok_a"], None);
    assert_eq!(exact, "app::smoke::ok_a: test\n\n1 test, 0 benchmarks\n");
    let (_, json, _) = run_cli(&["--list", "--format", "json", "--tag", "db"], None);
    let listed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        listed,
        serde_json::json!([{"name": "app::smoke::ok_b", "class": "app::smoke",
            "file": "src/smoke.rs", "line": 7, "tags": ["db"], "skip": null}])
    );
}

#[test]
fn pretty_run_prints_each_test_then_the_report_and_closing_line() {
    let (code, out, err) = run_cli(
        &["--test-threads", "1", "--skip", "hangs", "--skip", "region"],
        None,
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(err, "");
    assert_eq!(
        without_time(&out),
        "\nrunning 4 tests\n\
         test app::smoke::later ... ignored, needs staging\n\
         test app::smoke::broken ... FAILED\n\
         test app::smoke::ok_a ... ok\n\
         test app::smoke::ok_b ... ok\n\
         \n\
         FAIL\n\
         test classes: 1\n\
         tests run: 3\n\
         tests passed: 2\n\
         tests failed: 1\n\
         tests errored: 0\n\
         time: Tms\n\
         tests skipped: 1\n\
         \n\
         app::smoke::broken failed: 1 != 2\n\
         \x20   at src/checks.rs:9\n\
         \n\
         app::smoke::later skipped: needs staging\n\
         \n\
         test result: FAILED. 2 passed; 1 failed; 1 ignored; 0 measured; 2 filtered out; finished in Ts\n\n"
    );
}

#[test]
fn passing_selection_exits_zero() {
    let (code, out, _) = run_cli(&["ok_", "--report-time", "--color", "always"], None);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("test app::smoke::ok_a ... \x1b[32mok\x1b[0m <0."),
        "{out}"
    );
    assert!(out.contains("\x1b[1;32mPASS\x1b[0m\n"), "{out}");
    assert!(out.contains(
        "test result: \x1b[32mok\x1b[0m. 2 passed; 0 failed; 0 ignored; 0 measured; 4 filtered out;"
    ));
}

#[test]
fn terse_prints_a_character_per_test() {
    let (code, out, _) = run_cli(
        &["-q", "--test-threads", "1", "ok_", "broken", "later"],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        out.starts_with("\nrunning 4 tests\niF..\n\nFAIL\n"),
        "{out}"
    );
}

#[test]
fn json_puts_the_document_alone_on_stdout() {
    let (code, out, err) = run_cli(&["--format", "json", "ok_", "broken"], None);
    assert_eq!(code, 1);
    let report: JsonReport = serde_json::from_str(&out).expect("stdout is the JSON report");
    assert_eq!((report.tests_run, report.tests_failed), (3, 1));
    assert_eq!(report.failed_tests, ["app::smoke::broken failed: 1 != 2"]);
    assert!(
        err.contains("test app::smoke::broken ... FAILED\n"),
        "{err}"
    );
    assert!(
        err.contains("test result: FAILED. 2 passed; 1 failed;"),
        "{err}"
    );

    let (_, quiet_out, quiet_err) = run_cli(&["--format", "junit", "-q", "ok_a"], None);
    assert!(quiet_out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    assert!(quiet_out.contains("<testcase classname=\"app::smoke\" name=\"ok_a\""));
    assert_eq!(quiet_err, "");
}

#[test]
fn text_format_is_the_report_and_closing_line() {
    let (code, out, err) = run_cli(&["--format", "text", "ok_a"], None);
    assert_eq!(code, 0);
    assert_eq!(
        without_time(&out),
        "PASS\ntest classes: 1\ntests run: 1\ntests passed: 1\ntests failed: 0\n\
         tests errored: 0\ntime: Tms\n\n\
         test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 5 filtered out; finished in Ts\n"
    );
    assert!(err.contains("test app::smoke::ok_a ... ok"), "{err}");
}

#[test]
fn ignored_and_include_ignored_run_skipped_tests() {
    let (code, out, _) = run_cli(&["--ignored"], None);
    assert_eq!(code, 0);
    assert!(out.contains("test app::smoke::later ... ok\n"), "{out}");
    assert!(out.contains("1 passed; 0 failed; 0 ignored; 0 measured; 5 filtered out"));
    let (_, out, _) = run_cli(&["--include-ignored", "ok_", "later"], None);
    assert!(out.contains("3 passed; 0 failed; 0 ignored;"), "{out}");
}

#[test]
fn timeout_and_deadline_flags_reach_the_runner() {
    let (code, out, _) = run_cli(&["--exact", "app::smoke::hangs", "--timeout", "50ms"], None);
    assert_eq!(code, 1);
    assert!(out.contains("test app::smoke::hangs ... FAILED"), "{out}");
    assert!(
        out.contains("app::smoke::hangs timed out: timed out after 50ms\n"),
        "{out}"
    );
    let (code, out, _) = run_cli(&["hangs", "--deadline", "50ms"], None);
    assert_eq!(code, 1);
    assert!(out.contains("tests errored: 1\n"), "{out}");
}

#[test]
fn fail_fast_skips_what_has_not_started() {
    let (code, out, _) = run_cli(
        &["--test-threads", "1", "--fail-fast", "broken", "ok_"],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("test app::smoke::ok_a ... ignored, not run: an earlier test failed"),
        "{out}"
    );
}

#[test]
fn setup_registers_resources_and_its_failure_exits_one() {
    let (code, out, _) = run_cli(&["region"], None);
    assert_eq!(code, 1, "without the setup there is no region: {out}");
    let (code, out, _) = run_cli(&["region"], Some(region_setup));
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = run_cli(&["region"], Some(failing_setup));
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: the smoke tests' setup failed: DATABASE_URL is not set\n"
    );
}

#[test]
fn a_failing_setup_s_error_is_masked_of_the_secrets_it_registered() {
    let (code, out, err) = run_cli(&["region"], Some(leaking_setup));
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "error: the smoke tests' setup failed: login with *** refused\n"
    );
}

#[test]
fn setup_result_turns_any_error_into_a_smoke_error() {
    let e = setup_result(Err::<RunnerBuilder, _>(std::fmt::Error)).unwrap_err();
    assert_eq!(e.message(), std::fmt::Error.to_string());
    let own = setup_result(Err::<RunnerBuilder, _>(SmokeError::error("own"))).unwrap_err();
    assert_eq!(own.message(), "own");
    assert!(setup_result(Ok::<_, SmokeError>(RunnerBuilder::default())).is_ok());
}

fn hanging_setup(_runner: RunnerBuilder) -> SetupFuture {
    Box::pin(std::future::pending())
}

#[test]
fn the_deadline_bounds_the_setup() {
    let (code, out, err) = run_cli(&["ok_a", "--deadline", "50ms"], Some(hanging_setup));
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "error: the smoke tests' setup failed: it did not finish within the deadline of 50ms\n"
    );
}

#[test]
fn listing_and_bench_do_not_run_the_setup() {
    let (code, out, _) = run_cli(
        &["--list", "--format", "terse", "region"],
        Some(failing_setup),
    );
    assert_eq!((code, out.as_str()), (0, "app::smoke::region: test\n"));
    let (code, out, err) = run_cli(&["--bench"], Some(failing_setup));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn shuffle_is_a_permutation_fixed_by_its_seed() {
    let mut a: Vec<u32> = (0..20).collect();
    let mut b = a.clone();
    output::shuffle(&mut a, 42);
    output::shuffle(&mut b, 42);
    assert_eq!(a, b);
    assert_ne!(a, (0..20).collect::<Vec<_>>());
    a.sort();
    assert_eq!(a, (0..20).collect::<Vec<_>>());
}

#[test]
fn logfile_gets_the_report() {
    let path = std::env::temp_dir().join(format!("smoke-cli-log-{}.json", std::process::id()));
    let p = path.to_str().unwrap();
    let (code, _, _) = run_cli(&["ok_a", "--format", "json", "--logfile", p], None);
    assert_eq!(code, 0);
    let logged: JsonReport =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(logged.tests_passed, 1);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn the_report_file_gets_the_json_report_and_the_output_is_unchanged() {
    let path = std::env::temp_dir().join(format!("smoke-cli-report-{}.json", std::process::id()));
    for format in ["pretty", "text"] {
        let line = ["ok_", "broken", "--test-threads", "1", "--format", format];
        let (code, out, err) = run_cli(&line, None);
        let (code_r, out_r, err_r) = run_cli_reporting(&line, None, Some(&path));
        assert_eq!(code, 1);
        assert_eq!(code_r, code);
        // The same lines (the progress lines come in the order the tests finish).
        let lines = |s: &str| {
            let mut lines: Vec<String> = without_time(s).lines().map(str::to_owned).collect();
            lines.sort();
            lines
        };
        assert_eq!(lines(&out_r), lines(&out), "{format}");
        assert_eq!(lines(&err_r), lines(&err), "{format}");
        let report: JsonReport =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let report = report.to_report().unwrap();
        assert_eq!(report.counts().run, 3, "{format}");
        assert_eq!(report.counts().failed, 1, "{format}");
        std::fs::remove_file(&path).unwrap();
    }
    // Listing runs nothing and reports nothing.
    let (code, _, _) = run_cli_reporting(&["--list"], None, Some(&path));
    assert_eq!(code, 0);
    assert!(!path.exists());
    // A report file that cannot be written is an error.
    let dir = std::env::temp_dir();
    let (code, _, err) = run_cli_reporting(&["ok_a"], None, Some(&dir));
    assert_eq!(code, 1);
    assert!(err.contains("cannot write the report file"), "{err}");
}

static LOOP_A: TestDescriptor = TestDescriptor {
    requires: &[|| &LOOP_B],
    ..test("loop_a", pass)
};
static LOOP_B: TestDescriptor = TestDescriptor {
    requires: &[|| &LOOP_A],
    ..test("loop_b", pass)
};

#[test]
fn a_dependency_cycle_is_a_usage_error_naming_it() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = args(&[]);
    let invocation = Invocation {
        args: &args,
        setup: None,
        all: vec![&OK_A, &LOOP_A, &LOOP_B],
        terminals: NO_TERMINAL,
        interrupt: None,
        report_file: None,
    };
    let code = execute(invocation, &mut out, &mut err);
    let err = String::from_utf8(err).unwrap();
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "dependency cycle: app::smoke::loop_a -> app::smoke::loop_b -> app::smoke::loop_a"
        ),
        "{err}"
    );
    assert!(out.is_empty(), "no test ran");

    // A selection that leaves the cycle out runs as usual.
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = super::tests::args(&["ok_a"]);
    let invocation = Invocation {
        args: &args,
        setup: None,
        all: vec![&OK_A, &LOOP_A, &LOOP_B],
        terminals: NO_TERMINAL,
        interrupt: None,
        report_file: None,
    };
    assert_eq!(execute(invocation, &mut out, &mut err), 0);
}
