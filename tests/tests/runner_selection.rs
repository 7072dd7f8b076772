//! Which tests a run takes: substring and exact filters, `skip`, tags, and what happens to
//! tests marked `skip = "..."` (reported, `--ignored`, `--include-ignored`).

use smoke_runtime::prelude::*;
use smoke_runtime::{Ignored, Outcome, Report, Runner, Selection};

mod pick {
    use super::*;

    #[smoke_test(tags("db", "readiness"))]
    fn db_read() {}

    #[smoke_test(tags("db"))]
    async fn db_write() {}

    #[smoke_test(tags("fs"))]
    fn fs_tmp() {}

    #[smoke_test]
    fn fs_tmp_extra() {}

    #[smoke_test(skip = "needs a bucket", tags("s3"))]
    fn s3_put() -> SmokeResult {
        Err(SmokeError::error("ran although skipped"))
    }

    #[smoke_test(skip = "needs a bucket")]
    fn s3_get() {}
}

const PICK: &str = "runner_selection::pick::";

async fn run(selection: Selection) -> Report {
    // Every selection here is confined to this file's `pick` module.
    let selection = if selection.filters.is_empty() && !selection.exact {
        selection.filter(PICK)
    } else {
        selection
    };
    Runner::builder().build().run(&selection).await
}

/// The short names of the tests in the report, with their outcomes.
fn taken(report: &Report) -> Vec<(&str, Outcome)> {
    report
        .tests
        .iter()
        .map(|t| (t.name.trim_start_matches(PICK), t.outcome))
        .collect()
}

use Outcome::{Errored, Passed, Skipped};

#[tokio::test(flavor = "multi_thread")]
async fn everything_with_skipped_tests_reported_as_skipped() {
    let report = run(Selection::all()).await;
    assert_eq!(
        taken(&report),
        [
            ("db_read", Passed),
            ("db_write", Passed),
            ("fs_tmp", Passed),
            ("fs_tmp_extra", Passed),
            ("s3_get", Skipped),
            ("s3_put", Skipped),
        ]
    );
    let skipped = &report.tests[5];
    assert_eq!(skipped.message.as_deref(), Some("needs a bucket"));
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_take_names_that_contain_any_of_them() {
    let report = run(Selection::all()
        .filter(format!("{PICK}db_"))
        .filter("pick::fs_tmp"))
    .await;
    assert_eq!(
        taken(&report),
        [
            ("db_read", Passed),
            ("db_write", Passed),
            ("fs_tmp", Passed),
            ("fs_tmp_extra", Passed),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exact_filters_take_only_equal_names() {
    let report = run(Selection::all().filter(format!("{PICK}fs_tmp")).exact(true)).await;
    assert_eq!(taken(&report), [("fs_tmp", Passed)]);

    let report = run(Selection::all().filter("fs_tmp").exact(true)).await;
    assert!(report.tests.is_empty(), "a short name is not a full name");
}

#[tokio::test(flavor = "multi_thread")]
async fn skip_leaves_out_names_that_contain_it_or_with_exact_equal_it() {
    let report = run(Selection::all().skip("db_").skip("s3_")).await;
    assert_eq!(
        taken(&report),
        [("fs_tmp", Passed), ("fs_tmp_extra", Passed)]
    );

    let report = run(Selection::all()
        .filter(format!("{PICK}fs_tmp"))
        .filter(format!("{PICK}fs_tmp_extra"))
        .skip(format!("{PICK}fs_tmp"))
        .exact(true))
    .await;
    assert_eq!(taken(&report), [("fs_tmp_extra", Passed)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn tags_take_tests_with_any_of_them() {
    let report = run(Selection::all().tag("readiness")).await;
    assert_eq!(taken(&report), [("db_read", Passed)]);

    let report = run(Selection::all().tag("fs").tag("db")).await;
    assert_eq!(
        taken(&report),
        [
            ("db_read", Passed),
            ("db_write", Passed),
            ("fs_tmp", Passed)
        ]
    );

    let report = run(Selection::all().tag("no-such-tag")).await;
    assert!(report.tests.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn ignored_only_runs_just_the_skipped_tests() {
    let selection = Selection {
        ignored: Ignored::Only,
        ..Selection::all()
    };
    let report = run(selection).await;
    assert_eq!(taken(&report), [("s3_get", Passed), ("s3_put", Errored)]);
    assert_eq!(
        report.tests[1].message.as_deref(),
        Some("ran although skipped")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn include_ignored_runs_everything() {
    let selection = Selection {
        ignored: Ignored::Include,
        ..Selection::all()
    };
    let report = run(selection.tag("s3").tag("fs")).await;
    assert_eq!(taken(&report), [("fs_tmp", Passed), ("s3_put", Errored)]);
}
