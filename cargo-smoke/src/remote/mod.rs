//! `cargo smoke --url URL`: check a deployed smoke endpoint (`fleet.rs`: several at once).

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use smoke_runtime::checks::{HttpCheck, HttpResponse};
use smoke_runtime::report::redact::Redactor;
use tokio::sync::Semaphore;

use crate::{Cli, Format};

mod fleet;
mod merged;
mod render;
mod report;

pub(crate) use self::render::*;
pub(crate) use self::report::*;

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

/// One look at the endpoint.
pub(crate) enum Attempt {
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
/// `label` names the target in the notes on standard error (a fleet's), `slots` bounds the
/// requests in flight (each attempt holds one while it asks); the --retry-for window starts
/// at the first request.
async fn check_with_retries(
    cli: &Cli,
    check: &HttpCheck,
    label: Option<&str>,
    slots: Option<&Semaphore>,
    redactor: &Redactor,
) -> Attempt {
    let mut started = Instant::now();
    let mut number = 1;
    let request_timeout = cli.timeout.unwrap_or(DEFAULT_TIMEOUT);
    let prefix = label.map(|l| format!("{l}: ")).unwrap_or_default();
    loop {
        let slot = match slots {
            // The semaphore is never closed.
            Some(slots) => slots.acquire().await.ok(),
            None => None,
        };
        if number == 1 {
            started = Instant::now();
        }
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
        drop(slot);
        let passed = matches!(&result, Attempt::Report { remote, .. }
            if remote.passed && cli.too_few_tests(remote.tests_run).is_none());
        let Some(retry_for) = cli.retry_for else {
            return result;
        };
        let elapsed = started.elapsed();
        if passed || elapsed + cli.retry_interval > retry_for {
            if !passed && number > 1 {
                eprintln!(
                    "cargo smoke: {prefix}still not passing after {number} attempts in {}",
                    humantime::format_duration(Duration::from_secs(elapsed.as_secs()))
                );
            }
            return result;
        }
        let left = retry_for - elapsed;
        eprintln!(
            "cargo smoke: {prefix}attempt {number}: {}; trying again in {} ({} left)",
            redactor.redact(&summary(cli, &result)),
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

/// Runs `cargo smoke --url`: one endpoint, or a fleet (several --url, --each-address).
pub fn main(cli: &Cli) -> ExitCode {
    let format = cli.format.unwrap_or(Format::Text);
    if matches!(format, Format::Pretty | Format::Terse) {
        eprintln!(
            "cargo smoke: --format {} is for local runs; with --url use text, json, junit, \
             health, html or nagios",
            format.as_str()
        );
        return ExitCode::from(EXIT_NO_REPORT);
    }
    // Never a password on screen or in a CI artefact.
    let redactor = match cli.redactor() {
        Ok(redactor) => redactor,
        Err(why) => return no_report(format, &why),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return no_report(format, &format!("cannot start the async runtime: {e}")),
    };
    match cli.url.as_slice() {
        [url] if !cli.each_address => one_endpoint(cli, url, format, &redactor, &runtime),
        _ => fleet::main(cli, format, redactor, &runtime),
    }
}

/// Checks one endpoint and writes its report as it is.
fn one_endpoint(
    cli: &Cli,
    url: &str,
    format: Format,
    redactor: &Redactor,
    runtime: &tokio::runtime::Runtime,
) -> ExitCode {
    let url = &selection_url(url, &cli.tags, &cli.filters);
    let check = match build_check(cli, url) {
        Ok(check) => check,
        Err(why) => return no_report(format, &why),
    };
    let result = runtime.block_on(check_with_retries(cli, &check, None, None, redactor));
    let result = scrub(result, redactor);
    let (out, code) = render(cli, &result, &check.shown_url(), format);
    write_stdout(&out);
    ExitCode::from(code)
}

/// Writes `out` to standard output; a closed pipe (`| head`) is not an error worth a panic.
fn write_stdout(out: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush());
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
