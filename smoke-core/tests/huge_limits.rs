//! Limits too large to add to an instant mean "no limit", never a panic.

use std::sync::Arc;
use std::time::Duration;

use smoke_core::__private_0_1::run_body;
use smoke_core::{BoxFuture, Context, Outcome, Runner, SmokeResult, TestDescriptor};

fn passes(ctx: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    Box::pin(async move { run_body(&ctx, async { Ok(()) }).await })
}

static PASSES: TestDescriptor =
    TestDescriptor::new("passes", "huge_limits", file!(), line!(), passes);

#[tokio::test]
async fn a_maximal_deadline_and_timeout_run_the_test() {
    let runner = Runner::builder()
        .deadline(Duration::MAX)
        .default_timeout(Duration::MAX)
        .build();
    let report = runner.run_tests(vec![&PASSES], false, |_| {}).await;
    assert_eq!(report.tests[0].outcome, Outcome::Passed);
}
