//! `executable_version` and `executable_on_path`: programs written for the test (recent,
//! old, failing, mute, not executable) and programs on the PATH.

#[cfg(unix)]
use std::path::Path;

use smoke_runtime::checks;
use smoke_tests::verdict::{errored, failed, says};

#[cfg(unix)]
use super::Scratch;

// ---- executables -------------------------------------------------------------------

/// A shell script named `name` in `dir` that runs `body`.
#[cfg(unix)]
fn script(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

#[cfg(unix)]
#[tokio::test]
async fn a_program_of_a_recent_enough_version_passes_and_an_old_one_fails() {
    let dir = Scratch::new("exe");
    let tool = script(
        dir.path(),
        "tool",
        "echo 'tool version 2.5.1-3ubuntu1 Copyright (c) the tool developers' >&2",
    );
    checks::executable_version(&tool, &["-version"], "2.5")
        .await
        .unwrap();
    checks::executable_version(&tool, &["-version"], "2.5.1")
        .await
        .unwrap();
    checks::executable_version(&tool, &["-version"], "1.99")
        .await
        .unwrap();

    let error = failed(checks::executable_version(&tool, &["-version"], "2.10").await);
    says(&error, "is version 2.5.1-3ubuntu1");
    says(&error, "at least 2.10 is needed");
    says(&error, "upgrade");

    let error = errored(checks::executable_version(&tool, &["-version"], "latest").await);
    says(&error, "not a version number");
}

#[cfg(unix)]
#[tokio::test]
async fn a_program_that_fails_or_prints_no_version_fails_the_check() {
    let dir = Scratch::new("exe-bad");
    let broken = script(
        dir.path(),
        "broken",
        "echo 'libfoo.so: not found' >&2; exit 127",
    );
    let error = failed(checks::executable_version(&broken, &["--version"], "1").await);
    says(&error, "exited with status 127");
    says(&error, "libfoo.so: not found");

    let mute = script(dir.path(), "mute", "echo 'usage: mute [options]'");
    let error = failed(checks::executable_version(&mute, &["--version"], "1").await);
    says(&error, "printed no version number");
    says(&error, "usage: mute [options]");

    let not_executable = dir.path().join("plain");
    std::fs::write(&not_executable, "echo 1.0").unwrap();
    let error = failed(
        checks::executable_version(not_executable.to_str().unwrap(), &["--version"], "1").await,
    );
    says(&error, "was not found on the PATH");
}

#[tokio::test]
async fn programs_are_found_on_the_path() {
    // cargo runs this test, so it is on the PATH.
    checks::executable_on_path("cargo").await.unwrap();
    checks::executable_version("cargo", &["--version"], "1.70")
        .await
        .unwrap();
    let error = failed(checks::executable_version("cargo", &["--version"], "999.0").await);
    says(&error, "cargo is version 1.");

    let error = failed(checks::executable_on_path("surely-no-such-program-4711").await);
    says(
        &error,
        "surely-no-such-program-4711 was not found on the PATH",
    );
    says(&error, "install it");
}
