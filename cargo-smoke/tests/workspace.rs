//! `cargo smoke` in a real workspace: the fixture under `tests/fixture` is copied under
//! the target directory and built and run by the real `cargo-smoke` binary with real
//! `cargo`.

mod common;

use std::process::Output;

use common::fixture::{cargo_smoke_in, fixture, target_root};
use common::{exits, stderr, stdout, stdout_json};

fn cargo_smoke(args: &[&str]) -> Output {
    cargo_smoke_in(fixture(), args)
}

#[test]
fn a_passing_selection_exits_0_with_progress_and_the_report() {
    let output = cargo_smoke(&["healthy::"]);
    exits(&output, 0);
    let out = stdout(&output);
    for test in ["data_dir_writable", "some_disk_left", "path_configured"] {
        assert!(
            out.contains(&format!("test smoke::healthy::{test} ... ok")),
            "{out}"
        );
    }
    assert!(
        out.contains("PASS\ntest classes: 1\ntests run: 3\ntests passed: 3\n"),
        "{out}"
    );
    assert!(!out.contains("broken::"), "{out}");
    let err = stderr(&output);
    assert!(
        err.contains("Running smoke test `smoke` of smoke-fixture ("),
        "{err}"
    );
    // The worker's target runs too, its one test filtered out.
    assert!(
        err.contains("Running smoke test `smoke` of smoke-fixture-worker ("),
        "{err}"
    );
    assert!(
        out.contains("0 passed; 0 failed; 0 ignored; 0 measured; 1 filtered out"),
        "{out}"
    );
}

#[test]
fn every_smoke_target_runs_and_the_worst_status_is_returned() {
    let output = cargo_smoke(&[]);
    exits(&output, 1);
    let out = stdout(&output);
    assert!(
        out.contains("test smoke::queue::spool_writable ... ok"),
        "{out}"
    );
    assert!(
        out.contains("test smoke::broken::arithmetic ... FAILED"),
        "{out}"
    );

    let output = cargo_smoke(&["-p", "smoke-fixture-worker"]);
    exits(&output, 0);
    let out = stdout(&output);
    assert!(
        out.contains("test smoke::queue::spool_writable ... ok"),
        "{out}"
    );
    assert!(!out.contains("broken::"), "{out}");
}

#[test]
fn in_a_members_directory_that_member_runs_unless_workspace_is_given() {
    let worker = fixture().join("worker");
    let output = cargo_smoke_in(&worker, &[]);
    exits(&output, 0);
    let err = stderr(&output);
    assert!(err.contains("of smoke-fixture-worker ("), "{err}");
    assert!(!err.contains("of smoke-fixture ("), "{err}");

    let output = cargo_smoke_in(&worker, &["--workspace"]);
    exits(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("of smoke-fixture-worker ("), "{err}");
    assert!(err.contains("of smoke-fixture ("), "{err}");
}

#[test]
fn a_bin_runs_as_a_smoke_program() {
    let output = cargo_smoke(&["--bin", "worker-smoke", "--format", "json"]);
    exits(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains("Running smoke bin `worker-smoke` of smoke-fixture-worker ("),
        "{err}"
    );
    let report: serde_json::Value = stdout_json(&output);
    assert_eq!(report["tests_run"], 1);
    assert_eq!(
        report["tests"][0]["name"],
        "smoke_fixture_worker::temp_dir_exists"
    );

    let output = cargo_smoke(&["--bin", "no-such-bin"]);
    exits(&output, 2);
    assert!(stderr(&output).contains("no bin named no-such-bin in the workspace"));
}

#[test]
fn a_failing_selection_exits_1_and_says_why() {
    let output = cargo_smoke(&["broken::"]);
    exits(&output, 1);
    let out = stdout(&output);
    assert!(
        out.contains("test smoke::broken::arithmetic ... FAILED"),
        "{out}"
    );
    assert!(out.contains("arithmetic is off"), "{out}");
    assert!(
        out.contains("FIXTURE_API_KEY_THAT_IS_NEVER_SET is not set"),
        "{out}"
    );
    assert!(
        out.contains("\nFAIL\ntest classes: 1\ntests run: 2\n"),
        "{out}"
    );
    assert!(
        out.contains("test result: FAILED. 0 passed; 2 failed"),
        "{out}"
    );
}

#[test]
fn formats_and_options_are_passed_through() {
    let output = cargo_smoke(&["-p", "smoke-fixture", "--format", "junit", "healthy::"]);
    exits(&output, 0);
    let xml = stdout(&output);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains(r#"tests="3" failures="0" errors="0""#),
        "{xml}"
    );

    let output = cargo_smoke(&["-p", "smoke-fixture", "--format", "json", "--tag", "config"]);
    exits(&output, 1);
    let report: serde_json::Value = stdout_json(&output);
    assert_eq!(report["status"], "FAIL");
    assert_eq!(report["tests_run"], 1);
    assert_eq!(report["tests_failed"], 1);

    let output = cargo_smoke(&[
        "--package",
        "smoke-fixture",
        "--exact",
        "smoke::healthy::path_configured",
        "--format",
        "json",
    ]);
    exits(&output, 0);
    let report: serde_json::Value = stdout_json(&output);
    assert_eq!(report["tests_run"], 1);

    let output = cargo_smoke(&[
        "-p",
        "smoke-fixture",
        "--skip",
        "arithmetic",
        "--format",
        "json",
        "--",
        "broken::",
    ]);
    exits(&output, 1);
    let report: serde_json::Value = stdout_json(&output);
    assert_eq!(report["tests_run"], 1);
    assert_eq!(
        report["tests"][0]["name"],
        "smoke::broken::api_key_configured"
    );
}

#[test]
fn a_workspace_without_smoke_targets_is_told_the_convention() {
    let empty = target_root().join("cargo-smoke-no-targets");
    std::fs::create_dir_all(empty.join("src")).unwrap();
    std::fs::write(
        empty.join("Cargo.toml"),
        "[package]\nname = \"plain\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(empty.join("src/lib.rs"), "").unwrap();
    let output = cargo_smoke_in(&empty, &[]);
    exits(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("no test target named smoke in the workspace at"),
        "{err}"
    );
    assert!(err.contains("harness = false"), "{err}");

    let output = cargo_smoke(&["-p", "no-such-package"]);
    exits(&output, 2);
    assert!(stderr(&output).contains("package(s) no-such-package"));

    let output = cargo_smoke(&["--format", "nagios"]);
    exits(&output, 3);
    assert!(stdout(&output).starts_with("SMOKE UNKNOWN - "));
    assert!(stderr(&output).contains("--format nagios is for --url"));
}

#[test]
fn several_targets_make_one_document() {
    // Both members' smoke targets run; their reports are merged into one.
    let output = cargo_smoke(&["--format", "json"]);
    exits(&output, 1);
    let report: serde_json::Value = stdout_json(&output);
    assert_eq!(report["status"], "FAIL");
    assert_eq!(report["tests_run"], 6);
    assert_eq!(report["tests_failed"], 2);
    let names: Vec<&str> = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"smoke::queue::spool_writable"), "{names:?}");
    assert!(names.contains(&"smoke::broken::arithmetic"), "{names:?}");
    // Progress went to standard error as the tests finished.
    assert!(
        stderr(&output).contains("test smoke::queue::spool_writable ... ok"),
        "{}",
        stderr(&output)
    );

    let output = cargo_smoke(&["--format", "junit", "healthy::", "queue::"]);
    exits(&output, 0);
    let xml = stdout(&output);
    assert_eq!(xml.matches("<?xml").count(), 1, "{xml}");
    assert!(
        xml.contains(r#"<testsuites name="smoke" tests="4" failures="0" errors="0""#),
        "{xml}"
    );

    let output = cargo_smoke(&["--list", "--format", "json"]);
    exits(&output, 0);
    let listed: Vec<serde_json::Value> = stdout_json(&output);
    assert_eq!(listed.len(), 6);
}

#[test]
fn health_and_html_are_written_for_local_runs() {
    let output = cargo_smoke(&["--format", "health", "healthy::", "queue::"]);
    exits(&output, 0);
    let health: serde_json::Value = stdout_json(&output);
    assert_eq!(health["status"], "pass");
    assert_eq!(
        health["checks"]["smoke::healthy::data_dir_writable"][0]["status"],
        "pass"
    );
    assert_eq!(health["checks"].as_object().unwrap().len(), 4);

    let output = cargo_smoke(&["-p", "smoke-fixture", "--format", "html", "broken::"]);
    exits(&output, 1);
    let page = stdout(&output);
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains(r#"id="status">FAIL<"#), "{page}");
    assert!(page.contains("arithmetic is off"), "{page}");

    let output = cargo_smoke(&["--list", "--format", "html"]);
    exits(&output, 2);
    assert!(stderr(&output).contains("--list writes pretty, terse, text or json"));
}

#[test]
fn a_run_of_fewer_tests_than_min_tests_fails() {
    let output = cargo_smoke(&["--tag", "no-such-tag"]);
    exits(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("cargo smoke: 0 tests ran, fewer than --min-tests 1"),
        "{err}"
    );
    assert!(err.contains("--min-tests 0 to allow it"), "{err}");
    // The programs themselves passed: the report says so.
    assert!(stdout(&output).contains("PASS\n"), "{}", stdout(&output));

    let output = cargo_smoke(&["--tag", "no-such-tag", "--min-tests", "0"]);
    exits(&output, 0);

    // Counted over every smoke target: 3 in one, none in the other.
    let output = cargo_smoke(&["healthy::", "--min-tests", "4", "--format", "terse"]);
    exits(&output, 1);
    assert!(
        stderr(&output).contains("3 tests ran, fewer than --min-tests 4"),
        "{}",
        stderr(&output)
    );
    let output = cargo_smoke(&["healthy::", "--min-tests", "3"]);
    exits(&output, 0);

    let output = cargo_smoke(&["--format", "json", "--tag", "no-such-tag"]);
    exits(&output, 1);
    let report: serde_json::Value = stdout_json(&output);
    assert_eq!(report["tests_run"], 0);
    assert!(stderr(&output).contains("0 tests ran, fewer than --min-tests 1"));
}
