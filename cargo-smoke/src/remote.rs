//! `cargo smoke --url URL`: check a deployed smoke endpoint.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::Value;
use smoke_runtime::checks::{HttpCheck, HttpResponse};
use smoke_runtime::report::json::JsonReport;
use smoke_runtime::report::redact::Redactor;
use smoke_runtime::report::{Format as Document, RenderOptions};
use smoke_runtime::Report;

use crate::{Cli, Format};

/// How long one request may take, unless --timeout says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Exit status when the report says FAIL.
const EXIT_FAIL: u8 = 1;
/// Exit status when there is no report to judge (or the command line is wrong).
const EXIT_NO_REPORT: u8 = 2;
/// Nagios's UNKNOWN: the exit status with --format nagios when there is no report to
/// judge or the command line is wrong.
pub const EXIT_UNKNOWN: u8 = 3;

/// No report to judge: `why` on standard error, or as Nagios's UNKNOWN line.
fn no_report(format: Format, why: &str) -> ExitCode {
    if format == Format::Nagios {
        println!("SMOKE UNKNOWN - cargo smoke: {}", one_line(why));
        return ExitCode::from(EXIT_UNKNOWN);
    }
    eprintln!("cargo smoke: {why}");
    ExitCode::from(EXIT_NO_REPORT)
}

/// A smoke report read from an endpoint: django-smoketest's keys, and each test's detail
/// when the server is ours and showed it.
#[derive(Clone, Debug)]
pub struct Remote {
    /// `status` is `"PASS"`.
    pub passed: bool,
    /// `test_classes`.
    pub test_classes: u64,
    /// `tests_run`.
    pub tests_run: u64,
    /// `tests_passed`.
    pub tests_passed: u64,
    /// `tests_failed`.
    pub tests_failed: u64,
    /// `tests_errored`.
    pub tests_errored: u64,
    /// `failed_tests`.
    pub failed_tests: Vec<String>,
    /// `errored_tests`.
    pub errored_tests: Vec<String>,
    /// `time`, in milliseconds.
    pub time_ms: f64,
    /// The whole report, when the document carries each test (smoke's own endpoint).
    pub full: Option<Report>,
}

impl Remote {
    /// Reads a smoke report out of a JSON document; `Err` says why it is not one.
    pub fn parse(body: &[u8]) -> Result<Remote, String> {
        let value: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON ({e})"))?;
        let object = value
            .as_object()
            .ok_or("JSON, but not an object with a smoke report's keys")?;
        let passed = match object.get("status").and_then(Value::as_str) {
            Some("PASS") => true,
            Some("FAIL") => false,
            Some(other) => {
                return Err(format!(
                    "JSON whose \"status\" is {other:?}, not \"PASS\" or \"FAIL\""
                ))
            }
            None => return Err("JSON without a smoke report's \"status\" key".to_owned()),
        };
        let count = |key: &str| -> Result<Option<u64>, String> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_u64()
                    .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                    .map(Some)
                    .ok_or_else(|| format!("JSON whose {key:?} is {v}, not a count")),
            }
        };
        let tests_run = count("tests_run")?
            .ok_or("JSON with a \"status\" but without a smoke report's \"tests_run\"")?;
        let list = |key: &str| -> Vec<String> {
            object
                .get(key)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|item| match item {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let failed_tests = list("failed_tests");
        let errored_tests = list("errored_tests");
        let tests_failed = count("tests_failed")?.unwrap_or(failed_tests.len() as u64);
        let tests_errored = count("tests_errored")?.unwrap_or(errored_tests.len() as u64);
        let full = serde_json::from_value::<JsonReport>(value.clone())
            .ok()
            .and_then(|r| r.to_report());
        Ok(Remote {
            passed,
            test_classes: count("test_classes")?.unwrap_or(0),
            tests_run,
            tests_passed: count("tests_passed")?
                .unwrap_or_else(|| tests_run.saturating_sub(tests_failed + tests_errored)),
            tests_failed,
            tests_errored,
            failed_tests,
            errored_tests,
            time_ms: object.get("time").and_then(Value::as_f64).unwrap_or(0.0),
            full,
        })
    }

    /// The names of the tests that failed or errored: from each test's detail, or the
    /// lists' entries up to their message.
    pub fn problem_names(&self) -> Vec<String> {
        if let Some(full) = &self.full {
            return full.problems().map(|t| t.name.clone()).collect();
        }
        self.failed_tests
            .iter()
            .chain(&self.errored_tests)
            .map(|entry| {
                let first = entry.lines().next().unwrap_or("");
                let cut = [" failed:", " errored:", " timed out:"]
                    .iter()
                    .filter_map(|marker| first.find(marker))
                    .min()
                    .unwrap_or(first.len());
                first[..cut].trim().to_owned()
            })
            .collect()
    }
}

/// One look at the endpoint.
enum Attempt {
    /// It answered a smoke report.
    Report {
        remote: Box<Remote>,
        answer: HttpResponse,
    },
    /// It did not: why.
    Problem(String),
}

fn describe(answer: &HttpResponse, why: &str, url: &str) -> String {
    let content_type = answer.header("content-type").unwrap_or("none");
    let snippet: String = String::from_utf8_lossy(&answer.body)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(120)
        .collect();
    let hint = match answer.status {
        401 | 403 => {
            "; the endpoint wants credentials: pass them with --header 'Authorization: ...' \
             or in the URL (https://user:password@host/...)"
        }
        400 => "; the endpoint refused the request: check the --tag and --exact names",
        404 => "; check the URL's path (where the service mounts its smoke endpoint)",
        _ if content_type.starts_with("text/html") => {
            "; it answered HTML: check that the URL is the smoke endpoint and that it honours \
             Accept: application/json"
        }
        _ => "",
    };
    format!(
        "{url} answered HTTP {} with something that is not a smoke report: {why} \
         (content-type {content_type}, body {snippet:?}){hint}",
        answer.status
    )
}

async fn attempt(check: &HttpCheck) -> Attempt {
    let url = &check.shown_url();
    match check.fetch().await {
        Err(e) => Attempt::Problem(e.message().to_owned()),
        Ok(answer) => match Remote::parse(&answer.body) {
            Ok(remote) => Attempt::Report {
                remote: Box::new(remote),
                answer,
            },
            Err(why) => Attempt::Problem(describe(&answer, &why, url)),
        },
    }
}

fn build_check(cli: &Cli, url: &str) -> Result<HttpCheck, String> {
    let mut check = HttpCheck::new(url)
        .timeout(cli.timeout.unwrap_or(DEFAULT_TIMEOUT))
        .header("Accept", "application/json");
    for header in &cli.headers {
        let (name, value) = header.split_once(':').ok_or_else(|| {
            format!("--header {header:?} is not `Name: value` (e.g. 'Authorization: Bearer TOKEN')")
        })?;
        check = check.header(name.trim(), value.trim());
    }
    if let Some(path) = &cli.cacert {
        #[cfg(feature = "tls")]
        {
            let pem = std::fs::read(path)
                .map_err(|e| format!("cannot read --cacert {}: {e}", path.display()))?;
            check = check.root_certificate_pem(pem);
        }
        #[cfg(not(feature = "tls"))]
        {
            return Err(format!(
                "--cacert {} needs cargo-smoke built with the `tls` feature",
                path.display()
            ));
        }
    }
    Ok(check)
}

fn summary(cli: &Cli, attempt: &Attempt) -> String {
    match attempt {
        Attempt::Report { remote, answer }
            if remote.passed && cli.too_few_tests(remote.tests_run).is_some() =>
        {
            format!(
                "PASS but too few tests (HTTP {}, {} run, --min-tests {})",
                answer.status, remote.tests_run, cli.min_tests
            )
        }
        Attempt::Report { remote, answer } if remote.passed => {
            format!("PASS (HTTP {}, {} tests)", answer.status, remote.tests_run)
        }
        Attempt::Report { remote, answer } => format!(
            "FAIL (HTTP {}, {} failed, {} errored of {})",
            answer.status, remote.tests_failed, remote.tests_errored, remote.tests_run
        ),
        Attempt::Problem(why) => why.clone(),
    }
}

/// Asks until the report says PASS or `retry_for` is over; the last attempt counts.
async fn check_with_retries(cli: &Cli, check: &HttpCheck) -> Attempt {
    let started = Instant::now();
    let mut number = 1;
    let request_timeout = cli.timeout.unwrap_or(DEFAULT_TIMEOUT);
    loop {
        // No attempt runs past the end of --retry-for (but each gets at least a second).
        let this_check = match cli.retry_for {
            Some(retry_for) => {
                let left = retry_for.saturating_sub(started.elapsed());
                check
                    .clone()
                    .timeout(request_timeout.min(left.max(Duration::from_secs(1))))
            }
            None => check.clone(),
        };
        let result = attempt(&this_check).await;
        let passed = matches!(&result, Attempt::Report { remote, .. }
            if remote.passed && cli.too_few_tests(remote.tests_run).is_none());
        let Some(retry_for) = cli.retry_for else {
            return result;
        };
        let elapsed = started.elapsed();
        if passed || elapsed + cli.retry_interval > retry_for {
            if !passed && number > 1 {
                eprintln!(
                    "cargo smoke: still not passing after {number} attempts in {}",
                    humantime::format_duration(Duration::from_secs(elapsed.as_secs()))
                );
            }
            return result;
        }
        let left = retry_for - elapsed;
        eprintln!(
            "cargo smoke: attempt {number}: {}; trying again in {} ({} left)",
            summary(cli, &result),
            humantime::format_duration(cli.retry_interval),
            humantime::format_duration(Duration::from_secs(left.as_secs()))
        );
        tokio::time::sleep(cli.retry_interval).await;
        number += 1;
    }
}

/// `component` percent-encoded for a query string: everything but `A-Z a-z 0-9 - . _ ~`.
fn encode_component(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    for byte in component.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// `url` with the selection the endpoint honours added to its query: `tag=` for each
/// tag and `test=` for each full test name (a fragment stays at the end).
pub fn selection_url(url: &str, tags: &[String], tests: &[String]) -> String {
    let (base, fragment) = match url.find('#') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let params: Vec<String> = tags
        .iter()
        .map(|tag| format!("tag={}", encode_component(tag)))
        .chain(
            tests
                .iter()
                .map(|test| format!("test={}", encode_component(test))),
        )
        .collect();
    if params.is_empty() {
        return url.to_owned();
    }
    let separator = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    format!("{base}{separator}{}{fragment}", params.join("&"))
}

/// Runs `cargo smoke --url`.
pub fn main(cli: &Cli, url: &str) -> ExitCode {
    let url = &selection_url(url, &cli.tags, &cli.filters);
    let format = cli.format.unwrap_or(Format::Text);
    if matches!(format, Format::Pretty | Format::Terse) {
        eprintln!(
            "cargo smoke: --format {} is for local runs; with --url use text, json, junit, \
             health, html or nagios",
            format.as_str()
        );
        return ExitCode::from(EXIT_NO_REPORT);
    }
    let check = match build_check(cli, url) {
        Ok(check) => check,
        Err(why) => return no_report(format, &why),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return no_report(format, &format!("cannot start the async runtime: {e}")),
    };
    let result = runtime.block_on(check_with_retries(cli, &check));
    let result = match cli.redactor() {
        Ok(redactor) => scrub(result, &redactor),
        Err(why) => return no_report(format, &why),
    };
    // Never a password on screen or in a CI artefact.
    let (out, code) = render(cli, &result, &check.shown_url(), format);
    // A closed pipe (`| head`) is not an error worth a panic.
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush());
    ExitCode::from(code)
}

/// The document to print and the exit status; `url` is the URL as shown (password masked).
fn render(cli: &Cli, result: &Attempt, url: &str, format: Format) -> (String, u8) {
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
                _ => {
                    let mut out = match &remote.full {
                        Some(report) => Document::Text.render(report, &options),
                        None => text_plain(remote),
                    };
                    let _ = writeln!(out, "\nendpoint: {url} (HTTP {})", answer.status);
                    (out, code)
                }
            }
        }
    }
}

/// The attempt with every message scrubbed: the endpoint's report (each test's message,
/// the django lists, the JSON document as it will be shown) and the problem's text.
fn scrub(attempt: Attempt, redactor: &Redactor) -> Attempt {
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
fn scrub_json(value: &mut Value, redactor: &Redactor) {
    match value {
        Value::String(s) => *s = redactor.redact(s),
        Value::Array(items) => items.iter_mut().for_each(|v| scrub_json(v, redactor)),
        Value::Object(map) => map.values_mut().for_each(|v| scrub_json(v, redactor)),
        _ => {}
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "/")
}

/// Nagios performance data: the counts and the time.
fn perf(remote: &Remote) -> String {
    format!(
        "tests={};;; failed={};;; errored={};;; time={:.1}ms",
        remote.tests_run, remote.tests_failed, remote.tests_errored, remote.time_ms
    )
}

/// The Nagios plugin output: a status line with performance data, then the failed tests.
fn nagios(remote: &Remote) -> String {
    let perf = perf(remote);
    if remote.passed {
        return format!("SMOKE OK - {} tests passed | {perf}\n", remote.tests_passed);
    }
    let names = remote.problem_names();
    let shown: Vec<String> = names.iter().take(5).map(|n| one_line(n)).collect();
    let mut line = format!(
        "SMOKE CRITICAL - {} of {} tests did not pass",
        remote.tests_failed + remote.tests_errored,
        remote.tests_run
    );
    if !shown.is_empty() {
        let _ = write!(line, ": {}", shown.join(", "));
        if names.len() > shown.len() {
            let _ = write!(line, " and {} more", names.len() - shown.len());
        }
    }
    let mut out = format!("{line} | {perf}\n");
    for entry in remote.failed_tests.iter().chain(&remote.errored_tests) {
        let _ = writeln!(out, "{}", one_line(entry));
    }
    out
}

/// django-smoketest's text report, for a report without each test's detail.
fn text_plain(remote: &Remote) -> String {
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

fn xml_escape(text: &str) -> String {
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
fn junit_plain(remote: &Remote, url: &str) -> String {
    let seconds = remote.time_ms / 1000.0;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{seconds:.3}\"",
        remote.tests_run, remote.tests_failed, remote.tests_errored
    );
    let _ = writeln!(out, "<testsuites name=\"smoke\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"{}\" {counts}>", xml_escape(url));
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
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// JUnit XML saying the endpoint gave no report, so that CI shows why.
fn junit_problem(url: &str, why: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_django_smoketest_report_is_read_with_only_its_keys() {
        let body = br#"{"status": "FAIL", "test_classes": 2, "tests_run": 4,
            "tests_passed": 2, "tests_failed": 1, "tests_errored": 1,
            "failed_tests": ["main.tests.smoke.TestDb.test_write"],
            "errored_tests": ["main.tests.smoke.TestCache.test_get errored: timeout"],
            "time": 12.5, "hostname": "web-3"}"#;
        let remote = Remote::parse(body).unwrap();
        assert!(!remote.passed);
        assert_eq!(
            (remote.tests_run, remote.tests_failed, remote.tests_errored),
            (4, 1, 1)
        );
        assert!(remote.full.is_none());
        assert_eq!(
            remote.problem_names(),
            [
                "main.tests.smoke.TestDb.test_write",
                "main.tests.smoke.TestCache.test_get"
            ]
        );
    }

    #[test]
    fn documents_that_are_not_smoke_reports_are_told_apart() {
        assert!(Remote::parse(b"<html>").unwrap_err().contains("not JSON"));
        assert!(Remote::parse(br#"{"status": "ok"}"#)
            .unwrap_err()
            .contains("\"ok\""));
        assert!(Remote::parse(br#"{"status": "PASS"}"#)
            .unwrap_err()
            .contains("tests_run"));
        assert!(Remote::parse(b"[1]").is_err());
    }

    #[test]
    fn tags_and_test_names_go_in_the_query() {
        let tags = ["db".to_owned(), "a b&c".to_owned()];
        let tests = ["app::smoke::db_up".to_owned()];
        assert_eq!(
            selection_url("http://h/smoke", &tags, &tests),
            "http://h/smoke?tag=db&tag=a%20b%26c&test=app%3A%3Asmoke%3A%3Adb_up"
        );
        assert_eq!(
            selection_url("http://h/smoke?format=json#top", &tags[..1], &[]),
            "http://h/smoke?format=json&tag=db#top"
        );
        assert_eq!(
            selection_url("http://h/smoke?", &[], &tests[..]),
            "http://h/smoke?test=app%3A%3Asmoke%3A%3Adb_up"
        );
        assert_eq!(selection_url("http://h/smoke", &[], &[]), "http://h/smoke");
    }

    #[test]
    fn xml_special_characters_are_escaped() {
        assert_eq!(
            xml_escape("a<b & \"c\"\u{1b}"),
            "a&lt;b &amp; &quot;c&quot;\\u{1b}"
        );
    }
}
