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
use std::time::{Duration, Instant};

use quick_xml::events::Event;
use smoke_runtime::report::json::JsonReport;
use smoke_runtime::Outcome;

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

#[test]
fn list_terse_is_what_nextest_reads() {
    let out = smoke(&["--list", "--format", "terse"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "smoke::broken::assertion_fails: test\n\
         smoke::broken::blocking_hang: test\n\
         smoke::broken::returns_err: test\n\
         smoke::broken::sleeps_past_timeout: test\n\
         smoke::ok::Files::test_temp_dir_exists: test\n\
         smoke::ok::fast: test\n\
         smoke::ok::greeting_configured: test\n\
         smoke::ok::later: test\n\
         smoke_sample::library_test_is_found: test\n"
    );
    let ignored = smoke(&["--list", "--format", "terse", "--ignored"]);
    assert_eq!(stdout(&ignored), "smoke::ok::later: test\n");
    let pretty = smoke(&["--list", "ok::f"]);
    assert_eq!(
        stdout(&pretty),
        "smoke::ok::fast: test\n\n1 test, 0 benchmarks\n"
    );
}

#[test]
fn filters_exact_skip_and_tags_select() {
    let exact = stdout(&smoke(&["--exact", "smoke::ok::fast"]));
    assert_eq!(
        counts_of(&exact),
        "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 8 filtered out"
    );
    // --exact needs the whole name.
    let partial = stdout(&smoke(&["--exact", "ok::fast"]));
    assert!(partial.contains("running 0 tests"), "{partial}");

    let skip = stdout(&smoke(&["ok::", "--skip", "Files", "--skip", "later"]));
    assert_eq!(
        counts_of(&skip),
        "test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 7 filtered out"
    );

    let tagged = smoke(&["--tag", "db", "--tag", "lib"]);
    let text = stdout(&tagged);
    assert_eq!(tagged.status.code(), Some(0), "{text}");
    assert!(
        text.contains("test smoke::ok::greeting_configured ... ok"),
        "{text}"
    );
    // Registered in the library, found in the program that links it.
    assert!(
        text.contains("test smoke_sample::library_test_is_found ... ok"),
        "{text}"
    );
    assert!(counts_of(&text).contains(" 2 passed; 0 failed; 0 ignored; 0 measured; 7 filtered out"));

    let ignored = stdout(&smoke(&["--ignored"]));
    assert!(
        ignored.contains("test smoke::ok::later ... ok"),
        "{ignored}"
    );
}

#[test]
fn format_json_prints_the_report_alone_on_stdout() {
    let out = smoke(&["--format", "json", "broken::", "ok::fast"]);
    assert_eq!(out.status.code(), Some(1));
    let report: JsonReport =
        serde_json::from_slice(&out.stdout).expect("stdout is exactly the JSON report");
    assert_eq!(report.status, "FAIL");
    assert_eq!(
        (
            report.test_classes,
            report.tests_run,
            report.tests_passed,
            report.tests_failed,
            report.tests_errored,
            report.tests_timed_out,
            report.tests_skipped,
        ),
        (2, 5, 1, 1, 3, 2, 0)
    );
    assert_eq!(report.failed_tests.len(), 1);
    assert!(report.failed_tests[0].starts_with("smoke::broken::assertion_fails failed: "));
    assert!(report.failed_tests[0].contains("arithmetic is off"));
    let errored: Vec<&str> = report.errored_tests.iter().map(String::as_str).collect();
    assert_eq!(errored.len(), 3);
    assert!(errored[0].starts_with("smoke::broken::blocking_hang timed out: timed out after 200ms"));
    assert!(errored[1].starts_with("smoke::broken::returns_err errored: "));
    assert!(errored[2].starts_with("smoke::broken::sleeps_past_timeout timed out: "));
    let tests = report.tests.as_ref().expect("each test's detail");
    let outcomes: Vec<(&str, Outcome)> = tests.iter().map(|t| (&*t.name, t.outcome)).collect();
    assert_eq!(
        outcomes,
        [
            ("smoke::broken::assertion_fails", Outcome::Failed),
            ("smoke::broken::blocking_hang", Outcome::TimedOut),
            ("smoke::broken::returns_err", Outcome::Errored),
            ("smoke::broken::sleeps_past_timeout", Outcome::TimedOut),
            ("smoke::ok::fast", Outcome::Passed),
        ]
    );
    assert_eq!(*tests[1].tags, ["hang"]);
    assert!(tests[0].file.ends_with("smoke.rs") && tests[0].line > 0);
    // Progress and the closing line went to stderr.
    let err = stderr(&out);
    assert!(err.contains("test smoke::ok::fast ... ok\n"), "{err}");
    assert!(
        err.contains("test result: FAILED. 1 passed; 4 failed;"),
        "{err}"
    );
}

#[test]
fn format_junit_is_well_formed_xml_with_every_outcome() {
    let out = smoke(&["--format", "junit", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "", "-q leaves only the document");
    let xml = stdout(&out);
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut seen: Vec<String> = Vec::new();
    let mut root_attributes = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if name == "testsuites" {
                    for a in e.attributes() {
                        let a = a.unwrap();
                        root_attributes.push(format!(
                            "{}={}",
                            String::from_utf8_lossy(a.key.as_ref()),
                            String::from_utf8_lossy(&a.value)
                        ));
                    }
                }
                seen.push(name);
            }
            _ => {}
        }
    }
    let count = |n: &str| seen.iter().filter(|s| *s == n).count();
    assert_eq!(count("testsuites"), 1);
    assert_eq!(
        count("testsuite"),
        4,
        "smoke::broken, smoke::ok, smoke::ok::Files, smoke_sample"
    );
    assert_eq!(count("testcase"), 9);
    assert_eq!(count("failure"), 1);
    assert_eq!(count("error"), 3);
    assert_eq!(count("skipped"), 1);
    assert_eq!(
        root_attributes[..5],
        [
            "name=smoke",
            "tests=9",
            "failures=1",
            "errors=3",
            "skipped=1"
        ]
    );
    assert!(xml.contains(
        "<testcase classname=\"smoke::ok::Files\" name=\"test_temp_dir_exists\" file=\"tests/smoke.rs\""
    ), "{xml}");
}

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

#[test]
fn the_quickstart_example_passes_as_the_readme_runs_it() {
    // `cargo run -p smoke-runtime --example quickstart`, in the sample's target directory
    // so it never waits on the workspace's own build.
    let s = sample();
    let root = workspace();
    let mut cmd = cargo(&root, &s.target);
    let out = run(
        cmd.args([
            "run",
            "--offline",
            "-q",
            "-p",
            "smoke-runtime",
            "--example",
            "quickstart",
        ]),
        Duration::from_secs(600),
    );
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
            .args([
                "run",
                "--offline",
                "-q",
                "-p",
                "smoke-runtime",
                "--example",
                "quickstart",
            ])
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
