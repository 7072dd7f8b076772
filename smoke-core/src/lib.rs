//! The core of the smoke test framework: the registry that `#[smoke_test]` fills at link
//! time, the per-test [`Context`], [`Fixture`]s, the [`Runner`] and the [`Report`] it
//! produces.
//!
//! Users depend on `smoke-runtime`, which re-exports what they need from here; this crate
//! is for front ends and for the generated code.

mod blocking;
mod body;
mod context;
mod descriptor;
mod error;
mod fixture;
mod hook;
mod report;
mod runner;
mod schedule;
mod select;

pub use blocking::{still_blocked, sync_call, sync_hook, Panic, StillBlocked, SyncCall};
pub use body::{
    finish, install_panic_hook, panic_error, panic_message, run_body, run_sync, set_up, timed_out,
};
pub use context::{add_cleanup, Context, Phase, Scrub};
pub use descriptor::{
    registered, BoxFuture, SuiteDescriptor, SuiteFn, TestDescriptor, TestFn, SMOKE_CORE_TESTS,
};
pub use error::{into_smoke_error, ErrorKind, IntoSmokeResult, Location, SmokeError, SmokeResult};
pub use fixture::{combine, Fixture, FixtureSet, Resource, Resources};
pub use hook::{AroundEach, Hooks};
pub use report::{Counts, Outcome, Report, TestReport};
pub use runner::{RunConfig, Runner, RunnerBuilder};
pub use select::{Ignored, Selection};

/// Re-exported for the generated code of `smoke-macros`, through `smoke_runtime::__private`.
#[doc(hidden)]
pub use linkme;
