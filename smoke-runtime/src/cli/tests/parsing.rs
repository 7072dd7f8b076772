//! Parsing the command line: what cargo and nextest pass, usage errors, out-of-range values.

use std::num::NonZeroUsize;
use std::time::Duration;

use super::*;
use crate::cli::args::test_threads;
use crate::Ignored;

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
