//! What `#[smoke_test]` and `#[smoke_suite]` register: one static descriptor per test.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::context::Context;
use crate::error::SmokeResult;

/// A boxed, sendable future, as the generated wrappers return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The generated wrapper of one test: sets up its fixtures, runs the body under the
/// test's timeout, tears the fixtures down, and says how it went.
pub type TestFn = fn(Arc<Context>) -> BoxFuture<'static, SmokeResult>;

/// A suite-level hook (`set_up_suite` / `tear_down_suite`).
pub type SuiteFn = fn() -> BoxFuture<'static, SmokeResult>;

/// Every test linked into the program. Filled at link time by the macros; never by hand.
#[linkme::distributed_slice]
pub static SMOKE_CORE_TESTS: [TestDescriptor];

/// All registered tests, in link order (the runner sorts them by full name).
pub fn registered() -> &'static [TestDescriptor] {
    &SMOKE_CORE_TESTS
}

/// One registered smoke test.
///
/// Built by the macros as a `static`; every field is known at compile time.
pub struct TestDescriptor {
    /// The test's name: the function's, or the `name = "..."` argument.
    pub name: &'static str,
    /// `module_path!()` where the test is defined.
    pub module_path: &'static str,
    /// The suite the test belongs to, for `test_*` methods of a `#[smoke_suite]`.
    pub suite: Option<&'static SuiteDescriptor>,
    /// `file!()` of the test function.
    pub file: &'static str,
    /// `line!()` of the test function.
    pub line: u32,
    /// `tags("db", ...)`.
    pub tags: &'static [&'static str],
    /// `timeout = "2s"`: overrides the run's default timeout.
    pub timeout: Option<Duration>,
    /// `skip = "reason"`: the test is reported as skipped without running.
    pub skip: Option<&'static str>,
    /// `serial`: the test never runs beside another test.
    pub serial: bool,
    /// `requires(db_reachable, ...)`: the tests that must pass, in this run, before this
    /// one starts, each as a function returning its descriptor (functions, so that
    /// prerequisites may refer to one another in a cycle, which the runner reports; see
    /// [`prerequisites`](Self::prerequisites)). When one does not pass (it fails, errors,
    /// times out, is skipped or is itself blocked), this test does not run and is reported
    /// as skipped with the message `blocked by <its full name>`. Running a test runs its
    /// prerequisites too. By hand: `requires: &[|| &DB_REACHABLE]`.
    pub requires: &'static [fn() -> &'static TestDescriptor],
    /// `fail_after = 3`: failing runs in a row before the endpoint reports the test
    /// failing (flap damping); `None`: the run-wide setting. By hand: `None`.
    pub fail_after: Option<u64>,
    /// `pass_after = 2`: passing runs in a row before the endpoint reports a failing test
    /// passing again; `None`: the run-wide setting. By hand: `None`.
    pub pass_after: Option<u64>,
    /// `fail_after_duration = "30s"`: how long the test may fail before the endpoint
    /// reports it failing, however few runs that took; `None`: the run-wide setting. By
    /// hand: `None`.
    pub fail_after_duration: Option<Duration>,
    /// The generated wrapper.
    pub run: TestFn,
}

impl std::fmt::Debug for TestDescriptor {
    // By hand: `requires` may form a cycle (the runner reports it), so prerequisites are
    // shown by name.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let requires: Vec<String> = self.prerequisites().map(|t| t.full_name()).collect();
        f.debug_struct("TestDescriptor")
            .field("name", &self.name)
            .field("module_path", &self.module_path)
            .field("suite", &self.suite)
            .field("file", &self.file)
            .field("line", &self.line)
            .field("tags", &self.tags)
            .field("timeout", &self.timeout)
            .field("skip", &self.skip)
            .field("serial", &self.serial)
            .field("requires", &requires)
            .field("fail_after", &self.fail_after)
            .field("pass_after", &self.pass_after)
            .field("fail_after_duration", &self.fail_after_duration)
            .finish_non_exhaustive()
    }
}

/// What `#[smoke_test]` implements for the hidden type it declares beside each free test
/// function (same name, type namespace), so that `requires(path::to::test)` finds the
/// test's descriptor by the function's path, and a name that is no smoke test does not
/// compile.
#[doc(hidden)]
pub trait Prerequisite {
    /// The test's descriptor.
    fn descriptor() -> &'static TestDescriptor;
}

/// A `#[smoke_suite]`: the type whose `test_*` methods are tests, and its hooks.
#[derive(Debug)]
pub struct SuiteDescriptor {
    /// The type's name, as written on the `impl`.
    pub name: &'static str,
    /// `module_path!()` of the `impl` block.
    pub module_path: &'static str,
    /// `set_up_suite()`, run once before the suite's first test.
    pub set_up: Option<SuiteFn>,
    /// `tear_down_suite()`, run once after the suite's last test.
    pub tear_down: Option<SuiteFn>,
}

impl SuiteDescriptor {
    /// `module::path::Suite`.
    pub fn full_name(&self) -> String {
        format!("{}::{}", self.module_path, self.name)
    }
}

impl TestDescriptor {
    /// The descriptor of the test `name` with every option at its default: no suite, no
    /// tags, the run's timeout, not skipped, not `serial`, no prerequisites, the run-wide
    /// flap damping. `#[smoke_test]` builds each descriptor from it, naming only what
    /// differs; so can a descriptor written by hand:
    ///
    /// ```
    /// use std::sync::Arc;
    /// use smoke_core::{BoxFuture, Context, SmokeResult, TestDescriptor};
    ///
    /// fn run(_: Arc<Context>) -> BoxFuture<'static, SmokeResult> {
    ///     Box::pin(async { Ok(()) })
    /// }
    ///
    /// static SERIAL: TestDescriptor = TestDescriptor {
    ///     serial: true,
    ///     ..TestDescriptor::new("migrations_applied", module_path!(), file!(), line!(), run)
    /// };
    /// assert_eq!(SERIAL.full_name(), format!("{}::migrations_applied", module_path!()));
    /// assert!(SERIAL.tags.is_empty() && SERIAL.timeout.is_none());
    /// ```
    pub const fn new(
        name: &'static str,
        module_path: &'static str,
        file: &'static str,
        line: u32,
        run: TestFn,
    ) -> Self {
        TestDescriptor {
            name,
            module_path,
            suite: None,
            file,
            line,
            tags: &[],
            timeout: None,
            skip: None,
            serial: false,
            requires: &[],
            fail_after: None,
            pass_after: None,
            fail_after_duration: None,
            run,
        }
    }

    /// The full name tests are selected, sorted and reported by:
    /// `module::path::test` or `module::path::Suite::test_method`.
    pub fn full_name(&self) -> String {
        match self.suite {
            Some(suite) => format!("{}::{}::{}", suite.module_path, suite.name, self.name),
            None => format!("{}::{}", self.module_path, self.name),
        }
    }

    /// The tests that must pass before this one starts (`requires(...)`), in the order
    /// given.
    pub fn prerequisites(&self) -> impl Iterator<Item = &'static TestDescriptor> + '_ {
        self.requires.iter().map(|descriptor| descriptor())
    }

    /// The "test class" the test counts towards: its suite, or its module.
    pub fn class_name(&self) -> String {
        match self.suite {
            Some(suite) => suite.full_name(),
            None => self.module_path.to_owned(),
        }
    }
}
