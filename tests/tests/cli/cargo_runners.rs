//! `cargo test` and `cargo nextest run` on the smoke target: passing and failing selections.

use std::process::Command;

use super::{cargo_in_sample, counts_of, smoke, stderr, stdout};

#[test]
fn cargo_test_runs_a_passing_selection() {
    let out = cargo_in_sample(&["test", "--offline", "--test", "smoke", "--", "ok::"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    assert!(text.contains("\nrunning 4 tests\n"), "{text}");
    for line in [
        "test smoke::ok::fast ... ok\n",
        "test smoke::ok::greeting_configured ... ok\n",
        "test smoke::ok::Files::test_temp_dir_exists ... ok\n",
        "test smoke::ok::later ... ignored, needs the staging database\n",
        "\nPASS\ntest classes: 2\ntests run: 3\ntests passed: 3\ntests failed: 0\ntests errored: 0\ntime: ",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    assert_eq!(
        counts_of(&text),
        "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 5 filtered out"
    );
}

#[test]
fn cargo_test_fails_on_a_failing_selection() {
    let args = ["broken::assertion_fails", "broken::returns_err"];
    let out = cargo_in_sample(&[
        "test",
        "--offline",
        "--test",
        "smoke",
        "--",
        args[0],
        args[1],
    ]);
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "cargo test exits with the program's status: {text}"
    );
    assert!(stderr(&out).contains("test failed"), "{}", stderr(&out));
    for line in [
        "test smoke::broken::assertion_fails ... FAILED\n",
        "test smoke::broken::returns_err ... FAILED\n",
        "\nFAIL\ntest classes: 1\ntests run: 2\ntests passed: 0\ntests failed: 1\ntests errored: 1\n",
        "smoke::broken::assertion_fails failed: ",
        "arithmetic is off",
        "smoke::broken::returns_err errored: ",
        "    at tests/smoke.rs:",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    assert_eq!(
        counts_of(&text),
        "test result: FAILED. 0 passed; 2 failed; 0 ignored; 0 measured; 7 filtered out"
    );
    // The program itself exits 1.
    assert_eq!(smoke(&args).status.code(), Some(1));
}
/// nextest's closing counts: what follows the time on its `Summary` line.
fn nextest_summary(text: &str) -> &str {
    let line = text
        .lines()
        .find(|line| line.trim_start().starts_with("Summary ["))
        .unwrap_or_else(|| panic!("no summary line in:\n{text}"));
    line.split_once("] ").map_or(line, |(_, counts)| counts)
}

#[test]
fn cargo_nextest_lists_and_runs_the_smoke_target() {
    if Command::new("cargo-nextest")
        .arg("--version")
        .output()
        .is_err()
    {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("cargo-nextest is not installed (cargo install cargo-nextest), and CI=true");
        }
        eprintln!("note: cargo-nextest is not installed; the nextest check is skipped outside CI");
        return;
    }
    let pass = cargo_in_sample(&["nextest", "run", "--offline", "--test", "smoke", "ok::"]);
    let text = format!("{}{}", stdout(&pass), stderr(&pass));
    assert_eq!(pass.status.code(), Some(0), "{text}");
    for needle in [
        "smoke::ok::fast",
        "smoke::ok::greeting_configured",
        "smoke::ok::Files::test_temp_dir_exists",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    // nextest's "skipped" counts both the 5 tests the filter leaves out and `later`, which is
    // listed as libtest's ignored; run alone with --run-ignored only, it is the one test run.
    assert_eq!(
        nextest_summary(&text),
        "3 tests run: 3 passed, 6 skipped",
        "{text}"
    );
    let ignored = cargo_in_sample(&[
        "nextest",
        "run",
        "--offline",
        "--test",
        "smoke",
        "--run-ignored",
        "only",
        "ok::",
    ]);
    let text = format!("{}{}", stdout(&ignored), stderr(&ignored));
    assert_eq!(ignored.status.code(), Some(0), "{text}");
    assert!(text.contains("smoke::ok::later"), "{text}");
    assert_eq!(
        nextest_summary(&text),
        "1 test run: 1 passed, 8 skipped",
        "{text}"
    );

    let fail = cargo_in_sample(&[
        "nextest",
        "run",
        "--offline",
        "--no-fail-fast",
        "--test",
        "smoke",
        "broken::assertion_fails",
        "broken::returns_err",
    ]);
    let text = format!("{}{}", stdout(&fail), stderr(&fail));
    assert_eq!(
        fail.status.code(),
        Some(100),
        "nextest's exit status for failed tests: {text}"
    );
    assert!(text.contains("2 tests run: 0 passed, 2 failed"), "{text}");
    assert!(
        text.contains("arithmetic is off"),
        "the test's own output is shown: {text}"
    );

    // A skipped test is libtest's "ignored": nextest runs it on request.
    let ignored = cargo_in_sample(&[
        "nextest",
        "run",
        "--offline",
        "--run-ignored",
        "only",
        "--test",
        "smoke",
    ]);
    let text = format!("{}{}", stdout(&ignored), stderr(&ignored));
    assert_eq!(ignored.status.code(), Some(0), "{text}");
    assert!(text.contains("1 test run: 1 passed"), "{text}");
}
