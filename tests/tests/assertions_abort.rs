//! The assertions never panic, so they work in a program built with `panic = "abort"`: a
//! user crate with that profile is generated under `target/assert-abort`, built with
//! `cargo`, and run. Its failing assertions end their tests as failed and the process exits
//! with status 1 and a full report, instead of aborting.

use smoke_tests::cargo::{cargo, workspace};
use std::path::Path;

const MAIN: &str = r#"use smoke_runtime::prelude::*;

#[smoke_test]
fn holds() -> SmokeResult {
    assert_equal!(assert_ok!("42".parse::<u32>()), 42);
    assert_in!("db", ["db", "cache"]);
    Ok(())
}

#[smoke_test]
fn fails_hard() -> SmokeResult {
    let users = 0;
    assert_greater!(users, 0, "no users in {}", "users");
    Ok(())
}

#[smoke_test]
async fn fails_soft() -> SmokeResult {
    expect_equal!("down", "up");
    expect_regex!("5.1", r"^[6-9]\.");
    expect_count_equal!([1, 2], [2, 2]);
    Ok(())
}

#[smoke_test]
fn errors() -> SmokeResult {
    let port: u16 = "eighty".parse()?;
    assert_equal!(port, 80);
    Ok(())
}

smoke_runtime::main!();
"#;

fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

#[test]
fn failing_assertions_end_tests_not_the_process_under_panic_abort() {
    let root = workspace();
    let base = root.join("target").join("assert-abort");
    let project = base.join("project");
    let runtime = root.join("smoke-runtime");
    write_if_changed(
        &project.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"assert-abort\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\nsmoke-runtime = {{ path = {:?} }}\n\n\
             [profile.dev]\npanic = \"abort\"\n\n[workspace]\n",
            runtime.to_str().unwrap()
        ),
    );
    write_if_changed(&project.join("src").join("main.rs"), MAIN);
    // The workspace's lock file: the versions already fetched, so --offline works.
    write_if_changed(
        &project.join("Cargo.lock"),
        &std::fs::read_to_string(root.join("Cargo.lock")).unwrap(),
    );

    let out = cargo(&project, &base.join("target"))
        .args(["run", "--offline", "--quiet", "--", "--test-threads", "1"])
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the run must fail with status 1, not abort\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let expect = [
        "tests run: 4",
        "tests passed: 1",
        "tests failed: 2",
        "tests errored: 1",
        "assert_abort::fails_hard failed: assert_greater!(users, 0) failed",
        "      message:  no users in users",
        "assert_abort::fails_soft failed: 3 expectation(s) failed",
        "    expect_equal!(\"down\", \"up\") failed",
        "    expect_count_equal!([1, 2], [2, 2]) failed",
        "assert_abort::errors errored: invalid digit found in string",
    ];
    for line in expect {
        assert!(
            stdout.lines().any(|l| l == line),
            "missing line {line:?} in\n{stdout}\nstderr:\n{stderr}"
        );
    }
}
