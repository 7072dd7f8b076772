//! The runner against misbehaving fixtures: a set-up or tear-down that hangs does not hold
//! the run (the test is timed out once its timeout and the tear-down grace have passed), a
//! set-up that panics errors the test, a tear-down's `Err` is reported on the test, and a
//! test past its timeout still has its fixtures torn down.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use smoke_runtime::prelude::*;
use smoke_runtime::{Outcome, Runner, Selection};
use smoke_tests::run::find;

struct HangingSetUp;

impl Fixture for HangingSetUp {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        std::future::pending().await
    }
}

struct HangingTearDown;

impl Fixture for HangingTearDown {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(HangingTearDown)
    }

    async fn tear_down(self) -> SmokeResult {
        std::future::pending().await
    }
}

struct PanickingSetUp;

impl Fixture for PanickingSetUp {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        panic!("the pool builder blew up")
    }
}

struct FailingTearDown;

impl Fixture for FailingTearDown {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(FailingTearDown)
    }

    async fn tear_down(self) -> SmokeResult {
        Err(SmokeError::error("could not drop the scratch schema"))
    }
}

static TORN_DOWN: AtomicU32 = AtomicU32::new(0);

struct Counted;

impl Fixture for Counted {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(Counted)
    }

    async fn tear_down(self) -> SmokeResult {
        TORN_DOWN.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

mod cases {
    use super::*;

    #[smoke_test(timeout = "200ms")]
    async fn set_up_hangs(_f: &HangingSetUp) {}

    #[smoke_test(timeout = "200ms")]
    async fn tear_down_hangs(_f: &HangingTearDown) {}

    #[smoke_test]
    async fn set_up_panics(_f: &PanickingSetUp) {}

    #[smoke_test]
    fn tear_down_fails(_f: &FailingTearDown) {}

    #[smoke_test(timeout = "100ms")]
    async fn times_out_with_a_fixture(_f: &Counted) {
        std::future::pending::<()>().await;
    }

    #[smoke_test]
    fn passes_with_a_fixture(_f: &mut Counted) {}
}

#[tokio::test(flavor = "multi_thread")]
async fn misbehaving_fixtures_end_their_test_and_not_the_run() {
    let builder = Runner::builder().tear_down_grace(Duration::from_millis(200));
    // Both hanging fixtures never finish; the run returning at all proves it gave up on them
    // (the 30 s bound only turns a hang into a failure).
    let report = tokio::time::timeout(
        Duration::from_secs(30),
        builder
            .build()
            .run(&Selection::all().filter("runner_fixtures::cases::")),
    )
    .await
    .expect("the run waited for a fixture that never finishes");

    // A hanging set-up counts against the test's own timeout (not timeout plus grace), and
    // each message names the fixture that hung.
    let t = find(&report, "set_up_hangs");
    assert_eq!(
        (t.outcome, t.message.as_deref()),
        (
            Outcome::TimedOut,
            Some(
                "timed out after 200ms while setting up: the set-up of fixture \
                 runner_fixtures::HangingSetUp did not finish, so the test did not run"
            )
        )
    );
    assert!(
        t.duration_ms < 1_000.0,
        "set-up ran past its timeout: {t:?}"
    );
    let t = find(&report, "tear_down_hangs");
    assert_eq!(
        (t.outcome, t.message.as_deref()),
        (
            Outcome::TimedOut,
            Some(
                "the tear-down of fixture runner_fixtures::HangingTearDown did not return \
                 within the test's timeout of 200ms plus the tear-down grace of 200ms"
            )
        )
    );

    let t = find(&report, "set_up_panics");
    assert_eq!(t.outcome, Outcome::Errored);
    let message = t.message.as_deref().unwrap_or("");
    assert!(message.contains("the pool builder blew up"), "{message}");

    let t = find(&report, "tear_down_fails");
    assert_eq!(t.outcome, Outcome::Errored);
    assert!(
        t.message
            .as_deref()
            .unwrap_or("")
            .contains("could not drop the scratch schema"),
        "{t:?}"
    );

    assert_eq!(
        find(&report, "times_out_with_a_fixture").outcome,
        Outcome::TimedOut
    );
    assert_eq!(
        find(&report, "passes_with_a_fixture").outcome,
        Outcome::Passed
    );
    assert_eq!(
        TORN_DOWN.load(Ordering::SeqCst),
        2,
        "the timed-out test's fixture is torn down too"
    );
}
