//! `#[smoke_test]` end to end: the tests below register themselves, and the runner finds
//! them and runs them with the names, tags, timeouts, fixtures and outcomes they declare.

use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use smoke_runtime::prelude::*;
use smoke_runtime::{Outcome, Report, Runner, Selection, TestReport};
use smoke_tests::run::{assert_outcome_in, find_in, names};

/// A value the host registers; tests ask for it as `Resource<Settings>`.
struct Settings {
    bucket: &'static str,
}

/// A fixture that counts its set-ups and tear-downs.
#[derive(Clone)]
struct Counter {
    id: u32,
    touched: u32,
}

static COUNTER_SET_UPS: AtomicU32 = AtomicU32::new(0);
static COUNTER_TEAR_DOWNS: AtomicU32 = AtomicU32::new(0);
/// What `touched` was when each `Counter` was torn down.
static TORN_DOWN_TOUCHED: Mutex<Vec<(u32, u32)>> = Mutex::new(Vec::new());

impl Fixture for Counter {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        let id = COUNTER_SET_UPS.fetch_add(1, Ordering::SeqCst);
        Ok(Counter { id, touched: 0 })
    }

    async fn tear_down(self) -> SmokeResult {
        COUNTER_TEAR_DOWNS.fetch_add(1, Ordering::SeqCst);
        TORN_DOWN_TOUCHED
            .lock()
            .unwrap()
            .push((self.id, self.touched));
        Ok(())
    }
}

/// A fixture that counts its tear-downs.
struct Tracked;

static TRACKED_TEAR_DOWNS: AtomicU32 = AtomicU32::new(0);

impl Fixture for Tracked {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(Tracked)
    }

    async fn tear_down(self) -> SmokeResult {
        TRACKED_TEAR_DOWNS.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// A fixture whose set-up always fails.
struct Unavailable;

impl Fixture for Unavailable {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Err(SmokeError::error("the service is down"))
    }
}

/// A displayable error that is not `std::error::Error`.
struct Plain(&'static str);

impl fmt::Display for Plain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

// ---- return types ---------------------------------------------------------------------

#[smoke_test]
fn sync_unit() {}

#[smoke_test]
fn sync_ok() -> SmokeResult {
    Ok(())
}

#[smoke_test]
fn sync_failure() -> SmokeResult {
    Err(SmokeError::failure("2 is not 3"))
}

#[smoke_test]
fn sync_io_error() -> SmokeResult {
    std::fs::read("/definitely/not/a/file/smoke")?;
    Ok(())
}

#[smoke_test]
fn sync_display_error() -> Result<(), Plain> {
    Err(Plain("plain display error"))
}

#[smoke_test]
fn sync_io_result() -> std::io::Result<()> {
    Err(std::io::Error::other("io result error"))
}

#[smoke_test]
fn sync_panics() {
    panic!("boom in a sync test");
}

#[smoke_test]
async fn async_unit() {
    tokio::task::yield_now().await;
}

#[smoke_test]
async fn async_ok() -> SmokeResult {
    tokio::task::yield_now().await;
    Ok(())
}

#[smoke_test]
async fn async_failure() -> SmokeResult {
    tokio::task::yield_now().await;
    Err(SmokeError::failure("async assertion"))
}

#[smoke_test]
async fn async_string_error() -> Result<(), String> {
    Err("a string error".to_owned())
}

#[smoke_test]
async fn async_panics() -> SmokeResult {
    tokio::task::yield_now().await;
    panic!("boom in an async test");
}

// ---- arguments --------------------------------------------------------------------------

#[smoke_test(name = "renamed_by_argument")]
fn original_name() {}

static SEEN_TIMEOUT_MS: AtomicU64 = AtomicU64::new(0);

#[smoke_test(timeout = "1m30s", tags("db", "readiness"))]
fn declares_timeout_and_tags(ctx: &Context) {
    SEEN_TIMEOUT_MS.store(ctx.timeout().as_millis() as u64, Ordering::SeqCst);
}

#[smoke_test(timeout = "250ms")]
async fn sleeps_past_its_timeout() {
    tokio::time::sleep(Duration::from_secs(30)).await;
}

/// Blocks until `timeouts_are_enforced` has its report, so it is past its timeout however
/// slow the machine is.
#[smoke_test(timeout = "250ms")]
fn blocks_past_its_timeout_sync() {
    let mut released = RELEASE.lock().unwrap();
    while !*released {
        released = RELEASED.wait(released).unwrap();
    }
}

static RELEASE: Mutex<bool> = Mutex::new(false);
static RELEASED: Condvar = Condvar::new();

#[smoke_test(skip = "needs the staging bucket")]
fn skipped_by_argument() {
    panic!("a skipped test must not run");
}

#[smoke_test(serial, tags("serial"))]
fn runs_serially(ctx: &Context) -> SmokeResult {
    if ctx.descriptor().serial {
        Ok(())
    } else {
        Err(SmokeError::failure("the descriptor is not serial"))
    }
}

mod reexported {
    pub use smoke_runtime as smoke;
}

#[smoke_test(crate = crate::reexported::smoke, tags("crate_path"))]
fn through_a_reexport() {}

#[smoke_test(tags("cfg"))]
#[cfg(test)]
fn compiled_in() {}

// `cfg(not(test))` is false in a test target: neither the function nor its registration
// exists.
#[smoke_test(tags("cfg"))]
#[cfg(not(test))]
fn compiled_out() {}

// The line of the function, recorded two lines above it.
const LOCATED_LINE: u32 = line!() + 2;
#[smoke_test]
fn located() {}

// ---- parameters -------------------------------------------------------------------------

static CONTEXT_NAME: Mutex<String> = Mutex::new(String::new());

#[smoke_test]
async fn takes_the_context(ctx: &Context) {
    *CONTEXT_NAME.lock().unwrap() = ctx.full_name().to_owned();
}

#[smoke_test(tags("resource"))]
async fn resource_by_value(settings: Resource<Settings>) -> SmokeResult {
    if settings.bucket == "media" {
        Ok(())
    } else {
        Err(SmokeError::failure(format!(
            "bucket is {}",
            settings.bucket
        )))
    }
}

#[smoke_test(tags("resource"))]
fn resource_by_reference(settings: &Resource<Settings>, ctx: &Context) -> SmokeResult {
    if settings.bucket == "media" && ctx.name() == "resource_by_reference" {
        Ok(())
    } else {
        Err(SmokeError::failure("wrong bucket or name"))
    }
}

#[smoke_test(tags("resource"))]
async fn missing_resource(_missing: Resource<Duration>) {}

#[smoke_test(tags("counter"))]
async fn counter_by_mut_reference(counter: &mut Counter, ctx: &Context, again: &Counter) {
    // Two parameters of one type are two fixtures.
    assert_ne!(counter.id, again.id, "{}", ctx.name());
    counter.touched = 7;
}

#[smoke_test(tags("counter"))]
fn counter_sync_by_mut_reference(counter: &mut Counter) {
    counter.touched = 11;
}

#[smoke_test(tags("counter"))]
async fn counter_by_value(mut counter: Counter) {
    // A clone: the torn-down original keeps `touched == 0`.
    counter.touched += 99;
    assert_eq!(counter.touched, 99);
}

#[smoke_test(tags("fixture_error"))]
async fn fixture_set_up_fails(_first: &mut Tracked, _second: &Unavailable) {
    panic!("must not run when a fixture fails to set up");
}

// ---- tests written by a `macro_rules!` ------------------------------------------------

/// A fixture that does nothing.
struct Blank;

impl Fixture for Blank {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        Ok(Blank)
    }
}

macro_rules! generated_tests {
    ($($async_name:ident / $sync_name:ident),*) => {
        $(
            #[smoke_test(tags("generated"))]
            async fn $async_name(ctx: &Context, settings: Resource<Settings>) -> SmokeResult {
                if settings.bucket == "media" && ctx.name() == stringify!($async_name) {
                    Ok(())
                } else {
                    Err(SmokeError::failure(ctx.name()))
                }
            }

            #[smoke_test(tags("generated"))]
            fn $sync_name(ctx: &Context, blank: &mut Blank) -> SmokeResult {
                let _ = blank;
                if ctx.name() == stringify!($sync_name) {
                    Ok(())
                } else {
                    Err(SmokeError::failure(ctx.name()))
                }
            }
        )*
    };
}

generated_tests!(
    generated_async_one / generated_sync_one,
    generated_async_two / generated_sync_two
);

// ---- the checks -------------------------------------------------------------------------

const MODULE: &str = "macros_registration";

async fn run(selection: Selection) -> Report {
    Runner::builder()
        .resource(Settings { bucket: "media" })
        .build()
        .run(&selection)
        .await
}

/// The report of this file's test `name`.
fn find<'a>(report: &'a Report, name: &str) -> &'a TestReport {
    find_in(report, MODULE, name)
}

/// Asserts the outcome of this file's test `name` and, if given, part of its message.
fn assert_outcome(report: &Report, name: &str, outcome: Outcome, message: Option<&str>) {
    assert_outcome_in(report, MODULE, name, outcome, message);
}

#[tokio::test(flavor = "multi_thread")]
async fn return_types_become_outcomes() {
    let report = run(Selection::all().filter(format!("{MODULE}::sync_"))).await;
    assert_outcome(&report, "sync_unit", Outcome::Passed, None);
    assert_outcome(&report, "sync_ok", Outcome::Passed, None);
    assert_outcome(&report, "sync_failure", Outcome::Failed, Some("2 is not 3"));
    assert_outcome(
        &report,
        "sync_io_error",
        Outcome::Errored,
        Some("No such file"),
    );
    assert_outcome(
        &report,
        "sync_display_error",
        Outcome::Errored,
        Some("plain display error"),
    );
    assert_outcome(
        &report,
        "sync_io_result",
        Outcome::Errored,
        Some("io result error"),
    );
    assert_outcome(
        &report,
        "sync_panics",
        Outcome::Errored,
        Some("boom in a sync test"),
    );

    let report = run(Selection::all().filter(format!("{MODULE}::async_"))).await;
    assert_outcome(&report, "async_unit", Outcome::Passed, None);
    assert_outcome(&report, "async_ok", Outcome::Passed, None);
    assert_outcome(
        &report,
        "async_failure",
        Outcome::Failed,
        Some("async assertion"),
    );
    assert_outcome(
        &report,
        "async_string_error",
        Outcome::Errored,
        Some("a string error"),
    );
    assert_outcome(
        &report,
        "async_panics",
        Outcome::Errored,
        Some("boom in an async test"),
    );
    assert_eq!(report.tests.len(), 5, "{:?}", names(&report));
}

#[tokio::test(flavor = "multi_thread")]
async fn arguments_reach_the_descriptor() {
    let report = run(Selection::all()
        .filter(format!("{MODULE}::renamed_by_argument"))
        .filter(format!("{MODULE}::original_name"))
        .filter(format!("{MODULE}::declares_timeout_and_tags"))
        .filter(format!("{MODULE}::skipped_by_argument"))
        .filter(format!("{MODULE}::runs_serially"))
        .filter(format!("{MODULE}::through_a_reexport"))
        .filter(format!("{MODULE}::located")))
    .await;
    assert_eq!(
        names(&report),
        [
            "macros_registration::declares_timeout_and_tags",
            "macros_registration::located",
            "macros_registration::renamed_by_argument",
            "macros_registration::runs_serially",
            "macros_registration::skipped_by_argument",
            "macros_registration::through_a_reexport",
        ]
    );

    let tagged = find(&report, "declares_timeout_and_tags");
    assert_eq!(tagged.outcome, Outcome::Passed);
    assert_eq!(*tagged.tags, ["db", "readiness"]);
    assert_eq!(SEEN_TIMEOUT_MS.load(Ordering::SeqCst), 90_000);
    assert_eq!(tagged.class, MODULE);

    assert_outcome(&report, "renamed_by_argument", Outcome::Passed, None);
    assert_outcome(
        &report,
        "skipped_by_argument",
        Outcome::Skipped,
        Some("needs the staging bucket"),
    );
    assert_outcome(&report, "runs_serially", Outcome::Passed, None);
    assert_outcome(&report, "through_a_reexport", Outcome::Passed, None);

    let located = find(&report, "located");
    assert_eq!(located.line, LOCATED_LINE);
    assert!(
        located.file.ends_with("macros_registration.rs"),
        "{}",
        located.file
    );

    // A `#[cfg]` under the attribute applies to the registration too.
    let report = run(Selection::all().filter(MODULE).tag("cfg")).await;
    assert_eq!(names(&report), ["macros_registration::compiled_in"]);

    // Selecting by tag sees the tags the macro registered.
    let report = run(Selection::all().filter(MODULE).tag("crate_path")).await;
    assert_eq!(names(&report), ["macros_registration::through_a_reexport"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn tests_written_by_macro_rules_work() {
    let report = run(Selection::all().filter(MODULE).tag("generated")).await;
    for name in [
        "generated_async_one",
        "generated_async_two",
        "generated_sync_one",
        "generated_sync_two",
    ] {
        assert_outcome(&report, name, Outcome::Passed, None);
    }
    assert_eq!(report.tests.len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn timeouts_are_enforced() {
    let report = run(Selection::all().filter("_past_its_timeout")).await;
    // Before any assertion, so that a failing one does not leave the thread blocked.
    *RELEASE.lock().unwrap() = true;
    RELEASED.notify_all();
    assert_outcome(
        &report,
        "sleeps_past_its_timeout",
        Outcome::TimedOut,
        Some("250ms"),
    );
    assert_outcome(
        &report,
        "blocks_past_its_timeout_sync",
        Outcome::TimedOut,
        Some("250ms"),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn parameters_receive_context_and_resources() {
    let report = run(Selection::all().filter(format!("{MODULE}::takes_the_context"))).await;
    assert_outcome(&report, "takes_the_context", Outcome::Passed, None);
    assert_eq!(
        *CONTEXT_NAME.lock().unwrap(),
        "macros_registration::takes_the_context"
    );

    let report = run(Selection::all().filter(MODULE).tag("resource")).await;
    assert_outcome(&report, "resource_by_value", Outcome::Passed, None);
    assert_outcome(&report, "resource_by_reference", Outcome::Passed, None);
    assert_outcome(
        &report,
        "missing_resource",
        Outcome::Errored,
        Some("no resource of type core::time::Duration is registered"),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn fixtures_are_set_up_passed_and_torn_down() {
    let report = run(Selection::all().filter(MODULE).tag("counter")).await;
    for name in [
        "counter_by_mut_reference",
        "counter_sync_by_mut_reference",
        "counter_by_value",
    ] {
        assert_outcome(&report, name, Outcome::Passed, None);
    }
    // Four fixtures in three tests, each torn down once.
    assert_eq!(COUNTER_SET_UPS.load(Ordering::SeqCst), 4);
    assert_eq!(COUNTER_TEAR_DOWNS.load(Ordering::SeqCst), 4);
    let mut touched: Vec<u32> = TORN_DOWN_TOUCHED
        .lock()
        .unwrap()
        .iter()
        .map(|(_, t)| *t)
        .collect();
    touched.sort();
    // `&mut` fixtures are changed in place; the by-value one is a clone (0 stays 0), and
    // the second fixture of the first test was only read.
    assert_eq!(touched, [0, 0, 7, 11]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_fixture_errors_the_test_and_tears_down_the_others() {
    let report = run(Selection::all().filter(MODULE).tag("fixture_error")).await;
    assert_outcome(
        &report,
        "fixture_set_up_fails",
        Outcome::Errored,
        Some("the service is down"),
    );
    // The fixture set up before the failing one was torn down.
    assert_eq!(TRACKED_TEAR_DOWNS.load(Ordering::SeqCst), 1);
}
