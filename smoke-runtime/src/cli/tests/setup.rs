//! The setup: its resources, its failure (masked of secrets), its deadline, when it runs.

use super::*;
use crate::RunnerBuilder;

fn region_setup(runner: RunnerBuilder) -> SetupFuture {
    Box::pin(async move { Ok(runner.resource(Region("eu"))) })
}

fn failing_setup(_runner: RunnerBuilder) -> SetupFuture {
    Box::pin(async { Err(SmokeError::error("DATABASE_URL is not set")) })
}

/// Registers a secret, then fails with it in its error.
fn leaking_setup(runner: RunnerBuilder) -> SetupFuture {
    Box::pin(async move {
        let _runner = runner.secret("hunter2-api-key");
        Err(SmokeError::error("login with hunter2-api-key refused"))
    })
}

#[test]
fn setup_registers_resources_and_its_failure_exits_one() {
    let (code, out, _) = run_cli(&["region"], None);
    assert_eq!(code, 1, "without the setup there is no region: {out}");
    let (code, out, _) = run_cli(&["region"], Some(region_setup));
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = run_cli(&["region"], Some(failing_setup));
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: the smoke tests' setup failed: DATABASE_URL is not set\n"
    );
}

#[test]
fn a_failing_setup_s_error_is_masked_of_the_secrets_it_registered() {
    let (code, out, err) = run_cli(&["region"], Some(leaking_setup));
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "error: the smoke tests' setup failed: login with *** refused\n"
    );
}

#[test]
fn setup_result_turns_any_error_into_a_smoke_error() {
    let e = setup_result(Err::<RunnerBuilder, _>(std::fmt::Error)).unwrap_err();
    assert_eq!(e.message(), std::fmt::Error.to_string());
    let own = setup_result(Err::<RunnerBuilder, _>(SmokeError::error("own"))).unwrap_err();
    assert_eq!(own.message(), "own");
    assert!(setup_result(Ok::<_, SmokeError>(RunnerBuilder::default())).is_ok());
}

fn hanging_setup(_runner: RunnerBuilder) -> SetupFuture {
    Box::pin(std::future::pending())
}

#[test]
fn the_deadline_bounds_the_setup() {
    let (code, out, err) = run_cli(&["ok_a", "--deadline", "50ms"], Some(hanging_setup));
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "error: the smoke tests' setup failed: it did not finish within the deadline of 50ms\n"
    );
}

#[test]
fn listing_and_bench_do_not_run_the_setup() {
    let (code, out, _) = run_cli(
        &["--list", "--format", "terse", "region"],
        Some(failing_setup),
    );
    assert_eq!((code, out.as_str()), (0, "app::smoke::region: test\n"));
    let (code, out, err) = run_cli(&["--bench"], Some(failing_setup));
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}
