//! `#[smoke_suite]` end to end: a fresh value per test from `set_up`, `tear_down` after
//! each test whatever its outcome, `set_up_suite` / `tear_down_suite` once around the
//! suite, per-method arguments, fixture parameters.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use smoke_runtime::prelude::*;
use smoke_runtime::{Outcome, Report, Runner, Selection, TestReport};
use smoke_tests::run::{assert_outcome_in, find_in, names};

const MODULE: &str = "macros_suite";

fn log(events: &Mutex<Vec<String>>, event: impl Into<String>) {
    events.lock().unwrap().push(event.into());
}

fn take(events: &Mutex<Vec<String>>) -> Vec<String> {
    std::mem::take(&mut *events.lock().unwrap())
}

struct Settings {
    region: &'static str,
}

async fn run(selection: Selection) -> Report {
    Runner::builder()
        .resource(Settings {
            region: "eu-west-1",
        })
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

// ---- a sync suite with every hook -------------------------------------------------------

static LIFECYCLE: Mutex<Vec<String>> = Mutex::new(Vec::new());
static LIFECYCLE_VALUES: AtomicU32 = AtomicU32::new(0);

struct Lifecycle {
    id: u32,
    steps: Vec<&'static str>,
}

#[smoke_suite(tags("lifecycle"))]
impl Lifecycle {
    fn set_up() -> SmokeResult<Self> {
        let id = LIFECYCLE_VALUES.fetch_add(1, Ordering::SeqCst);
        log(&LIFECYCLE, format!("set_up {id}"));
        Ok(Lifecycle {
            id,
            steps: vec!["set_up"],
        })
    }

    fn tear_down(&mut self) {
        log(
            &LIFECYCLE,
            format!("tear_down {} after {}", self.id, self.steps.join(",")),
        );
    }

    fn set_up_suite() -> SmokeResult {
        log(&LIFECYCLE, "set_up_suite");
        Ok(())
    }

    fn tear_down_suite() {
        log(&LIFECYCLE, "tear_down_suite");
    }

    /// A helper, not a test.
    fn step(&mut self, name: &'static str) {
        self.steps.push(name);
    }

    fn test_passes(&mut self) -> SmokeResult {
        self.step("passes");
        Ok(())
    }

    fn test_fails(&mut self) -> SmokeResult {
        self.step("fails");
        Err(SmokeError::failure("the disk is full"))
    }

    fn test_panics(&mut self) {
        self.step("panics");
        panic!("boom in a suite test");
    }

    async fn test_async(&mut self, ctx: &Context) -> SmokeResult {
        tokio::task::yield_now().await;
        self.step("async");
        if ctx.full_name() == "macros_suite::Lifecycle::test_async" {
            Ok(())
        } else {
            Err(SmokeError::failure(ctx.full_name().to_owned()))
        }
    }

    #[smoke(timeout = "200ms")]
    async fn test_times_out(&mut self) {
        self.step("times_out");
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_test_gets_a_fresh_value_and_a_tear_down() {
    let report = run(Selection::all().filter(format!("{MODULE}::Lifecycle::"))).await;
    assert_outcome(&report, "Lifecycle::test_passes", Outcome::Passed, None);
    assert_outcome(
        &report,
        "Lifecycle::test_fails",
        Outcome::Failed,
        Some("the disk is full"),
    );
    assert_outcome(
        &report,
        "Lifecycle::test_panics",
        Outcome::Errored,
        Some("boom in a suite test"),
    );
    assert_outcome(&report, "Lifecycle::test_async", Outcome::Passed, None);
    assert_outcome(
        &report,
        "Lifecycle::test_times_out",
        Outcome::TimedOut,
        Some("200ms"),
    );
    assert_eq!(report.tests.len(), 5, "{:?}", names(&report));
    assert_eq!(report.test_classes, 1);
    for test in &report.tests {
        assert_eq!(test.class, "macros_suite::Lifecycle");
        assert_eq!(*test.tags, ["lifecycle"]);
    }

    let events = take(&LIFECYCLE);
    assert_eq!(events.first().map(String::as_str), Some("set_up_suite"));
    assert_eq!(events.last().map(String::as_str), Some("tear_down_suite"));
    assert_eq!(events.iter().filter(|e| *e == "set_up_suite").count(), 1);
    assert_eq!(events.iter().filter(|e| *e == "tear_down_suite").count(), 1);
    // Five values, each set up once and torn down once, after what its test did,
    // whether the test passed, failed, panicked or timed out.
    assert_eq!(
        events.iter().filter(|e| e.starts_with("set_up ")).count(),
        5
    );
    let mut tear_downs: Vec<String> = events
        .iter()
        .filter(|e| e.starts_with("tear_down "))
        .map(|e| e.split(" after ").nth(1).unwrap().to_owned())
        .collect();
    tear_downs.sort();
    assert_eq!(
        tear_downs,
        [
            "set_up,async",
            "set_up,fails",
            "set_up,panics",
            "set_up,passes",
            "set_up,times_out"
        ]
    );
    let mut ids: Vec<&str> = events
        .iter()
        .filter_map(|e| e.strip_prefix("tear_down "))
        .map(|e| e.split(' ').next().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "each test had its own value: {events:?}");
}

// ---- an async suite built with Default, with fixtures -----------------------------------

static ASYNC_EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

#[derive(Default)]
struct AsyncDefault {
    seen: Vec<String>,
}

/// A fixture that logs its own set-up and tear-down.
struct Probe;

impl Fixture for Probe {
    async fn set_up(_: &Context) -> SmokeResult<Self> {
        log(&ASYNC_EVENTS, "probe set_up");
        Ok(Probe)
    }

    async fn tear_down(self) -> SmokeResult {
        log(&ASYNC_EVENTS, "probe tear_down");
        Ok(())
    }
}

#[smoke_suite(name = "Renamed", tags("async_suite"))]
impl AsyncDefault {
    #[cfg(not(test))]
    fn test_compiled_out(&mut self) {
        panic!("`cfg(not(test))` is false here: this test does not exist");
    }

    async fn tear_down(&mut self) -> SmokeResult {
        tokio::task::yield_now().await;
        log(&ASYNC_EVENTS, format!("tear_down after {:?}", self.seen));
        Ok(())
    }

    async fn set_up_suite() -> SmokeResult {
        tokio::task::yield_now().await;
        log(&ASYNC_EVENTS, "set_up_suite");
        Ok(())
    }

    async fn tear_down_suite() -> SmokeResult {
        log(&ASYNC_EVENTS, "tear_down_suite");
        Ok(())
    }

    #[smoke(name = "region_is_set", tags("resource"), timeout = "1m")]
    async fn test_region(&mut self, settings: Resource<Settings>, ctx: &Context) -> SmokeResult {
        self.seen.push(settings.region.to_owned());
        if ctx.timeout() != Duration::from_secs(60) {
            return Err(SmokeError::failure(format!("timeout {:?}", ctx.timeout())));
        }
        Ok(())
    }

    fn test_with_fixture(&mut self, _probe: &mut Probe) -> Result<(), String> {
        self.seen.push("probe".to_owned());
        Ok(())
    }

    #[smoke(skip = "not on this host")]
    fn test_skipped(&mut self) {
        panic!("a skipped test must not run");
    }

    #[smoke(serial)]
    fn test_serial(&mut self, ctx: &Context) -> SmokeResult {
        if !ctx.descriptor().serial {
            return Err(SmokeError::failure("not serial"));
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn async_hooks_default_values_arguments_and_fixtures() {
    let report = run(Selection::all().filter(format!("{MODULE}::Renamed::"))).await;
    assert_eq!(
        names(&report),
        [
            "macros_suite::Renamed::region_is_set",
            "macros_suite::Renamed::test_serial",
            "macros_suite::Renamed::test_skipped",
            "macros_suite::Renamed::test_with_fixture",
        ]
    );
    assert_outcome(&report, "Renamed::region_is_set", Outcome::Passed, None);
    assert_outcome(&report, "Renamed::test_with_fixture", Outcome::Passed, None);
    assert_outcome(&report, "Renamed::test_serial", Outcome::Passed, None);
    assert_outcome(
        &report,
        "Renamed::test_skipped",
        Outcome::Skipped,
        Some("not on this host"),
    );
    assert_eq!(
        *find(&report, "Renamed::region_is_set").tags,
        ["async_suite", "resource"]
    );
    assert_eq!(
        *find(&report, "Renamed::test_with_fixture").tags,
        ["async_suite"]
    );

    let events = take(&ASYNC_EVENTS);
    assert_eq!(events.first().map(String::as_str), Some("set_up_suite"));
    assert_eq!(events.last().map(String::as_str), Some("tear_down_suite"));
    assert!(events.contains(&"tear_down after [\"eu-west-1\"]".to_owned()));
    assert!(events.contains(&"tear_down after []".to_owned()));
    // The suite's value is set up before the fixtures and torn down after them.
    let probe = events
        .iter()
        .position(|e| e == "probe tear_down")
        .expect("the probe was torn down");
    assert_eq!(events[probe + 1], "tear_down after [\"probe\"]");
    assert_eq!(
        events
            .iter()
            .filter(|e| e.starts_with("tear_down after"))
            .count(),
        3
    );
}

// ---- set_up with the context ------------------------------------------------------------

struct WithContext {
    region: String,
    test: String,
}

#[smoke_suite]
impl WithContext {
    async fn set_up(ctx: &Context) -> SmokeResult<Self> {
        let settings = ctx
            .resource::<Settings>()
            .ok_or_else(|| SmokeError::error("no settings"))?;
        Ok(WithContext {
            region: settings.region.to_owned(),
            test: ctx.name().to_owned(),
        })
    }

    fn test_sees_what_set_up_read(&mut self) -> SmokeResult {
        if self.region == "eu-west-1" && self.test == "test_sees_what_set_up_read" {
            Ok(())
        } else {
            Err(SmokeError::failure(format!(
                "{} / {}",
                self.region, self.test
            )))
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn set_up_may_take_the_context() {
    let report = run(Selection::all().filter(format!("{MODULE}::WithContext::"))).await;
    assert_outcome(
        &report,
        "WithContext::test_sees_what_set_up_read",
        Outcome::Passed,
        None,
    );
}

// ---- failing hooks ----------------------------------------------------------------------

static FAILING_SET_UP_TEAR_DOWNS: AtomicU32 = AtomicU32::new(0);

struct FailingSetUp;

#[smoke_suite]
impl FailingSetUp {
    async fn set_up() -> Result<Self, String> {
        Err("the bucket is unreachable".to_owned())
    }

    fn tear_down(&mut self) {
        FAILING_SET_UP_TEAR_DOWNS.fetch_add(1, Ordering::SeqCst);
    }

    fn test_never_runs(&mut self) {
        panic!("must not run when set_up fails");
    }
}

struct PanickingSetUp;

#[smoke_suite]
impl PanickingSetUp {
    fn set_up() -> Self {
        panic!("set_up exploded");
    }

    fn test_never_runs(&mut self) {}
}

static SUITE_SET_UP_FAILS_TEAR_DOWN: AtomicU32 = AtomicU32::new(0);

#[derive(Default)]
struct FailingSuiteSetUp;

#[smoke_suite]
impl FailingSuiteSetUp {
    fn set_up_suite() -> SmokeResult {
        Err(SmokeError::error("no credentials"))
    }

    fn tear_down_suite() {
        SUITE_SET_UP_FAILS_TEAR_DOWN.fetch_add(1, Ordering::SeqCst);
    }

    fn test_one(&mut self) {}

    async fn test_two(&mut self) {}
}

#[derive(Default)]
struct FailingTearDown;

#[smoke_suite]
impl FailingTearDown {
    fn tear_down(&mut self) -> SmokeResult {
        Err(SmokeError::error("could not remove the probe"))
    }

    fn test_passes_but_tear_down_fails(&mut self) {}
}

#[derive(Default)]
struct PanickingTearDown;

#[smoke_suite]
impl PanickingTearDown {
    async fn tear_down(&mut self) {
        panic!("tear_down exploded");
    }

    fn test_fails_then_tear_down_panics(&mut self) -> SmokeResult {
        Err(SmokeError::failure("first failure"))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_set_up_errors_its_test() {
    let report = run(Selection::all().filter(format!("{MODULE}::FailingSetUp::"))).await;
    assert_outcome(
        &report,
        "FailingSetUp::test_never_runs",
        Outcome::Errored,
        Some("set_up of FailingSetUp failed: the bucket is unreachable"),
    );
    assert_eq!(FAILING_SET_UP_TEAR_DOWNS.load(Ordering::SeqCst), 0);

    let report = run(Selection::all().filter(format!("{MODULE}::PanickingSetUp::"))).await;
    assert_outcome(
        &report,
        "PanickingSetUp::test_never_runs",
        Outcome::Errored,
        Some("set_up of PanickingSetUp panicked: set_up exploded"),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_set_up_suite_errors_every_test() {
    let report = run(Selection::all().filter(format!("{MODULE}::FailingSuiteSetUp::"))).await;
    for name in ["FailingSuiteSetUp::test_one", "FailingSuiteSetUp::test_two"] {
        assert_outcome(&report, name, Outcome::Errored, Some("no credentials"));
    }
    assert_eq!(SUITE_SET_UP_FAILS_TEAR_DOWN.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_tear_down_is_reported_on_its_test() {
    let report = run(Selection::all().filter(format!("{MODULE}::FailingTearDown::"))).await;
    assert_outcome(
        &report,
        "FailingTearDown::test_passes_but_tear_down_fails",
        Outcome::Errored,
        Some("tear_down of FailingTearDown failed: could not remove the probe"),
    );

    let report = run(Selection::all().filter(format!("{MODULE}::PanickingTearDown::"))).await;
    let test = find(
        &report,
        "PanickingTearDown::test_fails_then_tear_down_panics",
    );
    // The test's own failure decides the outcome; the tear-down's panic is added to it.
    assert_eq!(test.outcome, Outcome::Failed);
    let message = test.message.as_deref().unwrap_or_default();
    assert!(message.contains("first failure"), "{message}");
    assert!(
        message.contains("tear_down of PanickingTearDown panicked: tear_down exploded"),
        "{message}"
    );
}
