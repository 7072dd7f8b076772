//! Exits on trouble: bad arguments (2), a failing setup (1), a hung blocking test.

use std::process::Command;
use std::time::{Duration, Instant};

use super::{run, sample, smoke, stderr, stdout};

#[test]
fn bad_arguments_exit_2_with_the_usage() {
    for args in [
        &["--frobnicate"][..],
        &["--format", "yaml"],
        &["--test-threads", "none"],
        &["--test-threads", "4294967296"],
        &["--timeout", "0s"],
        &["--deadline", "0s"],
    ] {
        let out = smoke(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains("Usage: smoke-"), "{err}");
        assert_eq!(stdout(&out), "");
    }
    let help = smoke(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("--include-ignored"));

    let s = sample();
    let out = run(
        Command::new(&s.smoke)
            .env("RUST_TEST_THREADS", "4294967296")
            .current_dir(&s.project),
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: RUST_TEST_THREADS=4294967296: the number of tests at once must be from 1 to 100000\n"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_failing_setup_says_why_and_exits_1() {
    let s = sample();
    let out = run(
        Command::new(&s.smoke)
            .arg("ok::fast")
            .env("SAMPLE_SETUP_FAIL", "1")
            .current_dir(&s.project),
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: the smoke tests' setup failed: SAMPLE_SETUP_FAIL is set\n"
    );
    assert_eq!(stdout(&out), "");
    // Listing does not run the setup: nextest can still list.
    let list = run(
        Command::new(&s.smoke)
            .args(["--list", "--format", "terse", "ok::fast"])
            .env("SAMPLE_SETUP_FAIL", "1")
            .current_dir(&s.project),
        Duration::from_secs(60),
    );
    assert_eq!(stdout(&list), "smoke::ok::fast: test\n");
}

#[test]
fn a_hung_blocking_test_does_not_hold_the_process() {
    // The test sleeps 600 s in a blocking thread; its timeout is 200 ms. `run` fails the
    // test if the process is still there after 30 s.
    let start = Instant::now();
    let out = smoke(&["--exact", "smoke::broken::blocking_hang"]);
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("smoke::broken::blocking_hang timed out: timed out after 200ms"),
        "{text}"
    );
    assert!(took < Duration::from_secs(30), "{took:?}");
}
