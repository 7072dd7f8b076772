//! The report formats on stdout: JSON alone, and JUnit as well-formed XML.

use quick_xml::events::Event;
use smoke_runtime::report::json::JsonReport;
use smoke_runtime::Outcome;

use super::{smoke, stderr, stdout};

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
