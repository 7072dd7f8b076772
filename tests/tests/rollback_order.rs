//! Cleanups, fixture tear-downs, per-test transaction hooks and the run-wide hook run in
//! reverse order of set-up, whatever the ending; hooks that fail are reported on the test.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use smoke_runtime::prelude::*;
use smoke_runtime::rollback::{each_test, Rollback, RunWideTx, TransactionHook};
use smoke_runtime::{Outcome, Report, Runner, Selection};
use smoke_tests::db::{assert_outcome, result_of};

/// What happened, in order.
#[derive(Default)]
struct Log(Mutex<Vec<String>>);

impl Log {
    fn push(&self, what: impl Into<String>) {
        self.0.lock().unwrap().push(what.into());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn log_of(ctx: &Context) -> SmokeResult<Resource<Log>> {
    ctx.resource::<Log>()
        .ok_or_else(|| SmokeError::error("no log"))
}

/// Two fixtures that log their set-up and tear-down.
struct First(Resource<Log>);
struct Second(Resource<Log>);

impl Fixture for First {
    async fn set_up(ctx: &Context) -> SmokeResult<Self> {
        let log = log_of(ctx)?;
        log.push("set up First");
        Ok(First(log))
    }
    async fn tear_down(self) -> SmokeResult {
        self.0.push("tear down First");
        Ok(())
    }
}

impl Fixture for Second {
    async fn set_up(ctx: &Context) -> SmokeResult<Self> {
        let log = log_of(ctx)?;
        log.push("set up Second");
        Ok(Second(log))
    }
    async fn tear_down(self) -> SmokeResult {
        self.0.push("tear down Second");
        Ok(())
    }
}

/// A transactional store for the generic hook: writes are staged in the transaction,
/// which smoke tests never commit.
struct Store {
    name: &'static str,
    log: Arc<Log>,
    fail_begin: bool,
    fail_rollback: bool,
}

/// One transaction of a [`Store`].
#[derive(Default)]
struct Staged(Vec<String>);

impl Store {
    fn new(name: &'static str, log: &Arc<Log>) -> Self {
        Store {
            name,
            log: log.clone(),
            fail_begin: false,
            fail_rollback: false,
        }
    }
}

impl TransactionHook for Store {
    type Transaction = Staged;

    async fn begin(&self, _ctx: &Context) -> SmokeResult<Staged> {
        if self.fail_begin {
            return Err(SmokeError::error("the store is down"));
        }
        self.log.push(format!("begin {}", self.name));
        Ok(Staged::default())
    }

    async fn rollback(&self, tx: Staged) -> SmokeResult {
        self.log
            .push(format!("rollback {} ({} writes)", self.name, tx.0.len()));
        if self.fail_rollback {
            return Err(SmokeError::error("the rollback was refused"));
        }
        Ok(())
    }
}

/// A second hook type, for the run-wide mode beside a per-test `Rollback<Store>`.
struct RunStore(Store);

impl TransactionHook for RunStore {
    type Transaction = Staged;
    async fn begin(&self, ctx: &Context) -> SmokeResult<Staged> {
        self.0.begin(ctx).await
    }
    async fn rollback(&self, tx: Staged) -> SmokeResult {
        self.0.rollback(tx).await
    }
}

fn cleanups(log: &Resource<Log>, ctx: &Context) {
    let one = log.clone();
    ctx.add_cleanup(move || one.push("cleanup 1"));
    let two = log.clone();
    assert!(add_cleanup(move || two.push("cleanup 2")));
}

#[smoke_test(tags("order-async"))]
async fn async_order(
    first: &mut First,
    tx: &mut Rollback<Store>,
    _second: &mut Second,
    ctx: &Context,
) -> SmokeResult {
    tx.0.push("row".into());
    first.0.push("body");
    cleanups(&first.0, ctx);
    Ok(())
}

#[smoke_test(tags("order-sync"))]
fn sync_order(
    first: &mut First,
    tx: &mut Rollback<Store>,
    _second: &mut Second,
    ctx: &Context,
) -> SmokeResult {
    tx.0.push("row".into());
    first.0.push("body");
    cleanups(&first.0, ctx);
    Ok(())
}

#[smoke_test(tags("order-panic"))]
async fn panic_order(first: &mut First, tx: &mut Rollback<Store>, ctx: &Context) -> SmokeResult {
    tx.0.push("row".into());
    cleanups(&first.0, ctx);
    panic!("after writing");
}

#[smoke_test(timeout = "200ms", tags("order-timeout"))]
async fn timeout_order(first: &mut First, tx: &mut Rollback<Store>, ctx: &Context) -> SmokeResult {
    tx.0.push("row".into());
    cleanups(&first.0, ctx);
    tokio::time::sleep(Duration::from_secs(30)).await;
    Ok(())
}

#[smoke_test(timeout = "200ms", tags("order-sync-timeout"))]
fn sync_timeout_order(first: &mut First, tx: &mut Rollback<Store>, ctx: &Context) -> SmokeResult {
    tx.0.push("row".into());
    cleanups(&first.0, ctx);
    std::thread::sleep(Duration::from_millis(600));
    Ok(())
}

#[smoke_test(tags("order-run-wide"))]
async fn run_wide_order(
    first: &mut First,
    run: &mut RunWideTx<Staged>,
    ctx: &Context,
) -> SmokeResult {
    run.0.push("row".into());
    cleanups(&first.0, ctx);
    Ok(())
}

#[smoke_test(tags("order-failing"))]
fn failing_rollback(tx: &mut Rollback<Store>) -> SmokeResult {
    tx.0.push("row".into());
    Ok(())
}

#[smoke_test(tags("order-failing-begin"))]
fn not_run_when_the_run_wide_begin_fails(first: &mut First) -> SmokeResult {
    first.0.push("body");
    Ok(())
}

async fn run(tag: &str, log: &Arc<Log>, configure: impl FnOnce(&mut Store)) -> Report {
    let mut store = Store::new("store", log);
    configure(&mut store);
    Runner::builder()
        .resource(store)
        .resource_arc(log.clone())
        .build()
        .run(&Selection::all().tag(tag))
        .await
}

const AFTER_BODY: [&str; 5] = [
    "cleanup 2",
    "cleanup 1",
    "tear down Second",
    "rollback store (1 writes)",
    "tear down First",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanups_and_tear_downs_run_in_reverse_order_of_set_up() {
    for tag in ["order-async", "order-sync"] {
        let log = Arc::new(Log::default());
        let report = run(tag, &log, |_| {}).await;
        assert_eq!(report.tests.len(), 1);
        assert_eq!(report.tests[0].outcome, Outcome::Passed, "{tag}");
        let mut expected = vec!["set up First", "begin store", "set up Second", "body"];
        expected.extend(AFTER_BODY);
        assert_eq!(log.take(), expected, "{tag}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_or_a_timeout_still_runs_cleanups_then_rollback_then_tear_down() {
    let expected = [
        "set up First",
        "begin store",
        "cleanup 2",
        "cleanup 1",
        "rollback store (1 writes)",
        "tear down First",
    ];
    let log = Arc::new(Log::default());
    let report = run("order-panic", &log, |_| {}).await;
    assert_outcome(&report, "panic_order", Outcome::Errored);
    assert_eq!(log.take(), expected);

    let report = run("order-timeout", &log, |_| {}).await;
    assert_outcome(&report, "timeout_order", Outcome::TimedOut);
    assert_eq!(log.take(), expected);

    // A sync test is torn down when its thread returns, after the run reported it.
    let report = run("order-sync-timeout", &log, |_| {}).await;
    assert_outcome(&report, "sync_timeout_order", Outcome::TimedOut);
    for _ in 0..500 {
        if log.0.lock().unwrap().len() == expected.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(log.take(), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_wide_hook_wraps_fixtures_cleanups_and_tear_downs() {
    let log = Arc::new(Log::default());
    let report = Runner::builder()
        .around_each(each_test(RunStore(Store::new("run", &log))))
        .resource_arc(log.clone())
        .build()
        .run(&Selection::all().tag("order-run-wide"))
        .await;
    assert_outcome(&report, "run_wide_order", Outcome::Passed);
    assert_eq!(
        log.take(),
        [
            "begin run",
            "set up First",
            "cleanup 2",
            "cleanup 1",
            "tear down First",
            "rollback run (1 writes)",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hooks_that_fail_are_reported_on_the_test() {
    let log = Arc::new(Log::default());
    let report = run("order-failing", &log, |s| s.fail_rollback = true).await;
    assert_outcome(&report, "failing_rollback", Outcome::Errored);
    let message = result_of(&report, "failing_rollback").message.clone();
    assert!(
        message
            .as_deref()
            .unwrap_or("")
            .contains("the rollback was refused"),
        "{message:?}"
    );
    assert!(log.take().contains(&"rollback store (1 writes)".to_owned()));

    let mut failing = Store::new("run", &log);
    failing.fail_begin = true;
    let report = Runner::builder()
        .around_each(each_test(RunStore(failing)))
        .resource_arc(log.clone())
        .build()
        .run(&Selection::all().tag("order-failing-begin"))
        .await;
    assert_outcome(
        &report,
        "not_run_when_the_run_wide_begin_fails",
        Outcome::Errored,
    );
    let message = report.tests[0].message.clone().unwrap_or_default();
    assert!(
        message.contains("a run-wide hook failed before the test")
            && message.contains("the store is down"),
        "{message}"
    );
    assert!(log.take().is_empty(), "the test ran");
}
