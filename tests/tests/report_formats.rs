//! The report formats over a real run: real `#[smoke_test]`s and a suite, run by the
//! runner, rendered as text, JSON and JUnit, and read back.

use quick_xml::events::Event;
use smoke_runtime::prelude::*;
use smoke_runtime::report::json::JsonReport;
use smoke_runtime::report::{json, junit, text, RenderOptions};
use smoke_runtime::{Outcome, Report, Runner, Selection};

mod run {
    use super::*;

    #[smoke_test(tags("fast"))]
    fn passes() -> SmokeResult {
        Ok(())
    }

    #[smoke_test]
    fn fails_an_assertion() -> SmokeResult {
        let token = "s3cr3t-token";
        assert_equal!(token.len(), 3, "token {token} has the wrong length");
        Ok(())
    }

    #[smoke_test]
    fn panics() {
        let v: Vec<u8> = Vec::new();
        let _ = v[3];
    }

    #[smoke_test(skip = "needs <staging> & \"prod\"")]
    fn skipped() {}

    pub struct Pair;

    #[smoke_suite]
    impl Pair {
        fn set_up() -> SmokeResult<Self> {
            Ok(Pair)
        }

        async fn test_async(&mut self) -> SmokeResult {
            Err(SmokeError::error("connection refused\nafter 3 tries"))
        }
    }
}

async fn real_run() -> Report {
    Runner::builder()
        .build()
        .run(&Selection::all().filter("report_formats::run::"))
        .await
}

const DETAILS: RenderOptions = RenderOptions {
    details: true,
    color: false,
};

const SUMMARY: RenderOptions = RenderOptions {
    details: false,
    color: false,
};

#[tokio::test]
async fn text_report_of_a_real_run() {
    let report = real_run().await;
    let out = text::render(&report, &DETAILS);
    let header = "FAIL\ntest classes: 2\ntests run: 4\ntests passed: 1\ntests failed: 1\n\
                  tests errored: 2\ntime: ";
    assert!(out.starts_with(header), "{out}");
    let time_line = out.lines().nth(6).unwrap();
    assert!(
        regex_like_time(time_line),
        "django's `time: %fms`: {time_line}"
    );
    assert!(
        out.contains("\nreport_formats::run::fails_an_assertion failed: "),
        "{out}"
    );
    assert!(
        out.contains("token s3cr3t-token has the wrong length"),
        "{out}"
    );
    assert!(
        out.contains("    at tests/tests/report_formats.rs:"),
        "{out}"
    );
    assert!(
        out.contains(
            "\nreport_formats::run::Pair::test_async errored: connection refused\n    after 3 tries\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("\nreport_formats::run::panics errored: "),
        "{out}"
    );
    assert!(
        out.ends_with("\nreport_formats::run::skipped skipped: needs <staging> & \"prod\"\n"),
        "{out}"
    );

    let summary = text::render(&report, &SUMMARY);
    assert!(summary.starts_with(header), "{summary}");
    assert_eq!(summary.lines().count(), 8, "{summary}");
    assert!(!summary.contains("s3cr3t"));
}

/// `time: 1.234567ms`: six decimals, as Python's `%f`.
fn regex_like_time(line: &str) -> bool {
    let Some(number) = line
        .strip_prefix("time: ")
        .and_then(|l| l.strip_suffix("ms"))
    else {
        return false;
    };
    let Some((whole, fraction)) = number.split_once('.') else {
        return false;
    };
    !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.len() == 6
        && fraction.chars().all(|c| c.is_ascii_digit())
}

#[tokio::test]
async fn json_report_of_a_real_run_reads_back() {
    let report = real_run().await;
    let out = json::render(&report, &DETAILS);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    // django-smoketest's keys, with their types.
    assert_eq!(value["status"], "FAIL");
    assert_eq!(value["test_classes"], 2);
    assert_eq!(value["tests_run"], 4);
    assert_eq!(value["tests_passed"], 1);
    assert_eq!(value["tests_failed"], 1);
    assert_eq!(value["tests_errored"], 2);
    assert!(value["time"].is_f64());
    let failed = value["failed_tests"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]
        .as_str()
        .unwrap()
        .starts_with("report_formats::run::fails_an_assertion failed: "));
    let errored: Vec<&str> = value["errored_tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        errored[0],
        "report_formats::run::Pair::test_async errored: connection refused\nafter 3 tries"
    );
    assert!(
        errored[1].starts_with("report_formats::run::panics errored: "),
        "{errored:?}"
    );
    assert!(errored[1].contains("index out of bounds"), "{errored:?}");

    let back: JsonReport = serde_json::from_str(&out).unwrap();
    let mut read = back.to_report().expect("the detail is there");
    // Times are kept to the microsecond.
    assert!((read.time_ms - report.time_ms).abs() <= 0.0005);
    for (r, t) in read.tests.iter_mut().zip(&report.tests) {
        assert!((r.duration_ms - t.duration_ms).abs() <= 0.0005, "{r:?}");
        r.duration_ms = t.duration_ms;
    }
    read.time_ms = report.time_ms;
    assert_eq!(read, report);
    let tests = back.tests.unwrap();
    let failed = tests.iter().find(|t| t.outcome == Outcome::Failed).unwrap();
    let location = failed
        .location
        .as_ref()
        .expect("where the assertion failed");
    assert!(location.file.ends_with("report_formats.rs"));
    assert!(
        location.line > failed.line,
        "the assertion is below the fn line"
    );
    assert_eq!(
        *tests
            .iter()
            .find(|t| t.name.ends_with("::passes"))
            .unwrap()
            .tags,
        ["fast"]
    );

    let summary = json::render(&report, &SUMMARY);
    let back: JsonReport = serde_json::from_str(&summary).unwrap();
    assert!(back.failed_tests.is_empty() && back.errored_tests.is_empty());
    assert!(back.tests.is_none());
    assert!(!summary.contains("s3cr3t"));
}

#[tokio::test]
async fn junit_report_of_a_real_run_parses() {
    let report = real_run().await;
    let xml = junit::render(&report, &DETAILS);
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut suites = Vec::new();
    let mut elements = Vec::new();
    let mut texts = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if name == "testsuite" {
                    let attribute = e.try_get_attribute("name").unwrap().unwrap();
                    suites.push(String::from_utf8(attribute.value.to_vec()).unwrap());
                }
                elements.push(name);
            }
            Event::Text(t) => texts.push_str(&t.decode().unwrap()),
            _ => {}
        }
    }
    assert_eq!(suites, ["report_formats::run", "report_formats::run::Pair"]);
    let count = |n: &str| elements.iter().filter(|e| *e == n).count();
    assert_eq!(
        (
            count("testcase"),
            count("failure"),
            count("error"),
            count("skipped")
        ),
        (5, 1, 2, 1)
    );
    assert!(
        xml.contains("<skipped message=\"needs &lt;staging&gt; &amp; &quot;prod&quot;\"/>"),
        "{xml}"
    );
    assert!(texts.contains("connection refused"), "{texts}");

    let summary = junit::render(&report, &SUMMARY);
    assert!(!summary.contains("s3cr3t"));
    assert!(!summary.contains("connection refused"));
    assert!(summary.contains("<failure type=\"failed\"/>"), "{summary}");
}
