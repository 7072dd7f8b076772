//! The command line as a user meets it: the sample crate (tests/sample-crate) is built
//! with real `cargo` and driven by `cargo test`, `cargo nextest run` and directly.
//!
//! The crate is copied under `target/sample-crate/project` (so the source tree stays
//! clean) with the workspace's `Cargo.lock`, and built once, `--offline`, into
//! `target/sample-crate/target`, which later runs reuse.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use smoke_tests::cargo::{cargo, workspace};
use std::sync::OnceLock;
use std::time::Duration;

mod cargo_runners;
mod failures;
mod formats;
mod programs;
mod selection;

/// The built sample crate.
struct Sample {
    project: PathBuf,
    target: PathBuf,
    /// The `harness = false` target `tests/smoke.rs` (`main!(setup)`).
    smoke: PathBuf,
    /// The bin `src/bin/sample-smoke.rs` (`main!()`).
    bin: PathBuf,
}

/// Copies `from` to `to` (a file or a tree), writing only files whose content differs,
/// so cargo sees unchanged sources as fresh.
fn sync(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            sync(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        let content = std::fs::read(from).unwrap();
        write_if_changed(to, &content);
    }
}

fn write_if_changed(path: &Path, content: &[u8]) {
    if std::fs::read(path).ok().as_deref() != Some(content) {
        // Write then rename: under nextest several processes prepare the crate at once,
        // and none may read a half-written file.
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&temporary, content).unwrap();
        std::fs::rename(&temporary, path).unwrap();
    }
}

fn sample() -> &'static Sample {
    static SAMPLE: OnceLock<Sample> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let root = workspace();
        let base = root.join("target").join("sample-crate");
        let project = base.join("project");
        let target = base.join("target");
        let source = root.join("tests").join("sample-crate");
        sync(&source.join("src"), &project.join("src"));
        sync(&source.join("tests"), &project.join("tests"));
        let manifest = std::fs::read_to_string(source.join("Cargo.toml")).unwrap();
        let runtime = root.join("smoke-runtime");
        let manifest = manifest.replace(
            "path = \"../../smoke-runtime\"",
            &format!("path = {:?}", runtime.to_str().unwrap()),
        );
        write_if_changed(&project.join("Cargo.toml"), manifest.as_bytes());
        // The workspace's lock file: the versions already fetched, so --offline works.
        write_if_changed(
            &project.join("Cargo.lock"),
            &std::fs::read(root.join("Cargo.lock")).unwrap(),
        );

        let out = run(
            cargo(&project, &target).args([
                "test",
                "--offline",
                "--no-run",
                "--message-format=json-render-diagnostics",
            ]),
            Duration::from_secs(600),
        );
        assert!(
            out.status.success(),
            "building the sample crate failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (mut smoke, mut bin) = (None, None);
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let Some(executable) = message["executable"].as_str() else {
                continue;
            };
            let name = message["target"]["name"].as_str().unwrap_or("");
            let test_profile = message["profile"]["test"].as_bool().unwrap_or(false);
            match name {
                "smoke" => smoke = Some(PathBuf::from(executable)),
                "sample-smoke" if !test_profile => bin = Some(PathBuf::from(executable)),
                _ => {}
            }
        }
        Sample {
            project,
            target,
            smoke: smoke.expect("cargo built the smoke target"),
            bin: bin.expect("cargo built the sample-smoke bin"),
        }
    })
}

/// Runs `cmd` to its end, killing it (and failing) past `limit`.
fn run(cmd: &mut Command, limit: Duration) -> Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
    }
}

/// Runs the smoke target directly with `args`.
fn smoke(args: &[&str]) -> Output {
    let s = sample();
    run(
        Command::new(&s.smoke).args(args).current_dir(&s.project),
        Duration::from_secs(60),
    )
}

/// `cargo <args>` in the sample crate.
fn cargo_in_sample(args: &[&str]) -> Output {
    let s = sample();
    run(
        cargo(&s.project, &s.target).args(args),
        Duration::from_secs(300),
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn closing_line(out: &str) -> &str {
    out.lines()
        .find(|l| l.starts_with("test result: "))
        .unwrap_or_else(|| panic!("no closing line in:\n{out}"))
}

/// The closing line without its time.
fn counts_of(out: &str) -> String {
    let line = closing_line(out);
    line[..line.find("; finished in ").expect("a time")].to_owned()
}
