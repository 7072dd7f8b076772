//! Smoke tests for Rust services.
//!
//! Write them like unit tests, with `#[smoke_test]` on functions or `#[smoke_suite]` on an
//! `impl` block; they are found at link time and run on demand: from an HTTP endpoint in
//! the service, from a command in the deploy pipeline, under monitoring. See the README
//! for the tour.

pub use smoke_core::{
    add_cleanup, Context, Counts, ErrorKind, Fixture, Ignored, IntoSmokeResult, Location, Outcome,
    Report, Resource, Resources, RunConfig, Runner, RunnerBuilder, Selection, SmokeError,
    SmokeResult, TestDescriptor, TestReport,
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

#[cfg(any(feature = "tower", feature = "actix"))]
mod mount;

#[doc(hidden)]
pub mod __private;
