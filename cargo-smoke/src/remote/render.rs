//! Writing what the endpoint answered: each format, Nagios, and the scrubbing before it.

use std::fmt::Write as _;

use serde_json::Value;
use smoke_runtime::report::redact::Redactor;
use smoke_runtime::report::{Format as Document, RenderOptions};

use crate::{Cli, Format};

use super::*;

/// The document to print and the exit status; `url` is the URL as shown (password masked).
pub(crate) fn render(cli: &Cli, result: &Attempt, url: &str, format: Format) -> (String, u8) {
    match result {
        Attempt::Problem(why) => match format {
            Format::Nagios => (format!("SMOKE UNKNOWN - {}\n", one_line(why)), EXIT_UNKNOWN),
            Format::Junit => {
                eprintln!("cargo smoke: {why}");
                (junit_problem(url, why), EXIT_NO_REPORT)
            }
            _ => {
                eprintln!("cargo smoke: {why}");
                (String::new(), EXIT_NO_REPORT)
            }
        },
        Attempt::Report { remote, answer } => {
            let too_few = cli.too_few_tests(remote.tests_run);
            let code = if remote.passed && too_few.is_none() {
                0
            } else {
                EXIT_FAIL
            };
            if let (Some(why), true) = (&too_few, format != Format::Nagios) {
                eprintln!("cargo smoke: {url}: {why}");
            }
            let options = RenderOptions {
                details: true,
                color: false,
            };
            match format {
                Format::Nagios => match &too_few {
                    Some(why) if remote.passed => (
                        format!("SMOKE CRITICAL - {} | {}\n", one_line(why), perf(remote)),
                        2,
                    ),
                    _ => (nagios(remote), if remote.passed { 0 } else { 2 }),
                },
                Format::Json => {
                    let mut body = String::from_utf8_lossy(&answer.body).into_owned();
                    if !body.ends_with('\n') {
                        body.push('\n');
                    }
                    (body, code)
                }
                Format::Junit | Format::Health | Format::Html => {
                    match (&remote.full, format.document()) {
                        (Some(report), Some(document)) => (document.render(report, &options), code),
                        (_, _) if format == Format::Junit => (junit_plain(remote, url), code),
                        (_, _) => {
                            eprintln!(
                                "cargo smoke: {url} answered a report without each test's detail \
                             (django-smoketest's keys only), and --format {} needs it; use \
                             text, json, junit or nagios for this endpoint ({})",
                                format.as_str(),
                                summary(cli, result)
                            );
                            (String::new(), EXIT_NO_REPORT)
                        }
                    }
                }
                _ => (text_report(remote, answer.status, url), code),
            }
        }
    }
}

/// The text report of one endpoint's answer, ending with the endpoint and its status
/// (`endpoint` is the URL as shown, perhaps with the address asked).
pub(crate) fn text_report(remote: &Remote, status: u16, endpoint: &str) -> String {
    let options = RenderOptions {
        details: true,
        color: false,
    };
    let mut out = match &remote.full {
        Some(report) => Document::Text.render(report, &options),
        None => text_plain(remote),
    };
    let _ = writeln!(out, "\nendpoint: {endpoint} (HTTP {status})");
    out
}

/// The attempt with every message scrubbed: the endpoint's report (each test's message,
/// the django lists, the JSON document as it will be shown) and the problem's text.
pub(crate) fn scrub(attempt: Attempt, redactor: &Redactor) -> Attempt {
    match attempt {
        Attempt::Problem(why) => Attempt::Problem(redactor.redact(&why)),
        Attempt::Report {
            mut remote,
            mut answer,
        } => {
            if let Some(full) = &mut remote.full {
                redactor.redact_report_in_place(full);
            }
            for entry in remote
                .failed_tests
                .iter_mut()
                .chain(remote.errored_tests.iter_mut())
            {
                *entry = redactor.redact(entry);
            }
            // The JSON document is shown as the endpoint sent it, unless it had something
            // to hide.
            if let Ok(value) = serde_json::from_slice::<Value>(&answer.body) {
                let mut scrubbed = value.clone();
                scrub_json(&mut scrubbed, redactor);
                if scrubbed != value {
                    if let Ok(body) = serde_json::to_vec_pretty(&scrubbed) {
                        answer.body = body;
                    }
                }
            }
            Attempt::Report { remote, answer }
        }
    }
}

/// Every string in `value` scrubbed.
pub(crate) fn scrub_json(value: &mut Value, redactor: &Redactor) {
    match value {
        Value::String(s) => *s = redactor.redact(s),
        Value::Array(items) => items.iter_mut().for_each(|v| scrub_json(v, redactor)),
        Value::Object(map) => map.values_mut().for_each(|v| scrub_json(v, redactor)),
        _ => {}
    }
}

pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "/")
}

/// Nagios performance data: the counts and the time.
pub(crate) fn perf(remote: &Remote) -> String {
    format!(
        "tests={};;; failed={};;; errored={};;; time={:.1}ms",
        remote.tests_run, remote.tests_failed, remote.tests_errored, remote.time_ms
    )
}

/// The Nagios plugin output: a status line with performance data, then the failed tests.
pub(crate) fn nagios(remote: &Remote) -> String {
    let mut out = format!("SMOKE {} | {}\n", nagios_state(remote), perf(remote));
    if !remote.passed {
        for entry in remote.failed_tests.iter().chain(&remote.errored_tests) {
            let _ = writeln!(out, "{}", one_line(entry));
        }
    }
    out
}

/// What the report says as a Nagios state and summary: `OK - 5 tests passed`, or
/// `CRITICAL - 2 of 5 tests did not pass: ...` with the first few names.
pub(crate) fn nagios_state(remote: &Remote) -> String {
    if remote.passed {
        return format!("OK - {} tests passed", remote.tests_passed);
    }
    let names = remote.problem_names();
    let shown: Vec<String> = names.iter().take(5).map(|n| one_line(n)).collect();
    let mut line = format!(
        "CRITICAL - {} of {} tests did not pass",
        remote.tests_failed + remote.tests_errored,
        remote.tests_run
    );
    if !shown.is_empty() {
        let _ = write!(line, ": {}", shown.join(", "));
        if names.len() > shown.len() {
            let _ = write!(line, " and {} more", names.len() - shown.len());
        }
    }
    line
}

/// django-smoketest's text report, for a report without each test's detail.
pub(crate) fn text_plain(remote: &Remote) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", if remote.passed { "PASS" } else { "FAIL" });
    let _ = writeln!(out, "test classes: {}", remote.test_classes);
    let _ = writeln!(out, "tests run: {}", remote.tests_run);
    let _ = writeln!(out, "tests passed: {}", remote.tests_passed);
    let _ = writeln!(out, "tests failed: {}", remote.tests_failed);
    let _ = writeln!(out, "tests errored: {}", remote.tests_errored);
    let _ = writeln!(out, "time: {}ms", remote.time_ms);
    for (title, entries) in [
        ("failed tests", &remote.failed_tests),
        ("errored tests", &remote.errored_tests),
    ] {
        if entries.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for entry in entries {
            let mut lines = entry.lines();
            let _ = writeln!(out, "  {}", lines.next().unwrap_or(""));
            for more in lines {
                let _ = writeln!(out, "    {more}");
            }
        }
    }
    out
}

pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML for a report without each test's detail: the counts, and a test case for
/// each failed and errored entry (the passed tests have no names to show).
pub(crate) fn junit_plain(remote: &Remote, url: &str) -> String {
    let seconds = remote.time_ms / 1000.0;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{seconds:.3}\"",
        remote.tests_run, remote.tests_failed, remote.tests_errored
    );
    let _ = writeln!(out, "<testsuites name=\"smoke\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"{}\" {counts}>", xml_escape(url));
    out.push_str(&junit_plain_cases(remote));
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// A JUnit test case for each failed and errored entry of a report without each test's
/// detail, indented for a `<testsuite>` inside `<testsuites>`.
pub(crate) fn junit_plain_cases(remote: &Remote) -> String {
    let mut out = String::new();
    let names = remote.problem_names();
    let entries = remote
        .failed_tests
        .iter()
        .map(|e| ("failure", "failed", e))
        .chain(remote.errored_tests.iter().map(|e| ("error", "errored", e)));
    for ((element, kind, entry), name) in entries.zip(names) {
        let first = entry.lines().next().unwrap_or("");
        let _ = writeln!(
            out,
            "    <testcase classname=\"smoke\" name=\"{}\">\n      <{element} message=\"{}\" \
             type=\"{kind}\">{}</{element}>\n    </testcase>",
            xml_escape(&name),
            xml_escape(first),
            xml_escape(entry)
        );
    }
    out
}

/// JUnit XML saying the endpoint gave no report, so that CI shows why.
pub(crate) fn junit_problem(url: &str, why: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"smoke\" tests=\"1\" \
         failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.000\">\n  <testsuite \
         name=\"{url}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" \
         time=\"0.000\">\n    <testcase classname=\"smoke\" name=\"smoke endpoint\">\n      \
         <error message=\"{why}\" type=\"no report\">{why}</error>\n    </testcase>\n  \
         </testsuite>\n</testsuites>\n",
        url = xml_escape(url),
        why = xml_escape(why)
    )
}
