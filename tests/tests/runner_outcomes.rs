//! The runner's outcomes: passed, failed (an assertion macro, std's `assert!(cond)`,
//! `assert_eq!`, `assert_ne!`), errored (`Err`, any other panic, `assert!(cond, "msg")`), timed out, skipped; a panic never escapes; soft
//! `expect_*` failures; duplicate names; and the report's counts, classes, order and
//! durations.

use std::time::Duration;

use smoke_runtime::prelude::*;
use smoke_runtime::{Outcome, Report, Runner, Selection};
use smoke_tests::run::{find, message};

/// Runs the tests whose full name contains `filter`.
async fn run(filter: &str) -> Report {
    Runner::builder()
        .default_timeout(Duration::from_secs(10))
        .build()
        .run(&Selection::all().filter(filter))
        .await
}

/// The line of the first line of `file!()` containing `needle` (to check locations).
fn line_of(needle: &str) -> u32 {
    let source = include_str!("runner_outcomes.rs");
    let index = source
        .lines()
        .position(|l| l.contains(needle) && !l.contains("line_of("))
        .expect("needle in the source");
    index as u32 + 1
}

mod outcomes {
    use super::*;

    #[smoke_test]
    fn passes() -> SmokeResult {
        assert_equal!(1 + 1, 2);
        Ok(())
    }

    #[smoke_test]
    async fn passes_async() -> SmokeResult {
        tokio::task::yield_now().await;
        assert_true!(true);
        Ok(())
    }

    #[smoke_test]
    fn fails_by_assertion() -> SmokeResult {
        let users = 0;
        assert_greater!(users, 0, "no users in {}", "users"); // FAILS_HERE
        Ok(())
    }

    #[smoke_test]
    async fn fails_by_assertion_async() -> SmokeResult {
        tokio::task::yield_now().await;
        assert_equal!("down", "up");
        Ok(())
    }

    #[smoke_test]
    fn fails_by_std_assert() {
        assert_eq!(1, 2, "std says no"); // STD_ASSERT_HERE
    }

    #[smoke_test]
    async fn fails_by_std_assert_async() {
        tokio::task::yield_now().await;
        let healthy_nodes = 1;
        assert!(healthy_nodes > 2);
    }

    #[smoke_test]
    fn errors_by_err() -> SmokeResult {
        std::fs::read("/definitely/not/here/smoke")?;
        Ok(())
    }

    #[smoke_test]
    async fn errors_by_display_err() -> Result<(), String> {
        Err("the queue is gone".to_owned())
    }

    #[smoke_test]
    fn errors_by_panic() {
        let v: Vec<u8> = Vec::new();
        let _ = v[3]; // PANICS_HERE
    }

    #[smoke_test]
    async fn errors_by_panic_async() {
        tokio::task::yield_now().await;
        panic!("lost the connection");
    }

    #[smoke_test]
    fn errors_by_non_string_panic() {
        std::panic::panic_any(42_u32);
    }

    #[smoke_test(timeout = "100ms")]
    async fn times_out() {
        tokio::time::sleep(Duration::from_secs(30)).await;
    }

    #[smoke_test(skip = "no S3 bucket here")]
    fn skipped_by_attribute() -> SmokeResult {
        Err(SmokeError::error("a skipped test must not run"))
    }

    #[smoke_test]
    fn skipped_at_run_time() -> SmokeResult {
        Err(SmokeError::skip("not configured on this host"))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_ending_gets_its_outcome_and_message() {
    let report = run("runner_outcomes::outcomes::").await;
    let outcome = |name: &str| find(&report, name).outcome;

    assert_eq!(outcome("passes"), Outcome::Passed);
    assert_eq!(outcome("passes_async"), Outcome::Passed);
    assert_eq!(outcome("fails_by_assertion"), Outcome::Failed);
    assert_eq!(outcome("fails_by_assertion_async"), Outcome::Failed);
    assert_eq!(outcome("fails_by_std_assert"), Outcome::Failed);
    assert_eq!(outcome("fails_by_std_assert_async"), Outcome::Failed);
    assert_eq!(outcome("errors_by_err"), Outcome::Errored);
    assert_eq!(outcome("errors_by_display_err"), Outcome::Errored);
    assert_eq!(outcome("errors_by_panic"), Outcome::Errored);
    assert_eq!(outcome("errors_by_panic_async"), Outcome::Errored);
    assert_eq!(outcome("errors_by_non_string_panic"), Outcome::Errored);
    assert_eq!(outcome("times_out"), Outcome::TimedOut);
    assert_eq!(outcome("skipped_by_attribute"), Outcome::Skipped);
    assert_eq!(outcome("skipped_at_run_time"), Outcome::Skipped);

    assert_eq!(message(find(&report, "passes")), "");
    assert_eq!(
        message(find(&report, "fails_by_assertion")),
        "assert_greater!(users, 0) failed\n  actual:   0\n  expected: greater than 0\n  message:  no users in users"
    );
    assert!(message(find(&report, "fails_by_std_assert")).contains("std says no"));
    assert!(message(find(&report, "errors_by_err")).contains("No such file"));
    assert_eq!(
        message(find(&report, "errors_by_display_err")),
        "the queue is gone"
    );
    assert!(
        message(find(&report, "errors_by_panic")).starts_with("panicked: index out of bounds"),
        "{:?}",
        find(&report, "errors_by_panic")
    );
    assert_eq!(
        message(find(&report, "errors_by_panic_async")),
        "panicked: lost the connection"
    );
    assert_eq!(
        message(find(&report, "errors_by_non_string_panic")),
        "panicked: a panic with a non-string payload"
    );
    assert_eq!(message(find(&report, "times_out")), "timed out after 100ms");
    assert_eq!(
        message(find(&report, "skipped_by_attribute")),
        "no S3 bucket here"
    );
    assert_eq!(
        message(find(&report, "skipped_at_run_time")),
        "not configured on this host"
    );
}

/// std's assertions: which count as failed and which as errored. The runner recognises std's
/// own wording ("assertion failed: ...", "assertion `left == right` failed"); `assert!` with
/// a message panics with that message alone, which reads like any other panic.
mod std_asserts {
    use super::*;

    #[smoke_test]
    fn plain_assert() {
        let replicas = 1;
        assert!(replicas > 2);
    }

    #[smoke_test]
    fn assert_eq_with_a_message() {
        assert_eq!(1, 2, "std says no");
    }

    #[smoke_test]
    async fn assert_ne_async() {
        tokio::task::yield_now().await;
        let (state, unwanted) = ("up", "up");
        assert_ne!(state, unwanted);
    }

    #[smoke_test]
    fn assert_with_a_message() {
        let replicas = 1;
        assert!(replicas > 2, "need three replicas, have {replicas}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn std_assert_counts_as_failed_unless_it_has_a_message() {
    let report = run("runner_outcomes::std_asserts::").await;
    let t = find(&report, "plain_assert");
    assert_eq!(t.outcome, Outcome::Failed, "{t:?}");
    assert!(
        message(t).contains("assertion failed: replicas > 2"),
        "{t:?}"
    );
    let t = find(&report, "assert_eq_with_a_message");
    assert_eq!(t.outcome, Outcome::Failed, "{t:?}");
    assert!(message(t).contains("std says no"), "{t:?}");
    let t = find(&report, "assert_ne_async");
    assert_eq!(t.outcome, Outcome::Failed, "{t:?}");
    assert!(message(t).contains("left != right"), "{t:?}");

    let t = find(&report, "assert_with_a_message");
    assert_eq!(t.outcome, Outcome::Errored, "{t:?}");
    assert_eq!(message(t), "panicked: need three replicas, have 1", "{t:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_and_panics_are_located() {
    let report = run("runner_outcomes::outcomes::").await;
    let at = |name: &str| {
        find(&report, name)
            .location
            .as_ref()
            .map(|l| (l.file.clone(), l.line))
    };
    let file = file!().to_owned();
    assert_eq!(
        at("fails_by_assertion"),
        Some((file.clone(), line_of("// FAILS_HERE")))
    );
    assert_eq!(
        at("fails_by_std_assert"),
        Some((file.clone(), line_of("// STD_ASSERT_HERE")))
    );
    assert_eq!(
        at("errors_by_panic"),
        Some((file.clone(), line_of("// PANICS_HERE")))
    );
    assert_eq!(at("passes"), None);
}

#[tokio::test(flavor = "current_thread")]
async fn a_panic_never_escapes_the_runner_even_on_one_thread() {
    let report = run("runner_outcomes::outcomes::errors_by_panic").await;
    assert_eq!(report.tests.len(), 2);
    assert!(report.tests.iter().all(|t| t.outcome == Outcome::Errored));
}

mod soft {
    use super::*;

    #[smoke_test]
    async fn records_and_goes_on(ctx: &Context) -> SmokeResult {
        expect_equal!(1, 2, "first");
        let reached = expect_ok!("7".parse::<u8>());
        expect_in!("x", "abc");
        ctx.add_cleanup(|| {});
        assert_equal!(reached, Some(7));
        Ok(())
    }

    #[smoke_test]
    fn sync_records_and_then_fails_hard() -> SmokeResult {
        expect_true!(false);
        assert_equal!("a", "b");
        Ok(())
    }

    #[smoke_test]
    fn every_expectation_holds() {
        expect_less!(1, 2);
        expect_count_equal!([1, 2, 2], [2, 1, 2]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn expect_failures_fail_the_test_at_its_end_with_all_of_them() {
    let report = run("runner_outcomes::soft::").await;

    let t = find(&report, "records_and_goes_on");
    assert_eq!(t.outcome, Outcome::Failed);
    let m = message(t);
    assert!(
        m.starts_with("2 expectation(s) failed\n\nexpect_equal!(1, 2) failed\n"),
        "{m}"
    );
    assert!(m.contains("  message:  first\n  at "), "{m}");
    assert!(
        m.contains("expect_in!(\"x\", \"abc\") failed\n  item:   \"x\"\n  not in: \"abc\""),
        "{m}"
    );

    let t = find(&report, "sync_records_and_then_fails_hard");
    assert_eq!(t.outcome, Outcome::Failed);
    assert!(
        message(t).contains("assert_equal!(\"a\", \"b\") failed"),
        "{t:?}"
    );
    assert!(message(t).contains("expect_true!(false) failed"), "{t:?}");

    assert_eq!(
        find(&report, "every_expectation_holds").outcome,
        Outcome::Passed
    );
}

mod twins {
    use super::*;

    #[smoke_test(name = "twin")]
    fn first() {}

    #[smoke_test(name = "twin")]
    fn second() {}
}

#[tokio::test(flavor = "multi_thread")]
async fn two_tests_with_one_name_are_reported_not_merged() {
    let report = run("runner_outcomes::twins::").await;
    assert_eq!(report.tests.len(), 2, "{:#?}", report.tests);
    let outcomes: Vec<Outcome> = report.tests.iter().map(|t| t.outcome).collect();
    assert!(outcomes.contains(&Outcome::Passed), "{outcomes:?}");
    let dup = report
        .tests
        .iter()
        .find(|t| t.outcome == Outcome::Errored)
        .expect("the second is reported");
    assert_eq!(dup.name, "runner_outcomes::twins::twin");
    assert!(
        message(dup).starts_with("two tests are named runner_outcomes::twins::twin"),
        "{dup:?}"
    );
}

mod report_a {
    use super::*;

    #[smoke_test]
    async fn waits() {
        tokio::time::sleep(Duration::from_millis(120)).await;
    }

    #[smoke_test]
    fn fails() -> SmokeResult {
        assert_false!(true);
        Ok(())
    }
}

mod report_b {
    use super::*;

    #[smoke_test]
    fn b_passes() {}

    #[smoke_test]
    fn a_errors() -> SmokeResult {
        Err(SmokeError::error("no"))
    }

    #[smoke_test(skip = "later")]
    fn skipped() {}

    #[smoke_test(timeout = "50ms")]
    async fn slow() {
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_counts_sorts_and_times() {
    let report = run("runner_outcomes::report_").await;
    let names: Vec<&str> = report.tests.iter().map(|t| &*t.name).collect();
    assert_eq!(
        names,
        [
            "runner_outcomes::report_a::fails",
            "runner_outcomes::report_a::waits",
            "runner_outcomes::report_b::a_errors",
            "runner_outcomes::report_b::b_passes",
            "runner_outcomes::report_b::skipped",
            "runner_outcomes::report_b::slow",
        ]
    );
    let c = report.counts();
    assert_eq!(
        (c.run, c.passed, c.failed, c.errored, c.timed_out, c.skipped),
        (5, 2, 1, 2, 1, 1)
    );
    assert_eq!(report.test_classes, 2);
    assert_eq!(report.status(), "FAIL");
    assert!(!report.passed());
    assert_eq!(
        report.tests[0].class, "runner_outcomes::report_a",
        "a free test counts towards its module"
    );

    let waits = find(&report, "waits");
    assert!(waits.duration_ms >= 120.0, "{waits:?}");
    assert!(report.time_ms >= waits.duration_ms, "{}", report.time_ms);
    assert_eq!(find(&report, "skipped").duration_ms, 0.0);
    assert_eq!(waits.file, file!());
    assert!(waits.line > 0);

    // RFC 3339 in UTC with milliseconds: 2026-01-02T03:04:05.678Z
    let at = &report.started_at;
    assert_eq!(at.len(), 24, "{at}");
    assert!(at.ends_with('Z') && at.as_bytes()[10] == b'T', "{at}");

    let passing = run("runner_outcomes::report_b::b_passes").await;
    assert_eq!(passing.status(), "PASS");
    assert_eq!(passing.counts().run, 1);
}
