//! `use smoke_runtime::prelude::*;` brings what a smoke test file needs.

pub use crate::{
    add_cleanup, smoke_suite, smoke_test, Context, Fixture, Resource, SmokeError, SmokeResult,
};
