//! A fixture whose set-up or tear-down panics errors the test; the fixtures set up before
//! it are still torn down, and the panic never escapes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use smoke_core::__private_0_1::{finish, run_body, FixtureSet};
use smoke_core::{BoxFuture, Context, Fixture, Outcome, Runner, SmokeResult, TestDescriptor};

static TORN_DOWN: AtomicUsize = AtomicUsize::new(0);

struct Recorder;

impl Fixture for Recorder {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(Recorder)
    }
    async fn tear_down(self) -> SmokeResult {
        TORN_DOWN.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

struct PanicsInSetUp;

impl Fixture for PanicsInSetUp {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        panic!("no connection string")
    }
}

struct PanicsInTearDown;

impl Fixture for PanicsInTearDown {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(PanicsInTearDown)
    }
    async fn tear_down(self) -> SmokeResult {
        panic!("lost the handle")
    }
}

fn wrapper<F: FixtureSet>(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move {
        let fixtures = F::set_up_all(&ctx).await?;
        let result = run_body(&ctx, async { Ok(()) }).await;
        finish(&ctx, result, fixtures).await
    })
}

const fn test(name: &'static str, run: smoke_core::TestFn) -> TestDescriptor {
    TestDescriptor::new(name, "fixture_panics", file!(), 1, run)
}

static SET_UP_PANICS: TestDescriptor =
    test("set_up_panics", wrapper::<(Recorder, (PanicsInSetUp, ()))>);
static TEAR_DOWN_PANICS: TestDescriptor = test(
    "tear_down_panics",
    wrapper::<(Recorder, (PanicsInTearDown, ()))>,
);

#[tokio::test]
async fn panicking_fixtures_error_the_test_and_the_earlier_ones_are_torn_down() {
    let runner = Runner::builder().build();
    let report = runner
        .run_tests(vec![&SET_UP_PANICS, &TEAR_DOWN_PANICS], false, |_| {})
        .await;

    let set_up = &report.tests[0];
    assert_eq!(set_up.name, "fixture_panics::set_up_panics");
    assert_eq!(set_up.outcome, Outcome::Errored);
    let message = set_up.message.as_deref().unwrap();
    assert!(
        message.contains("set-up of fixture fixture_panics::PanicsInSetUp failed: it panicked: no connection string"),
        "{message}"
    );

    let tear_down = &report.tests[1];
    assert_eq!(tear_down.outcome, Outcome::Errored);
    let message = tear_down.message.as_deref().unwrap();
    assert!(
        message.contains("tear-down of fixture fixture_panics::PanicsInTearDown failed: it panicked: lost the handle"),
        "{message}"
    );

    assert_eq!(
        TORN_DOWN.load(Ordering::SeqCst),
        2,
        "Recorder torn down in both tests"
    );
}
