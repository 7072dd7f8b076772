//! Helpers of the runner tests: finding a test in a report and reading what it says.

use smoke_runtime::{Report, TestReport};

/// The report of the test whose full name ends with `::name`; panics showing every test of
/// the report when there is none.
pub fn find<'a>(report: &'a Report, name: &str) -> &'a TestReport {
    report
        .tests
        .iter()
        .find(|t| t.name.ends_with(&format!("::{name}")))
        .unwrap_or_else(|| panic!("no test {name} in {:#?}", report.tests))
}

/// The test's message, or `""` when it has none.
pub fn message(t: &TestReport) -> &str {
    t.message.as_deref().unwrap_or("")
}
