//! The guide: smoke from the first test to production, a chapter a module.
//!
//! Every example in these chapters is compiled, and most are run, by `cargo test`.
//!
//! 1. [`writing_tests`]: `#[smoke_test]`, `#[smoke_suite]`, fixtures and resources.
//! 2. [`configuration`]: the runner, its resources, hooks, limits and secrets.
//! 3. [`assertions`]: the assertion macros and what their failures say.
//! 4. [`checks`]: the ready-made checks.
//! 5. [`rollback`]: database writes that leave nothing behind.
//! 6. [`command_line`]: a smoke target in your crate, its options and exit status.
//! 7. [`reports`]: the report formats.
//! 8. [`endpoint`]: the endpoint in axum, hyper, tower, actix-web and gRPC.
//! 9. [`operations`]: callers, probes, monitoring and load in production.
//! 10. [`cargo_smoke`]: `cargo smoke`, locally and against a deployed service.
#![cfg_attr(
    feature = "http",
    doc = "11. [`canary_gates`]: the endpoint as a gate for Argo Rollouts and Flagger, and a post-deploy Job."
)]
#![cfg_attr(
    not(feature = "http"),
    doc = "11. `canary_gates` (with the feature `http`): the endpoint as a gate for Argo Rollouts and Flagger, and a post-deploy Job."
)]
#![cfg_attr(
    feature = "otel",
    doc = "12. [`tracing`]: the runs' and tests' spans, and OpenTelemetry export."
)]
#![cfg_attr(
    not(feature = "otel"),
    doc = "12. `tracing` (with the feature `otel`): the runs' and tests' spans, and OpenTelemetry export."
)]
//! 13. [`dependencies`]: `requires(...)`: prerequisites first, dependents blocked.
//!
//! Chapters 11 and 12 are part of the documentation when the feature they need is on
//! (`cargo doc -p smoke-runtime --all-features` builds every chapter).

#[doc = include_str!("../guide/01-writing-tests.md")]
pub mod writing_tests {}

#[doc = include_str!("../guide/02-configuration.md")]
pub mod configuration {}

#[doc = include_str!("../guide/03-assertions.md")]
pub mod assertions {}

#[doc = include_str!("../guide/04-checks.md")]
pub mod checks {}

#[doc = include_str!("../guide/05-rollback.md")]
pub mod rollback {}

#[doc = include_str!("../guide/06-command-line.md")]
pub mod command_line {}

#[doc = include_str!("../guide/07-reports.md")]
pub mod reports {}

#[doc = include_str!("../guide/08-endpoint.md")]
pub mod endpoint {}

#[doc = include_str!("../guide/09-operations.md")]
pub mod operations {}

#[doc = include_str!("../guide/10-cargo-smoke.md")]
pub mod cargo_smoke {}

#[cfg(feature = "http")]
#[doc = include_str!("../guide/11-canary-gates.md")]
pub mod canary_gates {}

#[cfg(feature = "otel")]
#[doc = include_str!("../guide/12-tracing.md")]
pub mod tracing {}

#[doc = include_str!("../guide/13-dependencies.md")]
pub mod dependencies {}
