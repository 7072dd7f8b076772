//! What the code `smoke-macros` generates refers to, and nothing else should: reached as
//! `smoke_runtime::__private_0_1` (or `crate = path`'s `__private_0_1`). Not a public API.
//!
//! The name carries the crate's major and minor version, and `smoke-macros` emits the same
//! name (its `PRIVATE_MODULE`): expanded by a `smoke-macros` of another version, a test
//! does not compile, rather than calling into machinery of another shape.
//!
//! Hand-written descriptors (this workspace's own tests of the runner) use the same
//! pieces: `set_up`, `run_body`, `run_sync`, `finish`, `still_blocked`; the descriptor
//! itself is [`TestDescriptor::new`](crate::TestDescriptor::new), public.

mod entry;

pub use crate::async_fn::async_fn;
pub use entry::{
    async_body, common_instances, millis, sync_body, sync_ctx_fn, sync_fn, AsyncFixtureBody,
    SyncFixtureBody,
};
pub use linkme;
pub use std::sync::Arc;
pub use std::time::Duration;

pub use crate::blocking::{still_blocked, StillBlocked};
pub use crate::body::{
    async_test, finish, run_body, run_sync, set_up, sync_test, AsyncBody, SyncBody,
};
pub use crate::context::Context;
pub use crate::descriptor::{
    BoxFuture, Prerequisite, SuiteDescriptor, TestDescriptor, SMOKE_CORE_TESTS,
};
pub use crate::error::{into_smoke_error, IntoSmokeResult, SmokeResult};
pub use crate::fixture::{ByValue, FixtureSet};
pub use crate::suite::{
    default_suite, sync_set_up, sync_suite_hook, sync_tear_down, DefaultSuite, Suite, SuiteState,
};

#[cfg(test)]
mod tests {
    /// The module's name is the one `smoke-macros` emits: `__private_` and this crate's
    /// major and minor version.
    #[test]
    fn the_module_is_named_for_the_crate_version() {
        let expected = format!(
            "smoke_core::__private_{}_{}",
            env!("CARGO_PKG_VERSION_MAJOR"),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(module_path!().trim_end_matches("::tests"), expected);
    }
}
