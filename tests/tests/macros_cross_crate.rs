//! Tests defined in a library crate (`tests/sample-lib`) are registered in the binary that
//! links it: the runner finds and runs them beside the binary's own tests.
//!
//! Rust links a dependency only when the code names it; this file names the library twice:
//! `use smoke_sample_lib as _;` (all a crate whose tests live elsewhere needs) and the
//! `Greeting` type registered as a resource.

use smoke_runtime::prelude::*;
use smoke_runtime::{Outcome, Runner, Selection};
use smoke_sample_lib as _;

#[smoke_test(tags("sample_lib"))]
fn binary_test() {}

#[tokio::test(flavor = "multi_thread")]
async fn tests_of_a_linked_library_are_found_and_run() {
    let report = Runner::builder()
        .resource(smoke_sample_lib::Greeting("hello"))
        .build()
        .run(&Selection::all().tag("sample_lib"))
        .await;
    // The report is sorted by full name.
    let seen: Vec<(&str, Outcome, &str)> = report
        .tests
        .iter()
        .map(|t| (&*t.name, t.outcome, &*t.class))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "macros_cross_crate::binary_test",
                Outcome::Passed,
                "macros_cross_crate"
            ),
            (
                "smoke_sample_lib::library_async_test",
                Outcome::Passed,
                "smoke_sample_lib"
            ),
            (
                "smoke_sample_lib::library_sync_test",
                Outcome::Passed,
                "smoke_sample_lib"
            ),
            (
                "smoke_sample_lib::nested::LibrarySuite::test_in_library_suite",
                Outcome::Passed,
                "smoke_sample_lib::nested::LibrarySuite"
            ),
            (
                "smoke_sample_lib::nested::library_failing_test",
                Outcome::Failed,
                "smoke_sample_lib::nested"
            ),
        ]
    );
    let failing = report
        .tests
        .iter()
        .find(|t| t.name.ends_with("library_failing_test"))
        .unwrap();
    assert!(
        failing.file.ends_with("sample-lib/src/lib.rs"),
        "{}",
        failing.file
    );
    assert_eq!(
        failing.message.as_deref(),
        Some("reported from the library")
    );
    assert_eq!(report.test_classes, 4);
}
