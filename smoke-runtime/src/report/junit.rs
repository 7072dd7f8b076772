//! JUnit XML, as Jenkins, GitLab and other CI systems read it.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="smoke" tests="2" failures="1" errors="0" skipped="0" time="0.013" timestamp="2026-11-24T23:00:00.000Z">
//!   <testsuite name="app::smoke" tests="2" failures="1" errors="0" skipped="0" time="0.012" timestamp="2026-11-24T23:00:00.000Z">
//!     <testcase classname="app::smoke" name="disk_space" file="src/smoke.rs" line="30" time="0.002">
//!       <failure message="2 GB free, expected 5 GB" type="failed">2 GB free, expected 5 GB
//! at src/smoke.rs:31</failure>
//!     </testcase>
//!     <testcase classname="app::smoke" name="temp_dir_writable" file="src/smoke.rs" line="12" time="0.010"/>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! One `<testsuite>` per test class (a suite, or a module of free tests), in name order;
//! a `<testcase>` per test, named without its class prefix. A failed test has a
//! `<failure type="failed">`, an errored one an `<error type="errored">`, a timed-out one
//! an `<error type="timed out">`, a skipped one a `<skipped message="..."/>`. The
//! `message` attribute holds the message's first line; the element's text holds all of it
//! and where it was raised. Times are in seconds. Characters XML 1.0 cannot carry (such as
//! ANSI escapes) are written as `\u{1b}`.
//!
//! Without details the test cases keep their names and outcomes, but no messages.
//!
//! Rendered with the coordinator's history ([`render_with_history`]), each test case of a
//! test with history starts with `<properties>` (as pytest's `record_property` writes
//! them, and JUnit readers such as junitparser read them): `smoke.status`, the status
//! reported after flap damping, and `smoke.flaky`, `true` or `false`.

use std::collections::BTreeMap;
use std::io;

use quick_xml::escape::partial_escape;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::Writer;

use crate::report::history::{History, TestHistory};
use crate::report::RenderOptions;
use crate::{Outcome, Report, TestReport};

/// Renders `report` as JUnit XML, ending with a newline.
///
/// ```
/// use smoke_runtime::report::{junit, RenderOptions};
/// use smoke_runtime::Report;
///
/// let report = Report {
///     started_at: "2026-01-01T00:00:00.000Z".into(),
///     time_ms: 1.0,
///     test_classes: 0,
///     tests: vec![],
/// };
/// let xml = junit::render(&report, &RenderOptions::default());
/// assert!(xml.contains(r#"<testsuites name="smoke" tests="0" failures="0""#));
/// ```
pub fn render(report: &Report, options: &RenderOptions) -> String {
    render_with_history(report, options, &History::default())
}

/// Like [`render`], each test case of a test with history in `history` (with details
/// only) carrying `<properties>`: `smoke.status`, its reported status after flap damping
/// (`passing`, `failing` or `pending`; the `<failure>` or `<error>` is this run's
/// outcome), and `smoke.flaky`, `true` when its recent runs flip between passing and
/// failing too often.
pub fn render_with_history(report: &Report, options: &RenderOptions, history: &History) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let history = if options.details {
        history
    } else {
        &History::default()
    };
    write_report(&mut writer, report, options, history).expect("writing to memory cannot fail");
    let mut out = String::from_utf8(writer.into_inner()).expect("the XML is UTF-8");
    out.push('\n');
    out
}

#[derive(Default)]
struct Tally {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    seconds: f64,
}

impl Tally {
    fn add(&mut self, test: &TestReport) {
        self.tests += 1;
        self.seconds += test.duration_ms / 1000.0;
        match test.outcome {
            Outcome::Failed => self.failures += 1,
            Outcome::Errored | Outcome::TimedOut => self.errors += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Passed => {}
        }
    }

    fn attributes(&self, seconds: f64) -> [(&'static str, String); 5] {
        [
            ("tests", self.tests.to_string()),
            ("failures", self.failures.to_string()),
            ("errors", self.errors.to_string()),
            ("skipped", self.skipped.to_string()),
            ("time", format!("{seconds:.3}")),
        ]
    }
}

fn write_report(
    w: &mut Writer<Vec<u8>>,
    report: &Report,
    options: &RenderOptions,
    history: &History,
) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut classes: BTreeMap<&str, Vec<&TestReport>> = BTreeMap::new();
    let mut total = Tally::default();
    for test in &report.tests {
        classes.entry(&test.class).or_default().push(test);
        total.add(test);
    }
    let timestamp = report.started_at.as_str();
    let mut root = w
        .create_element("testsuites")
        .with_attribute(attr("name", "smoke"));
    for (key, value) in total.attributes(report.time_ms / 1000.0) {
        root = root.with_attribute(attr(key, value.as_str()));
    }
    root.with_attribute(attr("timestamp", timestamp))
        .write_inner_content(|w| {
            for (class, tests) in &classes {
                write_suite(w, class, tests, timestamp, options, history)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_suite(
    w: &mut Writer<Vec<u8>>,
    class: &str,
    tests: &[&TestReport],
    timestamp: &str,
    options: &RenderOptions,
    history: &History,
) -> io::Result<()> {
    let mut tally = Tally::default();
    tests.iter().for_each(|t| tally.add(t));
    let mut suite = w
        .create_element("testsuite")
        .with_attribute(attr("name", class));
    for (key, value) in tally.attributes(tally.seconds) {
        suite = suite.with_attribute(attr(key, value.as_str()));
    }
    suite
        .with_attribute(attr("timestamp", timestamp))
        .write_inner_content(|w| {
            for test in tests {
                write_case(w, test, options, history.get(&test.name))?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_case(
    w: &mut Writer<Vec<u8>>,
    test: &TestReport,
    options: &RenderOptions,
    history: Option<&TestHistory>,
) -> io::Result<()> {
    let short = test
        .name
        .strip_prefix(&*test.class)
        .and_then(|rest| rest.strip_prefix("::"))
        .unwrap_or(&test.name);
    let line = test.line.to_string();
    let time = format!("{:.3}", test.duration_ms / 1000.0);
    let case = w
        .create_element("testcase")
        .with_attribute(attr("classname", &test.class))
        .with_attribute(attr("name", short))
        .with_attribute(attr("file", &test.file))
        .with_attribute(attr("line", &line))
        .with_attribute(attr("time", &time));
    let element = match test.outcome {
        Outcome::Passed => None,
        Outcome::Failed => Some("failure"),
        Outcome::Errored | Outcome::TimedOut => Some("error"),
        Outcome::Skipped => Some("skipped"),
    };
    if element.is_none() && history.is_none() {
        case.write_empty()?;
        return Ok(());
    }
    case.write_inner_content(|w| {
        if let Some(history) = history {
            write_properties(w, history)?;
        }
        let Some(element) = element else {
            return Ok(());
        };
        let message = test.message.as_deref().filter(|_| options.details);
        let first_line = message.and_then(|m| m.lines().next()).unwrap_or("");
        let inner = w.create_element(element);
        if test.outcome == Outcome::Skipped {
            let inner = match message {
                Some(_) => inner.with_attribute(attr("message", first_line)),
                None => inner,
            };
            inner.write_empty()?;
            return Ok(());
        }
        let inner = match message {
            Some(_) => inner.with_attribute(attr("message", first_line)),
            None => inner,
        }
        .with_attribute(attr("type", test.outcome.as_str()));
        match message {
            Some(message) => {
                let at = match &test.location {
                    Some(location) => location.to_string(),
                    None => format!("{}:{}", test.file, test.line),
                };
                let body = xml_text(&format!("{message}\nat {at}"));
                inner.write_text_content(BytesText::from_escaped(partial_escape(&body)))?;
            }
            None => {
                inner.write_empty()?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// A test case's `<properties>`: its reported status and whether it is flaky.
fn write_properties(w: &mut Writer<Vec<u8>>, history: &TestHistory) -> io::Result<()> {
    w.create_element("properties").write_inner_content(|w| {
        for (name, value) in [
            ("smoke.status", history.reported.as_str()),
            ("smoke.flaky", if history.flaky { "true" } else { "false" }),
        ] {
            w.create_element("property")
                .with_attribute(attr("name", name))
                .with_attribute(attr("value", value))
                .write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}

/// An attribute whose value is escaped for double quotes: `&`, `<`, `>` and `"` as
/// entities, tabs and line breaks as character references (so parsers keep them).
fn attr<'a>(key: &'a str, value: &str) -> Attribute<'a> {
    let mut escaped = String::with_capacity(value.len());
    for c in xml_text(value).chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\t' => escaped.push_str("&#9;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            c => escaped.push(c),
        }
    }
    Attribute {
        key: QName(key.as_bytes()),
        value: escaped.into_bytes().into(),
    }
}

/// `text` with the characters XML 1.0 cannot carry written as `\u{..}`.
fn xml_text(text: &str) -> String {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    if text.chars().all(allowed) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if allowed(c) {
                c.to_string()
            } else {
                format!("\\u{{{:x}}}", c as u32)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::text::tests::sample;

    #[test]
    fn golden_with_details() {
        let xml = render(&sample(), &RenderOptions::default());
        assert_eq!(
            xml,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="smoke" tests="5" failures="1" errors="2" skipped="1" time="0.003" timestamp="2026-11-24T23:00:00.000Z">
  <testsuite name="app::smoke" tests="3" failures="1" errors="1" skipped="1" time="0.005" timestamp="2026-11-24T23:00:00.000Z">
    <testcase classname="app::smoke" name="disk_space" file="src/smoke.rs" line="10" time="0.002">
      <failure message="free space 2 &lt; 5" type="failed">free space 2 &lt; 5
  left: 2
 right: 5
at src/smoke.rs:31</failure>
    </testcase>
    <testcase classname="app::smoke" name="later" file="src/smoke.rs" line="10" time="0.002">
      <skipped message="needs staging"/>
    </testcase>
    <testcase classname="app::smoke" name="slow" file="src/smoke.rs" line="10" time="0.002">
      <error message="timed out after 2s" type="timed out">timed out after 2s
at src/smoke.rs:10</error>
    </testcase>
  </testsuite>
  <testsuite name="app::smoke::Db" tests="2" failures="0" errors="1" skipped="0" time="0.014" timestamp="2026-11-24T23:00:00.000Z">
    <testcase classname="app::smoke::Db" name="test_read" file="src/smoke.rs" line="40" time="0.012"/>
    <testcase classname="app::smoke::Db" name="test_write" file="src/smoke.rs" line="10" time="0.002">
      <error message="connection refused &lt;db&gt; &amp; &quot;retry&quot;" type="errored">connection refused &lt;db&gt; &amp; "retry"
at src/smoke.rs:10</error>
    </testcase>
  </testsuite>
</testsuites>
"#
        );
    }

    #[test]
    fn golden_without_details() {
        let options = RenderOptions {
            details: false,
            color: false,
        };
        let xml = render(&sample(), &options);
        assert!(xml.contains(
            "<testcase classname=\"app::smoke\" name=\"disk_space\" file=\"src/smoke.rs\" line=\"10\" time=\"0.002\">\n      <failure type=\"failed\"/>\n    </testcase>"
        ), "{xml}");
        assert!(xml.contains("<skipped/>"), "{xml}");
        assert!(!xml.contains("free space"), "{xml}");
        assert!(!xml.contains("needs staging"), "{xml}");
    }

    #[test]
    fn attributes_keep_tabs_and_line_breaks() {
        let a = attr("message", "a\tb\r\nc \"d\" <e> & 'f'");
        assert_eq!(
            std::str::from_utf8(&a.value).unwrap(),
            "a&#9;b&#13;&#10;c &quot;d&quot; &lt;e&gt; &amp; 'f'"
        );
    }

    #[test]
    fn characters_xml_cannot_carry_are_spelled_out() {
        assert_eq!(xml_text("a\x1b[31mb\u{0}"), "a\\u{1b}[31mb\\u{0}");
        assert_eq!(xml_text("tab\tline\n"), "tab\tline\n");
    }
}
