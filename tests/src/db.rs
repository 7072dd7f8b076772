//! Helpers of the database tests: server URLs from the environment, run markers, and
//! looking up a test's result in a report.

use std::time::{SystemTime, UNIX_EPOCH};

use smoke_runtime::{Outcome, Report, TestReport};

/// The URL in the environment variable `var`, or `None` after printing a note when it is
/// not set (the test then returns without checking anything). A URL that is set but
/// whose server does not answer must fail the test: callers `expect` the connection.
pub fn server_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            eprintln!("note: {var} is not set; this database test checks nothing");
            None
        }
    }
}

/// A value unique to this run of this test process, to tag the rows a run writes.
pub fn run_marker(label: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{label}-{}-{nanos:x}", std::process::id())
}

/// The report of the test whose name ends with `::name`; panics listing the names when
/// there is none.
pub fn result_of<'a>(report: &'a Report, name: &str) -> &'a TestReport {
    let suffix = format!("::{name}");
    report
        .tests
        .iter()
        .find(|t| t.name.ends_with(&suffix))
        .unwrap_or_else(|| {
            let names: Vec<&str> = report.tests.iter().map(|t| t.name.as_str()).collect();
            panic!("no test named {name} in the report: {names:?}")
        })
}

/// Asserts the outcome of the test `name`, showing its message when it differs.
pub fn assert_outcome(report: &Report, name: &str, expected: Outcome) {
    let test = result_of(report, name);
    assert_eq!(
        test.outcome, expected,
        "{name}: expected {expected:?}, got {:?} ({:?})",
        test.outcome, test.message
    );
}
