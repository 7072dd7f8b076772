//! Smoke tests for Rust services: tests that run inside production to prove that the
//! environment and the program's integration with it work.
//!
//! Write them like unit tests, with [`#[smoke_test]`](smoke_test) on functions or
//! [`#[smoke_suite]`](smoke_suite) on an `impl` block, and the unittest family of
//! [assertions](mod@assert); they are found at link time and run on demand: from an HTTP
//! endpoint in the service, from a command in the deploy pipeline, under monitoring.
//!
//! ```
//! use smoke_runtime::prelude::*;
//! use smoke_runtime::{Runner, Selection};
//!
//! /// What the service loaded from its configuration; tests receive it by type.
//! struct Settings {
//!     upload_dir: std::path::PathBuf,
//! }
//!
//! #[smoke_test(timeout = "2s", tags("storage"))]
//! async fn uploads_writable(settings: Resource<Settings>) -> SmokeResult {
//!     smoke_runtime::checks::dir_writable(&settings.upload_dir).await
//! }
//!
//! #[smoke_test]
//! fn arithmetic() -> SmokeResult {
//!     assert_equal!(2 + 2, 4, "arithmetic is off");
//!     Ok(())
//! }
//!
//! #[tokio::main]
//! async fn main() {
//!     let runner = Runner::builder()
//!         .resource(Settings { upload_dir: std::env::temp_dir() })
//!         .build();
//!     let report = runner.run(&Selection::all()).await;
//!     assert!(report.passed());
//!     print!("{}", smoke_runtime::report::text::render(&report, &Default::default()));
//! }
//! ```
//!
//! # The guide
//!
//! [`guide`] takes you from the first test to production, a chapter a module:
//! [writing tests](guide::writing_tests), [configuration](guide::configuration),
//! [assertions](guide::assertions), [ready-made checks](guide::checks),
//! [rollback](guide::rollback), [the command line](guide::command_line),
//! [report formats](guide::reports), [the endpoint](guide::endpoint),
//! [operations](guide::operations), [`cargo smoke`](guide::cargo_smoke),
//! [dependencies between tests](guide::dependencies), and, with the features they need,
//! canary gates (`http`) and tracing with OpenTelemetry (`otel`).
//!
//! # Modules
//!
//! - [`prelude`]: `use smoke_runtime::prelude::*;` in a file of smoke tests.
//! - [`assert`](mod@assert): the `assert_*!` / `expect_*!` macros and the [`Contains`](assert::Contains)
//!   trait behind `assert_in!`.
//! - [`checks`]: ready-made checks of directories, disk space, settings, executables, DNS,
//!   TCP, HTTP status, TLS certificates and AWS credentials.
//! - [`rollback`]: fixtures that roll a test's database writes back (sqlx, rusqlite,
//!   diesel), a Redis key prefix, and the run-wide mode.
//! - [`cli`]: [`main!`], the libtest-compatible command line of a smoke target (the
//!   default feature `cli`; a service that only embeds the endpoint can turn it off).
//! - [`report`]: the report formats (text, JSON, JUnit, health+json, HTML, Prometheus) and
//!   the redaction of secrets.
//! - [`coordinator`]: single-flight, run slots, freshness and the schedule every front
//!   door shares.
//! - `http`, `axum`, `tower`, `actix`, `grpc` (features of the same names): the front doors
//!   over the coordinator.
//! - `otel` (feature `otel`): the runs' and tests' spans and the run metrics exported over
//!   OTLP.
//!
//! The runner, the report data and the test's [`Context`] come from `smoke-core` and are
//! re-exported here; a crate with smoke tests depends on `smoke-runtime` alone.

pub use smoke_core::{
    add_cleanup, check_dependencies, registered, Context, Counts, DependencyCycle, ErrorKind,
    Fixture, Ignored, IntoSmokeResult, Location, Outcome, Progress, Report, Resource, Resources,
    RunConfig, RunLabel, Runner, RunnerBuilder, Selection, SmokeError, SmokeResult, TestDescriptor,
    TestReport, Text, Trigger,
};
/// Code around every test of a run (`RunnerBuilder::around_each`; see `rollback::each_test`).
pub use smoke_core::{AroundEach, BoxFuture};
pub use smoke_macros::{smoke_suite, smoke_test};

pub mod assert;
pub mod checks;
#[cfg(feature = "cli")]
pub mod cli;
pub mod coordinator;
pub mod guide;
pub mod prelude;
pub mod report;
pub mod rollback;

#[cfg(feature = "http")]
pub mod http;

#[cfg(feature = "axum")]
pub mod axum;

#[cfg(feature = "tower")]
pub mod tower;

#[cfg(feature = "actix")]
pub mod actix;

#[cfg(feature = "grpc")]
pub mod grpc;

#[cfg(feature = "otel")]
pub mod otel;

#[cfg(any(feature = "tower", feature = "actix"))]
mod mount;

/// What the code of `#[smoke_test]` and `#[smoke_suite]` refers to. Not a public API.
#[doc(hidden)]
pub use smoke_core::__private_0_1;
