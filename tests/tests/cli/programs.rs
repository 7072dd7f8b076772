//! Other programs: a bin with `main!()`, and the quickstart example run as the README does.

use std::process::Command;
use std::time::Duration;

use smoke_runtime::report::json::JsonReport;
use smoke_tests::cargo::{cargo, workspace};

use super::{counts_of, run, sample, stderr, stdout};

/// `cargo run -p smoke-runtime --example quickstart`, as the README runs it (offline).
const QUICKSTART: [&str; 7] = [
    "run",
    "--offline",
    "-q",
    "-p",
    "smoke-runtime",
    "--example",
    "quickstart",
];

#[test]
fn a_bin_with_main_runs_the_library_tests() {
    let s = sample();
    let out = run(
        Command::new(&s.bin).current_dir(&s.project),
        Duration::from_secs(60),
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("test smoke_sample::library_test_is_found ... ok"),
        "{text}"
    );
    assert_eq!(
        counts_of(&text),
        "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out"
    );
}

#[test]
fn the_quickstart_example_passes_as_the_readme_runs_it() {
    // `cargo run -p smoke-runtime --example quickstart`, in the sample's target directory
    // so it never waits on the workspace's own build.
    let s = sample();
    let root = workspace();
    let mut cmd = cargo(&root, &s.target);
    let out = run(cmd.args(QUICKSTART), Duration::from_secs(600));
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    assert!(
        text.contains("\nPASS\ntest classes: 2\ntests run: 5\ntests passed: 5\n"),
        "{text}"
    );
    assert_eq!(
        counts_of(&text),
        "test result: ok. 5 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out"
    );

    // An empty API_URL makes its settings test fail: exit 1, and the JSON says why.
    let out = run(
        cargo(&root, &s.target)
            .args(QUICKSTART)
            .args(["--", "--format", "json", "-q"])
            .env("API_URL", ""),
        Duration::from_secs(600),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: JsonReport = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report.failed_tests,
        [
            "quickstart::api_url_configured failed: setting API_URL is present but empty; \
          give it a value in the service's configuration"
        ]
    );
}
