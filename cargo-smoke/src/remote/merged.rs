//! A fleet's one report: text, JSON, JUnit or Nagios over every target's answer.
//!
//! The verdict is the worst target's, failure first: exit 1 (Nagios CRITICAL) when any
//! target failed or ran fewer than --min-tests, else 2 (Nagios UNKNOWN, 3) when any gave
//! no report, else 0. A failing report is certain news about the deployment, while a
//! target without a report may be one replica restarting, so the failure is what is told.

use std::fmt::Write as _;

use serde_json::{json, Value};
use smoke_runtime::{Outcome, Report};

use super::fleet::{verdict, Checked, Verdict};
use super::*;

/// How many targets and tests there were, of each kind.
#[derive(Default)]
struct Tally {
    targets: u64,
    passed: u64,
    failed: u64,
    no_report: u64,
    test_classes: u64,
    tests_run: u64,
    tests_passed: u64,
    tests_failed: u64,
    tests_errored: u64,
}

impl Tally {
    fn of(cli: &Cli, checked: &[Checked]) -> Tally {
        let mut tally = Tally::default();
        for target in checked {
            tally.targets += 1;
            match verdict(cli, &target.result) {
                Verdict::Pass => tally.passed += 1,
                Verdict::Fail(_) => tally.failed += 1,
                Verdict::NoReport(_) => tally.no_report += 1,
            }
            if let Attempt::Report { remote, .. } = &target.result {
                tally.test_classes += remote.test_classes;
                tally.tests_run += remote.tests_run;
                tally.tests_passed += remote.tests_passed;
                tally.tests_failed += remote.tests_failed;
                tally.tests_errored += remote.tests_errored;
            }
        }
        tally
    }

    fn all_passed(&self) -> bool {
        self.passed == self.targets
    }

    /// The exit status: 1 when any target failed, else 2 when any gave no report, else 0.
    fn code(&self) -> u8 {
        if self.failed > 0 {
            EXIT_FAIL
        } else if self.no_report > 0 {
            EXIT_NO_REPORT
        } else {
            0
        }
    }
}

/// The merged document and the exit status (Nagios's own with `Format::Nagios`).
pub(crate) fn render(cli: &Cli, checked: &[Checked], format: Format) -> (String, u8) {
    let tally = Tally::of(cli, checked);
    match format {
        Format::Nagios => nagios(cli, checked, &tally),
        Format::Json => (json(cli, checked, &tally), tally.code()),
        Format::Junit => (junit(cli, checked), tally.code()),
        _ => (text(cli, checked, &tally), tally.code()),
    }
}

/// What a target's verdict is called in the text report's header line.
fn text_status(cli: &Cli, target: &Checked) -> String {
    match (verdict(cli, &target.result), &target.result) {
        (Verdict::Pass, _) => "PASS".to_owned(),
        (Verdict::Fail(Some(_)), Attempt::Report { remote, .. }) => format!(
            "FAIL ({} ran, fewer than --min-tests {})",
            plural(remote.tests_run, "test"),
            cli.min_tests
        ),
        (Verdict::Fail(_), _) => "FAIL".to_owned(),
        (Verdict::NoReport(_), _) => "NO REPORT".to_owned(),
    }
}

fn plural(count: u64, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

/// Each target's text report under a header line with its label, then a total line.
fn text(cli: &Cli, checked: &[Checked], tally: &Tally) -> String {
    let mut out = String::new();
    for target in checked {
        let _ = writeln!(out, "== {}: {}", target.label, text_status(cli, target));
        match &target.result {
            Attempt::Report { remote, answer } => {
                out.push_str(&text_report(remote, answer.status, &target.endpoint()))
            }
            Attempt::Problem(why) => {
                let _ = writeln!(out, "{why}");
            }
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "total: {}, {} ({} passed, {} failed, {} without a report), {} run ({} passed, {} \
         failed, {} errored)",
        if tally.all_passed() { "PASS" } else { "FAIL" },
        plural(tally.targets, "target"),
        tally.passed,
        tally.failed,
        tally.no_report,
        plural(tally.tests_run, "test"),
        tally.tests_passed,
        tally.tests_failed,
        tally.tests_errored
    );
    out
}

/// `{"status", "targets": [{"target", "url", "address", "status", "http_status", "report",
/// "error", "too_few_tests"}], "total": {django-smoketest's counts summed}}`.
fn json(cli: &Cli, checked: &[Checked], tally: &Tally) -> String {
    let targets: Vec<Value> = checked
        .iter()
        .map(|target| {
            let verdict = verdict(cli, &target.result);
            let (status, too_few, error) = match &verdict {
                Verdict::Pass => ("PASS", None, None),
                Verdict::Fail(why) => ("FAIL", why.as_deref(), None),
                Verdict::NoReport(why) => ("ERROR", None, Some(*why)),
            };
            let (report, http_status) = match &target.result {
                Attempt::Report { answer, .. } => (
                    serde_json::from_slice::<Value>(&answer.body).unwrap_or(Value::Null),
                    Some(answer.status),
                ),
                Attempt::Problem(_) => (Value::Null, None),
            };
            json!({
                "target": target.label,
                "url": target.url,
                "address": target.address.map(|a| a.to_string()),
                "status": status,
                "http_status": http_status,
                "report": report,
                "error": error,
                "too_few_tests": too_few,
            })
        })
        .collect();
    let document = json!({
        "status": if tally.all_passed() { "PASS" } else { "FAIL" },
        "targets": targets,
        "total": {
            "targets": tally.targets,
            "targets_passed": tally.passed,
            "targets_failed": tally.failed,
            "targets_without_report": tally.no_report,
            "test_classes": tally.test_classes,
            "tests_run": tally.tests_run,
            "tests_passed": tally.tests_passed,
            "tests_failed": tally.tests_failed,
            "tests_errored": tally.tests_errored,
        },
    });
    let mut out = serde_json::to_string_pretty(&document).expect("JSON values serialize");
    out.push('\n');
    out
}

/// One `<testsuite>`: its counts and its test cases.
#[derive(Default)]
struct Suite {
    tests: u64,
    failures: u64,
    errors: u64,
    skipped: u64,
    seconds: f64,
    cases: String,
}

impl Suite {
    fn counts(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\"",
            self.tests, self.failures, self.errors, self.skipped, self.seconds
        )
    }
}

/// A test case per test of a report with each test's detail.
fn cases_of(report: &Report) -> Suite {
    let mut suite = Suite {
        seconds: report.time_ms / 1000.0,
        ..Suite::default()
    };
    for test in &report.tests {
        suite.tests += 1;
        let short = test
            .name
            .strip_prefix(&*test.class)
            .and_then(|rest| rest.strip_prefix("::"))
            .unwrap_or(&test.name);
        let _ = write!(
            suite.cases,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            xml_escape(&test.class),
            xml_escape(short),
            test.duration_ms / 1000.0
        );
        let message = test.message.as_deref().unwrap_or("");
        let first = xml_escape(message.lines().next().unwrap_or(""));
        let element = match test.outcome {
            Outcome::Passed => {
                suite.cases.push_str("/>\n");
                continue;
            }
            Outcome::Skipped => {
                suite.skipped += 1;
                let _ = writeln!(
                    suite.cases,
                    ">\n      <skipped message=\"{first}\"/>\n    </testcase>"
                );
                continue;
            }
            Outcome::Failed => {
                suite.failures += 1;
                "failure"
            }
            Outcome::Errored | Outcome::TimedOut => {
                suite.errors += 1;
                "error"
            }
        };
        let at = match &test.location {
            Some(location) => location.to_string(),
            None => format!("{}:{}", test.file, test.line),
        };
        let _ = writeln!(
            suite.cases,
            ">\n      <{element} message=\"{first}\" type=\"{}\">{}</{element}>\n    \
             </testcase>",
            test.outcome.as_str(),
            xml_escape(&format!("{message}\nat {at}"))
        );
    }
    suite
}

/// A target's `<testsuite>`: its tests, a failed `min-tests` case when too few ran, or one
/// errored case saying why there is no report.
fn suite_of(cli: &Cli, target: &Checked) -> Suite {
    let mut suite = match &target.result {
        Attempt::Report { remote, .. } => match &remote.full {
            Some(report) => cases_of(report),
            None => Suite {
                tests: remote.tests_run,
                failures: remote.tests_failed,
                errors: remote.tests_errored,
                skipped: 0,
                seconds: remote.time_ms / 1000.0,
                cases: junit_plain_cases(remote),
            },
        },
        Attempt::Problem(_) => Suite::default(),
    };
    let (element, kind, why) = match verdict(cli, &target.result) {
        Verdict::Fail(Some(why)) => ("failure", "too few tests", why),
        Verdict::NoReport(why) => ("error", "no report", why.to_owned()),
        Verdict::Pass | Verdict::Fail(None) => return suite,
    };
    if element == "failure" {
        suite.failures += 1;
    } else {
        suite.errors += 1;
    }
    suite.tests += 1;
    let name = if element == "failure" {
        "min-tests"
    } else {
        "smoke endpoint"
    };
    let _ = writeln!(
        suite.cases,
        "    <testcase classname=\"smoke\" name=\"{name}\">\n      <{element} message=\"{why}\" \
         type=\"{kind}\">{why}</{element}>\n    </testcase>",
        why = xml_escape(&why)
    );
    suite
}

/// One `<testsuite>` per target, named by its label, in one `<testsuites>` whose counts
/// are the sums.
fn junit(cli: &Cli, checked: &[Checked]) -> String {
    let suites: Vec<(&Checked, Suite)> = checked.iter().map(|t| (t, suite_of(cli, t))).collect();
    let mut total = Suite::default();
    for (_, suite) in &suites {
        total.tests += suite.tests;
        total.failures += suite.failures;
        total.errors += suite.errors;
        total.skipped += suite.skipped;
        total.seconds += suite.seconds;
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"smoke\" {}>", total.counts());
    for (target, suite) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" {}>",
            xml_escape(&target.label),
            suite.counts()
        );
        let _ = writeln!(
            out,
            "    <properties>\n      <property name=\"url\" value=\"{}\"/>",
            xml_escape(&target.url)
        );
        if let Some(address) = target.address {
            let _ = writeln!(
                out,
                "      <property name=\"address\" value=\"{address}\"/>"
            );
        }
        out.push_str("    </properties>\n");
        out.push_str(&suite.cases);
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// A Nagios performance label: quoted, without the characters a label may not hold.
fn perf_label(label: &str, what: &str) -> String {
    format!("'{} {what}'", one_line(label).replace(['\'', '='], "_"))
}

/// The worst state in one line with counts of targets and the labels of the worst ones,
/// performance data per target, then a line per target.
fn nagios(cli: &Cli, checked: &[Checked], tally: &Tally) -> (String, u8) {
    let worst: Vec<&str> = checked
        .iter()
        .filter(|t| match verdict(cli, &t.result) {
            Verdict::Fail(_) => true,
            Verdict::NoReport(_) => tally.failed == 0,
            Verdict::Pass => false,
        })
        .map(|t| t.label.as_str())
        .collect();
    let mut named = worst
        .iter()
        .take(5)
        .map(|label| one_line(label))
        .collect::<Vec<_>>()
        .join(", ");
    if worst.len() > 5 {
        let _ = write!(named, " and {} more", worst.len() - 5);
    }
    let (line, code) = if tally.failed > 0 {
        (
            format!(
                "SMOKE CRITICAL - {} of {} failed ({} passed, {} without a report): {named}",
                tally.failed,
                plural(tally.targets, "target"),
                tally.passed,
                tally.no_report
            ),
            2,
        )
    } else if tally.no_report > 0 {
        (
            format!(
                "SMOKE UNKNOWN - {} of {} gave no report ({} passed): {named}",
                tally.no_report,
                plural(tally.targets, "target"),
                tally.passed
            ),
            EXIT_UNKNOWN,
        )
    } else {
        (
            format!(
                "SMOKE OK - {} passed, {}",
                plural(tally.targets, "target"),
                plural(tally.tests_run, "test")
            ),
            0,
        )
    };
    let mut perf = format!(
        "targets={};;; passed={};;; failed={};;; no_report={};;;",
        tally.targets, tally.passed, tally.failed, tally.no_report
    );
    let mut lines = String::new();
    for target in checked {
        let state = match (&target.result, verdict(cli, &target.result)) {
            (Attempt::Report { .. }, Verdict::Fail(Some(why))) => format!("CRITICAL - {why}"),
            (Attempt::Report { remote, .. }, _) => nagios_state(remote),
            (Attempt::Problem(why), _) => format!("UNKNOWN - {why}"),
        };
        let _ = writeln!(lines, "{}: {}", one_line(&target.label), one_line(&state));
        match &target.result {
            Attempt::Report { remote, .. } => {
                let _ = write!(
                    perf,
                    " {}={};;; {}={};;; {}={};;; {}={:.1}ms",
                    perf_label(&target.label, "tests"),
                    remote.tests_run,
                    perf_label(&target.label, "failed"),
                    remote.tests_failed,
                    perf_label(&target.label, "errored"),
                    remote.tests_errored,
                    perf_label(&target.label, "time"),
                    remote.time_ms
                );
            }
            Attempt::Problem(_) => {
                let _ = write!(perf, " {}=U;;;", perf_label(&target.label, "tests"));
            }
        }
    }
    (format!("{line} | {perf}\n{lines}"), code)
}
