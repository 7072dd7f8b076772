//! What smoke writes to the host's stderr goes through the endpoint's redactor, and a
//! panic in a fixture's set-up or tear-down is the test's result, not a backtrace on
//! stderr.
//!
//! The test runs this same binary again as a child (the scenario below, selected by an
//! environment variable) and reads the child's real stderr.

use std::process::Command;
use std::time::Duration;

use smoke_runtime::http::{Details, Smoke};
use smoke_runtime::prelude::*;
use smoke_runtime::{Outcome, Runner, Selection};

const API_KEY: &str = "sk-live-7731-hunter2";
const PASSWORD: &str = "pg-pass-4412";

/// Its tear-down fails with both secrets in the message.
struct LeakyTearDown;

impl Fixture for LeakyTearDown {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(LeakyTearDown)
    }

    async fn tear_down(self) -> SmokeResult {
        Err(SmokeError::error(format!(
            "could not reach postgres://app:{PASSWORD}@db.internal:5432/app with key {API_KEY}"
        )))
    }
}

/// Its set-up panics with a secret in the message.
struct PanickySetUp;

impl Fixture for PanickySetUp {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        panic!("bad credentials: {API_KEY}")
    }
}

/// Its tear-down panics with a secret in the message.
struct PanickyTearDown;

impl Fixture for PanickyTearDown {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(PanickyTearDown)
    }

    async fn tear_down(self) -> SmokeResult {
        panic!("tear-down lost {API_KEY}")
    }
}

mod scenario {
    use super::*;

    /// Times out; its thread returns later and its tear-down then fails.
    #[smoke_test(tags("stderr"), timeout = "100ms")]
    fn late_tear_down(_f: &LeakyTearDown) {
        std::thread::sleep(Duration::from_millis(400));
    }

    #[smoke_test(tags("stderr"))]
    async fn set_up_panics(_f: &PanickySetUp) {}

    #[smoke_test(tags("stderr"))]
    async fn tear_down_panics(_f: &PanickyTearDown) {}
}

/// The child's part: one run through the endpoint, then time for the late tear-down.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_run() {
    if std::env::var_os("SMOKE_STDERR_SCENARIO").is_none() {
        return;
    }
    let smoke = Smoke::builder()
        .only(Selection::all().tag("stderr"))
        .details(Details::Always)
        .runner(Runner::builder().secret(API_KEY))
        .build();
    let report = smoke.run(&Selection::all()).await;
    let outcome = |name: &str| {
        report
            .tests
            .iter()
            .find(|t| t.name.ends_with(name))
            .map(|t| t.outcome)
    };
    assert_eq!(outcome("late_tear_down"), Some(Outcome::TimedOut));
    assert_eq!(outcome("set_up_panics"), Some(Outcome::Errored));
    assert_eq!(outcome("tear_down_panics"), Some(Outcome::Errored));
    tokio::time::sleep(Duration::from_millis(800)).await;
    println!("SCENARIO DONE");
}

#[test]
fn nothing_smoke_writes_to_stderr_carries_a_secret() {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "scenario_run", "--nocapture", "--test-threads=1"])
        .env("SMOKE_STDERR_SCENARIO", "1")
        .output()
        .expect("run the scenario");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("SCENARIO DONE"), "{stdout}");
    for secret in [API_KEY, PASSWORD] {
        assert!(!stderr.contains(secret), "stderr shows {secret}:\n{stderr}");
        assert!(!stdout.contains(secret), "stdout shows {secret}:\n{stdout}");
    }
    // The late tear-down was told, masked; the panics were not printed at all.
    assert!(
        stderr.contains("late_tear_down timed out earlier")
            && stderr.contains("postgres://app:***@db.internal")
            && stderr.contains("with key ***"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
