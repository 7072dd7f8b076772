//! What a run prints: the listing, each format's progress and report, the log and report files.

use super::*;
use crate::report::json::JsonReport;

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
            "file": "src/smoke.rs", "line": 7, "tags": ["db"], "skip": null,
            "timeout_ms": null, "serial": false, "requires": []}])
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
