//! Helpers of the runner tests: finding a test in a report and reading what it says.

use smoke_runtime::{Outcome, Report, TestReport};

/// The report of the test whose full name ends with `::name`; panics showing every test of
/// the report when there is none.
pub fn find<'a>(report: &'a Report, name: &str) -> &'a TestReport {
    report
        .tests
        .iter()
        .find(|t| t.name.ends_with(&format!("::{name}")))
        .unwrap_or_else(|| panic!("no test {name} in {:#?}", report.tests))
}

/// The report of the test whose full name is `module::name`; panics listing the names
/// that were run when there is none.
pub fn find_in<'a>(report: &'a Report, module: &str, name: &str) -> &'a TestReport {
    let full = format!("{module}::{name}");
    report
        .tests
        .iter()
        .find(|t| t.name == full)
        .unwrap_or_else(|| panic!("{full} was not run; ran: {:?}", names(report)))
}

/// The full names of the tests in the report, in its order.
pub fn names(report: &Report) -> Vec<&str> {
    report.tests.iter().map(|t| &*t.name).collect()
}

/// The test's message, or `""` when it has none.
pub fn message(t: &TestReport) -> &str {
    t.message.as_deref().unwrap_or("")
}

/// Asserts the outcome of the test `module::name` and, when `message` is given, that its
/// message contains it.
pub fn assert_outcome_in(
    report: &Report,
    module: &str,
    name: &str,
    outcome: Outcome,
    message: Option<&str>,
) {
    let test = find_in(report, module, name);
    assert_eq!(test.outcome, outcome, "{name}: {:?}", test.message);
    if let Some(expected) = message {
        let got = test.message.as_deref().unwrap_or_default();
        assert!(
            got.contains(expected),
            "{name}: message {got:?} lacks {expected:?}"
        );
    }
}
